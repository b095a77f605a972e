import { useTranslation } from "react-i18next";
import type { ProgressRing } from "../api/bindings/ProgressRing";
import type { ProgressRings } from "../api/bindings/ProgressRings";
import { Card } from "../components/Card";
import "./ProgressCard.css";

/**
 * The ring's share of its target, 0-100. i64 fields arrive as JSON numbers; `Number()`
 * also copes with the binding declaring them as `bigint`.
 */
export function percentOf(ring: ProgressRing): number {
  const value = Number(ring.value);
  const target = Number(ring.target_value);
  if (!(target > 0)) return 0;
  return Math.max(0, Math.min(100, Math.round((value / target) * 100)));
}

const R = 42;
const C = 2 * Math.PI * R;

export function Ring({ ring }: { ring: ProgressRing }) {
  const { t } = useTranslation();
  const percent = percentOf(ring);
  const scope = t(`progress.${ring.scope}`);
  return (
    <figure className={`ring ring-scope-${ring.scope}`}>
      <svg
        viewBox="0 0 100 100"
        role="img"
        aria-label={t("progress.aria", { scope, percent })}
        data-testid={`ring-${ring.scope}`}
        data-value={String(ring.value)}
        data-target={String(ring.target_value)}
      >
        <circle className="ring-track" cx="50" cy="50" r={R} />
        <circle
          className="ring-value"
          cx="50"
          cy="50"
          r={R}
          strokeDasharray={`${(percent / 100) * C} ${C}`}
          transform="rotate(-90 50 50)"
        />
        <text x="50" y="50" className="ring-label" textAnchor="middle" dominantBaseline="central">
          {percent}%
        </text>
      </svg>
      <figcaption aria-hidden="true">{scope}</figcaption>
    </figure>
  );
}

export function ProgressCard({ progress }: { progress: ProgressRings }) {
  const { t } = useTranslation();
  return (
    <Card id="progress" title={t("cards.progress")}>
      <div className="rings">
        <Ring ring={progress.day} />
        <Ring ring={progress.week} />
        <Ring ring={progress.month} />
        <Ring ring={progress.year} />
      </div>
    </Card>
  );
}
