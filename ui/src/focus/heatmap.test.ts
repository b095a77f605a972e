import { describe, expect, it } from "vitest";
import { heatCells, levelOf, monthStarts } from "./heatmap";

describe("heatmap grid", () => {
  it("covers from..to in 53 Monday-first weeks, today in the last column", () => {
    const cells = heatCells([{ date: "2026-11-20", minutes: 30 }], "2025-11-23", "2026-11-22", 120);
    expect(cells).toHaveLength(365);
    expect(cells[0]).toMatchObject({ date: "2025-11-23", weekday: 6, week: 0 });
    // 2026-11-22 is a Sunday: bottom row of the last (53rd) column.
    expect(cells[cells.length - 1]).toMatchObject({ date: "2026-11-22", weekday: 6, week: 52 });
    expect(cells.find((c) => c.date === "2026-11-16")).toMatchObject({ weekday: 0, week: 52 });
    expect(cells.find((c) => c.date === "2026-11-20")).toMatchObject({ minutes: 30, level: 2 });
  });

  it("colours against the daily target", () => {
    expect(levelOf(0, 120)).toBe(0);
    expect(levelOf(10, 120)).toBe(1);
    expect(levelOf(30, 120)).toBe(2);
    expect(levelOf(90, 120)).toBe(3);
    expect(levelOf(120, 120)).toBe(4);
  });

  it("labels the months once each", () => {
    const cells = heatCells([], "2025-11-23", "2026-11-22", 120);
    const months = monthStarts(cells).map((m) => m.month);
    expect(months.slice(0, 3)).toEqual([12, 1, 2]);
    expect(new Set(months).size).toBe(months.length);
  });
});
