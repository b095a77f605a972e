// The charts of Insights (line, bar, pie, area) drawn by Apache ECharts: canvas on screen
// (fast with the series Rust already thinned to the chart's width), SVG for export, the
// app's theme and language, ECharts' aria description for screen readers. Loaded with the
// Insights page only (its own chunk), never at start; the SVG renderer only when a chart is
// first exported as SVG (a part of the chart code the first open does not evaluate).
import { useEffect, useImperativeHandle, useRef } from "react";
import type { Ref } from "react";
import * as echarts from "echarts/core";
import { BarChart, LineChart, PieChart } from "echarts/charts";
import { AriaComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent } from "echarts/components";
import { install as CanvasRenderer } from "echarts/lib/renderer/installCanvasRenderer.js";
import langJA from "echarts/i18n/langJA-obj.js";
// The module has no types: it is the locale object registerLocale expects.
import type { WidgetType } from "../api/bindings/WidgetType";
import type { ChartSeries } from "./series";

echarts.use([LineChart, BarChart, PieChart, GridComponent, TitleComponent, TooltipComponent, LegendComponent, AriaComponent, CanvasRenderer]);
echarts.registerLocale("JA", langJA as unknown as Parameters<typeof echarts.registerLocale>[1]);

export type ChartHandle = { png: () => Promise<Blob>; svg: () => Promise<Blob> };

/** Registers ECharts' SVG renderer once, the first time a chart is exported as SVG. */
let svgRenderer: Promise<void> | null = null;
function loadSvgRenderer(): Promise<void> {
  svgRenderer ??= import("echarts/lib/renderer/installSVGRenderer.js").then((m) => echarts.use(m.install));
  return svgRenderer;
}

type Props = {
  kind: WidgetType;
  series: ChartSeries;
  stacked: boolean;
  locale: "en" | "ja";
  theme: "light" | "dark";
  /** The x axis is days or times (labels thinned when they overlap) rather than names
   *  (every name shown, slanted and shortened when many). */
  xIsTime: boolean;
  /** What a screen reader hears first (the widget's title). */
  label: string;
  /** Formats a number with its unit for tooltips and axes. */
  format: (value: number, unit: string | undefined) => string;
  unitName: (unit: string) => string;
  handle?: Ref<ChartHandle>;
};

function cssVar(name: string, fallback: string): string {
  if (typeof getComputedStyle !== "function") return fallback;
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

const PALETTE_LIGHT = ["#3451c6", "#0b7a6f", "#a3479b", "#b25a00", "#2f7d32", "#c2185b", "#5d4037", "#00838f"];
const PALETTE_DARK = ["#90a6ff", "#4fd1c1", "#e39ddb", "#ffb65c", "#8fd694", "#f48fb1", "#bcaaa4", "#80deea"];

function option(p: Props): echarts.EChartsCoreOption {
  const text = cssVar("--text", p.theme === "dark" ? "#e8ebf0" : "#1b2230");
  const muted = cssVar("--text-muted", p.theme === "dark" ? "#a6afbd" : "#566070");
  const border = cssVar("--border", p.theme === "dark" ? "#2b313b" : "#e1e5eb");
  const unit = p.series.y[0]?.unit;
  const common = {
    color: p.theme === "dark" ? PALETTE_DARK : PALETTE_LIGHT,
    textStyle: { color: text, fontFamily: "inherit" },
    aria: { enabled: true, label: { description: undefined, general: { withTitle: `${p.label}. ` } } },
    title: { text: p.label, show: false },
    // No grow-in when a dashboard opens (twelve charts animating at once cost more main
    // thread than drawing them); a change of data still moves to its new values.
    animation: p.series.x.length < 2000,
    animationDuration: 0,
    animationDurationUpdate: 300,
    tooltip: {
      trigger: p.kind === "pie_chart" ? "item" : "axis",
      valueFormatter: (v: unknown) => (typeof v === "number" ? p.format(v, unit) : String(v ?? "")),
    },
    legend: { show: p.series.y.length > 1 || p.kind === "pie_chart", textStyle: { color: muted }, type: "scroll", bottom: 0 },
  };
  if (p.kind === "pie_chart") {
    const first = p.series.y[0];
    return {
      ...common,
      series: [
        {
          type: "pie",
          radius: ["35%", "70%"],
          name: first?.name ?? "",
          data: p.series.x.map((label, i) => ({ name: label, value: first?.values[i] ?? 0 })),
          // Names live in the legend and the tooltip: labels around a small pie get cut.
          label: { show: false },
          emphasis: { label: { show: true, color: text, fontWeight: "bold", formatter: "{b}\n{d}%" } },
          avoidLabelOverlap: true,
        },
      ],
    };
  }
  const area = p.kind === "area_chart";
  return {
    ...common,
    grid: { left: 8, right: 16, top: unit ? 30 : 16, bottom: p.series.y.length > 1 ? 36 : 8, containLabel: true },
    xAxis: {
      type: "category",
      data: p.series.x,
      boundaryGap: p.kind === "bar_chart",
      axisLabel: p.xIsTime
        ? { color: muted, hideOverlap: true }
        : { color: muted, interval: 0, rotate: p.series.x.length > 4 ? 30 : 0, width: 110, overflow: "truncate" },
      axisLine: { lineStyle: { color: border } },
    },
    yAxis: {
      type: "value",
      name: unit ? p.unitName(unit) : undefined,
      nameTextStyle: { color: muted, align: "left" },
      // Counts (every value whole) get whole ticks: no "1.5 assignments".
      minInterval: p.series.y.every((s) => s.values.every((v) => v === null || Number.isInteger(v))) ? 1 : undefined,
      axisLabel: { color: muted },
      splitLine: { lineStyle: { color: border } },
    },
    series: p.series.y.map((s) => ({
      type: p.kind === "bar_chart" ? "bar" : "line",
      name: s.name,
      data: s.values,
      stack: p.stacked ? "total" : undefined,
      areaStyle: area ? { opacity: 0.25 } : undefined,
      showSymbol: p.series.x.length <= 60,
      smooth: false,
      // One or two bars across a wide chart read as a wall, not a bar.
      barMaxWidth: 96,
      // Thousands of bars (ten years of days) are drawn as one shape, not one each.
      large: true,
      largeThreshold: 600,
    })),
  };
}

/** A `data:` URL's bytes (decoded here: the app's CSP lets fetch read no `data:` URL). */
function dataUrlBlob(url: string): Blob {
  const comma = url.indexOf(",");
  const type = /^data:([^;,]+)/.exec(url)?.[1] ?? "application/octet-stream";
  const binary = atob(url.slice(comma + 1));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type });
}

/** The option of an exported picture: still, with the widget's title on it (a file has no
 *  frame around it to carry the title), the plot moved down to make room. */
function exported(p: Props): echarts.EChartsCoreOption {
  const o = option(p) as Record<string, unknown> & { grid?: { top: number } };
  const text = cssVar("--text", p.theme === "dark" ? "#e8ebf0" : "#1b2230");
  return {
    ...o,
    animation: false,
    title: { show: true, text: p.label, left: 8, top: 4, textStyle: { color: text, fontSize: 15, fontWeight: 600 } },
    ...(o.grid ? { grid: { ...o.grid, top: o.grid.top + 32 } } : {}),
  };
}

export default function Chart(props: Props) {
  const box = useRef<HTMLDivElement | null>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!box.current) return;
    const instance = echarts.init(box.current, undefined, { renderer: "canvas", locale: props.locale === "ja" ? "JA" : "EN" });
    chart.current = instance;
    // A chart is drawn again only when its box really changed size: the observer also
    // reports the size the chart was made at, and each resize redraws the whole chart.
    let size = { width: instance.getWidth(), height: instance.getHeight() };
    const observer = new ResizeObserver(() => {
      const now = { width: box.current?.clientWidth ?? 0, height: box.current?.clientHeight ?? 0 };
      // Within a pixel: the chart measured its box in whole pixels too.
      if (Math.abs(now.width - size.width) <= 1 && Math.abs(now.height - size.height) <= 1) return;
      size = now;
      instance.resize();
    });
    observer.observe(box.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, [props.locale]);

  useEffect(() => {
    chart.current?.setOption(option(props), { notMerge: true });
  }, [props.kind, props.series, props.stacked, props.locale, props.theme, props.xIsTime, props.label, props.format, props.unitName]);

  const size = () => ({ width: box.current?.clientWidth || 800, height: box.current?.clientHeight || 400 });

  useImperativeHandle(props.handle, () => ({
    // Both exports draw a still copy at the chart's size: the one on screen may be
    // half-way through its animation.
    png: async () => {
      const { width, height } = size();
      const still = echarts.init(document.createElement("div"), undefined, { renderer: "canvas", width, height, locale: props.locale === "ja" ? "JA" : "EN" });
      still.setOption(exported(props));
      const url = still.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: cssVar("--surface", "#ffffff") });
      still.dispose();
      return dataUrlBlob(url);
    },
    svg: async () => {
      await loadSvgRenderer();
      const { width, height } = size();
      const ssr = echarts.init(null, undefined, { renderer: "svg", ssr: true, width, height, locale: props.locale === "ja" ? "JA" : "EN" });
      ssr.setOption(exported(props));
      const text = ssr.renderToSVGString();
      ssr.dispose();
      return new Blob([text], { type: "image/svg+xml" });
    },
  }));

  return <div ref={box} className="insights-chart" data-testid="insights-chart" />;
}
