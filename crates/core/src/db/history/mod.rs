//! History: the audit trail (`audit_logs`, written by the capture triggers) read as
//! entries a person understands, and undone.
//!
//! Contract:
//! - Every view is bounded: an item's history and the account's are pages of at most
//!   [`MAX_PAGE`] entries, newest first, continued from the last id seen (UUIDv7 ids are
//!   in time order). An item's page is one index range (V18: `audit_logs(entity_id)`).
//! - An entry says who (me, sync, the app, another account), from which device (the
//!   capture metadata, kept since V18's release: older rows say "unknown device"), what
//!   (insert, update, delete) and the field-level diff; secrets stay `"[redacted]"` (the
//!   triggers never stored them).
//! - A conflict sync resolved is an entry too: a pulled change that overwrote a value this
//!   device had not sent yet carries `conflict` (its old values are the losing ones); a
//!   pulled value that lost to this device's is recorded as a `sync.conflict` entry whose
//!   old values are the losing ones. Undoing either restores the losing value.
//! - History shows the user's changes, not the app's bookkeeping (`visible`: rows a derived
//!   summary writes, rows the app keeps for itself, counter moves); undo takes back only
//!   what history shows, and the summaries recompute through the write path.
//! - Undo (`undo`) writes new changes through `Db::write`, so they sync, are audited and
//!   can be undone in turn. Retention (`retention`) prunes in bounded batches, from the background scheduler.

mod read;
mod retention;
mod undo;
mod visible;

pub use read::{account_history, item_history, FieldChange, HistoryEntry, HistoryQuery, HistoryPage, Op};
pub use retention::{prune, prune_if_due, retention_days, set_retention_days, DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS, PRUNE_BATCH, PRUNE_BATCHES_A_DAY};
pub use undo::{undo_change, undo_last, undo_since, UndoOutcome, MAX_UNDO_SINCE};

pub(crate) use visible::visible_condition;

use crate::Result;
use rusqlite::{params, Connection};
use serde_json::{Map, Value};

/// The most entries one page holds.
pub const MAX_PAGE: u32 = 200;

/// Inside a pulled page's write: the changes the triggers audit next came from `device`
/// at `hlc` (`conflict`: they overwrite values this device had not sent yet). Cleared by
/// [`clear_origin`]; the write context itself goes at COMMIT.
pub fn set_origin(conn: &Connection, device: &str, hlc: &str, conflict: bool) -> Result<()> {
    conn.prepare_cached("UPDATE temp.write_context SET origin_device = ?1, origin_hlc = ?2, conflict = ?3")?
        .execute(params![device, hlc, conflict])?;
    Ok(())
}

pub fn clear_origin(conn: &Connection) -> Result<()> {
    conn.prepare_cached("UPDATE temp.write_context SET origin_device = NULL, origin_hlc = NULL, conflict = 0")?.execute([])?;
    Ok(())
}

/// Records that sync kept this device's `kept` values of a row over `lost`, pulled from
/// `device`: an entry whose undo writes the losing values.
pub fn record_conflict(
    conn: &Connection,
    table: &str,
    row_id: &str,
    lost: &Map<String, Value>,
    kept: &Map<String, Value>,
    device: &str,
    hlc: &str,
) -> Result<()> {
    let meta = serde_json::json!({ "device_id": device, "hlc": hlc, "conflict": 1 }).to_string();
    conn.prepare_cached(
        "INSERT INTO audit_logs(id, user_id, action, entity_type, entity_id, old_values, new_values, metadata, created_at)
         SELECT uuid7(), NULL, 'sync.conflict', ?1, ?2, ?3, ?4, ?5, w.now FROM temp.write_context w WHERE w.audit = 1",
    )?
    .execute(params![table, row_id, Value::Object(lost.clone()).to_string(), Value::Object(kept.clone()).to_string(), meta])?;
    Ok(())
}
