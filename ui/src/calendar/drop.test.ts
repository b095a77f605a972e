import { describe, expect, it } from "vitest";
import type { CalendarItem } from "../api/bindings/CalendarItem";
import { dropPlan } from "./drop";

function item(id: string, over: Partial<CalendarItem> = {}): CalendarItem {
  return {
    kind: "event", id, series_id: null, recurrence_id: null, title: id, notes: null, location: null, url: null,
    date: "2026-11-24", end_date: "2026-11-24", all_day: true, starts_at: null, ends_at: null,
    course_id: null, course_name: null, colour: null, subscription_id: null, recurring: false, order_index: 0, status: null,
    ...over,
  };
}

const A = item("a", { order_index: 0 });
const B = item("b", { order_index: 1 });
const C = item("c", { date: "2026-11-25", end_date: "2026-11-25" });
const TIMED = item("t", { all_day: false, starts_at: "2026-11-24T06:30:00Z", ends_at: "2026-11-24T07:30:00Z" });
const OCC = item("s", { recurring: true, series_id: "s", recurrence_id: "2026-11-24T00:00:00Z" });

describe("dropPlan", () => {
  it("moves to another day, keeping the time", () => {
    expect(dropPlan([A, B, C], A, "day|2026-11-26", "Asia/Tokyo")).toEqual({ id: "a", scope: "all", date: "2026-11-26" });
    expect(dropPlan([A, B, C], A, "day|2026-11-24", "Asia/Tokyo")).toBeNull();
  });

  it("moves a timed event to another hour, keeping its minutes", () => {
    expect(dropPlan([TIMED], TIMED, "slot|2026-11-26|09", "Asia/Tokyo")).toEqual({ id: "t", scope: "all", start: "2026-11-26T09:30" });
    expect(dropPlan([TIMED], TIMED, "slot|2026-11-24|15", "Asia/Tokyo")).toBeNull();
  });

  it("moves only the dragged occurrence of a series", () => {
    expect(dropPlan([OCC], OCC, "day|2026-11-27", "UTC")).toEqual({ id: "s", occurrence: "2026-11-24T00:00:00Z", scope: "this", date: "2026-11-27" });
  });

  it("reorders the day when dropped on another event", () => {
    expect(dropPlan([A, B, C], B, "item|2026-11-24|event:a:", "UTC")).toEqual({ id: "b", scope: "all", day_order: ["b", "a"] });
    expect(dropPlan([A, B, C], A, "item|2026-11-25|event:c:", "UTC")).toEqual({ id: "a", scope: "all", date: "2026-11-25", day_order: ["a", "c"] });
  });
});
