//! IPC commands of the notification center and of task and assignment reminders (issue 3).
//! Thin as the others: deserialize, call one facade method, map errors to `{kind, message}`.
//!
//! The writes emit nothing: the UI refetches after its own call; the scheduler emits
//! `notifications-changed` when it delivers reminders.

use super::{call, Reply};
use crate::Backend;
use studydesk_core::notifications::{Notification, NotificationList};
use studydesk_core::planner::calendar::NewReminder;
use studydesk_core::planner::item_reminders::{ItemRef, ItemReminder};
use tauri::State;

/// How many rows `notifications_list` returns when the UI does not say.
const DEFAULT_LIMIT: i64 = 100;

#[tauri::command(rename_all = "snake_case")]
pub async fn notifications_list(b: State<'_, Backend>, limit: Option<i64>) -> Reply<NotificationList> {
    call(&b, |s| s.notifications_list(limit.unwrap_or(DEFAULT_LIMIT)))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn notification_set_read(b: State<'_, Backend>, id: String, read: bool) -> Reply<Notification> {
    call(&b, |s| s.notification_set_read(&id, read))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn notifications_mark_all_read(b: State<'_, Backend>) -> Reply<i64> {
    call(&b, |s| s.notifications_mark_all_read())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn notifications_clear_all(b: State<'_, Backend>) -> Reply<i64> {
    call(&b, |s| s.notifications_clear_all())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn notification_snooze(
    b: State<'_, Backend>,
    id: String,
    minutes: Option<i64>,
    until: Option<String>,
) -> Reply<Notification> {
    call(&b, |s| s.notification_snooze(&id, minutes, until.as_deref()))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn item_reminders_get(b: State<'_, Backend>, item: ItemRef) -> Reply<Vec<ItemReminder>> {
    call(&b, |s| s.item_reminders_get(&item))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn item_reminders_set(
    b: State<'_, Backend>,
    item: ItemRef,
    reminders: Vec<NewReminder>,
) -> Reply<Vec<ItemReminder>> {
    call(&b, |s| s.item_reminders_set(&item, &reminders))
}
