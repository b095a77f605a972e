// A table widget: sortable by any column (click or Enter on its header), paged (50 rows a
// page), numbers right-aligned in the user's locale, "Copy as CSV" to the clipboard.
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Cell } from "../api/bindings/Cell";
import type { Table } from "../api/bindings/Table";
import { cellText, toCsv } from "./series";
import "./DataTable.css";

const PAGE = 50;

function compare(a: Cell, b: Cell): number {
  if (a === null) return b === null ? 0 : 1;
  if (b === null) return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b));
}

export function DataTable({ table, label, format }: { table: Table; label: string; format: (n: number) => string }) {
  const { t } = useTranslation();
  const [sort, setSort] = useState<{ column: number; descending: boolean } | null>(null);
  const [page, setPage] = useState(0);
  const [copied, setCopied] = useState(false);
  const rows = useMemo(() => {
    if (!sort) return table.rows;
    const sorted = [...table.rows].sort((x, y) => compare(x[sort.column] ?? null, y[sort.column] ?? null));
    return sort.descending ? sorted.reverse() : sorted;
  }, [table.rows, sort]);
  const pages = Math.max(1, Math.ceil(rows.length / PAGE));
  const shown = rows.slice(page * PAGE, page * PAGE + PAGE);
  const sortBy = (column: number) => {
    setSort((s) => (s?.column === column ? { column, descending: !s.descending } : { column, descending: false }));
    setPage(0);
  };
  const copy = async () => {
    await navigator.clipboard?.writeText(toCsv(table));
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  };
  const numeric = table.columns.map((c) => c.kind === "integer" || c.kind === "real");

  return (
    <div className="insights-table">
      <div className="insights-table-scroll" tabIndex={0} role="region" aria-label={label}>
        <table>
          <thead>
            <tr>
              {table.columns.map((c, i) => (
                <th key={`${c.name}-${i}`} scope="col" aria-sort={sort?.column === i ? (sort.descending ? "descending" : "ascending") : "none"} className={numeric[i] ? "num" : undefined}>
                  <button type="button" onClick={() => sortBy(i)}>
                    {c.name}
                    {sort?.column === i ? <span aria-hidden="true">{sort.descending ? " ▼" : " ▲"}</span> : null}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((r, ri) => (
              <tr key={page * PAGE + ri}>
                {r.map((cell, ci) => (
                  <td key={ci} className={numeric[ci] ? "num" : undefined}>
                    {typeof cell === "number" ? format(cell) : cellText(cell)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="insights-table-foot">
        <span>{t("insights.rows", { count: table.rows.length })}{table.truncated ? ` · ${t("insights.truncated")}` : ""}</span>
        {pages > 1 ? (
          <span className="insights-table-pages">
            <button type="button" className="ghost" disabled={page === 0} onClick={() => setPage(page - 1)} aria-label={t("insights.previousPage")}>
              ‹
            </button>
            <span>{t("insights.page", { page: page + 1, pages })}</span>
            <button type="button" className="ghost" disabled={page + 1 >= pages} onClick={() => setPage(page + 1)} aria-label={t("insights.nextPage")}>
              ›
            </button>
          </span>
        ) : null}
        <button type="button" className="ghost" onClick={() => void copy()}>
          {copied ? t("insights.copied") : t("insights.copyCsv")}
        </button>
      </div>
    </div>
  );
}
