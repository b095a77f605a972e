// Where the calendar is looking: the view, the selected day (the anchor of the range), the
// range it reads through the cache, and the roving focus that follows keyboard moves.
import { useEffect, useRef, useState } from "react";
import { todayIn } from "../lib/dates";
import { viewRange } from "./range";
import type { View } from "./range";
import { useCalendarRange } from "./queries";

export function useCalendarNavigation({ zone, now, initialView }: { zone: string; now?: () => Date; initialView: View }) {
  const today = todayIn(zone, now ? now() : new Date());
  const [view, setView] = useState<View>(initialView);
  const [selected, setSelected] = useState(today);
  const viewsRef = useRef<HTMLDivElement | null>(null);
  const focusCell = useRef(false);

  const { from, to } = viewRange(view, selected);
  const range = useCalendarRange(from, to);

  // After keyboard navigation, the selected cell takes the focus (roving tabindex).
  useEffect(() => {
    if (!focusCell.current) return;
    const cell = viewsRef.current?.querySelector<HTMLElement>(`[data-date="${selected}"]`);
    if (!cell) return;
    focusCell.current = false;
    cell.focus();
  }, [selected, view, range.data]);

  /** Selects a day; `focus` moves the keyboard focus to its cell once drawn. */
  const selectDay = (d: string, focus = false) => {
    focusCell.current = focus;
    setSelected(d);
  };

  return { today, view, setView, selected, selectDay, from, to, range, viewsRef };
}
