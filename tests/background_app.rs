//! The real app binary in the background roles: `studydesk --remind-once` (headless, what
//! the OS timer runs), one instance per data folder, and closing the window with and
//! without a shown tray.
//!
//! scripts/test.sh runs this file under `xvfb-run -a dbus-run-session`. The headless test
//! needs neither (no window, and without a notification server it must still write the
//! row); the others need a display (and trayer + xdotool, from scripts/setup.sh --test)
//! and return early, saying so, without.

use serde_json::json;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};
use studydesk_core::api::Studydesk;

const APP: &str = env!("CARGO_BIN_EXE_studydesk");

/// A database with one event whose reminder is due now.
fn due_event(dir: &Path) {
    let sd = Studydesk::open(dir, studydesk_core::clock::system()).unwrap();
    let input: studydesk_core::planner::calendar::NewEvent = serde_json::from_value(json!({
        "title": "Quiz review", "start": "2099-01-05T10:00", "reminders": [{"minutes_before": 10}]
    }))
    .unwrap();
    sd.event_add(input).unwrap();
    drop(sd);
    // Bring its fire time to a few seconds ago, as if the clock had reached it (a plain
    // connection has none of the app's capture triggers, which is fine for a fixture).
    let conn = rusqlite::Connection::open(dir.join("studydesk.db")).unwrap();
    let past = (chrono::Utc::now() - chrono::Duration::seconds(5)).format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
    assert_eq!(
        conn.execute("UPDATE calendar_event_reminders SET fire_at = ?1, delivered_at = NULL", [past]).unwrap(),
        1
    );
}

fn rows(dir: &Path) -> i64 {
    let conn = rusqlite::Connection::open(dir.join("studydesk.db")).unwrap();
    conn.query_row("SELECT count(*) FROM notifications WHERE title = 'Quiz review'", [], |r| r.get(0)).unwrap()
}

fn remind_once(dir: &Path) -> (Output, Duration) {
    let started = Instant::now();
    let out = Command::new(APP)
        .arg("--remind-once")
        .arg("--data-dir")
        .arg(dir)
        .env_remove("STUDYDESK_DATA_DIR")
        .output()
        .expect("the app runs");
    (out, started.elapsed())
}

#[test]
fn remind_once_delivers_headless_exactly_once() {
    let d = tempfile::tempdir().unwrap();
    due_event(d.path());
    assert_eq!(rows(d.path()), 0);

    let (out, took) = remind_once(d.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Quiz review"), "stdout: {:?}", out.stdout);
    assert_eq!(rows(d.path()), 1);
    eprintln!("first run: {took:?}, stderr: {stderr}");

    let (out, took) = remind_once(d.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty(), "nothing more to deliver");
    assert_eq!(rows(d.path()), 1, "a second run delivers nothing");
    eprintln!("second run: {took:?}");
}

#[test]
fn remind_once_prints_a_hostile_title_without_its_escapes_and_overrides() {
    let d = tempfile::tempdir().unwrap();
    due_event(d.path());
    // A title as a feed or another device could write it: a window retitle, a screen clear,
    // a C1 CSI, a right-to-left override and a newline faking a second line.
    let conn = rusqlite::Connection::open(d.path().join("studydesk.db")).unwrap();
    let hostile = "Quiz\u{1b}]0;owned\u{7} review\u{1b}[2J\u{9b}1A \u{202E}fdp.exe\nfake\tcolumn";
    assert_eq!(conn.execute("UPDATE calendar_events SET title = ?1", [hostile]).unwrap(), 1);
    drop(conn);

    let (out, _) = remind_once(d.path());
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let unsafe_char = |c: char| (c.is_control() && c != '\n' && c != '\t') || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    assert!(!stdout.chars().any(unsafe_char), "{stdout:?}");
    let line = stdout.lines().find(|l| l.contains("Quiz")).unwrap_or_default();
    assert_eq!(stdout.lines().count(), 1, "one line, no fake one: {stdout:?}");
    assert_eq!(line.split('\t').nth(1), Some("Quiz]0;owned review[2J1A fdp.exe fake column"), "{stdout:?}");
}

#[test]
fn remind_once_fails_in_one_line() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("studydesk.db"), "not a database").unwrap();
    let (out, _) = remind_once(d.path());
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.starts_with("error (not_a_database): "), "{err}");
}

/// `studydesk --cli ARGS` (what the Linux packages' studydesk-cli script runs), with a
/// private config folder and `path` as PATH.
fn app_cli(dir: &Path, config: &Path, path: &str, args: &[&str]) -> Output {
    Command::new(APP)
        .arg("--cli")
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("STUDYDESK_DATA_DIR")
        .env("XDG_CONFIG_HOME", config)
        .env("PATH", path)
        .output()
        .expect("the app runs")
}

#[test]
fn the_app_runs_the_command_line_tool() {
    let root = tempfile::tempdir().unwrap();
    let (data, config, bin) = (root.path().join("My data"), root.path().join("config"), root.path().join("bin"));
    let path = std::env::var("PATH").unwrap_or_default();
    let out = app_cli(&data, &config, &path, &["sample-data"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = app_cli(&data, &config, &path, &["task", "list", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let tasks: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(tasks.iter().any(|t| t["description"] == "Draft the lab report introduction"), "{tasks:?}");
    // A usage error is clap's, as from studydesk-cli: exit 2, named studydesk-cli.
    let out = app_cli(&data, &config, &path, &["--bogus"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Usage: studydesk-cli"));

    // Its background timer is the app's own headless turn (the app has no `remind run`).
    // systemctl is a fake first on PATH that accepts every call.
    std::fs::create_dir_all(&bin).unwrap();
    let fake = bin.join("systemctl");
    std::fs::write(&fake, "#!/bin/sh\nexit 0\n").unwrap();
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let out = app_cli(&data, &config, &format!("{}:{path}", bin.display()), &["remind", "timer", "install"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let service = std::fs::read_to_string(config.join("systemd/user/studydesk-reminders.service")).unwrap();
    let exec = service.lines().find(|l| l.starts_with("ExecStart=")).unwrap();
    let app = std::fs::canonicalize(APP).unwrap();
    assert!(exec.starts_with(&format!("ExecStart={} --remind-once --data-dir", app.display())), "{exec}");
}

/// The app on `dir`, with its own home (the webview keeps data there) and logs to a file.
fn launch(dir: &Path, home: &Path) -> Child {
    Command::new(APP)
        .arg("--data-dir")
        .arg(dir)
        .env_remove("STUDYDESK_DATA_DIR")
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the app starts")
}

/// Waits until `child` exits (at most `limit`).
fn exit_within(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

struct Running(Vec<Child>);
impl Drop for Running {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

#[test]
fn one_instance_per_data_folder() {
    if std::env::var_os("DISPLAY").is_none() {
        eprintln!("skipped: no display (scripts/test.sh runs this under xvfb-run)");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut running = Running(vec![launch(one.path(), home.path())]);
    // The first claims the folder before it opens the database.
    let deadline = Instant::now() + Duration::from_secs(20);
    while !one.path().join("studydesk.instance.addr").exists() {
        assert!(Instant::now() < deadline, "the first app never claimed its folder");
        std::thread::sleep(Duration::from_millis(50));
    }

    let started = Instant::now();
    let mut second = launch(one.path(), home.path());
    let status = exit_within(&mut second, Duration::from_secs(10));
    running.0.push(second);
    let status = status.expect("the second launch on the same folder exits");
    assert_eq!(status.code(), Some(0));
    eprintln!("second launch on the same folder exited in {:?}", started.elapsed());

    running.0.push(launch(two.path(), home.path()));
    std::thread::sleep(Duration::from_secs(3));
    let first_alive = running.0[0].try_wait().unwrap().is_none();
    let other_alive = running.0[2].try_wait().unwrap().is_none();
    assert!(first_alive, "the first app keeps running");
    assert!(other_alive, "an app on another folder runs side by side");
}

/// What a window manager's close button does: WM_DELETE_WINDOW to each visible window
/// named "Studydesk" (found with xdotool).
#[cfg(target_os = "linux")]
fn close_main_window() {
    use x11::xlib;
    let out = Command::new("xdotool").args(["search", "--onlyvisible", "--name", "^Studydesk$"]).output().unwrap();
    let ids: Vec<u64> = String::from_utf8_lossy(&out.stdout).lines().filter_map(|l| l.trim().parse().ok()).collect();
    assert!(!ids.is_empty(), "no visible Studydesk window");
    // SAFETY: a display checked for null, used here only and closed once.
    unsafe {
        let d = xlib::XOpenDisplay(std::ptr::null());
        assert!(!d.is_null());
        let protocols = xlib::XInternAtom(d, c"WM_PROTOCOLS".as_ptr(), xlib::False);
        let delete = xlib::XInternAtom(d, c"WM_DELETE_WINDOW".as_ptr(), xlib::False);
        for id in ids {
            let mut ev: xlib::XEvent = std::mem::zeroed();
            ev.client_message.type_ = xlib::ClientMessage;
            ev.client_message.window = id;
            ev.client_message.message_type = protocols;
            ev.client_message.format = 32;
            ev.client_message.data.set_long(0, delete as std::os::raw::c_long);
            xlib::XSendEvent(d, id, xlib::False, 0, &mut ev);
        }
        xlib::XFlush(d);
        xlib::XCloseDisplay(d);
    }
}

#[cfg(target_os = "linux")]
fn have(bin: &str) -> bool {
    Command::new("sh").arg("-c").arg(format!("command -v {bin}")).output().is_ok_and(|o| o.status.success())
}

/// Closing the window: hidden to the tray when a tray is shown (trayer, an XEmbed tray),
/// a real quit without one.
#[cfg(target_os = "linux")]
#[test]
fn closing_the_window_keeps_the_app_in_a_shown_tray_only() {
    if std::env::var_os("DISPLAY").is_none() || !have("trayer") || !have("xdotool") {
        eprintln!("skipped: needs a display, trayer and xdotool (scripts/test.sh)");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    // Without a tray: the close quits.
    let bare = tempfile::tempdir().unwrap();
    let mut app = Running(vec![launch(bare.path(), home.path())]);
    std::thread::sleep(Duration::from_secs(5));
    close_main_window();
    assert!(exit_within(&mut app.0[0], Duration::from_secs(10)).is_some(), "no tray shown: closing quits");

    // With a tray: the close hides the window and the app keeps running.
    let mut tray = Command::new("trayer")
        .args(["--edge", "top", "--align", "right", "--widthtype", "pixel", "--width", "120"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let kept = tempfile::tempdir().unwrap();
    let mut app = Running(vec![launch(kept.path(), home.path())]);
    std::thread::sleep(Duration::from_secs(5));
    close_main_window();
    let exited = exit_within(&mut app.0[0], Duration::from_secs(3));
    let _ = tray.kill();
    let _ = tray.wait();
    assert!(exited.is_none(), "with a tray shown, closing hides the window and the app keeps running");
}
