// Adding a PostgreSQL database as a data source, or changing the connection of one: the
// server (host, port, database, user, password, TLS) and the SELECT whose rows become the
// source's table. The core connects off the IPC thread, keeps the password in the OS's
// secret store (never in Studydesk's database) and answers a refusal in words; the form
// keeps what was typed. When editing, the server's tables are listed beside the query and
// a click inserts a table's name at the caret.
import { useEffect, useId, useLayoutEffect, useRef, useState } from "react";
import type { FormEvent, KeyboardEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import type { ApiError } from "../api/client";
import type { DatabaseRequest } from "../api/bindings/DatabaseRequest";
import type { DatabaseView } from "../api/bindings/DatabaseView";
import type { DataSource } from "../api/bindings/DataSource";
import type { DataSourceType } from "../api/bindings/DataSourceType";
import type { RemoteTable } from "../api/bindings/RemoteTable";
import type { SecretStoreKind } from "../api/bindings/SecretStoreKind";
import type { TlsMode } from "../api/bindings/TlsMode";
import { insertAtCaret } from "../emoji/EmojiButton";
import { sourceChanges, useInsightsMutation } from "./queries";
import { Refusal } from "./Refusal";
import "./DatabaseForm.css";

const TLS_MODES: TlsMode[] = ["prefer", "require", "disable"];
const TLS_LABEL = { prefer: "tlsPrefer", require: "tlsRequire", disable: "tlsDisable" } as const;

/** A source being edited: its id and name and the connection the core keeps for it. */
export type DatabaseEdit = { id: string; name: string; view: DatabaseView };

/** An SQL name as PostgreSQL reads it: plain lower-case names as they are, others quoted. */
export const sqlName = (name: string) => (/^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`);

/** A table's name in a query: `schema.name`, each quoted when it needs to be. */
export const tableName = (t: RemoteTable) => `${sqlName(t.schema)}.${sqlName(t.name)}`;

/** Where the password goes ("the OS keychain", "Studydesk's encrypted file"): asked once. */
function usePasswordStore() {
  return useQuery<SecretStoreKind, ApiError>({ queryKey: ["insights", "password_store"], queryFn: () => api.sourcePasswordStore(), staleTime: Infinity });
}

function Tables({ tables, onPick }: { tables: RemoteTable[]; onPick: (name: string) => void }) {
  const { t } = useTranslation();
  const headingId = useId();
  return (
    <section className="database-tables" aria-labelledby={headingId} data-testid="source-db-tables">
      <h4 id={headingId} className="database-tables-title">
        {t("insights.sources.dbTables")}
      </h4>
      <p className="hint">{t("insights.sources.dbTablesHint")}</p>
      <ul>
        {tables.map((table) => {
          const name = tableName(table);
          return (
            <li key={`${table.schema}.${table.name}`}>
              <button type="button" className="database-table-name" aria-label={t("insights.sources.dbInsertTable", { table: name })} onClick={() => onPick(name)}>
                {name}
              </button>
              {table.columns.length > 0 ? <span className="database-table-columns">{table.columns.join(", ")}</span> : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export function DatabaseForm({ edit, onDone, onCancel }: { edit?: DatabaseEdit; onDone: (s: DataSource) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const view = edit?.view;
  const [name, setName] = useState("");
  const [engine, setEngine] = useState<DataSourceType>(view?.engine ?? "postgresql");
  const [host, setHost] = useState(view?.host ?? "");
  const [port, setPort] = useState(view ? String(view.port) : "");
  const [database, setDatabase] = useState(view?.database ?? "");
  const [user, setUser] = useState(view?.user ?? "");
  const [password, setPassword] = useState("");
  const [tls, setTls] = useState<TlsMode>(view?.tls ?? "prefer");
  const [query, setQuery] = useState(view?.query ?? "");
  const first = useRef<HTMLInputElement | null>(null);
  const queryRef = useRef<HTMLTextAreaElement | null>(null);
  const caret = useRef<number | null>(null);
  const store = usePasswordStore();
  useEffect(() => first.current?.focus(), []);
  // After a table's name is inserted, the caret goes after it in the query.
  useLayoutEffect(() => {
    if (caret.current === null || !queryRef.current) return;
    queryRef.current.focus();
    queryRef.current.setSelectionRange(caret.current, caret.current);
    caret.current = null;
  }, [query]);

  const save = useInsightsMutation(
    (request: DatabaseRequest) => (edit ? api.sourceEditDatabase(edit.id, request) : api.sourceAddDatabase(name.trim(), request)),
    { meta: { inlineError: true }, onSuccess: onDone },
    sourceChanges,
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (save.isPending) return;
    const request: DatabaseRequest = { engine, host: host.trim(), database: database.trim(), user: user.trim(), tls, query: query.trim() };
    // Blank: the engine's port; on an edit, a blank password keeps the saved one.
    if (port.trim() !== "") request.port = Number(port);
    if (password !== "") request.password = password;
    save.mutate(request);
  };
  const escape = (e: KeyboardEvent) => {
    if (e.key !== "Escape") return;
    e.stopPropagation();
    onCancel();
  };
  const insert = (table: string) => {
    const el = queryRef.current;
    const next = insertAtCaret(query, table, el?.selectionStart ?? null, el?.selectionEnd ?? null);
    caret.current = next.caret;
    setQuery(next.value);
  };

  const title = edit ? t("insights.sources.dbEditTitle", { name: edit.name }) : t("insights.sources.dbTitle");
  const tables = view?.tables ?? [];
  return (
    <form className="source-form database-form" onSubmit={submit} onKeyDown={escape} aria-label={title} data-testid="source-db-form">
      <h3 className="subheading">{title}</h3>
      {edit ? null : (
        <div className="database-form-row">
          <label className="field">
            <span>{t("insights.sources.name")}</span>
            <input ref={first} data-testid="source-db-name" value={name} maxLength={255} placeholder="database@host" autoComplete="off" onChange={(e) => setName(e.target.value)} />
          </label>
          {/* A source keeps its kind of server: the edit form does not offer to change it. */}
          <label className="field">
            <span>{t("insights.sources.dbEngine")}</span>
            <select data-testid="source-db-engine" value={engine} onChange={(e) => setEngine(e.target.value as DataSourceType)}>
              <option value="postgresql">PostgreSQL</option>
              <option value="mysql">{t("insights.sources.engineMysql")}</option>
            </select>
          </label>
        </div>
      )}
      <div className="database-form-row">
        <label className="field database-host">
          <span>{t("insights.sources.dbHost")}</span>
          <input ref={edit ? first : undefined} data-testid="source-db-host" value={host} required placeholder="localhost" autoComplete="off" spellCheck={false} onChange={(e) => setHost(e.target.value)} />
        </label>
        <label className="field database-port">
          <span>{t("insights.sources.dbPort")}</span>
          <input data-testid="source-db-port" type="number" inputMode="numeric" min={1} max={65535} step={1} value={port} placeholder={engine === "mysql" ? "3306" : "5432"} autoComplete="off" onChange={(e) => setPort(e.target.value)} />
        </label>
      </div>
      <div className="database-form-row">
        <label className="field">
          <span>{t("insights.sources.dbDatabase")}</span>
          <input data-testid="source-db-database" value={database} required autoComplete="off" spellCheck={false} onChange={(e) => setDatabase(e.target.value)} />
        </label>
        <label className="field">
          <span>{t("insights.sources.dbUser")}</span>
          <input data-testid="source-db-user" value={user} required autoComplete="off" spellCheck={false} onChange={(e) => setUser(e.target.value)} />
        </label>
      </div>
      <div className="database-form-row">
        <div className="database-field">
          <label className="field">
            <span>{t("insights.sources.dbPassword")}</span>
            <input
              data-testid="source-db-password"
              type="password"
              autoComplete="off"
              value={password}
              placeholder={view?.password_saved ? t("insights.sources.dbPasswordSaved") : undefined}
              aria-describedby={`${id}-password-hint`}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          <p id={`${id}-password-hint`} className="hint database-hint" data-testid="source-db-password-hint">
            {store.data === "keychain"
              ? t("insights.sources.dbPasswordHintKeychain")
              : store.data === "encrypted_file"
                ? t("insights.sources.dbPasswordHintEncryptedFile")
                : t("insights.sources.dbPasswordHintUnknown")}
          </p>
        </div>
        <div className="database-field">
          <label className="field">
            <span>{t("insights.sources.dbTls")}</span>
            <select data-testid="source-db-tls" value={tls} aria-describedby={`${id}-tls-hint`} onChange={(e) => setTls(e.target.value as TlsMode)}>
              {TLS_MODES.map((mode) => (
                <option key={mode} value={mode}>
                  {t(`insights.sources.${TLS_LABEL[mode]}`)}
                </option>
              ))}
            </select>
          </label>
          <p id={`${id}-tls-hint`} className="hint database-hint">
            {t(`insights.sources.${TLS_LABEL[tls]}Hint`)}
          </p>
        </div>
      </div>
      <div className={tables.length > 0 ? "database-query with-tables" : "database-query"}>
        <div className="database-field">
          <label className="field">
            <span>{t("insights.sources.dbQuery")}</span>
            <textarea
              ref={queryRef}
              data-testid="source-db-query"
              className="database-query-text"
              value={query}
              required
              rows={6}
              spellCheck={false}
              placeholder="SELECT student, score, taken_on FROM public.scores"
              aria-describedby={`${id}-query-hint`}
              onChange={(e) => setQuery(e.target.value)}
            />
          </label>
          <p id={`${id}-query-hint`} className="hint database-hint">
            {t("insights.sources.dbQueryHint")}
          </p>
        </div>
        {tables.length > 0 ? <Tables tables={tables} onPick={insert} /> : null}
      </div>
      <Refusal error={save.error} testId="source-db-error" />
      <div className="dialog-actions">
        <button type="button" className="button ghost" onClick={onCancel}>
          {t("common.cancel")}
        </button>
        <button type="submit" className="button primary" data-testid="source-db-submit" disabled={save.isPending} aria-busy={save.isPending || undefined}>
          {save.isPending ? t("insights.sources.dbConnecting") : edit ? t("insights.sources.dbSave") : t("insights.sources.dbAdd")}
        </button>
      </div>
    </form>
  );
}
