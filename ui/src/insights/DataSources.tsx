// Insights' data sources (issue 15): my imported CSV files, web APIs and PostgreSQL
// databases listed with their rows, typed columns, status and last import; a file imported
// (its name prefilled from the file's), previewed, its column kinds and header changed,
// re-imported, refreshed, renamed or deleted after a confirmation; a database's connection
// edited on the device that keeps it (its password is in that device's secret store); a web
// API or database refreshed automatically every 15 minutes to every day on the device that
// keeps its connection, its next refresh shown in the user's zone. Each
// source names the table SQL reads it from (`sources.<table>`). Refusals of the core are
// shown in words in the form that caused them; nothing is half-saved (the core refuses
// whole).
import { useEffect, useId, useRef, useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import type { ColumnKind } from "../api/bindings/ColumnKind";
import type { DataSource } from "../api/bindings/DataSource";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Icon } from "../components/Icon";
import { Loading, LoadError } from "../components/Status";
import { formatDateTime, formatTime, isoToWallTime, todayIn } from "../lib/dates";
import { usePrefs } from "../lib/prefs";
import { relativeTime } from "../lib/relativeTime";
import { DataTable } from "./DataTable";
import { DatabaseForm } from "./DatabaseForm";
import { Panel } from "./Panel";
import { Refusal } from "./Refusal";
import { RestForm } from "./RestForm";
import { useFormatNumber } from "./format";
import { insightsKeys, sourceChanges, useInsightsMutation, useSourcePreview, useSources } from "./queries";
import "./DataSources.css";

const KINDS: ColumnKind[] = ["integer", "real", "date", "timestamp", "text"];
/** The intervals a source refreshes itself at, in minutes (the core's `schedule::EVERY`). */
const EVERY = [15, 60, 360, 1440] as const;
const PREVIEW_ROWS = 20;
type Panel = "preview" | "columns" | "reimport" | "rename" | "connection" | null;

/** A file's name without its extension: the name a new source is given by default. */
export const nameFromFile = (fileName: string) => fileName.replace(/\.[^.]+$/, "").trim();

/** The query that reads a source in the SQL sandbox. */
export const selectAll = (table: string) => `SELECT * FROM sources.${table}`;

function useSourceMutation<TData, TVars>(fn: (vars: TVars) => Promise<TData>, onSuccess?: (data: TData) => void) {
  return useInsightsMutation(fn, { meta: { inlineError: true }, onSuccess }, sourceChanges);
}

function ImportForm({ onDone, onCancel }: { onDone: (s: DataSource) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState("");
  const [missing, setMissing] = useState(false);
  const autoName = useRef("");
  const add = useSourceMutation((v: { file: File; name: string }) => api.sourceAddCsv(v.file, v.name), onDone);
  const fileRef = useRef<HTMLInputElement | null>(null);
  useEffect(() => fileRef.current?.focus(), []);

  const pick = (f: File | null) => {
    setFile(f);
    setMissing(false);
    add.reset();
    // The name follows the file until the user types their own.
    if (f && (name === "" || name === autoName.current)) {
      autoName.current = nameFromFile(f.name);
      setName(autoName.current);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!file) {
      setMissing(true);
      fileRef.current?.focus();
      return;
    }
    add.mutate({ file, name: name.trim() });
  };
  return (
    <form className="source-form" onSubmit={submit} aria-label={t("insights.sources.importTitle")} data-testid="source-import-form">
      <h3 className="subheading">{t("insights.sources.importTitle")}</h3>
      <label className="field field-wide">
        <span>{t("insights.sources.file")}</span>
        <input ref={fileRef} type="file" accept=".csv,.tsv,.txt,text/csv,text/tab-separated-values,text/plain" data-testid="source-file" aria-invalid={missing || undefined} onChange={(e) => pick(e.target.files?.[0] ?? null)} />
      </label>
      <label className="field field-wide">
        <span>{t("insights.sources.name")}</span>
        <input data-testid="source-name" value={name} maxLength={255} placeholder={t("insights.sources.namePlaceholder")} onChange={(e) => setName(e.target.value)} />
      </label>
      <p className="hint">{t("insights.sources.importHint")}</p>
      {missing ? (
        <p role="alert" className="field-error">
          {t("insights.sources.chooseFile")}
        </p>
      ) : null}
      <Refusal error={add.error} />
      <div className="form-actions">
        <button type="button" className="button ghost" onClick={onCancel}>
          {t("common.cancel")}
        </button>
        <button type="submit" className="button primary" data-testid="source-import-submit" disabled={add.isPending}>
          {add.isPending ? t("insights.sources.importing") : t("insights.sources.import")}
        </button>
      </div>
    </form>
  );
}

function Preview({ source }: { source: DataSource }) {
  const { t } = useTranslation();
  const { format } = useFormatNumber();
  const preview = useSourcePreview(source.id, PREVIEW_ROWS, true);
  if (preview.isPending) return <Loading />;
  if (preview.isError) return <LoadError error={preview.error} onRetry={() => void preview.refetch()} />;
  if (preview.data.rows.length === 0) return <p className="hint">{t("insights.sources.previewEmpty")}</p>;
  return (
    <div className="source-preview" data-testid={`source-preview-table-${source.id}`}>
      <DataTable table={preview.data} label={t("insights.sources.previewLabel", { name: source.name })} format={(n) => format(n)} />
      {source.rows !== null && source.rows > preview.data.rows.length ? (
        <p className="hint">{t("insights.sources.previewOf", { shown: preview.data.rows.length, count: source.rows })}</p>
      ) : null}
    </div>
  );
}

function ColumnsForm({ source, onDone }: { source: DataSource; onDone: () => void }) {
  const { t } = useTranslation();
  const [kinds, setKinds] = useState<ColumnKind[]>(() => source.columns.map((c) => c.kind));
  const [header, setHeader] = useState(source.has_header ?? true);
  const apply = useSourceMutation((v: { kinds: ColumnKind[]; header: boolean }) => api.sourceSetColumns(source.id, v.kinds, v.header), onDone);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    apply.mutate({ kinds, header });
  };
  const changed = header !== (source.has_header ?? true) || kinds.some((k, i) => k !== source.columns[i]?.kind);
  return (
    <form className="source-form" onSubmit={submit} aria-label={t("insights.sources.editColumns")} data-testid={`source-columns-form-${source.id}`}>
      <div className="source-kinds">
        {source.columns.map((c, i) => (
          <label key={`${c.name}-${i}`} className="field">
            <span className="source-column-name">{c.name}</span>
            <select
              aria-label={t("insights.sources.kindOf", { name: c.name })}
              data-testid={`source-kind-${i}`}
              value={kinds[i] ?? c.kind}
              onChange={(e) => {
                const next = [...kinds];
                next[i] = e.target.value as ColumnKind;
                setKinds(next);
                apply.reset();
              }}
            >
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`insights.sources.kinds.${k}`)}
                </option>
              ))}
            </select>
          </label>
        ))}
      </div>
      <label className="check-label">
        <input type="checkbox" data-testid="source-has-header" checked={header} onChange={(e) => setHeader(e.target.checked)} />
        {t("insights.sources.hasHeader")}
      </label>
      <p className="hint">{t("insights.sources.columnsHint")}</p>
      <Refusal error={apply.error} />
      <div className="form-actions">
        <button type="submit" className="button primary" data-testid="source-columns-apply" disabled={apply.isPending || !changed}>
          {apply.isPending ? t("insights.sources.applying") : t("insights.sources.apply")}
        </button>
      </div>
    </form>
  );
}

function ReimportForm({ source, onDone }: { source: DataSource; onDone: () => void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const reimport = useSourceMutation((f: File) => api.sourceReimportCsv(f, source.id), onDone);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (file) reimport.mutate(file);
  };
  return (
    <form className="source-form" onSubmit={submit} aria-label={t("insights.sources.reimportTitle", { name: source.name })} data-testid={`source-reimport-form-${source.id}`}>
      <label className="field field-wide">
        <span>{t("insights.sources.reimportTitle", { name: source.name })}</span>
        <input
          type="file"
          accept=".csv,.tsv,.txt,text/csv,text/tab-separated-values,text/plain"
          data-testid={`source-reimport-file-${source.id}`}
          data-autofocus
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            reimport.reset();
          }}
        />
      </label>
      <p className="hint">{t("insights.sources.reimportHint")}</p>
      <Refusal error={reimport.error} />
      <div className="form-actions">
        <button type="submit" className="button primary" data-testid={`source-reimport-submit-${source.id}`} disabled={!file || reimport.isPending}>
          {reimport.isPending ? t("insights.sources.importing") : t("insights.sources.reimportSubmit")}
        </button>
      </div>
    </form>
  );
}

function RenameForm({ source, onDone }: { source: DataSource; onDone: () => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(source.name);
  const rename = useSourceMutation((n: string) => api.sourceRename(source.id, n), onDone);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    rename.mutate(name.trim());
  };
  return (
    <form className="source-form source-rename" onSubmit={submit} data-testid={`source-rename-form-${source.id}`}>
      <label className="field">
        <span>{t("insights.sources.renameLabel", { name: source.name })}</span>
        <input data-testid={`source-rename-name-${source.id}`} value={name} maxLength={255} onChange={(e) => setName(e.target.value)} />
      </label>
      <button type="submit" className="button primary" data-testid={`source-rename-save-${source.id}`} disabled={rename.isPending || name.trim() === ""}>
        {t("common.save")}
      </button>
      <Refusal error={rename.error} />
    </form>
  );
}

function SqlName({ table }: { table: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const query = selectAll(table);
  const copy = async () => {
    try {
      await navigator.clipboard?.writeText(query);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false);
    }
  };
  return (
    <p className="source-sql">
      <span className="source-label">{t("insights.sources.sqlTable")}</span>
      <code data-testid="source-sql">{query}</code>
      <button type="button" className="button small ghost" onClick={() => void copy()} aria-label={t("insights.sources.copySql", { query })}>
        {copied ? t("insights.sources.copied") : t("insights.sources.copy")}
      </button>
    </p>
  );
}

function LastImport({ iso }: { iso: string | null }) {
  const { t } = useTranslation();
  const { locale, timezone } = usePrefs();
  if (!iso) return <span>{t("insights.sources.neverImported")}</span>;
  const local = formatDateTime(iso, locale, timezone);
  return (
    <span>
      {t("insights.sources.lastImport")}{" "}
      <time dateTime={iso} title={local}>
        {relativeTime(iso, locale)}
      </time>{" "}
      <span className="source-local-time">({local})</span>
    </span>
  );
}

/** "Next refresh 14:30" today, with the date on another day, in the user's zone. */
function NextRefresh({ iso, testId }: { iso: string; testId: string }) {
  const { t } = useTranslation();
  const { locale, timezone } = usePrefs();
  const today = isoToWallTime(iso, timezone).slice(0, 10) === todayIn(timezone);
  const time = today ? formatTime(iso, locale, timezone) : formatDateTime(iso, locale, timezone);
  return (
    <span data-testid={testId}>
      {t("insights.sources.nextRefresh")} <time dateTime={iso}>{time}</time>
    </span>
  );
}

/** How often a source whose connection is here refreshes itself, and when it does next. */
function Schedule({ source, onSaved }: { source: DataSource; onSaved: (message: string) => void }) {
  const { t } = useTranslation();
  const hintId = useId();
  const stored = source.refresh_minutes === null ? "off" : String(source.refresh_minutes);
  // The choice shows at once; the stored value wins again when it changes or the save fails.
  const [choice, setChoice] = useState(stored);
  useEffect(() => setChoice(stored), [stored]);
  const every = (minutes: number | null) => (minutes === null ? t("insights.sources.scheduleOff") : t(`insights.sources.every${minutes}`));
  const save = useInsightsMutation((minutes: number | null) => api.sourceSetSchedule(source.id, minutes), {
    meta: { inlineError: true },
    onSuccess: (s) => onSaved(t("insights.sources.scheduleSaved", { name: s.name, every: every(s.refresh_minutes) })),
    onError: () => setChoice(stored),
  }, [insightsKeys.sources()]);
  return (
    <div className="source-schedule">
      <label>
        <span className="source-label">{t("insights.sources.scheduleLabel")}</span>
        <select
          data-testid={`source-schedule-${source.id}`}
          value={choice}
          aria-describedby={hintId}
          disabled={save.isPending}
          onChange={(e) => {
            setChoice(e.target.value);
            save.mutate(e.target.value === "off" ? null : Number(e.target.value));
          }}
        >
          <option value="off">{t("insights.sources.scheduleOff")}</option>
          {EVERY.map((m) => (
            <option key={m} value={String(m)}>
              {every(m)}
            </option>
          ))}
        </select>
      </label>
      {source.refresh_minutes !== null && source.next_refresh_at ? <NextRefresh iso={source.next_refresh_at} testId={`source-next-refresh-${source.id}`} /> : null}
      <span id={hintId} className="hint">
        {t("insights.sources.scheduleHint")}
      </span>
      <Refusal error={save.error} />
    </div>
  );
}

function SourceItem({ source, focusMe, onFocused, onDeleted }: { source: DataSource; focusMe: boolean; onFocused: () => void; onDeleted: (name: string) => void }) {
  const { t } = useTranslation();
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement | null>(null);
  const [panel, setPanel] = useState<Panel>(null);
  const [deleting, setDeleting] = useState(false);
  const [notice, setNotice] = useState("");
  const refresh = useSourceMutation(() => api.sourceRefresh(source.id), (s) => setNotice(t("insights.sources.refreshed", { name: s.name, count: s.rows ?? 0 })));
  const remove = useSourceMutation(() => api.sourceDelete(source.id), () => onDeleted(source.name));
  const csv = source.source_type === "csv";
  const database = source.source_type === "postgresql" || source.source_type === "mysql";
  // A database's connection (and its password) stays on the device that added it, and so
  // does a web API's request: only there can the source be read again.
  const connection = source.database;
  const refreshable = csv || connection !== null || source.connection_here;
  const editButton = useRef<HTMLButtonElement | null>(null);
  const closeConnection = (message: string) => {
    setPanel(null);
    setNotice(message);
    editButton.current?.focus();
  };

  useEffect(() => {
    if (!focusMe) return;
    heading.current?.focus();
    onFocused();
  }, [focusMe]);

  const toggle = (p: Panel) => setPanel((open) => (open === p ? null : p));
  const done = (message: string) => () => {
    setPanel(null);
    setNotice(message);
    heading.current?.focus();
  };
  const panelButton = (p: Exclude<Panel, null>, label: string, disabled = false) => (
    <button type="button" className="button small subtle" aria-expanded={panel === p} data-testid={`source-${p}-${source.id}`} disabled={disabled} onClick={() => toggle(p)}>
      {label}
    </button>
  );

  return (
    <li className={`source-item status-${source.status}`} data-testid={`source-${source.id}`}>
      <article aria-labelledby={headingId}>
        <header className="source-head">
          <h3 id={headingId} ref={heading} tabIndex={-1} className="source-name">
            {source.name}
          </h3>
          <span className={`source-status status-${source.status}`} data-testid={`source-status-${source.id}`}>
            {t(`insights.sources.status.${source.status}`)}
          </span>
        </header>
        <p className="source-facts">
          {source.file_name ? <span>{t("insights.sources.fileName", { name: source.file_name })}</span> : null}
          {connection ? <span data-testid={`source-db-where-${source.id}`}>{t("insights.sources.dbWhere", { database: connection.database, host: connection.host, port: connection.port })}</span> : null}
          {source.rows !== null ? <span>{t("insights.sources.rows", { count: source.rows })}</span> : null}
          <span>{t("insights.sources.columns", { count: source.columns.length })}</span>
          <LastImport iso={source.last_sync} />
        </p>
        {database && !connection ? (
          <p className="source-warning" data-testid={`source-not-here-${source.id}`}>
            {t("insights.sources.dbElsewhere")}
          </p>
        ) : null}
        {database && connection && !source.data_here ? (
          <p className="source-warning" data-testid={`source-not-here-${source.id}`}>
            {t("insights.sources.dbNotHere")}
          </p>
        ) : null}
        {!database && !source.data_here ? (
          <p className="source-warning" data-testid={`source-not-here-${source.id}`}>
            {t("insights.sources.notHere")}
          </p>
        ) : null}
        {source.status === "error" && source.error ? (
          <p className="source-error" data-testid={`source-error-${source.id}`}>
            {t("insights.sources.lastError", { reason: source.error })}
          </p>
        ) : null}
        {source.columns.length > 0 ? (
          <ul className="source-columns" aria-label={t("insights.sources.columnsOf", { name: source.name })}>
            {source.columns.map((c, i) => (
              <li key={`${c.name}-${i}`}>
                <span className="source-column-name">{c.name}</span> <span className="source-column-kind">{t(`insights.sources.kinds.${c.kind}`)}</span>
              </li>
            ))}
          </ul>
        ) : null}
        {source.table ? <SqlName table={source.table} /> : null}
        {source.connection_here ? <Schedule source={source} onSaved={setNotice} /> : null}
        {!csv && !source.connection_here && source.refresh_minutes !== null ? (
          <p className="source-facts" data-testid={`source-schedule-elsewhere-${source.id}`}>
            {t("insights.sources.scheduleElsewhere", { every: t(`insights.sources.every${source.refresh_minutes}`) })}
          </p>
        ) : null}
        <div className="source-actions" role="group" aria-label={t("insights.sources.actionsFor", { name: source.name })}>
          {panelButton("preview", t("insights.sources.preview"), !source.data_here)}
          {csv ? panelButton("columns", t("insights.sources.editColumns"), !source.data_here || source.columns.length === 0) : null}
          {csv ? panelButton("reimport", t("insights.sources.reimport")) : null}
          {connection ? (
            <button ref={editButton} type="button" className="button small subtle" aria-expanded={panel === "connection"} data-testid={`source-connection-${source.id}`} onClick={() => toggle("connection")}>
              {t("insights.sources.dbEdit")}
            </button>
          ) : null}
          {refreshable ? (
            <button type="button" className="button small subtle" data-testid={`source-refresh-${source.id}`} disabled={(csv && !source.data_here) || refresh.isPending} onClick={() => refresh.mutate(undefined)}>
              {refresh.isPending ? t("insights.sources.refreshing") : t("insights.sources.refresh")}
            </button>
          ) : null}
          {panelButton("rename", t("insights.sources.rename"))}
          <button type="button" className="button small danger-text" data-testid={`source-delete-${source.id}`} onClick={() => setDeleting(true)}>
            <Icon name="trash" size={14} /> {t("common.delete")}
          </button>
        </div>
        <p className="save-note source-notice" aria-live="polite">
          {notice}
        </p>
        <Refusal error={refresh.error ?? remove.error} />
        {panel === "preview" ? <Preview source={source} /> : null}
        {panel === "columns" ? <ColumnsForm source={source} onDone={done(t("insights.sources.columnsApplied"))} /> : null}
        {panel === "reimport" ? <ReimportForm source={source} onDone={done(t("insights.sources.reimported"))} /> : null}
        {panel === "rename" ? <RenameForm source={source} onDone={done(t("insights.sources.renamed"))} /> : null}
        {panel === "connection" && connection ? (
          <DatabaseForm
            edit={{ id: source.id, name: source.name, view: connection }}
            onCancel={() => closeConnection("")}
            onDone={(s) => closeConnection(t("insights.sources.dbSaved", { name: s.name, count: s.rows ?? 0 }))}
          />
        ) : null}
      </article>
      {deleting ? (
        <ConfirmDialog
          title={t("insights.sources.deleteTitle")}
          message={t("insights.sources.deleteMessage", { name: source.name })}
          confirmLabel={t("common.delete")}
          testId="source-delete-confirm"
          onCancel={() => setDeleting(false)}
          onConfirm={() => {
            remove.mutate(undefined);
            setDeleting(false);
          }}
        />
      ) : null}
    </li>
  );
}

/** The data sources view of the Insights page; `onClose` goes back to the dashboards. */
export function DataSources({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const sources = useSources();
  const [importing, setImporting] = useState(false);
  const [addingRest, setAddingRest] = useState(false);
  const restButton = useRef<HTMLButtonElement | null>(null);
  const [addingDb, setAddingDb] = useState(false);
  const dbButton = useRef<HTMLButtonElement | null>(null);
  const [focusId, setFocusId] = useState<string | null>(null);
  const [notice, setNotice] = useState("");
  const heading = useRef<HTMLHeadingElement | null>(null);
  const importButton = useRef<HTMLButtonElement | null>(null);

  const list = sources.data ?? [];
  const tools = (
    <>
      <button ref={importButton} type="button" className="button primary" data-testid="source-import" aria-expanded={importing} onClick={() => setImporting(!importing)}>
        <Icon name="plus" size={14} /> {t("insights.sources.importCsv")}
      </button>
      <button ref={restButton} type="button" className="button subtle" data-testid="source-rest" aria-expanded={addingRest} onClick={() => setAddingRest(!addingRest)}>
        <Icon name="plus" size={14} /> {t("insights.sources.restOpen")}
      </button>
      <button ref={dbButton} type="button" className="button subtle" data-testid="source-db" aria-expanded={addingDb} onClick={() => setAddingDb(!addingDb)}>
        <Icon name="plus" size={14} /> {t("insights.sources.dbOpen")}
      </button>
      <button type="button" className="button ghost" data-testid="sources-close" onClick={onClose}>
        {t("insights.sources.back")}
      </button>
    </>
  );
  return (
    <Panel title={t("insights.sources.title")} hint={t("insights.sources.intro")} headingRef={heading} testId="data-sources" tools={tools}>
      {importing ? (
        <ImportForm
          onCancel={() => {
            setImporting(false);
            importButton.current?.focus();
          }}
          onDone={(s) => {
            setImporting(false);
            setNotice(t("insights.sources.imported", { name: s.name, count: s.rows ?? 0 }));
            setFocusId(s.id);
          }}
        />
      ) : null}
      {addingRest ? (
        <RestForm
          onCancel={() => {
            setAddingRest(false);
            restButton.current?.focus();
          }}
          onDone={(s) => {
            setAddingRest(false);
            setNotice(t("insights.sources.imported", { name: s.name, count: s.rows ?? 0 }));
            setFocusId(s.id);
          }}
        />
      ) : null}
      {addingDb ? (
        <DatabaseForm
          onCancel={() => {
            setAddingDb(false);
            dbButton.current?.focus();
          }}
          onDone={(s) => {
            setAddingDb(false);
            setNotice(t("insights.sources.imported", { name: s.name, count: s.rows ?? 0 }));
            setFocusId(s.id);
          }}
        />
      ) : null}
      <p className="save-note source-notice" aria-live="polite" data-testid="source-notice">
        {notice}
      </p>
      {sources.isPending ? <Loading /> : null}
      {sources.isError ? <LoadError error={sources.error} onRetry={() => void sources.refetch()} /> : null}
      {sources.isSuccess && list.length === 0 ? <p className="insights-empty">{t("insights.sources.none")}</p> : null}
      {list.length > 0 ? (
        <ul className="source-list">
          {list.map((s) => (
            <SourceItem
              key={s.id}
              source={s}
              focusMe={focusId === s.id}
              onFocused={() => setFocusId(null)}
              onDeleted={(name) => {
                setNotice(t("insights.sources.deleted", { name }));
                heading.current?.focus();
              }}
            />
          ))}
        </ul>
      ) : null}
    </Panel>
  );
}
