//! `alert check --once --json` against a real session bus: one Notify call for an alert
//! that fires, none at the next check while it keeps
//! holding, and the notification-center row written either way.
//!
//! Runs only inside a session bus with `dbus-monitor` on PATH (scripts/test.sh:
//! `dbus-run-session -- cargo test -p studydesk-cli --test alerts_dbus`); elsewhere the
//! test returns early, saying so. A notification server (dunst) is started when one is
//! installed and a display is set, as for the reminders (`remind_dbus.rs`).

mod run;

use run::{have, monitor, notify_calls, ok, on_a_bus};
use std::path::Path;
use std::process::{Command, Stdio};

fn at(dir: &Path, at: &str, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--clock-from", at];
    all.extend_from_slice(args);
    serde_json::from_str(&ok(dir, &all)).unwrap()
}

fn rows(dir: &Path) -> i64 {
    let conn = rusqlite::Connection::open(dir.join("studydesk.db")).unwrap();
    conn.query_row("SELECT count(*) FROM notifications WHERE type = 'alert' AND title = 'Half an hour'", [], |r| r.get(0)).unwrap()
}

#[test]
fn one_notify_call_with_snooze_and_open_then_none() {
    if !on_a_bus() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["init"]);
    ok(d.path(), &["--clock-from", "2026-11-23T12:00:00Z", "alert", "add", "Half an hour", "--metric", "minutes_studied", "--above", "30"]);
    ok(d.path(), &["--clock-from", "2026-11-23T12:01:00Z", "session", "start", "--name", "Study"]);
    ok(d.path(), &["--clock-from", "2026-11-23T12:41:00Z", "session", "complete"]);
    let mut server = (have("dunst") && std::env::var_os("DISPLAY").is_some())
        .then(|| Command::new("dunst").stdout(Stdio::null()).stderr(Stdio::null()).spawn().ok())
        .flatten();

    let mon = monitor();
    let t = at(d.path(), "2026-11-23T12:45:00Z", &["alert", "check", "--once", "--json"]);
    assert_eq!(t["delivered"].as_array().map(Vec::len), Some(1), "{t}");
    let (n, text) = notify_calls(mon);
    assert_eq!(n, 1, "exactly one Notify call:\n{text}");
    assert!(text.contains("\"Half an hour\""), "the alert's name is the title:\n{text}");
    assert!(text.contains("\"minutes studied today: 40 (above 30)\""), "the value in words:\n{text}");
    // A one-shot process cannot wait for a button, so it offers none (as for reminders);
    // the running app's notices carry Snooze and Open (core test
    // `the_background_turn_shows_an_alert_with_snooze_and_open`).
    assert!(!text.contains("alert-snooze-60"), "no button nobody would answer:\n{text}");

    let mon = monitor();
    let t = at(d.path(), "2026-11-23T13:05:00Z", &["alert", "check", "--once", "--json"]);
    assert_eq!((t["evaluated"].as_i64(), t["delivered"].as_array().map(Vec::len)), (Some(1), Some(0)));
    let (n, text) = notify_calls(mon);
    assert_eq!(n, 0, "still holding: no second notice:\n{text}");
    assert_eq!(rows(d.path()), 1);
    if let Some(s) = server.as_mut() {
        let _ = s.kill();
        let _ = s.wait();
    }
}
