// The History panel (issue 16 item 5), generic over what it shows: one item's changes
// (`entityId`: a task, event, assignment, dashboard, widget, post...) or the whole
// account's, with type and date filters. Each entry is worded from its fields (who, what,
// from which device) in the UI's language, with an Undo button; pages load on demand.
import { useState } from "react";
import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import * as api from "../api/client";
import type { ApiError } from "../api/client";
import type { HistoryEntry } from "../api/bindings/HistoryEntry";
import type { HistoryPage } from "../api/bindings/HistoryPage";
import type { UndoOutcome } from "../api/bindings/UndoOutcome";
import type { HistoryTable } from "../api/tables";
import type en from "../i18n/en";
import { useApiMutation } from "../api/queries";
import { errorText } from "../api/errorText";
import { Loading } from "../components/Status";
import { describeRrule } from "../lib/describeRule";
import { usePrefs } from "../lib/prefs";
import "./HistoryPanel.css";

/** The tables the type filter offers (any other still shows, unfiltered). */
export const HISTORY_TYPES = ["tasks", "assignments", "calendar_events", "dashboards", "widgets", "posts", "idle_sessions", "courses"] as const;

export const historyKeys = {
  all: () => ["history"] as const,
  item: (id: string) => ["history", "item", id] as const,
  account: (type: string, from: string, to: string) => ["history", "account", type, from, to] as const,
};

// Compile-time: every table whose changes history can show (generated from the core) has
// words, in English and, through the Messages type, in Japanese.
type Worded<K extends string, M extends Record<K, string>> = M;
export type EveryTableWorded = Worded<HistoryTable, typeof en.history.type>;

/** The type of a table's rows in words ("task"); the table name only for a table this
 * version does not know (a newer version's, seen through sync). */
export function typeWord(t: TFunction, table: string): string {
  return t(`history.type.${table}`, { defaultValue: table.replace(/_/g, " ") });
}

/** A field's value as the diff shows it; an event's repeat rule in words where it can be
 * said whole (lib/describeRule.ts), as stored otherwise. */
function valueText(v: unknown, field: string, said: (rrule: string) => string | null): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "string") return (field === "rrule" && said(v)) || v;
  return JSON.stringify(v);
}

/** "You changed description of task “Read”" in the UI's language. */
export function entryText(t: TFunction, e: HistoryEntry): string {
  const who = t(`history.actor.${e.actor}`);
  const what = e.label ? t("history.labelled", { type: typeWord(t, e.entity_type), label: e.label }) : typeWord(t, e.entity_type);
  const fields = e.fields.map((f) => f.field).join(", ");
  if (e.action === "sync.conflict") return t("history.conflictKept", { what, fields });
  return t(`history.op.${e.op}`, { who, what, fields });
}

/** "Undone: …" in the UI's language, made when shown (so a switch of language reaches it). */
export function undoneText(t: TFunction, outcome: UndoOutcome): string {
  const first = outcome.undone[0];
  return outcome.undone.length === 1 && first ? t("history.undoneOne", { what: entryText(t, first) }) : t("history.undoneMany", { count: outcome.undone.length });
}

function deviceText(t: TFunction, e: HistoryEntry): string {
  if (e.this_device) return t("history.thisDevice");
  if (e.device_id) return t("history.otherDevice", { device: e.device_id.slice(-6) });
  return t("history.unknownDevice");
}

export function HistoryPanel({ entityId, testId = "history-panel" }: { entityId?: string; testId?: string }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [type, setType] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [done, setDone] = useState<UndoOutcome | null>(null);
  const dayStart = (d: string) => (d ? new Date(`${d}T00:00:00`).toISOString() : null);
  const dayAfter = (d: string) => (d ? new Date(new Date(`${d}T00:00:00`).getTime() + 86_400_000).toISOString() : null);
  const pages = useInfiniteQuery<HistoryPage, ApiError>({
    queryKey: entityId ? historyKeys.item(entityId) : historyKeys.account(type, from, to),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      entityId
        ? api.historyItem(entityId, pageParam as string | null, 50)
        : api.historyAccount({ entity_type: type || null, from: dayStart(from), to: dayAfter(to), before: pageParam as string | null, limit: 50 }),
    getNextPageParam: (last) => last.next ?? undefined,
  });
  const undo = useApiMutation((id: string) => api.historyUndo(id), {
    onSuccess: (outcome) => {
      setDone(outcome);
      void qc.invalidateQueries();
    },
  });
  const entries = pages.data?.pages.flatMap((p) => p.entries) ?? [];
  const when = (at: string) => new Date(at).toLocaleString(i18n.language);
  const { timezone } = usePrefs();
  const said = (rrule: string) => {
    const words = describeRrule(rrule, t, i18n.language, timezone);
    return words.unsaid.length === 0 ? words.text : null;
  };

  return (
    <div className="history-panel" data-testid={testId}>
      {entityId ? null : (
        <div className="history-filters" role="group" aria-label={t("history.filters")}>
          <label>
            {t("history.filterType")}
            <select value={type} onChange={(e) => setType(e.target.value)} data-testid="history-type">
              <option value="">{t("history.allTypes")}</option>
              {HISTORY_TYPES.map((ty) => (
                <option key={ty} value={ty}>
                  {typeWord(t, ty)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("history.from")}
            <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="history-from" />
          </label>
          <label>
            {t("history.to")}
            <input type="date" value={to} onChange={(e) => setTo(e.target.value)} data-testid="history-to" />
          </label>
        </div>
      )}
      <p role="status" className="history-done">
        {done ? undoneText(t, done) : null}
      </p>
      {undo.isError ? (
        <p role="alert" className="field-error" data-testid="history-undo-error">
          {errorText(t, undo.error)}
        </p>
      ) : null}
      {pages.isPending ? <Loading /> : null}
      {pages.isError ? (
        <p role="alert" className="field-error">
          {errorText(t, pages.error)}
        </p>
      ) : null}
      {pages.data && entries.length === 0 ? <p className="muted">{t("history.empty")}</p> : null}
      <ol className="history-list plain-list">
        {entries.map((e) => (
          <li key={e.id} className="history-entry" data-testid="history-entry">
            <div className="history-line">
              <span className="history-text">{entryText(t, e)}</span>
              <button type="button" className="button small" onClick={() => undo.mutate(e.id)} disabled={undo.isPending} aria-label={t("history.undoLabel", { what: entryText(t, e) })}>
                {t("history.undo")}
              </button>
            </div>
            <p className="hint">
              {when(e.at)} · {deviceText(t, e)}
              {e.conflict ? ` · ${t("history.conflict")}` : ""}
            </p>
            {e.op === "update" && e.fields.length > 0 ? (
              <dl className="history-diff">
                {e.fields.map((f) => (
                  <div key={f.field}>
                    <dt>{f.field}</dt>
                    <dd>
                      <del>{valueText(f.old, f.field, said)}</del> → <ins>{valueText(f.new, f.field, said)}</ins>
                    </dd>
                  </div>
                ))}
              </dl>
            ) : null}
          </li>
        ))}
      </ol>
      {pages.hasNextPage ? (
        <button type="button" className="button ghost" onClick={() => void pages.fetchNextPage()} disabled={pages.isFetchingNextPage}>
          {t("history.more")}
        </button>
      ) : null}
    </div>
  );
}
