import { beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.fn();
const listen = vi.fn();
const emit = vi.fn(async (..._args: unknown[]) => {});
const setFullscreen = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({
  invoke: (...args: unknown[]) => invoke(...args),
  convertFileSrc: (path: string) => `asset://localhost/${encodeURIComponent(path)}`,
}));
vi.mock("@tauri-apps/api/event", () => ({ listen: (...args: unknown[]) => listen(...args), emit: (...args: unknown[]) => emit(...args) }));
vi.mock("@tauri-apps/api/window", () => ({ getCurrentWindow: () => ({ setFullscreen: (on: boolean) => setFullscreen(on) }) }));

const api = await import("./client");

describe("the typed client", () => {
  beforeEach(() => invoke.mockReset());

  it("sends snake_case argument objects under the command names", async () => {
    invoke.mockResolvedValue([]);
    await api.taskReorder("L", ["a", "b"]);
    expect(invoke).toHaveBeenCalledWith("task_reorder", { list_id: "L", ordered_ids: ["a", "b"] });
    await api.taskSetDue("a", null);
    expect(invoke).toHaveBeenCalledWith("task_set_due", { id: "a", due_at: null });
    await api.onboardingComplete("sample");
    expect(invoke).toHaveBeenCalledWith("onboarding_complete", { choice: "sample" });
    await api.homeGet();
    expect(invoke).toHaveBeenCalledWith("home_get", {});
    await api.courseAdd("Physics", null);
    expect(invoke).toHaveBeenCalledWith("course_add", { name: "Physics", emoji: null });
    await api.layoutUpdate({ order: ["todo"], hidden: [] });
    expect(invoke).toHaveBeenCalledWith("layout_update", { layout: { order: ["todo"], hidden: [] } });
    await api.settingsUpdate({ theme: "dark" });
    expect(invoke).toHaveBeenCalledWith("settings_update", { patch: { theme: "dark" } });
  });

  it("sends the account commands of sync under their names, the passwords snake_case", async () => {
    invoke.mockResolvedValue({});
    await api.syncLogoutEverywhere();
    expect(invoke).toHaveBeenCalledWith("sync_logout_everywhere", {});
    await api.syncChangePassword("old secret", "new secret 123");
    expect(invoke).toHaveBeenCalledWith("sync_change_password", { current_password: "old secret", new_password: "new secret 123" });
    invoke.mockRejectedValueOnce({ kind: "sync_wrong_password", message: "the current password is wrong" });
    await expect(api.syncChangePassword("x", "new secret 123")).rejects.toEqual({ kind: "sync_wrong_password", message: "the current password is wrong" });
  });

  it("passes ApiErrors through and wraps anything else as internal", async () => {
    invoke.mockRejectedValueOnce({ kind: "not_found", message: "task x was not found" });
    await expect(api.taskDelete("x")).rejects.toEqual({ kind: "not_found", message: "task x was not found" });
    invoke.mockRejectedValueOnce("command task_delete not found");
    await expect(api.taskDelete("x")).rejects.toEqual({ kind: "internal", message: "command task_delete not found" });
    invoke.mockRejectedValueOnce(new TypeError("window.__TAURI_INTERNALS__ is undefined"));
    await expect(api.appState()).rejects.toEqual({ kind: "internal", message: "window.__TAURI_INTERNALS__ is undefined" });
  });

  it("sends the focus commands with the contract's argument names", async () => {
    invoke.mockResolvedValue(null);
    await api.sessionStart({ name: "Ch. 4", activity_id: null, course_id: "c", config: null });
    expect(invoke).toHaveBeenCalledWith("session_start", { input: { name: "Ch. 4", activity_id: null, course_id: "c", config: null } });
    await api.sessionPause();
    expect(invoke).toHaveBeenCalledWith("session_pause", {});
    await api.sessionResolveIdle("discard");
    expect(invoke).toHaveBeenCalledWith("session_resolve_idle", { choice: "discard" });
    await api.sessionRecover("resume");
    expect(invoke).toHaveBeenCalledWith("session_recover", { choice: "resume" });
    await api.sessionHistory(20);
    expect(invoke).toHaveBeenCalledWith("session_history", { limit: 20 });
    await api.activityFavorite("a");
    expect(invoke).toHaveBeenCalledWith("activity_favorite", { id: "a" });
    await api.focusSettingsUpdate({ daily_target_minutes: 60, weekly_target_hours: 8, rest_days_per_week: 1, idle_threshold_minutes: 5 });
    expect(invoke).toHaveBeenCalledWith("focus_settings_update", {
      settings: { daily_target_minutes: 60, weekly_target_hours: 8, rest_days_per_week: 1, idle_threshold_minutes: 5 },
    });
    await api.widgetAdd("ws", "notes");
    expect(invoke).toHaveBeenCalledWith("widget_add", { workspace_id: "ws", kind: "notes" });
    await api.widgetUpdate("w", null, { text: "x" });
    expect(invoke).toHaveBeenCalledWith("widget_update", { id: "w", title: null, settings: { text: "x" } });
    await api.widgetLayout("ws", [{ id: "w", x: 0, y: 1, w: 4, h: 2 }]);
    expect(invoke).toHaveBeenCalledWith("widget_layout", { workspace_id: "ws", places: [{ id: "w", x: 0, y: 1, w: 4, h: 2 }] });
    await api.workspaceSetBackgroundColor("ws", "#112233");
    expect(invoke).toHaveBeenCalledWith("workspace_set_background_color", { id: "ws", color: "#112233" });
  });

  it("sends a background file as raw bytes with its headers", async () => {
    invoke.mockResolvedValue({ id: "ws" });
    const file = new File([new Uint8Array([1, 2, 3])], "モチベ 1.png", { type: "image/png" });
    await api.workspaceSetBackgroundFile("ws-1", file);
    const [cmd, body, options] = invoke.mock.calls[0]!;
    expect(cmd).toBe("workspace_set_background_file");
    expect(body).toBeInstanceOf(Uint8Array);
    expect(Array.from(body as Uint8Array)).toEqual([1, 2, 3]);
    // No content-type: the core sniffs the bytes and never read it.
    expect(options).toEqual({ headers: { "x-workspace-id": "ws-1", "x-file-name": encodeURIComponent("モチベ 1.png") } });
    invoke.mockRejectedValueOnce({ kind: "validation", message: "not an image or a video" });
    await expect(api.workspaceSetBackgroundFile("ws-1", file)).rejects.toEqual({ kind: "validation", message: "not an image or a video" });
  });

  it("sends the notification, item reminder and background commands under their names", async () => {
    invoke.mockResolvedValue(null);
    await api.notificationsList(50);
    expect(invoke).toHaveBeenCalledWith("notifications_list", { limit: 50 });
    await api.notificationsList();
    expect(invoke).toHaveBeenLastCalledWith("notifications_list", {});
    await api.notificationSetRead("n", false);
    expect(invoke).toHaveBeenCalledWith("notification_set_read", { id: "n", read: false });
    await api.notificationsMarkAllRead();
    expect(invoke).toHaveBeenCalledWith("notifications_mark_all_read", {});
    await api.notificationsClearAll();
    expect(invoke).toHaveBeenCalledWith("notifications_clear_all", {});
    await api.notificationSnooze("n", { minutes: 10 });
    expect(invoke).toHaveBeenCalledWith("notification_snooze", { id: "n", minutes: 10 });
    await api.notificationSnooze("n", { until: "2026-11-22T09:30:00.000Z" });
    expect(invoke).toHaveBeenCalledWith("notification_snooze", { id: "n", until: "2026-11-22T09:30:00.000Z" });
    await api.itemRemindersGet({ kind: "task", id: "t" });
    expect(invoke).toHaveBeenCalledWith("item_reminders_get", { item: { kind: "task", id: "t" } });
    await api.itemRemindersSet({ kind: "assignment", id: "a" }, [{ minutes_before: 15 }]);
    expect(invoke).toHaveBeenCalledWith("item_reminders_set", { item: { kind: "assignment", id: "a" }, reminders: [{ minutes_before: 15 }] });
    await api.backgroundSettingsGet();
    expect(invoke).toHaveBeenCalledWith("background_settings_get", {});
    await api.backgroundSettingsUpdate({ os_timer: true });
    expect(invoke).toHaveBeenCalledWith("background_settings_update", { patch: { os_timer: true } });
  });

  it("listens to notifications-changed", async () => {
    listen.mockReset();
    const unlisten = vi.fn();
    listen.mockResolvedValueOnce(unlisten);
    const handler = vi.fn();
    const stop = await api.onNotificationsChanged(handler);
    expect(listen).toHaveBeenCalledWith("notifications-changed", expect.any(Function));
    (listen.mock.calls[0]![1] as () => void)();
    expect(handler).toHaveBeenCalledTimes(1);
    stop();
    expect(unlisten).toHaveBeenCalled();
    listen.mockRejectedValueOnce(new TypeError("window.__TAURI_INTERNALS__ is undefined"));
    const noop = await api.onNotificationsChanged(handler);
    expect(() => noop()).not.toThrow();
  });

  it("listens to focus-changed, and survives outside the shell", async () => {
    listen.mockReset();
    const unlisten = vi.fn();
    listen.mockResolvedValueOnce(unlisten);
    const handler = vi.fn();
    const stop = await api.onFocusChanged(handler);
    expect(listen).toHaveBeenCalledWith("focus-changed", expect.any(Function));
    (listen.mock.calls[0]![1] as () => void)();
    expect(handler).toHaveBeenCalledTimes(1);
    stop();
    expect(unlisten).toHaveBeenCalled();
    listen.mockRejectedValueOnce(new TypeError("window.__TAURI_INTERNALS__ is undefined"));
    const noop = await api.onFocusChanged(handler);
    expect(() => noop()).not.toThrow();
    setFullscreen.mockRejectedValueOnce("not allowed");
    expect(await api.setFullscreen(true)).toBe(false);
    setFullscreen.mockResolvedValueOnce(undefined);
    expect(await api.setFullscreen(true)).toBe(true);
  });

  it("tells the shell once that the first screen is about to render, with the page's background", () => {
    document.documentElement.style.backgroundColor = "rgb(15, 18, 23)";
    api.firstScreenReady();
    api.firstScreenReady();
    expect(emit).toHaveBeenCalledTimes(1);
    expect(emit).toHaveBeenCalledWith("first-screen-ready", { background: [15, 18, 23] });
    document.documentElement.style.backgroundColor = "rgba(0, 0, 0, 0)";
    expect(api.pageBackground()).toBeNull();
    document.documentElement.style.backgroundColor = "";
  });
});
