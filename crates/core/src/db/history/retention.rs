//! How long history is kept: a number of days the user sets (default one year), kept
//! in `local_meta` (each device prunes its own trail); older audit rows are pruned by the
//! background scheduler at most once a day (and when the user shortens the period), in
//! bounded batches through `Db::write`: never on the start-up path, which every CLI
//! command and OS-timer run takes.

use crate::db::{meta, WriteCtx};
use crate::{CoreError, Db, Result};
use rusqlite::Connection;

const KEY: &str = "history.retention_days";
/// When this device last pruned (the daily housekeeping, [`prune_if_due`]).
const PRUNED_KEY: &str = "history.pruned_at";
/// Batches one day's housekeeping prunes at most (100,000 rows); a database left unopened
/// for years catches up over a few days, never in one long stall.
pub const PRUNE_BATCHES_A_DAY: u32 = 20;
pub const DEFAULT_RETENTION_DAYS: u32 = 365;
/// Ten years: the setting's upper bound.
pub const MAX_RETENTION_DAYS: u32 = 3650;
/// Rows deleted per statement (one short transaction each).
pub const PRUNE_BATCH: i64 = 5000;

pub fn retention_days(conn: &Connection) -> Result<u32> {
    Ok(meta::read(conn, KEY)?.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_RETENTION_DAYS))
}

pub fn set_retention_days(db: &Db, days: u32) -> Result<u32> {
    if !(1..=MAX_RETENTION_DAYS).contains(&days) {
        return Err(CoreError::validation(format!("history is kept for 1 to {MAX_RETENTION_DAYS} days, not {days}")));
    }
    // local_meta is bookkeeping: no capture, no write context needed.
    db.read(|c| meta::put(c, KEY, &days.to_string()))?;
    Ok(days)
}

/// Deletes audit rows older than the retention period, at most `max_batches` batches of
/// [`PRUNE_BATCH`], each its own short `Db::write` (the audit trail has no capture
/// trigger, so nothing is queued or audited; the write lock is held one batch at a time);
/// answers how many went.
pub fn prune(db: &Db, max_batches: u32) -> Result<u64> {
    let mut total = 0u64;
    for _ in 0..max_batches {
        let n = db.write(WriteCtx::system("history.prune"), |tx| {
            let days = retention_days(tx)?;
            let cutoff = crate::db::timestamp_text(tx.now() - chrono::Duration::days(i64::from(days)));
            Ok(tx
                .prepare_cached("DELETE FROM audit_logs WHERE id IN (SELECT id FROM audit_logs WHERE created_at < ?1 LIMIT ?2)")?
                .execute(rusqlite::params![cutoff, PRUNE_BATCH])?)
        })?;
        total += n as u64;
        if (n as i64) < PRUNE_BATCH {
            break;
        }
    }
    Ok(total)
}

/// The daily housekeeping's prune: [`prune`] of at most [`PRUNE_BATCHES_A_DAY`] batches
/// when the last one is a day old or more (`None`: not due). Called by the background
/// scheduler (the app's hourly housekeeping thread and every headless turn, so it runs
/// with the app quit too), never on the start-up path; the day is this device's, in
/// `local_meta`, so every process may ask.
pub fn prune_if_due(db: &Db) -> Result<Option<u64>> {
    let now = db.now();
    let last = db.read(|c| meta::read(c, PRUNED_KEY))?.and_then(|t| crate::time::parse_instant(&t));
    if last.is_some_and(|t| now - t < chrono::Duration::days(1) && t <= now) {
        return Ok(None);
    }
    let pruned = prune(db, PRUNE_BATCHES_A_DAY)?;
    db.read(|c| meta::put(c, PRUNED_KEY, &crate::db::timestamp_text(now)))?;
    Ok(Some(pruned))
}
