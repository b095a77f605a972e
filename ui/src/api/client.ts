// The one typed door between the UI and the Rust core. Components never call `invoke`
// directly: they call these functions (through react-query), and every rejection is an
// `ApiError` ({kind, message}) so the UI can always show the user a sentence.
import { invoke } from "@tauri-apps/api/core";
import type { ApiError } from "./bindings/ApiError";
import { isApiError, toApiError } from "./apiError";
import type { AppState } from "./bindings/AppState";
import type { Assignment } from "./bindings/Assignment";
import type { Course } from "./bindings/Course";
import type { DashboardLayout } from "./bindings/DashboardLayout";
import type { FocusEntry } from "./bindings/FocusEntry";
import type { HomeData } from "./bindings/HomeData";
import type { NewAssignment } from "./bindings/NewAssignment";
import type { NewFocusEntry } from "./bindings/NewFocusEntry";
import type { NewStudyPlaylist } from "./bindings/NewStudyPlaylist";
import type { NewStudyResource } from "./bindings/NewStudyResource";
import type { NewTask } from "./bindings/NewTask";
import type { OnboardingChoice } from "./bindings/OnboardingChoice";
import type { SettingsPatch } from "./bindings/SettingsPatch";
import type { StudyPlaylist } from "./bindings/StudyPlaylist";
import type { StudyResource } from "./bindings/StudyResource";
import type { Task } from "./bindings/Task";
import type { UserSettings } from "./bindings/UserSettings";

export type { ApiError };
export { isApiError, toApiError };

async function call<T>(command: string, args: Record<string, unknown> = {}): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toApiError(e);
  }
}

// ---- app
export const appState = () => call<AppState>("app_state");
export const onboardingComplete = (choice: OnboardingChoice) =>
  call<AppState>("onboarding_complete", { choice });
export const homeGet = () => call<HomeData>("home_get");

// ---- tasks
export const taskAdd = (input: NewTask) => call<Task>("task_add", { input });
export const taskRename = (id: string, description: string) =>
  call<Task>("task_rename", { id, description });
export const taskSetCompleted = (id: string, completed: boolean) =>
  call<Task>("task_set_completed", { id, completed });
export const taskSetDue = (id: string, due_at: string | null) => call<Task>("task_set_due", { id, due_at });
/** `ordered_ids` must list every task of the list exactly once. */
export const taskReorder = (list_id: string, ordered_ids: string[]) =>
  call<Task[]>("task_reorder", { list_id, ordered_ids });
export const taskDelete = (id: string) => call<null>("task_delete", { id });

// ---- courses and assignments
export const courseAdd = (name: string, emoji: string | null) => call<Course>("course_add", { name, emoji });
export const courseDelete = (id: string) => call<null>("course_delete", { id });
export const assignmentAdd = (input: NewAssignment) => call<Assignment>("assignment_add", { input });
export const assignmentUpdate = (id: string, input: NewAssignment) =>
  call<Assignment>("assignment_update", { id, input });
export const assignmentDelete = (id: string) => call<null>("assignment_delete", { id });

// ---- Home content
export const focusEntryAdd = (input: NewFocusEntry) => call<FocusEntry[]>("focus_entry_add", { input });
export const focusEntryDelete = (id: string) => call<null>("focus_entry_delete", { id });
export const resourceAdd = (input: NewStudyResource) => call<StudyResource[]>("resource_add", { input });
export const resourceDelete = (id: string) => call<null>("resource_delete", { id });
export const playlistAdd = (input: NewStudyPlaylist) => call<StudyPlaylist[]>("playlist_add", { input });
export const playlistDelete = (id: string) => call<null>("playlist_delete", { id });

// ---- settings and layout
export const settingsUpdate = (patch: SettingsPatch) => call<UserSettings>("settings_update", { patch });
export const layoutUpdate = (layout: DashboardLayout) => call<DashboardLayout>("layout_update", { layout });
