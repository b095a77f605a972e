//! The one write path: every change lands with its change-log and audit rows, in one
//! transaction, or not at all; writes around it are refused.

mod common;

use serde_json::Value;
use studydesk_core::db::WriteCtx;
use studydesk_core::planner::tasks::{self, NewTask};
use studydesk_core::CoreError;

fn last_change(f: &common::Fixture) -> (String, String, String, Option<Value>, String) {
    f.app
        .db()
        .read(|c| {
            Ok(c.query_row(
                "SELECT table_name, row_id, op, changes, hlc FROM sync_changes ORDER BY seq DESC LIMIT 1",
                [],
                |r| {
                    let changes: Option<String> = r.get(3)?;
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, changes.map(|s| serde_json::from_str(&s).unwrap()), r.get(4)?))
                },
            )?)
        })
        .unwrap()
}

fn audit_for(f: &common::Fixture, entity_id: &str) -> Vec<(String, Option<Value>, Option<Value>, Option<String>)> {
    f.app
        .db()
        .read(|c| {
            let mut s = c.prepare(
                "SELECT action, old_values, new_values, user_id FROM audit_logs WHERE entity_id = ?1 ORDER BY created_at, id",
            )?;
            let rows = s
                .query_map([entity_id], |r| {
                    let old: Option<String> = r.get(1)?;
                    let new: Option<String> = r.get(2)?;
                    Ok((
                        r.get(0)?,
                        old.map(|s| serde_json::from_str(&s).unwrap()),
                        new.map(|s| serde_json::from_str(&s).unwrap()),
                        r.get(3)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .unwrap()
}

#[test]
fn an_insert_is_recorded_for_sync_and_audit_in_the_same_transaction() {
    let f = common::open();
    let t = f.app.task_add(NewTask { description: "Read chapter 5".into(), ..Default::default() }).unwrap();
    let audit = audit_for(&f, &t.id);
    assert_eq!(audit.len(), 1);
    let (action, old, new, actor) = &audit[0];
    assert_eq!(action, "task.add");
    assert!(old.is_none());
    assert_eq!(new.as_ref().unwrap()["description"], "Read chapter 5");
    assert_eq!(actor.as_deref(), Some(f.app.user_id().as_str()));
    let changes: i64 = f
        .app
        .db()
        .read(|c| Ok(c.query_row("SELECT count(*) FROM sync_changes WHERE row_id = ?1 AND op = 'insert'", [&t.id], |r| r.get(0))?))
        .unwrap();
    assert_eq!(changes, 1);
}

#[test]
fn an_update_records_only_the_changed_columns_with_old_and_new_values() {
    let f = common::open();
    let t = f.app.task_add(NewTask { description: "Draft essay".into(), ..Default::default() }).unwrap();
    f.clock.advance(chrono::Duration::minutes(1));
    f.app.task_rename(&t.id, "Draft essay outline").unwrap();
    let (table, row, op, changes, _) = last_change(&f);
    assert_eq!((table.as_str(), row.as_str(), op.as_str()), ("tasks", t.id.as_str(), "update"));
    let changes = changes.unwrap();
    let keys: Vec<&str> = changes.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["description", "updated_at"]);
    let audit = audit_for(&f, &t.id);
    let (action, old, new, _) = audit.last().unwrap();
    assert_eq!(action, "task.rename");
    assert_eq!(old.as_ref().unwrap()["description"], "Draft essay");
    assert_eq!(new.as_ref().unwrap()["description"], "Draft essay outline");
}

#[test]
fn a_delete_is_a_tombstone_and_cascaded_children_are_recorded_too() {
    let f = common::open();
    let list = tasks::add_list(f.app.db(), &f.app.user_id(), "Exam week", None).unwrap();
    let a = f.app.task_add(NewTask { list_id: Some(list.id.clone()), description: "A".into(), due_at: None }).unwrap();
    let b = f.app.task_add(NewTask { list_id: Some(list.id.clone()), description: "B".into(), due_at: None }).unwrap();
    tasks::delete_list(f.app.db(), &f.app.user_id(), &list.id).unwrap();
    let deleted: Vec<String> = f
        .app
        .db()
        .read(|c| {
            let mut s = c.prepare("SELECT row_id FROM sync_changes WHERE op = 'delete' AND changes IS NULL ORDER BY row_id")?;
            let v = s.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
            Ok(v)
        })
        .unwrap();
    for id in [&list.id, &a.id, &b.id] {
        assert!(deleted.contains(id), "{id} has no tombstone");
    }
    let audit = audit_for(&f, &a.id);
    let (action, old, new, _) = audit.last().unwrap();
    assert_eq!(action, "task_list.delete");
    assert_eq!(old.as_ref().unwrap()["description"], "A");
    assert!(new.is_none());
}

#[test]
fn a_failed_write_leaves_nothing_behind() {
    let f = common::open();
    let before = f.footprint();
    let err = f
        .app
        .db()
        .write(WriteCtx::by(&f.app.user_id(), "test.fail"), |tx| {
            tasks::insert_task(tx, &f.app.user_id(), &NewTask { description: "half-written".into(), ..Default::default() })?;
            Err::<(), _>(CoreError::validation("the second half failed"))
        })
        .unwrap_err();
    assert_eq!(err.to_string(), "the second half failed");
    assert_eq!(f.footprint(), before);
}

#[test]
fn a_constraint_failure_mid_write_rolls_back_the_rows_written_before_it() {
    let f = common::open();
    let before = f.footprint();
    let err = f
        .app
        .db()
        .write(WriteCtx::by(&f.app.user_id(), "test.fail"), |tx| {
            tasks::insert_task(tx, &f.app.user_id(), &NewTask { description: "first".into(), ..Default::default() })?;
            tx.execute(
                "INSERT INTO progress_metrics(id, user_id, scope, value, captured_at) VALUES ('x', ?1, 'decade', 1, '2026-11-22')",
                [f.app.user_id()],
            )?;
            Ok(())
        })
        .unwrap_err();
    assert_eq!(err.kind(), "conflict");
    assert!(err.to_string().contains("scope"), "{err}");
    assert_eq!(f.footprint(), before);
}

#[test]
fn writes_that_bypass_the_write_helper_are_refused() {
    let f = common::open();
    let before = f.footprint();
    let list = f.app.home().unwrap().today.list.id;
    let err = f
        .app
        .db()
        .read(|c| {
            c.execute(
                "INSERT INTO tasks(id, list_id, user_id, description) VALUES ('01930000-0000-7000-8000-0000000000ff', ?1, ?2, 'sneaky')",
                [&list, &f.app.user_id().to_string()],
            )?;
            Ok(())
        })
        .unwrap_err();
    assert!(err.to_string().contains("Db::write"), "{err}");
    assert_eq!(f.footprint(), before);
}

#[test]
fn change_timestamps_keep_increasing_when_the_wall_clock_goes_back() {
    let f = common::open();
    f.app.task_add(NewTask { description: "one".into(), ..Default::default() }).unwrap();
    let (_, _, _, _, first) = last_change(&f);
    f.clock.advance(chrono::Duration::hours(-3));
    f.app.task_add(NewTask { description: "two".into(), ..Default::default() }).unwrap();
    let (_, _, _, _, second) = last_change(&f);
    assert!(second > first, "{second} should sort after {first}");
    // ...and across a restart.
    let f = f.reopen();
    f.app.task_add(NewTask { description: "three".into(), ..Default::default() }).unwrap();
    let (_, _, _, _, third) = last_change(&f);
    assert!(third > second, "{third} should sort after {second}");
}

#[test]
fn every_change_carries_this_devices_id() {
    let f = common::open();
    f.app.task_add(NewTask { description: "one".into(), ..Default::default() }).unwrap();
    let devices: Vec<String> = f
        .app
        .db()
        .read(|c| {
            let mut s = c.prepare("SELECT DISTINCT device_id FROM sync_changes")?;
            let v = s.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
            Ok(v)
        })
        .unwrap();
    assert_eq!(devices, vec![f.app.db().device_id().to_string()]);
}

/// Secrets stay in their rows: no password hash, token, key hash or connection setting
/// reaches the change log, and the audit trail shows "[redacted]" where one was set or
/// changed (docs/sync.md §8).
#[test]
fn secrets_never_reach_the_change_log_or_the_audit_trail() {
    let f = common::open();
    let me = f.app.user_id().to_string();
    let secrets = ["argon2-HASH-s3cret", "TOKEN-s3cret-1", "TOKEN-s3cret-2", "TOKEN-s3cret-3", "KEYHASH-s3cret", "dbpass-s3cret", "argon2-NEWHASH-s3cret"];
    let session = studydesk_core::ids::new_id();
    let key = studydesk_core::ids::new_id();
    f.app
        .db()
        .write(WriteCtx::by(&me, "test.secrets"), |tx| {
            tx.execute("UPDATE users SET password = ?1, bio = 'likes maths' WHERE id = ?2", rusqlite::params![secrets[0], me])?;
            tx.execute(
                "INSERT INTO user_sessions(id, user_id, session_token, access_token, refresh_token) VALUES (?1, ?2, ?3, ?4, ?5)",
                rusqlite::params![session, me, secrets[1], secrets[2], secrets[3]],
            )?;
            tx.execute("INSERT INTO api_keys(id, user_id, name, key_hash) VALUES (?1, ?2, 'laptop', ?3)", rusqlite::params![key, me, secrets[4]])?;
            tx.execute(
                "INSERT INTO data_sources(id, user_id, name, type, connection_config) VALUES (?1, ?2, 'grades', 'postgresql', ?3)",
                rusqlite::params![studydesk_core::ids::new_id(), me, format!("{{\"password\": \"{}\"}}", secrets[5])],
            )?;
            Ok(())
        })
        .unwrap();
    // A change of the password alone: nothing to sync, a redacted audit row.
    f.app
        .db()
        .write(WriteCtx::by(&me, "test.secrets"), |tx| {
            tx.execute("UPDATE users SET password = ?1 WHERE id = ?2", rusqlite::params![secrets[6], me])?;
            tx.execute("DELETE FROM user_sessions WHERE id = ?1", [&session])?;
            Ok(())
        })
        .unwrap();
    let logs: Vec<String> = f
        .app
        .db()
        .read(|c| {
            let mut s = c.prepare(
                "SELECT coalesce(changes, '') FROM sync_changes
                 UNION ALL SELECT coalesce(old_values, '') || coalesce(new_values, '') FROM audit_logs",
            )?;
            let rows = s.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .unwrap();
    let all = logs.join("\n");
    for secret in secrets {
        assert!(!all.contains(secret), "{secret} leaked into the logs");
    }
    assert!(all.contains("likes maths"), "other columns are still logged");
    let user_audit = audit_for(&f, &me);
    let last = user_audit.last().unwrap();
    assert_eq!(last.2.as_ref().unwrap()["password"], "[redacted]");
    assert_eq!(last.1.as_ref().unwrap()["password"], "[redacted]");
    let password_only_syncs: i64 = f
        .app
        .db()
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM sync_changes WHERE table_name = 'users' AND op = 'update' AND changes = '{}'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(password_only_syncs, 0);
}
