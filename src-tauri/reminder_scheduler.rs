//! The background reminder scheduler: a thread that delivers due reminders through the
//! core and shows them natively.
//!
//! Contract: each turn calls `Studydesk::reminders_deliver_due` (claim, advance and the
//! notifications row commit in one transaction per reminder, so the CLI's `remind run`
//! or a second window on the same file cannot deliver one twice), then hands the notices
//! (`delivery::notices_for`: missed ones grouped) to a `DesktopNotifier` (off-thread, with
//! a timeout; it logs a warning when no notification server answers, and the in-app row
//! is there either way), then emits `notifications-changed` (payload null). It sleeps
//! until the next stored fire time but never more than [`MAX_SLEEP`]: the wake is computed
//! from absolute times each turn, so a suspend or a clock jump neither misses nor repeats.
//! The first turn runs at once, which is the launch catch-up of missed reminders.

use crate::Backend;
use std::time::Duration;
use studydesk_core::notify::{DesktopNotifier, Notifier};
use studydesk_core::planner::calendar::delivery::notices_for;
use tauri::{AppHandle, Emitter, Manager, Runtime};

pub const MAX_SLEEP: Duration = Duration::from_secs(30);
pub const EVENT: &str = "notifications-changed";

/// Starts the thread (only when the database opened).
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    if app.state::<Backend>().get().is_err() {
        return;
    }
    let handle = app.clone();
    let spawned = std::thread::Builder::new().name("reminder-scheduler".into()).spawn(move || run(handle));
    if let Err(e) = spawned {
        tracing::error!(error = %e, "could not start the reminder scheduler thread");
    }
}

fn run<R: Runtime>(handle: AppHandle<R>) {
    let backend = handle.state::<Backend>();
    let Ok(sd) = backend.get() else { return };
    let notifier = DesktopNotifier::new("Studydesk");
    let mut failing = false;
    loop {
        match sd.reminders_deliver_due() {
            Ok(delivered) => {
                failing = false;
                if !delivered.is_empty() {
                    for notice in notices_for(&delivered) {
                        notifier.notify(notice);
                    }
                    if let Err(e) = handle.emit(EVENT, ()) {
                        tracing::debug!(error = %e, "could not emit {EVENT}");
                    }
                }
            }
            // A busy database or a full disk: say it once per run of failures, keep going.
            Err(e) if !failing => {
                failing = true;
                tracing::warn!(error = %e, "reminder scheduler: delivery failed; retrying");
            }
            Err(_) => {}
        }
        let wake = sd.reminder_next_wake(MAX_SLEEP).unwrap_or(MAX_SLEEP);
        // Never spin: a reminder due "now" was just taken by this turn or another process.
        std::thread::sleep(wake.max(Duration::from_millis(250)));
    }
}
