// One widget's body: its data read off the IPC thread for the dashboard's range, drawn by
// type (chart, table, metric card, text, image), with "no data" and errors in words inside
// the widget only, and its exports (CSV for all, PNG and SVG for charts).
import { lazy, Suspense, useEffect, useRef, useState } from "react";
import type { Ref } from "react";
import { useTranslation } from "react-i18next";
import type { DashboardWidget as Widget } from "../api/bindings/DashboardWidget";
import type { WidgetData } from "../api/bindings/WidgetData";
import { errorText } from "../api/errorText";
import { Loading } from "../components/Status";
import { usePrefs } from "../lib/prefs";
import { intlLocale } from "../lib/dates";
import { DataTable } from "./DataTable";
import { MetricCard } from "./MetricCard";
import { LocalImage, TextWidget } from "./TextWidget";
import type { ChartHandle } from "./Chart";
import { useFormatNumber } from "./format";
import { useWidgetData } from "./queries";
import { toSeries } from "./series";

const Chart = lazy(() => import("./Chart"));

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

// One formatter per language: making an Intl.DateTimeFormat costs far more than using one,
// and a ten-year chart labels 3,650 days (measured: seconds of main thread in WebKitGTK).
const shortDateFormats = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM-DD` as "Nov 6" / "11月6日" (the axis has room for little; the tooltip shows it). */
function shortDate(d: string, locale: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
  if (!m) return d;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  let format = shortDateFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(intlLocale(locale as "en" | "ja"), { month: "short", day: "numeric", timeZone: "UTC" });
    shortDateFormats.set(locale, format);
  }
  return format.format(date);
}

export type WidgetExports = { data: () => WidgetData | undefined; chart: () => ChartHandle | null };

export function WidgetBody({ widget, title, refreshMinutes, exportsRef }: { widget: Widget; title: string; refreshMinutes?: number; exportsRef?: Ref<WidgetExports> }) {
  if (widget.row.type === "text") return <TextWidget markdown={widget.config.markdown ?? ""} />;
  if (widget.row.type === "image")
    return (
      <div className="image-widget">
        <LocalImage reference={widget.config.image ?? null} alt={widget.config.alt ?? title} />
      </div>
    );
  return <QueriedWidget widget={widget} title={title} refreshMinutes={refreshMinutes} exportsRef={exportsRef} />;
}

function QueriedWidget({ widget, title, refreshMinutes, exportsRef }: { widget: Widget; title: string; refreshMinutes?: number; exportsRef?: Ref<WidgetExports> }) {
  const { t } = useTranslation();
  const { locale } = usePrefs();
  const theme = useThemeName();
  const { format, unitName } = useFormatNumber();
  const box = useRef<HTMLDivElement | null>(null);
  const chart = useRef<ChartHandle | null>(null);
  // About one point per pixel of width, fixed per widget so a resize does not re-query.
  const [points] = useState(() => Math.max(50, Math.min(5000, Math.round(window.innerWidth))));
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
  const table = data.data.table;
  const note = table.truncated ? <p className="widget-note">{t("insights.thinned")}</p> : null;
  if (widget.row.type === "metric_card") {
    return data.data.value ? <MetricCard value={data.data.value} format={format} /> : <p className="widget-empty">{t("insights.noData")}</p>;
  }
  if (table.rows.length === 0) return <p className="widget-empty">{t("insights.noData")}</p>;
  if (widget.row.type === "table") return <DataTable table={table} label={title} format={(n) => format(n)} />;
  const series = toSeries(table, widget.config.x, widget.config.y);
  if (series === "no_numbers") return <p className="widget-problem">{t("insights.noNumbers")}</p>;
  const xKind = table.columns.find((c) => c.name === widget.config.x)?.kind ?? table.columns[0]?.kind;
  if (xKind === "date") series.x = series.x.map((d) => shortDate(d, locale));
  const xIsTime = xKind === "date" || xKind === "timestamp";
  return (
    <div className="widget-chart" ref={box}>
      <Suspense fallback={<Loading />}>
        <Chart kind={widget.row.type} xIsTime={xIsTime} series={series} stacked={widget.config.stacked} locale={locale} theme={theme} label={title} format={format} unitName={unitName} handle={chart} />
      </Suspense>
      {note}
    </div>
  );
}
