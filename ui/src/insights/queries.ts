// Insights through the query cache: the keys, the reads (dashboards, one dashboard, a
// widget's data, the metric catalog, the sandbox's schema), the mutation wrapper that
// refetches what a change moved, and the listener for the shell's scheduled source refreshes. Nothing here touches Home, so mutations say so
// (`appUnchanged`).
import { useEffect, useRef } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { QueryClient } from "@tanstack/react-query";
import type { UseMutationOptions } from "@tanstack/react-query";
import * as api from "../api/client";
import type { ApiError } from "../api/client";
import type { DashboardEntry } from "../api/bindings/DashboardEntry";
import type { DashboardView } from "../api/bindings/DashboardView";
import type { DashboardWidget } from "../api/bindings/DashboardWidget";
import type { DataSource } from "../api/bindings/DataSource";
import type { MetricInfo } from "../api/bindings/MetricInfo";
import type { ShareList } from "../api/bindings/ShareList";
import type { Table } from "../api/bindings/Table";
import type { WidgetData } from "../api/bindings/WidgetData";
import { useApiMutation, useShellEvent } from "../api/queries";

export const insightsKeys = {
  all: () => ["insights"] as const,
  dashboards: () => ["insights", "dashboards"] as const,
  dashboard: (id: string) => ["insights", "dashboard", id] as const,
  widgetData: (id: string, points: number) => ["insights", "widget_data", id, points] as const,
  catalog: () => ["insights_catalog"] as const,
  schema: () => ["insights_schema"] as const,
  /** My data sources (also read by the widget editor's source picker). */
  sources: () => ["source_list"] as const,
  sourcePreview: (id: string, limit: number) => ["insights", "source_preview", id, limit] as const,
};

// Each read's key and function, shared by its hook and by `prefetchInsights` (so what the
// click starts is the very query the page then finds in the cache).
const dashboardsQuery = () => ({ queryKey: insightsKeys.dashboards(), queryFn: () => api.dashboardsList() });
const dashboardQuery = (id: string) => ({ queryKey: insightsKeys.dashboard(id), queryFn: () => api.dashboardGet(id) });
const widgetDataQuery = (id: string, points: number) => ({ queryKey: insightsKeys.widgetData(id, points), queryFn: () => api.insightsWidgetData(id, points) });

/** The shares of my dashboards and the dashboards shared with me (Insights' list and the
 *  sharing panel read the same query). */
export const SHARES_KEY = ["share_list"] as const;

export function useShareList() {
  return useQuery<ShareList, ApiError>({ queryKey: SHARES_KEY, queryFn: () => api.shareList() });
}

export function useDashboards() {
  return useQuery<DashboardEntry[], ApiError>(dashboardsQuery());
}

export function useDashboard(id: string | null) {
  return useQuery<DashboardView, ApiError>({ ...dashboardQuery(id ?? ""), enabled: id !== null });
}

/** About one point per pixel of a widget's width (its share of the window's 12 columns):
 *  what its data is read with, so a longer line is thinned in Rust. Rust's read-ahead
 *  (`insightsWarm`) counts the same way (`widget_data::points_for_width`). */
export function widgetPoints(widget: DashboardWidget): number {
  const columns = Math.min(12, Math.max(1, Number(widget.position.w) || 12));
  return Math.max(50, Math.min(5000, Math.round((window.innerWidth * columns) / 12)));
}

/** Whether a widget reads data (text and images do not). */
export const isQueried = (widget: DashboardWidget) => widget.row.type !== "text" && widget.row.type !== "image";

/** What opening Insights reads first (the dashboard list, the first dashboard, its widgets'
 *  data), started with the click so it is on its way while the page's code loads. A failure
 *  is left for the page to show: it reads the same queries. */
export async function prefetchInsights(qc: QueryClient): Promise<void> {
  try {
    const first = (await qc.fetchQuery(dashboardsQuery()))[0];
    if (!first) return;
    const view = await qc.fetchQuery(dashboardQuery(first.row.id));
    await Promise.all(view.widgets.filter(isQueried).map((w) => qc.prefetchQuery(widgetDataQuery(w.row.id, widgetPoints(w)))));
  } catch {
    // The page asks again and says what went wrong.
  }
}

/** How long after start the read-ahead waits (then for an idle moment): after Home. */
export const WARM_AFTER_MS = 1000;

/** Once, after start, when the app is idle: asks Rust to read my first dashboard's widgets
 *  ahead (`insightsWarm`), so a later click on Insights does not wait for years of days.
 *  Rust keeps the answers and checks them against the database on each read (never older
 *  than its rows); nothing goes into this page's query cache, and a failure is silent (the
 *  page reads again and says what went wrong). When that dashboard has widgets to draw,
 *  `loadCode` then loads the page's code (the charts' is the largest of the app), so the
 *  first open does not parse and evaluate it either: paid once, while the app is idle,
 *  never before Home is drawn. */
export function useWarmInsights(loadCode: () => void): void {
  const load = useRef(loadCode);
  load.current = loadCode;
  useEffect(() => {
    let idle: number | undefined;
    let closed = false;
    const warm = () =>
      void api
        .insightsWarm(Math.round(window.innerWidth))
        .then((widgets) => {
          if (widgets > 0 && !closed) load.current();
        })
        .catch(() => {});
    const timer = window.setTimeout(() => {
      if (typeof window.requestIdleCallback === "function") idle = window.requestIdleCallback(warm, { timeout: 5000 });
      else warm();
    }, WARM_AFTER_MS);
    return () => {
      closed = true;
      window.clearTimeout(timer);
      if (idle !== undefined) window.cancelIdleCallback(idle);
    };
  }, []);
}

/** A widget's rows for its dashboard's range; `points`: about the chart's width. */
export function useWidgetData(id: string, points: number, refreshMinutes: number | undefined) {
  return useQuery<WidgetData, ApiError>({
    ...widgetDataQuery(id, points),
    refetchInterval: refreshMinutes ? refreshMinutes * 60_000 : false,
    retry: false,
  });
}

export function useMetricCatalog() {
  return useQuery<MetricInfo[], ApiError>({ queryKey: insightsKeys.catalog(), queryFn: () => api.insightsMetricCatalog(), staleTime: Infinity });
}

export function useSources() {
  return useQuery<DataSource[], ApiError>({ queryKey: insightsKeys.sources(), queryFn: () => api.sourceList() });
}

/** The first `limit` rows of a source, read when `enabled` (its preview is open). */
export function useSourcePreview(id: string, limit: number, enabled: boolean) {
  return useQuery<Table, ApiError>({ queryKey: insightsKeys.sourcePreview(id, limit), queryFn: () => api.sourcePreview(id, limit), enabled, retry: false });
}

/** What a change to a data source moves: the list, the previews, the widgets over it and
 *  the tables the SQL editor lists. */
export const sourceChanges = [insightsKeys.sources(), ["insights", "source_preview"], ["insights", "widget_data"], insightsKeys.schema()] as const;

/** Refetches what a scheduled refresh of the shell moved (`sources-changed`): the sources,
 *  their previews, the widgets' data and the SQL editor's tables. */
export function useSourceEvents() {
  const qc = useQueryClient();
  useShellEvent(api.onSourcesChanged, () => {
    for (const queryKey of sourceChanges) void qc.invalidateQueries({ queryKey });
  });
}

/** An Insights change: refetches the dashboards (and `refresh`, e.g. a widget's data)
 *  when it settles, never Home; a move or a rename does not re-run every widget's query. */
export function useInsightsMutation<TData, TVars>(
  mutationFn: (vars: TVars) => Promise<TData>,
  options: Omit<UseMutationOptions<TData, ApiError, TVars>, "mutationFn"> = {},
  refresh: readonly (readonly unknown[])[] = [],
) {
  return useApiMutation(mutationFn, {
    ...options,
    meta: { appUnchanged: true, refresh: [insightsKeys.dashboards(), ["insights", "dashboard"], ...refresh], ...(options.meta ?? {}) },
  });
}
