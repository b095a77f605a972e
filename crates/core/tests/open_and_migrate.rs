//! Opening the file: pragmas, refusing foreign files without touching them, and the
//! backup taken before a pending migration.

mod common;

use std::sync::Arc;
use studydesk_core::api::Studydesk;
use studydesk_core::clock::ManualClock;
use studydesk_core::db::latest_version;

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(common::start_time()))
}

#[test]
fn every_connection_has_the_required_pragmas() {
    let f = common::open();
    let (fk, journal, sync, busy): (i64, String, i64, i64) = f
        .app
        .db()
        .read(|c| {
            Ok((
                c.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?,
                c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?,
                c.query_row("PRAGMA synchronous", [], |r| r.get(0))?,
                c.query_row("PRAGMA busy_timeout", [], |r| r.get(0))?,
            ))
        })
        .unwrap();
    assert_eq!((fk, journal.as_str(), sync), (1, "wal", 1));
    assert!(busy >= 1000);
}

#[test]
fn a_new_database_gets_every_seed_table_and_a_local_profile() {
    let f = common::open();
    let tables: i64 = f
        .app
        .db()
        .read(|c| Ok(c.query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'", [], |r| r.get(0))?))
        .unwrap();
    // 48 product tables + refinery history + sync_changes + local_meta.
    assert_eq!(tables, 51);
    assert_eq!(f.count("users"), 1);
    let state = f.app.state().unwrap();
    assert!(state.onboarding_pending);
    assert_eq!(f.app.home().unwrap().today.list.name, "Today");
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("studydesk.db");
    let content = b"these are my lecture notes, not a database\n".repeat(100);
    std::fs::write(&path, &content).unwrap();
    let err = Studydesk::open(dir.path(), clock()).err().expect("must refuse");
    assert_eq!(err.kind(), "not_a_database");
    assert!(err.to_string().contains("is not a Studydesk database"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), content);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no -wal, -shm or backup files appear");
}

#[test]
fn a_database_from_a_newer_version_is_refused_and_left_untouched() {
    let f = common::open();
    let dir = f.dir;
    drop(f.app);
    let path = dir.path().join("studydesk.db");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute(
            "INSERT INTO refinery_schema_history(version, name, applied_on, checksum) VALUES (?1, 'from_the_future', '2030-01-01', '0')",
            [latest_version() + 1],
        )
        .unwrap();
        c.execute_batch("PRAGMA journal_mode = DELETE;").unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Studydesk::open(dir.path(), clock()).err().expect("must refuse");
    assert_eq!(err.kind(), "newer_schema");
    assert!(err.to_string().contains("newer version of Studydesk"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_pending_migration_on_an_existing_file_is_preceded_by_a_backup() {
    let f = common::open();
    let task = f.app.task_add(studydesk_core::planner::tasks::NewTask { description: "keep me".into(), ..Default::default() }).unwrap();
    let dir = f.dir;
    drop(f.app);
    // Turn the file back into one that predates the latest migration.
    let latest = latest_version();
    {
        let c = rusqlite::Connection::open(dir.path().join("studydesk.db")).unwrap();
        // Undo V7 (the latest): its indexes, then its columns.
        c.execute_batch(
            "DROP INDEX idx_calendar_events_user_id_uid; DROP INDEX idx_calendar_events_series_id_recurrence_id;
             DROP INDEX idx_calendar_events_course_id; DROP INDEX idx_calendar_events_series;
             DROP INDEX idx_calendar_events_multiday; ALTER TABLE courses DROP COLUMN colour;",
        )
        .unwrap();
        for col in ["all_day", "end_date", "series_end_date", "timezone", "rrule", "exdates", "series_id", "recurrence_id", "uid", "course_id", "sequence"] {
            c.execute_batch(&format!("ALTER TABLE calendar_events DROP COLUMN {col};")).unwrap();
        }
        c.execute("DELETE FROM refinery_schema_history WHERE version = ?1", [latest]).unwrap();
    }
    let reopened = Studydesk::open(dir.path(), clock()).unwrap();
    let backups: Vec<_> = std::fs::read_dir(dir.path().join("backups")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(backups.len(), 1);
    let name = backups[0].file_name().unwrap().to_string_lossy().to_string();
    assert!(name.ends_with(&format!("-before-v{latest}.db")), "{name}");
    // The backup is the old schema with the user's data; the live file is upgraded.
    let b = rusqlite::Connection::open(&backups[0]).unwrap();
    let in_backup: i64 = b.query_row("SELECT max(version) FROM refinery_schema_history", [], |r| r.get(0)).unwrap();
    // Versions need not be consecutive (V5 and V6 are reserved for other branches).
    let versions = studydesk_core::db::embedded_versions();
    assert_eq!(in_backup, versions[versions.len() - 2]);
    let kept: String = b.query_row("SELECT description FROM tasks WHERE id = ?1", [&task.id], |r| r.get(0)).unwrap();
    assert_eq!(kept, "keep me");
    let live = reopened.db().doctor().unwrap();
    assert_eq!(live.schema_version, latest);
    assert!(live.ok);
}

#[test]
fn opening_an_up_to_date_file_makes_no_backup() {
    let f = common::open().reopen();
    assert!(!f.dir.path().join("backups").exists());
}

#[test]
fn backup_writes_a_self_contained_copy_and_refuses_to_overwrite() {
    let f = common::open();
    f.app.task_add(studydesk_core::planner::tasks::NewTask { description: "in the copy".into(), ..Default::default() }).unwrap();
    let target = f.dir.path().join("copy.db");
    f.app.db().backup(&target).unwrap();
    let c = rusqlite::Connection::open(&target).unwrap();
    let n: i64 = c.query_row("SELECT count(*) FROM tasks WHERE description = 'in the copy'", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 1);
    let err = f.app.db().backup(&target).unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
}
