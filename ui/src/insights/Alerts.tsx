// Insights' alerts (issue 16 item 1): my threshold alerts on the built-in metrics, each
// with its status, last value and last check ("checked every 15 minutes"), turned on and
// off, snoozed for an hour, edited, deleted after a confirmation. The form takes a metric
// counted per day, week or month (or a widget's value, or a data model's field), a rule (above, below, change in percent against the
// previous period) and a threshold typed as text (one that is not a number is said before
// anything is sent), immediate or a daily digest at a chosen time; "Test this alert"
// replays the draft over the last 90 days of stored history and lists when it would have
// fired, before saving. Email is shown as not available without SMTP; Slack and SMS never.
import { useRef, useState } from "react";
import type { FormEvent } from "react";
import { useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import type { Alert } from "../api/bindings/Alert";
import type { AlertDraft } from "../api/bindings/AlertDraft";
import type { AlertRow } from "../api/bindings/AlertRow";
import type { AlertGrain } from "../api/bindings/AlertGrain";
import type { ApiError } from "../api/bindings/ApiError";
import type { MetricId } from "../api/bindings/MetricId";
import type { Replay } from "../api/bindings/Replay";
import type { ThresholdType } from "../api/bindings/ThresholdType";
import { errorText } from "../api/errorText";
import { Loading, LoadError } from "../components/Status";
import { formatDateTime } from "../lib/dates";
import { usePrefs } from "../lib/prefs";
import { useShellEvent } from "../api/queries";
import { ItemRow } from "./ItemRow";
import { EmailState } from "../email/EmailState";
import { Panel } from "./Panel";
import { useInsightsMutation, useMetricCatalog } from "./queries";
import "./Alerts.css";

const ALERTS_KEY = ["alert_list"] as const;
const GRAINS: AlertGrain[] = ["day", "week", "month"];
const RULES: ThresholdType[] = ["above", "below", "change_percent"];

/** A threshold typed as text: a finite number, or null. */
export function parseThreshold(text: string): number | null {
  const t = text.trim();
  if (t === "" || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

/** What an alert watches: a built-in metric, a widget's value or a data model's field. */
export type Watch = "metric" | "widget" | "model";
const WATCHES: Watch[] = ["metric", "widget", "model"];

type Form = {
  name: string;
  watch: Watch;
  metric: MetricId;
  widgetId: string;
  modelId: string;
  modelField: string;
  grain: AlertGrain;
  rule: ThresholdType;
  threshold: string;
  digest: boolean;
  digestTime: string;
  /** Also e-mail each triggering (only when e-mail is set up). */
  email: boolean;
};

const blank: Form = { name: "", watch: "metric", metric: "minutes_studied", widgetId: "", modelId: "", modelField: "", grain: "day", rule: "above", threshold: "", digest: false, digestTime: "08:00", email: false };

/** The form over an alert's rule: its row's columns. */
function formOf(a: AlertRow): Form {
  const watch: Watch = a.widget_id ? "widget" : a.model_id ? "model" : "metric";
  return {
    ...blank,
    name: a.name,
    watch,
    metric: (a.metric_id ?? blank.metric) as MetricId,
    widgetId: a.widget_id ?? "",
    modelId: a.model_id ?? "",
    modelField: a.model_field ?? "",
    grain: a.grain as AlertGrain,
    rule: a.threshold_type,
    threshold: String(a.threshold_value),
    digest: a.frequency === "digest",
    digestTime: a.digest_time ?? "08:00",
    email: Array.isArray(a.channels) && a.channels.includes("email"),
  };
}

function draftOf(f: Form, threshold: number): AlertDraft {
  return {
    name: f.name,
    metric: f.watch === "metric" ? f.metric : undefined,
    widget_id: f.watch === "widget" ? f.widgetId : undefined,
    model_id: f.watch === "model" ? f.modelId : undefined,
    model_field: f.watch === "model" ? f.modelField : undefined,
    grain: f.grain,
    filters: {},
    threshold_type: f.rule,
    threshold_value: threshold,
    frequency: f.digest ? "digest" : "immediate",
    digest_time: f.digest ? f.digestTime : undefined,
    channels: f.email ? ["notification", "in_app", "email"] : undefined,
  };
}

function AlertForm({ initial, editing, onDone }: { initial: Form; editing: Alert | null; onDone: () => void }) {
  const { t } = useTranslation();
  const catalog = useMetricCatalog();
  const channels = useQuery({ queryKey: ["alert_channels"], queryFn: () => api.alertChannels() });
  const [f, setF] = useState<Form>(initial);
  const [bad, setBad] = useState(false);
  const [replay, setReplay] = useState<Replay | null>(null);
  const save = useInsightsMutation((d: AlertDraft) => (editing ? api.alertUpdate(editing.id, d) : api.alertCreate(d)), { meta: { inlineError: true }, onSuccess: onDone }, [ALERTS_KEY]);
  const test = useInsightsMutation((d: AlertDraft) => api.alertTest(d), { meta: { inlineError: true }, onSuccess: setReplay });
  const metrics = (catalog.data ?? []).filter((m) => m.grains.includes("day"));
  const set = (patch: Partial<Form>) => {
    setF({ ...f, ...patch });
    setReplay(null);
  };
  const draft = (): AlertDraft | null => {
    const v = parseThreshold(f.threshold);
    setBad(v === null);
    return v === null ? null : draftOf(f, v);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const d = draft();
    if (d) save.mutate(d);
  };
  const error = (save.error ?? test.error) as ApiError | null;
  return (
    <form className="item-form" onSubmit={submit} data-testid="alert-form" aria-label={editing ? t("insights.alerts.edit") : t("insights.alerts.new")}>
      <label className="field">
        <span>{t("insights.alerts.name")}</span>
        <input data-testid="alert-name" value={f.name} maxLength={255} onChange={(e) => set({ name: e.target.value })} data-autofocus autoFocus />
      </label>
      <label className="field">
        <span>{t("insights.alerts.watch")}</span>
        <select data-testid="alert-watch" value={f.watch} onChange={(e) => set({ watch: e.target.value as Watch })}>
          {WATCHES.map((w) => (
            <option key={w} value={w}>
              {t(`insights.alerts.watches.${w}`)}
            </option>
          ))}
        </select>
      </label>
      {f.watch === "metric" ? (
        <>
          <label className="field">
            <span>{t("insights.alerts.metric")}</span>
            <select data-testid="alert-metric" value={f.metric} onChange={(e) => set({ metric: e.target.value as MetricId })}>
              {(metrics.length ? metrics.map((m) => m.id) : [f.metric]).map((id) => (
                <option key={id} value={id}>
                  {t(`insights.metrics.${id}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t("insights.alerts.period")}</span>
            <select data-testid="alert-grain" value={f.grain} onChange={(e) => set({ grain: e.target.value as AlertGrain })}>
              {GRAINS.map((g) => (
                <option key={g} value={g}>
                  {t(`insights.alerts.grains.${g}`)}
                </option>
              ))}
            </select>
          </label>
        </>
      ) : f.watch === "widget" ? (
        <WidgetChoice value={f.widgetId} onChange={(widgetId) => set({ widgetId })} />
      ) : (
        <ModelFieldChoice modelId={f.modelId} field={f.modelField} onChange={(modelId, modelField) => set({ modelId, modelField })} />
      )}
      <label className="field">
        <span>{t("insights.alerts.rule")}</span>
        <select data-testid="alert-rule" value={f.rule} onChange={(e) => set({ rule: e.target.value as ThresholdType })}>
          {RULES.map((r) => (
            <option key={r} value={r}>
              {t(`insights.alerts.rules.${r}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{f.rule === "change_percent" ? t("insights.alerts.thresholdPercent") : t("insights.alerts.threshold")}</span>
        <input data-testid="alert-threshold" inputMode="decimal" value={f.threshold} aria-invalid={bad} onChange={(e) => set({ threshold: e.target.value })} />
      </label>
      <label className="field field-check">
        <input type="checkbox" data-testid="alert-digest" checked={f.digest} onChange={(e) => set({ digest: e.target.checked })} />
        <span>{t("insights.alerts.digest")}</span>
      </label>
      {f.digest ? (
        <label className="field">
          <span>{t("insights.alerts.digestTime")}</span>
          <input type="time" data-testid="alert-digest-time" value={f.digestTime} onChange={(e) => set({ digestTime: e.target.value })} />
        </label>
      ) : null}
      <fieldset className="alert-channels item-wide">
        <legend>{t("insights.alerts.channels")}</legend>
        <ul>
          {(channels.data ?? []).map((c) =>
            c.channel === "email" && c.available ? (
              <li key={c.channel} data-testid="alert-channel-email">
                <label className="field-check">
                  <input type="checkbox" data-testid="alert-email" checked={f.email} onChange={(e) => set({ email: e.target.checked })} />
                  <span>{t("insights.alerts.emailChannel")}</span>
                </label>
              </li>
            ) : (
              <li key={c.channel} data-testid={`alert-channel-${c.channel}`} className={c.available ? "" : "unavailable"}>
                {t(`insights.alerts.channel.${c.channel}`)}
                {c.available ? null : <span className="hint"> — {t(c.channel === "email" ? "insights.alerts.notAvailableEmail" : "insights.alerts.notAvailable")}</span>}
              </li>
            ),
          )}
        </ul>
      </fieldset>
      {bad ? (
        <p role="alert" className="field-error" data-testid="alert-threshold-error">
          {t("insights.alerts.notANumber")}
        </p>
      ) : null}
      {error ? (
        <p role="alert" className="field-error">
          {errorText(t, error)}
        </p>
      ) : null}
      {replay ? <ReplayResult replay={replay} /> : null}
      <div className="dialog-actions">
        <button type="button" className="button ghost" onClick={onDone}>
          {t("common.cancel")}
        </button>
        <button
          type="button"
          className="button subtle"
          data-testid="alert-test"
          onClick={() => {
            const d = draft();
            if (d) test.mutate(d);
          }}
        >
          {t("insights.alerts.test")}
        </button>
        <button type="submit" className="button primary" data-testid="alert-save">
          {t("common.save")}
        </button>
      </div>
    </form>
  );
}

/** The widgets of every dashboard, grouped by dashboard; the one chosen is the value. */
function WidgetChoice({ value, onChange }: { value: string; onChange: (id: string) => void }) {
  const { t } = useTranslation();
  const list = useQuery({ queryKey: ["dashboards_list"], queryFn: () => api.dashboardsList() });
  const views = useQueries({ queries: (list.data ?? []).map((d) => ({ queryKey: ["dashboard_get", d.row.id], queryFn: () => api.dashboardGet(d.row.id) })) });
  const dashboards = views.flatMap((v) => (v.data ? [v.data] : []));
  return (
    <label className="field">
      <span>{t("insights.alerts.widget")}</span>
      <select data-testid="alert-widget" value={value} onChange={(e) => onChange(e.target.value)} required>
        <option value="">{t("insights.alerts.chooseWidget")}</option>
        {dashboards.map((d) => (
          <optgroup key={d.row.id} label={d.row.name}>
            {d.widgets
              .filter((w) => w.config.source.kind !== "none")
              .map((w) => (
                <option key={w.row.id} value={w.row.id}>
                  {w.config.title || t("insights.alerts.untitled")}
                </option>
              ))}
          </optgroup>
        ))}
      </select>
    </label>
  );
}

/** A data model, then one of its fields (the alert watches the field's sum). */
function ModelFieldChoice({ modelId, field, onChange }: { modelId: string; field: string; onChange: (modelId: string, field: string) => void }) {
  const { t } = useTranslation();
  const models = useQuery({ queryKey: ["model_list"], queryFn: () => api.modelList() });
  const model = (models.data ?? []).find((m) => m.id === modelId);
  return (
    <>
      <label className="field">
        <span>{t("insights.alerts.model")}</span>
        <select data-testid="alert-model" value={modelId} onChange={(e) => onChange(e.target.value, "")} required>
          <option value="">{t("insights.alerts.chooseModel")}</option>
          {(models.data ?? []).map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t("insights.alerts.field")}</span>
        <select data-testid="alert-model-field" value={field} onChange={(e) => onChange(modelId, e.target.value)} required disabled={!model}>
          <option value="">{t("insights.alerts.chooseField")}</option>
          {(model?.fields ?? []).map((f) => (
            <option key={f.name} value={f.name}>
              {f.name}
            </option>
          ))}
        </select>
      </label>
      <p className="hint">{t("insights.alerts.fieldHint")}</p>
    </>
  );
}

function ReplayResult({ replay }: { replay: Replay }) {
  const { t } = useTranslation();
  return (
    <section className="alert-replay item-wide" data-testid="alert-replay" aria-live="polite">
      <p>{replay.fired.length === 0 ? t("insights.alerts.replayNone", { periods: replay.periods }) : t("insights.alerts.replayCount", { count: replay.fired.length, periods: replay.periods })}</p>
      {replay.no_change_periods > 0 ? <p className="hint">{t("insights.alerts.replayNoChange", { count: replay.no_change_periods })}</p> : null}
      <ul>
        {replay.fired.map((h) => (
          <li key={h.period}>{t("insights.alerts.replayHit", { period: h.period, value: h.value, previous: h.previous })}</li>
        ))}
      </ul>
    </section>
  );
}

function AlertRow({ alert, onEdit }: { alert: Alert; onEdit: () => void }) {
  const { t } = useTranslation();
  const { locale, timezone } = usePrefs();
  const refresh = [ALERTS_KEY];
  const setActive = useInsightsMutation((on: boolean) => api.alertSetActive(alert.id, on), {}, refresh);
  const snooze = useInsightsMutation(() => api.alertSnooze(alert.id, 60), {}, refresh);
  const remove = useInsightsMutation(() => api.alertDelete(alert.id), {}, refresh);
  const when = (iso: string | null) => (iso ? formatDateTime(iso, locale, timezone) : t("insights.alerts.never"));
  const rule = t(`insights.alerts.ruleText.${alert.threshold_type}`, { value: alert.threshold_value });
  return (
    <ItemRow
      kind="alert"
      className={`status-${alert.status}`}
      main={
        <>
          <strong>{alert.name}</strong>
          <span className="hint">
            {alert.widget_id
              ? t("insights.alerts.watchesWidget")
              : alert.model_field
                ? t("insights.alerts.watchesField", { field: alert.model_field })
                : `${t(`insights.metrics.${alert.metric_id}`)} · ${t(`insights.alerts.grains.${alert.grain}`)}`}{" "}
            · {rule}
            {alert.frequency === "digest" ? ` · ${t("insights.alerts.digestAt", { time: alert.digest_time })}` : ""}
          </span>
        </>
      }
      state={
        <>
          <span className="alert-status" data-testid="alert-status">
            {t(`insights.alerts.status.${alert.status}`)}
            {alert.status === "snoozed" && alert.snoozed_until ? ` ${t("insights.alerts.until", { time: when(alert.snoozed_until) })}` : ""}
          </span>
          <span className="hint" data-testid="alert-last">
            {alert.last_value === null ? t("insights.alerts.noValue") : t("insights.alerts.lastValue", { value: alert.last_value })}
            {" · "}
            {t("insights.alerts.checked", { minutes: alert.check_every_minutes, last: when(alert.last_evaluated_at) })}
          </span>
          {alert.no_change ? <span className="hint" data-testid="alert-no-change">{t("insights.alerts.noChange")}</span> : null}
          <EmailState entry={alert.last_email} locale={locale} timezone={timezone} testId="alert-email-state" />
        </>
      }
      actions={
        <button type="button" className="button subtle" data-testid="alert-snooze" disabled={!alert.is_active} onClick={() => snooze.mutate(undefined)}>
          {t("insights.alerts.snooze")}
        </button>
      }
      active={alert.is_active}
      onActive={(on) => setActive.mutate(on)}
      onEdit={onEdit}
      deleteTitle={t("insights.alerts.deleteTitle")}
      deleteMessage={t("insights.alerts.deleteMessage", { name: alert.name })}
      onDelete={() => remove.mutate(undefined)}
    />
  );
}

export function Alerts({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const heading = useRef<HTMLHeadingElement | null>(null);
  const alerts = useQuery<Alert[], ApiError>({ queryKey: ALERTS_KEY, queryFn: () => api.alertList(), refetchOnWindowFocus: true, refetchInterval: 60_000 });
  // An evaluation that delivered something (the background scheduler) changes the statuses.
  const qc = useQueryClient();
  useShellEvent(api.onNotificationsChanged, () => void qc.invalidateQueries({ queryKey: ALERTS_KEY }));
  const [editing, setEditing] = useState<Alert | "new" | null>(null);
  const done = () => {
    setEditing(null);
    heading.current?.focus();
  };
  return (
    <Panel
      title={t("insights.alerts.title")}
      hint={t("insights.alerts.hint")}
      headingRef={heading}
      testId="alerts-panel"
      tools={
        <>
          <button type="button" className="button subtle" data-testid="alert-new" onClick={() => setEditing("new")}>
            {t("insights.alerts.new")}
          </button>
          <button type="button" className="button ghost" onClick={onClose}>
            {t("insights.alerts.back")}
          </button>
        </>
      }
    >
      {editing ? <AlertForm key={editing === "new" ? "new" : editing.id} initial={editing === "new" ? blank : formOf(editing)} editing={editing === "new" ? null : editing} onDone={done} /> : null}
      {alerts.isPending ? <Loading /> : null}
      {alerts.isError ? <LoadError error={alerts.error} onRetry={() => void alerts.refetch()} /> : null}
      {alerts.data && alerts.data.length === 0 && !editing ? <p className="insights-empty">{t("insights.alerts.empty")}</p> : null}
      <ul className="item-list">
        {(alerts.data ?? []).map((a) => (
          <AlertRow key={a.id} alert={a} onEdit={() => setEditing(a)} />
        ))}
      </ul>
    </Panel>
  );
}
