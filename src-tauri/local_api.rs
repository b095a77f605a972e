//! The local HTTP API while the app runs (issue 16 item 4; `crates/local-api`).
//!
//! Contract: every 2 seconds (wall time) the setting (Settings › API keys: on/off, port;
//! off by default) is read, and the API is started on 127.0.0.1 or stopped to match; a
//! port change restarts it. A port that cannot be bound (in use) is logged once per run of
//! failures and tried again. Runs only when the database opened ([`crate::periodic`]).
//! Following the setting by reading it keeps the shell thin: the command that saves it is
//! the core's, declared once, and this job is the only place that acts on it.

use crate::periodic::{self, Job, Pace, Turn};
use crate::Backend;
use std::time::Duration;
use studydesk_core::CoreError;
use studydesk_local_api::Running;
use tauri::{AppHandle, Manager, Runtime};

const EVERY: Duration = Duration::from_secs(2);

pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let host = app.state::<Backend>().local_api_host();
    let job = Job { thread: "local-api", without: "no local API", first_after: Duration::ZERO, pace: Pace::Real, failed: "the local API could not start" };
    let mut running: Option<Running> = None;
    periodic::start(app, job, move |sd| {
        let outcome = sd.local_api_settings_get().and_then(|want| {
            let wanted_port = want.enabled.then_some(want.port);
            if running.as_ref().map(|r| r.port) != wanted_port {
                // Stopped first: a port change must free the old port before binding the new.
                if running.take().is_some() {
                    tracing::info!("the local API stopped");
                }
                if let Some(port) = wanted_port {
                    let r = studydesk_local_api::spawn(host.clone(), port)
                        .map_err(|e| CoreError::io(format!("could not listen on 127.0.0.1:{port}"), e))?;
                    tracing::info!(port, "the local API listens on 127.0.0.1");
                    running = Some(r);
                }
            }
            Ok(())
        });
        Turn { outcome, next: EVERY }
    });
}
