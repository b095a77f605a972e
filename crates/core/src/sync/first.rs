//! A device's first sync (docs/sync.md §10), once, in one transaction after a backup:
//!
//! 1. the database is copied to `backups/studydesk-<UTC>-before-first-sync.db`;
//! 2. a device that signed in to an existing account adopts the account's user id
//!    (every column referencing `users` is repointed);
//! 3. rows identified by a natural key get their derived ids (databases made before
//!    sync existed carry random ones), children repointed;
//! 4. the change log is replaced by one insert per synced row, parents first, each with
//!    the clock of its last edit (`updated_at`, else `created_at`), so when two devices
//!    hold "the same" row the newer edit wins column by column. On a sign-in (not a
//!    sign-up) untouched profile rows are left out: the account's versions win.
//!
//! A kill before the transaction commits leaves everything as it was; it runs again.

use super::meta;
use crate::account::profile;
use crate::db::WriteCtx;
use crate::error::SyncErrorKind;
use crate::{CoreError, Db, Result};
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Connection};
use serde_json::{Map, Value};
use studydesk_sync::catalog::{excluded_columns, Catalog};
use studydesk_sync::natural::NATURAL_KEYS;

const DONE: &str = "done";
const BACKED_UP: &str = "sync.first_backup";
/// Rows every profile starts with: on a sign-in, the account's copy wins unless edited here.
const PROFILE_ROWS: &[&str] = &["users", "user_settings", "user_dashboard_settings"];

pub fn ensure_done(db: &Db) -> Result<()> {
    if meta::get(db, meta::FIRST_SYNC)?.as_deref() == Some(DONE) {
        return Ok(());
    }
    let account = meta::get(db, meta::ACCOUNT_ID)?
        .ok_or_else(|| CoreError::sync(SyncErrorKind::NotReady, "sign in to a sync server first"))?;
    backup_once(db)?;
    let ctx = WriteCtx { actor_id: None, action: "sync.first".into(), capture: false, audit: false };
    db.write(ctx, |tx| {
        tx.execute_batch("PRAGMA defer_foreign_keys = ON")?;
        let me = profile::local_user_id(tx)?.unwrap_or_else(|| account.clone());
        let signed_up = me == account;
        if !signed_up {
            adopt_identity(tx, &me, &account)?;
        }
        remap_natural_ids(tx, &account)?;
        tx.execute("DELETE FROM sync_changes", [])?;
        enqueue_snapshot(tx, db.device_id(), signed_up)?;
        meta::put(tx, meta::FIRST_SYNC, DONE)
    })
}

fn backup_once(db: &Db) -> Result<()> {
    if meta::get(db, BACKED_UP)?.is_some() {
        return Ok(());
    }
    let data_dir = db.path().parent().unwrap_or(std::path::Path::new(".")).to_path_buf();
    let target = db.read(|c| crate::db::backup::before_first_sync(c, &data_dir, db.now()))?;
    db.write(super::sync_ctx("sync.first"), |tx| meta::put(tx, BACKED_UP, &target.display().to_string()))
}

/// `(table, column)` of every foreign key pointing at `parent`, from the live schema.
fn references_to(conn: &Connection, parent: &str) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT m.name, f.\"from\" FROM sqlite_master m, pragma_foreign_key_list(m.name) f
         WHERE m.type = 'table' AND f.\"table\" = ?1",
    )?;
    let refs = stmt.query_map([parent], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(refs)
}

fn change_id(conn: &Connection, table: &str, old: &str, new: &str) -> Result<()> {
    for (child, column) in references_to(conn, table)? {
        conn.execute(&format!("UPDATE \"{child}\" SET \"{column}\" = ?1 WHERE \"{column}\" = ?2"), params![new, old])?;
    }
    if table == "attachments" {
        // A workspace names its background attachment in a plain column, not a foreign key.
        crate::focus::immerse::rename_background_attachment(conn, old, new)?;
    }
    conn.execute(&format!("UPDATE \"{table}\" SET id = ?1 WHERE id = ?2"), params![new, old])?;
    Ok(())
}

fn adopt_identity(conn: &Connection, old: &str, account: &str) -> Result<()> {
    change_id(conn, "users", old, account)?;
    conn.execute("UPDATE local_meta SET value = ?1 WHERE key = 'local_user_id'", [account])?;
    Ok(())
}

fn remap_natural_ids(conn: &Connection, user_id: &str) -> Result<()> {
    for (table, keys) in NATURAL_KEYS {
        let cols: Vec<String> = keys.iter().map(|k| format!("CAST(\"{k}\" AS TEXT)")).collect();
        let sql = format!("SELECT id, {} FROM \"{table}\"", cols.join(", "));
        let Ok(mut stmt) = conn.prepare(&sql) else { continue };
        let rows: Vec<Vec<Option<String>>> = stmt
            .query_map([], |r| (0..=keys.len()).map(|i| r.get(i)).collect::<rusqlite::Result<Vec<_>>>())?
            .collect::<rusqlite::Result<_>>()?;
        // A row with a NULL key is not identified by it (a shipped emoji: created_by NULL).
        for row in rows.into_iter().filter(|r| r[1..].iter().all(Option::is_some)) {
            let key_values: Vec<&str> = row[1..].iter().map(|v| v.as_deref().unwrap_or("")).collect();
            let derived = studydesk_sync::natural_id(table, &key_values);
            if let Some(old) = row[0].as_deref().filter(|old| *old != derived) {
                change_id(conn, table, old, &derived)?;
            }
        }
    }
    crate::planner::calendar::store::remap_imported_ids(conn, &mut |old, new| change_id(conn, "calendar_events", old, new))?;
    crate::focus::immerse::remap_default_room(conn, user_id, &mut |table, old, new| change_id(conn, table, old, new))?;
    let list = crate::planner::tasks::default_list(conn, user_id)?;
    let derived = crate::planner::tasks::default_list_id(user_id);
    if list.id != derived {
        change_id(conn, "task_lists", &list.id, &derived)?;
    }
    Ok(())
}

/// Synced tables, parents before children.
fn tables_in_fk_order(catalog: &Catalog) -> Vec<&str> {
    let mut placed: Vec<&str> = Vec::new();
    while placed.len() < catalog.tables.len() {
        let before = placed.len();
        for (name, info) in &catalog.tables {
            let ready = info.foreign_keys.iter().all(|f| {
                f.parent == *name || placed.contains(&f.parent.as_str()) || !catalog.tables.contains_key(&f.parent)
            });
            if ready && !placed.contains(&name.as_str()) {
                placed.push(name);
            }
        }
        if placed.len() == before {
            // A cycle the schema does not have today: append the rest rather than loop.
            placed.extend(catalog.tables.keys().map(String::as_str).filter(|n| !placed.contains(n)).collect::<Vec<_>>());
        }
    }
    placed
}

fn json_value(v: SqlValue) -> Value {
    match v {
        SqlValue::Null => Value::Null,
        SqlValue::Integer(i) => Value::from(i),
        SqlValue::Real(f) => Value::from(f),
        SqlValue::Text(s) => Value::from(s),
        SqlValue::Blob(b) => Value::from(b.iter().map(|x| format!("{x:02x}")).collect::<String>()),
    }
}

/// The clock of a row's last edit: `updated_at`, else `created_at`, as an HLC text.
fn edit_clock(row: &Map<String, Value>) -> String {
    let stamp = ["updated_at", "created_at"].iter().find_map(|k| row.get(*k).and_then(Value::as_str));
    let ms = stamp
        .and_then(|s| {
            chrono::DateTime::parse_from_rfc3339(s).map(|t| t.timestamp_millis()).ok().or_else(|| {
                chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc().timestamp_millis())
            })
        })
        .unwrap_or(0);
    format!("{:016}.00000", ms.max(0))
}

fn enqueue_snapshot(conn: &Connection, device_id: &str, signed_up: bool) -> Result<()> {
    let catalog = Catalog::current();
    let mut insert = conn.prepare_cached(
        "INSERT INTO sync_changes(table_name, row_id, op, changes, hlc, device_id, cl)
         VALUES (?1, ?2, 'insert', ?3, ?4, ?5,
                 COALESCE((SELECT cl FROM sync_causal WHERE table_name = ?1 AND row_id = ?2), 1))",
    )?;
    let mut feed_events = std::collections::HashSet::new();
    for table in tables_in_fk_order(catalog) {
        let info = &catalog.tables[table];
        let excluded = excluded_columns(table);
        let names: Vec<&str> = info.columns.iter().map(|c| c.name.as_str()).filter(|c| !excluded.contains(c)).collect();
        let self_ref = info.foreign_keys.iter().find(|f| f.parent == table).map(|f| f.column.clone());
        let order = self_ref.map_or("rowid".to_string(), |c| format!("\"{c}\" IS NOT NULL, rowid"));
        let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
        let mut stmt = conn.prepare(&format!("SELECT {} FROM \"{table}\" ORDER BY {order}", quoted.join(", ")))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let mut row = Map::new();
            for (i, name) in names.iter().enumerate() {
                row.insert((*name).to_string(), json_value(r.get(i)?));
            }
            if skip_row(table, &row, signed_up) || feed_row(table, &row, &mut feed_events) {
                continue;
            }
            let id = row.get("id").and_then(Value::as_str).unwrap_or_default().to_string();
            insert.execute(params![table, id, Value::Object(row.clone()).to_string(), edit_clock(&row), device_id])?;
        }
    }
    Ok(())
}

/// A subscribed calendar's event, or a reminder on one: the device's own copy of a feed,
/// never synced (the capture triggers leave them out too: `db::capture`). Events come
/// before their reminders (foreign-key order), so `feed_events` knows them by then.
fn feed_row(table: &str, row: &Map<String, Value>, feed_events: &mut std::collections::HashSet<String>) -> bool {
    let text = |c: &str| row.get(c).and_then(Value::as_str).map(str::to_string);
    match table {
        "calendar_events" if row.get("subscription_id").is_some_and(|v| !v.is_null()) => {
            feed_events.extend(text("id"));
            true
        }
        "calendar_event_reminders" => text("event_id").is_some_and(|e| feed_events.contains(&e)),
        _ => false,
    }
}

fn skip_row(table: &str, row: &Map<String, Value>, signed_up: bool) -> bool {
    if table == "activities" && row.get("is_builtin").and_then(Value::as_i64) == Some(1) {
        return true;
    }
    if studydesk_sync::catalog::shipped_marker(table).is_some_and(|c| row.get(c).is_none_or(Value::is_null)) {
        return true; // the shipped emoji catalog
    }
    let untouched = row.get("updated_at").is_some() && row.get("updated_at") == row.get("created_at");
    !signed_up && PROFILE_ROWS.contains(&table) && untouched
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::planner::calendar::{subscriptions, EventPatch, EventUpdate, NewEvent, NewReminder};

    /// The first sync's snapshot carries the subscription and the user's own events, not a
    /// feed's events nor the reminders on them (each device fetches its feeds itself).
    #[test]
    fn the_snapshot_leaves_out_a_feeds_events_and_their_reminders() {
        let dir = tempfile::tempdir().unwrap();
        let app = crate::api::Studydesk::open(dir.path(), crate::clock::system()).unwrap();
        let (db, me) = (app.db(), app.user_id());
        let input = subscriptions::NewSubscription { url: "https://uni.example/t.ics".into(), ..Default::default() };
        let sub = subscriptions::add(db, &me, input).unwrap();
        let feed = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a@uni\r\nDTSTART:20301207T010000Z\r\nSUMMARY:Lecture\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let calendars = crate::planner::calendar::ics::parse::read(feed).unwrap();
        db.write(WriteCtx::by(&me, "test"), |tx| crate::planner::calendar::ics::import_feed(tx, &me, &sub.id, &calendars).map(|_| ())).unwrap();
        let lecture: String = db.read(|c| Ok(c.query_row("SELECT id FROM calendar_events WHERE subscription_id IS NOT NULL", [], |r| r.get(0))?)).unwrap();
        let remind = EventPatch { reminders: Some(vec![NewReminder { minutes_before: Some(10), ..Default::default() }]), ..Default::default() };
        app.event_update(EventUpdate { id: lecture, patch: remind.clone(), ..Default::default() }).unwrap();
        let mine = app.event_add(NewEvent { title: "Mine".into(), start: "2030-12-08".into(), all_day: true, ..Default::default() }).unwrap();
        app.event_update(EventUpdate { id: mine.id, patch: remind, ..Default::default() }).unwrap();

        let ctx = WriteCtx { actor_id: None, action: "test".into(), capture: false, audit: false };
        db.write(ctx, |tx| {
            tx.execute("DELETE FROM sync_changes", [])?;
            enqueue_snapshot(tx, "device", true)
        })
        .unwrap();
        let count = |table: &str| -> i64 {
            db.read(|c| Ok(c.query_row("SELECT count(*) FROM sync_changes WHERE table_name = ?1", [table], |r| r.get(0))?)).unwrap()
        };
        assert_eq!(count("calendar_subscriptions"), 1);
        assert_eq!(count("calendar_events"), 1, "the user's own event only");
        assert_eq!(count("calendar_event_reminders"), 1, "the reminder on the user's own event only");
    }
}
