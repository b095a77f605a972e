//! The SQL sandbox: the user's own SQL over their data and their imported sources, on
//! read-only connections that can only read.
//!
//! Contract:
//! - Runs on its own connections ([`reader`]; at most [`POOL_SIZE`], opened when first
//!   needed, so two widgets read at once), never on the app's write connection and never
//!   holding the `Db` lock: a slow query cannot delay a write. The imported sources cache
//!   (`paths::sources_cache_path`) is attached read-only as the schema `sources` when its
//!   file exists, and attached again when it appears or changes later.
//! - Only reading ([`guard`]): one SELECT (VALUES, WITH, recursive CTEs) with pure built-in
//!   functions; writes, schema changes, ATTACH, PRAGMA, transactions and other functions
//!   are refused with a sentence that says what and why; secret columns read as NULL;
//!   the device's bookkeeping tables are refused. One statement only ([`statement`]).
//! - Bounded ([`Limits`]): a time limit (5 s) and a Cancel by query id ([`Sandbox::cancel`]);
//!   at most 10,000 rows and about 8 MiB of cells, long text cut, `truncated` set when a
//!   cap was reached (never an error); a value larger than 16 MB stops the query.
//! - Every failure of the user's SQL is `CoreError::Query` with its reason and, when SQLite
//!   or the sandbox knows it, the position in the SQL for the editor's caret.

pub mod functions;
mod guard;
mod reader;
mod statement;

pub use guard::{is_internal, is_secret, PURE_FUNCTIONS};
pub use reader::MAX_VALUE_BYTES;

use crate::error::QueryReason;
use crate::insights::table::Table;
use crate::{validate, CoreError, Result};
use reader::{Reader, Stop};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;
use ts_rs::TS;

/// How many read-only connections the sandbox keeps.
pub const POOL_SIZE: usize = 2;
/// The longest SQL accepted, in characters.
pub const SQL_MAX: usize = 100_000;
/// The longest query id accepted, in characters.
pub const QUERY_ID_MAX: usize = 100;

/// How much one query may take.
#[derive(Debug, Clone)]
pub struct Limits {
    /// How long a statement may run before it is stopped.
    pub time: Duration,
    /// Rows answered at most.
    pub max_rows: usize,
    /// The answer's size at most (text bytes plus a little per cell).
    pub max_bytes: usize,
    /// A text cell's length at most, in bytes (longer ones are cut).
    pub max_cell_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { time: Duration::from_secs(5), max_rows: 10_000, max_bytes: 8 * 1024 * 1024, max_cell_bytes: 64 * 1024 }
    }
}

/// A table or view the user may read, for the editor's side list.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct SandboxTable {
    /// `main` (the user's data) or `sources` (the imported sources' cache).
    pub schema: String,
    pub name: String,
    pub kind: SandboxTableKind,
    pub columns: Vec<SandboxColumn>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SandboxTableKind {
    Table,
    View,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct SandboxColumn {
    pub name: String,
    /// The type the table declares (`TEXT`, `INTEGER`...; empty when none).
    pub declared_type: String,
    /// A password, token, key hash or connection setting: it reads as NULL here.
    pub secret: bool,
}

pub struct Sandbox {
    data_dir: PathBuf,
    limits: Limits,
    pool: Pool,
    running: Running,
}

impl Sandbox {
    /// The sandbox over `<data_dir>/studydesk.db` and its sources cache; nothing is opened
    /// until the first query.
    pub fn new(data_dir: &Path) -> Sandbox {
        Sandbox::with_limits(data_dir, Limits::default())
    }

    pub fn with_limits(data_dir: &Path, limits: Limits) -> Sandbox {
        Sandbox { data_dir: data_dir.to_path_buf(), limits, pool: Pool::default(), running: Running::default() }
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Runs the user's one statement (`sql`: not blank, at most [`SQL_MAX`] characters).
    /// `query_id`, when given, is what [`Sandbox::cancel`] stops it by.
    pub fn query(&self, sql: &str, query_id: Option<&str>) -> Result<Table> {
        validate::text("sql", sql, SQL_MAX)?;
        let id = query_id.map(|id| validate::text("query id", id, QUERY_ID_MAX)).transpose()?;
        let ticket = self.running.start(id);
        let mut lease = self.pool.lease(&self.data_dir, &ticket.cancel)?;
        lease.reader().refresh_sources(&self.data_dir);
        let stop = Stop::new(ticket.cancel.clone(), self.limits.time);
        let answer = lease.reader().run(sql, &self.limits, &stop);
        if matches!(answer, Err(ref e) if !matches!(e, CoreError::Query { .. })) {
            // Not the SQL's fault (the file went away, a disk error): start afresh next time.
            lease.discard();
        }
        answer
    }

    /// Stops the running query `query_id` (it answers a `query` error saying it was
    /// cancelled). A query that already ended is left alone; one that has not started yet
    /// stops as soon as it starts.
    pub fn cancel(&self, query_id: &str) {
        self.running.cancel(query_id);
    }

    /// The tables and views the user may read, with their columns: the user's data
    /// (without the bookkeeping tables; secret columns marked) then the imported sources.
    pub fn schema(&self) -> Result<Vec<SandboxTable>> {
        let never = Arc::new(AtomicBool::new(false));
        let mut lease = self.pool.lease(&self.data_dir, &never)?;
        lease.reader().refresh_sources(&self.data_dir);
        lease.reader().schema()
    }
}

/// The read-only connections: idle ones, and how many are open (idle or lent).
#[derive(Default)]
struct Pool {
    state: Mutex<PoolState>,
    freed: Condvar,
}

#[derive(Default)]
struct PoolState {
    idle: Vec<Reader>,
    open: usize,
}

impl Pool {
    fn lock(&self) -> MutexGuard<'_, PoolState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// An idle connection, a new one while fewer than [`POOL_SIZE`] are open, or the first
    /// one given back (every query ends by its time limit, so the wait is bounded), unless
    /// `cancel` is set while waiting.
    fn lease(&self, data_dir: &Path, cancel: &AtomicBool) -> Result<Lease<'_>> {
        let mut state = self.lock();
        loop {
            if let Some(reader) = state.idle.pop() {
                return Ok(Lease { pool: self, reader: Some(reader) });
            }
            if state.open < POOL_SIZE {
                state.open += 1;
                drop(state);
                return match Reader::open(data_dir) {
                    Ok(reader) => Ok(Lease { pool: self, reader: Some(reader) }),
                    Err(e) => {
                        self.closed();
                        Err(e)
                    }
                };
            }
            if cancel.load(Ordering::Relaxed) {
                return Err(guard::Refusal { reason: QueryReason::Cancelled, detail: None }.into_error("", None));
            }
            state = self.freed.wait_timeout(state, Duration::from_millis(50)).unwrap_or_else(|p| p.into_inner()).0;
        }
    }

    fn closed(&self) {
        self.lock().open -= 1;
        self.freed.notify_one();
    }
}

/// A connection lent to one query; given back when dropped.
struct Lease<'p> {
    pool: &'p Pool,
    reader: Option<Reader>,
}

impl Lease<'_> {
    fn reader(&mut self) -> &mut Reader {
        self.reader.as_mut().expect("a lease holds its reader until dropped")
    }

    /// Closes the connection instead of giving it back.
    fn discard(&mut self) {
        if self.reader.take().is_some() {
            self.pool.closed();
        }
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(reader) = self.reader.take() {
            self.pool.lock().idle.push(reader);
            self.pool.freed.notify_one();
        }
    }
}

/// The running queries' cancel flags by id, and ids cancelled before their query started
/// (the Cancel may overtake the query on its way to a blocking thread).
#[derive(Default)]
struct Running {
    state: Mutex<RunningState>,
}

#[derive(Default)]
struct RunningState {
    flags: HashMap<String, (Arc<AtomicBool>, usize)>,
    cancelled_early: VecDeque<String>,
}

/// How many ids cancelled before they started are remembered.
const EARLY_CANCELS: usize = 64;

/// One running query's registration; unregisters when dropped.
struct Ticket<'r> {
    running: &'r Running,
    id: Option<String>,
    cancel: Arc<AtomicBool>,
}

impl Running {
    fn lock(&self) -> MutexGuard<'_, RunningState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn start(&self, id: Option<String>) -> Ticket<'_> {
        let Some(id) = id else {
            return Ticket { running: self, id: None, cancel: Arc::new(AtomicBool::new(false)) };
        };
        let mut state = self.lock();
        let early = state.cancelled_early.iter().position(|c| *c == id).and_then(|i| state.cancelled_early.remove(i));
        // Two queries under one id share a flag: Cancel stops both.
        let entry = state.flags.entry(id.clone()).or_insert_with(|| (Arc::new(AtomicBool::new(false)), 0));
        entry.1 += 1;
        if early.is_some() {
            entry.0.store(true, Ordering::Relaxed);
        }
        Ticket { running: self, id: Some(id), cancel: entry.0.clone() }
    }

    fn cancel(&self, id: &str) {
        let mut state = self.lock();
        match state.flags.get(id) {
            Some((flag, _)) => flag.store(true, Ordering::Relaxed),
            None => {
                if state.cancelled_early.len() >= EARLY_CANCELS {
                    state.cancelled_early.pop_front();
                }
                state.cancelled_early.push_back(id.to_string());
            }
        }
    }
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        let Some(id) = &self.id else { return };
        let mut state = self.running.lock();
        if let Some(entry) = state.flags.get_mut(id) {
            entry.1 -= 1;
            if entry.1 == 0 {
                state.flags.remove(id);
            }
        }
    }
}

impl Sandbox {
    /// Runs the app's own read `f` (a built-in metric) on one of the sandbox's read-only
    /// connections, so it never holds the app's connection or waits on a write.
    pub fn read_trusted<T>(&self, f: impl FnOnce(&rusqlite::Connection) -> Result<T>) -> Result<T> {
        let never = Arc::new(AtomicBool::new(false));
        let mut lease = self.pool.lease(&self.data_dir, &never)?;
        lease.reader().trusted(f)
    }
}
