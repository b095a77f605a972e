//! Opening the file: pragmas, refusing foreign files without touching them, and the
//! backup taken before a pending migration.

mod common;

use std::sync::Arc;
use studydesk_core::api::Studydesk;
use studydesk_core::clock::ManualClock;
use studydesk_core::db::{embedded_versions, latest_version};

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
    // 48 seed tables + item_reminders (V6) + refinery history + sync_changes + local_meta
    // + sync_causal, sync_refused, sync_apply_errors (V8) + follow_decisions, user_blocks,
    // user_mutes (V13) + email_outbox (V23, device-local) + widget_results (V24)
    // + calendar_subscriptions (V26).
    assert_eq!(tables, 62);
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
    // A file as the previous release left it: every migration but the latest, and a task.
    let dir = tempfile::tempdir().unwrap();
    let latest = latest_version();
    let previous = embedded_versions().into_iter().rev().nth(1).unwrap();
    {
        let mut c = rusqlite::Connection::open(dir.path().join("studydesk.db")).unwrap();
        studydesk_core::db::migrate_up_to(&mut c, previous).unwrap();
        c.execute_batch(
            "INSERT INTO users(id, email, username, display_name) VALUES ('0193a000-0000-7000-8000-000000000001', 'me@example.com', 'me', 'Me');
             INSERT INTO task_lists(id, user_id, name) VALUES ('0193a000-0000-7000-8000-000000000002', '0193a000-0000-7000-8000-000000000001', 'Today');
             INSERT INTO tasks(id, user_id, list_id, description) VALUES ('0193a000-0000-7000-8000-000000000003', '0193a000-0000-7000-8000-000000000001', '0193a000-0000-7000-8000-000000000002', 'keep me');",
        )
        .unwrap();
    }
    let reopened = Studydesk::open(dir.path(), clock()).unwrap();
    let backups: Vec<_> = std::fs::read_dir(dir.path().join("backups")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(backups.len(), 1);
    let name = backups[0].file_name().unwrap().to_string_lossy().to_string();
    assert!(name.ends_with(&format!("-before-v{latest}.db")), "{name}");
    // The backup is the old schema with the user's data; the live file is upgraded and keeps it.
    let b = rusqlite::Connection::open(&backups[0]).unwrap();
    let in_backup: i64 = b.query_row("SELECT max(version) FROM refinery_schema_history", [], |r| r.get(0)).unwrap();
    assert_eq!(in_backup, previous);
    let kept: String = b.query_row("SELECT description FROM tasks WHERE description = 'keep me'", [], |r| r.get(0)).unwrap();
    assert_eq!(kept, "keep me");
    let live = reopened.db().doctor().unwrap();
    assert_eq!(live.schema_version, latest);
    assert!(live.ok);
    let n: i64 = reopened.db().read(|c| Ok(c.query_row("SELECT count(*) FROM tasks WHERE description = 'keep me'", [], |r| r.get(0))?)).unwrap();
    assert_eq!(n, 1);
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

/// V7: a file from a version that copied secrets into the change log and the audit trail
/// is scrubbed on upgrade; other logged values stay.
#[test]
fn upgrading_to_v7_scrubs_secrets_already_logged() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut c = rusqlite::Connection::open(dir.path().join("studydesk.db")).unwrap();
        studydesk_core::db::migrate_up_to(&mut c, 6).unwrap();
        c.execute_batch(
            r#"INSERT INTO sync_changes(table_name, row_id, op, changes, hlc, device_id)
                 VALUES ('users', 'u1', 'update', '{"password":"OLD-s3cret","bio":"kept"}', '0', 'd'),
                        ('api_keys', 'k1', 'insert', '{"key_hash":"KEY-s3cret","name":"laptop"}', '0', 'd');
               INSERT INTO audit_logs(id, user_id, action, entity_type, entity_id, old_values, new_values, created_at)
                 VALUES ('a1', NULL, 'x', 'users', 'u1', '{"password":"OLD-s3cret"}', '{"password":"NEW-s3cret","bio":"kept"}', '2026-11-01T00:00:00.000Z');"#,
        )
        .unwrap();
    }
    let app = Studydesk::open(dir.path(), clock()).unwrap();
    let logs: String = app
        .db()
        .read(|c| {
            Ok(c.query_row(
                "SELECT (SELECT group_concat(changes) FROM sync_changes) || (SELECT group_concat(old_values || new_values) FROM audit_logs)",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert!(!logs.contains("s3cret"), "{logs}");
    assert!(logs.contains("\"bio\":\"kept\"") && logs.contains("[redacted]"), "{logs}");
    // V8: api_keys never leave the device, so its queued change is gone altogether.
    assert!(!logs.contains("laptop"), "{logs}");
}
