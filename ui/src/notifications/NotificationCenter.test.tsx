import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import type { Notification, NotificationList } from "../api/client";
import i18n from "../i18n";
import * as fx from "../test/fixtures";
import { renderWithClient } from "../test/render";
import { NotificationCenter } from "./NotificationCenter";
import { formatWhen, nextWallTime } from "./when";

vi.mock("../api/client", () => import("../test/clientMock"));
vi.setConfig({ testTimeout: 20_000 });

function notification(id: string, title: string, over: Partial<Notification> = {}): Notification {
  return {
    id,
    kind: "reminder",
    title,
    message: null,
    is_read: false,
    read_at: null,
    created_at: new Date(Date.now() - 5 * 60_000).toISOString(),
    priority: "medium",
    snooze: { reminder_id: `r-${id}`, reminder_table: "item_reminders", max_minutes: 1440 },
    item_kind: "task",
    item_id: "t-a",
    ...over,
  };
}

const LIST: NotificationList = {
  items: [
    notification("n3", "Problem set 5 is due in 15 minutes", { message: "Due 18:00" }),
    notification("n2", "Lab report", { is_read: true, read_at: "2026-11-22T01:00:00Z", snooze: null }),
    notification("n1", "Essay draft", {}),
  ],
  unread: 2,
};

function setup(list: NotificationList = LIST) {
  vi.mocked(api.notificationsList).mockResolvedValue(list);
  vi.mocked(api.appState).mockResolvedValue(fx.appState());
  return renderWithClient(<NotificationCenter />, { appState: fx.appState() });
}

afterEach(async () => {
  vi.clearAllMocks();
  await act(() => i18n.changeLanguage("en"));
});

describe("the notification bell", () => {
  it("shows the unread count in its badge and its label", async () => {
    setup();
    const bell = screen.getByTestId("notif-bell");
    await waitFor(() => expect(screen.getByTestId("notif-badge")).toHaveTextContent("2"));
    expect(bell).toHaveAccessibleName("Notifications, 2 unread");
    expect(api.notificationsList).toHaveBeenCalledWith(50);
  });

  it("says the count in Japanese and hides the badge when all are read", async () => {
    await act(() => i18n.changeLanguage("ja"));
    const { client } = setup();
    await waitFor(() => expect(screen.getByTestId("notif-bell")).toHaveAccessibleName("通知（未読 2 件）"));
    vi.mocked(api.notificationsList).mockResolvedValue({ items: [], unread: 0 });
    await act(() => client.invalidateQueries());
    await waitFor(() => expect(screen.queryByTestId("notif-badge")).not.toBeInTheDocument());
    expect(screen.getByTestId("notif-bell")).toHaveAccessibleName("通知");
  });

  it("opens a panel newest first, focus inside; Esc closes it and returns to the bell", async () => {
    const user = userEvent.setup();
    setup();
    await screen.findByTestId("notif-badge");
    await user.click(screen.getByTestId("notif-bell"));
    const panel = await screen.findByTestId("notif-panel");
    expect(panel).toHaveAttribute("role", "dialog");
    expect(panel.contains(document.activeElement)).toBe(true);
    const items = within(panel).getAllByRole("listitem");
    expect(items.map((li) => li.getAttribute("data-testid"))).toEqual(["notif-item-n3", "notif-item-n2", "notif-item-n1"]);
    expect(items[0]).toHaveClass("unread");
    expect(items[1]).not.toHaveClass("unread");
    expect(items[0]).toHaveTextContent("5 minutes ago");
    expect(items[0]).toHaveTextContent("Due 18:00");
    // Only snoozable reminders offer Snooze.
    expect(within(panel).queryByTestId("notif-snooze-n2")).not.toBeInTheDocument();
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("notif-panel")).not.toBeInTheDocument();
    expect(screen.getByTestId("notif-bell")).toHaveFocus();
  });

  it("says so in words when there is nothing", async () => {
    const user = userEvent.setup();
    setup({ items: [], unread: 0 });
    await user.click(screen.getByTestId("notif-bell"));
    expect(await screen.findByTestId("notif-empty")).toHaveTextContent("No notifications.");
    expect(screen.getByTestId("notif-mark-all")).toBeDisabled();
    expect(screen.getByTestId("notif-clear-all")).toBeDisabled();
  });
});

describe("notification actions", () => {
  it("marks one read or unread, and all read, refetching after each", async () => {
    const user = userEvent.setup();
    setup();
    vi.mocked(api.notificationSetRead).mockResolvedValue(notification("n3", "x", { is_read: true }));
    await screen.findByTestId("notif-badge");
    await user.click(screen.getByTestId("notif-bell"));
    const calls = () => vi.mocked(api.notificationsList).mock.calls.length;
    const before = calls();
    await user.click(screen.getByTestId("notif-read-n3"));
    await waitFor(() => expect(api.notificationSetRead).toHaveBeenCalledWith("n3", true));
    await waitFor(() => expect(calls()).toBeGreaterThan(before));
    await user.click(screen.getByTestId("notif-read-n2"));
    await waitFor(() => expect(api.notificationSetRead).toHaveBeenCalledWith("n2", false));

    vi.mocked(api.notificationsList).mockResolvedValue({ items: LIST.items.map((n) => ({ ...n, is_read: true })), unread: 0 });
    await user.click(screen.getByTestId("notif-mark-all"));
    await waitFor(() => expect(api.notificationsMarkAllRead).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(screen.queryByTestId("notif-badge")).not.toBeInTheDocument());
  });

  it("clears all only after confirming", async () => {
    const user = userEvent.setup();
    setup();
    await screen.findByTestId("notif-badge");
    await user.click(screen.getByTestId("notif-bell"));
    await user.click(screen.getByTestId("notif-clear-all"));
    const confirm = await screen.findByTestId("notif-clear-confirm");
    expect(confirm).toHaveTextContent("All 3 notifications will be removed.");
    // Esc cancels the confirmation only; the panel stays.
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("notif-clear-confirm")).not.toBeInTheDocument();
    expect(screen.getByTestId("notif-panel")).toBeInTheDocument();
    expect(api.notificationsClearAll).not.toHaveBeenCalled();

    vi.mocked(api.notificationsList).mockResolvedValue({ items: [], unread: 0 });
    await user.click(screen.getByTestId("notif-clear-all"));
    await user.click(await screen.findByTestId("notif-clear-confirm-confirm"));
    await waitFor(() => expect(api.notificationsClearAll).toHaveBeenCalledTimes(1));
    expect(await screen.findByTestId("notif-empty")).toBeInTheDocument();
  });

  it("snoozes a reminder for 5, 10 or 30 minutes, or until a time", async () => {
    const user = userEvent.setup();
    setup();
    vi.mocked(api.notificationSnooze).mockResolvedValue(notification("n3", "x", { is_read: true }));
    await screen.findByTestId("notif-badge");
    await user.click(screen.getByTestId("notif-bell"));
    const toggle = screen.getByTestId("notif-snooze-n3");
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    await user.click(toggle);
    expect(toggle).toHaveAttribute("aria-expanded", "true");
    expect(screen.getByTestId("notif-snooze-5-n3")).toHaveFocus();
    expect(screen.getByTestId("notif-snooze-10-n3")).toHaveTextContent("10 minutes");
    await user.click(screen.getByTestId("notif-snooze-10-n3"));
    await waitFor(() => expect(api.notificationSnooze).toHaveBeenCalledWith("n3", { minutes: 10 }));
    await waitFor(() => expect(screen.queryByTestId("notif-snooze-10-n3")).not.toBeInTheDocument());
    expect(toggle).toHaveFocus();

    await user.click(screen.getByTestId("notif-snooze-n1"));
    await user.type(screen.getByTestId("notif-snooze-until-n1"), "18:30");
    await user.click(screen.getByTestId("notif-snooze-until-go-n1"));
    await waitFor(() => expect(api.notificationSnooze).toHaveBeenLastCalledWith("n1", { until: expect.any(String) }));
    const until = (vi.mocked(api.notificationSnooze).mock.lastCall![1] as { until: string }).until;
    expect(Date.parse(until)).toBeGreaterThan(Date.now());
  });

  it("refetches when the shell says notifications changed", async () => {
    let fire: () => void = () => {};
    vi.mocked(api.onNotificationsChanged).mockImplementation(async (handler) => {
      fire = handler;
      return () => {};
    });
    setup({ items: [], unread: 0 });
    await waitFor(() => expect(api.onNotificationsChanged).toHaveBeenCalled());
    expect(screen.queryByTestId("notif-badge")).not.toBeInTheDocument();
    vi.mocked(api.notificationsList).mockResolvedValue({ items: [notification("n9", "Lecture in 10 minutes")], unread: 1 });
    act(() => fire());
    await waitFor(() => expect(screen.getByTestId("notif-badge")).toHaveTextContent("1"));
  });
});

describe("notification times", () => {
  const now = Date.parse("2026-11-22T03:00:00Z");
  it("are relative within a day and absolute after", () => {
    expect(formatWhen("2026-11-22T02:55:00Z", "en", "Asia/Tokyo", now)).toBe("5 minutes ago");
    expect(formatWhen("2026-11-22T00:00:00Z", "ja", "Asia/Tokyo", now)).toBe("3 時間前");
    expect(formatWhen("2026-11-20T03:00:00Z", "ja", "Asia/Tokyo", now)).toBe("2026/11/20 12:00");
  });
  it("snooze until a time means today, or tomorrow once it passed", () => {
    const at = new Date(now); // 12:00 in Tokyo
    expect(nextWallTime("18:30", "Asia/Tokyo", at)).toBe("2026-11-22T09:30:00.000Z");
    expect(nextWallTime("09:00", "Asia/Tokyo", at)).toBe("2026-11-23T00:00:00.000Z");
    expect(nextWallTime("", "Asia/Tokyo", at)).toBeNull();
  });
});
