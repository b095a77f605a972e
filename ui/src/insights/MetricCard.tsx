// A metric card: the number over the dashboard's range, its change against the period of
// the same length just before (up is not always good, so the colour only says "changed"),
// and a sparkline of the range drawn as a small SVG line.
import { useTranslation } from "react-i18next";
import type { MetricValue } from "../api/bindings/MetricValue";
import "./MetricCard.css";

function sparkPath(values: number[], width: number, height: number): string {
  if (values.length < 2) return "";
  const max = Math.max(...values, 0);
  const min = Math.min(...values, 0);
  const span = max - min || 1;
  return values
    .map((v, i) => `${i === 0 ? "M" : "L"}${((i / (values.length - 1)) * width).toFixed(1)},${(height - ((v - min) / span) * height).toFixed(1)}`)
    .join(" ");
}

export function MetricCard({ value, format }: { value: MetricValue; format: (n: number, unit?: string) => string }) {
  const { t } = useTranslation();
  const change = value.change_percent;
  const direction = change === null ? "none" : change > 0 ? "up" : change < 0 ? "down" : "flat";
  return (
    <div className="metric-card">
      <p className="metric-card-value" data-testid="metric-card-value">
        {format(value.value, value.unit)}
      </p>
      <p className={`metric-card-change change-${direction}`}>
        {change === null
          ? t("insights.noPrevious")
          : t("insights.change", { change: `${change > 0 ? "+" : ""}${change.toFixed(Math.abs(change) < 10 ? 1 : 0)}`, previous: format(value.previous ?? 0, value.unit) })}
      </p>
      {value.sparkline.length > 1 ? (
        <svg className="metric-card-spark" viewBox="0 0 100 24" preserveAspectRatio="none" role="img" aria-label={t("insights.sparkline", { grain: t(`insights.grains.${value.sparkline_grain}`) })}>
          <path d={sparkPath(value.sparkline, 100, 24)} fill="none" stroke="currentColor" strokeWidth="1.5" vectorEffect="non-scaling-stroke" />
        </svg>
      ) : null}
    </div>
  );
}
