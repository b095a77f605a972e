// Moving and resizing events: a drop (dnd-kit), Alt+arrows (another day) and
// Alt+Shift+Up/Down (the end 15 minutes earlier or later), all through the calendar's
// mutations.
import type { DragEndEvent } from "@dnd-kit/core";
import type { KeyboardEvent } from "react";
import * as api from "../api/client";
import type { CalendarItem } from "../api/bindings/CalendarItem";
import type { EventMove } from "../api/bindings/EventMove";
import { addDays, todayIn, wallTime } from "../lib/dates";
import type { View } from "./range";
import { dropPlan } from "./drop";
import { useCalendarMutation } from "./queries";

export function useEventMoves({ items, timeZone, view }: { items: CalendarItem[]; timeZone: string; view: View }) {
  const move = useCalendarMutation(api.eventMove);
  const resize = useCalendarMutation(api.eventUpdate);

  const moveItem = (item: CalendarItem, target: { date: string; hour?: string }) => {
    const input: EventMove = { id: item.id, scope: item.recurring ? "this" : "all" };
    if (item.recurrence_id) input.occurrence = item.recurrence_id;
    if (target.hour !== undefined && !item.all_day && item.starts_at) {
      const minutes = wallTime(item.starts_at, timeZone).slice(3, 5);
      input.start = `${target.date}T${target.hour}:${minutes}`;
    } else {
      if (target.date === item.date) return;
      input.date = target.date;
    }
    move.mutate(input);
  };

  const onDragEnd = (e: DragEndEvent) => {
    const item = (e.active.data.current as { item?: CalendarItem } | undefined)?.item;
    if (!item || !e.over) return;
    const plan = dropPlan(items, item, String(e.over.id), timeZone);
    if (plan) move.mutate(plan);
  };

  /** The end `minutes` later (or earlier): the mouse's and the keyboard's resize. */
  const resizeItem = (item: CalendarItem, minutes: number) => {
    if (item.all_day || !item.starts_at || !item.ends_at) return;
    const startMs = Date.parse(item.starts_at);
    const endMs = Date.parse(item.ends_at) + minutes * 60_000;
    if (endMs <= startMs) return;
    const end = new Date(endMs).toISOString();
    resize.mutate({
      id: item.id,
      scope: item.recurring ? "this" : "all",
      ...(item.recurrence_id ? { occurrence: item.recurrence_id } : {}),
      patch: { end: `${todayIn(timeZone, new Date(end))}T${wallTime(end, timeZone)}` },
    });
  };

  const onItemKey = (item: CalendarItem, e: KeyboardEvent) => {
    if (!e.altKey || item.kind !== "event") return;
    if (e.shiftKey && (e.key === "ArrowUp" || e.key === "ArrowDown")) {
      e.preventDefault();
      e.stopPropagation();
      resizeItem(item, e.key === "ArrowUp" ? -15 : 15);
      return;
    }
    const delta = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 }[e.key];
    if (delta === undefined) return;
    e.preventDefault();
    e.stopPropagation();
    moveItem(item, { date: addDays(item.date, view === "month" ? delta : Math.sign(delta)) });
  };

  return { onDragEnd, resizeItem, onItemKey };
}
