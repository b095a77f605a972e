// "Subscriptions": calendars followed by URL (a university timetable, a shared calendar).
// Add one by its https or webcal address (fetched at once by the core, off the UI
// thread), see each one's state on this device ("Updated 5 minutes ago", or why the last
// fetch failed and when the next try is), rename it (Enter saves, Escape cancels),
// change its colour or interval, pause or resume it (a paused one is not fetched and says
// so; its last copy stays shown), fetch it now, or remove it (after a confirmation: its
// events go with it). Subscribed events are drawn in the subscription's colour and are
// read-only (see SubscribedEvent).
import { useState } from "react";
import type { FormEvent, KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import * as api from "../api/client";
import type { ApiError } from "../api/client";
import type { CalendarSubscription } from "../api/bindings/CalendarSubscription";
import type { SubscriptionPatch } from "../api/bindings/SubscriptionPatch";
import type { SubscriptionRefresh } from "../api/bindings/SubscriptionRefresh";
import { useApiMutation, useShellEvent } from "../api/queries";
import { errorText } from "../api/errorText";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Dialog } from "../components/Dialog";
import { formatDateTime } from "../lib/dates";
import { usePrefs } from "../lib/prefs";
import { relativeTime } from "../lib/relativeTime";
import { SWATCHES, SwatchPicker } from "../components/SwatchPicker";
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
  if (!s.enabled) {
    return (
      <p className="sub-state paused" data-testid={`cal-sub-paused-${s.id}`}>
        {s.last_success_at
          ? t("subscriptions.pausedKept", { when: formatDateTime(s.last_success_at, locale, timezone), count: Number(s.events) })
          : t("subscriptions.paused")}
      </p>
    );
  }
  if (s.last_error) {
    return (
      <p className="sub-state error" data-testid={`cal-sub-error-${s.id}`}>
        {t("subscriptions.failed", { reason: s.last_error })}
        {s.next_fetch_at ? ` ${t("subscriptions.nextTry", { when: formatDateTime(s.next_fetch_at, locale, timezone) })}` : ""}
      </p>
    );
  }
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
  // A rename's refusal is shown in its own field, which stays open with what was typed.
  const rename = useApiMutation(api.calendarSubscriptionUpdate, meta);
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
        <SwatchPicker label={t("subscriptions.colour")} value={colour} onPick={(c) => c && setColour(c)} testId="cal-sub-colour-new" />
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
          <SubscriptionRow
            key={s.id}
            s={s}
            update={(patch) => update.mutate({ id: s.id, ...patch })}
            rename={(name) => rename.mutateAsync({ id: s.id, name })}
            refreshing={refresh.isPending && refresh.variables === s.id}
            onRefresh={() => {
              setOutcome(null);
              refresh.mutate(s.id);
            }}
            onRemove={() => setRemoving(s)}
          />
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

type Patch = Omit<SubscriptionPatch, "id">;

/** One subscription: its name (renamed in place), state, colour, interval and actions. */
function SubscriptionRow({
  s,
  update,
  rename,
  refreshing,
  onRefresh,
  onRemove,
}: {
  s: CalendarSubscription;
  update: (patch: Patch) => void;
  rename: (name: string) => Promise<unknown>;
  refreshing: boolean;
  onRefresh: () => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const [renaming, setRenaming] = useState(false);
  return (
    <li className={`sub-row${s.enabled ? "" : " paused"}`} data-testid={`cal-sub-${s.id}`}>
      <div className="sub-head">
        <span className="course-dot" style={{ background: s.colour }} aria-hidden="true" />
        {renaming ? (
          <RenameForm
            s={s}
            onSave={async (name) => {
              if (name !== s.name) await rename(name);
              setRenaming(false);
            }}
            onCancel={() => setRenaming(false)}
          />
        ) : (
          <>
            <strong id={`cal-sub-name-${s.id}`} title={s.name}>
              {s.name}
            </strong>
            <span className="sub-url" title={s.url}>
              {s.url}
            </span>
          </>
        )}
      </div>
      <SubscriptionState s={s} />
      <div className="sub-actions">
        <SwatchPicker label={t("subscriptions.colourFor", { name: s.name })} value={s.colour} testId={`cal-sub-colour-${s.id}`} onPick={(c) => c && update({ colour: c })} />
        <label className="sub-interval">
          <span className="sr-only">{t("subscriptions.intervalFor", { name: s.name })}</span>
          <select data-testid={`cal-sub-interval-${s.id}`} value={String(s.refresh_minutes)} onChange={(e) => update({ refresh_minutes: Number(e.target.value) })}>
            {(INTERVALS.some((m) => m === s.refresh_minutes) ? INTERVALS : [...INTERVALS, s.refresh_minutes]).map((m) => (
              <option key={m} value={String(m)}>
                {intervalLabel(t, m)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button subtle" data-testid={`cal-sub-rename-${s.id}`} aria-label={t("subscriptions.renameFor", { name: s.name })} disabled={renaming} onClick={() => setRenaming(true)}>
          {t("subscriptions.rename")}
        </button>
        <button
          type="button"
          className="button subtle"
          data-testid={`cal-sub-pause-${s.id}`}
          aria-label={t(s.enabled ? "subscriptions.pauseFor" : "subscriptions.resumeFor", { name: s.name })}
          onClick={() => update({ enabled: !s.enabled })}
        >
          {t(s.enabled ? "subscriptions.pause" : "subscriptions.resume")}
        </button>
        <button
          type="button"
          className="button subtle"
          data-testid={`cal-sub-refresh-${s.id}`}
          aria-label={t("subscriptions.refreshFor", { name: s.name })}
          title={s.enabled ? undefined : t("subscriptions.pausedNoRefresh")}
          disabled={refreshing || !s.enabled}
          onClick={onRefresh}
        >
          {t("subscriptions.refresh")}
        </button>
        <button type="button" className="button subtle danger" data-testid={`cal-sub-remove-${s.id}`} aria-label={t("subscriptions.removeFor", { name: s.name })} onClick={onRemove}>
          {t("subscriptions.remove")}
        </button>
      </div>
    </li>
  );
}

/** The name as a field: Enter saves, Escape cancels (without closing the dialog). A
 *  refused name keeps the field open, with what was typed and the reason under it. */
function RenameForm({ s, onSave, onCancel }: { s: CalendarSubscription; onSave: (name: string) => Promise<void>; onCancel: () => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(s.name);
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim() || saving) return;
    setSaving(true);
    setRefusal(null);
    onSave(name.trim()).catch((err: ApiError) => {
      setRefusal(err);
      setSaving(false);
    });
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== "Escape") return;
    e.stopPropagation();
    e.preventDefault();
    onCancel();
  };
  const errorId = `cal-sub-rename-error-${s.id}`;
  return (
    <form className="sub-rename" onSubmit={submit}>
      <label className="sr-only" htmlFor={`cal-sub-rename-input-${s.id}`}>
        {t("subscriptions.newNameFor", { name: s.name })}
      </label>
      <input
        id={`cal-sub-rename-input-${s.id}`}
        data-testid={`cal-sub-rename-input-${s.id}`}
        value={name}
        maxLength={100}
        required
        autoFocus
        aria-invalid={refusal ? true : undefined}
        aria-describedby={refusal ? errorId : undefined}
        onChange={(e) => setName(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <button type="submit" className="button primary" data-testid={`cal-sub-rename-save-${s.id}`} disabled={saving}>
        {t("subscriptions.save")}
      </button>
      <button type="button" className="button subtle" onClick={onCancel}>
        {t("subscriptions.cancel")}
      </button>
      {refusal ? (
        <p className="field-error sub-rename-error" role="alert" id={errorId} data-testid={errorId}>
          {errorText(t, refusal)}
        </p>
      ) : null}
    </form>
  );
}

/** "Every hour", "Every 6 h", "Every day", "Every 7 days", "Every 45 min". */
export function intervalLabel(t: TFunction, minutes: number): string {
  if (minutes % 1440 === 0) return t("subscriptions.everyDays", { count: minutes / 1440 });
  if (minutes % 60 === 0) return t("subscriptions.every", { count: minutes / 60 });
  return t("subscriptions.everyMinutes", { count: minutes });
}
