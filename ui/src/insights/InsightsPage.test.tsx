import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import type { DashboardView } from "../api/bindings/DashboardView";
import type { DashboardWidget } from "../api/bindings/DashboardWidget";
import * as fx from "../test/fixtures";
import i18n from "../i18n";
import { renderWithClient } from "../test/render";
import { InsightsPage } from "./InsightsPage";

vi.mock("../api/client", () => import("../test/clientMock"));
// ECharts needs a real canvas: the chart is drawn in the end-to-end test.
vi.mock("./Chart", () => ({ default: ({ label, series }: { label: string; series: { x: string[] } }) => <div data-testid="chart-stub">{`${label}: ${series.x.join(" | ")}`}</div> }));
const client = vi.mocked(api);

const stamp = "2026-11-22T01:00:00.000Z";
function widget(id: string, type: DashboardWidget["row"]["type"], title: string, x: number, extra: Partial<DashboardWidget["config"]> = {}): DashboardWidget {
  const config = { title, source: type === "text" ? { kind: "none" as const } : { kind: "metric" as const, metric: "minutes_studied", grain: "day" }, y: [], stacked: false, ...extra };
  return {
    row: { id, dashboard_id: "d1", data_source_id: null, type, config, query: null, position: { x, y: 0, w: 4, h: 4 }, created_at: stamp, updated_at: stamp },
    config,
    position: { x, y: 0, w: 4, h: 4 },
  };
}

const view: DashboardView = {
  row: { id: "d1", user_id: "u1", name: "My study", description: null, layout: {}, is_public: false, created_at: stamp, updated_at: stamp },
  access: "owner",
  layout: { order: 0, range: { preset: "last_30_days" } },
  widgets: [
    widget("w1", "metric_card", "Minutes studied", 0),
    widget("w2", "table", "Per day", 4),
    widget("w3", "text", "Notes", 8, { markdown: "# Plan\n\nRevise **chapter 3**.\n\n<script>alert(1)</script>\n\n![map](https://example.com/x.png)" }),
  ],
};

describe("InsightsPage", () => {
  beforeEach(() => {
    client.appState.mockResolvedValue(fx.appState());
    client.dashboardsList.mockResolvedValue([{ row: view.row, layout: view.layout, widget_count: 3 }]);
    client.dashboardGet.mockResolvedValue(view);
    client.insightsMetricCatalog.mockResolvedValue([]);
    client.insightsWidgetData.mockImplementation(async (id) => {
      const table = { columns: [{ name: "day", kind: "date" as const }, { name: "minutes", kind: "integer" as const, unit: "minutes" }], rows: [["2026-11-21", 30], ["2026-11-22", 1234]], truncated: false };
      return id === "w1"
        ? { table, value: { value: 1264, previous: 632, change_percent: 100, sparkline: [30, 1234], sparkline_grain: "day", unit: "minutes" }, from: "2026-10-24", to: "2026-11-22" }
        : { table, from: "2026-10-24", to: "2026-11-22" };
    });
  });

  it("opens the first dashboard with its metric card, table and safe Markdown", async () => {
    renderWithClient(<InsightsPage headingRef={null} />);
    expect(await screen.findByTestId("dashboard-title")).toHaveTextContent("My study");
    expect(await screen.findByTestId("metric-card-value")).toHaveTextContent("1,264 minutes");
    expect(screen.getByText("+100% against 632 minutes before")).toBeInTheDocument();
    const table = within(screen.getByTestId("insights-widget-w2"));
    expect(await table.findByText("1,234")).toBeInTheDocument();
    expect(table.getByText("2 rows")).toBeInTheDocument();
    const notes = within(screen.getByTestId("insights-widget-w3"));
    expect(notes.getByRole("heading", { name: "Plan" })).toBeInTheDocument();
    expect(document.querySelector("script")).toBeNull();
    expect(notes.queryByRole("img")).toBeNull();
    expect(notes.getByText("map")).toBeInTheDocument();
    expect(client.insightsWidgetData).toHaveBeenCalledWith("w1", expect.any(Number));
  });

  it("draws a chart below the window only once it comes near, with its days' years when they differ", async () => {
    const chart = widget("w4", "bar_chart", "Minutes per day", 0);
    client.dashboardGet.mockResolvedValue({ ...view, widgets: [chart] });
    client.insightsWidgetData.mockResolvedValue({
      table: { columns: [{ name: "day", kind: "date" }, { name: "minutes", kind: "integer", unit: "minutes" }], rows: [["2025-12-31", 30], ["2026-01-01", 45]], truncated: false },
      from: "2025-12-31",
      to: "2026-01-01",
    });
    const observers: { callback: IntersectionObserverCallback; target?: Element }[] = [];
    vi.stubGlobal(
      "IntersectionObserver",
      class {
        entry: { callback: IntersectionObserverCallback; target?: Element };
        constructor(callback: IntersectionObserverCallback) {
          this.entry = { callback };
          observers.push(this.entry);
        }
        observe(target: Element) {
          this.entry.target = target;
        }
        disconnect() {}
      },
    );
    // The chart's box is far below the window.
    const rect = vi.spyOn(Element.prototype, "getBoundingClientRect").mockReturnValue({ top: 5000, bottom: 5300, left: 0, right: 400, width: 400, height: 300, x: 0, y: 5000, toJSON: () => ({}) });
    try {
      renderWithClient(<InsightsPage headingRef={null} />);
      const frame = within(await screen.findByTestId("insights-widget-w4"));
      await waitFor(() => expect(observers.some((o) => o.target)).toBe(true));
      expect(frame.queryByTestId("chart-stub")).toBeNull();
      const seen = observers.find((o) => o.target);
      act(() => seen?.callback([{ isIntersecting: true, target: seen.target } as unknown as IntersectionObserverEntry], {} as IntersectionObserver));
      expect(await frame.findByTestId("chart-stub")).toHaveTextContent("Minutes per day: Dec 31, 2025 | Jan 1, 2026");
    } finally {
      rect.mockRestore();
      vi.unstubAllGlobals();
    }
  });

  it("sorts a table by a column", async () => {
    renderWithClient(<InsightsPage headingRef={null} />);
    const table = within(await screen.findByTestId("insights-widget-w2"));
    await table.findByText("1,234");
    await userEvent.click(table.getByRole("button", { name: "minutes" }));
    await userEvent.click(table.getByRole("button", { name: /minutes/ }));
    const cells = table.getAllByRole("row").slice(1).map((r) => r.textContent);
    expect(cells).toEqual(["2026-11-221,234", "2026-11-2130"]);
    expect(table.getByRole("columnheader", { name: /minutes/ })).toHaveAttribute("aria-sort", "descending");
  });

  it("makes a dashboard and deletes one only after confirming", async () => {
    client.dashboardCreate.mockResolvedValue({ ...view, row: { ...view.row, id: "d2", name: "Exams" }, widgets: [] });
    client.dashboardDelete.mockResolvedValue(null);
    renderWithClient(<InsightsPage headingRef={null} />);
    await screen.findByTestId("dashboard-title");
    await userEvent.click(screen.getByTestId("dashboard-new"));
    await userEvent.type(screen.getByTestId("dashboard-name"), "Exams");
    await userEvent.click(screen.getByTestId("dashboard-name-save"));
    await waitFor(() => expect(client.dashboardCreate).toHaveBeenCalledWith({ name: "Exams", description: "" }));

    await userEvent.click(screen.getByTestId("dashboard-delete"));
    expect(screen.getByTestId("dashboard-delete-confirm")).toHaveTextContent("Delete “My study” and its 3 widgets?");
    expect(client.dashboardDelete).not.toHaveBeenCalled();
    await userEvent.click(screen.getByTestId("dashboard-delete-confirm-confirm"));
    await waitFor(() => expect(client.dashboardDelete).toHaveBeenCalledWith("d1"));
  });

  it("moves a widget with the arrow keys, saving only the widgets that moved, and not while presenting", async () => {
    client.insightsWidgetPositionsSave.mockResolvedValue(view.widgets);
    renderWithClient(<InsightsPage headingRef={null} />);
    const handle = within(await screen.findByTestId("insights-widget-w1")).getByRole("button", { name: "Move “Minutes studied”" });
    expect(handle).toHaveAccessibleDescription("Arrow keys move the widget one cell; Shift with arrow keys resizes it.");
    handle.focus();
    await userEvent.keyboard("{ArrowDown}");
    expect(client.insightsWidgetPositionsSave).toHaveBeenLastCalledWith("d1", [{ id: "w1", position: { x: 0, y: 1, w: 4, h: 4 } }]);
    expect(screen.getByText("“Minutes studied” at column 1, row 2, 4 wide and 4 tall")).toBeInTheDocument();

    await userEvent.click(screen.getByTestId("dashboard-present"));
    expect(within(screen.getByTestId("insights-widget-w1")).getByRole("button", { name: "Move “Minutes studied”" })).toBeDisabled();
    expect(screen.queryByTestId("widget-edit-w1")).toBeNull();
  });

  it("says in the widget when its data cannot be read, and the others still show", async () => {
    client.insightsWidgetData.mockImplementation(async (id) => {
      if (id === "w2") throw { kind: "validation", message: "the data source of this widget was deleted; edit the widget to choose another" };
      return { table: { columns: [], rows: [], truncated: false }, from: "2026-10-24", to: "2026-11-22" };
    });
    renderWithClient(<InsightsPage headingRef={null} />);
    const broken = within(await screen.findByTestId("insights-widget-w2"));
    expect(await broken.findByRole("alert")).toHaveTextContent("deleted");
    expect(within(screen.getByTestId("insights-widget-w1")).getByText("No data for this period.")).toBeInTheDocument();
  });

  describe("a dashboard shared with me", () => {
    const table = { columns: [{ name: "student", kind: "text" as const }, { name: "score", kind: "integer" as const }], rows: [["Ada", 92]], truncated: false };
    const share = (permission: "view" | "edit" | null) => ({
      by_me: [],
      with_me: [{ dashboard_id: "d9", name: "Team goals", description: null, owner_id: "u3", owner_username: "cleo", owner_display_name: "Cleo", permission, shared_at: permission ? stamp : null }],
    });
    const theirs = (access: DashboardView["access"]): DashboardView => ({
      ...view,
      row: { ...view.row, id: "d9", user_id: "u3", name: "Team goals" },
      access,
      widgets: [{ ...widget("w9", "table", "Scores", 0), row: { ...widget("w9", "table", "Scores", 0).row, dashboard_id: "d9" } }],
    });
    const openShared = async (access: DashboardView["access"], permission: "view" | "edit" | null) => {
      client.shareList.mockResolvedValue(share(permission));
      client.dashboardGet.mockImplementation(async (id) => (id === "d9" ? theirs(access) : view));
      client.insightsWidgetData.mockResolvedValue({ table, from: "2026-10-24", to: "2026-11-22", as_of: "2026-11-21T09:00:00.000Z" });
      renderWithClient(<InsightsPage headingRef={null} />);
      await userEvent.click(await screen.findByTestId("shared-dashboard-d9"));
      await waitFor(() => expect(screen.getByTestId("dashboard-title")).toHaveTextContent("Team goals"));
    };

    it("opens in the grid read only: its owner and rights, the owner's values as of when, every edit control disabled with the reason", async () => {
      await openShared("view", "view");
      expect(screen.getByTestId("shared-dashboard-d9")).toHaveTextContent("by Cleo · View only");
      expect(screen.getByTestId("dashboard-shared")).toHaveTextContent("by CleoView onlyView only: ask the owner for edit access to change it.");
      const frame = within(screen.getByTestId("insights-widget-w9"));
      expect(await frame.findByText("Ada")).toBeInTheDocument();
      expect(frame.getByTestId("widget-as-of")).toHaveTextContent(/^As of .+2026.+ \(the owner's result\)$/);
      const reason = "View only: ask the owner for edit access to change it.";
      for (const id of ["widget-add", "dashboard-rename", "dashboard-range", "widget-edit-w9", "widget-delete-w9"]) {
        expect(screen.getByTestId(id)).toBeDisabled();
        expect(screen.getByTestId(id)).toHaveAttribute("title", reason);
      }
      expect(screen.getByTestId("widget-add")).toHaveAccessibleDescription(reason);
      expect(frame.getByRole("button", { name: "Move “Scores”" })).toBeDisabled();
      expect(screen.getByTestId("dashboard-duplicate")).toBeDisabled();
      expect(screen.getByTestId("dashboard-delete")).toHaveAttribute("title", "Only the owner can copy or delete this dashboard.");
    });

    it("with edit rights, lets me add, edit and move widgets and rename it, but not copy or delete it", async () => {
      client.insightsWidgetPositionsSave.mockResolvedValue([]);
      await openShared("edit", "edit");
      expect(screen.getByTestId("dashboard-shared")).toHaveTextContent("by CleoCan edit");
      expect(screen.queryByTestId("dashboard-read-only")).toBeNull();
      for (const id of ["widget-add", "dashboard-rename", "dashboard-range", "widget-edit-w9", "widget-delete-w9"]) expect(screen.getByTestId(id)).toBeEnabled();
      const handle = within(screen.getByTestId("insights-widget-w9")).getByRole("button", { name: "Move “Scores”" });
      handle.focus();
      await userEvent.keyboard("{ArrowDown}");
      expect(client.insightsWidgetPositionsSave).toHaveBeenLastCalledWith("d9", [{ id: "w9", position: { x: 0, y: 1, w: 4, h: 4 } }]);
      expect(screen.getByTestId("dashboard-delete")).toBeDisabled();
    });

    it("says in Japanese who shared it and why it is read only", async () => {
      client.appState.mockResolvedValue({ ...fx.appState(), settings: { ...fx.appState().settings, preferred_locale: "ja" } });
      await i18n.changeLanguage("ja");
      try {
        await openShared("public", null);
        expect(screen.getByTestId("dashboard-shared")).toHaveTextContent("Cleo さん公開（閲覧のみ）閲覧のみです。変更するには所有者に編集権限を申請してください。");
        expect(await screen.findByTestId("widget-as-of")).toHaveTextContent(/時点（所有者の結果）$/);
        expect(screen.getByRole("heading", { name: "自分に共有" })).toBeInTheDocument();
      } finally {
        await i18n.changeLanguage("en");
      }
    });
  });
});
