//! Scheduled refresh of data sources while the app runs (issue 15: "refreshed on demand
//! or on a schedule").
//!
//! Contract: a thread that, a minute after start (so it never competes with the first
//! screen) and then every [`EVERY`] of app-clock time, calls
//! [`Studydesk::source_refresh_due`](studydesk_core::api::Studydesk::source_refresh_due):
//! each REST or database source whose scheduled time has come on this device is fetched
//! again, one after another, on this thread (the network never runs on the UI thread).
//! When any refresh ran, good or failed, it emits [`EVENT`] (payload null) so the UI
//! refetches its data sources and the widgets over them. A failed refresh is logged (the
//! core records it on the source and waits one interval before the next try); a failed
//! turn is logged once per run of failures. Waits are app-clock time: with `--clock-rate
//! N` the real sleep is the wait divided by N ([`crate::periodic`], which runs the loop).

use crate::periodic::{self, Job, Pace};
use std::time::Duration;
use tauri::{AppHandle, Runtime};

pub const EVENT: &str = "sources-changed";
/// How often the schedule is checked (the shortest interval is 15 minutes).
pub const EVERY: Duration = Duration::from_secs(60);
const FIRST_AFTER: Duration = Duration::from_secs(60);

/// Starts the thread (only when the database opened).
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let job = Job {
        thread: "source-refresher",
        without: "no scheduled refresh of data sources",
        first_after: FIRST_AFTER,
        pace: Pace::App,
        failed: "could not check the data sources' refresh schedule; retrying",
    };
    periodic::start_announcing(app, job, EVERY, EVENT, |sd| {
        let done = sd.source_refresh_due()?;
        for r in &done {
            match &r.outcome {
                Ok(s) => tracing::info!(source = %r.id, rows = s.rows, "data source refreshed on its schedule"),
                Err(e) => tracing::warn!(source = %r.id, error = %e, "the scheduled refresh of a data source failed; trying again after its interval"),
            }
        }
        Ok(!done.is_empty())
    });
}
