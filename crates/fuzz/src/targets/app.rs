//! A facade on a temporary data folder for the harnesses that need a database (`ipc`,
//! `sync`): opened once per worker thread and reused, as a running app is, and opened
//! afresh every [`REOPEN_AFTER`] uses so the file stays small and each stretch of inputs
//! starts from a clean profile. The clock is fixed: the same input does the same thing.

use chrono::{DateTime, TimeZone, Utc};
use std::cell::RefCell;
use std::sync::Arc;
use studydesk_core::api::Studydesk;
use studydesk_core::clock::ManualClock;

/// Inputs run on one database before it is replaced by a fresh one.
pub const REOPEN_AFTER: usize = 20_000;

/// The fixed "now" of every harness (also the wall time of the sync seeds' clocks).
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).single().unwrap_or_default()
}

struct Open {
    app: Studydesk,
    uses: usize,
    _dir: tempfile::TempDir,
}

thread_local! {
    static APP: RefCell<Option<Open>> = const { RefCell::new(None) };
}

fn open() -> Option<Open> {
    let root = super::scratch();
    let dir = tempfile::Builder::new().prefix("studydesk-fuzz-").tempdir_in(root).ok()?;
    let app = Studydesk::open(dir.path(), Arc::new(ManualClock::new(now()))).ok()?;
    Some(Open { app, uses: 0, _dir: dir })
}

/// Runs `f` with this thread's facade; `None` when no database could be opened here.
pub fn with_app<T>(f: impl FnOnce(&Studydesk) -> T) -> Option<T> {
    APP.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.as_ref().is_none_or(|o| o.uses >= REOPEN_AFTER) {
            *slot = None;
            *slot = open();
        }
        let open = slot.as_mut()?;
        open.uses += 1;
        Some(f(&open.app))
    })
}

/// Opens this thread's facade, or replaces it after [`REOPEN_AFTER`] uses, outside any
/// input: the driver calls it before an input's clock starts, so opening and migrating a
/// fresh database (hundreds of milliseconds in a debug build) is never taken for a hang.
pub fn prepare() {
    APP.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.as_ref().is_none_or(|o| o.uses >= REOPEN_AFTER) {
            *slot = None;
            *slot = open();
        }
    });
}

/// Drops this thread's facade (its folder is removed): the next use opens a fresh one.
pub fn reset() {
    APP.with(|cell| *cell.borrow_mut() = None);
}
