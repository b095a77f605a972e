import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import type { Activity } from "../api/bindings/Activity";
import type { FocusSession } from "../api/bindings/FocusSession";
import i18n from "../i18n";
import { Focus } from "./Focus";
import * as fx from "../test/fixtures";
import { renderWithClient } from "../test/render";

vi.mock("../api/client", () => import("../test/clientMock"));

const CATALOG: Activity[] = [
  fx.activity("a-pomo", "Pomodoro", { kind: "pomodoro", default_duration_minutes: 25, is_favorite: true, emoji: "🍅" }),
  fx.activity("a-deep", "Deep work", { default_duration_minutes: 50 }),
  fx.activity("a-read", "Reading", { kind: "reading", default_duration_minutes: null }),
  fx.activity("a-mine", "Kanji drills", { kind: "practice", is_builtin: false, default_duration_minutes: 20 }),
];

function setup({ session = null as FocusSession | null, activities = CATALOG, stats = fx.focusStats(), locale = "en" as "en" | "ja" } = {}) {
  let current = session;
  let catalog = activities;
  vi.mocked(api.appState).mockResolvedValue(fx.appState());
  vi.mocked(api.homeGet).mockResolvedValue(fx.home());
  vi.mocked(api.sessionCurrent).mockImplementation(async () => current);
  vi.mocked(api.activityList).mockImplementation(async () => catalog);
  vi.mocked(api.focusStats).mockResolvedValue(stats);
  vi.mocked(api.focusSettingsGet).mockResolvedValue(stats.settings);
  const started = (input: Parameters<typeof api.sessionStart>[0]): FocusSession => {
    const a = catalog.find((x) => x.id === input.activity_id);
    return fx.session({ name: input.name, activity_id: a?.id ?? null, activity_name: a?.name ?? null, focused_seconds: 0, as_of: new Date().toISOString() });
  };
  vi.mocked(api.sessionStart).mockImplementation(async (input) => {
    if (current) throw { kind: "conflict", message: "a focus session is already running; complete or abandon it before starting another" };
    current = started(input);
    return current;
  });
  const setStatus = (status: FocusSession["status"]) => async () => {
    current = { ...(current ?? fx.session()), status };
    const answer = current;
    if (status === "completed" || status === "abandoned") current = null;
    return answer;
  };
  vi.mocked(api.sessionPause).mockImplementation(setStatus("paused"));
  vi.mocked(api.sessionResume).mockImplementation(setStatus("active"));
  vi.mocked(api.sessionComplete).mockImplementation(setStatus("completed"));
  vi.mocked(api.sessionAbandon).mockImplementation(setStatus("abandoned"));
  vi.mocked(api.activityFavorite).mockImplementation(async (id) => {
    const a = { ...catalog.find((x) => x.id === id)!, is_favorite: true };
    catalog = [a, ...catalog.filter((x) => x.id !== id)];
    return a;
  });
  vi.mocked(api.activityUnfavorite).mockImplementation(async (id) => {
    const a = { ...catalog.find((x) => x.id === id)!, is_favorite: false };
    catalog = [...catalog.filter((x) => x.id !== id && x.is_favorite), a, ...catalog.filter((x) => x.id !== id && !x.is_favorite)];
    return a;
  });
  const onImmerse = vi.fn();
  const state = fx.appState({}, { preferred_locale: locale });
  vi.mocked(api.appState).mockResolvedValue(state);
  const result = renderWithClient(<Focus onImmerse={onImmerse} />, { appState: state, home: fx.home() });
  return { ...result, onImmerse };
}

const rowIds = (list: HTMLElement) => within(list).queryAllByRole("listitem").map((li) => li.dataset.testid);

afterEach(() => {
  vi.useRealTimers();
});

describe("Focus page: sessions", () => {
  it("starts a session in one click from a favorite and shows it running", async () => {
    const user = userEvent.setup();
    setup();
    await screen.findByTestId("activity-a-pomo");
    expect(screen.getByTestId("session-start-form")).toBeInTheDocument();
    await user.click(screen.getByTestId("activity-start-a-pomo"));
    expect(api.sessionStart).toHaveBeenCalledWith({ name: null, activity_id: "a-pomo", course_id: null, config: null });
    expect(await screen.findByTestId("session-timer")).toHaveTextContent(/^00:0\d$/);
    expect(screen.getByTestId("session-status")).toHaveTextContent("Focusing");
    expect(screen.getByRole("heading", { name: "Pomodoro" })).toBeInTheDocument();
    expect(screen.queryByTestId("session-start-form")).not.toBeInTheDocument();
  });

  it("shows the core's conflict message when a session is already running", async () => {
    const user = userEvent.setup();
    setup({ session: fx.session() });
    await user.click(await screen.findByTestId("activity-start-a-deep"));
    const alert = await screen.findByTestId("error-alert");
    expect(alert).toHaveTextContent("a focus session is already running; complete or abandon it before starting another");
    expect(screen.getByTestId("session-status")).toHaveTextContent("Focusing");
  });

  it("computes the timer from as_of, not from ticks", async () => {
    vi.useFakeTimers({ toFake: ["Date", "setInterval", "clearInterval"] });
    vi.setSystemTime(new Date("2026-11-22T01:10:05.000Z"));
    setup({ session: fx.session({ focused_seconds: 600, as_of: "2026-11-22T01:10:00.000Z" }) });
    const timer = await screen.findByTestId("session-timer");
    expect(timer).toHaveTextContent("10:05");
    act(() => vi.advanceTimersByTime(60_000));
    expect(timer).toHaveTextContent("11:05");
    // A long sleep: no tick ran, yet the next redraw is right.
    vi.setSystemTime(new Date("2026-11-22T02:10:05.000Z"));
    act(() => vi.advanceTimersByTime(1_000));
    expect(timer).toHaveTextContent("1:10:06");
  });

  it("offers pause while active, resume while paused, and completes", async () => {
    const user = userEvent.setup();
    setup({ session: fx.session() });
    await user.click(await screen.findByTestId("session-pause"));
    expect(api.sessionPause).toHaveBeenCalledTimes(1);
    expect(await screen.findByTestId("session-resume")).toBeInTheDocument();
    expect(screen.queryByTestId("session-pause")).not.toBeInTheDocument();
    expect(screen.getByTestId("session-status")).toHaveTextContent("Paused");
    expect(screen.getByTestId("session-timer")).toHaveTextContent("10:00");
    await user.click(screen.getByTestId("session-resume"));
    expect(await screen.findByTestId("session-pause")).toBeInTheDocument();
    await user.click(screen.getByTestId("session-complete"));
    expect(api.sessionComplete).toHaveBeenCalledTimes(1);
    expect(await screen.findByTestId("session-start-form")).toBeInTheDocument();
    expect(screen.queryByTestId("session-timer")).not.toBeInTheDocument();
  });

  it("asks before abandoning", async () => {
    const user = userEvent.setup();
    setup({ session: fx.session() });
    await user.click(await screen.findByTestId("session-abandon"));
    const dialog = screen.getByRole("alertdialog", { name: "Abandon this session?" });
    expect(within(dialog).getByRole("button", { name: "Keep going" })).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
    expect(screen.getByTestId("session-abandon")).toHaveFocus();
    expect(api.sessionAbandon).not.toHaveBeenCalled();
    await user.click(screen.getByTestId("session-abandon"));
    await user.click(screen.getByTestId("session-abandon-confirm"));
    expect(api.sessionAbandon).toHaveBeenCalledTimes(1);
    expect(await screen.findByTestId("session-start-form")).toBeInTheDocument();
  });

  it("offers the next phase when a pomodoro phase waits, and no pause while idle", async () => {
    const phase = { kind: "short_break" as const, cycle: 1, started_at: "2026-11-22T01:25:00.000Z", ends_at: "2026-11-22T01:30:00.000Z", awaiting_start: true };
    setup({ session: fx.session({ phase }) });
    expect(await screen.findByTestId("session-next-phase")).toBeInTheDocument();
    expect(screen.getByTestId("session-status")).toHaveTextContent("Phase finished");
    expect(screen.getByTestId("session-phase")).toHaveTextContent("Short break · cycle 1");
  });

  it("starts from the form with the pomodoro settings spelled out", async () => {
    const user = userEvent.setup();
    setup();
    const form = await screen.findByTestId("session-start-form");
    await user.type(within(form).getByLabelText("Name"), "Problem set 6");
    await user.selectOptions(within(form).getByLabelText("Course"), "c-1");
    await user.selectOptions(within(form).getByLabelText("Activity"), "a-pomo");
    // A pomodoro activity turns the cycles on, with its length as the work phase.
    expect(within(form).getByTestId("start-pomodoro")).toBeChecked();
    expect(within(form).getByLabelText("Work (minutes)")).toHaveValue(25);
    await user.clear(within(form).getByLabelText("Cycles before a long break"));
    await user.type(within(form).getByLabelText("Cycles before a long break"), "3");
    await user.click(within(form).getByLabelText("Start the next phase automatically"));
    await user.click(within(form).getByTestId("session-start"));
    expect(api.sessionStart).toHaveBeenCalledWith({
      name: "Problem set 6",
      activity_id: "a-pomo",
      course_id: "c-1",
      config: {
        planned_minutes: null,
        pomodoro: { work_minutes: 25, short_break_minutes: 5, long_break_minutes: 15, cycles_before_long_break: 3, auto_start_next: false },
      },
    });
  });

  it("refuses a planned length out of range, in words next to the field", async () => {
    const user = userEvent.setup();
    setup();
    const form = await screen.findByTestId("session-start-form");
    const planned = within(form).getByLabelText("Planned length (minutes)");
    await user.type(planned, "2000");
    await user.click(within(form).getByTestId("session-start"));
    expect(api.sessionStart).not.toHaveBeenCalled();
    expect(planned).toHaveAttribute("aria-invalid", "true");
    expect(planned).toHaveAccessibleDescription(/Enter a whole number from 1 to 1440\./);
    expect(planned).toHaveFocus();
  });
});

describe("Focus page: activities", () => {
  it("lists favorites first and moves an activity when starred or unstarred", async () => {
    const user = userEvent.setup();
    setup();
    await screen.findByTestId("activity-a-pomo");
    const favorites = screen.getByTestId("activity-favorites");
    const all = screen.getByTestId("activity-all");
    expect(rowIds(favorites)).toEqual(["activity-a-pomo"]);
    expect(rowIds(all)).toEqual(["activity-a-deep", "activity-a-read", "activity-a-mine"]);

    const star = screen.getByTestId("activity-fav-a-read");
    expect(star).toHaveAttribute("aria-pressed", "false");
    expect(star).toHaveAccessibleName("Add Reading to favorites");
    await user.click(star);
    expect(api.activityFavorite).toHaveBeenCalledWith("a-read");
    // Newest favorite first.
    await waitFor(() => expect(rowIds(favorites)).toEqual(["activity-a-read", "activity-a-pomo"]));
    expect(screen.getByTestId("activity-fav-a-read")).toHaveAttribute("aria-pressed", "true");

    await user.click(screen.getByTestId("activity-fav-a-pomo"));
    expect(api.activityUnfavorite).toHaveBeenCalledWith("a-pomo");
    await waitFor(() => expect(rowIds(favorites)).toEqual(["activity-a-read"]));
    expect(rowIds(all)).toContain("activity-a-pomo");
  });

  it("deletes only the user's own activities and adds new ones", async () => {
    const user = userEvent.setup();
    setup();
    await screen.findByTestId("activity-a-mine");
    expect(screen.queryByTestId("activity-delete-a-deep")).not.toBeInTheDocument();
    vi.mocked(api.activityDelete).mockResolvedValue(null);
    await user.click(screen.getByTestId("activity-delete-a-mine"));
    expect(api.activityDelete).toHaveBeenCalledWith("a-mine");

    vi.mocked(api.activityAdd).mockResolvedValue(fx.activity("a-new", "Flashcards", { is_builtin: false }));
    await user.click(screen.getByRole("button", { name: "New activity" }));
    const form = screen.getByTestId("activity-add-form");
    await user.type(within(form).getByLabelText("Name"), "Flashcards");
    await user.selectOptions(within(form).getByLabelText("Kind"), "review");
    await user.type(within(form).getByLabelText("Default length (minutes, optional)"), "15");
    await user.click(within(form).getByRole("button", { name: "Add activity" }));
    expect(api.activityAdd).toHaveBeenCalledWith({
      name: "Flashcards",
      kind: "review",
      description: null,
      default_duration_minutes: 15,
      emoji: null,
    });
  });
});

describe("Focus page: progress", () => {
  it("draws the year heatmap with labelled cells, and the streaks", async () => {
    setup();
    const heatmap = await screen.findByTestId("heatmap");
    const cells = heatmap.querySelectorAll("[data-testid^='heatmap-cell-']");
    expect(cells).toHaveLength(365);
    const today = screen.getByTestId("heatmap-cell-2026-11-22");
    expect(today).toHaveAttribute("data-minutes", "125");
    expect(today).toHaveAttribute("aria-label", "Sun, Nov 22, 2026: 125 min");
    expect(today.querySelector("title")).toHaveTextContent("Sun, Nov 22, 2026: 125 min");
    expect(screen.getByTestId("heatmap-cell-2026-01-01")).toHaveAttribute("aria-label", "Thu, Jan 1, 2026: no study");
    expect(screen.getByTestId("heatmap-cell-2026-01-01")).toHaveAttribute("data-minutes", "0");
    expect(screen.getByTestId("heatmap-summary")).toHaveTextContent(
      "250 minutes of study on 3 days from Sun, Nov 23, 2025 to Sun, Nov 22, 2026. Best day: Sun, Nov 22, 2026 (125 min).",
    );
    expect(screen.getByTestId("streak-current")).toHaveTextContent("3 days");
    expect(screen.getByTestId("streak-longest")).toHaveTextContent("12 days");
    expect(screen.getByTestId("stats-today")).toHaveTextContent("2 h 5 min");
  });

  it("reads each day with the arrow keys", async () => {
    const user = userEvent.setup();
    setup();
    const grid = await screen.findByRole("grid", { name: /Study minutes per day/ });
    act(() => grid.focus());
    expect(screen.getByTestId("heatmap-readout")).toHaveTextContent("Sun, Nov 22, 2026: 125 min");
    await user.keyboard("{ArrowUp}");
    expect(screen.getByTestId("heatmap-readout")).toHaveTextContent("Sat, Nov 21, 2026: 95 min");
    await user.keyboard("{ArrowLeft}");
    expect(screen.getByTestId("heatmap-readout")).toHaveTextContent("Sat, Nov 14, 2026: no study");
    expect(grid.getAttribute("aria-activedescendant")).toBe(
      document.querySelector("[data-testid='heatmap-cell-2026-11-14']")?.id,
    );
  });

  it("speaks Japanese with YYYY/MM/DD dates", async () => {
    await i18n.changeLanguage("ja");
    setup({ locale: "ja" });
    expect(await screen.findByTestId("heatmap-cell-2026-11-22")).toHaveAttribute("aria-label", "2026/11/22: 125 分");
    expect(screen.getByTestId("streak-current")).toHaveTextContent("3 日");
    expect(screen.getByRole("heading", { name: "集中", level: 1 })).toBeInTheDocument();
  });

  it("validates the targets form before saving", async () => {
    const user = userEvent.setup();
    setup();
    vi.mocked(api.focusSettingsUpdate).mockImplementation(async (s) => s);
    const form = await screen.findByTestId("focus-settings-form");
    const daily = within(form).getByLabelText("Daily target (minutes)");
    const rest = within(form).getByLabelText("Rest days per week");
    expect(daily).toHaveValue(120);
    await user.clear(rest);
    await user.type(rest, "7");
    await user.clear(daily);
    await user.click(within(form).getByRole("button", { name: "Save targets" }));
    expect(api.focusSettingsUpdate).not.toHaveBeenCalled();
    expect(daily).toHaveAttribute("aria-invalid", "true");
    expect(daily).toHaveFocus();
    expect(rest).toHaveAccessibleDescription(/Enter a whole number from 0 to 6\./);

    await user.type(daily, "90");
    await user.clear(rest);
    await user.type(rest, "2");
    await user.click(within(form).getByRole("button", { name: "Save targets" }));
    expect(api.focusSettingsUpdate).toHaveBeenCalledWith({
      daily_target_minutes: 90,
      weekly_target_hours: 10,
      rest_days_per_week: 2,
      idle_threshold_minutes: 5,
    });
    expect(await within(form).findByText("Saved.")).toBeInTheDocument();
  });

  it("enters immerse mode from its button", async () => {
    const user = userEvent.setup();
    const { onImmerse } = setup();
    await user.click(await screen.findByTestId("immerse-enter"));
    expect(onImmerse).toHaveBeenCalledTimes(1);
  });
});
