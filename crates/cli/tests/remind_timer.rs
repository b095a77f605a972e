//! `remind timer install|uninstall|status` on Linux, against a fake `systemctl` first on
//! PATH that records its arguments (this tests our code around systemctl: the unit files
//! and the exact calls), with XDG_CONFIG_HOME in a temporary folder.
#![cfg(target_os = "linux")]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Sandbox {
    _root: tempfile::TempDir,
    bin: PathBuf,
    config: PathBuf,
    calls: PathBuf,
    data: PathBuf,
}

/// `systemctl` that appends its arguments to `calls` and exits with `code` (and for
/// `is-active` prints "active").
fn sandbox(code: i32) -> Sandbox {
    let root = tempfile::tempdir().unwrap();
    let bin = root.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let calls = root.path().join("calls.txt");
    let script = format!(
        "#!/bin/sh\necho \"$*\" >> '{}'\ncase \"$*\" in *is-active*) echo active;; esac\n[ {code} -ne 0 ] && echo 'Failed to connect to bus: No medium found' >&2\nexit {code}\n",
        calls.display()
    );
    let fake = bin.join("systemctl");
    std::fs::write(&fake, script).unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let data = root.path().join("My Study Data");
    Sandbox { config: root.path().join("config"), calls, bin, data, _root: root }
}

fn cli(s: &Sandbox, path: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_studydesk-cli"))
        .arg("--data-dir")
        .arg(&s.data)
        .args(args)
        .env_remove("STUDYDESK_DATA_DIR")
        .env("XDG_CONFIG_HOME", &s.config)
        .env("PATH", path)
        .output()
        .expect("the CLI runs")
}

fn with_fake(s: &Sandbox) -> String {
    format!("{}:{}", s.bin.display(), std::env::var("PATH").unwrap_or_default())
}

fn calls(s: &Sandbox) -> Vec<String> {
    std::fs::read_to_string(&s.calls).unwrap_or_default().lines().map(str::to_string).collect()
}

fn units(s: &Sandbox) -> (PathBuf, PathBuf) {
    let dir = s.config.join("systemd/user");
    (dir.join("studydesk-reminders.service"), dir.join("studydesk-reminders.timer"))
}

fn text(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn install_status_uninstall() {
    let s = sandbox(0);
    let out = cli(&s, &with_fake(&s), &["remind", "timer", "install"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (service, timer) = units(&s);
    let exe = std::fs::canonicalize(env!("CARGO_BIN_EXE_studydesk-cli")).unwrap();
    let exe = exe.to_str().unwrap();
    let service_text = text(&service);
    // The CLI names itself by its own path (current_exe), the data folder quoted (a space).
    let exec_line = service_text.lines().find(|l| l.starts_with("ExecStart=")).unwrap();
    assert!(exec_line.ends_with(&format!(" --data-dir \"{}\" remind run --once", s.data.display())), "{exec_line}");
    assert!(exec_line.contains("studydesk-cli"), "{exec_line}");
    assert!(exe.contains("studydesk-cli"));
    assert!(service_text.contains("Type=oneshot\n"));
    let timer_text = text(&timer);
    for line in ["OnCalendar=minutely", "Persistent=true", "Unit=studydesk-reminders.service", "WantedBy=timers.target"]
    {
        assert!(timer_text.contains(line), "{line} in {timer_text}");
    }
    assert_eq!(calls(&s), vec!["--user daemon-reload", "--user enable --now studydesk-reminders.timer"]);

    let out = cli(&s, &with_fake(&s), &["remind", "timer", "status"]);
    let status = String::from_utf8_lossy(&out.stdout);
    assert!(status.starts_with("installed, active: "), "{status}");

    let out = cli(&s, &with_fake(&s), &["remind", "timer", "uninstall"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!service.exists() && !timer.exists());
    assert_eq!(
        calls(&s)[3..],
        ["--user disable --now studydesk-reminders.timer".to_string(), "--user daemon-reload".to_string()]
    );
    let out = cli(&s, &with_fake(&s), &["remind", "timer", "status"]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("not installed"));
}

#[test]
fn a_failing_systemctl_leaves_nothing_and_says_why() {
    let s = sandbox(1);
    let out = cli(&s, &with_fake(&s), &["remind", "timer", "install"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("could not install the background reminder timer"), "{err}");
    assert!(err.contains("Failed to connect to bus"), "{err}");
    let (service, timer) = units(&s);
    assert!(!service.exists() && !timer.exists(), "nothing half-installed");
}

#[test]
fn no_systemctl_at_all() {
    let s = sandbox(0);
    // A PATH with no systemctl on it (only the empty fake-bin folder's sibling).
    let empty = s.bin.parent().unwrap().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let out = cli(&s, empty.to_str().unwrap(), &["remind", "timer", "install"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("systemctl was not found: the timer needs systemd's user manager"), "{err}");
    assert!(!units(&s).0.exists());
}
