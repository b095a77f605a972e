//! The real system idle source (`src-tauri/idle.rs`: X11 screensaver extension through
//! `user-idle`) on a real X display, feeding the core's ticker. Runs only when DISPLAY is
//! set; the test scripts run it under `xvfb-run` (no input reaches a fresh Xvfb, so its
//! idle time grows with the clock).

use std::process::Command;
use std::sync::Arc;
use std::time::Duration;
use studydesk_app::idle::SystemIdle;
use studydesk_core::api::Studydesk;
use studydesk_core::clock::ManualClock;
use studydesk_core::focus::idle::{IdleSource, IdleUnavailable};
use studydesk_core::focus::sessions::NewSession;
use studydesk_core::focus::ticker::Ticker;
use studydesk_core::notify::RecordingNotifier;

/// The real reading plus `extra`: the default threshold is 5 minutes, and a test does
/// not wait that long.
struct Plus<'a>(&'a SystemIdle, Duration);

impl IdleSource for Plus<'_> {
    fn idle_for(&self) -> Result<Duration, IdleUnavailable> {
        self.0.idle_for().map(|d| d + self.1)
    }
}

fn ran(cmd: &str, args: &[&str]) -> bool {
    Command::new(cmd).args(args).status().is_ok_and(|s| s.success())
}

#[test]
fn the_x11_idle_time_grows_without_input_resets_on_input_and_feeds_the_ticker() {
    if std::env::var_os("DISPLAY").is_none_or(|d| d.is_empty()) {
        eprintln!("skipped: DISPLAY is not set (scripts/test.sh runs this under xvfb-run)");
        return;
    }
    let source = SystemIdle::x11();
    let a = source.idle_for().expect("the X screensaver extension answers");
    std::thread::sleep(Duration::from_millis(1500));
    let b = source.idle_for().unwrap();
    assert!(b >= a + Duration::from_millis(1000), "idle grows without input: {a:?} then {b:?}");

    // Input (a synthetic pointer move through XTEST, else a screensaver reset) resets it.
    if ran("xdotool", &["mousemove_relative", "--", "1", "1"]) || ran("xset", &["s", "reset"]) {
        let c = source.idle_for().unwrap();
        assert!(c < b, "input resets the idle time: {b:?} then {c:?}");
    } else {
        eprintln!("neither xdotool nor xset could make input; reset not checked");
    }

    // Through the core: below the threshold nothing happens; past it, the span starts
    // when input stopped (now - idle time), and the count stops there.
    let dir = tempfile::tempdir().unwrap();
    let start = chrono::DateTime::parse_from_rfc3339("2026-11-22T01:00:00Z").unwrap().to_utc();
    let clock = ManualClock::new(start);
    let app = Studydesk::open(dir.path(), Arc::new(clock.clone())).unwrap();
    let mut ticker = Ticker::start(&app, Arc::new(RecordingNotifier::new())).unwrap();
    app.session_start(NewSession { name: Some("Xvfb".into()), ..Default::default() }).unwrap();
    for _ in 0..10 {
        clock.advance(chrono::Duration::minutes(1));
        ticker.tick(&app, &source).unwrap();
    }
    let s = app.session_current().unwrap().unwrap();
    assert!(s.idle_since.is_none(), "a few seconds of real idle time are below the threshold");
    clock.advance(chrono::Duration::minutes(1));
    assert!(ticker.tick(&app, &Plus(&source, Duration::from_secs(5 * 60))).unwrap().changed);
    let s = app.session_current().unwrap().unwrap();
    let since = chrono::DateTime::parse_from_rfc3339(s.idle_since.as_deref().expect("an idle span")).unwrap().to_utc();
    let now = start + chrono::Duration::minutes(11);
    assert!(since <= now - chrono::Duration::minutes(5) && since > now - chrono::Duration::minutes(7), "{since}");
    assert_eq!(s.focused_seconds, (since - start).num_seconds());
}
