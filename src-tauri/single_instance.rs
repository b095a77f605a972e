//! One running app per data folder, through `studydesk_core::background::instance` (a
//! lock file in the folder and a loopback "show yourself" message; that module says why
//! not tauri-plugin-single-instance: it cannot be per folder on macOS and Windows, needs
//! a session bus on Linux, and would compile zbus).
//!
//! Contract: [`claim_or_exit`] runs before the database opens. A second launch on the
//! same folder asks the first to show its window and exits 0 (1 with a one-line error
//! when the first did not answer); the first keeps running. When the folder cannot be
//! locked the app starts anyway (logged). [`serve`] (from `setup`) answers later launches
//! by showing and focusing the main window.

use std::path::PathBuf;
use studydesk_core::background::instance::{self, Claim, Primary};
use tauri::{AppHandle, Runtime};

/// How long a restarted app waits for the one that started it to exit.
const RESTART_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

/// Claims the data folder, or ends this process when another one runs it. A process
/// started by [`crate::restart`] waits for its predecessor's lock instead.
pub fn claim_or_exit(data_dir_arg: Option<PathBuf>) -> Option<Primary> {
    let dir = match studydesk_core::paths::data_dir(data_dir_arg.as_deref()) {
        Ok(dir) => dir,
        // The database open reports this one to the user.
        Err(_) => return None,
    };
    let claimed = if crate::restarted() {
        instance::claim_after_restart(&dir, RESTART_WAIT)
    } else {
        instance::claim(&dir)
    };
    match claimed {
        Ok(Claim::Primary(primary)) => Some(primary),
        Ok(Claim::Secondary { asked: Ok(()) }) => {
            tracing::info!(dir = %dir.display(), "Studydesk already runs on this data folder: showed its window");
            std::process::exit(0);
        }
        Ok(Claim::Secondary { asked: Err(why) }) => {
            eprintln!("error (conflict): Studydesk already runs on {} but did not answer: {why}", dir.display());
            std::process::exit(1);
        }
        Ok(Claim::Unlocked(why)) => {
            tracing::warn!("{why}; a second Studydesk could open this folder too");
            None
        }
        Err(e) => {
            tracing::warn!(error = %e, "could not check for another Studydesk on this folder");
            None
        }
    }
}

/// Shows the main window whenever a second launch asks.
pub fn serve<R: Runtime>(primary: Option<Primary>, app: &AppHandle<R>) {
    let Some(primary) = primary else { return };
    let handle = app.clone();
    if let Err(e) = primary.serve(move || crate::show_main_window(&handle)) {
        tracing::warn!(error = %e, "a second launch will not bring this window forward");
    }
}
