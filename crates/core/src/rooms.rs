//! The one place above the rooms: what every room derives, the rows the app keeps for
//! itself, and the database opened with them.
//!
//! A room that keeps a summary of other rows declares it as a
//! [`Derived`](crate::db::derive::Derived) in its own module and adds it to [`DERIVED`];
//! `Db::write` then keeps it in every transaction that moves it (docs/architecture.md,
//! "Derived summaries"). `db` knows only the list it is given, so no room and `db` import
//! each other. Likewise each room that shows attachments declares the SQL saying so, and
//! [`attachment_in_use`] joins them for sync's file transfer.

use crate::clock::SharedClock;
use crate::db::derive::Derived;
use crate::db::{Db, OpenReport, Rooms};
use crate::Result;
use std::path::Path;

/// Every derived summary of the core.
pub static DERIVED: &[&Derived] = &[
    &crate::focus::progress::DERIVED,
    &crate::social::counters::PROFILE,
    &crate::social::counters::POLICY,
    &crate::social::counters::POST,
    &crate::social::activity::POSTS,
    &crate::social::activity::LIKES,
    &crate::social::activity::COMMENTS,
    &crate::social::activity::FOLLOWS,
    &crate::insights::requests::DECISIONS,
];

/// What every room declares to the database layer: the summaries above, and the rows the
/// app keeps for itself (the installation settings, `app_settings` keys, it writes as
/// bookkeeping rather than as the user's choice, and the tables it alone writes, such as
/// shared widgets' cached results: history hides their changes).
static ROOMS: Rooms = Rooms {
    derived: DERIVED,
    internal_rows: &[
        ("app_settings", crate::social::emoji::catalog::VERSION_KEY),
        ("app_settings", crate::social::activity::NOTIFIED_KEY),
    ],
    internal_tables: INTERNAL_TABLES,
};

/// The tables whose every row the app writes for itself (history shows none of them).
pub static INTERNAL_TABLES: &[&str] = &[crate::insights::results::TABLE];

/// What shows an attachment, one SQL condition per room that does, each over the
/// attachments table named `a` (a room that starts showing attachments adds its own).
static ATTACHMENT_USES: &[&str] =
    &[
        crate::focus::immerse::SHOWS_ATTACHMENT,
        crate::social::media::SHOWS_ATTACHMENT,
        crate::account::profile::SHOWS_ATTACHMENT,
        crate::social::emoji::custom::SHOWS_ATTACHMENT,
        crate::insights::widgets::SHOWS_ATTACHMENT,
    ];

/// SQL condition, for a query that names the attachments table `a`: something shows this
/// attachment. A replaced background keeps its row and file, but no other device needs it.
pub fn attachment_in_use() -> String {
    format!("({})", ATTACHMENT_USES.join(" OR "))
}

impl Db {
    /// Opens (creating if needed) the database at `path`, with every room's summaries.
    pub fn open(path: &Path, clock: SharedClock) -> Result<Db> {
        Ok(Self::open_with_report(path, clock)?.0)
    }

    pub fn open_with_report(path: &Path, clock: SharedClock) -> Result<(Db, OpenReport)> {
        Self::open_keeping(path, clock, &ROOMS)
    }

    /// Opens `<data dir>/studydesk.db`.
    pub fn open_in(data_dir: &Path, clock: SharedClock) -> Result<Db> {
        Self::open(&crate::paths::db_path(data_dir), clock)
    }
}
