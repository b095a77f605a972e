//! The one place above the rooms: what every room derives, and the database opened with it.
//!
//! A room that keeps a summary of other rows declares it as a
//! [`Derived`](crate::db::derive::Derived) in its own module and adds it to [`DERIVED`];
//! `Db::write` then keeps it in every transaction that moves it (docs/architecture.md,
//! "Derived summaries"). `db` knows only the list it is given, so no room and `db` import
//! each other.

use crate::clock::SharedClock;
use crate::db::derive::Derived;
use crate::db::{Db, OpenReport};
use crate::Result;
use std::path::Path;

/// Every derived summary of the core.
pub static DERIVED: &[&Derived] = &[&crate::focus::progress::DERIVED];

impl Db {
    /// Opens (creating if needed) the database at `path`, with every room's summaries.
    pub fn open(path: &Path, clock: SharedClock) -> Result<Db> {
        Ok(Self::open_with_report(path, clock)?.0)
    }

    pub fn open_with_report(path: &Path, clock: SharedClock) -> Result<(Db, OpenReport)> {
        Self::open_keeping(path, clock, DERIVED)
    }

    /// Opens `<data dir>/studydesk.db`.
    pub fn open_in(data_dir: &Path, clock: SharedClock) -> Result<Db> {
        Self::open(&crate::paths::db_path(data_dir), clock)
    }
}
