// The year of study as a grid of days (53 weeks, Monday first), drawn by hand in SVG.
// Every cell names its date and minutes (aria-label and hover title); the chart is one
// tab stop whose arrow keys walk the days, and a sentence sums the year up.
import { useId, useMemo, useState } from "react";
import type { KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import type { FocusStats } from "../api/bindings/FocusStats";
import { dateFormat, formatDay } from "../lib/dates";
import { usePrefs } from "../lib/prefs";
import { WEEKS, heatCells, monthStarts } from "./heatmap";
import type { HeatCell } from "./heatmap";
import "./focus.css";

const CELL = 12;
const STEP = 15;
const LEFT = 30;
const TOP = 18;

export function Heatmap({ stats }: { stats: FocusStats }) {
  const { t } = useTranslation();
  const { locale } = usePrefs();
  const baseId = useId();
  const target = Number(stats.settings.daily_target_minutes);
  const cells = useMemo(
    () => heatCells(stats.days.map((d) => ({ date: d.date, minutes: Number(d.minutes) })), stats.from, stats.to, target),
    [stats.days, stats.from, stats.to, target],
  );
  const byDate = useMemo(() => new Map(cells.map((c, i) => [c.date, i])), [cells]);
  const [active, setActive] = useState<number | null>(null);
  const [shown, setShown] = useState<number | null>(null);
  const activeIndex = active ?? cells.length - 1;

  const label = (c: HeatCell) => {
    const date = formatDay(c.date, locale);
    return c.minutes > 0 ? t("heatmap.cell", { date, minutes: c.minutes }) : t("heatmap.cellNone", { date });
  };

  const monthName = (month: number) =>
    dateFormat(locale === "ja" ? "ja-JP" : "en-US", { month: "short", timeZone: "UTC" }).format(
      new Date(Date.UTC(2026, month - 1, 15)),
    );

  const studied = stats.days.filter((d) => Number(d.minutes) > 0);
  const best = studied.reduce<(typeof studied)[number] | null>((b, d) => (!b || Number(d.minutes) > Number(b.minutes) ? d : b), null);
  const from = formatDay(stats.from, locale);
  const to = formatDay(stats.to, locale);

  const move = (e: KeyboardEvent<SVGSVGElement>) => {
    const c = cells[activeIndex];
    if (!c) return;
    const shift = (days: number) => {
      const target = new Date(Date.parse(`${c.date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
      return byDate.get(target);
    };
    let next: number | undefined;
    switch (e.key) {
      case "ArrowLeft":
        next = shift(-7);
        break;
      case "ArrowRight":
        next = shift(7);
        break;
      case "ArrowUp":
        next = shift(-1);
        break;
      case "ArrowDown":
        next = shift(1);
        break;
      case "Home":
        next = 0;
        break;
      case "End":
        next = cells.length - 1;
        break;
      default:
        return;
    }
    e.preventDefault();
    if (next !== undefined) {
      setActive(next);
      setShown(next);
    }
  };

  const width = LEFT + WEEKS * STEP;
  const height = TOP + 7 * STEP;
  const cellId = (c: HeatCell) => `${baseId}-${c.date}`;
  const shownCell = shown !== null ? cells[shown] : undefined;

  return (
    <div className="heatmap" data-testid="heatmap">
      <div className="heatmap-scroll">
        <svg
          className="heatmap-svg"
          viewBox={`0 0 ${width} ${height}`}
          width={width}
          height={height}
          role="grid"
          aria-label={t("heatmap.label", { from, to })}
          aria-describedby={`${baseId}-summary ${baseId}-keys`}
          aria-activedescendant={cells[activeIndex] ? cellId(cells[activeIndex]) : undefined}
          tabIndex={0}
          onKeyDown={move}
          onFocus={() => setShown(activeIndex)}
          onBlur={() => setShown(null)}
          onMouseLeave={() => setShown(null)}
        >
          {monthStarts(cells).map((m) => (
            <text key={`${m.year}-${m.month}`} className="heatmap-label" x={LEFT + m.week * STEP} y={11} aria-hidden="true">
              {monthName(m.month)}
            </text>
          ))}
          {[
            [0, t("heatmap.mon")],
            [2, t("heatmap.wed")],
            [4, t("heatmap.fri")],
          ].map(([row, text]) => (
            <text key={row} className="heatmap-label" x={0} y={TOP + Number(row) * STEP + CELL - 2} aria-hidden="true">
              {text}
            </text>
          ))}
          {[0, 1, 2, 3, 4, 5, 6].map((weekday) => (
            <g key={weekday} role="row">
              {cells.map((c, i) =>
                c.weekday !== weekday ? null : (
                  <rect
                    key={c.date}
                    id={cellId(c)}
                    role="gridcell"
                    className={`heat-cell heat-${c.level} ${i === activeIndex && shown !== null ? "active" : ""}`}
                    x={LEFT + c.week * STEP}
                    y={TOP + c.weekday * STEP}
                    width={CELL}
                    height={CELL}
                    rx={3}
                    aria-label={label(c)}
                    data-testid={`heatmap-cell-${c.date}`}
                    data-minutes={c.minutes}
                    data-level={c.level}
                    onMouseEnter={() => setShown(i)}
                  >
                    <title>{label(c)}</title>
                  </rect>
                ),
              )}
            </g>
          ))}
        </svg>
      </div>
      <div className="heatmap-foot">
        <p className="heatmap-readout" aria-live="polite" data-testid="heatmap-readout">
          {shownCell ? label(shownCell) : "\u00a0"}
        </p>
        <div className="heatmap-legend" aria-hidden="true">
          <span>{t("heatmap.less")}</span>
          {[0, 1, 2, 3, 4].map((l) => (
            <span key={l} className={`legend-cell heat-${l}`} />
          ))}
          <span>{t("heatmap.more")}</span>
        </div>
      </div>
      <p id={`${baseId}-summary`} className="heatmap-summary" data-testid="heatmap-summary">
        {studied.length === 0
          ? t("heatmap.empty")
          : `${t("heatmap.summary", { minutes: new Intl.NumberFormat(locale === "ja" ? "ja-JP" : "en-US").format(Number(stats.year_minutes)), days: studied.length, from, to })}${
              best ? ` ${t("heatmap.best", { date: formatDay(best.date, locale), minutes: Number(best.minutes) })}` : ""
            }`}
      </p>
      <p id={`${baseId}-keys`} className="hint">
        {t("heatmap.keys")}
      </p>
    </div>
  );
}
