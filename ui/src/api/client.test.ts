import { beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...args: unknown[]) => invoke(...args) }));

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

  it("passes ApiErrors through and wraps anything else as internal", async () => {
    invoke.mockRejectedValueOnce({ kind: "not_found", message: "task x was not found" });
    await expect(api.taskDelete("x")).rejects.toEqual({ kind: "not_found", message: "task x was not found" });
    invoke.mockRejectedValueOnce("command task_delete not found");
    await expect(api.taskDelete("x")).rejects.toEqual({ kind: "internal", message: "command task_delete not found" });
    invoke.mockRejectedValueOnce(new TypeError("window.__TAURI_INTERNALS__ is undefined"));
    await expect(api.appState()).rejects.toEqual({ kind: "internal", message: "window.__TAURI_INTERNALS__ is undefined" });
  });
});
