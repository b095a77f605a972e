//! The sync status in words, as the Settings page and `sync status --json` show it.

use super::{load_key, meta};
use crate::{Db, Result};
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, Serialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SyncPhase {
    /// Sync was never set up on this device.
    Off,
    /// The device was signed out (or its key revoked): sign in again to resume.
    SignedOut,
    /// Everything made here has reached the server.
    Synced,
    /// Changes wait to be sent.
    Pending,
    /// The last attempt could not reach the server.
    Offline,
    /// The last attempt failed for another reason (see `last_error`).
    Error,
}

#[derive(Debug, Clone, Serialize, TS, PartialEq, Eq)]
#[ts(export)]
pub struct SyncStatus {
    pub phase: SyncPhase,
    pub server_url: Option<String>,
    pub email: Option<String>,
    pub account_id: Option<String>,
    /// Local changes not yet accepted by the server.
    pub pending: i64,
    /// Changes the server refused ("could not sync").
    pub refused: i64,
    /// Pulled changes this device could not apply.
    pub apply_errors: i64,
    pub last_sync_at: Option<String>,
    pub last_error: Option<String>,
    /// How far the server's clock is from this device's, in milliseconds (positive: this
    /// device is behind), when sync found it off by half a minute or more; clocks of
    /// synced changes are corrected by it, reminders and timers are not.
    pub clock_offset_ms: Option<i64>,
    /// Attachment files the server would not take (offered again a day later).
    pub refused_files: Vec<super::RefusedFile>,
}

pub fn status(db: &Db, data_dir: &std::path::Path) -> Result<SyncStatus> {
    let signed_in = load_key(data_dir)?.is_some();
    db.read(|c| {
        let count = |sql: &str| -> Result<i64> { Ok(c.query_row(sql, [], |r| r.get(0))?) };
        let pending = count("SELECT count(*) FROM sync_changes WHERE pushed_at IS NULL")?;
        let error: Option<serde_json::Value> =
            meta::read(c, meta::LAST_ERROR)?.as_deref().and_then(|t| serde_json::from_str(t).ok());
        let server_url = meta::read(c, meta::SERVER_URL)?;
        let error_kind = error.as_ref().and_then(|e| e["kind"].as_str().map(str::to_string));
        let phase = match (&server_url, signed_in, error_kind.as_deref()) {
            (None, _, _) => SyncPhase::Off,
            (Some(_), false, _) | (Some(_), true, Some("sync_signed_out")) => SyncPhase::SignedOut,
            (Some(_), true, Some("sync_offline")) => SyncPhase::Offline,
            (Some(_), true, Some(_)) => SyncPhase::Error,
            (Some(_), true, None) if pending > 0 => SyncPhase::Pending,
            (Some(_), true, None) => SyncPhase::Synced,
        };
        Ok(SyncStatus {
            phase,
            server_url,
            email: meta::read(c, meta::EMAIL)?,
            account_id: meta::read(c, meta::ACCOUNT_ID)?,
            pending,
            refused: count("SELECT count(*) FROM sync_refused")?,
            apply_errors: count("SELECT count(*) FROM sync_apply_errors")?,
            last_sync_at: meta::read(c, meta::LAST_OK_AT)?,
            last_error: error.and_then(|e| e["message"].as_str().map(str::to_string)),
            clock_offset_ms: meta::read(c, crate::db::CLOCK_OFFSET_KEY)?.and_then(|v| v.parse().ok()),
            refused_files: super::files::refused_files(c)?,
        })
    })
}
