import { waitFor } from "@testing-library/react";
import { useImperativeHandle } from "react";
import type { Ref } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import type { DashboardView } from "../api/bindings/DashboardView";
import type { DashboardWidget } from "../api/bindings/DashboardWidget";
import * as fx from "../test/fixtures";
import { renderWithClient } from "../test/render";
import type { ChartHandle } from "./Chart";
import { PictureExport } from "./PictureExport";

vi.mock("../api/client", () => import("../test/clientMock"));
// ECharts needs a real canvas (the end-to-end test draws real ones): this chart's picture
// is a PNG signature and its label, so the test can tell which chart was saved.
vi.mock("./Chart", () => ({
  default: ({ label, handle }: { label: string; handle?: Ref<ChartHandle> }) => {
    useImperativeHandle(handle, () => ({
      png: async () => new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47]), label], { type: "image/png" }),
      svg: async () => new Blob([label]),
    }));
    return <div data-testid="chart-stub">{label}</div>;
  },
}));
const client = vi.mocked(api);

const stamp = "2026-11-22T01:00:00.000Z";
function widget(id: string, type: DashboardWidget["row"]["type"], title: string): DashboardWidget {
  const source: DashboardWidget["config"]["source"] = type === "text" ? { kind: "none" } : { kind: "metric", metric: "minutes_studied", grain: "day" };
  const config: DashboardWidget["config"] = { title, source, y: [], stacked: false, markdown: "hi" };
  return {
    row: { id, dashboard_id: "d1", data_source_id: null, type, config: { title }, query: null, position: { x: 0, y: 0, w: 4, h: 4 }, created_at: stamp, updated_at: stamp },
    config,
    position: { x: 0, y: 0, w: 4, h: 4 },
  };
}

const view: DashboardView = {
  row: { id: "d1", user_id: "u1", name: "My study", description: null, layout: {}, is_public: false, created_at: stamp, updated_at: stamp },
  access: "owner",
  layout: { order: 0, range: { preset: "last_30_days" } },
  widgets: [widget("w1", "line_chart", "Per day"), widget("w2", "text", "Notes"), widget("w3", "bar_chart", "Empty"), widget("w4", "pie_chart", "Broken"), widget("w5", "area_chart", "")],
};

const table = { columns: [{ name: "day", kind: "date" as const }, { name: "minutes", kind: "integer" as const, unit: "minutes" }], rows: [["2026-11-21", 30], ["2026-11-22", 45]], truncated: false };

describe("PictureExport", () => {
  beforeEach(() => {
    client.appState.mockResolvedValue(fx.appState());
    client.dashboardGet.mockResolvedValue(view);
    client.dashboardPictureSave.mockImplementation(async (bytes) => `${bytes.length}.png`);
    client.dashboardPictureFinish.mockResolvedValue(null);
    client.insightsWidgetData.mockImplementation(async (id) => {
      if (id === "w4") throw { kind: "validation", message: "The data source of this widget was deleted." };
      return { table: id === "w3" ? { ...table, rows: [] } : table, from: "2026-10-24", to: "2026-11-22" };
    });
  });

  it("saves each chart's picture in turn, skips text, and names the charts it could not draw", async () => {
    renderWithClient(<PictureExport dashboardId="d1" />);
    await waitFor(() => expect(client.dashboardPictureFinish).toHaveBeenCalledTimes(1), { timeout: 5000 });
    const saved = client.dashboardPictureSave.mock.calls.map(([bytes, id]) => [id, new TextDecoder().decode(bytes.slice(4))]);
    // The untitled area chart is drawn under its type's name.
    expect(saved).toEqual([
      ["w1", "Per day"],
      ["w5", "Area chart"],
    ]);
    expect(saved.every(([id]) => client.dashboardPictureSave.mock.calls.find((c) => c[1] === id)?.[0][0] === 0x89)).toBe(true);
    expect(client.dashboardPictureFinish).toHaveBeenCalledWith([
      { widget_id: "w3", message: "No data for this period." },
      { widget_id: "w4", message: "The data source of this widget was deleted." },
    ]);
  });

  it("a dashboard that cannot be read ends the run with the reason", async () => {
    client.dashboardGet.mockRejectedValue({ kind: "not_found", message: "no such dashboard", params: { kind: "not_found", entity: "dashboard" } });
    renderWithClient(<PictureExport dashboardId="gone" />);
    await waitFor(() => expect(client.dashboardPictureFinish).toHaveBeenCalledTimes(1), { timeout: 5000 });
    const failures = client.dashboardPictureFinish.mock.calls[0]?.[0] ?? [];
    expect(failures).toHaveLength(1);
    expect(failures[0]?.widget_id).toBe("gone");
    expect(client.dashboardPictureSave).not.toHaveBeenCalled();
  });
});
