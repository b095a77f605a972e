//! The system's idle time (time since the last keyboard or mouse input) for focus
//! sessions: the real [`IdleSource`] of the app, through the `user-idle` crate (X11
//! screensaver extension on Linux, native APIs on macOS and Windows).
//!
//! Contract: [`SystemIdle::idle_for`] never crashes the app and never blocks for long.
//! On Linux it answers only in an X11 session whose display opens. `user-idle` opens and
//! closes a display per query and does not check `XOpenDisplay` (a null display would
//! crash the process), so [`SystemIdle`] holds a display connection of its own for its
//! whole life: an X server resets (refusing connections, zeroing the idle time) when its
//! last client leaves, which is exactly what a bare Xvfb does between two queries. In a
//! Wayland session it declines: through XWayland the X idle counter only sees input to X
//! windows, so typing into Wayland windows (ours included) would look like being away.
//! The ticker logs the reason once and goes on without idle detection.

use std::time::Duration;
use studydesk_core::focus::idle::{IdleSource, IdleUnavailable};

pub struct SystemIdle {
    unavailable: Option<String>,
    #[cfg(target_os = "linux")]
    _keepalive: Option<Keepalive>,
}

/// A display connection held open (never used for requests) so the X server does not
/// reset between two idle queries.
#[cfg(target_os = "linux")]
struct Keepalive(*mut x11::xlib::Display);

// SAFETY: the pointer is only passed to XCloseDisplay, once, on drop; no request is ever
// made on this connection from any thread.
#[cfg(target_os = "linux")]
unsafe impl Send for Keepalive {}
#[cfg(target_os = "linux")]
unsafe impl Sync for Keepalive {}

#[cfg(target_os = "linux")]
impl Drop for Keepalive {
    fn drop(&mut self) {
        // SAFETY: a display XOpenDisplay returned, closed exactly once.
        unsafe {
            x11::xlib::XCloseDisplay(self.0);
        }
    }
}

impl SystemIdle {
    /// The idle source for this desktop session.
    pub fn detect() -> SystemIdle {
        #[cfg(target_os = "linux")]
        {
            let wayland = std::env::var_os("WAYLAND_DISPLAY").is_some_and(|v| !v.is_empty())
                || std::env::var("XDG_SESSION_TYPE").is_ok_and(|v| v.eq_ignore_ascii_case("wayland"));
            if wayland {
                return SystemIdle {
                    unavailable: Some(
                        "Wayland session: the X11 idle time does not see input to Wayland windows".into(),
                    ),
                    _keepalive: None,
                };
            }
            Self::x11()
        }
        #[cfg(not(target_os = "linux"))]
        SystemIdle { unavailable: None }
    }

    /// The X11 idle time of `$DISPLAY`, whatever the session type (tests under Xvfb).
    #[cfg(target_os = "linux")]
    pub fn x11() -> SystemIdle {
        if std::env::var_os("DISPLAY").is_none_or(|v| v.is_empty()) {
            return SystemIdle { unavailable: Some("no X display (DISPLAY is not set)".into()), _keepalive: None };
        }
        // SAFETY: XOpenDisplay returns null or a display that Keepalive closes on drop.
        let display = unsafe { x11::xlib::XOpenDisplay(std::ptr::null()) };
        if display.is_null() {
            return SystemIdle { unavailable: Some("the X display could not be opened".into()), _keepalive: None };
        }
        SystemIdle { unavailable: None, _keepalive: Some(Keepalive(display)) }
    }
}

/// Calls `XInitThreads` before any other Xlib use in the process (GTK's included), so
/// the idle query on the ticker thread and the window's Xlib calls may run side by side.
pub fn init() {
    #[cfg(target_os = "linux")]
    // SAFETY: called once at the start of `run()`, before anything opens a display.
    unsafe {
        x11::xlib::XInitThreads();
    }
}

impl IdleSource for SystemIdle {
    fn idle_for(&self) -> Result<Duration, IdleUnavailable> {
        if let Some(why) = &self.unavailable {
            return Err(IdleUnavailable(why.clone()));
        }
        user_idle::UserIdle::get_time()
            .map(|u| u.duration())
            .map_err(|e| IdleUnavailable(format!("the X screensaver extension did not answer: {e}")))
    }
}
