// Quick add: one typed line becomes an event (the core parses it). Success clears the
// line and selects the event's day; a failure keeps it, with the reason under it.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import { useCalendarMutation } from "./queries";
import { errorText } from "../api/errorText";
import "./calendar.css";

export function QuickAdd({ onAdded, onNew }: { onAdded: (date: string) => void; onNew: () => void }) {
  const { t } = useTranslation();
  const [quick, setQuick] = useState("");
  const quickAdd = useCalendarMutation(api.eventQuickAdd, {
    meta: { inlineError: true },
    onSuccess: (ev) => {
      setQuick("");
      onAdded(ev.event_date);
    },
  });
  return (
    <>
      <form
        className="cal-quick"
        onSubmit={(e) => {
          e.preventDefault();
          if (quick.trim()) quickAdd.mutate(quick.trim());
        }}
      >
        <label className="sr-only" htmlFor="cal-quick-input">
          {t("calendarPage.quickLabel")}
        </label>
        <input
          id="cal-quick-input"
          className="input"
          data-testid="cal-quick-input"
          value={quick}
          placeholder={t("calendarPage.quickPlaceholder")}
          onChange={(e) => {
            setQuick(e.target.value);
            if (quickAdd.isError) quickAdd.reset();
          }}
          readOnly={quickAdd.isPending}
          aria-busy={quickAdd.isPending}
          aria-invalid={quickAdd.isError ? true : undefined}
          aria-describedby={quickAdd.isError ? "cal-quick-error" : undefined}
        />
        <button type="button" className="button primary" data-testid="cal-new" onClick={onNew}>
          {t("calendarPage.newEvent")}
        </button>
      </form>
      {quickAdd.isError ? (
        <p id="cal-quick-error" role="alert" className="field-error cal-quick-error" data-testid="cal-quick-error">
          {t("calendarPage.quickFailed", { message: errorText(t, quickAdd.error) })}
        </p>
      ) : null}
    </>
  );
}
