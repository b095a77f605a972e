//! Sync with a Studydesk server (docs/sync.md): opt-in, and with it off nothing here runs
//! or touches the network.
//!
//! Contract:
//! - The local change log (`sync_changes`, filled by the capture triggers) is the queue.
//!   A batch is stamped with its id in a committed transaction before it is sent, so a
//!   resend after a crash is the same batch and the server's replay answers it.
//! - A change the server refuses moves to `sync_refused` ("could not sync") and never
//!   blocks the queue; the user retries or discards it.
//! - Each pulled page is applied in one local transaction with capture off (so pulled
//!   changes are not pushed back), merged against this device's own unsent writes by
//!   the shared rule of `studydesk_sync::merge`; the cursor moves in that transaction.
//! - The API key lives in `<data dir>/sync-key` (0600), never in the database, so a
//!   backup of the database carries no credential.
//! - Before a device's first sync the database is backed up.

mod apply;
mod files;
mod first;
mod mirror;
pub mod meta;
mod queue;
mod refused;
mod session;
pub mod skew;
mod status;
mod transport;

pub use apply::apply_page;
pub use files::RefusedFile;
pub use queue::{next_batch, record_result, Batch};
pub use refused::{discard, list_refused, retry, RefusedChange};
pub use session::{
    change_password, check_password_change, key_path, load_key, logout, logout_everywhere, sign_in, Credentials, SignInMode, NEW_PASSWORD_MIN_BYTES,
    PASSWORD_MAX_BYTES,
};
pub use status::{status, SyncPhase, SyncStatus};
pub use studydesk_sync::wire::{AccountFound, UsernameAvailability};
pub use transport::Remote;

use crate::db::WriteCtx;
use crate::error::SyncErrorKind;
use crate::{CoreError, Db, Result};

/// Changes per pull page: the most the server sends (fewer round trips and transactions).
const PAGE_SIZE: u32 = studydesk_sync::wire::MAX_BATCH_CHANGES as u32;

/// The write context of sync's own bookkeeping and of applying pulled changes: not
/// captured (it came from the server, or it is not user data), audited as sync.
fn sync_ctx(action: &str) -> WriteCtx {
    WriteCtx { actor_id: None, action: action.to_string(), capture: false, audit: true }
}

/// What one round did, for `sync now` and the status line.
#[derive(Debug, Clone, Default, serde::Serialize, ts_rs::TS, PartialEq, Eq)]
#[ts(export)]
pub struct RoundReport {
    pub pushed: u32,
    pub superseded: u32,
    pub refused: u32,
    pub pulled: u32,
    pub apply_errors: u32,
    /// Attachment files uploaded and downloaded, and refused (listed in the status).
    pub files_sent: u32,
    pub files_received: u32,
    pub files_refused: u32,
}

/// One sync round: push until the queue is empty, then pull until the server has no more.
/// Needs a signed-in device. Errors say whether to retry ([`SyncErrorKind::retryable`]).
pub fn sync_now(db: &Db, data_dir: &std::path::Path) -> Result<RoundReport> {
    let server = meta::get(db, meta::SERVER_URL)?
        .ok_or_else(|| CoreError::sync(SyncErrorKind::NotReady, "sync is off: sign in to a sync server first"))?;
    // The key is read under the lease: a password change holds it while it swaps the key,
    // so a round that waited for it does not send the revoked one (and record signed_out).
    let _lease = meta::Lease::claim(db)?;
    let key = load_key(data_dir)?
        .ok_or_else(|| CoreError::sync(SyncErrorKind::SignedOut, "signed out: sign in again to resume syncing"))?;
    let remote = Remote::new(&server, Some(key))?;
    let outcome = round(db, &remote, data_dir);
    meta::record_outcome(db, &outcome)?;
    outcome
}

fn round(db: &Db, remote: &Remote, data_dir: &std::path::Path) -> Result<RoundReport> {
    let mut report = RoundReport::default();
    first::ensure_done(db)?;
    // Files first, so an attachment's row rarely reaches another device before its file.
    // A failed upload does not hold the rows back: it is the round's error once they
    // are pushed and pulled (a network failure fails the push anyway).
    let uploaded = files::upload_new(db, remote, data_dir);
    // Clocks found in the future are corrected at most once a round: before the first push
    // when the known offset shows it (changes keep their queue order), else after the
    // first push answer that shows it; so a clock that keeps jumping cannot loop the round.
    let mut clocks_corrected = skew::correct_future_clocks(db)?.is_some();
    while let Some(batch) = next_batch(db)? {
        let sent = db.now();
        let result = remote.push(&batch.request(db.device_id()))?;
        skew::record_offset(db, skew::offset_ms(sent, db.now(), result.server_time_ms))?;
        let counts = record_result(db, &batch, &result)?;
        report.pushed += counts.pushed;
        report.superseded += counts.superseded;
        report.refused += counts.refused;
        if !clocks_corrected {
            if let Some(requeued) = skew::correct_future_clocks(db)? {
                clocks_corrected = true;
                report.refused = report.refused.saturating_sub(requeued);
            }
        }
    }
    loop {
        let cursor = meta::get(db, meta::CURSOR)?;
        let sent = db.now();
        let page = remote.pull(cursor.as_deref(), PAGE_SIZE)?;
        skew::record_offset(db, skew::offset_ms(sent, db.now(), page.server_time_ms))?;
        let applied = apply_page(db, &page)?;
        report.pulled += applied.applied;
        report.apply_errors += applied.errors;
        if !page.has_more {
            break;
        }
    }
    let downloaded = files::download_missing(db, remote, data_dir);
    // Files of pulled posts and profiles (mine were fetched just above as attachments).
    let shared = files::download_shared(db, remote, data_dir);
    if report.pulled > 0 {
        // Deleted posts and replaced pictures leave files nothing names.
        if let Err(e) = files::sweep(db, data_dir) {
            tracing::warn!(error = %e, "could not sweep the files no row names");
        }
    }
    let uploaded = uploaded?;
    (report.files_sent, report.files_refused) = (uploaded.sent, uploaded.refused);
    report.files_received = downloaded? + shared?;
    Ok(report)
}

/// Whether the signed-in account may take `name` as its @username on the sync server
/// (`GET /v1/usernames/{name}`): `None` when this device is not signed in (the name is then
/// checked against the names known here only), else the server's answer, with the reason
/// in words when it is not available. Advice for the profile form: the push that saves
/// the name is the claim, and the server refuses it there (`unique_conflict`) if another
/// account took it meanwhile.
pub fn username_available(db: &Db, data_dir: &std::path::Path, name: &str) -> Result<Option<UsernameAvailability>> {
    let Some(server) = meta::get(db, meta::SERVER_URL)? else { return Ok(None) };
    let Some(key) = load_key(data_dir)? else { return Ok(None) };
    Remote::new(&server, Some(key))?.username_available(name).map(Some)
}

/// The account that signs in with `email` on the sync server this device is signed in to
/// (`POST /v1/accounts/lookup`), with its public profile: whom a dashboard is shared with.
/// Refused in words when this device is not signed in, the email has no account there, or
/// it is the user's own.
pub fn lookup_account(db: &Db, data_dir: &std::path::Path, email: &str) -> Result<AccountFound> {
    let signed_out = || CoreError::validation("sign in to a sync server first: dashboards are shared with other accounts on it");
    let server = meta::get(db, meta::SERVER_URL)?.ok_or_else(signed_out)?;
    let key = load_key(data_dir)?.ok_or_else(signed_out)?;
    Remote::new(&server, Some(key))?.lookup_account(email)
}

/// How long to wait before retrying after `failures` failed rounds in a row: 1 s × 2ⁿ,
/// at most 5 minutes, with "full jitter" (`random` in [0, 1) picks a point of the window)
/// so many devices coming back online do not retry in step.
pub fn backoff(failures: u32, random: f64) -> std::time::Duration {
    const CAP_MS: f64 = 300_000.0;
    let window = (1000.0 * 2f64.powi(failures.min(20) as i32)).min(CAP_MS);
    std::time::Duration::from_millis((window * random.clamp(0.0, 1.0)).max(1000.0) as u64)
}

/// How often a signed-in device syncs when nothing happens.
pub const PERIOD: std::time::Duration = std::time::Duration::from_secs(300);
/// How long after a local change the background round starts (changes come in bursts).
pub const DEBOUNCE: std::time::Duration = std::time::Duration::from_secs(2);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_five_minutes_and_never_goes_below_a_second() {
        assert_eq!(backoff(0, 0.999).as_millis(), 1000);
        assert_eq!(backoff(3, 0.5).as_millis(), 4000);
        assert_eq!(backoff(30, 1.0).as_secs(), 300);
        assert_eq!(backoff(5, 0.0).as_millis(), 1000);
    }
}
