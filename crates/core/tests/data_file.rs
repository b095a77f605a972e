//! A data file that survives damage (issue 18): a damaged file is found at open before
//! anything writes to it, automatic backups rotate and check themselves, a restore puts a
//! backup in place and keeps what it replaced, and what is readable can be exported.

mod common;

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use studydesk_core::api::Studydesk;
use studydesk_core::clock::ManualClock;
use studydesk_core::db::{backup, health, salvage};
use studydesk_core::planner::tasks::NewTask;
use studydesk_core::CoreError;

fn add_task(app: &Studydesk, text: &str) {
    app.task_add(NewTask { list_id: None, description: text.into(), due_at: None }).unwrap();
}

fn task_names(app: &Studydesk) -> Vec<String> {
    let mut names: Vec<String> = app.task_list().unwrap().into_iter().map(|t| t.description).collect();
    names.sort();
    names
}

fn digest(path: &Path) -> Vec<u8> {
    Sha256::digest(std::fs::read(path).unwrap()).to_vec()
}

/// A closed database with a few tasks; returns its folder and file.
fn closed_database() -> (tempfile::TempDir, PathBuf) {
    let fx = common::open();
    for i in 0..50 {
        add_task(&fx.app, &format!("task {i} {}", "x".repeat(200)));
    }
    let common::Fixture { dir, app, .. } = fx;
    let db = app.db().path().to_path_buf();
    drop(app);
    assert!(!wal(&db).exists(), "closing folds the write-ahead log into the file");
    (dir, db)
}

fn wal(db: &Path) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push("-wal");
    PathBuf::from(p)
}

fn open(dir: &Path) -> studydesk_core::Result<Studydesk> {
    Studydesk::open(dir, Arc::new(ManualClock::new(common::start_time())))
}

fn expect_damaged(result: studydesk_core::Result<Studydesk>) -> (Vec<String>, Option<String>, String) {
    match result {
        Err(e @ CoreError::Damaged { .. }) => {
            let message = e.to_string();
            let CoreError::Damaged { problems, latest_backup, .. } = e else { unreachable!() };
            (problems, latest_backup, message)
        }
        Err(e) => panic!("expected damaged, got {e}"),
        Ok(_) => panic!("a damaged file was opened"),
    }
}

#[test]
fn a_truncated_file_is_refused_at_open_and_left_exactly_as_found() {
    let (dir, db) = closed_database();
    let len = std::fs::metadata(&db).unwrap().len();
    std::fs::OpenOptions::new().write(true).open(&db).unwrap().set_len(len - 1000).unwrap();
    let before = digest(&db);

    let (problems, _, message) = expect_damaged(open(dir.path()));
    assert!(problems[0].contains("ends inside a page"), "{problems:?}");
    assert!(message.contains("Studydesk stopped before writing to it") && message.contains("studydesk-cli restore"), "{message}");
    assert_eq!(digest(&db), before, "not one byte changed");
    assert!(!wal(&db).exists(), "not even a write-ahead log was started");
    assert_eq!(expect_damaged(open(dir.path())).0, problems, "and it stays refused");
}

#[test]
fn a_file_cut_at_a_page_boundary_is_found_by_its_header() {
    let (dir, db) = closed_database();
    let len = std::fs::metadata(&db).unwrap().len();
    std::fs::OpenOptions::new().write(true).open(&db).unwrap().set_len(len - 4096).unwrap();
    let (problems, _, _) = expect_damaged(open(dir.path()));
    assert!(problems[0].contains("pages its header counts"), "{problems:?}");
}

#[test]
fn unreadable_pages_are_found_by_the_quick_check_and_the_newest_backup_is_named() {
    let (dir, db) = closed_database();
    let daily = {
        let app = open(dir.path()).unwrap();
        let taken = app.db().read(|c| backup::daily(c, dir.path(), common::start_time())).unwrap();
        taken.expect("a first daily backup is taken")
    };
    // Scribble over the page type byte of every page but the first (the schema).
    let mut bytes = std::fs::read(&db).unwrap();
    for page in (4096..bytes.len()).step_by(4096) {
        bytes[page] = 0x55;
    }
    std::fs::write(&db, &bytes).unwrap();

    let (problems, latest, message) = expect_damaged(open(dir.path()));
    assert!(!problems.is_empty());
    assert_eq!(latest.as_deref(), Some(daily.display().to_string().as_str()));
    assert!(message.contains("the newest is"), "{message}");
}

#[test]
fn the_start_up_check_stops_at_its_budget() {
    let (_dir, db) = closed_database();
    assert!(matches!(health::quick_check(&db, Some(std::time::Duration::ZERO)).unwrap(), health::Checked::Interrupted));
    assert!(matches!(health::quick_check(&db, None).unwrap(), health::Checked::Done(p) if p.is_empty()));
}

#[test]
fn a_daily_backup_is_taken_once_a_day_checked_and_listed() {
    let fx = common::open();
    add_task(&fx.app, "before the backup");
    let day1 = common::start_time();
    let first = fx.app.db().read(|c| backup::daily(c, fx.dir.path(), day1)).unwrap().unwrap();
    let again = fx.app.db().read(|c| backup::daily(c, fx.dir.path(), day1 + chrono::Duration::hours(5))).unwrap();
    assert_eq!(again, None, "one a day");
    let next = fx.app.db().read(|c| backup::daily(c, fx.dir.path(), day1 + chrono::Duration::days(1))).unwrap();
    assert!(next.is_some());
    let list = backup::list(fx.dir.path()).unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[1].path, first.display().to_string(), "newest first");
    assert_eq!(list[0].kind, backup::BackupKind::Daily);
    assert!(list[0].size_bytes > 0);
    assert!(matches!(health::quick_check(&first, None).unwrap(), health::Checked::Done(p) if p.is_empty()));
}

#[test]
fn a_restore_puts_the_backup_in_place_and_keeps_the_replaced_file() {
    let fx = common::open();
    add_task(&fx.app, "kept");
    let copy = fx.app.db().read(|c| backup::daily(c, fx.dir.path(), common::start_time())).unwrap().unwrap();
    add_task(&fx.app, "written after the backup");
    let common::Fixture { dir, app, .. } = fx;
    drop(app);

    backup::schedule_restore(dir.path(), &copy).unwrap();
    assert!(backup::restore_pending(dir.path()));
    let set_aside = backup::apply_pending_restore(dir.path(), common::start_time()).unwrap().unwrap();
    assert!(!backup::restore_pending(dir.path()));
    assert!(set_aside.starts_with(dir.path().join("backups")), "{set_aside:?}");

    let app = open(dir.path()).unwrap();
    assert!(task_names(&app).contains(&"kept".to_string()));
    assert!(!task_names(&app).contains(&"written after the backup".to_string()));
    let kinds: Vec<_> = backup::list(dir.path()).unwrap().into_iter().map(|b| b.kind).collect();
    assert!(kinds.contains(&backup::BackupKind::BeforeRestore), "the replaced file is listed, to undo the restore: {kinds:?}");
    drop(app);
    let replaced = open_file(&set_aside);
    assert!(replaced.contains(&"written after the backup".to_string()));
}

fn open_file(path: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut stmt = conn.prepare("SELECT description FROM tasks").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

#[test]
fn restoring_over_a_damaged_file_keeps_the_evidence_untouched() {
    let (dir, db) = closed_database();
    let copy = {
        let app = open(dir.path()).unwrap();
        app.db().read(|c| backup::daily(c, dir.path(), common::start_time())).unwrap().unwrap()
    };
    let len = std::fs::metadata(&db).unwrap().len();
    std::fs::OpenOptions::new().write(true).open(&db).unwrap().set_len(len - 10).unwrap();
    let evidence = digest(&db);

    backup::schedule_restore(dir.path(), &copy).unwrap();
    let set_aside = backup::apply_pending_restore(dir.path(), common::start_time()).unwrap().unwrap();
    assert!(set_aside.starts_with(dir.path().join("damaged")), "{set_aside:?}");
    assert_eq!(digest(&set_aside), evidence);
    assert_eq!(task_names(&open(dir.path()).unwrap()).len(), 50);
}

#[test]
fn a_restore_cut_short_finishes_at_the_next_start() {
    let fx = common::open();
    add_task(&fx.app, "in the backup");
    let copy = fx.app.db().read(|c| backup::daily(c, fx.dir.path(), common::start_time())).unwrap().unwrap();
    let common::Fixture { dir, app, .. } = fx;
    drop(app);
    backup::schedule_restore(dir.path(), &copy).unwrap();
    // As if the process died after moving the current file away and half-copying the backup.
    let db = dir.path().join("studydesk.db");
    std::fs::rename(&db, dir.path().join("moved-away.db")).unwrap();
    std::fs::write(dir.path().join("studydesk.db.restoring"), b"SQLite format 3\0half").unwrap();

    assert_eq!(backup::apply_pending_restore(dir.path(), common::start_time()).unwrap(), None, "nothing left to set aside");
    assert_eq!(task_names(&open(dir.path()).unwrap()), ["in the backup"]);
}

#[test]
fn a_backup_that_cannot_be_restored_is_refused_with_the_reason() {
    let (dir, db) = closed_database();
    let not_sqlite = dir.path().join("notes.db");
    std::fs::write(&not_sqlite, "hello").unwrap();
    let err = backup::schedule_restore(dir.path(), &not_sqlite).unwrap_err().to_string();
    assert!(err.contains("cannot be restored"), "{err}");

    let damaged = dir.path().join("damaged-copy.db");
    std::fs::copy(&db, &damaged).unwrap();
    let len = std::fs::metadata(&damaged).unwrap().len();
    std::fs::OpenOptions::new().write(true).open(&damaged).unwrap().set_len(len - 10).unwrap();
    let err = backup::schedule_restore(dir.path(), &damaged).unwrap_err().to_string();
    assert!(err.contains("it is damaged"), "{err}");
    assert!(!backup::restore_pending(dir.path()));
}

#[test]
fn what_is_readable_is_exported_from_a_damaged_file() {
    let (dir, db) = closed_database();
    let len = std::fs::metadata(&db).unwrap().len();
    std::fs::OpenOptions::new().write(true).open(&db).unwrap().set_len(len - 10).unwrap();
    let evidence = digest(&db);
    let target = dir.path().join("readable.db");
    let report = salvage::export_readable(&db, &target).unwrap();
    assert_eq!(digest(&db), evidence);
    let tasks = report.tables.iter().find(|t| t.table == "tasks").unwrap();
    assert!(tasks.rows_copied > 0, "{tasks:?}");
    assert_eq!(open_file(&target).len() as u64, tasks.rows_copied);
    let again = salvage::export_readable(&db, &target).unwrap_err().to_string();
    assert!(again.contains("already exists"), "{again}");
}
