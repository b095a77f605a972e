//! The pull side: apply one page of the server's changes in one local transaction.
//!
//! Capture is off (pulled changes are not pushed back) and foreign keys are checked at
//! COMMIT, so a page lands whole and consistent or not at all. Each change is merged by
//! the shared rule against what this device knows: the row's causal length
//! (`sync_causal`) and the clocks of its own writes the server has not echoed back yet
//! (`sync_changes`); the server's log carries only winning columns in order, so every
//! other local column takes the pulled value. A change SQLite refuses (a CHECK the server
//! could not see) is skipped alone, under a savepoint, and kept in `sync_apply_errors`.
//!
//! A change this device wrote itself and still holds in its change log (its echo, with
//! the same clock and life) is already applied here: it is passed over without touching
//! the row. A device restored from an older copy no longer holds those writes and
//! applies them like anyone else's. Statements are cached: a page is many rows of the
//! same few tables.

use super::{meta, queue, sync_ctx};
use crate::db::Hlc;
use crate::error::SyncErrorKind;
use crate::{CoreError, Db, Result};
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use studydesk_sync::merge::{merge, Outcome, RowState};
use studydesk_sync::wire::{Change, PullPage, PulledChange};
use studydesk_sync::Clock;

#[derive(Debug, Default, Clone, Copy)]
pub struct Applied {
    pub applied: u32,
    pub errors: u32,
}

pub fn apply_page(db: &Db, page: &PullPage) -> Result<Applied> {
    let mut positions = positions(db)?;
    check_contiguous(&positions, &page.changes)?;
    let max_hlc = page.changes.iter().filter_map(|c| Hlc::parse(&c.hlc)).max();
    let applied = db.write(sync_ctx("sync.pull"), |tx| {
        tx.execute_batch("PRAGMA defer_foreign_keys = ON")?;
        let own = own_writes(tx, &page.changes)?;
        let mut columns_of = HashMap::new();
        let mut applied = Applied::default();
        let device = db.device_id();
        for change in &page.changes {
            positions.insert(change.stream.clone(), Value::from(change.seq));
            let mine = own.get(&(change.table.clone(), change.row_id.clone())).map_or(&[][..], Vec::as_slice);
            if is_own_echo(change, device, mine) {
                continue;
            }
            if !columns_of.contains_key(&change.table) {
                columns_of.insert(change.table.clone(), local_columns(tx, &change.table)?);
            }
            match apply_one(tx, change, &columns_of[&change.table], mine) {
                Ok(true) => applied.applied += 1,
                Ok(false) => {}
                Err(e) => {
                    record_error(tx, change, &e)?;
                    applied.errors += 1;
                }
            }
        }
        for stream in &page.revoked_streams {
            positions.remove(stream);
        }
        meta::put(tx, meta::POSITIONS, &Value::Object(positions.clone()).to_string())?;
        meta::put(tx, meta::CURSOR, &page.next_cursor)?;
        queue::forget_seen(tx, &positions)?;
        if let Some(hlc) = max_hlc {
            super::skew::note_seen(tx, hlc)?;
        }
        Ok(applied)
    })?;
    if let Some(hlc) = max_hlc {
        db.observe_hlc(hlc)?;
    }
    Ok(applied)
}

fn positions(db: &Db) -> Result<Map<String, Value>> {
    let text = meta::get(db, meta::POSITIONS)?;
    Ok(text.as_deref().map(serde_json::from_str).transpose()?.unwrap_or_default())
}

/// The server promises gap-free streams; a gap means a bug, and applying past it could
/// lose a change for good, so the page is refused.
fn check_contiguous(positions: &Map<String, Value>, changes: &[PulledChange]) -> Result<()> {
    let mut at: HashMap<&str, i64> = HashMap::new();
    for c in changes {
        let last = *at.entry(&c.stream).or_insert_with(|| positions.get(&c.stream).and_then(Value::as_i64).unwrap_or(0));
        if c.seq != last + 1 {
            return Err(CoreError::sync(
                SyncErrorKind::Server,
                format!("the sync server skipped changes in {} (expected {}, got {}); nothing was applied", c.stream, last + 1, c.seq),
            ));
        }
        at.insert(&c.stream, c.seq);
    }
    Ok(())
}

/// Column names of a local table (empty when this version has no such table).
pub(super) fn local_columns(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1)")?;
    let cols = stmt.query_map([table], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(cols)
}

/// This device's own writes still waiting to be seen in a stream, for the rows of the page:
/// `(cl, column names, clock)` per row. Read once per page (a row-by-row lookup would scan
/// the change log for every pulled change).
type OwnWrites = HashMap<(String, String), Vec<(i64, Vec<String>, Clock)>>;

fn own_writes(conn: &Connection, page: &[PulledChange]) -> Result<OwnWrites> {
    let wanted: std::collections::HashSet<(&str, &str)> = page.iter().map(|c| (c.table.as_str(), c.row_id.as_str())).collect();
    let mut out: OwnWrites = HashMap::new();
    let mut stmt = conn.prepare_cached("SELECT table_name, row_id, changes, hlc, device_id, cl FROM sync_changes WHERE op <> 'delete'")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (table, row_id): (String, String) = (r.get(0)?, r.get(1)?);
        if !wanted.contains(&(table.as_str(), row_id.as_str())) {
            continue;
        }
        let cols: Option<String> = r.get(2)?;
        let cols: Map<String, Value> = cols.as_deref().map(serde_json::from_str).transpose()?.unwrap_or_default();
        let clock = Clock::new(&r.get::<_, String>(3)?, &r.get::<_, String>(4)?);
        out.entry((table, row_id)).or_default().push((r.get(5)?, cols.keys().cloned().collect(), clock));
    }
    Ok(out)
}

/// This device's own write coming back: it holds the write (same clock, same life), so
/// the row already has it or something that beat it.
fn is_own_echo(change: &PulledChange, device: &str, mine: &[(i64, Vec<String>, Clock)]) -> bool {
    change.device_id == device
        && mine.iter().any(|(cl, _, clock)| *cl == change.cl && clock.hlc == change.hlc && clock.device_id == change.device_id)
}

fn apply_one(conn: &Connection, change: &PulledChange, columns: &[String], mine: &[(i64, Vec<String>, Clock)]) -> Result<bool> {
    if columns.is_empty() || change.table.starts_with("sync_") {
        return Ok(false); // a table of a newer schema: the re-pull after upgrading fills it
    }
    let state = local_state(conn, change, mine)?;
    let incoming = Change {
        table: change.table.clone(),
        row_id: change.row_id.clone(),
        op: change.op,
        columns: change.columns.clone(),
        hlc: change.hlc.clone(),
        device_id: change.device_id.clone(),
        cl: change.cl,
    };
    let Outcome::Applied { won, new_life, state: next, .. } = merge(Some(&state.row), &incoming) else {
        return Ok(false);
    };
    conn.prepare_cached("SAVEPOINT pulled")?.execute([])?;
    let written = write_outcome(conn, change, &won, new_life, next.alive(), state.exists, columns);
    match written {
        Ok(()) => {
            conn.prepare_cached("RELEASE pulled")?.execute([])?;
        }
        Err(e) => {
            conn.execute_batch("ROLLBACK TO pulled; RELEASE pulled")?;
            return Err(e);
        }
    }
    Ok(true)
}

fn write_outcome(
    conn: &Connection,
    change: &PulledChange,
    won: &Map<String, Value>,
    new_life: bool,
    alive: bool,
    exists: bool,
    columns: &[String],
) -> Result<()> {
    let table = &change.table;
    if !alive {
        conn.prepare_cached(&format!("DELETE FROM \"{table}\" WHERE id = ?1"))?.execute([&change.row_id])?;
    } else if !won.is_empty() {
        write_known_columns(conn, table, &change.row_id, won, columns, exists)?;
    }
    if new_life && change.cl > 1 {
        conn.prepare_cached(
            "INSERT INTO sync_causal(table_name, row_id, cl) VALUES (?1, ?2, ?3)
             ON CONFLICT(table_name, row_id) DO UPDATE SET cl = excluded.cl",
        )?
        .execute(params![table, change.row_id, change.cl])?;
    }
    Ok(())
}

struct LocalRow {
    exists: bool,
    row: RowState,
}

pub(super) fn row_exists(conn: &Connection, table: &str, row_id: &str) -> Result<bool> {
    let mut stmt = conn.prepare_cached(&format!("SELECT 1 FROM \"{table}\" WHERE id = ?1"))?;
    Ok(stmt.query_row([row_id], |_| Ok(())).optional()?.is_some())
}

/// What this device knows of the row: its life, and the clocks of its own writes still
/// waiting to be seen in the stream (every other column is older than anything pulled).
fn local_state(conn: &Connection, change: &PulledChange, mine: &[(i64, Vec<String>, Clock)]) -> Result<LocalRow> {
    let exists = row_exists(conn, &change.table, &change.row_id)?;
    let causal: Option<i64> = conn
        .prepare_cached("SELECT cl FROM sync_causal WHERE table_name = ?1 AND row_id = ?2")?
        .query_row(params![change.table, change.row_id], |r| r.get(0))
        .optional()?;
    let cl = causal.unwrap_or(if exists { 1 } else { 0 });
    let mut clocks: BTreeMap<String, Clock> = BTreeMap::new();
    for (_, names, clock) in mine.iter().filter(|(life, _, _)| *life == cl) {
        for name in names {
            if clocks.get(name).is_none_or(|c| c < clock) {
                clocks.insert(name.clone(), clock.clone());
            }
        }
    }
    // Columns without a local clock: present (so an equal-life change merges into them)
    // but older than any pulled write.
    Ok(LocalRow { exists, row: RowState { cl, columns: Map::new(), clocks } })
}

fn sql_value(v: &Value) -> SqlValue {
    match v {
        Value::Null => SqlValue::Null,
        Value::Bool(b) => SqlValue::Integer(i64::from(*b)),
        Value::Number(n) => n.as_i64().map_or_else(|| SqlValue::Real(n.as_f64().unwrap_or(0.0)), SqlValue::Integer),
        Value::String(s) => SqlValue::Text(s.clone()),
        other => SqlValue::Text(other.to_string()),
    }
}

/// Writes `values` to the row (updating it, or inserting it when it is not here).
/// Columns this version does not have are left out.
pub(super) fn write_columns(
    conn: &Connection,
    table: &str,
    row_id: &str,
    values: &Map<String, Value>,
    columns: &[String],
) -> Result<()> {
    let exists = row_exists(conn, table, row_id)?;
    write_known_columns(conn, table, row_id, values, columns, exists)
}

fn write_known_columns(
    conn: &Connection,
    table: &str,
    row_id: &str,
    values: &Map<String, Value>,
    columns: &[String],
    exists: bool,
) -> Result<()> {
    let known: Vec<(&String, &Value)> = values.iter().filter(|(k, _)| *k != "id" && columns.contains(k)).collect();
    let mut args: Vec<SqlValue> = known.iter().map(|(_, v)| sql_value(v)).collect();
    args.push(SqlValue::Text(row_id.to_string()));
    if exists {
        if known.is_empty() {
            return Ok(());
        }
        let sets: Vec<String> = known.iter().enumerate().map(|(i, (k, _))| format!("\"{k}\" = ?{}", i + 1)).collect();
        let sql = format!("UPDATE \"{table}\" SET {} WHERE id = ?{}", sets.join(", "), known.len() + 1);
        conn.prepare_cached(&sql)?.execute(params_from_iter(args))?;
    } else {
        let names: Vec<String> = known.iter().map(|(k, _)| format!("\"{k}\"")).collect();
        let marks: Vec<String> = (1..=known.len() + 1).map(|i| format!("?{i}")).collect();
        let sql = format!("INSERT INTO \"{table}\"({}{}id) VALUES ({})", names.join(", "), if names.is_empty() { "" } else { ", " }, marks.join(", "));
        conn.prepare_cached(&sql)?.execute(params_from_iter(args))?;
    }
    Ok(())
}

fn record_error(conn: &Connection, change: &PulledChange, e: &CoreError) -> Result<()> {
    conn.execute(
        "INSERT INTO sync_apply_errors(stream, seq, table_name, row_id, code, message, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
        params![change.stream, change.seq, change.table, change.row_id, e.kind(), e.to_string()],
    )?;
    tracing::warn!(table = %change.table, row = %change.row_id, error = %e, "could not apply a pulled change");
    Ok(())
}
