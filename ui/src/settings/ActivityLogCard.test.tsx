import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import i18n from "../i18n";
import * as fx from "../test/fixtures";
import { renderWithClient } from "../test/render";
import { ActivityLogCard } from "./ActivityLogCard";

vi.mock("../api/client", () => import("../test/clientMock"));

const summary = {
  enabled: true,
  since: "2026-10-23T01:00:00.000Z",
  actions: [
    { action_type: "page_opened", count: 12, last_activity: "2026-11-22T00:30:00.000Z" },
    { action_type: "task_added", count: 3, last_activity: "2026-11-21T09:00:00.000Z" },
  ],
  total: 15,
};

describe("Your activity", () => {
  beforeEach(async () => {
    await i18n.changeLanguage("en");
    vi.mocked(api.activityLogSummary).mockResolvedValue(summary);
    vi.mocked(api.homeGet).mockResolvedValue(fx.home());
    vi.mocked(api.appState).mockResolvedValue(fx.appState());
  });

  it("shows the last 30 days by action, most frequent first, with counts", async () => {
    renderWithClient(<ActivityLogCard settings={fx.appState().settings} />);
    const bars = await screen.findByTestId("activity-bars");
    const rows = within(bars).getAllByRole("listitem");
    expect(rows[0]).toHaveTextContent("Opened a page");
    expect(rows[0]).toHaveTextContent("12 times");
    expect(rows[1]).toHaveTextContent("Added a task");
    expect(rows[1]).toHaveTextContent("3 times");
    expect(screen.getByText("15 entries kept")).toBeInTheDocument();
    expect(screen.getByRole("switch", { name: "Record my activity" })).toBeChecked();
  });

  it("turns recording off and deletes the history after a confirmation", async () => {
    vi.mocked(api.activityLogSetEnabled).mockResolvedValue({ ...summary, enabled: false });
    vi.mocked(api.activityLogClear).mockResolvedValue(15);
    renderWithClient(<ActivityLogCard settings={fx.appState().settings} />);
    await userEvent.click(await screen.findByRole("switch", { name: "Record my activity" }));
    await waitFor(() => expect(api.activityLogSetEnabled).toHaveBeenCalledWith(false));
    await waitFor(() => expect(screen.getByRole("switch", { name: "Record my activity" })).not.toBeChecked());

    await userEvent.click(screen.getByRole("button", { name: "Delete history" }));
    const dialog = await screen.findByRole("alertdialog", { name: "Delete your activity history?" });
    expect(dialog).toHaveTextContent("All 15 recorded entries");
    expect(api.activityLogClear).not.toHaveBeenCalled();
    vi.mocked(api.activityLogSummary).mockResolvedValue({ ...summary, enabled: false, actions: [], total: 0 });
    await userEvent.click(within(dialog).getByRole("button", { name: "Delete history" }));
    await waitFor(() => expect(api.activityLogClear).toHaveBeenCalled());
    expect(await screen.findByTestId("activity-empty")).toHaveTextContent("Nothing recorded in the last 30 days.");
  });

  it("speaks Japanese", async () => {
    await i18n.changeLanguage("ja");
    renderWithClient(<ActivityLogCard settings={fx.appState().settings} />);
    expect(await screen.findByText("ページを開いた")).toBeInTheDocument();
    expect(screen.getByText("12 回", { exact: false })).toBeInTheDocument();
  });
});
