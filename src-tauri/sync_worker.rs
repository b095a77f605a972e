//! Background sync: a thread that runs a round (push, then pull) when the device is
//! signed in and there is a reason to: at start, [`DEBOUNCE`] after local changes stop
//! coming, and every [`PERIOD`]. After a failure it waits [`backoff`] (growing, jittered)
//! before trying again; when signed out it waits for the user to sign in. After a round
//! that moved anything, failed, or ended a run of failures it emits `sync-changed` so the
//! UI refetches what a pull may have changed and the status line; a quiet round (nothing
//! to push or pull) emits nothing, so views do not refetch every five minutes for nothing.
//! With sync off (never signed in) the thread only reads the status every few seconds:
//! no network. After a round that pulled something, likes and comments on the user's
//! posts that arrived are shown as native notifications (unless turned off).

use crate::Backend;
use std::time::{Duration, Instant};
use studydesk_core::notify::{DesktopNotifier, Notifier};
use studydesk_core::sync::{backoff, RoundReport, SyncPhase, DEBOUNCE, PERIOD};
use tauri::{AppHandle, Emitter, Manager, Runtime};

pub const EVENT: &str = "sync-changed";
const TICK: Duration = Duration::from_secs(1);

pub fn start<R: Runtime>(app: &AppHandle<R>) {
    if app.state::<Backend>().get().is_err() {
        return;
    }
    let handle = app.clone();
    if let Err(e) = std::thread::Builder::new().name("sync".into()).spawn(move || run(handle)) {
        tracing::error!(error = %e, "could not start the sync thread");
    }
}

/// A number in [0, 1) that differs between runs (for jitter; not security).
fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(Instant::now().elapsed().as_nanos());
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

fn run<R: Runtime>(handle: AppHandle<R>) {
    let backend = handle.state::<Backend>();
    let Ok(sd) = backend.get() else { return };
    let mut next_round = Instant::now();
    let mut failures = 0u32;
    let mut pending_seen: (i64, Instant) = (0, Instant::now());
    let notifier = DesktopNotifier::new("Studydesk");
    // Starts the count of responses already told (the first call announces nothing old).
    if let Err(e) = sd.response_notices() {
        tracing::debug!(error = %e, "could not read the responses to notify");
    }
    loop {
        std::thread::sleep(TICK);
        let Ok(status) = sd.sync_status() else { continue };
        if matches!(status.phase, SyncPhase::Off | SyncPhase::SignedOut) {
            failures = 0;
            next_round = Instant::now();
            continue;
        }
        // Local changes: wait until they stop coming for DEBOUNCE, then sync.
        if status.pending != pending_seen.0 {
            pending_seen = (status.pending, Instant::now());
        }
        let settled = status.pending > 0 && pending_seen.1.elapsed() >= DEBOUNCE && failures == 0;
        if Instant::now() < next_round && !settled {
            continue;
        }
        let failed_before = failures > 0;
        let changed = match sd.sync_now() {
            Ok(report) => {
                failures = 0;
                next_round = Instant::now() + PERIOD;
                report != RoundReport::default() || failed_before
            }
            Err(e) if e.kind() == "sync_not_ready" => {
                next_round = Instant::now() + Duration::from_secs(5);
                false
            }
            Err(e) => {
                failures += 1;
                next_round = Instant::now() + backoff(failures, jitter());
                tracing::info!(error = %e, failures, "sync round failed; retrying later");
                true
            }
        };
        if !changed {
            continue;
        }
        match sd.response_notices() {
            Ok(notices) => notices.into_iter().for_each(|n| notifier.notify(n)),
            Err(e) => tracing::warn!(error = %e, "could not read the responses to notify"),
        }
        if let Err(e) = handle.emit(EVENT, ()) {
            tracing::debug!(error = %e, "could not emit {EVENT}");
        }
    }
}
