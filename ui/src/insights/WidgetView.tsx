// One widget's body: its data read off the IPC thread for the dashboard's range, drawn by
// type (chart, table, metric card, text, image), with "no data" and errors in words inside
// the widget only, and its exports (CSV for all, PNG and SVG for charts). A widget of a
// dashboard shared with me shows its owner's cached result and says when it was computed.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import type { Ref, RefObject } from "react";
import { useTranslation } from "react-i18next";
import type { DashboardWidget as Widget } from "../api/bindings/DashboardWidget";
import type { Table } from "../api/bindings/Table";
import type { WidgetData } from "../api/bindings/WidgetData";
import { errorText } from "../api/errorText";
import { Loading } from "../components/Status";
import { usePrefs } from "../lib/prefs";
import { dateFormat, formatDateTime, intlLocale } from "../lib/dates";
import { DataTable } from "./DataTable";
import { MetricCard } from "./MetricCard";
import { LocalImage, TextWidget } from "./TextWidget";
import type { ChartHandle } from "./Chart";
import { useFormatNumber } from "./format";
import { useWidgetData, widgetPoints } from "./queries";
import { pieSlices, toSeries } from "./series";
import type { ChartSeries } from "./series";

type ChartComponent = (typeof import("./Chart"))["default"];
// The charts' code (ECharts) is fetched as soon as a dashboard's code is: it is evaluated
// while the widgets' queries are on their way instead of after they answer. Widgets wait
// for it with a state, not Suspense: React holds a suspended boundary's content back for
// up to 300 ms after its fallback showed, which a dashboard paid on every open.
let loadedChart: ChartComponent | "failed" | null = null;
const chartModule: Promise<ChartComponent | "failed"> = import("./Chart").then(
  (m) => (loadedChart = m.default),
  () => (loadedChart = "failed"),
);

function useChartComponent(): ChartComponent | "failed" | null {
  const [chart, setChart] = useState(() => loadedChart);
  useEffect(() => {
    if (chart === null) void chartModule.then((c) => setChart(() => c));
  }, [chart]);
  return chart;
}

/** A pie shows at most this many slices (the smallest summed into "Other"). */
const PIE_SLICES = 10;

const CHARTS = new Set(["line_chart", "bar_chart", "pie_chart", "area_chart"]);

export const isChart = (w: Widget) => CHARTS.has(w.row.type);

/** The current theme as set on <html data-theme>, followed live. */
function useThemeName(): "light" | "dark" {
  const read = (): "light" | "dark" => (document.documentElement.dataset.theme === "dark" ? "dark" : "light");
  const [theme, setTheme] = useState(read);
  useEffect(() => {
    const observer = new MutationObserver(() => setTheme(read()));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    return () => observer.disconnect();
  }, []);
  return theme;
}

/** `YYYY-MM-DD` as "Nov 6" / "11月6日", or with the year ("Nov 6, 2024") when the chart spans
 *  more than one (the axis has room for little; the tooltip shows the same words). */
function shortDate(d: string, locale: string, withYear: boolean): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
  if (!m) return d;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  const year = withYear ? ({ year: "numeric" } as const) : {};
  return dateFormat(intlLocale(locale as "en" | "ja"), { ...year, month: "short", day: "numeric", timeZone: "UTC" }).format(date);
}

/** Whether `YYYY-MM-DD` labels run over more than one year. */
const spansYears = (x: string[]) => x.length > 0 && (x[0] ?? "").slice(0, 4) !== (x[x.length - 1] ?? "").slice(0, 4);

export type WidgetExports = { data: () => WidgetData | undefined; chart: () => ChartHandle | null };

type BodyProps = {
  widget: Widget;
  title: string;
  refreshMinutes?: number;
  exportsRef?: Ref<WidgetExports>;
  /** A chart is drawn once it comes near the window (a dashboard's widgets below the fold
   *  cost nothing when it opens); otherwise at once (a picture export). */
  drawWhenSeen?: boolean;
};

/** Whether `box` is within `margin` px of the window, or has been: checked before the first
 *  paint (a widget in view draws without waiting a frame), then watched. */
function useSeen(box: RefObject<HTMLElement | null>, enabled: boolean, margin = 200): boolean {
  const [seen, setSeen] = useState(!enabled);
  useLayoutEffect(() => {
    const el = box.current;
    if (seen || !el) return;
    const near = (r: DOMRect) => r.top < window.innerHeight + margin && r.bottom > -margin;
    if (typeof IntersectionObserver === "undefined" || near(el.getBoundingClientRect())) {
      setSeen(true);
      return;
    }
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) setSeen(true);
    }, { rootMargin: `${margin}px 0px` });
    observer.observe(el);
    return () => observer.disconnect();
  }, [box, seen, margin]);
  return seen;
}

export function WidgetBody({ widget, title, refreshMinutes, exportsRef, drawWhenSeen = false }: BodyProps) {
  if (widget.row.type === "text") return <TextWidget markdown={widget.config.markdown ?? ""} />;
  if (widget.row.type === "image")
    return (
      <div className="image-widget">
        <LocalImage reference={widget.config.image ?? null} alt={widget.config.alt ?? title} />
      </div>
    );
  return <QueriedWidget widget={widget} title={title} refreshMinutes={refreshMinutes} exportsRef={exportsRef} drawWhenSeen={drawWhenSeen} />;
}

function QueriedWidget({ widget, title, refreshMinutes, exportsRef, drawWhenSeen }: BodyProps) {
  const { t } = useTranslation();
  const chart = useRef<ChartHandle | null>(null);
  // Fixed per widget so a resize does not re-query.
  const [points] = useState(() => widgetPoints(widget));
  const data = useWidgetData(widget.row.id, points, refreshMinutes);

  useEffect(() => {
    if (!exportsRef) return;
    const value: WidgetExports = { data: () => data.data, chart: () => chart.current };
    if (typeof exportsRef === "function") exportsRef(value);
    else exportsRef.current = value;
  });

  if (data.isPending) return <Loading />;
  if (data.isError)
    return (
      <p className="widget-problem" role="alert">
        {errorText(t, data.error)}
      </p>
    );
  const asOf = data.data.as_of;
  const body = <WidgetContent widget={widget} title={title} data={data.data} handle={chart} drawWhenSeen={drawWhenSeen ?? false} />;
  if (!asOf) return body;
  return (
    <div className="widget-shared-result">
      {body}
      <AsOf at={asOf} />
    </div>
  );
}

/** "As of <time>": when the owner's device computed a shared widget's result. */
function AsOf({ at }: { at: string }) {
  const { t } = useTranslation();
  const { locale, timezone } = usePrefs();
  const text = t("insights.asOf", { time: formatDateTime(at, locale, timezone) });
  return (
    <p className="widget-note" data-testid="widget-as-of" title={text}>
      {text}
    </p>
  );
}

function WidgetContent({ widget, title, data, handle, drawWhenSeen }: { widget: Widget; title: string; data: WidgetData; handle: Ref<ChartHandle>; drawWhenSeen: boolean }) {
  const { t } = useTranslation();
  const { format } = useFormatNumber();
  const table = data.table;
  if (widget.row.type === "metric_card") {
    return data.value ? <MetricCard value={data.value} format={format} /> : <p className="widget-empty">{t("insights.noData")}</p>;
  }
  if (table.rows.length === 0) return <p className="widget-empty">{t("insights.noData")}</p>;
  if (widget.row.type === "table") return <DataTable table={table} label={title} format={(n) => format(n)} />;
  return <ChartWidget widget={widget} table={table} title={title} handle={handle} drawWhenSeen={drawWhenSeen} />;
}

/** What a chart draws from a table: its series (a pie's smallest slices summed, days in
 *  words) and whether x is time. */
function chartSeries(table: Table, pie: boolean, x: string | undefined, y: string[], locale: "en" | "ja", other: string): { series: ChartSeries; xIsTime: boolean } | "no_numbers" {
  const all = toSeries(table, x, y);
  if (all === "no_numbers") return all;
  const series = pie ? pieSlices(all, PIE_SLICES, other) : all;
  const xKind = table.columns.find((c) => c.name === x)?.kind ?? table.columns[0]?.kind;
  if (xKind === "date") {
    const withYear = spansYears(series.x);
    series.x = series.x.map((d) => shortDate(d, locale, withYear));
  }
  return { series, xIsTime: xKind === "date" || xKind === "timestamp" };
}

function ChartWidget({ widget, table, title, handle, drawWhenSeen }: { widget: Widget; table: Table; title: string; handle: Ref<ChartHandle>; drawWhenSeen: boolean }) {
  const { t } = useTranslation();
  const { locale } = usePrefs();
  const theme = useThemeName();
  const { format, unitName } = useFormatNumber();
  const other = t("insights.otherSlices");
  const Chart = useChartComponent();
  const box = useRef<HTMLDivElement | null>(null);
  const seen = useSeen(box, drawWhenSeen);
  const { type } = widget.row;
  const { x, y } = widget.config;
  // Drawn again only when what it shows changed, not on every render of the dashboard.
  const drawn = useMemo(() => chartSeries(table, type === "pie_chart", x, y, locale, other), [table, type, x, y, locale, other]);
  if (drawn === "no_numbers") return <p className="widget-problem">{t("insights.noNumbers")}</p>;
  if (Chart === "failed") return <p className="widget-problem">{t("insights.chartCodeFailed")}</p>;
  return (
    <div className="widget-chart" ref={box}>
      {!seen ? null : Chart === null ? (
        <Loading />
      ) : (
        <Chart kind={type} xIsTime={drawn.xIsTime} series={drawn.series} stacked={widget.config.stacked} locale={locale} theme={theme} label={title} format={format} unitName={unitName} handle={handle} />
      )}
      {table.truncated ? <p className="widget-note">{t("insights.thinned")}</p> : null}
    </div>
  );
}
