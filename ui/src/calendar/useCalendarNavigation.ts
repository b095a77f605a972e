// Where the calendar is looking: the view, the selected day (the anchor of the range), the
// range it reads through the cache, and the roving focus that follows keyboard moves.
import { useEffect, useRef, useState } from "react";
import { todayIn } from "../lib/dates";
import { viewRange } from "./range";
import type { View } from "./range";
import { useCalendarAgenda, useCalendarRange } from "./queries";

export function useCalendarNavigation({ zone, now, initialView }: { zone: string; now?: () => Date; initialView: View }) {
  const today = todayIn(zone, now ? now() : new Date());
  const [view, setView] = useState<View>(initialView);
  const [selected, setSelected] = useState(today);
  const viewsRef = useRef<HTMLDivElement | null>(null);
  const focusCell = useRef(false);

  const { from, to } = viewRange(view, selected);
  // The agenda reads its range a page at a time; the grids read theirs whole (both capped
  // by the core). Only the one on screen is fetched.
  const agenda = view === "agenda";
  const grid = useCalendarRange(from, to, !agenda);
  const pages = useCalendarAgenda(from, to, agenda);
  const range = agenda
    ? {
        data: pages.data ? { items: pages.data.pages.flatMap((p) => p.items), timezone: pages.data.pages[0]?.timezone ?? zone } : undefined,
        status: pages.status,
        error: pages.error,
        refetch: () => pages.refetch(),
      }
    : grid;
  /** The agenda's next page, when there is one. */
  const more = agenda && pages.hasNextPage ? { loading: pages.isFetchingNextPage, load: () => void pages.fetchNextPage() } : null;

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

  return { today, view, setView, selected, selectDay, from, to, range, more, viewsRef };
}
