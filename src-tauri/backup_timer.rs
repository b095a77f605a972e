//! The daily automatic backup while the app runs.
//!
//! Contract: a minute after start (so it never competes with the first screen), then every
//! hour, [`Studydesk::backup_daily`](studydesk_core::api::Studydesk::backup_daily) takes
//! today's copy if there is none yet and trims the old ones (the core's `db::backup` says
//! which are kept). A failure is logged and tried again the next hour; nothing waits on it.

use crate::Backend;
use std::time::Duration;
use tauri::{AppHandle, Manager, Runtime};

const FIRST_AFTER: Duration = Duration::from_secs(60);
const EVERY: Duration = Duration::from_secs(3600);

pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    let spawned = std::thread::Builder::new().name("daily-backup".into()).spawn(move || {
        std::thread::sleep(FIRST_AFTER);
        loop {
            if let Ok(studydesk) = app.state::<Backend>().get() {
                match studydesk.backup_daily() {
                    Ok(Some(path)) => tracing::info!(backup = %path.display(), "daily backup taken"),
                    Ok(None) => {}
                    Err(e) => tracing::warn!(error = %e, "the daily backup failed; trying again in an hour"),
                }
            }
            std::thread::sleep(EVERY);
        }
    });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "no daily backups: could not start their thread");
    }
}
