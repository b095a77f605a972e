//! The daily housekeeping while the app runs: the automatic backup and the prune of old history.
//!
//! Contract: a minute after start (so it never competes with the first screen), then every
//! hour, [`Studydesk::backup_daily`](studydesk_core::api::Studydesk::backup_daily) takes
//! today's copy if there is none yet and trims the old ones (the core's `db::backup` says
//! which are kept), and old history is pruned once a day
//! ([`Studydesk::history_prune_if_due`](studydesk_core::api::Studydesk::history_prune_if_due)).
//! A failure is logged and tried again the next hour; nothing waits on it.
//! The hours are wall-clock hours, whatever `--clock-rate` says. Runs only when the
//! database opened ([`crate::periodic`], which runs the loop).

use crate::periodic::{self, Job, Pace, Turn};
use std::time::Duration;
use tauri::{AppHandle, Runtime};

const FIRST_AFTER: Duration = Duration::from_secs(60);
const EVERY: Duration = Duration::from_secs(3600);

pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let job = Job { thread: "daily-backup", without: "no daily backups", first_after: FIRST_AFTER, pace: Pace::Real, failed: "the daily backup failed" };
    periodic::start(app, job, |sd| {
        match sd.backup_daily() {
            Ok(Some(path)) => tracing::info!(backup = %path.display(), "daily backup taken"),
            Ok(None) => {}
            // Logged here at every failed hour, not once per run as the loop would: each
            // one is another hour without today's copy.
            Err(e) => tracing::warn!(error = %e, "the daily backup failed; trying again in an hour"),
        }
        // The daily prune of old history (at most once a day, in bounded batches: the core
        // decides); never at start-up.
        match sd.history_prune_if_due() {
            Ok(Some(n)) if n > 0 => tracing::info!(pruned = n, "old history pruned"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not prune old history; trying again in an hour"),
        }
        Turn { outcome: Ok(()), next: EVERY }
    });
}
