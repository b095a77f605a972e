// The full event editor: title, notes, location, link, dates and times or all-day, course, repeat
// (→ RRULE) and, for an occurrence of a series, which occurrences an edit or delete touches.
import { useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { CalendarItem } from "../api/bindings/CalendarItem";
import type { Course } from "../api/bindings/Course";
import type { EditScope } from "../api/bindings/EditScope";
import type { NewReminder } from "../api/bindings/NewReminder";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { ReminderList } from "../reminders/ReminderEditor";
import { Dialog } from "../components/Dialog";
import { wallTime, weekdayNames } from "../lib/dates";
import { buildRrule, editableRrule, parseRrule } from "./rrule";
import { WEEKDAY_CODES } from "../lib/describeRule";
import { RuleInWords } from "./RuleInWords";
import type { Freq, Repeat, RepeatEnd } from "./rrule";
import "./calendar.css";
import { HistoryButton } from "../history/HistoryButton";
import { openableLink } from "../lib/externalLinks";

export interface EditorValues {
  title: string;
  notes: string;
  location: string;
  url: string;
  date: string;
  endDate: string;
  allDay: boolean;
  start: string;
  end: string;
  courseId: string;
  rrule: string | null;
  scope: EditScope;
  reminders: NewReminder[];
}

export function EventEditor({
  item,
  rrule,
  reminders: initialReminders = [],
  date,
  timeZone,
  courses,
  onSave,
  onDelete,
  onClose,
}: {
  /** The occurrence being edited; null for a new event. */
  item: CalendarItem | null;
  /** The series' RRULE when known (from `event_get`). */
  rrule: string | null;
  /** The event's reminders (from `event_get`). */
  reminders?: NewReminder[];
  date: string;
  timeZone: string;
  courses: Course[];
  onSave: (v: EditorValues) => void;
  onDelete?: (scope: EditScope) => void;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [title, setTitle] = useState(item?.title ?? "");
  const [notes, setNotes] = useState(item?.notes ?? "");
  const [location, setLocation] = useState(item?.location ?? "");
  const [url, setUrl] = useState(item?.url ?? "");
  const [day, setDay] = useState(item?.date ?? date);
  const [endDate, setEndDate] = useState(item?.end_date ?? date);
  const [allDay, setAllDay] = useState(item?.all_day ?? false);
  const [start, setStart] = useState(item?.starts_at ? wallTime(item.starts_at, timeZone) : "09:00");
  const [end, setEnd] = useState(item?.ends_at ? wallTime(item.ends_at, timeZone) : "10:00");
  const [courseId, setCourseId] = useState(item?.course_id ?? "");
  const [repeat, setRepeat] = useState<Repeat>(() => parseRrule(rrule));
  // A rule the choices below cannot show (several rules, BYMONTHDAY, ...) is kept as it is.
  const customRule = !editableRrule(rrule);
  const [scope, setScope] = useState<EditScope>("this");
  const [reminders, setReminders] = useState<NewReminder[]>(initialReminders);
  const [error, setError] = useState<string | null>(null);
  const [urlError, setUrlError] = useState<string | null>(null);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const recurring = item?.recurring ?? false;
  const names = weekdayNames(i18n.language);
  const set = (patch: Partial<Repeat>) => setRepeat((r) => ({ ...r, ...patch }));

  const link = openableLink(url);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!title.trim()) {
      setError(t("calendarPage.titleRequired"));
      return;
    }
    // Only what the link below would open is accepted as typed (the core checks the same).
    if (url.trim() && !link) {
      setUrlError(t("calendarPage.urlInvalid"));
      return;
    }
    onSave({
      title: title.trim(),
      notes,
      location: location.trim(),
      url: url.trim(),
      date: day,
      endDate: endDate < day ? day : endDate,
      allDay,
      start,
      end,
      courseId,
      rrule: customRule ? rrule : buildRrule(repeat),
      scope: recurring ? scope : "all",
      reminders,
    });
  };

  return (
    <>
      <Dialog title={item ? t("calendarPage.editEvent") : t("calendarPage.newEvent")} onClose={onClose} testId="cal-editor" className="cal-editor">
        <form onSubmit={submit} className="cal-editor-form">
          {/* The fields scroll; the actions below them stay in view however long the form grows. */}
          <div className="cal-editor-fields">
            <label className="field">
              <span>{t("calendarPage.fieldTitle")}</span>
              <input data-testid="cal-editor-title" data-autofocus value={title} onChange={(e) => setTitle(e.target.value)} aria-invalid={error ? true : undefined} />
            </label>
            {error ? (
              <p role="alert" className="field-error">
                {error}
              </p>
            ) : null}
            <label className="field">
              <span>{t("calendarPage.fieldNotes")}</span>
              <textarea value={notes} onChange={(e) => setNotes(e.target.value)} rows={2} />
            </label>
            <label className="field">
              <span>{t("calendarPage.fieldLocation")}</span>
              <input data-testid="cal-editor-location" value={location} maxLength={500} onChange={(e) => setLocation(e.target.value)} />
            </label>
            <div className="cal-editor-row">
              <label className="field">
                <span>{t("calendarPage.fieldUrl")}</span>
                <input
                  type="url"
                  data-testid="cal-editor-url"
                  value={url}
                  maxLength={2048}
                  aria-invalid={urlError ? true : undefined}
                  aria-describedby={urlError ? "cal-editor-url-error" : undefined}
                  onChange={(e) => {
                    setUrl(e.target.value);
                    setUrlError(null);
                  }}
                />
              </label>
              {link ? (
                <a href={link} target="_blank" rel="noopener noreferrer" data-testid="cal-editor-link">
                  {t("calendarPage.openLink")}
                </a>
              ) : null}
            </div>
            {urlError ? (
              <p role="alert" id="cal-editor-url-error" className="field-error">
                {urlError}
              </p>
            ) : null}
            <div className="cal-editor-row">
              <label className="field">
                <span>{t("calendarPage.fieldDate")}</span>
                <input type="date" data-testid="cal-editor-date" value={day} onChange={(e) => setDay(e.target.value)} required />
              </label>
              <label className="check-label">
                <input type="checkbox" data-testid="cal-editor-allday" checked={allDay} onChange={(e) => setAllDay(e.target.checked)} />
                {t("calendarPage.allDay")}
              </label>
            </div>
            <div className="cal-editor-row">
              {allDay ? (
                <label className="field">
                  <span>{t("calendarPage.fieldEndDate")}</span>
                  <input type="date" value={endDate} min={day} onChange={(e) => setEndDate(e.target.value)} />
                </label>
              ) : (
                <>
                  <label className="field">
                    <span>{t("calendarPage.fieldStart")}</span>
                    <input type="time" data-testid="cal-editor-start" value={start} onChange={(e) => setStart(e.target.value)} required />
                  </label>
                  <label className="field">
                    <span>{t("calendarPage.fieldEnd")}</span>
                    <input type="time" data-testid="cal-editor-end" value={end} onChange={(e) => setEnd(e.target.value)} />
                  </label>
                </>
              )}
            </div>
            <label className="field">
              <span>{t("calendarPage.fieldCourse")}</span>
              <select value={courseId} onChange={(e) => setCourseId(e.target.value)} data-testid="cal-editor-course">
                <option value="">{t("calendarPage.noCourse")}</option>
                {courses.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.emoji ? `${c.emoji} ` : ""}
                    {c.name}
                  </option>
                ))}
              </select>
            </label>
            <ReminderList value={reminders} onChange={(next, done) => { setReminders(next); done(); }} relativeOk />
            <fieldset className="cal-repeat">
              <legend>{t("calendarPage.repeat")}</legend>
              {customRule ? (
                <div data-testid="cal-editor-custom-rule">
                  <RuleInWords rrule={rrule ?? ""} timeZone={timeZone} testId="cal-editor-rule" />
                  <p className="cal-rule-note">{t("calendarPage.repeatCustom")}</p>
                </div>
              ) : (
              <>
              <select aria-label={t("calendarPage.repeat")} data-testid="cal-editor-freq" value={repeat.freq} onChange={(e) => set({ freq: e.target.value as Freq })}>
                <option value="none">{t("calendarPage.repeatNone")}</option>
                <option value="daily">{t("calendarPage.repeatDaily")}</option>
                <option value="weekly">{t("calendarPage.repeatWeekly")}</option>
                <option value="monthly">{t("calendarPage.repeatMonthly")}</option>
                <option value="yearly">{t("calendarPage.repeatYearly")}</option>
              </select>
              {repeat.freq !== "none" ? (
                <>
                  <label className="field inline">
                    <span>{t("calendarPage.interval")}</span>
                    <input type="number" min={1} max={99} data-testid="cal-editor-interval" value={repeat.interval || ""} onChange={(e) => set({ interval: Math.max(0, Number(e.target.value) || 0) })} />
                  </label>
                  {repeat.freq === "weekly" ? (
                    <div role="group" aria-label={t("calendarPage.weekdays")} className="cal-weekdays">
                      {WEEKDAY_CODES.map((code, i) => (
                        <label key={code} className="check-label">
                          <input
                            type="checkbox"
                            data-testid={`cal-editor-day-${code}`}
                            checked={repeat.weekdays.includes(code)}
                            onChange={(e) => set({ weekdays: e.target.checked ? [...repeat.weekdays, code] : repeat.weekdays.filter((d) => d !== code) })}
                          />
                          {names[i]}
                        </label>
                      ))}
                    </div>
                  ) : null}
                  <div role="radiogroup" aria-label={t("calendarPage.repeatEnd")} className="cal-repeat-end">
                    {(["never", "count", "until"] as RepeatEnd[]).map((k) => (
                      <label key={k} className="check-label">
                        <input type="radio" name="repeat-end" data-testid={`cal-editor-end-${k}`} checked={repeat.end === k} onChange={() => set({ end: k })} />
                        {t(k === "never" ? "calendarPage.endNever" : k === "count" ? "calendarPage.endCount" : "calendarPage.endUntil")}
                      </label>
                    ))}
                    {repeat.end === "count" ? (
                      <label className="field inline">
                        <input type="number" min={1} aria-label={t("calendarPage.endCountSuffix")} data-testid="cal-editor-count" value={repeat.count || ""} onChange={(e) => set({ count: Math.max(0, Number(e.target.value) || 0) })} />
                        <span>{t("calendarPage.endCountSuffix")}</span>
                      </label>
                    ) : null}
                    {repeat.end === "until" ? <input type="date" aria-label={t("calendarPage.endUntil")} data-testid="cal-editor-until" value={repeat.until} onChange={(e) => set({ until: e.target.value })} /> : null}
                  </div>
                </>
              ) : null}
              </>
              )}
            </fieldset>
            {recurring ? <ScopeChoice name="scope" testPrefix="cal-editor-scope" scope={scope} onChange={setScope} /> : null}
          </div>
          <div className="dialog-actions">
            {item && onDelete ? (
              <button type="button" className="button danger" data-testid="cal-editor-delete" onClick={() => setConfirmingDelete(true)}>
                {t("calendarPage.delete")}
              </button>
            ) : null}
            {item ? <HistoryButton entityId={item.series_id ?? item.id} name={item.title} /> : null}
            <span className="spacer" />
            <button type="button" className="button subtle" onClick={onClose}>
              {t("calendarPage.cancel")}
            </button>
            <button type="submit" className="button primary" data-testid="cal-editor-save">
              {t("calendarPage.save")}
            </button>
          </div>
        </form>
      </Dialog>
      {confirmingDelete && item && onDelete ? (
        <ConfirmDialog
          title={t("calendarPage.deleteTitle")}
          message={t(recurring ? "calendarPage.deleteSeriesMessage" : "calendarPage.deleteMessage", { name: item.title })}
          confirmLabel={t("calendarPage.deleteConfirm")}
          testId="cal-delete-confirm"
          onConfirm={() => {
            setConfirmingDelete(false);
            onDelete(recurring ? scope : "all");
          }}
          onCancel={() => setConfirmingDelete(false)}
        >
          {recurring ? <ScopeChoice name="delete-scope" testPrefix="cal-delete-scope" scope={scope} onChange={setScope} /> : null}
        </ConfirmDialog>
      ) : null}
    </>
  );
}

/** This event / this and following / all events of a series. */
function ScopeChoice({ name, testPrefix, scope, onChange }: { name: string; testPrefix: string; scope: EditScope; onChange: (s: EditScope) => void }) {
  const { t } = useTranslation();
  return (
    <fieldset className="cal-scope">
      <legend>{t("calendarPage.scope")}</legend>
      {(["this", "following", "all"] as EditScope[]).map((s) => (
        <label key={s} className="check-label">
          <input type="radio" name={name} data-testid={`${testPrefix}-${s}`} checked={scope === s} onChange={() => onChange(s)} />
          {t(s === "this" ? "calendarPage.scopeThis" : s === "following" ? "calendarPage.scopeFollowing" : "calendarPage.scopeAll")}
        </label>
      ))}
    </fieldset>
  );
}
