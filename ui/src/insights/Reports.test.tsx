import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import type { DashboardEntry } from "../api/bindings/DashboardEntry";
import type { DashboardView } from "../api/bindings/DashboardView";
import type { Report } from "../api/bindings/Report";
import i18n from "../i18n";
import * as fx from "../test/fixtures";
import { renderWithClient } from "../test/render";
import { InsightsPage } from "./InsightsPage";
import { Reports, fileName, recipientsOf, scheduleOf, shortPath } from "./Reports";

vi.mock("../api/client", () => import("../test/clientMock"));
vi.mock("./Chart", () => ({ default: ({ label }: { label: string }) => <div data-testid="chart-stub">{label}</div> }));
const client = vi.mocked(api);

const stamp = "2026-11-22T01:00:00.000Z";
function report(over: Partial<Report> = {}): Report {
  return {
    id: "r1",
    name: "Weekly study",
    dashboard_id: "d1",
    format: "pdf",
    schedule: { every: "weekly", days: ["mon", "thu"], time: "08:00" },
    output_dir: "/home/me/Reports",
    widget_ids: null,
    recipients: [],
    is_active: true,
    last_sent: stamp,
    next_run_at: "2026-11-23T23:00:00.000Z",
    last_output: "/home/me/Reports/Weekly-study-2026-11-22-1000.pdf",
    last_error: null,
    last_email: null,
    created_at: stamp,
    updated_at: stamp,
    ...over,
  };
}
const myStudy = { row: { id: "d1", name: "My study" }, layout: {}, widget_count: 8 } as unknown as DashboardEntry;

describe("Reports", () => {
  beforeEach(() => {
    client.appState.mockResolvedValue(fx.appState());
    client.reportList.mockResolvedValue([report()]);
    client.dashboardsList.mockResolvedValue([myStudy]);
  });
  afterEach(async () => {
    await i18n.changeLanguage("en");
  });

  it("lists each report with its format, schedule, folder, next run and last file; runs it now", async () => {
    renderWithClient(<Reports onClose={() => {}} />);
    const row = within(await screen.findByTestId("report-row"));
    expect(row.getByText("Weekly study")).toBeInTheDocument();
    expect(row.getByText("PDF · every Mon, Thu at 08:00")).toBeInTheDocument();
    expect(row.getByText("…/me/Reports")).toHaveAttribute("title", "Folder: /home/me/Reports");
    expect(row.getByTestId("report-next")).toHaveTextContent(/Next run: .*2026/);
    expect(row.getByTestId("report-last")).toHaveTextContent(/Last run: .*2026.* · Weekly-study-2026-11-22-1000\.pdf$/);
    expect(row.getByTestId("report-last")).not.toHaveTextContent("/home");
    client.reportRunNow.mockResolvedValue({ report_id: "r1", name: "Weekly study", file: "/home/me/Reports/Weekly-study-2026-11-22-1001.pdf", error: null });
    await userEvent.click(row.getByTestId("report-run"));
    expect(client.reportRunNow).toHaveBeenCalledWith("r1");
    expect(await row.findByTestId("report-run-done")).toHaveTextContent("Saved Weekly-study-2026-11-22-1001.pdf");
    client.reportSetActive.mockResolvedValue(report({ is_active: false, next_run_at: null }));
    await userEvent.click(row.getByTestId("report-active"));
    expect(client.reportSetActive).toHaveBeenCalledWith("r1", false);
  });

  it("shows why the last run failed and why run now failed, in words", async () => {
    client.reportList.mockResolvedValue([report({ last_error: "the report could not be written into the folder /mnt/usb (choose a folder you can write to): Permission denied" })]);
    client.reportRunNow.mockRejectedValue({ kind: "io", message: "the report could not be written into the folder /mnt/usb (choose a folder you can write to): Permission denied", params: null });
    renderWithClient(<Reports onClose={() => {}} />);
    const row = within(await screen.findByTestId("report-row"));
    expect(row.getByTestId("report-error")).toHaveTextContent("The last run failed: the report could not be written into the folder /mnt/usb");
    await userEvent.click(row.getByTestId("report-run"));
    expect(await row.findByTestId("report-run-error")).toBeInTheDocument();
  });

  it("creates a monthly report; the core's refusal of day 30 is shown beside the form", async () => {
    client.reportList.mockResolvedValue([]);
    client.reportCreate.mockRejectedValueOnce({ kind: "validation", message: "day 30 is not in every month (February has 28 or 29 days); choose a day from 1 to 28", params: null });
    client.reportCreate.mockResolvedValueOnce(report({ format: "excel", schedule: { every: "monthly", day: 1, time: "07:30" } }));
    renderWithClient(<Reports onClose={() => {}} />);
    await userEvent.click(await screen.findByTestId("report-new"));
    await userEvent.type(screen.getByTestId("report-name"), "Monthly");
    await waitFor(() => expect(within(screen.getByTestId("report-dashboard")).getAllByRole("option").map((o) => o.textContent)).toEqual(["My study"]));
    await userEvent.selectOptions(screen.getByTestId("report-format"), "excel");
    await userEvent.selectOptions(screen.getByTestId("report-every"), "monthly");
    await userEvent.clear(screen.getByTestId("report-day"));
    await userEvent.type(screen.getByTestId("report-day"), "30");
    await userEvent.type(screen.getByTestId("report-folder"), "/home/me/Reports");
    await userEvent.click(screen.getByTestId("report-save"));
    expect(await screen.findByTestId("report-form-error")).toHaveTextContent("day 30 is not in every month");
    expect(client.reportCreate).toHaveBeenCalledWith({ name: "Monthly", dashboard_id: "d1", format: "excel", schedule: { every: "monthly", day: 30, time: "08:00" }, output_dir: "/home/me/Reports", recipients: [], is_active: true });
    await userEvent.clear(screen.getByTestId("report-day"));
    await userEvent.type(screen.getByTestId("report-day"), "1");
    await userEvent.click(screen.getByTestId("report-save"));
    await waitFor(() => expect(screen.queryByTestId("report-form")).not.toBeInTheDocument());
    expect(scheduleOf({ name: "", dashboardId: "", widgets: null, format: "pdf", every: "weekly", days: ["fri"], day: "1", time: "09:00", folder: "", recipients: "", active: true })).toEqual({ every: "weekly", days: ["fri"], time: "09:00" });
  });

  it("reports every widget by default, or only the widgets ticked, in the dashboard's order", async () => {
    client.reportList.mockResolvedValue([]);
    const widget = (id: string, title: string) => ({ row: { id }, config: { title, source: { kind: "metric" } }, position: { x: 0, y: 0, w: 4, h: 4 } });
    client.dashboardGet.mockResolvedValue({ row: myStudy.row, layout: {}, widgets: [widget("w1", "Minutes per day"), widget("w2", "Tasks done"), widget("w3", "Streak")] } as unknown as DashboardView);
    client.reportCreate.mockResolvedValue(report());
    renderWithClient(<Reports onClose={() => {}} />);
    await userEvent.click(await screen.findByTestId("report-new"));
    await userEvent.type(screen.getByTestId("report-name"), "Two widgets");
    await userEvent.type(screen.getByTestId("report-folder"), "/home/me/Reports");
    expect(await screen.findByTestId("report-widgets-all")).toBeChecked();
    await userEvent.click(screen.getByTestId("report-widgets-chosen"));
    await userEvent.click(screen.getByTestId("report-widget-w2"));
    await userEvent.click(screen.getByTestId("report-widget-w2"));
    await userEvent.click(screen.getByTestId("report-widget-w1"));
    await userEvent.click(screen.getByTestId("report-save"));
    await waitFor(() => expect(client.reportCreate).toHaveBeenCalledWith(expect.objectContaining({ name: "Two widgets", widget_ids: ["w2", "w3"] })));
  });

  it("shortens a path to its last names", () => {
    expect(shortPath("/home/me/Documents/School/Reports")).toBe("…/School/Reports");
    expect(shortPath("C:\\Users\\me\\Reports\\week.pdf", 1)).toBe("…/week.pdf");
    expect(fileName("C:\\Users\\me\\Reports\\week.pdf")).toBe("week.pdf");
    expect(shortPath("/Reports")).toBe("/Reports");
  });

  it("e-mails each run to the recipients typed, and shows the last e-mail's state in words", async () => {
    client.reportList.mockResolvedValue([
      report({
        recipients: ["ann@example.com", "bo@example.org"],
        last_email: {
          id: "m1",
          source: "report:r1",
          recipients: ["ann@example.com", "bo@example.org"],
          subject: "Studydesk report: Weekly study",
          attachment_name: "Weekly-study.pdf",
          attachment_size: 2000,
          status: "pending",
          attempts: 1,
          next_attempt_at: "2026-11-22T03:35:00.000Z",
          last_error: "the mail server smtp.example.com:587 refused the user name or password (535)",
          last_error_kind: "auth",
          sent_at: null,
          created_at: stamp,
        },
      }),
    ]);
    client.reportUpdate.mockResolvedValue(report());
    renderWithClient(<Reports onClose={() => {}} />);
    const row = within(await screen.findByTestId("report-row"));
    expect(row.getByTestId("report-email")).toHaveTextContent("E-mail failed: The mail server refused the user name or password. Retrying at");
    await userEvent.click(row.getByTestId("report-edit"));
    const field = screen.getByTestId("report-recipients");
    expect(field).toHaveValue("ann@example.com, bo@example.org");
    await userEvent.type(field, "; cy@example.net");
    await userEvent.click(screen.getByTestId("report-save"));
    await waitFor(() => expect(client.reportUpdate).toHaveBeenCalled());
    expect(client.reportUpdate.mock.calls[0]?.[1].recipients).toEqual(["ann@example.com", "bo@example.org", "cy@example.net"]);
    expect(recipientsOf(" a@x.org,b@y.org  c@z.org;")).toEqual(["a@x.org", "b@y.org", "c@z.org"]);
  });

  it("deletes only after a confirmation", async () => {
    renderWithClient(<Reports onClose={() => {}} />);
    await userEvent.click(await screen.findByTestId("report-delete"));
    const dialog = within(screen.getByTestId("report-delete-confirm"));
    expect(dialog.getByText("“Weekly study” will no longer be made. Files already written stay.")).toBeInTheDocument();
    expect(client.reportDelete).not.toHaveBeenCalled();
    await userEvent.click(dialog.getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(client.reportDelete).toHaveBeenCalledWith("r1"));
  });

  it("opens from the Insights page with the keyboard, in Japanese", async () => {
    await i18n.changeLanguage("ja");
    client.dashboardsList.mockResolvedValue([]);
    renderWithClient(<InsightsPage headingRef={null} />);
    const open = await screen.findByTestId("reports-open");
    expect(open).toHaveTextContent("レポート");
    open.focus();
    await userEvent.keyboard("{Enter}");
    const panel = await screen.findByTestId("reports-panel");
    expect(within(panel).getByRole("heading", { name: "レポート" })).toHaveFocus();
    const row = within(await screen.findByTestId("report-row"));
    expect(row.getByText("PDF · 毎週 月, 木 08:00")).toBeInTheDocument();
  });
});
