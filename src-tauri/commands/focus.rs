//! IPC commands of focus activities, favorites and sessions (docs/focus.md). Thin as
//! the others: deserialize, call one facade method, map errors to `{kind, message}`.
//! The background ticker (`focus_ticker.rs`) tells the UI to refetch with the
//! `focus-changed` event.

use super::{call, Reply};
use crate::Backend;
use studydesk_core::focus::activities::{Activity, NewActivity};
use studydesk_core::focus::sessions::{FocusSession, NewSession, RecoveryChoice, RecoveryOffer};
use studydesk_core::focus::timer::IdleChoice;
use tauri::State;

#[tauri::command(rename_all = "snake_case")]
pub async fn activity_list(b: State<'_, Backend>) -> Reply<Vec<Activity>> {
    call(&b, |s| s.activity_list())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn activity_add(b: State<'_, Backend>, input: NewActivity) -> Reply<Activity> {
    call(&b, |s| s.activity_add(input))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn activity_delete(b: State<'_, Backend>, id: String) -> Reply<()> {
    call(&b, |s| s.activity_delete(&id))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn activity_favorite(b: State<'_, Backend>, id: String) -> Reply<Activity> {
    call(&b, |s| s.activity_favorite(&id))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn activity_unfavorite(b: State<'_, Backend>, id: String) -> Reply<Activity> {
    call(&b, |s| s.activity_unfavorite(&id))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn session_current(b: State<'_, Backend>) -> Reply<Option<FocusSession>> {
    call(&b, |s| s.session_current())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn session_start(b: State<'_, Backend>, input: NewSession) -> Reply<FocusSession> {
    call(&b, |s| s.session_start(input))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn session_pause(b: State<'_, Backend>) -> Reply<FocusSession> {
    call(&b, |s| s.session_pause())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn session_resume(b: State<'_, Backend>) -> Reply<FocusSession> {
    call(&b, |s| s.session_resume())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn session_complete(b: State<'_, Backend>) -> Reply<FocusSession> {
    call(&b, |s| s.session_complete())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn session_abandon(b: State<'_, Backend>) -> Reply<FocusSession> {
    call(&b, |s| s.session_abandon())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn session_next_phase(b: State<'_, Backend>) -> Reply<FocusSession> {
    call(&b, |s| s.session_next_phase())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn session_resolve_idle(b: State<'_, Backend>, choice: IdleChoice) -> Reply<FocusSession> {
    call(&b, |s| s.session_resolve_idle(choice))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn session_recovery(b: State<'_, Backend>) -> Reply<Option<RecoveryOffer>> {
    call(&b, |s| s.session_recovery())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn session_recover(b: State<'_, Backend>, choice: RecoveryChoice) -> Reply<FocusSession> {
    call(&b, |s| s.session_recover(choice))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn session_history(b: State<'_, Backend>, limit: i64) -> Reply<Vec<FocusSession>> {
    call(&b, |s| s.session_history(limit))
}
