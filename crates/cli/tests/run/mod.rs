//! Running `studydesk-cli` as a script does: a real process on a real data folder, with
//! the exit-code and output rules of the CLI (`error (<kind>): <reason>` on one line,
//! exit 1). Shared by the CLI's test files (`mod run;`; not a test target itself).
#![allow(dead_code)] // each test file uses its own part

use serde_json::Value;
use std::path::Path;
use std::io::Read;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

pub fn cli(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_studydesk-cli"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("STUDYDESK_DATA_DIR")
        .output()
        .expect("the CLI runs")
}

/// Stdout of a command that must succeed.
pub fn ok(dir: &Path, args: &[&str]) -> String {
    let out = cli(dir, args);
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Stdout of a command that must succeed, as JSON.
pub fn json(dir: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(dir, args)).unwrap()
}

/// The one-line error of a command that must fail with exit code 1 and print nothing on stdout.
pub fn fails(dir: &Path, args: &[&str]) -> String {
    let out = cli(dir, args);
    assert_eq!(out.status.code(), Some(1), "{args:?} should fail with 1");
    assert!(out.stdout.is_empty(), "{args:?} printed on stdout");
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    err
}

// ---- a real session bus (the notification tests; run under dbus-run-session)

pub fn have(bin: &str) -> bool {
    Command::new("sh").arg("-c").arg(format!("command -v {bin}")).output().is_ok_and(|o| o.status.success())
}

pub fn on_a_bus() -> bool {
    let ok = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some() && have("dbus-monitor");
    if !ok {
        eprintln!("skipped: no session bus or no dbus-monitor (run under dbus-run-session)");
    }
    ok
}

pub fn monitor() -> Child {
    let child = Command::new("dbus-monitor")
        .arg("--session")
        .arg("interface='org.freedesktop.Notifications',member='Notify'")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("dbus-monitor starts");
    std::thread::sleep(Duration::from_millis(500)); // let it register with the bus
    child
}

/// Stops the monitor and returns the `member=Notify` calls it saw, and its output.
pub fn notify_calls(mut child: Child) -> (usize, String) {
    std::thread::sleep(Duration::from_millis(500));
    let _ = child.kill();
    let mut text = String::new();
    if let Some(mut out) = child.stdout.take() {
        let _ = out.read_to_string(&mut text);
    }
    let _ = child.wait();
    (text.matches("member=Notify").count(), text)
}

