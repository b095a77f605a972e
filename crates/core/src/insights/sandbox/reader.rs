//! One read-only connection of the sandbox and how it runs the user's statement.
//!
//! Contract:
//! - Opened on the database file with `SQLITE_OPEN_READ_ONLY`, `query_only` on, SQLite's
//!   defensive mode, temporary tables on disk (a big sort or a recursive CTE spills to a
//!   temporary file instead of growing in memory), and values capped at
//!   [`MAX_VALUE_BYTES`] (a `zeroblob(1e9)` or a `group_concat` over a million rows stops
//!   with a message instead of taking a gigabyte); then the [`Guard`] is installed. The
//!   imported sources cache is attached read-only as `sources` by the sandbox itself, the
//!   rules lifted for that one statement.
//! - [`Reader::run`] answers at most `max_rows` rows and about `max_bytes` of cells;
//!   longer text cells are cut; a cap reached is `truncated: true`, never an error. The
//!   progress handler stops the statement when its [`Stop`] says so (time limit, cancel).

use super::guard::{is_internal, is_secret, Guard, Refusal};
use super::{statement, Limits, SandboxColumn, SandboxTable, SandboxTableKind};
use crate::error::QueryReason;
use crate::insights::table::{Cell, Column, ColumnKind, Table};
use crate::{CoreError, Result};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

/// The largest text or blob a query may make or read, in bytes.
pub const MAX_VALUE_BYTES: i32 = 16 * 1024 * 1024;

/// How many virtual machine steps run between two looks at the clock and the cancel flag
/// (a few microseconds of work).
const PROGRESS_STEPS: i32 = 1000;

/// Why a running statement was stopped.
const RUNNING: u8 = 0;
const CANCELLED: u8 = 1;
const OUT_OF_TIME: u8 = 2;

/// When a running statement must stop: its cancel flag, its deadline, and which of them
/// stopped it.
pub struct Stop {
    cancel: Arc<AtomicBool>,
    deadline: Instant,
    limit: Duration,
    why: Arc<AtomicU8>,
}

impl Stop {
    pub fn new(cancel: Arc<AtomicBool>, limit: Duration) -> Stop {
        Stop { cancel, deadline: Instant::now() + limit, limit, why: Arc::new(AtomicU8::new(RUNNING)) }
    }

    fn handler(&self) -> impl FnMut() -> bool + Send + 'static {
        let (cancel, deadline, why) = (self.cancel.clone(), self.deadline, self.why.clone());
        move || {
            let stopped = if cancel.load(Ordering::Relaxed) {
                CANCELLED
            } else if Instant::now() >= deadline {
                OUT_OF_TIME
            } else {
                return false;
            };
            why.store(stopped, Ordering::Relaxed);
            true
        }
    }

    /// The refusal that says why the statement was interrupted, if the handler stopped it.
    fn refusal(&self) -> Option<Refusal> {
        match self.why.load(Ordering::Relaxed) {
            CANCELLED => Some(Refusal { reason: QueryReason::Cancelled, detail: None }),
            OUT_OF_TIME => Some(Refusal::new(QueryReason::TimeLimit, format_seconds(self.limit))),
            _ => None,
        }
    }
}

fn format_seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 { format!("{s:.0}") } else { format!("{s:.1}") }
}

pub struct Reader {
    conn: Connection,
    guard: Guard,
    /// The sources cache as it was when attached (modification time, length).
    sources: Option<(SystemTime, u64)>,
    /// Why the sources cache could not be attached, for the user's "no such table".
    sources_error: Option<String>,
}

impl Reader {
    pub fn open(data_dir: &Path) -> Result<Reader> {
        let path = crate::paths::db_path(data_dir);
        let mut conn = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|e| match CoreError::from(e) {
                CoreError::NotADatabase { .. } => CoreError::NotADatabase { path: path.display().to_string() },
                other => other,
            })?;
        conn.busy_timeout(Duration::from_secs(2))?;
        conn.execute_batch("PRAGMA query_only = ON; PRAGMA temp_store = FILE; PRAGMA cache_size = -8192;")?;
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
        cap_value_size(&conn);
        super::functions::install(&conn)?;
        let guard = Guard::default();
        guard.install(&mut conn)?;
        Ok(Reader { conn, guard, sources: None, sources_error: None })
    }

    /// Attaches the sources cache as `sources` when its file exists, again when the file
    /// changed since (a re-import may replace it), and detaches it when it is gone. A cache
    /// that cannot be attached is left out (logged): the user's own data still answers.
    pub fn refresh_sources(&mut self, data_dir: &Path) {
        let path = crate::paths::sources_cache_path(data_dir);
        let stamp = std::fs::metadata(&path)
            .ok()
            .filter(|m| m.is_file())
            .map(|m| (m.modified().unwrap_or(SystemTime::UNIX_EPOCH), m.len()));
        if stamp == self.sources {
            return;
        }
        let guard = self.guard.clone();
        guard.internal(|| {
            self.sources_error = None;
            if self.sources.take().is_some() {
                if let Err(e) = self.conn.execute_batch("DETACH DATABASE sources") {
                    tracing::warn!(error = %e, "could not detach the sources cache");
                }
            }
            let (Some(stamp), Some(file)) = (stamp, path.to_str()) else { return };
            match self.conn.execute("ATTACH DATABASE ?1 AS sources", [file]) {
                Ok(_) => self.sources = Some(stamp),
                Err(e) => {
                    tracing::warn!(error = %e, path = %path.display(), "could not attach the sources cache");
                    self.sources_error = Some(e.to_string());
                }
            }
        });
    }

    /// Runs the user's one statement within `limits`, stopped by `stop`.
    pub fn run(&mut self, sql: &str, limits: &Limits, stop: &Stop) -> Result<Table> {
        let scanned = statement::scan(sql);
        if let Some((word, at)) = scanned.keyword {
            if let Some(refusal) = Refusal::of_keyword(word) {
                return Err(refusal.into_error(sql, Some(at)));
            }
        }
        if let Some(at) = scanned.second_at {
            return Err(Refusal { reason: QueryReason::SeveralStatements, detail: None }.into_error(sql, Some(at)));
        }
        if statement::is_blank(scanned.first) {
            return Err(Refusal { reason: QueryReason::Empty, detail: None }.into_error(sql, None));
        }
        self.guard.take_refusal();
        self.conn.progress_handler(PROGRESS_STEPS, Some(stop.handler()))?;
        let read = self.read(scanned.first, limits);
        self.conn.progress_handler(0, None::<fn() -> bool>)?;
        read.map_err(|e| self.explain(e, sql, scanned.keyword.map(|(_, at)| at), stop))
    }

    fn read(&self, sql: &str, limits: &Limits) -> rusqlite::Result<Table> {
        let mut stmt = self.conn.prepare(sql)?;
        if !stmt.readonly() {
            return Err(rusqlite::Error::InvalidQuery);
        }
        let n = stmt.column_count();
        let names: Vec<String> = (0..n).map(|i| stmt.column_name(i).map(str::to_string)).collect::<rusqlite::Result<_>>()?;
        let mut size: usize = names.iter().map(|n| n.len() + CELL_OVERHEAD).sum();
        let mut out: Vec<Vec<Cell>> = Vec::new();
        let mut truncated = false;
        let mut rows = stmt.query([])?;
        loop {
            let row = match rows.next() {
                Ok(Some(row)) => row,
                Ok(None) => break,
                // Stopped while looking for one row past the cap: what was read stands.
                Err(_) if out.len() >= limits.max_rows => {
                    truncated = true;
                    break;
                }
                Err(e) => return Err(e),
            };
            if out.len() >= limits.max_rows {
                truncated = true;
                break;
            }
            let mut cells = Vec::with_capacity(n);
            let mut row_size = 0;
            for i in 0..n {
                let (cell, cut) = capped_cell(row.get_ref(i)?, limits.max_cell_bytes);
                truncated |= cut;
                row_size += CELL_OVERHEAD + if let Cell::Text(t) = &cell { t.len() } else { 0 };
                cells.push(cell);
            }
            if size + row_size > limits.max_bytes {
                truncated = true;
                break;
            }
            size += row_size;
            out.push(cells);
        }
        let columns = names.iter().enumerate().map(|(i, name)| Column::new(name, infer_kind(out.iter().map(|r| &r[i])))).collect();
        Ok(Table { columns, rows: out, truncated })
    }

    /// The user's words for what went wrong: the refusal the authorizer recorded, the stop,
    /// SQLite's own message placed at its offset.
    fn explain(&self, e: rusqlite::Error, sql: &str, keyword_at: Option<usize>, stop: &Stop) -> CoreError {
        if let Some(refusal) = self.guard.take_refusal() {
            let at = refusal.detail.as_deref().and_then(|w| statement::find_word(sql, w)).or(keyword_at);
            return refusal.into_error(sql, at);
        }
        if let Some(refusal) = stop.refusal() {
            return refusal.into_error(sql, None);
        }
        match e {
            rusqlite::Error::InvalidQuery => Refusal { reason: QueryReason::NotReading, detail: None }.into_error(sql, keyword_at),
            rusqlite::Error::SqlInputError { msg, offset, .. } => {
                Refusal::new(QueryReason::SqlError, self.with_sources_note(msg)).into_error(sql, usize::try_from(offset).ok())
            }
            rusqlite::Error::SqliteFailure(f, _) if f.code == ErrorCode::TooBig => {
                Refusal::new(QueryReason::TooBig, (MAX_VALUE_BYTES / (1024 * 1024)).to_string()).into_error(sql, None)
            }
            rusqlite::Error::SqliteFailure(f, Some(msg)) if matches!(f.code, ErrorCode::Unknown | ErrorCode::ConstraintViolation | ErrorCode::TypeMismatch) => {
                let at = named_in_message(&msg).and_then(|name| statement::find_word(sql, name));
                Refusal::new(QueryReason::SqlError, self.with_sources_note(msg)).into_error(sql, at)
            }
            other => CoreError::from(other),
        }
    }

    /// SQLite's "no such table: sources.x", with why the sources could not be opened when
    /// that is the reason.
    fn with_sources_note(&self, msg: String) -> String {
        match &self.sources_error {
            Some(why) if msg.starts_with("no such table: sources.") => {
                format!("{msg} (the imported sources' file could not be opened: {why})")
            }
            _ => msg,
        }
    }

    /// The tables and views the user may read, with their columns, for the editor.
    pub fn schema(&self) -> Result<Vec<SandboxTable>> {
        self.guard.internal(|| {
            let mut all = self.list("main")?;
            if self.sources.is_some() {
                all.extend(self.list("sources")?);
            }
            Ok(all)
        })
    }

    fn list(&self, schema: &str) -> Result<Vec<SandboxTable>> {
        let mut tables = self.conn.prepare(&format!(
            "SELECT name, type FROM {schema}.sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        ))?;
        let mut columns = self.conn.prepare("SELECT name, type FROM pragma_table_info(?1, ?2) ORDER BY cid")?;
        let mut out = Vec::new();
        let found: Vec<(String, String)> = tables.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        for (name, kind) in found {
            let main = schema == "main";
            if main && is_internal(&name) {
                continue;
            }
            let cols = columns
                .query_map([&name, schema], |r| {
                    let column: String = r.get(0)?;
                    let secret = main && is_secret(&name, &column);
                    Ok(SandboxColumn { name: column, declared_type: r.get(1)?, secret })
                })?
                .collect::<rusqlite::Result<_>>()?;
            let kind = if kind == "view" { SandboxTableKind::View } else { SandboxTableKind::Table };
            out.push(SandboxTable { schema: schema.to_string(), name, kind, columns: cols });
        }
        Ok(out)
    }
}

/// The name SQLite's message is about (`no such table: sources.big` -> `big`), when it
/// gives no offset itself.
fn named_in_message(msg: &str) -> Option<&str> {
    let name = ["no such table: ", "no such function: ", "no such column: "].iter().find_map(|p| msg.strip_prefix(p))?;
    name.rsplit('.').next().filter(|n| !n.is_empty())
}

/// What a cell counts for in an answer's size besides its text.
const CELL_OVERHEAD: usize = 16;

/// The cell for a value, its text cut to `max` bytes (at a character boundary, with "…"),
/// and whether it was cut.
fn capped_cell(v: ValueRef<'_>, max: usize) -> (Cell, bool) {
    match v {
        ValueRef::Text(t) if t.len() > max => {
            let mut end = max;
            while end > 0 && std::str::from_utf8(&t[..end]).is_err() && max - end < 4 {
                end -= 1;
            }
            let mut text = String::from_utf8_lossy(&t[..end]).into_owned();
            text.push('…');
            (Cell::Text(text), true)
        }
        other => (Cell::from(other), false),
    }
}

/// A column's kind from its values: integers, reals (integers mixed in), dates
/// (`YYYY-MM-DD`), UTC timestamps (the app's `...Z` or SQLite's `YYYY-MM-DD HH:MM:SS`),
/// else text. A column of NULLs only is text.
fn infer_kind<'a>(cells: impl Iterator<Item = &'a Cell>) -> ColumnKind {
    let mut kind: Option<ColumnKind> = None;
    for cell in cells {
        let this = match cell {
            Cell::Null => continue,
            Cell::Integer(_) => ColumnKind::Integer,
            Cell::Real(_) => ColumnKind::Real,
            Cell::Text(t) if is_date(t) => ColumnKind::Date,
            Cell::Text(t) if is_utc_timestamp(t) => ColumnKind::Timestamp,
            Cell::Text(_) => return ColumnKind::Text,
        };
        kind = Some(match (kind, this) {
            (None, k) => k,
            (Some(a), b) if a == b => a,
            (Some(ColumnKind::Integer | ColumnKind::Real), ColumnKind::Integer | ColumnKind::Real) => ColumnKind::Real,
            _ => return ColumnKind::Text,
        });
    }
    kind.unwrap_or(ColumnKind::Text)
}

fn is_date(t: &str) -> bool {
    t.len() == 10 && chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").is_ok()
}

fn is_utc_timestamp(t: &str) -> bool {
    (t.ends_with('Z') && chrono::DateTime::parse_from_rfc3339(t).is_ok())
        || chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S").is_ok()
}

/// Caps every text and blob this connection makes or reads at [`MAX_VALUE_BYTES`]
/// (`sqlite3_limit`; rusqlite's safe `set_limit` needs its `limits` feature, which the
/// workspace does not enable).
fn cap_value_size(conn: &Connection) {
    // SAFETY: `handle()` is this open connection's pointer, valid while `conn` is
    // borrowed; `sqlite3_limit` only sets a number on it and is safe to call at any time.
    unsafe {
        rusqlite::ffi::sqlite3_limit(conn.handle(), rusqlite::ffi::SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_the_values() {
        let kind = |cells: &[Cell]| infer_kind(cells.iter());
        assert_eq!(kind(&[Cell::Integer(1), Cell::Null, Cell::Integer(2)]), ColumnKind::Integer);
        assert_eq!(kind(&[Cell::Integer(1), Cell::Real(2.5)]), ColumnKind::Real);
        assert_eq!(kind(&[Cell::Text("2026-11-22".into())]), ColumnKind::Date);
        assert_eq!(kind(&[Cell::Text("2026-11-22T02:14:56.123Z".into()), Cell::Text("2026-11-22 02:14:56".into())]), ColumnKind::Timestamp);
        assert_eq!(kind(&[Cell::Text("2026-11-22".into()), Cell::Text("Physics".into())]), ColumnKind::Text);
        assert_eq!(kind(&[Cell::Integer(1), Cell::Text("x".into())]), ColumnKind::Text);
        assert_eq!(kind(&[Cell::Null]), ColumnKind::Text);
    }

    #[test]
    fn long_text_is_cut_at_a_character() {
        let text = "あいう".to_string();
        let (cell, cut) = capped_cell(ValueRef::Text(text.as_bytes()), 4);
        assert!(cut);
        assert_eq!(cell, Cell::Text("あ…".into()));
        assert_eq!(capped_cell(ValueRef::Text(b"ok"), 4), (Cell::Text("ok".into()), false));
    }
}

impl Reader {
    /// Runs the app's own reads (the built-in metrics) on this read-only connection with the
    /// user's rules lifted: they are SQL Studydesk wrote, reading only the user's rows, and
    /// the connection still cannot write.
    pub fn trusted<T>(&mut self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let guard = self.guard.clone();
        guard.internal(|| f(&self.conn))
    }
}
