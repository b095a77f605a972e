// Plain data shaped exactly like the Rust types, for component tests.
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

export function appState(over: Partial<AppState> = {}, settings: Partial<UserSettings> = {}): AppState {
  return {
    profile: { id: "0193a000-0000-7000-8000-0000000000aa", display_name: null, username: null, email: null, bio: null, created_at: T0 },
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
    course_id: null,
    title,
    status: null,
    due_at: null,
    timeframe: null,
    notes: null,
    created_at: T0,
    updated_at: T0,
    ...over,
  };
}

export function home(over: Partial<HomeData> = {}): HomeData {
  return {
    today: {
      list: { id: LIST_ID, name: "Today", description: null, created_at: T0, updated_at: T0 },
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
    focus_entries: [{ id: "f-1", title: "Deep work", description: "Two blocks of 50 minutes", order_index: int(0) }],
    resources: [{ id: "r-1", label: "Linear Algebra", emoji: "📐", url: "https://example.org/la", order_index: int(0) }],
    playlists: [{ id: "p-1", title: "Lo-fi focus", provider: "youtube", embed_url: "https://www.youtube.com/embed/x", order_index: int(0) }],
    courses: [{ id: "c-1", name: "Linear Algebra", emoji: "📐", created_at: T0, updated_at: T0 }],
    layout: { order: ["todo", "assignments", "progress", "focus_areas", "quick_links", "playlists"], hidden: [] },
    local_date: "2026-11-22",
    ...over,
  };
}
