//! IPC commands of sync (Settings › Sync). Those that talk to the server run on a
//! blocking thread: the core's HTTP client is synchronous, and the UI stays responsive.
//! After a sign-in, a sign-out (here or everywhere), a password change or "Sync now" the
//! shell emits `sync-changed`, as the background worker does after its rounds, so every
//! open view refetches.

use super::{call, Reply};
use crate::Backend;
use studydesk_core::error::ApiError;
use studydesk_core::sync::{check_password_change, Credentials, RefusedChange, RoundReport, SignInMode, SyncStatus};
use studydesk_core::api::Studydesk;
use tauri::{AppHandle, Emitter, Manager, Runtime, State};

/// Runs `f` on a blocking thread with the facade, then tells the UI that data may have changed.
async fn off_thread<R: Runtime, T: Send + 'static>(
    app: AppHandle<R>,
    f: impl FnOnce(&Studydesk) -> studydesk_core::Result<T> + Send + 'static,
) -> Reply<T> {
    let handle = app.clone();
    let result = tauri::async_runtime::spawn_blocking(move || call(&handle.state::<Backend>(), f))
        .await
        .map_err(|e| ApiError { kind: "internal".into(), message: format!("sync stopped unexpectedly: {e}") })?;
    if let Err(e) = app.emit(crate::sync_worker::EVENT, ()) {
        tracing::debug!(error = %e, "could not emit {}", crate::sync_worker::EVENT);
    }
    result
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_status(b: State<'_, Backend>) -> Reply<SyncStatus> {
    call(&b, |s| s.sync_status())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_sign_in<R: Runtime>(app: AppHandle<R>, mode: SignInMode, credentials: Credentials) -> Reply<SyncStatus> {
    off_thread(app, move |s| s.sync_sign_in(mode, &credentials)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_now<R: Runtime>(app: AppHandle<R>) -> Reply<RoundReport> {
    off_thread(app, |s| s.sync_now()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_logout<R: Runtime>(app: AppHandle<R>) -> Reply<SyncStatus> {
    off_thread(app, |s| s.sync_logout()).await
}

/// Signs every device of the account out, this one too (its key is revoked and deleted).
/// An unreachable server is an error: nothing was revoked.
#[tauri::command(rename_all = "snake_case")]
pub async fn sync_logout_everywhere<R: Runtime>(app: AppHandle<R>) -> Reply<SyncStatus> {
    off_thread(app, |s| s.sync_logout_everywhere()).await
}

/// Changes the account's password; the other devices are signed out, this one keeps
/// syncing with its new key. The lengths are checked here first (the server's limits), so
/// a refused password never leaves the device.
#[tauri::command(rename_all = "snake_case")]
pub async fn sync_change_password<R: Runtime>(
    app: AppHandle<R>,
    current_password: String,
    new_password: String,
) -> Reply<SyncStatus> {
    check_password_change(&current_password, &new_password)?;
    off_thread(app, move |s| s.sync_change_password(&current_password, &new_password)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_refused(b: State<'_, Backend>) -> Reply<Vec<RefusedChange>> {
    call(&b, |s| s.sync_refused())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_retry(b: State<'_, Backend>, id: i64) -> Reply<Vec<RefusedChange>> {
    call(&b, |s| s.sync_retry(id))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_discard(b: State<'_, Backend>, id: i64) -> Reply<Vec<RefusedChange>> {
    call(&b, |s| s.sync_discard(id))
}
