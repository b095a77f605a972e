//! How long history is kept: a number of days the user sets (default one year), kept
//! in `local_meta` (each device prunes its own trail); older audit rows are pruned at
//! open and by the daily housekeeping, in bounded batches so a long-unopened database
//! does not stall the start.

use crate::db::meta;
use crate::{CoreError, Db, Result};
use rusqlite::Connection;

const KEY: &str = "history.retention_days";
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

/// Deletes audit rows older than the retention period, at most `max_batches` batches;
/// answers how many went. The audit trail is bookkeeping (no capture trigger), so this
/// runs outside `Db::write`.
pub fn prune(db: &Db, max_batches: u32) -> Result<u64> {
    let mut total = 0u64;
    for _ in 0..max_batches {
        let n = db.read(|c| {
            let days = retention_days(c)?;
            let cutoff = crate::db::timestamp_text(db.now() - chrono::Duration::days(i64::from(days)));
            Ok(c.prepare_cached(
                "DELETE FROM audit_logs WHERE id IN (SELECT id FROM audit_logs WHERE created_at < ?1 LIMIT ?2)",
            )?
            .execute(rusqlite::params![cutoff, PRUNE_BATCH])?)
        })?;
        total += n as u64;
        if (n as i64) < PRUNE_BATCH {
            break;
        }
    }
    Ok(total)
}
