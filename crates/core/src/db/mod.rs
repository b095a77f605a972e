//! The local SQLite file.
//!
//! Contract:
//! - [`Db::open`] refuses a file that is not SQLite or that a newer Studydesk migrated,
//!   without touching it; sets the connection pragmas (foreign keys, WAL, NORMAL sync,
//!   busy timeout); backs the file up before running pending migrations, which run
//!   grouped in one transaction; then installs the change-capture triggers.
//! - [`Db::write`] is the only way to change user data. It runs the closure in one
//!   IMMEDIATE transaction; the capture triggers record every row change in
//!   `sync_changes` (for sync) and `audit_logs` (history) inside that same transaction,
//!   and refuse any write made outside it. It commits whole or rolls back whole.
//! - [`Db::read`] runs read-only queries on the same connection.
//! - Derived summaries (`derive`): the rooms' list is given at open (`crate::rooms`
//!   opens with it: `Db::open`, `Db::open_in`, `Db::open_with_report`); `Db::write`
//!   recomputes the ones its changes moved before COMMIT.

pub mod backup;
pub mod by_name;
pub mod history;
mod capture;
mod checkpoint;
pub mod derive;
pub mod meta;
pub mod doctor;
pub mod health;
pub mod salvage;
pub mod row;
mod hlc;
mod migrate;
mod tx;
pub mod wal_mark;
mod write;

pub use backup::backup_to;
pub use hlc::{Hlc, CLOCK_OFFSET_KEY};
pub use migrate::{embedded_versions, latest_version, run_up_to as migrate_up_to};
pub use tx::{timestamp_text, Tx};
pub use write::WriteCtx;

use crate::clock::SharedClock;
use crate::{CoreError, Result};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicI64;
use std::sync::Mutex;
use std::time::Duration;

/// How long a writer waits for another process's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub struct Db {
    conn: Mutex<Connection>,
    checkpointer: Option<checkpoint::Checkpointer>,
    clock: SharedClock,
    device_id: String,
    hlc: Mutex<Hlc>,
    /// Server time minus this device's time, applied to the HLC only (docs/sync.md §7).
    clock_offset_ms: AtomicI64,
    path: PathBuf,
    /// The summaries `write` keeps (docs/architecture.md, "Derived summaries").
    derived: &'static [&'static derive::Derived],
    /// The SQL condition over `audit_logs` true for the changes history shows (made once
    /// from the rooms' declarations: `history::visible_condition`).
    history_visible: String,
    /// What this connection's derive triggers noted, for `write` to recompute.
    derive_pending: derive::Pending,
    /// Problems the background check found after a start-up check that ran out of time
    /// (`health`): from then on every write is refused.
    damage: std::sync::Arc<std::sync::OnceLock<Vec<String>>>,
    /// Last, so it drops after every connection: records which log this copy left.
    _close_mark: CloseMark,
}

/// Writes the WAL mark (`wal_mark`) once the connections are closed.
struct CloseMark(PathBuf);

impl Drop for CloseMark {
    fn drop(&mut self) {
        wal_mark::at_close(&self.0);
    }
}

/// What the rooms declare to the database layer (`crate::rooms` joins them, so `db`
/// imports no room): the derived summaries `write` keeps, and the rows the app keeps for
/// itself.
#[derive(Debug)]
pub struct Rooms {
    pub derived: &'static [&'static derive::Derived],
    /// Rows the app writes for its own bookkeeping, not the user's (an installation
    /// setting such as the emoji catalog's version), as (table, natural key: the row's id
    /// is `studydesk_sync::natural_id(table, [key])`): history hides their changes.
    pub internal_rows: &'static [(&'static str, &'static str)],
    /// Tables whose every row the app writes for itself (a shared widget's cached result):
    /// history hides their changes, pulled ones included.
    pub internal_tables: &'static [&'static str],
}

impl Rooms {
    /// No summaries, no internal rows or tables (tests of the database layer alone).
    pub const NONE: Rooms = Rooms { derived: &[], internal_rows: &[], internal_tables: &[] };
}

/// What happened while opening: useful to the CLI's `init` and `doctor`, and to tests.
#[derive(Debug, Clone, Default)]
pub struct OpenReport {
    pub created: bool,
    pub applied_migrations: Vec<i64>,
    pub backup: Option<PathBuf>,
}

impl Db {
    /// Opens (creating if needed) the database at `path`, keeping what `rooms` declare
    /// (the app opens through `Db::open`, which passes every room's: `crate::rooms`).
    pub fn open_keeping(path: &Path, clock: SharedClock, rooms: &'static Rooms) -> Result<(Db, OpenReport)> {
        let derived = rooms.derived;
        let existed = path.exists() && std::fs::metadata(path).map(|m| m.len() > 0).unwrap_or(false);
        let mut at_open = health::AtOpen::Whole;
        if existed {
            check_sqlite_header(path)?;
            // Before SQLite sees the file: it would replay another copy's log unasked.
            wal_mark::check(path, clock.now())?;
            at_open = health::check_at_open(path).map_err(|e| backup::name_latest(e, path))?;
        } else if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| CoreError::io(format!("could not create the data folder {}", parent.display()), e))?;
        }
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| map_open_error(path, e))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Keep cached statements' plans across uses: without this, SQLite 3.54 re-prepares
        // a cached statement whose bindings were cleared (measured: 129 -> 83 us per
        // captured insert). Plans of the Home queries were checked unchanged.
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
        // rusqlite caches 16 statements by default; a focus session change plus the progress
        // refresh cycles through more than that, so the LRU evicted every one and each
        // captured INSERT was prepared again with its trigger programs (perf: parser and
        // trigger code generation; session start 3.0 -> 0.55 ms on the ten-year database).
        // The services have 75 `prepare_cached` call sites (some per table); 256 keeps all.
        conn.set_prepared_statement_cache_capacity(256);
        conn.execute_batch("PRAGMA foreign_keys = ON;").map_err(|e| map_open_error(path, e))?;
        // Refuse a newer schema before anything (even the WAL switch) writes to the file.
        migrate::refuse_newer(&conn, path)?;
        // 16 MiB page cache: a batch write (sample data, imports) dirties more than the
        // default 2 MiB, and spilling mid-transaction writes pages twice.
        // temp_store = MEMORY keeps the TEMP write context and, above all, the statement
        // journals in memory: every captured INSERT fires triggers, so SQLite journals each
        // statement, and on disk that was most of a batch write's syscalls (measured).
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -16384; PRAGMA temp_store = MEMORY;",
        )
            .map_err(|e| map_open_error(path, e))?;
        // Mark the log before anything of the user's is in it (a commit of page 1 as it is).
        let marker = wal_mark::Marker::start(path, || {
            let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            conn.execute_batch(&format!("PRAGMA user_version = {v};"))?;
            Ok(())
        })?;
        let mut report = OpenReport { created: !existed, ..Default::default() };
        let pending = migrate::pending(&conn)?;
        if !pending.is_empty() {
            if existed && migrate::applied_count(&conn)? > 0 {
                report.backup = Some(backup::before_migration(&conn, path, &clock, &pending)?);
            }
            report.applied_migrations = migrate::run(&mut conn)?;
        }
        capture::register_functions(&conn)?;
        capture::install(&conn)?;
        let derive_pending = derive::install(&conn, derived)?;
        let checkpointer = checkpoint::Checkpointer::start(path, BUSY_TIMEOUT);
        if checkpointer.is_some() {
            conn.execute_batch("PRAGMA wal_autocheckpoint = 0;")?;
        }
        // After the pragma above, which replaces any WAL hook.
        install_wal_hook(&mut conn, marker, checkpointer.is_none())?;
        let device_id = write::device_id(&conn)?;
        let hlc = Hlc::load(&conn)?;
        let clock_offset_ms = hlc::load_clock_offset(&conn)?;
        let db = Db {
            conn: Mutex::new(conn),
            checkpointer,
            clock,
            device_id,
            hlc: Mutex::new(hlc),
            clock_offset_ms: AtomicI64::new(clock_offset_ms),
            path: path.to_path_buf(),
            derived,
            history_visible: history::visible_condition(rooms),
            derive_pending,
            damage: Default::default(),
            _close_mark: CloseMark(path.to_path_buf()),
        };
        if at_open == health::AtOpen::Unfinished {
            db.finish_health_check();
        }
        Ok((db, report))
    }

    /// Runs the whole `quick_check` on a thread of its own (a read-only connection), and
    /// records what it finds for `write` to refuse.
    fn finish_health_check(&self) {
        let (path, damage) = (self.path.clone(), self.damage.clone());
        let spawned = std::thread::Builder::new().name("db-health".into()).spawn(move || {
            match health::quick_check(&path, None) {
                Ok(health::Checked::Done(problems)) if !problems.is_empty() => {
                    tracing::error!(?problems, "the database is damaged: writes are refused from now on");
                    let _ = damage.set(problems);
                }
                Ok(_) => tracing::debug!("the database checked whole"),
                Err(e) => tracing::warn!(error = %e, "could not finish checking the database"),
            }
        });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "could not start the database check");
        }
    }

    /// `Err(Damaged)` once the background check found the file damaged.
    fn refuse_if_damaged(&self) -> Result<()> {
        match self.damage.get() {
            Some(problems) => Err(backup::name_latest(health::damaged(&self.path, problems.clone()), &self.path)),
            None => Ok(()),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    pub fn clock(&self) -> &SharedClock {
        &self.clock
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Runs read-only work on the connection.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let conn = self.lock();
        f(&conn)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a transaction open (rusqlite rolls
        // back on drop), so the connection is still usable.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// SQLite's default auto-checkpoint threshold (pages in the log).
const AUTO_CHECKPOINT_PAGES: i32 = 1000;

/// After each commit: the WAL mark follows the log's salts; without the background
/// checkpointer, the hook also checkpoints as SQLite's own (which it replaces) would.
fn install_wal_hook(conn: &mut Connection, mut marker: wal_mark::Marker, checkpoints: bool) -> Result<()> {
    conn.wal_hook(Some(move |wal: &mut rusqlite::hooks::Wal, pages: std::ffi::c_int| {
        marker.after_commit();
        if checkpoints && pages >= AUTO_CHECKPOINT_PAGES {
            // As SQLite's default hook: a failed passive checkpoint is retried next time.
            let _ = wal.checkpoint();
        }
        Ok(())
    }))?;
    Ok(())
}

pub(crate) fn check_sqlite_header(path: &Path) -> Result<()> {
    use std::io::Read;
    let mut header = [0u8; 16];
    let mut f = std::fs::File::open(path).map_err(|e| CoreError::io(format!("could not read {}", path.display()), e))?;
    let n = f.read(&mut header).map_err(|e| CoreError::io(format!("could not read {}", path.display()), e))?;
    if n < 16 || &header != b"SQLite format 3\0" {
        return Err(CoreError::NotADatabase { path: path.display().to_string() });
    }
    Ok(())
}

fn map_open_error(path: &Path, e: rusqlite::Error) -> CoreError {
    match CoreError::from(e) {
        CoreError::NotADatabase { .. } => CoreError::NotADatabase { path: path.display().to_string() },
        other => other,
    }
}
