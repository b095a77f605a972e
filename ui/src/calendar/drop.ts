// What a drop means: a drag ends over a day (`day|D`), an hour of the week/day grid
// (`slot|D|HH`) or another event (`item|D|key`, to reorder the day). Pure, so tested alone.
import type { CalendarItem } from "../api/bindings/CalendarItem";
import type { EventMove } from "../api/bindings/EventMove";
import { wallTime } from "../lib/dates";
import { itemsOn, occKey } from "./views";

export function dropPlan(items: CalendarItem[], item: CalendarItem, overId: string, timeZone: string): EventMove | null {
  const [kind, date, rest] = overId.split("|");
  if (!date || item.kind !== "event") return null;
  const input: EventMove = { id: item.id, scope: item.recurring ? "this" : "all" };
  if (item.recurrence_id) input.occurrence = item.recurrence_id;
  if (kind === "slot" && rest !== undefined) {
    if (item.all_day || !item.starts_at) {
      if (date === item.date) return null;
      input.date = date;
      return input;
    }
    const minutes = wallTime(item.starts_at, timeZone).slice(3, 5);
    const start = `${date}T${rest}:${minutes}`;
    if (date === item.date && wallTime(item.starts_at, timeZone) === `${rest}:${minutes}`) return null;
    input.start = start;
    return input;
  }
  if (kind === "day") {
    if (date === item.date) return null;
    input.date = date;
    return input;
  }
  if (kind === "item" && rest !== undefined) {
    const movedKey = occKey(item);
    if (rest === movedKey) return null;
    const day = itemsOn(items, date).filter((i) => i.kind === "event" && occKey(i) !== movedKey);
    const at = day.findIndex((i) => occKey(i) === rest);
    day.splice(at < 0 ? day.length : at, 0, item);
    const order: string[] = [];
    for (const i of day) if (!order.includes(i.id)) order.push(i.id);
    if (date !== item.date) input.date = date;
    input.day_order = order;
    return input;
  }
  return null;
}
