// The one typed door between the UI and the Rust core. Components never call `invoke`
// directly: they call these functions (through react-query), and every rejection is an
// `ApiError` ({kind, message}) so the UI can always show the user a sentence.
import { convertFileSrc } from "@tauri-apps/api/core";
import { emit, listen } from "@tauri-apps/api/event";
import { getCurrentWindow } from "@tauri-apps/api/window";
import type { ItemKind } from "./bindings/ItemKind";
import type { ItemRef } from "./bindings/ItemRef";
import type { ItemReminder } from "./bindings/ItemReminder";
import type { Notification } from "./bindings/Notification";
import type { NotificationList } from "./bindings/NotificationList";
import type { NotificationSnooze } from "./bindings/NotificationSnooze";
import type { ReminderItemKind } from "./bindings/ReminderItemKind";
import type { ReminderTable } from "./bindings/ReminderTable";
import type { ApiError } from "./bindings/ApiError";
import { isApiError, toApiError } from "./apiError";
import * as commands from "./commands";
import type { BackgroundSettings } from "./bindings/BackgroundSettings";
import type { BackgroundSettingsPatch } from "./bindings/BackgroundSettingsPatch";
import type { Credentials } from "./bindings/Credentials";
import type { RefusedChange } from "./bindings/RefusedChange";
import type { RefusedFile } from "./bindings/RefusedFile";
import type { RoundReport } from "./bindings/RoundReport";
import type { SignInMode } from "./bindings/SignInMode";
import type { SyncStatus } from "./bindings/SyncStatus";
import type { IcsImportReport } from "./bindings/IcsImportReport";
import type { MediaFile } from "./bindings/MediaFile";
import type { CustomEmoji } from "./bindings/CustomEmoji";
import type { WidgetImage } from "./bindings/WidgetImage";
import type { DataSource } from "./bindings/DataSource";
import type { WidgetKind } from "./bindings/WidgetKind";
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

// Every command declared in the core (crates/core/src/api/*.rs) has its typed function in
// ./commands (generated); this module re-exports them, adapts the few whose UI signature is
// friendlier than the command's arguments (a File instead of its bytes, among them), and
// adds the shell's events, files and window.
export * from "./commands";
export type { CommandErrors, LocalErrorKind, ServerErrorKind } from "./commands";

/** Snoozes a reminder notification for `minutes`, or until an instant (RFC 3339). */
export const notificationSnooze = (id: string, when: { minutes: number } | { until: string }): Promise<Notification> =>
  // The one not given is left out of the request (undefined), as the command expects.
  commands.notificationSnooze(id, ("minutes" in when ? when.minutes : undefined) as number | null, ("until" in when ? when.until : undefined) as string | null);
export const widgetAdd = (workspace_id: string, kind: WidgetKind): Promise<Workspace> => commands.widgetAdd(workspace_id, kind);

// ---- files sent as the raw request body (declared `raw` in the core: no JSON, no base64)
/** Reads the file and sends its bytes as the workspace's background. */
export async function workspaceSetBackgroundFile(workspaceId: string, file: File): Promise<Workspace> {
  return commands.workspaceSetBackgroundFile(await fileBytes(file), workspaceId, file.name);
}

/** Reads the file and stores it as my attachment for a post's media, an avatar or a banner (checked by content in the core). */
export async function postMediaAdd(file: File): Promise<MediaFile> {
  return commands.postMediaAdd(await fileBytes(file), file.name);
}

/** Reads the image and adds it as my custom emoji `:shortcode:` (checked by content in the core). */
export async function customEmojiAdd(file: File, shortcode: string, name: string | null): Promise<CustomEmoji> {
  return commands.customEmojiAdd(await fileBytes(file), shortcode, name);
}

/** Reads the picture and stores it for an image widget (checked by content in the core). */
export async function insightsImageAdd(file: File): Promise<WidgetImage> {
  return commands.insightsImageAdd(await fileBytes(file), file.name);
}

/** Reads the .ics file and imports its bytes. */
export async function icsImport(file: File): Promise<IcsImportReport> {
  return commands.icsImport(await fileBytes(file));
}

/** Reads the CSV file and adds it as my data source `name` (the file's name when blank). */
export async function sourceAddCsv(file: File, name: string): Promise<DataSource> {
  return commands.sourceAddCsv(await fileBytes(file), name, file.name);
}

/** Reads the CSV file and replaces my source's file and rows with it (a refused file keeps the old ones). */
export async function sourceReimportCsv(file: File, id: string): Promise<DataSource> {
  return commands.sourceReimportCsv(await fileBytes(file), id, file.name);
}

async function fileBytes(file: File): Promise<Uint8Array> {
  try {
    return new Uint8Array(await file.arrayBuffer());
  } catch (e) {
    throw toApiError(e);
  }
}

// ---- shell: events, files, window
/**
 * A listener of one event the shell emits (payload null): it calls `handler` on each and
 * answers the function that stops listening; outside the shell it listens to nothing.
 */
function shellEvent(name: string): (handler: () => void) => Promise<() => void> {
  return async (handler) => {
    try {
      return await listen(name, () => handler());
    } catch {
      return () => {};
    }
  };
}

let firstScreenSaid = false;
/**
 * Tells the shell, once, that the first screen (Home, onboarding or an error) is about to
 * render in the user's theme and language (boot.tsx): the window is created hidden and
 * shown then (src-tauri/window_reveal.rs), mapping while React renders. Outside the shell
 * it does nothing.
 */
export function firstScreenReady(): void {
  if (firstScreenSaid) return;
  firstScreenSaid = true;
  // The page's background, which the window takes while the first frame is drawn.
  const background = pageBackground();
  emit("first-screen-ready", background ? { background } : null).catch(() => {});
}

/** `<html>`'s background colour as [r, g, b], or null when it is not an opaque rgb(). */
export function pageBackground(): [number, number, number] | null {
  const m = /^rgba?\((\d+), (\d+), (\d+)(?:, (1|0?\.\d+))?\)$/.exec(getComputedStyle(document.documentElement).backgroundColor);
  if (!m || (m[4] !== undefined && m[4] !== "1")) return null;
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** The focus phase changed or idle was noticed. */
export const onFocusChanged = shellEvent("focus-changed");
/** A reminder or an alert was delivered. */
export const onNotificationsChanged = shellEvent("notifications-changed");
/** A sync round of the shell ended (pulled changes may touch any page). */
export const onSyncChanged = shellEvent("sync-changed");
/** The shell refreshed data sources on their schedule (good or failed). */
export const onSourcesChanged = shellEvent("sources-changed");
/** The shell fetched calendar subscriptions that were due (good or failed). */
export const onSubscriptionsChanged = shellEvent("subscriptions-changed");
/** The shell ran scheduled reports (good or failed). */
export const onReportsChanged = shellEvent("reports-changed");

/** Calls `handler` after the shell's mail sender sent or failed an e-mail of the outbox. */
export async function onOutboxChanged(handler: () => void): Promise<() => void> {
  try {
    return await listen("outbox-changed", () => handler());
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
