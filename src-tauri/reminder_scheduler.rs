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
//! Notices are in the user's language and carry snooze buttons where the platform has
//! them ([`action_handler`]: the same snooze as the notification center's).
//! Waits are app-clock time: with `--clock-rate N` the real sleep is the wait divided by
//! N, never below 250 ms ([`crate::periodic`], which runs the loop; a failed turn is
//! logged once per run of failures). After every turn the tray's "Next: ..." label is
//! refreshed (`tray::refresh`), so it is never more than 30 s old.
//! Each turn also evaluates the insights alerts that are due (`Studydesk::alert_check_now`:
//! each alert every 15 minutes, claimed in one transaction, so this thread, the OS timer's
//! `--remind-once` and the CLI notify once) and shows what fired with Snooze and Open
//! (`alert-snooze-N` snoozes the alert through `alert_snooze_from_notification`), then runs
//! the scheduled reports that are due (`Studydesk::reports_run_due`), and computes the
//! shared dashboards' widget results that are stale (`Studydesk::shared_results_refresh`).

use crate::periodic::{self, Job, Pace, Turn};
use crate::Backend;
use std::sync::Arc;
use std::time::Duration;
use studydesk_core::notify::{ActionHandler, DesktopNotifier, Notifier};
use studydesk_core::insights::alerts::evaluate::snooze_minutes as alert_snooze_minutes;
use studydesk_core::planner::calendar::delivery::{notices_for, snooze_minutes};
use tauri::{AppHandle, Emitter, Manager, Runtime};

pub const MAX_SLEEP: Duration = Duration::from_secs(30);
pub const EVENT: &str = "notifications-changed";

/// Starts the thread (only when the database opened).
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let job = Job {
        thread: "reminder-scheduler",
        without: "no reminders while the app runs",
        // The first turn at once: it is the launch catch-up of missed reminders.
        first_after: Duration::ZERO,
        pace: Pace::App,
        failed: "reminder scheduler: delivery failed; retrying",
    };
    let handle = app.clone();
    // Made by the first turn, on the scheduler's thread: it starts a worker of its own,
    // which a database that did not open (no turn ever) does not need.
    let mut notifier: Option<DesktopNotifier> = None;
    periodic::start(app, job, move |sd| {
        let notifier = notifier.get_or_insert_with(|| DesktopNotifier::with_actions("Studydesk", action_handler(handle.clone())));
        let outcome = sd.reminders_deliver_due().map(|delivered| {
            if !delivered.is_empty() {
                let notices = sd.reminder_notices(&delivered).unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "could not read the language; notices in English");
                    notices_for(&delivered, false)
                });
                for notice in notices {
                    notifier.notify(notice);
                }
                if let Err(e) = handle.emit(EVENT, ()) {
                    tracing::debug!(error = %e, "could not emit {EVENT}");
                }
            }
        });
        let outcome = outcome.and_then(|()| {
            let fired = sd.alert_check_now()?.delivered;
            if !fired.is_empty() {
                for notice in sd.alert_notices(&fired)? {
                    notifier.notify(notice);
                }
                if let Err(e) = handle.emit(EVENT, ()) {
                    tracing::debug!(error = %e, "could not emit {EVENT}");
                }
            }
            Ok(())
        });
        // Scheduled reports that are due (each claimed once across processes; a failure is
        // stored in the report's last_error, which the Reports panel shows).
        let outcome = outcome.and_then(|()| {
            for run in sd.reports_run_due()? {
                if let Some(e) = &run.error {
                    tracing::warn!(report = %run.name, error = %e, "a scheduled report failed");
                }
            }
            Ok(())
        });
        // The results my shared or public dashboards show other accounts, when missing or
        // stale (each widget at most every 15 minutes: `insights::results`).
        let outcome = outcome.and_then(|()| sd.shared_results_refresh(false).map(|_| ()));
        crate::tray::refresh(&handle);
        // Never spin: a reminder due "now" was just taken by this turn or another process
        // (the loop sleeps at least periodic::MIN_SLEEP).
        let next = sd.reminder_next_wake(MAX_SLEEP).unwrap_or(MAX_SLEEP);
        Turn { outcome, next }
    });
}

/// What a reminder notice's buttons do (`delivery::snooze_actions`): `snooze-N` snoozes
/// its notifications row N minutes through the core, as the notification center does;
/// `default` (a click on the notice) shows the window.
fn action_handler<R: Runtime>(handle: AppHandle<R>) -> ActionHandler {
    Arc::new(move |notification_id: &str, action: &str| {
        if action == "default" {
            crate::show_main_window(&handle);
            return;
        }
        if let Some(minutes) = alert_snooze_minutes(action) {
            let backend = handle.state::<Backend>();
            let snoozed = backend.get().map_err(|e| e.message).and_then(|sd| {
                sd.alert_snooze_from_notification(notification_id, minutes).map_err(|e| e.to_string())
            });
            match snoozed {
                Ok(_) => {
                    tracing::info!(minutes, "alert snoozed from its notice");
                    if let Err(e) = handle.emit(EVENT, ()) {
                        tracing::debug!(error = %e, "could not emit {EVENT}");
                    }
                }
                Err(e) => tracing::warn!(error = %e, "could not snooze the alert from its notice"),
            }
            return;
        }
        let Some(minutes) = snooze_minutes(action) else {
            tracing::debug!(action, "unknown notification action");
            return;
        };
        let backend = handle.state::<Backend>();
        let snoozed = backend.get().map_err(|e| e.message).and_then(|sd| {
            sd.notification_snooze(notification_id, Some(minutes), None::<&str>).map_err(|e| e.to_string())
        });
        match snoozed {
            Ok(_) => {
                tracing::info!(minutes, "reminder snoozed from its notice");
                if let Err(e) = handle.emit(EVENT, ()) {
                    tracing::debug!(error = %e, "could not emit {EVENT}");
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not snooze the reminder from its notice"),
        }
    })
}
