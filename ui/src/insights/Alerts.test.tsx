import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import type { Alert } from "../api/bindings/Alert";
import type { MetricInfo } from "../api/bindings/MetricInfo";
import i18n from "../i18n";
import * as fx from "../test/fixtures";
import { renderWithClient } from "../test/render";
import { Alerts, parseThreshold } from "./Alerts";
import { InsightsPage } from "./InsightsPage";

vi.mock("../api/client", () => import("../test/clientMock"));
vi.mock("./Chart", () => ({ default: ({ label }: { label: string }) => <div data-testid="chart-stub">{label}</div> }));
const client = vi.mocked(api);

const stamp = "2026-11-22T01:00:00.000Z";
function alert(over: Partial<Alert> = {}): Alert {
  return {
    id: "a1",
    user_id: "u1",
    name: "Half an hour a day",
    metric_id: "minutes_studied",
    widget_id: null,
    model_id: null,
    model_field: null,
    digest_pending: 0,
    last_digest_on: null,
    grain: "day",
    filters: {},
    threshold_type: "above",
    threshold_value: 30,
    frequency: "immediate",
    digest_time: null,
    channels: ["notification", "in_app"],
    status: "triggered",
    is_active: true,
    snoozed_until: null,
    status_reason: "evaluation",
    status_changed_at: stamp,
    last_evaluated_at: stamp,
    last_value: 40,
    last_previous: 0,
    last_triggered_at: stamp,
    no_change: false,
    check_every_minutes: 15,
    last_email: null,
    created_at: stamp,
    updated_at: stamp,
    ...over,
  };
}
const minutes = { id: "minutes_studied", name: "minutes_studied", description: "", grains: ["day", "week", "month"], unit: "minutes", columns: [], widget: "line_chart", has_value: true, filters: [] } as MetricInfo;
const streak = { ...minutes, id: "streak", grains: ["total"] } as MetricInfo;

describe("Alerts", () => {
  beforeEach(() => {
    client.appState.mockResolvedValue(fx.appState());
    client.alertList.mockResolvedValue([alert()]);
    client.insightsMetricCatalog.mockResolvedValue([minutes, streak]);
    client.alertChannels.mockResolvedValue([
      { channel: "notification", available: true, reason: null },
      { channel: "in_app", available: true, reason: null },
      { channel: "email", available: false, reason: "email needs an SMTP server in Settings" },
      { channel: "slack", available: false, reason: "Slack is not available in Studydesk" },
      { channel: "sms", available: false, reason: "SMS is not available in Studydesk" },
    ]);
  });
  afterEach(async () => {
    await i18n.changeLanguage("en");
  });

  it("lists each alert with its rule, status, last value and when it was checked", async () => {
    renderWithClient(<Alerts onClose={() => {}} />);
    const row = within(await screen.findByTestId("alert-row"));
    expect(row.getByText("Half an hour a day")).toBeInTheDocument();
    expect(row.getByText(/Minutes studied · Today · above 30/)).toBeInTheDocument();
    expect(row.getByTestId("alert-status")).toHaveTextContent("Triggered");
    expect(row.getByTestId("alert-last")).toHaveTextContent(/Last value 40 · checked every 15 minutes, last checked .*2026/);
    client.alertSnooze.mockResolvedValue(alert({ status: "snoozed" }));
    await userEvent.click(row.getByTestId("alert-snooze"));
    expect(client.alertSnooze).toHaveBeenCalledWith("a1", 60);
    client.alertSetActive.mockResolvedValue(alert({ is_active: false, status: "inactive" }));
    await userEvent.click(row.getByTestId("alert-active"));
    expect(client.alertSetActive).toHaveBeenCalledWith("a1", false);
  });

  it("says when no change can be computed against a previous period of 0", async () => {
    client.alertList.mockResolvedValue([alert({ threshold_type: "change_percent", status: "active", no_change: true })]);
    renderWithClient(<Alerts onClose={() => {}} />);
    expect(await screen.findByTestId("alert-no-change")).toHaveTextContent("No change can be computed: the previous period was 0.");
  });

  it("refuses a threshold that is not a number before sending anything", async () => {
    client.alertList.mockResolvedValue([]);
    renderWithClient(<Alerts onClose={() => {}} />);
    await userEvent.click(await screen.findByTestId("alert-new"));
    await userEvent.type(screen.getByTestId("alert-name"), "Ninety");
    await userEvent.type(screen.getByTestId("alert-threshold"), "ninety");
    await userEvent.click(screen.getByTestId("alert-save"));
    expect(screen.getByTestId("alert-threshold-error")).toHaveTextContent("The threshold must be a number, such as 90 or -12.5.");
    expect(screen.getByTestId("alert-threshold")).toHaveAttribute("aria-invalid", "true");
    await userEvent.click(screen.getByTestId("alert-test"));
    expect(client.alertCreate).not.toHaveBeenCalled();
    expect(client.alertTest).not.toHaveBeenCalled();
    expect(parseThreshold("-12.5")).toBe(-12.5);
    expect(parseThreshold("1e3")).toBe(1000);
    expect(parseThreshold("12abc")).toBeNull();
    expect(parseThreshold("Infinity")).toBeNull();
  });

  it("tests the draft against stored history, then saves it; only metrics per day are offered; email is not available", async () => {
    client.alertList.mockResolvedValue([]);
    client.alertTest.mockResolvedValue({ periods: 91, from: "2026-08-23", to: "2026-11-22", fired: [{ period: "2026-11-16", value: 40, previous: 0 }, { period: "2026-11-18", value: 50, previous: 10 }], no_change_periods: 0 });
    client.alertCreate.mockResolvedValue(alert());
    renderWithClient(<Alerts onClose={() => {}} />);
    await userEvent.click(await screen.findByTestId("alert-new"));
    const metric = screen.getByTestId("alert-metric");
    await waitFor(() => expect(within(metric).getAllByRole("option").map((o) => o.textContent)).toEqual(["Minutes studied"]));
    expect(screen.getByTestId("alert-channel-email")).toHaveTextContent("Email — not available");
    expect(screen.getByTestId("alert-channel-slack")).toHaveTextContent("Slack — not available");
    await userEvent.type(screen.getByTestId("alert-name"), "Half an hour");
    await userEvent.selectOptions(screen.getByTestId("alert-grain"), "week");
    await userEvent.type(screen.getByTestId("alert-threshold"), "30");
    await userEvent.click(screen.getByTestId("alert-test"));
    const replay = await screen.findByTestId("alert-replay");
    expect(replay).toHaveTextContent("Times it would have fired in the last 91 periods: 2");
    expect(within(replay).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["2026-11-16: 40 (previous 0)", "2026-11-18: 50 (previous 10)"]);
    expect(client.alertCreate).not.toHaveBeenCalled();
    await userEvent.click(screen.getByTestId("alert-save"));
    const draft = { name: "Half an hour", metric: "minutes_studied", grain: "week", filters: {}, threshold_type: "above", threshold_value: 30, frequency: "immediate", digest_time: undefined };
    await waitFor(() => expect(client.alertCreate).toHaveBeenCalledWith(draft));
    expect(client.alertTest).toHaveBeenCalledWith(draft);
    await waitFor(() => expect(screen.queryByTestId("alert-form")).not.toBeInTheDocument());
  });

  it("e-mails a triggering when e-mail is set up, and shows the last e-mail's state", async () => {
    client.alertChannels.mockResolvedValue([
      { channel: "notification", available: true, reason: null },
      { channel: "in_app", available: true, reason: null },
      { channel: "email", available: true, reason: null },
    ]);
    client.alertList.mockResolvedValue([
      alert({
        channels: ["notification", "in_app", "email"],
        last_email: {
          id: "m1",
          source: "alert:a1",
          recipients: ["me@example.com"],
          subject: "Studydesk: Half an hour a day",
          attachment_name: null,
          attachment_size: null,
          status: "sent",
          attempts: 1,
          next_attempt_at: null,
          last_error: null,
          last_error_kind: null,
          sent_at: "2026-11-22T03:03:00.000Z",
          created_at: stamp,
        },
      }),
    ]);
    client.alertUpdate.mockResolvedValue(alert());
    renderWithClient(<Alerts onClose={() => {}} />);
    const row = within(await screen.findByTestId("alert-row"));
    expect(row.getByTestId("alert-email-state")).toHaveTextContent("E-mail sent");
    await userEvent.click(row.getByTestId("alert-edit"));
    const box = await screen.findByTestId("alert-email");
    expect(box).toBeChecked();
    await userEvent.click(box);
    await userEvent.click(screen.getByTestId("alert-save"));
    await waitFor(() => expect(client.alertUpdate).toHaveBeenCalled());
    expect(client.alertUpdate.mock.calls[0]?.[1].channels).toBeUndefined();
    client.alertCreate.mockResolvedValue(alert());
    await userEvent.click(await screen.findByTestId("alert-new"));
    await userEvent.type(screen.getByTestId("alert-name"), "Mail me");
    await userEvent.type(screen.getByTestId("alert-threshold"), "30");
    await userEvent.click(await screen.findByTestId("alert-email"));
    await userEvent.click(screen.getByTestId("alert-save"));
    await waitFor(() => expect(client.alertCreate).toHaveBeenCalled());
    expect(client.alertCreate.mock.calls[0]?.[0].channels).toEqual(["notification", "in_app", "email"]);
  });

  it("watches a data model's field: the model, then one of its fields", async () => {
    client.alertList.mockResolvedValue([]);
    client.modelList.mockResolvedValue([
      { id: "m1", name: "Scores", description: null, tables: [], joins: [], fields: [{ name: "course", expression: { kind: "number", value: 1 } }, { name: "score", expression: { kind: "number", value: 1 } }], created_at: stamp, updated_at: stamp },
    ] as never);
    client.alertCreate.mockResolvedValue(alert({ metric_id: null, model_id: "m1", model_field: "score" }));
    renderWithClient(<Alerts onClose={() => {}} />);
    await userEvent.click(await screen.findByTestId("alert-new"));
    await userEvent.type(screen.getByTestId("alert-name"), "Scores");
    await userEvent.selectOptions(screen.getByTestId("alert-watch"), "model");
    expect(screen.queryByTestId("alert-metric")).not.toBeInTheDocument();
    expect(screen.getByTestId("alert-model-field")).toBeDisabled();
    await waitFor(() => expect(within(screen.getByTestId("alert-model")).getAllByRole("option")).toHaveLength(2));
    await userEvent.selectOptions(screen.getByTestId("alert-model"), "m1");
    await userEvent.selectOptions(screen.getByTestId("alert-model-field"), "score");
    await userEvent.type(screen.getByTestId("alert-threshold"), "170");
    await userEvent.click(screen.getByTestId("alert-save"));
    await waitFor(() =>
      expect(client.alertCreate).toHaveBeenCalledWith(expect.objectContaining({ metric: undefined, model_id: "m1", model_field: "score", threshold_value: 170 })),
    );
  });

  it("deletes only after a confirmation", async () => {
    renderWithClient(<Alerts onClose={() => {}} />);
    await userEvent.click(await screen.findByTestId("alert-delete"));
    const dialog = within(screen.getByTestId("alert-delete-confirm"));
    expect(dialog.getByText("“Half an hour a day” will no longer be checked.")).toBeInTheDocument();
    expect(client.alertDelete).not.toHaveBeenCalled();
    await userEvent.click(dialog.getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(client.alertDelete).toHaveBeenCalledWith("a1"));
  });

  it("opens from the Insights page with the keyboard, in Japanese", async () => {
    await i18n.changeLanguage("ja");
    client.dashboardsList.mockResolvedValue([]);
    renderWithClient(<InsightsPage headingRef={null} />);
    const open = await screen.findByTestId("alerts-open");
    expect(open).toHaveTextContent("アラート");
    open.focus();
    await userEvent.keyboard("{Enter}");
    const panel = await screen.findByTestId("alerts-panel");
    expect(within(panel).getByRole("heading", { name: "アラート" })).toHaveFocus();
    const row = within(await screen.findByTestId("alert-row"));
    expect(row.getByTestId("alert-status")).toHaveTextContent("通知済み");
    expect(row.getByTestId("alert-last")).toHaveTextContent(/最新の値 40 · 15 分ごとに確認/);
  });
});
