import { describe, expect, it } from "vitest";
import type { Table } from "../api/bindings/Table";
import { pieSlices, toCsv, toSeries } from "./series";

const table: Table = {
  columns: [
    { name: "day", kind: "date" },
    { name: "minutes", kind: "integer", unit: "minutes" },
    { name: "note", kind: "text" },
    { name: "sessions", kind: "integer", unit: "sessions" },
  ],
  rows: [
    ["2026-12-01", 30, "a, \"b\"", 1],
    ["2026-12-02", null, "=SUM(A1)", 0],
  ],
  truncated: false,
};

describe("toSeries", () => {
  it("draws every number column against the first when none is named", () => {
    const s = toSeries(table, undefined, []);
    expect(s).toEqual({
      x: ["2026-12-01", "2026-12-02"],
      y: [
        { name: "minutes", unit: "minutes", values: [30, null] },
        { name: "sessions", unit: "sessions", values: [1, 0] },
      ],
    });
  });
  it("draws only the columns the widget names", () => {
    const s = toSeries(table, "note", ["sessions"]);
    expect(s !== "no_numbers" && s.y.map((y) => y.name)).toEqual(["sessions"]);
    expect(s !== "no_numbers" && s.x).toEqual(["a, \"b\"", "=SUM(A1)"]);
  });
  it("says when there is nothing to plot", () => {
    expect(toSeries({ columns: [{ name: "t", kind: "text" }], rows: [["x"]], truncated: false }, undefined, [])).toBe("no_numbers");
  });
});

describe("pieSlices", () => {
  const series = { x: ["a", "b", "c", "d", "e"], y: [{ name: "minutes", unit: "minutes", values: [5, 50, 1, 20, null] }] };
  it("keeps the largest slices in their order and sums the rest into one", () => {
    expect(pieSlices(series, 3, "Other")).toEqual({ x: ["b", "d", "Other"], y: [{ name: "minutes", unit: "minutes", values: [50, 20, 6] }] });
  });
  it("leaves a pie that has few enough slices as it is", () => {
    expect(pieSlices(series, 5, "Other")).toBe(series);
  });
});

describe("toCsv", () => {
  it("quotes what needs quoting and defuses formulas", () => {
    expect(toCsv(table)).toBe('day,minutes,note,sessions\r\n2026-12-01,30,"a, ""b""",1\r\n2026-12-02,,\'=SUM(A1),0\r\n');
  });
});
