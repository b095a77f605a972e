//! What a device accepts from a sync server (docs/sync.md §5.6): only the tables and
//! columns it would send itself, pages a refused or hostile change cannot wedge, a bounded
//! list of apply errors, and https to anything but this computer. Each test builds a
//! `PullPage` by hand, as a broken or hostile server could send it, and applies it to a
//! real database file.

mod common;

use common::Fixture;
use rusqlite::{Connection, OptionalExtension};
use serde_json::{json, Value};
use studydesk_core::ids::new_id;
use studydesk_core::sync::{apply_page, meta, Remote};
use studydesk_sync::wire::{Op, PullPage, PulledChange};
use studydesk_sync::Catalog;

/// Another device of the account.
const OTHER_DEVICE: &str = "01930000-0000-7000-8000-0000000000aa";

/// A clock a minute after the fixture's time, `n` ticks on: later than anything the
/// device wrote itself.
fn hlc(n: i64) -> String {
    format!("{:016}.00000", common::start_time().timestamp_millis() + 60_000 + n)
}

fn change(seq: i64, table: &str, row_id: &str, op: Op, cl: i64, columns: Value) -> PulledChange {
    PulledChange {
        stream: "u:account".into(),
        seq,
        table: table.into(),
        row_id: row_id.into(),
        op,
        columns: columns.as_object().cloned(),
        hlc: hlc(seq),
        device_id: OTHER_DEVICE.into(),
        cl,
    }
}

fn page(changes: Vec<PulledChange>, cursor: &str) -> PullPage {
    PullPage {
        changes,
        next_cursor: cursor.into(),
        has_more: false,
        revoked_streams: vec![],
        skipped: vec![],
        server_time_ms: common::start_time().timestamp_millis(),
    }
}

/// The database file itself, without the app's write guard (to set a local secret, and
/// to read what the app never shows).
fn raw(fx: &Fixture) -> Connection {
    Connection::open(fx.dir.path().join("studydesk.db")).unwrap()
}

fn me(fx: &Fixture) -> String {
    raw(fx).query_row("SELECT value FROM local_meta WHERE key = 'local_user_id'", [], |r| r.get(0)).unwrap()
}

fn cursor(fx: &Fixture) -> Option<String> {
    meta::get(fx.app.db(), meta::CURSOR).unwrap()
}

/// `(table, row id, code, message)` of every apply error.
fn apply_errors(fx: &Fixture) -> Vec<(String, String, String, String)> {
    let conn = raw(fx);
    let mut stmt = conn.prepare("SELECT table_name, row_id, code, message FROM sync_apply_errors ORDER BY id").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).unwrap().collect::<Result<_, _>>().unwrap()
}

fn text(fx: &Fixture, sql: &str, id: &str) -> Option<String> {
    raw(fx).query_row(sql, [id], |r| r.get(0)).optional().unwrap()
}

#[test]
fn changes_to_local_only_and_bookkeeping_tables_change_nothing_and_the_rest_of_the_page_applies() {
    let fx = common::open();
    let me = me(&fx);
    let before: Vec<i64> = ["user_sessions", "api_keys", "app_settings", "sync_changes"].iter().map(|t| fx.count(t)).collect();
    let (session, key, setting, queued, meta_row, list) = (new_id(), new_id(), new_id(), new_id(), new_id(), new_id());
    let applied = apply_page(
        fx.app.db(),
        &page(
            vec![
                change(1, "user_sessions", &session, Op::Insert, 1, json!({"user_id": me, "session_token": "planted"})),
                change(2, "api_keys", &key, Op::Insert, 1, json!({"user_id": me, "name": "planted", "key_hash": "planted"})),
                change(3, "app_settings", &setting, Op::Insert, 1, json!({"setting_key": "planted", "setting_value": "true"})),
                change(
                    4,
                    "sync_changes",
                    &queued,
                    Op::Insert,
                    1,
                    json!({"table_name": "tasks", "row_id": queued, "op": "delete", "hlc": hlc(4), "device_id": OTHER_DEVICE, "cl": 2}),
                ),
                change(5, "local_meta", &meta_row, Op::Update, 1, json!({"key": "local_user_id", "value": "planted"})),
                change(6, "task_lists", &list, Op::Insert, 1, json!({"user_id": me, "name": "From the server"})),
            ],
            "cursor-1",
        ),
    )
    .unwrap();

    let after: Vec<i64> = ["user_sessions", "api_keys", "app_settings", "sync_changes"].iter().map(|t| fx.count(t)).collect();
    assert_eq!(after, before, "user_sessions, api_keys, app_settings, sync_changes");
    let planted: i64 = raw(&fx).query_row("SELECT count(*) FROM local_meta WHERE value = 'planted'", [], |r| r.get(0)).unwrap();
    assert_eq!(planted, 0);
    assert_eq!(text(&fx, "SELECT name FROM task_lists WHERE id = ?1", &list).as_deref(), Some("From the server"));
    assert_eq!(cursor(&fx).as_deref(), Some("cursor-1"));
    assert_eq!((applied.applied, applied.errors), (1, 5));
    let errors = apply_errors(&fx);
    let tables: Vec<&str> = errors.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(tables, ["user_sessions", "api_keys", "app_settings", "sync_changes", "local_meta"]);
    assert!(errors.iter().all(|e| e.2 == "local_only_table"), "{errors:?}");
    assert!(errors[0].3.contains("user_sessions never comes from a sync server"), "{}", errors[0].3);
}

#[test]
fn secret_derived_and_unknown_columns_are_not_written_and_the_rest_of_the_change_is() {
    let fx = common::open();
    let me = me(&fx);
    raw(&fx).execute("UPDATE users SET password = 'local-hash', followers_count = 3 WHERE id = ?1", [&me]).unwrap();
    let list = new_id();
    apply_page(
        fx.app.db(),
        &page(
            vec![
                PulledChange {
                    stream: "public".into(),
                    ..change(
                        1,
                        "users",
                        &me,
                        Op::Update,
                        1,
                        json!({"display_name": "Hana", "password": "server-chosen", "followers_count": 99, "shoe_size": 44}),
                    )
                },
                change(1, "task_lists", &list, Op::Insert, 1, json!({"user_id": me, "name": "Reading", "colour": "red"})),
            ],
            "cursor-1",
        ),
    )
    .unwrap();

    let (name, password, followers): (String, String, i64) = raw(&fx)
        .query_row("SELECT display_name, password, followers_count FROM users WHERE id = ?1", [&me], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(name, "Hana", "the accepted column of the change is written");
    assert_eq!(password, "local-hash", "a secret from the server is never written");
    assert_eq!(followers, 3, "a derived counter is this device's to compute");
    assert_eq!(text(&fx, "SELECT name FROM task_lists WHERE id = ?1", &list).as_deref(), Some("Reading"), "unknown column ignored");
    assert_eq!(cursor(&fx).as_deref(), Some("cursor-1"));
    let errors = apply_errors(&fx);
    assert_eq!(errors.len(), 2, "{errors:?}");
    let (table, row, code, message) = &errors[0];
    assert_eq!((table.as_str(), row.as_str(), code.as_str()), ("users", me.as_str(), "secret_column"));
    for words in ["users.password was not written", "users.followers_count was not written", "users.shoe_size was not written"] {
        assert!(message.contains(words), "{message}");
    }
    assert_eq!((errors[1].0.as_str(), errors[1].2.as_str()), ("task_lists", "unknown_column"));
}

#[test]
fn a_row_that_failed_to_apply_lands_with_a_later_full_change_and_leaves_no_stale_error() {
    let fx = common::open();
    let me = me(&fx);
    let list = new_id();
    // An insert without its NOT NULL name, then one whose name breaks the CHECK.
    apply_page(
        fx.app.db(),
        &page(
            vec![
                change(1, "task_lists", &list, Op::Insert, 1, json!({"user_id": me})),
                change(2, "task_lists", &list, Op::Update, 1, json!({"user_id": me, "name": "x".repeat(51)})),
            ],
            "cursor-1",
        ),
    )
    .unwrap();
    assert_eq!(cursor(&fx).as_deref(), Some("cursor-1"), "a refused change does not hold the cursor back");
    assert_eq!(text(&fx, "SELECT name FROM task_lists WHERE id = ?1", &list), None);
    let errors = apply_errors(&fx);
    assert_eq!(errors.len(), 1, "one entry per row, the latest: {errors:?}");
    assert!(errors[0].3.contains("name"), "{:?}", errors[0]);

    let applied = apply_page(
        fx.app.db(),
        &page(vec![change(3, "task_lists", &list, Op::Update, 1, json!({"user_id": me, "name": "Reading"}))], "cursor-2"),
    )
    .unwrap();
    assert_eq!((applied.applied, applied.errors), (1, 0));
    assert_eq!(text(&fx, "SELECT name FROM task_lists WHERE id = ?1", &list).as_deref(), Some("Reading"));
    assert_eq!(apply_errors(&fx), vec![], "the row applied: its error is gone");
    assert_eq!(cursor(&fx).as_deref(), Some("cursor-2"));
}

#[test]
fn a_change_whose_parent_never_came_is_skipped_and_the_page_still_lands() {
    let fx = common::open();
    let me = me(&fx);
    let (orphan, list) = (new_id(), new_id());
    let applied = apply_page(
        fx.app.db(),
        &page(
            vec![
                change(1, "tasks", &orphan, Op::Insert, 1, json!({"list_id": new_id(), "user_id": me, "description": "orphan"})),
                change(2, "task_lists", &list, Op::Insert, 1, json!({"user_id": me, "name": "Reading"})),
            ],
            "cursor-1",
        ),
    )
    .expect("a page with an orphan still applies");
    assert_eq!((applied.applied, applied.errors), (1, 1));
    assert_eq!(text(&fx, "SELECT name FROM task_lists WHERE id = ?1", &list).as_deref(), Some("Reading"));
    assert_eq!(text(&fx, "SELECT description FROM tasks WHERE id = ?1", &orphan), None);
    assert_eq!(cursor(&fx).as_deref(), Some("cursor-1"));
    let errors = apply_errors(&fx);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0].0.as_str(), errors[0].1.as_str()), ("tasks", orphan.as_str()));
}

#[test]
fn built_in_rows_and_changes_with_a_malformed_id_clock_or_causal_length_are_dropped() {
    let fx = common::open();
    let me = me(&fx);
    let builtin = Catalog::current().builtin_rows["activities"][0].clone();
    let name_before = text(&fx, "SELECT name FROM activities WHERE id = ?1", &builtin).expect("a built-in activity");
    let list = fx.app.db().read(|c| Ok(c.query_row("SELECT id FROM task_lists LIMIT 1", [], |r| r.get::<_, String>(0))?)).unwrap();
    apply_page(
        fx.app.db(),
        &page(
            vec![
                change(1, "activities", &builtin, Op::Update, 1, json!({"name": "planted"})),
                // An "insert" with an even causal length would end the row's life.
                change(2, "task_lists", &list, Op::Insert, 2, json!({"user_id": me, "name": "planted"})),
                change(3, "task_lists", "NOT-A-UUID", Op::Insert, 1, json!({"user_id": me, "name": "planted"})),
                // A clock out of the fixed-width form would beat every later write.
                PulledChange { hlc: "zzzz".into(), ..change(4, "task_lists", &list, Op::Update, 1, json!({"name": "planted"})) },
            ],
            "cursor-1",
        ),
    )
    .unwrap();
    assert_eq!(text(&fx, "SELECT name FROM activities WHERE id = ?1", &builtin), Some(name_before));
    assert!(text(&fx, "SELECT name FROM task_lists WHERE id = ?1", &list).is_some_and(|n| n != "planted"));
    assert_eq!(fx.count("task_lists"), 1);
    let codes: Vec<String> = apply_errors(&fx).into_iter().map(|e| e.2).collect();
    assert_eq!(codes, ["builtin_row", "invalid_value", "invalid_value"], "one entry per row: the list's latest is kept");
    assert_eq!(cursor(&fx).as_deref(), Some("cursor-1"));
}

#[test]
fn plain_http_is_refused_but_for_this_computer() {
    let refused = Remote::new("http://sync.example.org", None).err().expect("http to a remote host is refused");
    assert!(refused.to_string().contains("use https://"), "{refused}");
    for url in ["http://192.168.1.20:8787", "http://10.0.0.2", "http://sync.example.org.", "http://127.0.0.1.example.org"] {
        assert!(Remote::new(url, None).is_err(), "{url} is accepted");
    }
    for url in [
        "https://sync.example.org",
        "http://127.0.0.1:8787",
        "http://127.1.2.3:8787/",
        "http://localhost:8787",
        "http://LOCALHOST",
        "http://[::1]:8787",
        "https://192.168.1.20:8787",
    ] {
        assert!(Remote::new(url, None).is_ok(), "{url} is refused");
    }
}

/// The rule a pull follows (`catalog::pulled_table`, `accepts_pulled`) and what the capture
/// triggers queue for the server are one set: read from the triggers this database
/// really runs (a table is queued when its insert trigger writes `sync_changes` under
/// `w.capture = 1`; a column when that insert carries it).
#[test]
fn a_device_accepts_exactly_the_tables_and_columns_its_capture_sends() {
    use studydesk_sync::catalog::{accepts_pulled, pulled_table};
    let fx = common::open();
    let (tables, triggers) = fx
        .app
        .db()
        .read(|c| {
            let names = |sql: &str| -> Vec<(String, Option<String>)> {
                let mut stmt = c.prepare(sql).unwrap();
                stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap()
            };
            Ok((
                names("SELECT name, NULL FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"),
                names("SELECT name, sql FROM sqlite_temp_master WHERE type = 'trigger'"),
            ))
        })
        .unwrap();
    let conn = raw(&fx);
    let mut queued_tables = 0;
    for (table, _) in &tables {
        let insert = triggers.iter().find(|(n, _)| *n == format!("capture_{table}_insert")).and_then(|(_, sql)| sql.clone());
        // The sync_changes part of the insert trigger (the audit part follows it).
        let queue_part = insert
            .as_deref()
            .and_then(|sql| sql.split("INSERT INTO sync_changes").nth(1))
            .map(|rest| rest.split("INSERT INTO audit_logs").next().unwrap_or_default().to_string())
            .filter(|part| part.contains("w.capture = 1"));
        assert_eq!(pulled_table(table).is_ok(), queue_part.is_some(), "{table}: accepted from a server vs queued for it");
        let Some(part) = queue_part else { continue };
        queued_tables += 1;
        let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1)").unwrap();
        let columns: Vec<String> = stmt.query_map([table], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap();
        for column in columns {
            let sent = part.contains(&format!("'{column}', NEW.\"{column}\""));
            assert_eq!(accepts_pulled(table, &column), sent, "{table}.{column}: accepted from a server vs sent to it");
        }
    }
    assert!(queued_tables > 40, "{queued_tables} tables queued");
}
