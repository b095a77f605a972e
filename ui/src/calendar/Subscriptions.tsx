// "Subscriptions": calendars followed by URL (a university timetable, a shared calendar).
// Add one by its https or webcal address (fetched at once by the core, off the UI
// thread), see each one's state on this device ("Updated 5 minutes ago", or why the last
// fetch failed and when the next try is), change its colour, fetch it now, or remove it
// (after a confirmation: its events go with it). Subscribed events are drawn in the
// subscription's colour and are read-only (see SubscribedEvent).
import { useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import * as api from "../api/client";
import type { ApiError } from "../api/client";
import type { CalendarSubscription } from "../api/bindings/CalendarSubscription";
import type { SubscriptionRefresh } from "../api/bindings/SubscriptionRefresh";
import { useApiMutation, useShellEvent } from "../api/queries";
import { errorText } from "../api/errorText";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Dialog } from "../components/Dialog";
import { formatDateTime } from "../lib/dates";
import { usePrefs } from "../lib/prefs";
import { relativeTime } from "../lib/relativeTime";
import { SWATCHES } from "./CourseColours";
import { calendarKeys } from "./queries";
import "./calendar.css";

export const subscriptionKeys = {
  list: () => ["calendar_subscriptions"] as const,
};

/** The refresh intervals offered, in minutes (the core takes 15 to 10,080). */
export const INTERVALS = [60, 360, 720, 1440, 10080] as const;

/** What a subscription change moves: the list and every range drawn. */
const SUBSCRIPTION_REFRESH = { refresh: [subscriptionKeys.list(), calendarKeys.ranges()], inlineError: true };

export function useSubscriptions() {
  return useQuery<CalendarSubscription[], ApiError>({ queryKey: subscriptionKeys.list(), queryFn: () => api.calendarSubscriptions() });
}

/** Refetches the subscriptions and the ranges after the shell's background fetches. */
export function useSubscriptionEvents() {
  const qc = useQueryClient();
  useShellEvent(api.onSubscriptionsChanged, () => {
    void qc.invalidateQueries({ queryKey: subscriptionKeys.list() });
    void qc.invalidateQueries({ queryKey: calendarKeys.ranges() });
  });
}

/** One line of state: updated when, or the error and the next try. */
export function SubscriptionState({ s }: { s: CalendarSubscription }) {
  const { t } = useTranslation();
  const { locale, timezone } = usePrefs();
  if (s.last_error) {
    return (
      <p className="sub-state error" data-testid={`cal-sub-error-${s.id}`}>
        {t("subscriptions.failed", { reason: s.last_error })}
        {s.next_fetch_at ? ` ${t("subscriptions.nextTry", { when: formatDateTime(s.next_fetch_at, locale, timezone) })}` : ""}
      </p>
    );
  }
  if (!s.enabled) return <p className="sub-state">{t("subscriptions.paused")}</p>;
  if (!s.last_success_at) return <p className="sub-state">{t("subscriptions.notYet")}</p>;
  return (
    <p className="sub-state" data-testid={`cal-sub-state-${s.id}`}>
      {t("subscriptions.updated", { when: relativeTime(s.last_success_at, locale), count: Number(s.events) })}
    </p>
  );
}

export function Subscriptions({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const list = useSubscriptions();
  const [url, setUrl] = useState("");
  const [name, setName] = useState("");
  const [colour, setColour] = useState<string>(SWATCHES[0][1]);
  const [outcome, setOutcome] = useState<SubscriptionRefresh | null>(null);
  const [removing, setRemoving] = useState<CalendarSubscription | null>(null);
  const meta = { meta: SUBSCRIPTION_REFRESH };
  const subscribe = useApiMutation(api.calendarSubscribe, {
    ...meta,
    onSuccess: (done) => {
      setOutcome(done);
      setUrl("");
      setName("");
    },
  });
  const refresh = useApiMutation((id: string) => api.calendarSubscriptionRefresh(id), { ...meta, onSuccess: setOutcome });
  const update = useApiMutation(api.calendarSubscriptionUpdate, meta);
  const remove = useApiMutation((id: string) => api.calendarUnsubscribe(id), { ...meta, onSuccess: () => setRemoving(null) });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!url.trim()) return;
    setOutcome(null);
    subscribe.mutate({ url: url.trim(), colour, ...(name.trim() ? { name: name.trim() } : {}) });
  };
  const failure = subscribe.error ?? refresh.error ?? update.error ?? remove.error;
  const subs = list.data ?? [];

  return (
    <Dialog title={t("subscriptions.title")} onClose={onClose} testId="cal-subs-dialog" className="subscriptions">
      <p className="hint">{t("subscriptions.intro")}</p>
      <form className="sub-add" onSubmit={submit}>
        <label className="field">
          <span>{t("subscriptions.url")}</span>
          <input
            type="url"
            data-testid="cal-sub-url"
            data-autofocus
            required
            placeholder="webcal://…"
            value={url}
            maxLength={2000}
            onChange={(e) => setUrl(e.target.value)}
          />
        </label>
        <label className="field">
          <span>{t("subscriptions.name")}</span>
          <input data-testid="cal-sub-name" value={name} maxLength={100} placeholder={t("subscriptions.namePlaceholder")} onChange={(e) => setName(e.target.value)} />
        </label>
        <Swatches label={t("subscriptions.colour")} value={colour} onPick={setColour} idPrefix="new" />
        <button type="submit" className="button primary" data-testid="cal-sub-add" disabled={subscribe.isPending}>
          {subscribe.isPending ? t("subscriptions.adding") : t("subscriptions.add")}
        </button>
      </form>

      {failure ? (
        <p role="alert" className="field-error" data-testid="cal-sub-failure">
          {errorText(t, failure)}
        </p>
      ) : null}
      {outcome ? <Outcome done={outcome} /> : null}

      {list.isError ? (
        <p role="alert" className="field-error">
          {errorText(t, list.error)}
        </p>
      ) : null}
      {list.isSuccess && subs.length === 0 ? <p className="hint">{t("subscriptions.empty")}</p> : null}
      <ul className="sub-list" aria-label={t("subscriptions.listLabel")}>
        {subs.map((s) => (
          <li key={s.id} className="sub-row" data-testid={`cal-sub-${s.id}`}>
            <div className="sub-head">
              <span className="course-dot" style={{ background: s.colour }} aria-hidden="true" />
              <strong id={`cal-sub-name-${s.id}`}>{s.name}</strong>
              <span className="sub-url" title={s.url}>
                {s.url}
              </span>
            </div>
            <SubscriptionState s={s} />
            <div className="sub-actions">
              <Swatches
                label={t("subscriptions.colourFor", { name: s.name })}
                value={s.colour}
                idPrefix={s.id}
                onPick={(c) => update.mutate({ id: s.id, colour: c })}
              />
              <label className="sub-interval">
                <span className="sr-only">{t("subscriptions.intervalFor", { name: s.name })}</span>
                <select
                  data-testid={`cal-sub-interval-${s.id}`}
                  value={String(s.refresh_minutes)}
                  onChange={(e) => update.mutate({ id: s.id, refresh_minutes: Number(e.target.value) })}
                >
                  {(INTERVALS.some((m) => m === s.refresh_minutes) ? INTERVALS : [...INTERVALS, s.refresh_minutes]).map((m) => (
                    <option key={m} value={String(m)}>
                      {t("subscriptions.every", { hours: m / 60 })}
                    </option>
                  ))}
                </select>
              </label>
              <button
                type="button"
                className="button subtle"
                data-testid={`cal-sub-refresh-${s.id}`}
                aria-label={t("subscriptions.refreshFor", { name: s.name })}
                disabled={refresh.isPending && refresh.variables === s.id}
                onClick={() => {
                  setOutcome(null);
                  refresh.mutate(s.id);
                }}
              >
                {t("subscriptions.refresh")}
              </button>
              <button type="button" className="button subtle danger" data-testid={`cal-sub-remove-${s.id}`} aria-label={t("subscriptions.removeFor", { name: s.name })} onClick={() => setRemoving(s)}>
                {t("subscriptions.remove")}
              </button>
            </div>
          </li>
        ))}
      </ul>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose}>
          {t("subscriptions.done")}
        </button>
      </div>
      {removing ? (
        <ConfirmDialog
          title={t("subscriptions.removeTitle", { name: removing.name })}
          message={t("subscriptions.removeMessage", { name: removing.name, count: Number(removing.events) })}
          confirmLabel={t("subscriptions.remove")}
          testId="cal-sub-remove-confirm"
          onConfirm={() => remove.mutate(removing.id)}
          onCancel={() => setRemoving(null)}
        />
      ) : null}
    </Dialog>
  );
}

function Outcome({ done }: { done: SubscriptionRefresh }) {
  const { t } = useTranslation();
  const name = done.subscription.name;
  const r = done.result;
  const text =
    r.outcome === "updated"
      ? t("subscriptions.outcomeUpdated", { name, created: r.created, updated: r.updated, deleted: r.deleted })
      : r.outcome === "not_modified"
        ? t("subscriptions.outcomeSame", { name })
        : t("subscriptions.outcomeFailed", { name, reason: r.reason });
  return (
    <p role="status" className={`sub-outcome${r.outcome === "failed" ? " error" : ""}`} data-testid="cal-sub-outcome">
      {text}
    </p>
  );
}

function Swatches({ label, value, onPick, idPrefix }: { label: string; value: string; onPick: (colour: string) => void; idPrefix: string }) {
  const { t } = useTranslation();
  const current = value.toLowerCase();
  return (
    <div className="swatches" role="group" aria-label={label}>
      {SWATCHES.map(([swatch, hex]) => (
        <button
          key={hex}
          type="button"
          className="swatch"
          style={{ background: hex }}
          aria-pressed={current === hex}
          aria-label={t(`courseColours.${swatch}`)}
          title={t(`courseColours.${swatch}`)}
          data-testid={`cal-sub-colour-${idPrefix}-${hex.slice(1)}`}
          onClick={() => onPick(hex)}
        />
      ))}
    </div>
  );
}
