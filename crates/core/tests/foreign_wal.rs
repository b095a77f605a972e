//! A write-ahead log another copy of the database left (issue 18 item 3): moved aside and
//! refused, never replayed; this copy's own log after a crash is replayed as always.
//!
//! The crashes are real: the test binary runs itself as a child process that opens the
//! data folder, adds a task and aborts (no destructor, no clean close), leaving its log.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use studydesk_core::api::Studydesk;
use studydesk_core::clock::ManualClock;
use studydesk_core::planner::tasks::NewTask;

const CHILD_DIR: &str = "STUDYDESK_TEST_CHILD_DIR";
const CHILD_TASK: &str = "STUDYDESK_TEST_CHILD_TASK";

fn open(dir: &Path) -> studydesk_core::Result<Studydesk> {
    Studydesk::open(dir, Arc::new(ManualClock::new(common::start_time())))
}

fn tasks(app: &Studydesk) -> Vec<String> {
    let mut names: Vec<String> = app.task_list().unwrap().into_iter().map(|t| t.description).collect();
    names.sort();
    names
}

fn side(dir: &Path, suffix: &str) -> PathBuf {
    dir.join(format!("studydesk.db{suffix}"))
}

/// Run by the parent only: opens `CHILD_DIR`, adds `CHILD_TASK` and aborts.
#[test]
#[ignore = "the crashing child of the tests below"]
fn child_adds_a_task_and_crashes() {
    let (Some(dir), Some(task)) = (std::env::var_os(CHILD_DIR), std::env::var(CHILD_TASK).ok()) else { return };
    let app = open(Path::new(&dir)).unwrap();
    app.task_add(NewTask { list_id: None, description: task, due_at: None }).unwrap();
    std::process::abort();
}

fn crash_after_adding(dir: &Path, task: &str) {
    let status = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_adds_a_task_and_crashes", "--ignored", "--nocapture", "--test-threads=1"])
        .env(CHILD_DIR, dir)
        .env(CHILD_TASK, task)
        .status()
        .unwrap();
    assert!(!status.success(), "the child must crash");
    assert!(side(dir, "-wal").metadata().map(|m| m.len() > 32).unwrap_or(false), "the crash left a log with commits in it");
}

/// Two copies of one closed database, as a file-sync tool makes them.
fn two_copies() -> (tempfile::TempDir, tempfile::TempDir) {
    let a = common::open();
    a.app.task_add(NewTask { list_id: None, description: "shared".into(), due_at: None }).unwrap();
    let common::Fixture { dir: a_dir, app, .. } = a;
    drop(app);
    let b_dir = tempfile::tempdir().unwrap();
    std::fs::copy(side(a_dir.path(), ""), side(b_dir.path(), "")).unwrap();
    (a_dir, b_dir)
}

#[test]
fn this_copys_own_log_after_a_crash_is_replayed_without_alarm() {
    let (a, _) = two_copies();
    crash_after_adding(a.path(), "written just before the crash");
    let app = open(a.path()).expect("its own log is no alarm");
    assert_eq!(tasks(&app), ["shared", "written just before the crash"]);
    assert!(std::fs::read_dir(a.path()).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().contains("foreign")));
}

fn foreign_log_is_moved_aside(copy_the_mark_too: bool) {
    let (a, b) = two_copies();
    // Each computer works on its copy; A's app is killed with commits in its log, B's
    // closes cleanly.
    crash_after_adding(a.path(), "written on computer A");
    {
        let app = open(b.path()).unwrap();
        app.task_add(NewTask { list_id: None, description: "written on computer B".into(), due_at: None }).unwrap();
    }
    assert!(!side(b.path(), "-wal").exists());
    // The sync tool brings A's log (and maybe A's mark) over to B.
    let a_log = std::fs::read(side(a.path(), "-wal")).unwrap();
    std::fs::write(side(b.path(), "-wal"), &a_log).unwrap();
    if copy_the_mark_too {
        std::fs::copy(side(a.path(), "-walmark"), side(b.path(), "-walmark")).unwrap();
    }

    // What SQLite alone does with it: a copy of B opened plainly shows A's commit and
    // has lost B's (the danger this guards against).
    let c = tempfile::tempdir().unwrap();
    std::fs::copy(side(b.path(), ""), side(c.path(), "")).unwrap();
    std::fs::write(side(c.path(), "-wal"), &a_log).unwrap();
    {
        let raw = rusqlite::Connection::open(side(c.path(), "")).unwrap();
        let found = |t: &str| -> i64 { raw.query_row("SELECT count(*) FROM tasks WHERE description = ?1", [t], |r| r.get(0)).unwrap() };
        assert_eq!((found("written on computer A"), found("written on computer B")), (1, 0), "SQLite replays a foreign log");
    }

    let err = open(b.path()).err().expect("another copy's log is refused");
    let message = err.to_string();
    assert!(message.contains("another copy of this database"), "{message}");
    assert!(message.contains("was NOT applied"), "{message}");
    let moved: Vec<PathBuf> = std::fs::read_dir(b.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("studydesk.db-wal.foreign-"))
        .collect();
    assert_eq!(moved.len(), 1, "the log is moved aside, not deleted");
    assert!(message.contains(&moved[0].display().to_string()), "the message says where it went: {message}");
    assert_eq!(std::fs::read(&moved[0]).unwrap(), a_log, "moved untouched");
    assert!(!side(b.path(), "-wal").exists());

    // The next open continues with B's own data; A's commit was not laid over it.
    let app = open(b.path()).unwrap();
    assert_eq!(tasks(&app), ["shared", "written on computer B"]);
    assert!(app.db().doctor().unwrap().ok);
}

#[test]
fn another_copys_log_is_moved_aside_and_refused() {
    foreign_log_is_moved_aside(false);
}

#[test]
fn another_copys_log_with_its_mark_is_moved_aside_and_refused() {
    foreign_log_is_moved_aside(true);
}

#[test]
fn a_clean_close_leaves_no_log_and_marks_none() {
    let f = common::open();
    let common::Fixture { dir, app, .. } = f;
    drop(app);
    assert!(!side(dir.path(), "-wal").exists());
    let mark = std::fs::read_to_string(side(dir.path(), "-walmark")).unwrap();
    assert!(mark.starts_with("none"), "{mark}");
    // And an ordinary reopen is no alarm.
    open(dir.path()).unwrap();
}
