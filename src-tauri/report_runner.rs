//! Scheduled reports while the app runs (issue 16 item 2), and the results my shared
//! dashboards show other accounts (item 3), on a thread of their own.
//!
//! Contract: a thread that, [`FIRST_AFTER`] after start (the launch catch-up of a run missed
//! while the computer was off, kept off the first screen's path) and then every [`EVERY`] of
//! app-clock time, calls
//! [`Studydesk::reports_run_due`](studydesk_core::api::Studydesk::reports_run_due): each due
//! report is claimed once across processes (this thread, the OS timer's `--remind-once`, the
//! CLI), rendered and written to its folder, one after another, on this thread. A report
//! can take seconds (a 300-page PDF), so it never runs in the reminder scheduler's turn,
//! where it would hold back a reminder due in that time. A report that failed keeps its
//! reason in `last_error` (the Reports panel shows it) and is logged; when any report ran,
//! good or failed, the thread emits [`EVENT`] (payload null) so the panel shows its new
//! last run. Schedules are to the minute, so checking twice a minute is on time. A second
//! thread, [`SHARED_EVERY`], computes the shared or public dashboards' widget results that
//! are missing or stale (`Studydesk::shared_results_refresh`, each widget at most every 15
//! minutes): reading a widget can take as long as a report, so it is kept off the reminder
//! scheduler too, and its failures are its own (a report run is announced all the same).

use crate::periodic::{self, Job, Pace, Turn};
use std::time::Duration;
use tauri::{AppHandle, Runtime};

pub const EVENT: &str = "reports-changed";
/// How often the due reports are looked for (a schedule's time is to the minute).
pub const EVERY: Duration = Duration::from_secs(30);
const FIRST_AFTER: Duration = Duration::from_secs(15);
/// How often the shared dashboards' stale results are looked for (each is at most 15
/// minutes old when its owner's app runs).
pub const SHARED_EVERY: Duration = Duration::from_secs(60);

/// Starts the two threads (only when the database opened).
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let job = Job {
        thread: "report-runner",
        without: "no scheduled reports while the app runs",
        first_after: FIRST_AFTER,
        pace: Pace::App,
        failed: "could not run the scheduled reports that are due; retrying",
    };
    periodic::start_announcing(app, job, EVERY, EVENT, |sd| {
        let runs = sd.reports_run_due()?;
        for run in &runs {
            match &run.error {
                Some(e) => tracing::warn!(report = %run.name, error = %e, "a scheduled report failed"),
                None => tracing::info!(report = %run.name, "a scheduled report was written"),
            }
        }
        Ok(!runs.is_empty())
    });
    let shared = Job {
        thread: "shared-results",
        without: "the dashboards I share show other accounts results as of my last read",
        first_after: FIRST_AFTER * 2,
        pace: Pace::App,
        failed: "could not refresh the results my shared dashboards show; retrying",
    };
    periodic::start(app, shared, |sd| Turn { outcome: sd.shared_results_refresh(false).map(|_| ()), next: SHARED_EVERY });
}
