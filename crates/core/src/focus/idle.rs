//! Idle detection for running focus sessions.
//!
//! Contract: the system's idle time (time since the last keyboard or mouse input) comes
//! from an [`IdleSource`]. The real one lives in the shell (`src-tauri/idle.rs`, X11
//! screensaver extension through `user-idle`), so neither the core nor the CLI links X11;
//! tests use [`ManualIdle`].
//!
//! [`observe_idle`] is called by the background ticker. When the idle time reaches the
//! user's threshold (`FocusSettings::idle_threshold_minutes`, default 5) while a session
//! counts focus time, it records an `idle_start` event at `now - idle_for`, so the count
//! stops at the moment input stopped (not when the threshold was crossed), and presence
//! turns `idle`. The span stays open until the user chooses
//! ([`crate::focus::sessions::resolve_idle`]): keep it as focus, count it as a break, or
//! discard it. Breaks of a pomodoro, a pause, and a phase waiting for the user are not
//! watched: nobody is expected at the keyboard then.

use crate::{Db, Result};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Why the idle time could not be read (no X display, Wayland, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdleUnavailable(pub String);

impl std::fmt::Display for IdleUnavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub trait IdleSource: Send + Sync {
    /// Time since the last user input.
    fn idle_for(&self) -> std::result::Result<Duration, IdleUnavailable>;
}

/// An idle time the test sets.
#[derive(Debug, Clone)]
pub struct ManualIdle(Arc<Mutex<std::result::Result<Duration, IdleUnavailable>>>);

impl ManualIdle {
    pub fn new() -> Self {
        ManualIdle(Arc::new(Mutex::new(Ok(Duration::ZERO))))
    }
    pub fn set(&self, idle_for: Duration) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Ok(idle_for);
    }
    pub fn fail(&self, why: &str) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Err(IdleUnavailable(why.to_string()));
    }
}

impl Default for ManualIdle {
    fn default() -> Self {
        Self::new()
    }
}

impl IdleSource for ManualIdle {
    fn idle_for(&self) -> std::result::Result<Duration, IdleUnavailable> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// A source that never has an answer (no display).
#[derive(Debug, Clone, Default)]
pub struct NoIdleSource(pub String);

impl IdleSource for NoIdleSource {
    fn idle_for(&self) -> std::result::Result<Duration, IdleUnavailable> {
        Err(IdleUnavailable(self.0.clone()))
    }
}

/// Records the start of an idle span when `idle_for` reached the user's threshold while
/// the running session counts focus. Returns true when it recorded one.
pub fn observe_idle(db: &Db, user_id: &str, idle_for: Duration) -> Result<bool> {
    let threshold = db.read(|c| crate::focus::settings::get(c, user_id))?.idle_threshold_minutes;
    if idle_for < Duration::from_secs(threshold.max(1) as u64 * 60) {
        return Ok(false);
    }
    let since = db.now() - chrono::Duration::from_std(idle_for).unwrap_or(chrono::Duration::zero());
    crate::focus::sessions::open_idle_span(db, user_id, since, "input")
}
