//! Sends the e-mail outbox while the app runs (issue 16: reports' files and alerts through
//! the user's SMTP server).
//!
//! Contract: a thread of its own, never the reminder scheduler's (a slow or silent mail
//! server, up to 20 s per step, must never delay a reminder), that thirty seconds after
//! start and then every [`EVERY`] of app-clock time calls
//! [`Studydesk::outbox_send_due`](studydesk_core::api::Studydesk::outbox_send_due): each
//! due message is claimed exactly once across processes (the OS timer's `--remind-once`
//! drains the same outbox), sent, and its outcome stored; a failure waits for its retry
//! time in the outbox, shown in Settings › Email and beside its report or alert. When
//! anything was sent or failed it emits [`EVENT`] so the UI refetches. Waits are app-clock
//! time ([`crate::periodic`]).

use crate::periodic::{self, Job, Pace};
use std::time::Duration;
use tauri::{AppHandle, Runtime};

pub const EVENT: &str = "outbox-changed";
/// How often the outbox is looked at (the shortest retry is a minute).
pub const EVERY: Duration = Duration::from_secs(30);
const FIRST_AFTER: Duration = Duration::from_secs(30);

/// Starts the thread (only when the database opened).
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let job = Job {
        thread: "mail-sender",
        without: "no e-mail is sent while the app runs",
        first_after: FIRST_AFTER,
        pace: Pace::App,
        failed: "could not send the e-mail outbox; retrying",
    };
    periodic::start_announcing(app, job, EVERY, EVENT, |sd| {
        let done = sd.outbox_send_due()?;
        for e in &done.errors {
            tracing::warn!(error = %e, "an e-mail could not be sent; it stays in the outbox for its retry");
        }
        Ok(done.sent + done.failed > 0)
    });
}
