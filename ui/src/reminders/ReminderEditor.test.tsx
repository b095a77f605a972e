import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import type { ItemRef, ItemReminder } from "../api/client";
import type { NewReminder } from "../api/bindings/NewReminder";
import { AssignmentsCard } from "../cards/AssignmentsCard";
import { Home } from "../pages/Home";
import * as fx from "../test/fixtures";
import { renderWithClient } from "../test/render";

vi.mock("../api/client", () => import("../test/clientMock"));
vi.setConfig({ testTimeout: 20_000 });

/** A fake of the core's item reminders: set replaces the list, get answers it. */
function fakeReminders(initial: NewReminder[] = []) {
  let stored = initial;
  const rows = (item: ItemRef): ItemReminder[] =>
    stored.map((r, i) => ({
      id: `rem-${i}`,
      user_id: fx.USER_ID,
      task_id: item.kind === "task" ? item.id : null,
      assignment_id: item.kind === "assignment" ? item.id : null,
      minutes_before: r.minutes_before ?? null,
      remind_at: r.remind_at ?? null,
      fire_at: null,
      delivered_at: null,
      snoozed_until: null,
      created_at: "2026-11-22T02:14:56.123Z",
      updated_at: "2026-11-22T02:14:56.123Z",
    }));
  vi.mocked(api.itemRemindersGet).mockImplementation(async (item) => rows(item));
  vi.mocked(api.itemRemindersSet).mockImplementation(async (item, list) => {
    stored = list;
    return rows(item);
  });
}

afterEach(() => {
  vi.useRealTimers();
  vi.clearAllMocks();
});

describe("reminders on a task", () => {
  it("lists, adds and removes reminders before the due time, or at a set time", async () => {
    // The day before the dates below: a reminder at a time already past is refused.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-21T00:00:00.000Z"));
    const user = userEvent.setup();
    fakeReminders([{ minutes_before: 15 }]);
    const home = fx.home();
    home.today.tasks[0] = fx.task("t-a", "Read chapter 3", { due_at: "2026-11-22T09:00:00.000Z" });
    vi.mocked(api.appState).mockResolvedValue(fx.appState());
    vi.mocked(api.homeGet).mockResolvedValue(home);
    renderWithClient(<Home />, { appState: fx.appState(), home });

    const row = screen.getAllByTestId("todo-item").find((r) => r.dataset.taskId === "t-a")!;
    await user.click(within(row).getByTestId("todo-schedule"));
    const dialog = await screen.findByTestId("schedule-dialog");
    expect(dialog).toHaveAccessibleName("Due date and reminders: Read chapter 3");
    // 09:00 UTC is 18:00 in Tokyo.
    expect(within(dialog).getByTestId("schedule-due")).toHaveValue("2026-11-22T18:00");
    const listed = () => within(dialog).queryAllByTestId("reminder-item").map((li) => li.textContent);
    await waitFor(() => expect(listed()).toEqual(["15 minutes before"]));
    expect(api.itemRemindersGet).toHaveBeenCalledWith({ kind: "task", id: "t-a" });

    await user.selectOptions(within(dialog).getByTestId("reminder-choice"), "1 day before");
    await user.click(within(dialog).getByTestId("reminder-add"));
    await waitFor(() =>
      expect(api.itemRemindersSet).toHaveBeenLastCalledWith({ kind: "task", id: "t-a" }, [{ minutes_before: 15 }, { minutes_before: 1440 }]),
    );
    await waitFor(() => expect(listed()).toEqual(["15 minutes before", "1 day before"]));

    await user.selectOptions(within(dialog).getByTestId("reminder-choice"), "At a specific time…");
    const calls = vi.mocked(api.itemRemindersSet).mock.calls.length;
    await user.type(within(dialog).getByTestId("reminder-at"), "2026-11-20T12:30");
    await user.click(within(dialog).getByTestId("reminder-add"));
    expect(within(dialog).getByRole("alert")).toHaveTextContent("That time has already passed. Choose a later one.");
    expect(within(dialog).getByTestId("reminder-at")).toHaveAttribute("aria-invalid", "true");
    expect(api.itemRemindersSet).toHaveBeenCalledTimes(calls);
    await user.clear(within(dialog).getByTestId("reminder-at"));
    await user.type(within(dialog).getByTestId("reminder-at"), "2026-11-22T12:30");
    await user.click(within(dialog).getByTestId("reminder-add"));
    await waitFor(() =>
      expect(api.itemRemindersSet).toHaveBeenLastCalledWith({ kind: "task", id: "t-a" }, [
        { minutes_before: 15 },
        { minutes_before: 1440 },
        { remind_at: "2026-11-22T03:30:00.000Z" },
      ]),
    );

    await user.click(within(dialog).getByRole("button", { name: "Remove reminder: 15 minutes before" }));
    await waitFor(() =>
      expect(api.itemRemindersSet).toHaveBeenLastCalledWith({ kind: "task", id: "t-a" }, [
        { minutes_before: 1440 },
        { remind_at: "2026-11-22T03:30:00.000Z" },
      ]),
    );
    await waitFor(() => expect(listed()).toEqual(["1 day before", "At Sun, Nov 22, 2026, 12:30 PM"]));
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("schedule-dialog")).not.toBeInTheDocument();
  });

  it("sets the due date of a task that has none (only absolute reminders until then)", async () => {
    const user = userEvent.setup();
    fakeReminders();
    vi.mocked(api.appState).mockResolvedValue(fx.appState());
    let home = fx.home();
    vi.mocked(api.homeGet).mockImplementation(async () => home);
    vi.mocked(api.taskSetDue).mockImplementation(async (id, due) => {
      const tasks = home.today.tasks.map((x) => (x.id === id ? { ...x, due_at: due } : x));
      home = { ...home, today: { ...home.today, tasks } };
      return tasks.find((x) => x.id === id)!;
    });
    renderWithClient(<Home />, { appState: fx.appState(), home: fx.home() });
    const row = screen.getAllByTestId("todo-item").find((r) => r.dataset.taskId === "t-c")!;
    await user.click(within(row).getByTestId("todo-schedule"));
    const dialog = await screen.findByTestId("schedule-dialog");
    expect(await within(dialog).findByText("No reminders yet.")).toBeInTheDocument();
    const choice = within(dialog).getByTestId("reminder-choice");
    expect(within(choice).getAllByRole("option")).toHaveLength(1);
    await user.click(within(dialog).getByTestId("reminder-add"));
    expect(within(dialog).getByRole("alert")).toHaveTextContent("Choose the date and time of the reminder.");
    expect(api.itemRemindersSet).not.toHaveBeenCalled();

    await user.type(within(dialog).getByTestId("schedule-due"), "2026-11-23T09:00");
    await user.click(within(dialog).getByTestId("schedule-due-save"));
    await waitFor(() => expect(api.taskSetDue).toHaveBeenCalledWith("t-c", "2026-11-23T00:00:00.000Z"));
    // Once due, the "before" choices appear.
    await waitFor(() => expect(within(within(dialog).getByTestId("reminder-choice")).getAllByRole("option")).toHaveLength(8));
  });
});

describe("reminders on an assignment", () => {
  it("opens from the assignment's row and saves with the assignment's ref", async () => {
    const user = userEvent.setup();
    fakeReminders();
    vi.mocked(api.appState).mockResolvedValue(fx.appState());
    vi.mocked(api.homeGet).mockResolvedValue(fx.home());
    const a = fx.assignment("a-week", "Problem set 6", { due_at: "2026-11-24T09:00:00.000Z" });
    renderWithClient(<AssignmentsCard buckets={{ overdue: [], this_week: [a], this_month: [], later: [] }} courses={[]} />, { appState: fx.appState() });
    await user.click(screen.getByRole("button", { name: "Due date and reminders for “Problem set 6”" }));
    const dialog = await screen.findByTestId("schedule-dialog");
    await within(dialog).findByText("No reminders yet.");
    expect(within(dialog).getByTestId("reminder-choice")).toHaveValue("15");
    await user.click(within(dialog).getByTestId("reminder-add"));
    await waitFor(() => expect(api.itemRemindersSet).toHaveBeenCalledWith({ kind: "assignment", id: "a-week" }, [{ minutes_before: 15 }]));
  });
});
