// Plain data shaped exactly like the Rust types, for component tests.
import type { Activity } from "../api/bindings/Activity";
import type { FocusSession } from "../api/bindings/FocusSession";
import type { FocusSettings } from "../api/bindings/FocusSettings";
import type { FocusStats } from "../api/bindings/FocusStats";
import type { Widget } from "../api/bindings/Widget";
import type { Workspace } from "../api/bindings/Workspace";
import type { AppState } from "../api/bindings/AppState";
import type { Assignment } from "../api/bindings/Assignment";
import type { HomeData } from "../api/bindings/HomeData";
import type { Task } from "../api/bindings/Task";
import type { UserSettings } from "../api/bindings/UserSettings";

/**
 * i64 fields arrive from Rust as JSON numbers; the cast keeps the fixtures compiling
 * whether the generated binding says `number` or `bigint`.
 */
export const int = (n: number) => n as unknown as Task["order_index"];

const T0 = "2026-11-22T02:14:56.123Z";
export const LIST_ID = "0193a000-0000-7000-8000-000000000001";
/** The local profile's id (`appState().profile.id`): rows carry it as `user_id`. */
export const USER_ID = "0193a000-0000-7000-8000-0000000000aa";

export function appState(over: Partial<AppState> = {}, settings: Partial<UserSettings> = {}): AppState {
  return {
    profile: { id: USER_ID, display_name: null, username: null, email: null, bio: null, created_at: T0 },
    settings: { preferred_locale: "en", theme: "light", timezone: "Asia/Tokyo", ...settings },
    onboarding_pending: false,
    data_dir: "/home/student/.local/share/studydesk",
    version: "0.1.0",
    ...over,
  };
}

export function task(id: string, description: string, over: Partial<Task> = {}): Task {
  return {
    id,
    list_id: LIST_ID,
    user_id: USER_ID,
    description,
    is_completed: false,
    completed_at: null,
    due_at: null,
    order_index: int(0),
    created_at: T0,
    updated_at: T0,
    ...over,
  };
}

export function assignment(id: string, title: string, over: Partial<Assignment> = {}): Assignment {
  return {
    id,
    user_id: USER_ID,
    course_id: null,
    title,
    status: null,
    due_at: null,
    timeframe: "later",
    notes: null,
    created_at: T0,
    updated_at: T0,
    ...over,
  };
}

export function home(over: Partial<HomeData> = {}): HomeData {
  return {
    today: {
      list: { id: LIST_ID, user_id: USER_ID, name: "Today", description: null, created_at: T0, updated_at: T0 },
      tasks: [
        task("t-a", "Read chapter 3", { order_index: int(0) }),
        task("t-b", "Problem set 5", { order_index: int(1), is_completed: true, completed_at: T0 }),
        task("t-c", "Email the lab partner", { order_index: int(2) }),
      ],
    },
    assignments: { overdue: [], this_week: [], this_month: [], later: [] },
    progress: {
      day: { scope: "day", value: int(40), target_value: int(100) },
      week: { scope: "week", value: int(55), target_value: int(100) },
      month: { scope: "month", value: int(70), target_value: int(100) },
      year: { scope: "year", value: int(12), target_value: int(100) },
    },
    focus_entries: [
      { id: "f-1", user_id: USER_ID, title: "Deep work", description: "Two blocks of 50 minutes", order_index: int(0), created_at: T0, updated_at: T0 },
    ],
    resources: [
      { id: "r-1", user_id: USER_ID, label: "Linear Algebra", emoji: "📐", url: "https://example.org/la", order_index: int(0), created_at: T0, updated_at: T0 },
    ],
    playlists: [
      {
        id: "p-1",
        user_id: USER_ID,
        title: "Lo-fi focus",
        provider: "youtube",
        embed_url: "https://www.youtube.com/embed/x",
        order_index: int(0),
        created_at: T0,
        updated_at: T0,
      },
    ],
    courses: [{ id: "c-1", user_id: USER_ID, name: "Linear Algebra", emoji: "📐", colour: null, created_at: T0, updated_at: T0 }],
    layout: { order: ["todo", "assignments", "progress", "focus_areas", "quick_links", "playlists"], hidden: [] },
    local_date: "2026-11-22",
    ...over,
  };
}

// ---- focus

export function activity(id: string, name: string, over: Partial<Activity> = {}): Activity {
  return {
    id,
    name,
    kind: "deep_work",
    description: null,
    default_duration_minutes: 50,
    emoji: null,
    is_builtin: true,
    user_id: null,
    created_at: T0,
    updated_at: T0,
    is_favorite: false,
    favorite_count: 0,
    ...over,
  };
}

export function session(over: Partial<FocusSession> = {}): FocusSession {
  return {
    id: "s-1",
    name: "Chapter 4",
    activity_id: null,
    activity_name: null,
    course_id: null,
    course_name: null,
    status: "active",
    started_at: "2026-11-22T01:00:00.000Z",
    ended_at: null,
    focused_seconds: 600,
    break_seconds: 0,
    as_of: "2026-11-22T01:10:00.000Z",
    config: { planned_minutes: null, pomodoro: null },
    phase: null,
    idle_since: null,
    planned_end_at: null,
    ...over,
  };
}

export function focusSettings(over: Partial<FocusSettings> = {}): FocusSettings {
  return { daily_target_minutes: 120, weekly_target_hours: 10, rest_days_per_week: 1, idle_threshold_minutes: 5, ...over };
}

export function focusStats(over: Partial<FocusStats> = {}): FocusStats {
  return {
    from: "2025-11-23",
    to: "2026-11-22",
    days: [
      { date: "2026-11-20", minutes: 30 },
      { date: "2026-11-21", minutes: 95 },
      { date: "2026-11-22", minutes: 125 },
    ],
    today_minutes: 125,
    week_minutes: 250,
    year_minutes: 250,
    current_streak: 3,
    longest_streak: 12,
    settings: focusSettings(),
    ...over,
  };
}

export function widget(id: string, kind: Widget["kind"], over: Partial<Widget> = {}): Widget {
  return { id, kind, title: null, x: 0, y: 0, w: 4, h: 3, settings: {}, ...over };
}

export function workspace(over: Partial<Workspace> = {}): Workspace {
  return {
    id: "ws-1",
    name: "Focus room",
    background: { kind: "color", color: "#0f172a", attachment: null },
    widgets: [widget("w-clock", "clock", { w: 4, h: 2 }), widget("w-timer", "timer", { x: 4 }), widget("w-todo", "todo", { x: 8, h: 5 })],
    ...over,
  };
}
