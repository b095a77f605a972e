//! Calendar subscriptions fetched in the background while the app runs (issue 18,
//! "Subscriptions").
//!
//! Contract: a thread that, [`FIRST_AFTER`] after start (the first screen comes first) and
//! then every [`EVERY`] of app-clock time, calls
//! [`Studydesk::calendar_subscriptions_refresh_due`](studydesk_core::api::Studydesk::calendar_subscriptions_refresh_due):
//! each enabled (not paused) subscription whose next fetch has come on this device is
//! fetched, one after another (the rule the headless turn shares, `subscriptions::refresh_due`), on this thread (the network never runs on the UI thread; the core
//! bounds each fetch in time and size and backs off a failing feed). When any fetch ran,
//! good or failed, it emits [`EVENT`] (payload null) so the UI refetches the calendar and
//! the subscriptions. A failed turn (the database) is logged once per run of failures
//! ([`crate::periodic`], which runs the loop).

use crate::periodic::{self, Job, Pace};
use std::time::Duration;
use studydesk_core::planner::calendar::subscriptions::RefreshOutcome;
use tauri::{AppHandle, Runtime};

pub const EVENT: &str = "subscriptions-changed";
/// How often the due subscriptions are looked for (the shortest interval is 15 minutes,
/// the first retry after a failure 5).
pub const EVERY: Duration = Duration::from_secs(60);
const FIRST_AFTER: Duration = Duration::from_secs(20);

/// Starts the thread (only when the database opened).
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let job = Job {
        thread: "subscription-refresher",
        without: "no background refresh of calendar subscriptions",
        first_after: FIRST_AFTER,
        pace: Pace::App,
        failed: "could not look for calendar subscriptions to refresh; retrying",
    };
    periodic::start_announcing(app, job, EVERY, EVENT, |sd| {
        let done = sd.calendar_subscriptions_refresh_due()?;
        for r in &done {
            match &r.result {
                RefreshOutcome::Failed { reason } => {
                    tracing::warn!(subscription = %r.subscription.id, %reason, "a calendar subscription could not be refreshed; the last good copy is kept")
                }
                other => tracing::info!(subscription = %r.subscription.id, outcome = ?other, "calendar subscription refreshed"),
            }
        }
        Ok(!done.is_empty())
    });
}
