// From a query's table to what a chart draws: the x labels (the column the widget names,
// else the first) and one series per number column (the ones named, else every number
// column but x). Pure, so it is tested without a chart.
import type { Cell } from "../api/bindings/Cell";
import type { Column } from "../api/bindings/Column";
import type { Table } from "../api/bindings/Table";

export type Series = { name: string; unit?: string; values: (number | null)[] };
export type ChartSeries = { x: string[]; y: Series[] };

const isNumberColumn = (c: Column) => c.kind === "integer" || c.kind === "real";

export function cellText(cell: Cell): string {
  if (cell === null) return "";
  return typeof cell === "number" ? String(cell) : cell;
}

/** The chart's series, or a reason it cannot be drawn (`no_numbers`: nothing to plot). */
export function toSeries(table: Table, x: string | undefined, y: string[]): ChartSeries | "no_numbers" {
  const xIndex = Math.max(0, x ? table.columns.findIndex((c) => c.name === x) : 0);
  const named = y.map((name) => table.columns.findIndex((c) => c.name === name)).filter((i) => i >= 0);
  const yIndexes = named.length > 0 ? named : table.columns.map((c, i) => (i !== xIndex && isNumberColumn(c) ? i : -1)).filter((i) => i >= 0);
  if (yIndexes.length === 0) return "no_numbers";
  return {
    x: table.rows.map((r) => cellText(r[xIndex] ?? null)),
    y: yIndexes.map((i) => ({
      name: table.columns[i]?.name ?? "",
      unit: table.columns[i]?.unit,
      values: table.rows.map((r) => {
        const v = r[i];
        if (typeof v === "number") return v;
        if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
        return null;
      }),
    })),
  };
}

/** A pie's slices: the `max - 1` largest (by the first series) in their order, the rest
 *  summed into one slice named `other`. More slices than that are slivers no one can read,
 *  and each costs the chart a legend entry. */
export function pieSlices(series: ChartSeries, max: number, other: string): ChartSeries {
  const values = series.y[0]?.values ?? [];
  if (series.x.length <= max || !series.y[0]) return series;
  const order = series.x.map((_, i) => i).sort((a, b) => (values[b] ?? 0) - (values[a] ?? 0));
  const kept = new Set(order.slice(0, max - 1));
  const at = [...kept].sort((a, b) => a - b);
  const rest = order.slice(max - 1).reduce((sum, i) => sum + (values[i] ?? 0), 0);
  return {
    x: [...at.map((i) => series.x[i] ?? ""), other],
    y: [{ ...series.y[0], values: [...at.map((i) => values[i] ?? null), rest] }],
  };
}

/** RFC 4180 CSV of a table (a header row, CRLF line ends; fields with commas, quotes or
 *  line breaks quoted; cells that a spreadsheet would run as a formula prefixed with '). */
export function toCsv(table: Table): string {
  const field = (s: string) => {
    const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const lines = [table.columns.map((c) => field(c.name)).join(",")];
  for (const row of table.rows) lines.push(row.map((c) => field(cellText(c))).join(","));
  return lines.join("\r\n") + "\r\n";
}
