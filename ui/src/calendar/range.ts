// What each calendar view shows around the selected day, and where prev/next go.
import { addDays, addMonths, startOfMonth, startOfWeek } from "../lib/dates";

export type View = "month" | "week" | "day" | "agenda";

/** The first and last date shown by a view around `anchor`. */
export function viewRange(view: View, anchor: string): { from: string; to: string } {
  switch (view) {
    case "month": {
      const from = startOfWeek(startOfMonth(anchor));
      return { from, to: addDays(from, 41) };
    }
    case "week": {
      const from = startOfWeek(anchor);
      return { from, to: addDays(from, 6) };
    }
    case "day":
      return { from: anchor, to: anchor };
    case "agenda":
      return { from: anchor, to: addDays(anchor, 29) };
  }
}

export function step(view: View, anchor: string, dir: 1 | -1): string {
  if (view === "month") return addMonths(anchor, dir);
  if (view === "week") return addDays(anchor, 7 * dir);
  if (view === "agenda") return addDays(anchor, 30 * dir);
  return addDays(anchor, dir);
}
