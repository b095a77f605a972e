// Insights' reports (issue 16 item 2): my scheduled reports of a dashboard as PDF, Excel or
// CSV, each with its schedule, folder, next run, last run (the file written) and the last
// error in words; turned on and off, run now, edited, deleted after a confirmation (the
// row is the one alerts use, ItemRow). The form takes a name, a dashboard, its widgets (all,
// or the ones ticked), a format, a schedule (daily, weekly on chosen days, monthly on day 1
// to 28, at a local time), the folder the files are written into and the addresses each
// run's file is e-mailed to (its last e-mail's state shows on the row). Paths show their
// last parts (a folder's full path is its tooltip), so a deep folder does not wrap. The
// core checks everything (day 30 of a month, a folder that is a file...) and its refusal
// is shown in words beside the form.
import { useRef, useState } from "react";
import type { FormEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import type { ApiError } from "../api/bindings/ApiError";
import type { Report } from "../api/bindings/Report";
import type { ReportDraft } from "../api/bindings/ReportDraft";
import type { ReportFileFormat } from "../api/bindings/ReportFileFormat";
import type { ReportSchedule } from "../api/bindings/ReportSchedule";
import { errorText } from "../api/errorText";
import { Loading, LoadError } from "../components/Status";
import { formatDateTime } from "../lib/dates";
import { usePrefs } from "../lib/prefs";
import { useShellEvent } from "../api/queries";
import { EmailState } from "../email/EmailState";
import { ItemRow } from "./ItemRow";
import { Panel } from "./Panel";
import { useDashboard, useDashboards, useInsightsMutation } from "./queries";
import "./Reports.css";

const REPORTS_KEY = ["report_list"] as const;
const FORMATS: ReportFileFormat[] = ["pdf", "excel", "csv"];
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
type Every = ReportSchedule["every"];

/** `widgets` null: every widget of the dashboard, as it is when the report runs. */
type Form = { name: string; dashboardId: string; widgets: string[] | null; format: ReportFileFormat; every: Every; days: string[]; day: string; time: string; folder: string; recipients: string; active: boolean };

const blank: Form = { name: "", dashboardId: "", widgets: null, format: "pdf", every: "weekly", days: ["mon"], day: "1", time: "08:00", folder: "", recipients: "", active: true };

function formOf(r: Report): Form {
  const s = r.schedule;
  return {
    name: r.name,
    dashboardId: r.dashboard_id,
    widgets: r.widget_ids,
    format: r.format,
    every: s?.every ?? "weekly",
    days: s?.every === "weekly" ? s.days : ["mon"],
    day: s?.every === "monthly" ? String(s.day) : "1",
    time: s?.time ?? "08:00",
    folder: r.output_dir ?? "",
    recipients: r.recipients.join(", "),
    active: r.is_active,
  };
}

/** The schedule the form describes (the day of a month as typed: the core says what is wrong). */
export function scheduleOf(f: Form): ReportSchedule {
  if (f.every === "daily") return { every: "daily", time: f.time };
  if (f.every === "weekly") return { every: "weekly", days: f.days, time: f.time };
  const day = Number.parseInt(f.day, 10);
  return { every: "monthly", day: Number.isFinite(day) && day >= 0 ? day : 0, time: f.time };
}

/** The addresses typed, separated by commas, semicolons or spaces. */
export function recipientsOf(text: string): string[] {
  return text.split(/[\s,;]+/).filter((a) => a !== "");
}

function draftOf(f: Form): ReportDraft {
  const draft: ReportDraft = { name: f.name, dashboard_id: f.dashboardId, format: f.format, schedule: scheduleOf(f), output_dir: f.folder, recipients: recipientsOf(f.recipients), is_active: f.active };
  return f.widgets ? { ...draft, widget_ids: f.widgets } : draft;
}

function ReportForm({ initial, editing, onDone }: { initial: Form; editing: Report | null; onDone: () => void }) {
  const { t } = useTranslation();
  const dashboards = useDashboards();
  const list = dashboards.data ?? [];
  const [f, setF] = useState<Form>(initial.dashboardId || !list[0] ? initial : { ...initial, dashboardId: list[0].row.id });
  const save = useInsightsMutation((d: ReportDraft) => (editing ? api.reportUpdate(editing.id, d) : api.reportCreate(d)), { meta: { inlineError: true }, onSuccess: onDone }, [REPORTS_KEY]);
  const set = (patch: Partial<Form>) => setF({ ...f, ...patch });
  const dashboardId = f.dashboardId || list[0]?.row.id || "";
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(draftOf({ ...f, dashboardId }));
  };
  const toggleDay = (d: string) => set({ days: f.days.includes(d) ? f.days.filter((x) => x !== d) : [...f.days, d] });
  const error = save.error as ApiError | null;
  return (
    <form className="item-form" onSubmit={submit} data-testid="report-form" aria-label={editing ? t("insights.reports.edit") : t("insights.reports.new")}>
      <label className="field">
        <span>{t("insights.reports.name")}</span>
        <input data-testid="report-name" value={f.name} maxLength={255} onChange={(e) => set({ name: e.target.value })} autoFocus />
      </label>
      <label className="field">
        <span>{t("insights.reports.dashboard")}</span>
        <select data-testid="report-dashboard" value={dashboardId} onChange={(e) => set({ dashboardId: e.target.value, widgets: null })}>
          {list.map((d) => (
            <option key={d.row.id} value={d.row.id}>
              {d.row.name}
            </option>
          ))}
        </select>
      </label>
      <WidgetChoice dashboardId={dashboardId} value={f.widgets} onChange={(widgets) => set({ widgets })} />
      <label className="field">
        <span>{t("insights.reports.format")}</span>
        <select data-testid="report-format" value={f.format} onChange={(e) => set({ format: e.target.value as ReportFileFormat })}>
          {FORMATS.map((x) => (
            <option key={x} value={x}>
              {t(`insights.reports.formats.${x}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t("insights.reports.every")}</span>
        <select data-testid="report-every" value={f.every} onChange={(e) => set({ every: e.target.value as Every })}>
          {(["daily", "weekly", "monthly"] as Every[]).map((x) => (
            <option key={x} value={x}>
              {t(`insights.reports.everyOptions.${x}`)}
            </option>
          ))}
        </select>
      </label>
      {f.every === "weekly" ? (
        <fieldset className="item-choices item-wide">
          <legend>{t("insights.reports.days")}</legend>
          {DAYS.map((d) => (
            <label key={d} className="field-check">
              <input type="checkbox" data-testid={`report-day-${d}`} checked={f.days.includes(d)} onChange={() => toggleDay(d)} />
              <span>{t(`insights.reports.dayNames.${d}`)}</span>
            </label>
          ))}
        </fieldset>
      ) : null}
      {f.every === "monthly" ? (
        <label className="field">
          <span>{t("insights.reports.dayOfMonth")}</span>
          <input data-testid="report-day" inputMode="numeric" value={f.day} onChange={(e) => set({ day: e.target.value })} />
        </label>
      ) : null}
      <label className="field">
        <span>{t("insights.reports.time")}</span>
        <input type="time" data-testid="report-time" value={f.time} onChange={(e) => set({ time: e.target.value })} />
      </label>
      <label className="field item-wide">
        <span>{t("insights.reports.folder")}</span>
        <input data-testid="report-folder" value={f.folder} placeholder={t("insights.reports.folderHint")} onChange={(e) => set({ folder: e.target.value })} />
      </label>
      <label className="field item-wide">
        <span>{t("insights.reports.recipients")}</span>
        <input data-testid="report-recipients" type="text" inputMode="email" value={f.recipients} placeholder="ann@example.com, bo@example.org" aria-describedby="report-recipients-hint" onChange={(e) => set({ recipients: e.target.value })} />
        <span id="report-recipients-hint" className="hint">
          {t("insights.reports.recipientsHint")}
        </span>
      </label>
      <label className="field field-check">
        <input type="checkbox" data-testid="report-active-new" checked={f.active} onChange={(e) => set({ active: e.target.checked })} />
        <span>{t("insights.reports.on")}</span>
      </label>
      {error ? (
        <p role="alert" className="field-error" data-testid="report-form-error">
          {errorText(t, error)}
        </p>
      ) : null}
      <div className="dialog-actions">
        <button type="button" className="button ghost" onClick={onDone}>
          {t("common.cancel")}
        </button>
        <button type="submit" className="button primary" data-testid="report-save">
          {t("common.save")}
        </button>
      </div>
    </form>
  );
}

/** Every widget (null), or the ones ticked, in the dashboard's order. */
function WidgetChoice({ dashboardId, value, onChange }: { dashboardId: string; value: string[] | null; onChange: (ids: string[] | null) => void }) {
  const { t } = useTranslation();
  const dashboard = useDashboard(dashboardId || null);
  const widgets = dashboard.data?.widgets ?? [];
  const chosen = value ?? [];
  const toggle = (id: string) => {
    const next = chosen.includes(id) ? chosen.filter((x) => x !== id) : [...chosen, id];
    onChange(widgets.map((w) => w.row.id).filter((x) => next.includes(x)));
  };
  return (
    <fieldset className="item-wide report-widgets" data-testid="report-widgets">
      <legend>{t("insights.reports.widgets")}</legend>
      <div className="item-choices">
        <label className="field-check">
          <input type="radio" name="report-widgets" data-testid="report-widgets-all" checked={value === null} onChange={() => onChange(null)} />
          <span>{t("insights.reports.allWidgets")}</span>
        </label>
        <label className="field-check">
          <input type="radio" name="report-widgets" data-testid="report-widgets-chosen" checked={value !== null} disabled={widgets.length === 0} onChange={() => onChange(widgets.map((w) => w.row.id))} />
          <span>{t("insights.reports.chosenWidgets")}</span>
        </label>
      </div>
      {dashboard.data && widgets.length === 0 ? <p className="hint">{t("insights.reports.noWidgets")}</p> : null}
      {value !== null ? (
        <div className="item-choices">
          {widgets.map((w) => (
            <label key={w.row.id} className="field-check">
              <input type="checkbox" data-testid={`report-widget-${w.row.id}`} checked={chosen.includes(w.row.id)} onChange={() => toggle(w.row.id)} />
              <span>{w.config.title || t("insights.reports.untitled")}</span>
            </label>
          ))}
        </div>
      ) : null}
    </fieldset>
  );
}

/** A path's last `parts` names (`…/School/Reports`), for a line that must not wrap. */
export function shortPath(path: string, parts = 2): string {
  const names = path.split(/[\\/]/).filter(Boolean);
  return names.length <= parts ? path : `…/${names.slice(-parts).join("/")}`;
}

/** A file's name without its folders. */
export function fileName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

function ReportRow({ report, onEdit }: { report: Report; onEdit: () => void }) {
  const { t } = useTranslation();
  const { locale, timezone } = usePrefs();
  const refresh = [REPORTS_KEY];
  const setActive = useInsightsMutation((on: boolean) => api.reportSetActive(report.id, on), {}, refresh);
  const run = useInsightsMutation(() => api.reportRunNow(report.id), { meta: { inlineError: true } }, refresh);
  const remove = useInsightsMutation(() => api.reportDelete(report.id), {}, refresh);
  const when = (iso: string | null) => (iso ? formatDateTime(iso, locale, timezone) : t("insights.reports.never"));
  const s = report.schedule;
  const schedule = !s
    ? t("insights.reports.unknownSchedule")
    : s.every === "daily"
      ? t("insights.reports.dailyAt", { time: s.time })
      : s.every === "weekly"
        ? t("insights.reports.weeklyAt", { days: s.days.map((d) => t(`insights.reports.dayNames.${d}`)).join(", "), time: s.time })
        : t("insights.reports.monthlyAt", { day: s.day, time: s.time });
  const runError = run.error as ApiError | null;
  // The file of the last run, by name (its folder is the line above); the full path as tooltip.
  const lastFile = report.last_output && !report.last_error ? report.last_output : null;
  return (
    <ItemRow
      kind="report"
      main={
        <>
          <strong>{report.name}</strong>
          <span className="hint">
            {t(`insights.reports.formats.${report.format}`)} · {schedule}
          </span>
          {report.output_dir ? (
            <span className="hint report-path" title={t("insights.reports.folderTitle", { path: report.output_dir })}>
              {shortPath(report.output_dir)}
            </span>
          ) : null}
        </>
      }
      state={
        <>
          <span className="hint" data-testid="report-next">
            {t("insights.reports.next", { time: report.is_active ? when(report.next_run_at) : t("insights.reports.off") })}
          </span>
          <span className="hint" data-testid="report-last" title={lastFile ?? undefined}>
            {t("insights.reports.lastRun", { time: when(report.last_sent) })}
            {lastFile ? ` · ${fileName(lastFile)}` : ""}
          </span>
          <EmailState entry={report.last_email} locale={locale} timezone={timezone} testId="report-email" />
          {report.last_error ? (
            <span className="field-error" role="status" data-testid="report-error">
              {t("insights.reports.failed", { reason: report.last_error })}
            </span>
          ) : null}
          {runError ? (
            <span className="field-error" role="alert" data-testid="report-run-error">
              {errorText(t, runError)}
            </span>
          ) : null}
          {run.data?.file ? (
            <span className="sr-only" role="status" data-testid="report-run-done">
              {t("insights.reports.saved", { file: fileName(run.data.file) })}
            </span>
          ) : null}
        </>
      }
      actions={
        <button type="button" className="button subtle" data-testid="report-run" disabled={run.isPending} onClick={() => run.mutate(undefined)}>
          {run.isPending ? t("insights.reports.running") : t("insights.reports.runNow")}
        </button>
      }
      active={report.is_active}
      onActive={(on) => setActive.mutate(on)}
      onEdit={onEdit}
      deleteTitle={t("insights.reports.deleteTitle")}
      deleteMessage={t("insights.reports.deleteMessage", { name: report.name })}
      onDelete={() => remove.mutate(undefined)}
    />
  );
}

export function Reports({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const heading = useRef<HTMLHeadingElement | null>(null);
  const reports = useQuery<Report[], ApiError>({ queryKey: REPORTS_KEY, queryFn: () => api.reportList(), refetchOnWindowFocus: true, refetchInterval: 60_000 });
  // The shell's report runner changes a report's last run.
  const qc = useQueryClient();
  useShellEvent(api.onReportsChanged, () => void qc.invalidateQueries({ queryKey: REPORTS_KEY }));
  const [editing, setEditing] = useState<Report | "new" | null>(null);
  const done = () => {
    setEditing(null);
    heading.current?.focus();
  };
  return (
    <Panel
      title={t("insights.reports.title")}
      hint={t("insights.reports.hint")}
      headingRef={heading}
      testId="reports-panel"
      tools={
        <>
          <button type="button" className="button subtle" data-testid="report-new" onClick={() => setEditing("new")}>
            {t("insights.reports.new")}
          </button>
          <button type="button" className="button ghost" onClick={onClose}>
            {t("insights.reports.back")}
          </button>
        </>
      }
    >
      {editing ? <ReportForm key={editing === "new" ? "new" : editing.id} initial={editing === "new" ? blank : formOf(editing)} editing={editing === "new" ? null : editing} onDone={done} /> : null}
      {reports.isPending ? <Loading /> : null}
      {reports.isError ? <LoadError error={reports.error} onRetry={() => void reports.refetch()} /> : null}
      {reports.data && reports.data.length === 0 && !editing ? <p className="insights-empty">{t("insights.reports.empty")}</p> : null}
      <ul className="item-list">
        {(reports.data ?? []).map((r) => (
          <ReportRow key={r.id} report={r} onEdit={() => setEditing(r)} />
        ))}
      </ul>
    </Panel>
  );
}
