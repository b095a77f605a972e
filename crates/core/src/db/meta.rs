//! `local_meta`: this device's own facts, one text value per key (the local user, the
//! device id, the HLC, a running session's heartbeat, sync's server and cursor...).
//!
//! Contract: device-local bookkeeping, not user data: no capture triggers, never synced,
//! so these statements may run outside `Db::write` (a 30 s heartbeat must not churn the
//! change log). Each module names its keys with its own prefix or constant.

use crate::Result;
use rusqlite::{params, Connection, OptionalExtension};

pub fn read(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn.prepare_cached("SELECT value FROM local_meta WHERE key = ?1")?.query_row([key], |r| r.get(0)).optional()?)
}

/// Sets `key` to `value`, replacing what it held.
pub fn put(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO local_meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    )?
    .execute(params![key, value])?;
    Ok(())
}

/// Sets `key`, which must not be set yet (an error otherwise: the caller's write fails).
pub fn insert(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.prepare_cached("INSERT INTO local_meta(key, value) VALUES (?1, ?2)")?.execute(params![key, value])?;
    Ok(())
}

pub fn remove(conn: &Connection, key: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM local_meta WHERE key = ?1")?.execute([key])?;
    Ok(())
}
