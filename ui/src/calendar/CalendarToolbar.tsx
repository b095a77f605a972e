// The calendar's navigation (today, previous, next, the heading of what is shown) and
// the view switch.
import { useTranslation } from "react-i18next";
import { formatLongDay, formatMonth, formatShortDate } from "../lib/dates";
import { step } from "./range";
import type { View } from "./range";
import "./calendar.css";

const VIEWS: View[] = ["month", "week", "day", "agenda"];

/** The heading of what a view shows: the month, the day, or the range. */
export function rangeHeading(view: View, selected: string, from: string, to: string, lang: string): string {
  if (view === "month") return formatMonth(selected, lang);
  if (view === "day") return formatLongDay(selected, lang);
  return `${formatShortDate(from, lang)} – ${formatShortDate(to, lang)}`;
}

export function CalendarToolbar({
  view,
  selected,
  from,
  to,
  today,
  onSelectDay,
  onView,
}: {
  view: View;
  selected: string;
  from: string;
  to: string;
  today: string;
  onSelectDay: (d: string) => void;
  onView: (v: View) => void;
}) {
  const { t, i18n } = useTranslation();
  return (
    <div className="cal-toolbar">
      <div className="cal-nav">
        <button type="button" className="button subtle" data-testid="cal-today" onClick={() => onSelectDay(today)}>
          {t("calendarPage.today")}
        </button>
        <button type="button" className="button subtle icon-only" data-testid="cal-prev" aria-label={t("calendarPage.prev")} onClick={() => onSelectDay(step(view, selected, -1))}>
          ‹
        </button>
        <button type="button" className="button subtle icon-only" data-testid="cal-next" aria-label={t("calendarPage.next")} onClick={() => onSelectDay(step(view, selected, 1))}>
          ›
        </button>
        <h2 className="cal-heading" aria-live="polite" data-testid="cal-heading">
          {rangeHeading(view, selected, from, to, i18n.language)}
        </h2>
      </div>
      <div className="cal-views" role="group" aria-label={t("calendarPage.views")}>
        {VIEWS.map((v) => (
          <button key={v} type="button" className={`button subtle${view === v ? " active" : ""}`} aria-pressed={view === v} data-testid={`cal-view-${v}`} onClick={() => onView(v)}>
            {t(`calendarPage.${v}`)}
          </button>
        ))}
      </div>
    </div>
  );
}
