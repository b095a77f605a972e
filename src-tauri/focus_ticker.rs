//! The background focus ticker: a thread that calls the core's
//! [`studydesk_core::focus::ticker::Ticker`] every [`TICK`] with the system idle source
//! and a desktop notifier, and emits `focus-changed` (payload null) to the UI when the
//! running session changed (idle detected, a pomodoro phase, a change made elsewhere
//! such as the CLI). Every decision is the core's; this file only loops.
//!
//! Started from `run()`'s setup, only when the database opened. The launch check (a
//! session left running by a crash becomes a recovery offer) runs synchronously in
//! [`start`], before the window can ask `session_recovery`.

use crate::idle::SystemIdle;
use crate::Backend;
use std::sync::Arc;
use std::time::Duration;
use studydesk_core::focus::ticker::Ticker;
use studydesk_core::notify::DesktopNotifier;
use tauri::{AppHandle, Emitter, Manager, Runtime};

/// How often the ticker looks. Idle thresholds are minutes and phases are minutes: two
/// seconds keeps notices punctual at no measurable cost (a few indexed reads).
pub const TICK: Duration = Duration::from_secs(2);
pub const EVENT: &str = "focus-changed";

pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let backend = app.state::<Backend>();
    let Ok(sd) = backend.get() else { return };
    let ticker = match Ticker::start(sd, Arc::new(DesktopNotifier::new("Studydesk"))) {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, "the focus ticker could not start; sessions still work without idle detection");
            return;
        }
    };
    let handle = app.clone();
    let spawned = std::thread::Builder::new().name("focus-ticker".into()).spawn(move || run(handle, ticker));
    if let Err(e) = spawned {
        tracing::error!(error = %e, "could not start the focus ticker thread");
    }
}

fn run<R: Runtime>(handle: AppHandle<R>, mut ticker: Ticker) {
    let idle = SystemIdle::detect();
    let backend = handle.state::<Backend>();
    let Ok(sd) = backend.get() else { return };
    let mut failing = false;
    loop {
        match ticker.tick(sd, &idle) {
            Ok(report) => {
                failing = false;
                if report.changed {
                    if let Err(e) = handle.emit(EVENT, ()) {
                        tracing::debug!(error = %e, "could not emit {EVENT}");
                    }
                }
            }
            // A busy database (another process writing) or a full disk: say it once per
            // run of failures and keep ticking.
            Err(e) if !failing => {
                failing = true;
                tracing::warn!(error = %e, "focus ticker: a tick failed; retrying");
            }
            Err(_) => {}
        }
        std::thread::sleep(TICK);
    }
}

/// Presence goes offline when the main window is gone (the app is closing).
pub fn on_window_event<R: Runtime>(window: &tauri::Window<R>, event: &tauri::WindowEvent) {
    if let tauri::WindowEvent::Destroyed = event {
        if let Ok(sd) = window.state::<Backend>().get() {
            if let Err(e) = sd.presence_offline() {
                tracing::warn!(error = %e, "could not set presence offline");
            }
        }
    }
}
