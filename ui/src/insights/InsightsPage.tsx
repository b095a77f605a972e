// Insights (issue 15): the user's dashboards listed in their order (made, renamed, copied,
// moved up and down, deleted after a confirmation), the open dashboard's date range,
// refresh and full-screen presentation, and its widgets on a 12-column grid dragged and
// resized with the mouse or moved with the arrow keys (Shift+arrows resize). Dashboards
// shared with me are listed below mine and open in the same grid, with their owner and my
// rights: read only, every edit control is disabled and says why (issue 16 item 3).
import { useEffect, useRef, useState } from "react";
import type { FormEvent, Ref } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import type { DashboardEntry } from "../api/bindings/DashboardEntry";
import type { DashboardView } from "../api/bindings/DashboardView";
import type { RangePreset } from "../api/bindings/RangePreset";
import type { SharedDashboard } from "../api/bindings/SharedDashboard";
import type { DashboardWidget as Widget } from "../api/bindings/DashboardWidget";
import type { WidgetPlacement as WidgetPlace } from "../api/bindings/WidgetPlacement";
import { errorText } from "../api/errorText";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Dialog } from "../components/Dialog";
import { Icon } from "../components/Icon";
import { Loading, LoadError } from "../components/Status";
import { WidgetGrid } from "../grid/WidgetGrid";
import type { GridSpec } from "../grid/WidgetGrid";
import { download } from "../lib/download";
import { Alerts } from "./Alerts";
import { DataSources } from "./DataSources";
import { ModelBuilder } from "./ModelBuilder";
import { Reports } from "./Reports";
import { ownerText, Sharing } from "./Sharing";
import { isQueried, useDashboard, useDashboards, useInsightsMutation, useShareList, useSourceEvents } from "./queries";
import { toCsv } from "./series";
import { WidgetEditor } from "./WidgetEditor";
import { isChart, WidgetBody } from "./WidgetView";
import type { WidgetExports } from "./WidgetView";
import "./InsightsPage.css";
import { HistoryButton } from "../history/HistoryButton";

/** The dashboard's grid: 12 columns, widgets from 2×2 cells to 24 rows high, beside the dashboard list. */
const GRID: GridSpec = { cols: 12, minW: 2, minH: 2, maxH: 24, rowHeight: 44, gap: 14, maxRows: 10_000, cancel: "summary" };
const RANGES: RangePreset[] = ["last_7_days", "last_30_days", "last_90_days", "last_365_days", "this_month", "this_year", "custom"];

const titleOf = (w: Widget, t: (k: string) => string) => w.config.title || t(`insights.types.${w.row.type}`);

function NameDialog({ title, initial, onSave, onClose, error }: { title: string; initial: { name: string; description: string }; onSave: (name: string, description: string) => void; onClose: () => void; error?: string }) {
  const { t } = useTranslation();
  const [name, setName] = useState(initial.name);
  const [description, setDescription] = useState(initial.description);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSave(name, description);
  };
  return (
    <Dialog title={title} onClose={onClose} testId="dashboard-name-dialog">
      <form onSubmit={submit} className="dashboard-name-form">
        <label className="field field-wide">
          <span>{t("insights.dashboardName")}</span>
          <input data-testid="dashboard-name" value={name} maxLength={255} onChange={(e) => setName(e.target.value)} data-autofocus />
        </label>
        <label className="field field-wide">
          <span>{t("insights.description")}</span>
          <textarea data-testid="dashboard-description" rows={2} value={description} maxLength={2000} onChange={(e) => setDescription(e.target.value)} />
        </label>
        {error ? (
          <p role="alert" className="field-error">
            {error}
          </p>
        ) : null}
        <div className="dialog-actions">
          <button type="button" className="button ghost" onClick={onClose}>
            {t("common.cancel")}
          </button>
          <button type="submit" className="button primary" data-testid="dashboard-name-save">
            {t("common.save")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** The owner of a dashboard shared with me, in words. */

/** "View only", "Can edit" or "Public, read only". */
const rightsKey = (d: SharedDashboard) => (d.permission === "edit" ? "insights.sharing.canEdit" : d.permission === "view" ? "insights.sharing.viewOnly" : "insights.sharing.public");

function SharedList({ shared, openId, onOpen }: { shared: SharedDashboard[]; openId: string | null; onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  if (shared.length === 0) return null;
  return (
    <nav className="dashboard-list shared" aria-labelledby="dashboards-shared-with-me">
      <h2 id="dashboards-shared-with-me" className="dashboard-list-heading">
        {t("insights.sharing.withMe")}
      </h2>
      <ul>
        {shared.map((d) => (
          <li key={d.dashboard_id} className={d.dashboard_id === openId ? "open" : undefined}>
            <button type="button" className="dashboard-link" aria-current={d.dashboard_id === openId ? "page" : undefined} data-testid={`shared-dashboard-${d.dashboard_id}`} onClick={() => onOpen(d.dashboard_id)}>
              <span className="dashboard-link-name">{d.name}</span>
              <span className="dashboard-link-count">
                {ownerText(t, d)} · {t(rightsKey(d))}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function DashboardList({ dashboards, openId, onOpen }: { dashboards: DashboardEntry[]; openId: string | null; onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  const reorder = useInsightsMutation((ids: string[]) => api.dashboardReorder(ids));
  const move = (index: number, by: number) => {
    const ids = dashboards.map((d) => d.row.id);
    const [moved] = ids.splice(index, 1);
    if (moved === undefined) return;
    ids.splice(index + by, 0, moved);
    reorder.mutate(ids);
  };
  return (
    <nav className="dashboard-list" aria-label={t("insights.dashboards")}>
      <ul>
        {dashboards.map((d, i) => (
          <li key={d.row.id} className={d.row.id === openId ? "open" : undefined}>
            <button type="button" className="dashboard-link" aria-current={d.row.id === openId ? "page" : undefined} data-testid={`dashboard-${i}`} onClick={() => onOpen(d.row.id)}>
              <span className="dashboard-link-name">{d.row.name}</span>
              <span className="dashboard-link-count">{t("insights.widgetCount", { count: Number(d.widget_count) })}</span>
            </button>
            {d.row.id === openId ? (
              <span className="dashboard-move">
                <button type="button" className="icon-button" disabled={i === 0} aria-label={t("insights.moveUp", { name: d.row.name })} onClick={() => move(i, -1)}>
                  <Icon name="up" size={14} />
                </button>
                <button type="button" className="icon-button" disabled={i === dashboards.length - 1} aria-label={t("insights.moveDown", { name: d.row.name })} onClick={() => move(i, 1)}>
                  <Icon name="down" size={14} />
                </button>
              </span>
            ) : null}
          </li>
        ))}
      </ul>
    </nav>
  );
}

function WidgetMenu({ widget, title, exports, onEdit, onDelete, readOnly }: { widget: Widget; title: string; exports: () => WidgetExports | null; onEdit: () => void; onDelete: () => void; readOnly: string | null }) {
  const { t } = useTranslation();
  const name = (title || widget.row.type).replace(/[^\p{L}\p{N}_-]+/gu, "-").slice(0, 60) || "widget";
  const exportAs = async (format: "csv" | "png" | "svg") => {
    const e = exports();
    if (format === "csv") {
      const data = e?.data();
      if (data) download(new Blob([toCsv(data.table)], { type: "text/csv" }), `${name}.csv`);
      return;
    }
    const chart = e?.chart();
    if (!chart) return;
    download(await (format === "png" ? chart.png() : chart.svg()), `${name}.${format}`);
  };
  return (
    <span className="widget-actions">
      {isQueried(widget) ? (
        <details className="widget-export">
          <summary className="icon-button" aria-label={t("insights.export", { name: title })}>
            <Icon name="external" size={14} />
          </summary>
          <div className="widget-export-menu">
            <button type="button" onClick={() => void exportAs("csv")}>
              CSV
            </button>
            {isChart(widget) ? (
              <>
                <button type="button" onClick={() => void exportAs("png")}>
                  PNG
                </button>
                <button type="button" onClick={() => void exportAs("svg")}>
                  SVG
                </button>
              </>
            ) : null}
          </div>
        </details>
      ) : null}
      <button type="button" className="icon-button" aria-label={t("insights.editNamed", { name: title })} data-testid={`widget-edit-${widget.row.id}`} onClick={onEdit} disabled={readOnly !== null} title={readOnly ?? undefined}>
        <Icon name="edit" size={14} />
      </button>
      <button type="button" className="icon-button danger" aria-label={t("insights.deleteNamed", { name: title })} data-testid={`widget-delete-${widget.row.id}`} onClick={onDelete} disabled={readOnly !== null} title={readOnly ?? undefined}>
        <Icon name="trash" size={14} />
      </button>
    </span>
  );
}

function Grid({ dashboard, presenting, reveal, onRevealed, readOnly }: { dashboard: DashboardView; presenting: boolean; reveal: string | null; onRevealed: () => void; readOnly: string | null }) {
  const { t } = useTranslation();
  // A widget just added lands at the end of the dashboard: it is scrolled into view (and so
  // drawn) once the dashboard read back has it.
  useEffect(() => {
    if (!reveal || !dashboard.widgets.some((w) => w.row.id === reveal)) return;
    // (scrollIntoView is optional: jsdom has none.)
    document.querySelector(`[data-testid="insights-widget-${reveal}"]`)?.scrollIntoView?.({ block: "nearest" });
    onRevealed();
  }, [reveal, dashboard.widgets, onRevealed]);
  const [editing, setEditing] = useState<Widget | null>(null);
  const [deleting, setDeleting] = useState<Widget | null>(null);
  const exports = useRef(new Map<string, WidgetExports>());
  const save = useInsightsMutation((places: WidgetPlace[]) => api.insightsWidgetPositionsSave(dashboard.row.id, places), { scope: { id: `insights-layout-${dashboard.row.id}` } });
  const remove = useInsightsMutation((id: string) => api.insightsWidgetDelete(id));

  if (dashboard.widgets.length === 0) return <p className="insights-empty">{t("insights.emptyDashboard")}</p>;
  return (
    <div className="insights-grid">
      <WidgetGrid
        items={dashboard.widgets}
        idOf={(w) => w.row.id}
        placeOf={(w) => ({ x: Number(w.position.x), y: Number(w.position.y), w: Number(w.position.w), h: Number(w.position.h) })}
        titleOf={(w) => titleOf(w, t)}
        spec={GRID}
        editable={!presenting && readOnly === null}
        moveLabel={(name) => t("insights.move", { name })}
        moveHint={t("insights.moveHint")}
        movedText={(name, p) => t("insights.moved", { name, ...p })}
        onSave={(changed) => save.mutate(changed.map(({ id, ...position }) => ({ id, position })))}
        renderItem={(w, handle) => {
          const title = titleOf(w, t);
          return (
            <div key={w.row.id} className={`insights-widget widget-${w.row.type}`} data-testid={`insights-widget-${w.row.id}`} data-type={w.row.type}>
              <section className="insights-widget-frame" aria-label={title}>
                <header className="insights-widget-head">
                  {handle}
                  {presenting ? null : <WidgetMenu widget={w} title={title} readOnly={readOnly} exports={() => exports.current.get(w.row.id) ?? null} onEdit={() => setEditing(w)} onDelete={() => setDeleting(w)} />}
                </header>
                <div className="insights-widget-body">
                  <WidgetBody
                    widget={w}
                    title={title}
                    drawWhenSeen
                    refreshMinutes={dashboard.layout.refresh_minutes === undefined ? undefined : Number(dashboard.layout.refresh_minutes)}
                    exportsRef={(e: WidgetExports | null) => {
                      if (e) exports.current.set(w.row.id, e);
                    }}
                  />
                </div>
              </section>
            </div>
          );
        }}
      />
      {editing ? <WidgetEditor dashboardId={dashboard.row.id} widget={editing} onClose={() => setEditing(null)} /> : null}
      {deleting ? (
        <ConfirmDialog
          title={t("insights.deleteWidgetTitle")}
          message={t("insights.deleteWidgetMessage", { name: titleOf(deleting, t) })}
          confirmLabel={t("common.delete")}
          testId="widget-delete-confirm"
          onCancel={() => setDeleting(null)}
          onConfirm={() => {
            remove.mutate(deleting.row.id);
            setDeleting(null);
          }}
        />
      ) : null}
    </div>
  );
}

function DashboardScreen({ dashboard, shared }: { dashboard: DashboardView; shared: SharedDashboard | null }) {
  const { t } = useTranslation();
  // Why I may not change it (null: I may): shared read only, or public.
  const readOnly = dashboard.access === "view" || dashboard.access === "public" ? t("insights.sharing.readOnlyReason") : null;
  // Copy, delete and history are the owner's.
  const ownerOnly = dashboard.access === "owner" ? null : t("insights.sharing.ownerOnlyReason");
  const qc = useQueryClient();
  const [dialog, setDialog] = useState<"rename" | "delete" | "add" | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  const [presenting, setPresenting] = useState(false);
  const screen = useRef<HTMLDivElement | null>(null);
  const update = useInsightsMutation((edit: Parameters<typeof api.dashboardUpdate>[1]) => api.dashboardUpdate(dashboard.row.id, edit), { meta: { inlineError: true } }, [["insights", "widget_data"]]);
  const duplicate = useInsightsMutation(() => api.dashboardDuplicate(dashboard.row.id, null));
  const remove = useInsightsMutation(() => api.dashboardDelete(dashboard.row.id));

  useEffect(() => {
    if (!presenting) return;
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key === "Escape") setPresenting(false);
    };
    const onFullscreen = () => {
      if (!document.fullscreenElement) setPresenting(false);
    };
    window.addEventListener("keydown", onKey);
    document.addEventListener("fullscreenchange", onFullscreen);
    void screen.current?.requestFullscreen?.().catch(() => {});
    return () => {
      window.removeEventListener("keydown", onKey);
      document.removeEventListener("fullscreenchange", onFullscreen);
      if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
    };
  }, [presenting]);

  const stored = dashboard.layout.range;
  const [custom, setCustom] = useState(stored.preset === "custom");
  const [from, setFrom] = useState(stored.from ?? "");
  const [to, setTo] = useState(stored.to ?? "");
  const onRange = (preset: RangePreset) => {
    if (preset === "custom") {
      setCustom(true);
      return;
    }
    setCustom(false);
    update.mutate({ layout: { ...dashboard.layout, range: { preset } } });
  };
  const applyCustom = (e: FormEvent) => {
    e.preventDefault();
    update.mutate({ layout: { ...dashboard.layout, range: { preset: "custom", from, to } } });
  };

  return (
    <div ref={screen} className={`dashboard-screen${presenting ? " presenting" : ""}`} data-testid="dashboard-screen">
      <header className="dashboard-head">
        <div className="dashboard-titles">
          <h2 data-testid="dashboard-title">{dashboard.row.name}</h2>
          {dashboard.row.description ? <p className="dashboard-description">{dashboard.row.description}</p> : null}
          {dashboard.access !== "owner" ? (
            <p className="dashboard-shared" data-testid="dashboard-shared">
              {shared ? <span>{ownerText(t, shared)}</span> : null}
              <span className={`sharing-badge ${dashboard.access === "edit" ? "edit" : "read"}`}>{t(dashboard.access === "edit" ? "insights.sharing.canEdit" : dashboard.access === "view" ? "insights.sharing.viewOnly" : "insights.sharing.public")}</span>
              {readOnly ? (
                <span id="dashboard-read-only" className="hint" data-testid="dashboard-read-only">
                  {readOnly}
                </span>
              ) : null}
            </p>
          ) : null}
        </div>
        <div className="dashboard-tools">
          <label className="dashboard-range">
            <span className="sr-only">{t("insights.range")}</span>
            <select data-testid="dashboard-range" value={custom ? "custom" : dashboard.layout.range.preset} onChange={(e) => onRange(e.target.value as RangePreset)} disabled={readOnly !== null} title={readOnly ?? undefined}>
              {RANGES.map((r) => (
                <option key={r} value={r}>
                  {t(`insights.ranges.${r}`)}
                </option>
              ))}
            </select>
          </label>
          {custom ? (
            <form className="dashboard-custom-range" onSubmit={applyCustom}>
              <label>
                <span className="sr-only">{t("insights.from")}</span>
                <input type="date" data-testid="dashboard-range-from" value={from} onChange={(e) => setFrom(e.target.value)} required />
              </label>
              <span aria-hidden="true">–</span>
              <label>
                <span className="sr-only">{t("insights.to")}</span>
                <input type="date" data-testid="dashboard-range-to" value={to} onChange={(e) => setTo(e.target.value)} required />
              </label>
              <button type="submit" className="button subtle" data-testid="dashboard-range-apply">
                {t("insights.apply")}
              </button>
            </form>
          ) : null}
          <button type="button" className="button subtle" data-testid="dashboard-refresh" onClick={() => void qc.invalidateQueries({ queryKey: ["insights", "widget_data"] })}>
            {t("insights.refresh")}
          </button>
          <button type="button" className="button subtle" data-testid="dashboard-present" onClick={() => setPresenting(!presenting)} aria-pressed={presenting}>
            <Icon name={presenting ? "shrink" : "expand"} size={14} /> {presenting ? t("insights.stopPresenting") : t("insights.present")}
          </button>
          {presenting ? null : (
            <>
              <button type="button" className="button primary" data-testid="widget-add" onClick={() => setDialog("add")} disabled={readOnly !== null} title={readOnly ?? undefined} aria-describedby={readOnly ? "dashboard-read-only" : undefined}>
                <Icon name="plus" size={14} /> {t("insights.addWidget")}
              </button>
              <button type="button" className="icon-button" aria-label={t("insights.renameDashboard")} data-testid="dashboard-rename" onClick={() => setDialog("rename")} disabled={readOnly !== null} title={readOnly ?? undefined}>
                <Icon name="edit" size={16} />
              </button>
              <button type="button" className="button ghost" data-testid="dashboard-duplicate" onClick={() => duplicate.mutate(undefined)} disabled={ownerOnly !== null} title={ownerOnly ?? undefined}>
                {t("insights.duplicate")}
              </button>
              <HistoryButton entityId={dashboard.row.id} name={dashboard.row.name} />
              <button type="button" className="icon-button danger" aria-label={t("insights.deleteDashboard")} data-testid="dashboard-delete" onClick={() => setDialog("delete")} disabled={ownerOnly !== null} title={ownerOnly ?? undefined}>
                <Icon name="trash" size={16} />
              </button>
            </>
          )}
        </div>
      </header>
      {update.error && dialog === null ? (
        <p role="alert" className="field-error">
          {errorText(t, update.error)}
        </p>
      ) : null}
      <Grid dashboard={dashboard} presenting={presenting} reveal={added} onRevealed={() => setAdded(null)} readOnly={readOnly} />
      {dialog === "add" ? <WidgetEditor dashboardId={dashboard.row.id} onClose={() => setDialog(null)} onSaved={(w) => setAdded(w.row.id)} /> : null}
      {dialog === "rename" ? (
        <NameDialog
          title={t("insights.renameDashboard")}
          initial={{ name: dashboard.row.name, description: dashboard.row.description ?? "" }}
          error={update.error ? errorText(t, update.error) : undefined}
          onClose={() => setDialog(null)}
          onSave={(name, description) => update.mutate({ name, description }, { onSuccess: () => setDialog(null) })}
        />
      ) : null}
      {dialog === "delete" ? (
        <ConfirmDialog
          title={t("insights.deleteDashboard")}
          message={t("insights.deleteDashboardMessage", { name: dashboard.row.name, count: dashboard.widgets.length })}
          confirmLabel={t("common.delete")}
          testId="dashboard-delete-confirm"
          onCancel={() => setDialog(null)}
          onConfirm={() => {
            remove.mutate(undefined);
            setDialog(null);
          }}
        />
      ) : null}
    </div>
  );
}

/** The side panels of the page, in the order of their buttons. */
const PANELS = ["sources", "models", "alerts", "reports", "sharing"] as const;
type Panel = (typeof PANELS)[number];

export function InsightsPage({ headingRef }: { headingRef: Ref<HTMLHeadingElement> }) {
  const { t } = useTranslation();
  // Sources refreshed on their schedule in the background: their widgets and list refetch.
  useSourceEvents();
  const dashboards = useDashboards();
  const [openId, setOpenId] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  // One side panel at a time, in place of the dashboards; closing it puts the focus back on
  // the button that opened it.
  const [panel, setPanel] = useState<Panel | null>(null);
  const panelButtons = useRef<Partial<Record<Panel, HTMLButtonElement | null>>>({});
  const closePanel = () => {
    const was = panel;
    setPanel(null);
    if (was) panelButtons.current[was]?.focus();
  };
  const create = useInsightsMutation((edit: { name: string; description: string }) => api.dashboardCreate(edit), {
    meta: { inlineError: true },
    onSuccess: (d) => {
      setOpenId(d.row.id);
      setCreating(false);
    },
  });
  const list = dashboards.data ?? [];
  const sharedWithMe = useShareList().data?.with_me ?? [];
  const sharedOpen = sharedWithMe.find((d) => d.dashboard_id === openId) ?? null;
  const current = openId && (list.some((d) => d.row.id === openId) || sharedOpen) ? openId : (list[0]?.row.id ?? null);
  const dashboard = useDashboard(current);

  return (
    <div className="page insights-page" data-testid="page-insights">
      <header className="page-header">
        <h1 ref={headingRef} tabIndex={-1}>
          {t("nav.insights")}
        </h1>
        <span className="insights-head-actions">
          {PANELS.map((p) => (
            <button
              key={p}
              ref={(el) => {
                panelButtons.current[p] = el;
              }}
              type="button"
              className="button subtle"
              data-testid={`${p}-open`}
              aria-pressed={panel === p}
              onClick={() => setPanel(panel === p ? null : p)}
            >
              {t(`insights.${p}.open`)}
            </button>
          ))}
          {panel ? null : (
            <button type="button" className="button subtle" data-testid="dashboard-new" onClick={() => setCreating(true)}>
              <Icon name="plus" size={14} /> {t("insights.newDashboard")}
            </button>
          )}
        </span>
      </header>
      {panel === "models" ? <ModelBuilder onClose={closePanel} /> : null}
      {panel === "alerts" ? <Alerts onClose={closePanel} /> : null}
      {panel === "reports" ? <Reports onClose={closePanel} /> : null}
      {panel === "sharing" ? (
        <Sharing
          dashboards={list}
          onClose={closePanel}
          onOpen={(id) => {
            setOpenId(id);
            setPanel(null);
          }}
        />
      ) : null}
      {panel === "sources" ? <DataSources onClose={closePanel} /> : null}
      {dashboards.isPending ? <Loading /> : null}
      {dashboards.isError ? <LoadError error={dashboards.error} onRetry={() => void dashboards.refetch()} /> : null}
      <div className="insights-body" hidden={panel !== null}>
        {list.length > 0 || sharedWithMe.length > 0 ? (
          <div className="dashboard-lists">
            {list.length > 0 ? <DashboardList dashboards={list} openId={current} onOpen={setOpenId} /> : null}
            <SharedList shared={sharedWithMe} openId={current} onOpen={setOpenId} />
          </div>
        ) : null}
        <div className="insights-main">
          {dashboards.isSuccess && list.length === 0 ? <p className="insights-empty">{t("insights.noDashboards")}</p> : null}
          {dashboard.isError ? <LoadError error={dashboard.error} onRetry={() => void dashboard.refetch()} /> : null}
          {dashboard.data ? <DashboardScreen key={dashboard.data.row.id} dashboard={dashboard.data} shared={sharedOpen} /> : null}
        </div>
      </div>
      {creating ? (
        <NameDialog
          title={t("insights.newDashboard")}
          initial={{ name: "", description: "" }}
          error={create.error ? errorText(t, create.error) : undefined}
          onClose={() => setCreating(false)}
          onSave={(name, description) => create.mutate({ name, description })}
        />
      ) : null}
    </div>
  );
}

