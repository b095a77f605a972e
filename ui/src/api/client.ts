// The one typed door between the UI and the Rust core. Components never call `invoke`
// directly: they call these functions (through react-query), and every rejection is an
// `ApiError` ({kind, message}) so the UI can always show the user a sentence.
import { convertFileSrc, invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { getCurrentWindow } from "@tauri-apps/api/window";
import type { ItemKind } from "./bindings/ItemKind";
import type { ItemRef } from "./bindings/ItemRef";
import type { ItemReminder } from "./bindings/ItemReminder";
import type { Notification } from "./bindings/Notification";
import type { NotificationList } from "./bindings/NotificationList";
import type { NotificationSnooze } from "./bindings/NotificationSnooze";
import type { ReminderItemKind } from "./bindings/ReminderItemKind";
import type { ReminderTable } from "./bindings/ReminderTable";
import type { Activity } from "./bindings/Activity";
import type { ApiError } from "./bindings/ApiError";
import { isApiError, toApiError } from "./apiError";
import type { AppState } from "./bindings/AppState";
import type { BackgroundSettings } from "./bindings/BackgroundSettings";
import type { BackgroundSettingsPatch } from "./bindings/BackgroundSettingsPatch";
import type { Credentials } from "./bindings/Credentials";
import type { RefusedChange } from "./bindings/RefusedChange";
import type { RefusedFile } from "./bindings/RefusedFile";
import type { RoundReport } from "./bindings/RoundReport";
import type { SignInMode } from "./bindings/SignInMode";
import type { SyncStatus } from "./bindings/SyncStatus";
import type { Assignment } from "./bindings/Assignment";
import type { CalendarEvent } from "./bindings/CalendarEvent";
import type { CalendarRange } from "./bindings/CalendarRange";
import type { EditScope } from "./bindings/EditScope";
import type { EventMove } from "./bindings/EventMove";
import type { EventUpdate } from "./bindings/EventUpdate";
import type { IcsImportReport } from "./bindings/IcsImportReport";
import type { NewEvent } from "./bindings/NewEvent";
import type { Course } from "./bindings/Course";
import type { DashboardLayout } from "./bindings/DashboardLayout";
import type { FocusEntry } from "./bindings/FocusEntry";
import type { FocusSession } from "./bindings/FocusSession";
import type { FocusSettings } from "./bindings/FocusSettings";
import type { FocusStats } from "./bindings/FocusStats";
import type { HomeData } from "./bindings/HomeData";
import type { IdleChoice } from "./bindings/IdleChoice";
import type { JsonValue } from "./bindings/serde_json/JsonValue";
import type { NewActivity } from "./bindings/NewActivity";
import type { NewReminder } from "./bindings/NewReminder";
import type { NewAssignment } from "./bindings/NewAssignment";
import type { NewFocusEntry } from "./bindings/NewFocusEntry";
import type { NewSession } from "./bindings/NewSession";
import type { NewStudyPlaylist } from "./bindings/NewStudyPlaylist";
import type { NewStudyResource } from "./bindings/NewStudyResource";
import type { NewTask } from "./bindings/NewTask";
import type { OnboardingChoice } from "./bindings/OnboardingChoice";
import type { RecoveryChoice } from "./bindings/RecoveryChoice";
import type { RecoveryOffer } from "./bindings/RecoveryOffer";
import type { SettingsPatch } from "./bindings/SettingsPatch";
import type { StudyPlaylist } from "./bindings/StudyPlaylist";
import type { StudyResource } from "./bindings/StudyResource";
import type { Task } from "./bindings/Task";
import type { UserSettings } from "./bindings/UserSettings";
import type { WidgetKind } from "./bindings/WidgetKind";
import type { WidgetPlace } from "./bindings/WidgetPlace";
import type { Workspace } from "./bindings/Workspace";

export type {
  ApiError,
  BackgroundSettings,
  BackgroundSettingsPatch,
  Credentials,
  RefusedChange,
  RefusedFile,
  RoundReport,
  SignInMode,
  SyncStatus,
  ItemKind,
  ItemRef,
  ItemReminder,
  Notification,
  NotificationList,
  NotificationSnooze,
  ReminderItemKind,
  ReminderTable,
};
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

// ---- focus: activities and favorites
export const activityList = () => call<Activity[]>("activity_list");
export const activityAdd = (input: NewActivity) => call<Activity>("activity_add", { input });
export const activityDelete = (id: string) => call<null>("activity_delete", { id });
export const activityFavorite = (id: string) => call<Activity>("activity_favorite", { id });
export const activityUnfavorite = (id: string) => call<Activity>("activity_unfavorite", { id });

// ---- focus: sessions
export const sessionCurrent = () => call<FocusSession | null>("session_current");
/** A second running session is refused with kind `conflict`. */
export const sessionStart = (input: NewSession) => call<FocusSession>("session_start", { input });
export const sessionPause = () => call<FocusSession>("session_pause");
export const sessionResume = () => call<FocusSession>("session_resume");
export const sessionComplete = () => call<FocusSession>("session_complete");
export const sessionAbandon = () => call<FocusSession>("session_abandon");
export const sessionNextPhase = () => call<FocusSession>("session_next_phase");
export const sessionResolveIdle = (choice: IdleChoice) => call<FocusSession>("session_resolve_idle", { choice });
export const sessionRecovery = () => call<RecoveryOffer | null>("session_recovery");
export const sessionRecover = (choice: RecoveryChoice) => call<FocusSession>("session_recover", { choice });
export const sessionHistory = (limit: number) => call<FocusSession[]>("session_history", { limit });

// ---- focus: progress
export const focusSettingsGet = () => call<FocusSettings>("focus_settings_get");
export const focusSettingsUpdate = (settings: FocusSettings) => call<FocusSettings>("focus_settings_update", { settings });
export const focusStats = () => call<FocusStats>("focus_stats");

// ---- immerse mode
export const workspaceList = () => call<Workspace[]>("workspace_list");
export const workspaceAdd = (name: string) => call<Workspace>("workspace_add", { name });
export const workspaceRename = (id: string, name: string) => call<Workspace>("workspace_rename", { id, name });
export const workspaceDelete = (id: string) => call<null>("workspace_delete", { id });
export const widgetAdd = (workspace_id: string, kind: WidgetKind) => call<Workspace>("widget_add", { workspace_id, kind });
export const widgetRemove = (id: string) => call<Workspace>("widget_remove", { id });
export const widgetUpdate = (id: string, title: string | null, settings: JsonValue) =>
  call<Workspace>("widget_update", { id, title, settings });
export const widgetLayout = (workspace_id: string, places: WidgetPlace[]) =>
  call<Workspace>("widget_layout", { workspace_id, places });
export const workspaceSetBackgroundColor = (id: string, color: string) =>
  call<Workspace>("workspace_set_background_color", { id, color });

/** Sends the file's bytes as the raw request body (no JSON, no base64). */
export async function workspaceSetBackgroundFile(workspaceId: string, file: File): Promise<Workspace> {
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    return await invoke<Workspace>("workspace_set_background_file", bytes, {
      headers: {
        "x-workspace-id": workspaceId,
        "x-file-name": encodeURIComponent(file.name),
        "content-type": file.type || "application/octet-stream",
      },
    });
  } catch (e) {
    throw toApiError(e);
  }
}

// ---- planner: calendar
export const eventAdd = (input: NewEvent) => call<CalendarEvent>("event_add", { input });
/** One typed line ("Study group tomorrow 15:00-16:30") parsed by the core. */
export const eventQuickAdd = (text: string) => call<CalendarEvent>("event_quick_add", { text });
export const eventGet = (id: string) => call<CalendarEvent>("event_get", { id });
export const eventUpdate = (input: EventUpdate) => call<CalendarEvent>("event_update", { input });
export const eventMove = (input: EventMove) => call<CalendarEvent>("event_move", { input });
export const eventDelete = (id: string, occurrence: string | null, scope: EditScope) =>
  call<null>("event_delete", { id, occurrence, scope });
/** Occurrences and due dates between two local dates (inclusive). */
export const calendarRange = (from: string, to: string) => call<CalendarRange>("calendar_range", { from, to });
export const icsExport = (from: string | null, to: string | null) => call<string>("ics_export", { from, to });
export const courseSetColour = (id: string, colour: string | null) => call<Course>("course_set_colour", { id, colour });

/** Sends the .ics file's bytes as the raw request body. */
export async function icsImport(file: File): Promise<IcsImportReport> {
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    return await invoke<IcsImportReport>("ics_import", bytes, { headers: { "content-type": "text/calendar" } });
  } catch (e) {
    throw toApiError(e);
  }
}

// ---- notifications, item reminders and background settings (issue 3)
export const notificationsList = (limit?: number) =>
  call<NotificationList>("notifications_list", limit === undefined ? {} : { limit });
export const notificationSetRead = (id: string, read: boolean) => call<Notification>("notification_set_read", { id, read });
/** Answers how many were marked read. */
export const notificationsMarkAllRead = () => call<number>("notifications_mark_all_read");
/** Answers how many were deleted. */
export const notificationsClearAll = () => call<number>("notifications_clear_all");
/** Snoozes a reminder notification for `minutes`, or until an instant (RFC 3339). */
export const notificationSnooze = (id: string, when: { minutes: number } | { until: string }) =>
  call<Notification>("notification_snooze", { id, ...when });
export const itemRemindersGet = (item: ItemRef) => call<ItemReminder[]>("item_reminders_get", { item });
export const itemRemindersSet = (item: ItemRef, reminders: NewReminder[]) =>
  call<ItemReminder[]>("item_reminders_set", { item, reminders });
export const backgroundSettingsGet = () => call<BackgroundSettings>("background_settings_get");
/** Fails (kind `io`, in words) when the OS side could not be done; the stored value is then unchanged. */
export const backgroundSettingsUpdate = (patch: BackgroundSettingsPatch) =>
  call<BackgroundSettings>("background_settings_update", { patch });

// ---- sync
export const syncStatus = () => call<SyncStatus>("sync_status");
/** Signs in (or creates the account) and runs a first round; can take a few seconds. */
export const syncSignIn = (mode: SignInMode, credentials: Credentials) =>
  call<SyncStatus>("sync_sign_in", { mode, credentials });
export const syncNow = () => call<RoundReport>("sync_now");
export const syncLogout = () => call<SyncStatus>("sync_logout");
/**
 * Signs every device of the account out, this one too (answers the signed-out status).
 * Fails (`sync_offline`, `sync_server`) when the server did not do it: nothing was revoked.
 */
export const syncLogoutEverywhere = () => call<SyncStatus>("sync_logout_everywhere");
/**
 * Changes the account's password: the other devices are signed out, this one stays signed
 * in. Fails with `validation` (lengths), `sync_wrong_password`, `sync_too_many_attempts`,
 * `sync_server` (busy), `sync_offline`.
 */
export const syncChangePassword = (currentPassword: string, newPassword: string) =>
  call<SyncStatus>("sync_change_password", { current_password: currentPassword, new_password: newPassword });
export const syncRefused = () => call<RefusedChange[]>("sync_refused");
export const syncRetry = (id: number) => call<RefusedChange[]>("sync_retry", { id });
export const syncDiscard = (id: number) => call<RefusedChange[]>("sync_discard", { id });

// ---- shell: events, files, window
/**
 * Calls `handler` on each `focus-changed` event of the shell (idle noticed, phase
 * changed). Answers the function that stops listening; outside the shell it listens to nothing.
 */
export async function onFocusChanged(handler: () => void): Promise<() => void> {
  try {
    return await listen("focus-changed", () => handler());
  } catch {
    return () => {};
  }
}

/** Calls `handler` on each `notifications-changed` event (a reminder was delivered). */
export async function onNotificationsChanged(handler: () => void): Promise<() => void> {
  try {
    return await listen("notifications-changed", () => handler());
  } catch {
    return () => {};
  }
}

/** Calls `handler` after each sync round of the shell (pulled changes may touch any page). */
export async function onSyncChanged(handler: () => void): Promise<() => void> {
  try {
    return await listen("sync-changed", () => handler());
  } catch {
    return () => {};
  }
}

/** The address the webview loads a local file (an attachment's absolute path) from. */
export function fileSrc(path: string): string {
  return convertFileSrc(path);
}

/** Puts the window in or out of full screen; false when the shell does not allow it. */
export async function setFullscreen(on: boolean): Promise<boolean> {
  try {
    await getCurrentWindow().setFullscreen(on);
    return true;
  } catch {
    return false;
  }
}
