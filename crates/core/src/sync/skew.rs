//! This device's clock against the sync server's (docs/sync.md §7, "clock skew").
//!
//! Contract:
//! - Every push and pull answer carries the server's time. The offset (server time minus
//!   this device's time at the middle of the request) is kept in `local_meta` when it is
//!   at least [`CORRECT_FROM_MS`] either way, and cleared when it is smaller. Clocks (HLCs)
//!   then tick on device time plus the offset, so a device whose clock is wrong still
//!   orders its edits by real time, and the server, which refuses clocks more than a
//!   minute ahead of its own, accepts them. Times shown to the user keep the device clock;
//!   the status reports the offset so the Settings page can say the clock is off.
//! - A device whose clock ran ahead before the offset was known has stamped changes in
//!   the future. After a push answer (at most once per round), when the device's clock is
//!   more than [`CORRECT_FROM_MS`] past the latest safe time, or the server refused
//!   changes with `clock_skew`: the clock goes back to the latest safe time, and the
//!   changes not sent yet that carry a later clock, with the `clock_skew` refusals, are
//!   queued again with fresh clocks in their old order (one per old clock, so a local
//!   transaction stays one). The latest safe time is the corrected now, or the newest
//!   clock the server accepted from this device or sent to it, whichever is later:
//!   going below those would let a later edit lose to an earlier one.
//! - Another process on the same data folder (the CLI while the app runs) keeps its
//!   clock in memory until it next writes; a change it stamps ahead is refused
//!   `clock_skew`, and Retry gives it a fresh clock (`refused::retry`).

use super::{meta, sync_ctx};
use crate::db::{Hlc, CLOCK_OFFSET_KEY};
use crate::{Db, Result};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};

/// Offsets smaller than this are left alone: network time and ordinary drift, not a wrong
/// clock. Also how far ahead of the safe time the clock may run before it is corrected
/// (the server accepts clocks up to a minute ahead).
pub const CORRECT_FROM_MS: i64 = 30_000;

/// The newest clock seen in a pulled page (this device's own echoes included).
pub const MAX_SEEN: &str = "sync.max_seen_hlc";

/// Server time minus device time, taking the server's time as read in the middle of the
/// request (the error is at most half the round trip).
pub fn offset_ms(sent: DateTime<Utc>, received: DateTime<Utc>, server_time_ms: i64) -> i64 {
    let middle = sent.timestamp_millis() + (received - sent).num_milliseconds() / 2;
    server_time_ms.saturating_sub(middle)
}

/// The offset worth applying for a measured one: 0 under [`CORRECT_FROM_MS`].
fn applicable(measured_ms: i64) -> i64 {
    if measured_ms.abs() >= CORRECT_FROM_MS {
        measured_ms
    } else {
        0
    }
}

/// Keeps a measured offset for the clocks of later writes. Writes only when it moved by
/// a second or more (every request measures it; the noise is not worth a write).
pub fn record_offset(db: &Db, measured_ms: i64) -> Result<()> {
    let offset = applicable(measured_ms);
    let current = db.clock_offset_ms();
    if (offset == 0) == (current == 0) && (offset - current).abs() < 1000 {
        return Ok(());
    }
    db.write(sync_ctx("sync.clock"), |tx| {
        if offset == 0 {
            meta::remove(tx, CLOCK_OFFSET_KEY)
        } else {
            meta::put(tx, CLOCK_OFFSET_KEY, &offset.to_string())
        }
    })?;
    db.set_clock_offset_ms(offset);
    Ok(())
}

/// Notes the newest clock of a pulled page, inside the page's transaction.
pub(super) fn note_seen(conn: &Connection, newest: Hlc) -> Result<()> {
    let seen = meta::read(conn, MAX_SEEN)?.as_deref().and_then(Hlc::parse).unwrap_or_default();
    if newest > seen {
        meta::put(conn, MAX_SEEN, &newest.encode())?;
    }
    Ok(())
}

/// The latest time this device's clock may go back to (see the module docs).
fn safe_floor(conn: &Connection, corrected_now_ms: i64) -> Result<Hlc> {
    let accepted: Option<String> =
        conn.query_row("SELECT max(hlc) FROM sync_changes WHERE pushed_at IS NOT NULL", [], |r| r.get(0))?;
    let seen = meta::read(conn, MAX_SEEN)?;
    let newest_known = [accepted, seen].into_iter().flatten().filter_map(|t| Hlc::parse(&t)).max().unwrap_or_default();
    Ok(newest_known.max(Hlc { wall_ms: corrected_now_ms, counter: 0 }))
}

/// Corrects clocks stamped in the future (see the module docs). Returns `None` when
/// nothing needed it, else how many refused changes went back to the queue.
pub fn correct_future_clocks(db: &Db) -> Result<Option<u32>> {
    let corrected_now_ms = db.now().timestamp_millis().saturating_add(db.clock_offset_ms());
    let (floor, local, stale) = db.read(|c| {
        let floor = safe_floor(c, corrected_now_ms)?;
        let limit = Hlc { wall_ms: floor.wall_ms.saturating_add(CORRECT_FROM_MS), counter: 0 };
        let stale: i64 = c.query_row(
            "SELECT (SELECT count(*) FROM sync_refused WHERE code = 'clock_skew')
                  + (SELECT count(*) FROM sync_changes WHERE pushed_at IS NULL AND batch_id IS NULL AND hlc > ?1)",
            [limit.encode()],
            |r| r.get(0),
        )?;
        Ok((floor, Hlc::load(c)?, stale))
    })?;
    let ran_ahead = local.wall_ms > floor.wall_ms.saturating_add(CORRECT_FROM_MS);
    if !ran_ahead && stale == 0 {
        return Ok(None);
    }
    if ran_ahead {
        db.lower_hlc(floor)?;
    }
    let requeued = db.write(sync_ctx("sync.clock"), |tx| {
        let mut clock = tx.hlc()?;
        let requeued = restamp(tx, &floor, &mut clock)?;
        db.raise_hlc_in_write(clock);
        Ok(requeued)
    })?;
    Ok(Some(requeued))
}

/// Gives the stale changes fresh clocks ticked from `clock`, one per old clock, in the
/// order of the old clocks (so edits keep their order and a local transaction stays one).
/// Changes not sent yet keep their place in the queue (it is in parent-first order);
/// `clock_skew` refusals go back to its end. Returns how many refusals went back.
fn restamp(conn: &Connection, floor: &Hlc, clock: &mut Hlc) -> Result<u32> {
    let queued = seq_and_clock(
        conn,
        "SELECT seq, hlc FROM sync_changes WHERE pushed_at IS NULL AND batch_id IS NULL AND hlc > ?1 ORDER BY seq",
        &floor.encode(),
    )?;
    let refused = seq_and_clock(conn, "SELECT seq, hlc FROM sync_refused WHERE code = ?1 ORDER BY seq", &"clock_skew")?;
    let mut old_clocks: Vec<&str> = queued.iter().chain(&refused).map(|(_, hlc)| hlc.as_str()).collect();
    old_clocks.sort_unstable();
    old_clocks.dedup();
    let fresh: std::collections::HashMap<&str, String> =
        old_clocks.into_iter().map(|old| (old, clock.tick(i64::MIN).encode())).collect();
    let mut update = conn.prepare_cached("UPDATE sync_changes SET hlc = ?1 WHERE seq = ?2")?;
    for (seq, old) in &queued {
        update.execute(params![fresh[old.as_str()], seq])?;
    }
    let mut requeue = conn.prepare_cached(
        "INSERT INTO sync_changes(table_name, row_id, op, changes, hlc, device_id, cl)
         SELECT table_name, row_id, op, changes, ?1, device_id, cl FROM sync_refused WHERE seq = ?2",
    )?;
    let mut forget = conn.prepare_cached("DELETE FROM sync_refused WHERE seq = ?1")?;
    for (seq, old) in &refused {
        requeue.execute(params![fresh[old.as_str()], seq])?;
        forget.execute([seq])?;
    }
    Ok(u32::try_from(refused.len()).unwrap_or(u32::MAX))
}

fn seq_and_clock(conn: &Connection, sql: &str, param: &dyn rusqlite::ToSql) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([param], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_offset_is_read_at_the_middle_of_the_request() {
        let sent = Utc.timestamp_millis_opt(1_000_000).unwrap();
        let received = Utc.timestamp_millis_opt(1_000_400).unwrap();
        assert_eq!(offset_ms(sent, received, 1_000_200), 0);
        assert_eq!(offset_ms(sent, received, 1_000_200 - 600_000), -600_000, "the device is ten minutes ahead");
    }

    #[test]
    fn small_offsets_are_noise_and_are_not_applied() {
        assert_eq!(applicable(29_999), 0);
        assert_eq!(applicable(-29_999), 0);
        assert_eq!(applicable(-30_000), -30_000);
        assert_eq!(applicable(3_600_000), 3_600_000);
    }
}
