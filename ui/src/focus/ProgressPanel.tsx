// The Focus page's progress: today, this week, the year, streaks, and the heatmap.
import { useTranslation } from "react-i18next";
import type { FocusStats } from "../api/bindings/FocusStats";
import { Heatmap } from "./Heatmap";
import "./focus.css";

/** 135 → "2 h 15 min"; under an hour → "45 min". */
export function useMinutesText() {
  const { t } = useTranslation();
  return (total: number) => {
    const m = Math.max(0, Math.round(total));
    if (m < 60) return t("stats.minutes", { count: m });
    // A year's worth reads better in whole hours.
    if (m >= 100 * 60) return t("stats.hoursOnly", { hours: Math.round(m / 60) });
    return t("stats.hours", { hours: Math.floor(m / 60), minutes: m % 60 });
  };
}

function Tile({ label, value, detail, testId, share }: { label: string; value: string; detail?: string; testId: string; share?: number }) {
  return (
    <div className="stat-tile">
      <span className="stat-label">{label}</span>
      <span className="stat-value" data-testid={testId}>
        {value}
      </span>
      {detail ? <span className="stat-detail">{detail}</span> : null}
      {share !== undefined ? (
        <span className="progress-bar" aria-hidden="true">
          <span style={{ width: `${Math.round(Math.min(1, share) * 100)}%` }} />
        </span>
      ) : null}
    </div>
  );
}

export function ProgressPanel({ stats }: { stats: FocusStats }) {
  const { t } = useTranslation();
  const minutes = useMinutesText();
  const daily = Number(stats.settings.daily_target_minutes);
  const weekly = Number(stats.settings.weekly_target_hours);
  const today = Number(stats.today_minutes);
  const week = Number(stats.week_minutes);
  return (
    <div className="progress-panel">
      <div className="stat-tiles">
        <Tile
          label={t("stats.today")}
          value={minutes(today)}
          detail={t("stats.ofDaily", { target: daily })}
          share={daily > 0 ? today / daily : 0}
          testId="stats-today"
        />
        <Tile
          label={t("stats.week")}
          value={minutes(week)}
          detail={t("stats.ofWeekly", { target: weekly })}
          share={weekly > 0 ? week / (weekly * 60) : 0}
          testId="stats-week"
        />
        <Tile label={t("stats.year")} value={minutes(Number(stats.year_minutes))} testId="stats-year" />
        <Tile label={t("stats.currentStreak")} value={t("stats.days", { count: Number(stats.current_streak) })} testId="streak-current" />
        <Tile label={t("stats.longestStreak")} value={t("stats.days", { count: Number(stats.longest_streak) })} testId="streak-longest" />
      </div>
      <h3 className="subheading">{t("heatmap.title")}</h3>
      <Heatmap stats={stats} />
    </div>
  );
}
