//! The open write transaction handed to the closures of `Db::write` (and to derived
//! summaries' recomputation): the connection for SQL, plus the one `now` and clock every
//! row written in it shares. Lower than `write` and `derive`, which both use it.

use super::Hlc;
use crate::{ids, Result};
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use std::ops::Deref;

/// An open write transaction. Derefs to the connection for SQL; carries the
/// transaction's timestamp so every row written in it shares one `now`.
pub struct Tx<'c> {
    tx: rusqlite::Transaction<'c>,
    now: DateTime<Utc>,
}

impl<'c> Deref for Tx<'c> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.tx
    }
}

impl Tx<'_> {
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// This transaction's clock (every change it records carries it).
    pub fn hlc(&self) -> Result<Hlc> {
        let text: String = self.prepare_cached("SELECT hlc FROM temp.write_context")?.query_row([], |r| r.get(0))?;
        Hlc::parse(&text).ok_or_else(|| crate::CoreError::Database(format!("unreadable clock {text:?} in the write context")))
    }

    /// `now` as stored in timestamp columns: UTC, milliseconds, `Z`.
    pub fn now_text(&self) -> String {
        timestamp_text(self.now)
    }

    pub fn new_id(&self) -> String {
        ids::new_id()
    }

    /// Runs `f` with its changes recorded for sync even while this transaction applies a
    /// pulled page (capture off): rows a device derives for its own user from what it
    /// received (activity-feed items) are its own changes, and the server must hold them
    /// before it can take a later edit of them (marking one read).
    pub fn captured<T>(&self, f: impl FnOnce(&Tx) -> Result<T>) -> Result<T> {
        let was: i64 = self.prepare_cached("SELECT capture FROM temp.write_context")?.query_row([], |r| r.get(0))?;
        if was == 1 {
            return f(self);
        }
        self.execute("UPDATE temp.write_context SET capture = 1", [])?;
        let out = f(self);
        self.execute("UPDATE temp.write_context SET capture = ?1", [was])?;
        out
    }

    /// The id of a row identified by a natural key (docs/sync.md §3): every device
    /// creating "the same" row makes the same id, so the rows merge when they sync.
    pub fn natural_id(&self, table: &str, keys: &[&str]) -> String {
        studydesk_sync::natural_id(table, keys)
    }
}

impl<'c> Tx<'c> {
    pub(super) fn new(tx: rusqlite::Transaction<'c>, now: DateTime<Utc>) -> Self {
        Tx { tx, now }
    }

    pub(super) fn into_inner(self) -> rusqlite::Transaction<'c> {
        self.tx
    }
}

pub use crate::time::timestamp_text;
