// The calendar's reads and writes through the query cache: one key factory, the range
// read the views draw, the event read the editor opens with, and the mutations (each
// refreshes the ranges on screen, and Home through the client's rule).
import { keepPreviousData, useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import type { InfiniteData, UseMutationOptions } from "@tanstack/react-query";
import type { AgendaPage } from "../api/bindings/AgendaPage";
import * as api from "../api/client";
import type { ApiError } from "../api/client";
import { useApiMutation } from "../api/queries";
import type { RefreshMeta } from "../api/queries";

export const calendarKeys = {
  /** Every range read: what a calendar mutation refreshes. */
  ranges: () => ["calendar_range"] as const,
  range: (from: string, to: string) => [...calendarKeys.ranges(), from, to] as const,
  /** The agenda's pages (a range read a page at a time; refreshed with the ranges). */
  agenda: (from: string, to: string) => [...calendarKeys.ranges(), "agenda", from, to] as const,
  /** One stored event (the editor's reminders and rule), read when the editor opens. */
  event: (id: string) => ["calendar_event", id] as const,
  /** The .ics text of a range, or of everything (`null`, `null`). */
  ics: (from: string | null, to: string | null) => ["calendar_ics", from, to] as const,
};

/** What every calendar write refreshes besides Home. */
export const CALENDAR_REFRESH = { refresh: [calendarKeys.ranges()] } satisfies RefreshMeta;

/** The occurrences and due dates between two local dates. */
export function useCalendarRange(from: string, to: string, enabled = true) {
  return useQuery<Awaited<ReturnType<typeof api.calendarRange>>, ApiError>({
    queryKey: calendarKeys.range(from, to),
    queryFn: () => api.calendarRange(from, to),
    enabled,
    // Paging keeps the previous items on screen (and the keyboard focus in the grid).
    placeholderData: keepPreviousData,
  });
}

/** How many agenda items one page asks for ("Show more" reads the next page). */
export const AGENDA_PAGE = 200;

/** The agenda between two dates, a page at a time: the core caps what one answer holds,
 * so a crowded range is read as the user scrolls through it ("Show more"). */
export function useCalendarAgenda(from: string, to: string, enabled: boolean) {
  return useInfiniteQuery<AgendaPage, ApiError, InfiniteData<AgendaPage>, ReturnType<typeof calendarKeys.agenda>, string | null>({
    queryKey: calendarKeys.agenda(from, to),
    queryFn: ({ pageParam }) => api.calendarAgenda(from, to, pageParam, AGENDA_PAGE),
    initialPageParam: null,
    getNextPageParam: (last) => last.next ?? undefined,
    enabled,
    placeholderData: keepPreviousData,
  });
}

// The two on-demand reads below are fetched fresh each time and not kept (gcTime 0): a
// failure is the caller's to show, never a "refresh failed" toast about stale data.

/** Reads one event through the cache, on demand (opening the editor). */
export function useFetchEvent() {
  const qc = useQueryClient();
  return (id: string) => qc.fetchQuery({ queryKey: calendarKeys.event(id), queryFn: () => api.eventGet(id), staleTime: 0, gcTime: 0 });
}

/** Reads the .ics text of a range (or of everything) through the cache, fresh each time. */
export function useFetchIcs() {
  const qc = useQueryClient();
  return (from: string | null, to: string | null) =>
    qc.fetchQuery({ queryKey: calendarKeys.ics(from, to), queryFn: () => api.icsExport(from, to), staleTime: 0, gcTime: 0 });
}

/** A calendar write: refreshes the ranges (and Home) once it settles. */
export function useCalendarMutation<TData, TVars>(
  mutationFn: (vars: TVars) => Promise<TData>,
  options: Omit<UseMutationOptions<TData, ApiError, TVars>, "mutationFn"> = {},
) {
  return useApiMutation(mutationFn, { ...options, meta: { ...CALENDAR_REFRESH, ...options.meta } });
}
