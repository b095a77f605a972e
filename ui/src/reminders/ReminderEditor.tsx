// The reminders of one task or assignment: a compact list ("15 minutes before",
// "At Mon, Nov 23, 9:00 AM") with remove buttons, and an add row (minutes before the
// due time, or an absolute time). Every change saves the whole list at once.
import { useId, useRef, useState } from "react";
import type { KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import type { ItemRef, ItemReminder } from "../api/client";
import type { NewReminder } from "../api/bindings/NewReminder";
import { useApiMutation, useQueryClient } from "../api/queries";
import { reminderKeys, useItemReminders } from "./queries";
import { Icon } from "../components/Icon";
import { Loading } from "../components/Status";
import { usePrefs } from "../lib/prefs";
import { formatDateTime, wallTimeToIso } from "../lib/dates";
import "./reminders.css";
import { errorText } from "../api/errorText";

export const MINUTES_BEFORE = [0, 5, 10, 15, 30, 60, 1440] as const;
const AT = "at";

/** Item reminders are always notifications: no channel is sent. */
function toNew(r: ItemReminder): NewReminder {
  return r.remind_at ? { remind_at: r.remind_at } : { minutes_before: r.minutes_before ?? 0 };
}

/** "15 minutes before" / "1 hour before" / "1 day before" / "At the due time". */
export function useDescribeReminder() {
  const { t } = useTranslation();
  const { locale, timezone } = usePrefs();
  return (r: { minutes_before?: number | null; remind_at?: string | null }): string => {
    if (r.remind_at) return t("reminders.at", { date: formatDateTime(r.remind_at, locale, timezone) });
    const m = r.minutes_before ?? 0;
    if (m === 0) return t("reminders.atDue");
    if (m % 1440 === 0) return t("reminders.daysBefore", { count: m / 1440 });
    if (m % 60 === 0) return t("reminders.hoursBefore", { count: m / 60 });
    return t("reminders.minutesBefore", { count: m });
  };
}

/**
 * The reminders of one task or assignment, saved as they change (item_reminders_set).
 * `hasDue`: without a due time only absolute reminders make sense.
 */
export function ReminderEditor({ item, hasDue }: { item: ItemRef; hasDue: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const reminders = useItemReminders(item);
  const save = useApiMutation((list: NewReminder[]) => api.itemRemindersSet(item, list), {
    meta: { refresh: [reminderKeys.item(item)] },
    onSuccess: (saved) => {
      if (Array.isArray(saved)) qc.setQueryData(reminderKeys.item(item), saved);
    },
  });
  return (
    <div className="reminder-editor" data-testid="reminder-editor">
      {reminders.isPending ? <Loading /> : null}
      {reminders.isError ? (
        <p role="alert" className="field-error">
          {errorText(t, reminders.error)}
        </p>
      ) : null}
      <ReminderList
        value={(reminders.data ?? []).map(toNew)}
        loaded={Boolean(reminders.data)}
        busy={save.isPending}
        relativeOk={hasDue}
        onChange={(list, done) => save.mutate(list, { onSuccess: done })}
      />
      {!hasDue ? <p className="hint">{t("reminders.noDueHint")}</p> : null}
    </div>
  );
}

/**
 * A list of reminders ("15 minutes before", "At Mon, Nov 23, 9:00 AM") with remove
 * buttons and an add row (minutes before, or an absolute time). Controlled: `onChange`
 * gets the whole new list (and a callback to clear the add row once it is kept). No
 * `<form>` of its own, so it also sits inside the event editor's form.
 */
export function ReminderList({
  value,
  onChange,
  relativeOk,
  loaded = true,
  busy = false,
}: {
  value: NewReminder[];
  onChange: (next: NewReminder[], done: () => void) => void;
  /** Whether "N minutes before" applies (a due time or a start exists). */
  relativeOk: boolean;
  loaded?: boolean;
  busy?: boolean;
}) {
  const { t } = useTranslation();
  const { timezone } = usePrefs();
  const baseId = useId();
  const describe = useDescribeReminder();
  const [choice, setChoice] = useState<string>(relativeOk ? "15" : AT);
  const [at, setAt] = useState("");
  const [error, setError] = useState<string | null>(null);
  const choiceRef = useRef<HTMLSelectElement | null>(null);
  const relative = relativeOk ? choice : AT;

  const add = () => {
    if (busy) return;
    setError(null);
    let next: NewReminder;
    if (relative === AT) {
      const iso = at ? wallTimeToIso(at, timezone) : null;
      if (!iso) {
        setError(t("reminders.atRequired"));
        return;
      }
      // A time already past would never fire (the core marks it delivered on save).
      if (Date.parse(iso) <= Date.now()) {
        setError(t("reminders.atPast"));
        return;
      }
      next = { remind_at: iso };
    } else {
      next = { minutes_before: Number(relative) };
    }
    const same = value.some((r) => (next.remind_at ? r.remind_at === next.remind_at : r.minutes_before === next.minutes_before && !r.remind_at));
    if (same) return;
    onChange([...value, next], () => setAt(""));
  };
  const onEnter = (e: KeyboardEvent) => {
    if (e.key === "Enter") {
      e.preventDefault(); // not the surrounding form's submit
      add();
    }
  };

  return (
    <div className="reminder-list-editor" role="group" aria-labelledby={`${baseId}-title`}>
      <h3 className="subheading" id={`${baseId}-title`}>
        {t("reminders.title")}
      </h3>
      {loaded && value.length === 0 ? <p className="hint">{t("reminders.none")}</p> : null}
      {value.length > 0 ? (
        <ul className="reminder-list plain-list" aria-labelledby={`${baseId}-title`}>
          {value.map((r, i) => {
            const text = describe(r);
            return (
              <li key={`${r.minutes_before ?? ""}-${r.remind_at ?? ""}`} className="reminder-row" data-testid="reminder-item">
                <Icon name="alarm" size={16} />
                <span>{text}</span>
                <button
                  type="button"
                  className="icon-button danger"
                  data-testid="reminder-remove"
                  aria-label={t("reminders.remove", { name: text })}
                  onClick={() => {
                    // The row goes away: keep the keyboard in the editor.
                    choiceRef.current?.focus();
                    onChange(
                      value.filter((_, j) => j !== i),
                      () => {},
                    );
                  }}
                >
                  <Icon name="close" size={14} />
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}
      <div className="reminder-add">
        <div className="field">
          <label htmlFor={`${baseId}-choice`}>{t("reminders.when")}</label>
          <select ref={choiceRef} id={`${baseId}-choice`} data-testid="reminder-choice" value={relative} onChange={(e) => setChoice(e.target.value)} onKeyDown={onEnter}>
            {relativeOk
              ? MINUTES_BEFORE.map((m) => (
                  <option key={m} value={String(m)}>
                    {describe({ minutes_before: m })}
                  </option>
                ))
              : null}
            <option value={AT}>{t("reminders.atTime")}</option>
          </select>
        </div>
        {relative === AT ? (
          <div className="field">
            <label htmlFor={`${baseId}-at`}>{t("reminders.atLabel")}</label>
            <input
              id={`${baseId}-at`}
              type="datetime-local"
              data-testid="reminder-at"
              value={at}
              aria-invalid={error ? true : undefined}
              onChange={(e) => setAt(e.target.value)}
              onKeyDown={onEnter}
            />
          </div>
        ) : null}
        <button type="button" className="button subtle" data-testid="reminder-add" aria-busy={busy} onClick={add}>
          <Icon name="plus" size={16} />
          {t("reminders.add")}
        </button>
      </div>
      {error ? (
        <p role="alert" className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
