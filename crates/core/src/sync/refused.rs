//! "Could not sync": changes the server refused. They leave the queue (so they never
//! block it) but are never dropped silently: the user retries one (it goes back to the end
//! of the queue with its clock) or discards it (the local row takes the server's version,
//! or goes when the server has none).

use super::sync_ctx;
use crate::{CoreError, Db, Result};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use studydesk_sync::wire::{Change, RejectedChange};
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS, PartialEq, Eq)]
#[ts(export)]
pub struct RefusedChange {
    pub id: i64,
    pub table: String,
    pub row_id: String,
    pub op: String,
    /// The server's reason word (`forbidden`, `fk_missing`, `unique_conflict`...).
    pub code: String,
    pub message: String,
    pub retryable: bool,
    pub refused_at: String,
    pub attempts: i64,
}

pub(super) fn record(conn: &Connection, c: &Change, why: &RejectedChange) -> Result<()> {
    let changes = c.columns.as_ref().map(|m| serde_json::Value::Object(m.clone()).to_string());
    let code = serde_json::to_value(why.code)?.as_str().unwrap_or("refused").to_string();
    let server_state = why.current.as_ref().map(serde_json::to_string).transpose()?;
    conn.execute(
        "INSERT INTO sync_refused(table_name, row_id, op, changes, hlc, device_id, cl, code, message, retryable, server_state, refused_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
        params![c.table, c.row_id, c.op.as_str(), changes, c.hlc, c.device_id, c.cl, code, why.message, why.retryable, server_state],
    )?;
    Ok(())
}

pub fn list_refused(db: &Db) -> Result<Vec<RefusedChange>> {
    db.read(|c| {
        let mut stmt = c.prepare(
            "SELECT seq, table_name, row_id, op, code, message, retryable, refused_at, attempts FROM sync_refused ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(RefusedChange {
                id: r.get(0)?,
                table: r.get(1)?,
                row_id: r.get(2)?,
                op: r.get(3)?,
                code: r.get(4)?,
                message: r.get(5)?,
                retryable: r.get(6)?,
                refused_at: r.get(7)?,
                attempts: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    })
}

fn exists(conn: &Connection, id: i64) -> Result<()> {
    conn.query_row("SELECT 1 FROM sync_refused WHERE seq = ?1", [id], |_| Ok(()))
        .optional()?
        .ok_or_else(|| CoreError::not_found("refused change", id.to_string()))
}

/// Puts a refused change back at the end of the queue, with its causal length and its
/// clock, unless that clock is later than now (it was stamped while this device's clock
/// ran ahead, and the server would refuse it again): then it takes the retry's clock.
pub fn retry(db: &Db, id: i64) -> Result<()> {
    db.write(sync_ctx("sync.retry"), |tx| {
        exists(tx, id)?;
        tx.execute(
            "INSERT INTO sync_changes(table_name, row_id, op, changes, hlc, device_id, cl)
             SELECT table_name, row_id, op, changes, min(hlc, ?2), device_id, cl FROM sync_refused WHERE seq = ?1",
            params![id, tx.hlc()?.encode()],
        )?;
        tx.execute("DELETE FROM sync_refused WHERE seq = ?1", [id])?;
        Ok(())
    })
}

/// Gives up a refused change: the row takes the server's version when the server sent
/// one, else (the server has none, or this account may not read it) the local row goes.
pub fn discard(db: &Db, id: i64) -> Result<()> {
    db.write(sync_ctx("sync.discard"), |tx| {
        exists(tx, id)?;
        let (table, row_id, state): (String, String, Option<String>) = tx.query_row(
            "SELECT table_name, row_id, server_state FROM sync_refused WHERE seq = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let local_columns = super::mirror::local_columns(tx, &table)?;
        if local_columns.is_empty() {
            return Err(CoreError::validation(format!("{table} is not a table of this version of Studydesk")));
        }
        let server: Option<studydesk_sync::wire::WireRowState> = state.as_deref().map(serde_json::from_str).transpose()?;
        match server.and_then(|s| s.columns.filter(|_| s.cl % 2 == 1)) {
            Some(columns) => super::mirror::write_columns(tx, &table, &row_id, &columns, &local_columns)?,
            None => {
                tx.execute(&format!("DELETE FROM \"{table}\" WHERE id = ?1"), [&row_id])?;
            }
        }
        tx.execute("DELETE FROM sync_refused WHERE seq = ?1", [id])?;
        Ok(())
    })
}
