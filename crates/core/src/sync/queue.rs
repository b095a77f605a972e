//! The push side of the change log: build the next batch, and record the server's answer.
//!
//! A batch is at most 1,000 changes, ends at a transaction boundary when that fits, and
//! is stamped with its id in a committed transaction before it is sent: after a crash
//! the same batch (same id, same content) is sent again and the server replays its
//! stored answer. Changes to one row made by one local transaction are folded into one
//! change (they share a clock, so the server would otherwise see the second as a replay).

use super::sync_ctx;
use crate::{Db, Result};
use rusqlite::{params, Connection};
use serde_json::{Map, Value};
use studydesk_sync::wire::{Change, Op, PushRequest, PushResult, MAX_BATCH_CHANGES};

/// One change to send, with the change-log rows it stands for.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub seqs: Vec<i64>,
    pub change: Change,
}

#[derive(Debug, Clone)]
pub struct Batch {
    pub id: String,
    pub changes: Vec<Outgoing>,
}

impl Batch {
    pub fn request(&self, device_id: &str) -> PushRequest {
        PushRequest {
            batch_id: self.id.clone(),
            device_id: device_id.to_string(),
            changes: self.changes.iter().map(|o| o.change.clone()).collect(),
        }
    }
}

struct LogRow {
    seq: i64,
    change: Change,
}

const SELECT_ROWS: &str = "SELECT seq, table_name, row_id, op, changes, hlc, device_id, cl FROM sync_changes";

fn read_rows(conn: &Connection, sql: &str, param: &dyn rusqlite::ToSql) -> Result<Vec<LogRow>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([param], |r| {
        let op: String = r.get(3)?;
        let changes: Option<String> = r.get(4)?;
        Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?, op, changes, r.get(5)?, r.get(6)?, r.get(7)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, table, row_id, op, changes, hlc, device_id, cl) = row?;
        let columns = changes.as_deref().map(serde_json::from_str::<Map<String, Value>>).transpose()?;
        let op = Op::parse(&op).unwrap_or(Op::Update);
        out.push(LogRow { seq, change: Change { table, row_id, op, columns, hlc, device_id, cl } });
    }
    Ok(out)
}

/// The batch to send next: one already stamped and not answered, else a new one stamped
/// now. `None` when nothing waits.
pub fn next_batch(db: &Db) -> Result<Option<Batch>> {
    db.write(sync_ctx("sync.stamp"), |tx| {
        let stamped: Option<String> = rusqlite::OptionalExtension::optional(tx.query_row(
            "SELECT batch_id FROM sync_changes WHERE pushed_at IS NULL AND batch_id IS NOT NULL ORDER BY seq LIMIT 1",
            [],
            |r| r.get(0),
        ))?;
        if let Some(id) = stamped {
            let rows = read_rows(tx, &format!("{SELECT_ROWS} WHERE batch_id = ?1 AND pushed_at IS NULL ORDER BY seq"), &id)?;
            return Ok(Some(Batch { id, changes: fold(rows) }));
        }
        let limit = MAX_BATCH_CHANGES as i64 + 1;
        let mut rows =
            read_rows(tx, &format!("{SELECT_ROWS} WHERE pushed_at IS NULL AND batch_id IS NULL ORDER BY seq LIMIT ?1"), &limit)?;
        if rows.is_empty() {
            return Ok(None);
        }
        cut_at_transaction(&mut rows);
        let id = tx.new_id();
        let mut stamp = tx.prepare_cached("UPDATE sync_changes SET batch_id = ?1 WHERE seq = ?2")?;
        for row in &rows {
            stamp.execute(params![id, row.seq])?;
        }
        Ok(Some(Batch { id, changes: fold(rows) }))
    })
}

/// Keeps at most the batch limit, ending where a local transaction ends when one does
/// inside the batch (a transaction larger than a batch is split).
fn cut_at_transaction(rows: &mut Vec<LogRow>) {
    if rows.len() <= MAX_BATCH_CHANGES {
        return;
    }
    let next_hlc = rows[MAX_BATCH_CHANGES].change.hlc.clone();
    rows.truncate(MAX_BATCH_CHANGES);
    let whole = rows.iter().rposition(|r| r.change.hlc != next_hlc).map_or(0, |i| i + 1);
    if whole > 0 {
        rows.truncate(whole);
    }
}

/// Folds the updates of a row into the earlier change of the same transaction and life.
fn fold(rows: Vec<LogRow>) -> Vec<Outgoing> {
    let mut out: Vec<Outgoing> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for row in rows {
        let c = &row.change;
        let key = (c.table.clone(), c.row_id.clone(), c.hlc.clone(), c.cl);
        match index.get(&key) {
            Some(&i) if row.change.op == Op::Update => {
                let target: &mut Outgoing = &mut out[i];
                let cols = target.change.columns.get_or_insert_with(Map::new);
                cols.extend(row.change.columns.unwrap_or_default());
                target.seqs.push(row.seq);
            }
            _ => {
                index.insert(key, out.len());
                out.push(Outgoing { seqs: vec![row.seq], change: row.change });
            }
        }
    }
    out
}

/// What one answered batch did.
#[derive(Debug, Default, Clone, Copy)]
pub struct PushCounts {
    pub pushed: u32,
    pub superseded: u32,
    pub refused: u32,
}

/// Records the server's answer in one transaction: accepted changes wait for their echo
/// in a pull (`ack`), superseded ones leave the log, refused ones move to `sync_refused`.
pub fn record_result(db: &Db, batch: &Batch, result: &PushResult) -> Result<PushCounts> {
    db.write(sync_ctx("sync.push"), |tx| {
        let mut counts = PushCounts::default();
        let now = tx.now_text();
        let mut ack_stmt = tx.prepare_cached("UPDATE sync_changes SET pushed_at = ?1, ack = ?2 WHERE seq = ?3")?;
        for accepted in &result.accepted {
            let Some(out) = batch.changes.get(accepted.index) else { continue };
            match (&accepted.stream, accepted.seq, accepted.superseded) {
                (Some(stream), Some(seq), false) => {
                    let mut acks = vec![serde_json::json!({"stream": stream, "seq": seq})];
                    acks.extend(accepted.also.iter().map(|a| serde_json::json!({"stream": a.stream, "seq": a.seq})));
                    let ack = Value::Array(acks).to_string();
                    for seq in &out.seqs {
                        ack_stmt.execute(params![now, ack, seq])?;
                    }
                    counts.pushed += 1;
                }
                _ => {
                    delete_seqs(tx, &out.seqs)?;
                    counts.superseded += 1;
                }
            }
        }
        for rejected in &result.rejected {
            let Some(out) = batch.changes.get(rejected.index) else { continue };
            super::refused::record(tx, &out.change, rejected)?;
            delete_seqs(tx, &out.seqs)?;
            counts.refused += 1;
        }
        Ok(counts)
    })
}

fn delete_seqs(conn: &Connection, seqs: &[i64]) -> Result<()> {
    let mut stmt = conn.prepare_cached("DELETE FROM sync_changes WHERE seq = ?1")?;
    for seq in seqs {
        stmt.execute([seq])?;
    }
    Ok(())
}

/// Drops acknowledged changes a pull has now passed: the device has seen them come back,
/// so they no longer shield their columns from older pulled values. One statement (the
/// JSON is read by SQLite), since it runs after every page.
pub fn forget_seen(conn: &Connection, positions: &Map<String, Value>) -> Result<()> {
    conn.prepare_cached(
        "DELETE FROM sync_changes WHERE ack IS NOT NULL AND NOT EXISTS (
           SELECT 1 FROM json_each(sync_changes.ack) a
           WHERE json_extract(a.value, '$.seq') > COALESCE(
             (SELECT p.value FROM json_each(?1) p WHERE p.key = json_extract(a.value, '$.stream')), 0))",
    )?
    .execute([Value::Object(positions.clone()).to_string()])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(seq: i64, op: Op, hlc: &str, cols: Value) -> LogRow {
        LogRow {
            seq,
            change: Change {
                table: "tasks".into(),
                row_id: "r".into(),
                op,
                columns: cols.as_object().cloned(),
                hlc: hlc.into(),
                device_id: "d".into(),
                cl: 1,
            },
        }
    }

    #[test]
    fn updates_of_one_transaction_fold_into_its_insert() {
        let rows = vec![
            row(1, Op::Insert, "a", serde_json::json!({"title": "x", "done": 0})),
            row(2, Op::Update, "a", serde_json::json!({"done": 1})),
            row(3, Op::Update, "b", serde_json::json!({"title": "y"})),
        ];
        let out = fold(rows);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].seqs, vec![1, 2]);
        assert_eq!(out[0].change.columns.as_ref().unwrap()["done"], 1);
        assert_eq!(out[1].change.op, Op::Update);
    }

    #[test]
    fn a_full_batch_ends_where_a_transaction_ends() {
        let mut rows: Vec<LogRow> =
            (0..1001).map(|i| row(i, Op::Insert, if i < 990 { "a" } else { "b" }, Value::Null)).collect();
        cut_at_transaction(&mut rows);
        assert_eq!(rows.len(), 990);
        let mut one_tx: Vec<LogRow> = (0..1001).map(|i| row(i, Op::Insert, "a", Value::Null)).collect();
        cut_at_transaction(&mut one_tx);
        assert_eq!(one_tx.len(), 1000);
    }
}
