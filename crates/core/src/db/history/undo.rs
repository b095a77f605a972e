//! Undo: a change's old values written back as new changes through `Db::write` (so the
//! undo syncs, is audited, and can be undone in turn).
//!
//! Undoing an update writes the old values of the columns it changed; an insert, deletes
//! the row; a delete, re-creates the row from its old values. Only columns a synced change
//! may carry are written (`studydesk_sync::catalog::accepts_pulled`: secrets, derived
//! counters and unknown columns are left as they are; derived summaries recompute at
//! COMMIT), with the generic writer sync's mirror uses (`db::by_name`), so every table
//! is written the same way. What history hides (`visible`: rows a derived summary writes,
//! the app's own rows, counter moves) is never taken back: the summaries recompute at
//! COMMIT from the rows the undo wrote, as for any write. Refused, with nothing written: a change of another account,
//! of a table that is not user-editable (local-only or bookkeeping), an update or insert
//! whose row was since deleted, a delete whose row exists again.

use super::read::{change, HistoryEntryRaw};
use super::{HistoryEntry, Op};
use crate::db::by_name::{delete_row, local_columns, row_exists, write_known_columns};
use crate::db::WriteCtx;
use crate::{CoreError, Db, Result};
use rusqlite::Connection;
use serde::Serialize;
use serde_json::{Map, Value};
use studydesk_sync::catalog::{accepts_pulled, pulled_table};
use ts_rs::TS;

/// The most changes one "undo everything since" takes back (it is one transaction).
pub const MAX_UNDO_SINCE: usize = 5000;

/// What an undo did: the changes it took back (newest first) and, in words, what.
#[derive(Debug, Clone, Serialize, TS, PartialEq)]
#[ts(export)]
pub struct UndoOutcome {
    pub undone: Vec<HistoryEntry>,
    pub summary: String,
}

/// Undoes one change.
pub fn undo_change(db: &Db, me: &str, change_id: &str) -> Result<UndoOutcome> {
    let device = db.device_id().to_string();
    db.write(WriteCtx::by(me, "history.undo"), |tx| {
        let c = change(tx, &db.history_visible, me, &device, change_id)?;
        revert(tx, me, &c)?;
        Ok(outcome(vec![c.entry]))
    })
}

/// Undoes the last action made in the app: every change of this account's latest write
/// on this device (one action may change several rows; they share a clock).
pub fn undo_last(db: &Db, me: &str) -> Result<UndoOutcome> {
    let device = db.device_id().to_string();
    db.write(WriteCtx::by(me, "history.undo"), |tx| {
        let ids: Vec<String> = {
            let visible = &db.history_visible;
            let mut stmt = tx.prepare_cached(&format!(
                "SELECT id FROM audit_logs WHERE user_id = ?1 AND {visible} AND json_extract(metadata, '$.hlc') = (
                   SELECT json_extract(metadata, '$.hlc') FROM audit_logs
                   WHERE user_id = ?1 AND json_extract(metadata, '$.device_id') = ?2 AND {visible} ORDER BY id DESC LIMIT 1)
                 ORDER BY id DESC"
            ))?;
            let ids = stmt.query_map(rusqlite::params![me, device], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            ids
        };
        if ids.is_empty() {
            return Err(CoreError::Conflict("there is nothing to undo yet".into()));
        }
        revert_all(tx, &db.history_visible, me, &device, &ids)
    })
}

/// Undoes every change of this account made at or after `since` (a timestamp), newest
/// first, in one transaction: all of them or none.
pub fn undo_since(db: &Db, me: &str, since: &str) -> Result<UndoOutcome> {
    let since = crate::time::parse_instant(since)
        .map(crate::db::timestamp_text)
        .ok_or_else(|| CoreError::validation(format!("since must be a date and time like 2026-01-31T09:00:00Z, not {since:?}")))?;
    let device = db.device_id().to_string();
    db.write(WriteCtx::by(me, "history.undo"), |tx| {
        let ids: Vec<String> = {
            let mut stmt = tx.prepare_cached(&format!(
                "SELECT id FROM audit_logs WHERE user_id = ?1 AND created_at >= ?2 AND {} ORDER BY id DESC LIMIT ?3",
                db.history_visible
            ))?;
            let ids = stmt.query_map(rusqlite::params![me, since, MAX_UNDO_SINCE as i64 + 1], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
            ids
        };
        if ids.len() > MAX_UNDO_SINCE {
            return Err(CoreError::validation(format!(
                "more than {MAX_UNDO_SINCE} changes were made since {since}: pick a later time, or restore a backup"
            )));
        }
        if ids.is_empty() {
            return Err(CoreError::Conflict(format!("you made no change since {since}")));
        }
        revert_all(tx, &db.history_visible, me, &device, &ids)
    })
}

/// Reverts the changes `ids` (newest first), each as it was recorded.
fn revert_all(tx: &Connection, visible: &str, me: &str, device: &str, ids: &[String]) -> Result<UndoOutcome> {
    let mut undone = Vec::with_capacity(ids.len());
    for id in ids {
        let c = change(tx, visible, me, device, id)?;
        revert(tx, me, &c)?;
        undone.push(c.entry);
    }
    Ok(outcome(undone))
}

fn outcome(undone: Vec<HistoryEntry>) -> UndoOutcome {
    let summary = match undone.as_slice() {
        [one] => format!("Undone: {}", one.summary),
        many => format!("Undone: {} changes", many.len()),
    };
    UndoOutcome { undone, summary }
}

fn revert(tx: &Connection, me: &str, c: &HistoryEntryRaw) -> Result<()> {
    let e = &c.entry;
    if c.user_id.as_deref().is_some_and(|u| u != me) {
        return Err(CoreError::validation(format!("change {} was made by another account: only your own changes can be undone", e.id)));
    }
    let table = e.entity_type.as_str();
    if !c.visible {
        return Err(CoreError::validation(format!(
            "change {} was made by Studydesk itself (a summary or its own setting): undo the change it followed from instead",
            e.id
        )));
    }
    if pulled_table(table).is_err() {
        return Err(CoreError::validation(format!(
            "{} rows are not something you edit (they are kept by Studydesk itself), so change {} cannot be undone",
            super::read::entity_word(table),
            e.id
        )));
    }
    let Some(row_id) = e.entity_id.as_deref() else {
        return Err(CoreError::validation(format!("change {} names no row, so it cannot be undone", e.id)));
    };
    let what = super::read::entity_word(table);
    let exists = row_exists(tx, table, row_id)?;
    match e.op {
        Op::Insert if !exists => Err(CoreError::Conflict(format!(
            "the {what} this change created has since been deleted: there is nothing to undo (nothing was changed)"
        ))),
        Op::Insert => delete_row(tx, table, row_id),
        Op::Update if !exists => Err(CoreError::Conflict(format!(
            "the {what} this change was made to has since been deleted, so its old values cannot be put back; undo that deletion first (nothing was changed)"
        ))),
        Op::Delete if exists => Err(CoreError::Conflict(format!(
            "the {what} this change deleted exists again, so it cannot be re-created (nothing was changed)"
        ))),
        Op::Update | Op::Delete => {
            let values = writable(table, c.old.as_ref());
            let columns = local_columns(tx, table)?;
            write_known_columns(tx, table, row_id, &values, &columns, exists)
        }
    }
}

/// The old values a synced change may carry (no secret, derived or unknown column).
fn writable(table: &str, old: Option<&Map<String, Value>>) -> Map<String, Value> {
    old.map(|m| m.iter().filter(|(k, _)| accepts_pulled(table, k)).map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default()
}
