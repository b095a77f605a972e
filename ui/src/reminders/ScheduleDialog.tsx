// "Due date and reminders" for a task or an assignment: the due date and time (saved
// with its own button, or removed), then the reminder list, which saves as it changes.
import { useId, useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { ItemRef } from "../api/client";
import { Dialog } from "../components/Dialog";
import { usePrefs } from "../lib/prefs";
import { isoToWallTime, wallTimeToIso } from "../lib/dates";
import { ReminderEditor } from "./ReminderEditor";
import "./reminders.css";

export function ScheduleDialog({
  item,
  name,
  dueAt,
  onSetDue,
  onClose,
}: {
  item: ItemRef;
  name: string;
  /** The item's due instant (RFC 3339), if any. */
  dueAt: string | null;
  /** Saves a new due instant (null removes it); rejects with the reason. */
  onSetDue: (dueAt: string | null) => Promise<unknown>;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { timezone } = usePrefs();
  const id = useId();
  const [due, setDue] = useState(dueAt ? isoToWallTime(dueAt, timezone) : "");
  const [busy, setBusy] = useState(false);

  const saveDue = async (value: string | null) => {
    if (busy) return;
    setBusy(true);
    try {
      await onSetDue(value);
      if (value === null) setDue("");
    } catch {
      // Shown in the toast region; the field keeps what was typed.
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const iso = due ? wallTimeToIso(due, timezone) : null;
    if (iso) void saveDue(iso);
  };

  return (
    <Dialog title={t("reminders.dialogTitle", { name })} onClose={onClose} testId="schedule-dialog" className="schedule-dialog">
      <form className="schedule-due" onSubmit={submit}>
        <div className="field">
          <label htmlFor={`${id}-due`}>{t("reminders.due")}</label>
          <input id={`${id}-due`} type="datetime-local" data-testid="schedule-due" data-autofocus value={due} onChange={(e) => setDue(e.target.value)} />
        </div>
        <button type="submit" className="button subtle" data-testid="schedule-due-save" aria-busy={busy}>
          {t("reminders.setDue")}
        </button>
        {dueAt ? (
          <button type="button" className="button ghost danger-text" data-testid="schedule-due-clear" onClick={() => void saveDue(null)}>
            {t("reminders.clearDue")}
          </button>
        ) : null}
      </form>
      <ReminderEditor item={item} hasDue={dueAt !== null} />
      <div className="dialog-actions">
        <button type="button" className="button primary" data-testid="schedule-done" onClick={onClose}>
          {t("reminders.done")}
        </button>
      </div>
    </Dialog>
  );
}
