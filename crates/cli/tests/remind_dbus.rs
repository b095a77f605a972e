//! `remind run --once --json` against a real session bus: one Notify call per due
//! reminder, none on a second run, and the notifications row written whether or not a
//! server answers.
//!
//! Runs only inside a session bus with `dbus-monitor` on PATH (scripts/test.sh:
//! `dbus-run-session -- cargo test -p studydesk-cli --test remind_dbus`); elsewhere each
//! test returns early, saying so. A notification server (dunst) is started when one is
//! installed and a display is set; without one the Notify call is still seen by the monitor
//! (the bus routes it, then answers with an error) and the CLI warns on stderr.

mod run;

use run::{cli, have, monitor, notify_calls, on_a_bus};
use std::path::Path;
use std::process::{Command, Stdio};

/// A database with one event whose reminder is due now.
fn due_event(dir: &Path) {
    let out = cli(dir, &["event", "add", "--title", "Quiz review", "--start", "2099-01-05T10:00", "--remind", "10"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Bring its fire time to a few seconds ago, as if the clock had reached it. A plain
    // connection has none of the app's capture triggers, which is fine for a fixture.
    let conn = rusqlite::Connection::open(dir.join("studydesk.db")).unwrap();
    let past = (chrono::Utc::now() - chrono::Duration::seconds(5)).format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
    conn.execute("UPDATE calendar_event_reminders SET fire_at = ?1, delivered_at = NULL", [past]).unwrap();
}

fn rows(dir: &Path) -> i64 {
    let conn = rusqlite::Connection::open(dir.join("studydesk.db")).unwrap();
    conn.query_row("SELECT count(*) FROM notifications WHERE type = 'reminder' AND title = 'Quiz review'", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn one_notify_call_then_none() {
    if !on_a_bus() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    due_event(d.path());
    let mut server = (have("dunst") && std::env::var_os("DISPLAY").is_some())
        .then(|| Command::new("dunst").stdout(Stdio::null()).stderr(Stdio::null()).spawn().ok())
        .flatten();
    let mon = monitor();
    let out = cli(d.path(), &["remind", "run", "--once", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    assert_eq!(list[0]["title"], "Quiz review");
    let (n, text) = notify_calls(mon);
    assert_eq!(n, 1, "exactly one Notify call:\n{text}");
    assert!(text.contains("\"Quiz review\""), "the title is sent:\n{text}");

    let mon = monitor();
    let out = cli(d.path(), &["remind", "run", "--once", "--json"]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "[]");
    let (n, text) = notify_calls(mon);
    assert_eq!(n, 0, "nothing the second time:\n{text}");
    assert_eq!(rows(d.path()), 1);
    if let Some(s) = server.as_mut() {
        let _ = s.kill();
        let _ = s.wait();
    }
}

#[test]
fn without_a_server_it_warns_and_still_writes_the_row() {
    if !on_a_bus() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    due_event(d.path());
    // A bus address nobody listens on: no server can answer.
    let out = Command::new(env!("CARGO_BIN_EXE_studydesk-cli"))
        .arg("--data-dir")
        .arg(d.path())
        .args(["remind", "run", "--once", "--json"])
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/studydesk-test-bus")
        .env_remove("STUDYDESK_DATA_DIR")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no notification server answered"));
    assert_eq!(rows(d.path()), 1);
}
