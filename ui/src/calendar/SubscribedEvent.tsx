// An event of a subscribed calendar, read-only: what the feed says (title, time, place,
// how it repeats, link, notes), why it cannot be edited here (it comes from the subscription "X": change
// it at its source), and the user's own reminders on it, which the core keeps across
// refreshes (set on the whole series).
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { CalendarItem } from "../api/bindings/CalendarItem";
import type { NewReminder } from "../api/bindings/NewReminder";
import { Dialog } from "../components/Dialog";
import { formatDateTime, formatLongDay } from "../lib/dates";
import { usePrefs } from "../lib/prefs";
import { ReminderList } from "../reminders/ReminderEditor";
import { openableLink } from "../lib/externalLinks";
import { useSubscriptions } from "./Subscriptions";
import { RuleInWords } from "./RuleInWords";
import "./calendar.css";

export function SubscribedEvent({
  item,
  rrule,
  reminders: initialReminders,
  onSaveReminders,
  onClose,
}: {
  item: CalendarItem;
  /** The series' rule (read with the event when it was opened); null for a single event. */
  rrule: string | null;
  reminders: NewReminder[];
  onSaveReminders: (reminders: NewReminder[]) => void;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const { locale, timezone } = usePrefs();
  const subs = useSubscriptions();
  const name = subs.data?.find((s) => s.id === item.subscription_id)?.name ?? t("subscriptions.unknown");
  const [reminders, setReminders] = useState<NewReminder[]>(initialReminders);
  const changed = JSON.stringify(reminders) !== JSON.stringify(initialReminders);
  const when = item.starts_at
    ? `${formatDateTime(item.starts_at, locale, timezone)}${item.ends_at ? ` – ${formatDateTime(item.ends_at, locale, timezone)}` : ""}`
    : formatLongDay(item.date, i18n.language);
  const href = openableLink(item.url);

  return (
    <Dialog title={item.title || t("calendarPage.editEvent")} onClose={onClose} testId="cal-subscribed-event" className="cal-editor">
      <p className="cal-readonly" role="note" data-testid="cal-subscribed-reason">
        <span className="course-dot" style={item.colour ? { background: item.colour } : undefined} aria-hidden="true" />
        {t("subscriptions.readOnly", { name })}
      </p>
      <dl className="cal-readonly-fields">
        <dt>{t("subscriptions.when")}</dt>
        <dd data-testid="cal-subscribed-when">{when}</dd>
        {rrule ? (
          <>
            <dt>{t("calendarPage.repeat")}</dt>
            <dd>
              <RuleInWords rrule={rrule} timeZone={timezone} testId="cal-subscribed-rule" />
            </dd>
          </>
        ) : null}
        {item.location ? (
          <>
            <dt>{t("calendarPage.fieldLocation")}</dt>
            <dd>{item.location}</dd>
          </>
        ) : null}
        {href ? (
          <>
            <dt>{t("calendarPage.fieldUrl")}</dt>
            <dd>
              <a href={href} target="_blank" rel="noopener noreferrer">
                {item.url}
              </a>
            </dd>
          </>
        ) : null}
        {item.notes ? (
          <>
            <dt>{t("calendarPage.fieldNotes")}</dt>
            <dd className="cal-readonly-notes">{item.notes}</dd>
          </>
        ) : null}
      </dl>
      <ReminderList
        value={reminders}
        onChange={(next, done) => {
          setReminders(next);
          done();
        }}
        relativeOk={item.starts_at !== null || item.all_day}
      />
      <div className="dialog-actions">
        <span className="spacer" />
        <button type="button" className="button subtle" onClick={onClose}>
          {t("calendarPage.cancel")}
        </button>
        <button type="button" className="button primary" data-testid="cal-subscribed-save" disabled={!changed} onClick={() => onSaveReminders(reminders)}>
          {t("subscriptions.saveReminders")}
        </button>
      </div>
    </Dialog>
  );
}

