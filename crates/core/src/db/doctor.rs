//! `doctor`: checks a database file and says in words what is wrong.
//!
//! Contract: [`check_file`] reads the file only, on a read-only connection, so it also
//! examines a file that opening refuses as damaged; every problem SQLite reports is a
//! line of the report (a page too damaged to read is one too), never an error.

use super::{health, migrate, Db};
use crate::Result;
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;
use std::path::Path;

#[derive(Debug, Clone, Serialize)]
pub struct DoctorReport {
    pub path: String,
    pub integrity: Vec<String>,
    pub foreign_key_violations: Vec<String>,
    pub schema_version: i64,
    pub known_version: i64,
    pub pending_changes: i64,
    pub ok: bool,
}

/// Checks the file at `path` without opening it for writing.
pub fn check_file(path: &Path) -> Result<DoctorReport> {
    super::check_sqlite_header(path)?;
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| crate::CoreError::Database(format!("could not open {}: {e}", path.display())))?;
    let mut integrity = match health::check_at_open(path) {
        Err(crate::CoreError::Damaged { problems, .. }) => problems,
        _ => vec![],
    };
    match lines(&conn, "PRAGMA integrity_check", |r| r.get::<_, String>(0)) {
        Ok(found) => integrity.extend(found.into_iter().filter(|l| l != "ok")),
        Err(e) => integrity.push(e.to_string()),
    }
    integrity.dedup();
    let foreign_key_violations = lines(&conn, "PRAGMA foreign_key_check", |r| {
        let table: String = r.get(0)?;
        let rowid: Option<i64> = r.get(1)?;
        let parent: String = r.get(2)?;
        let row = rowid.map(|r| format!("{table} row {r}")).unwrap_or_else(|| format!("a {table} row"));
        Ok(format!("{row} points to a missing {parent} row"))
    })
    .unwrap_or_else(|e| vec![format!("the references could not be checked: {e}")]);
    let schema_version = migrate::applied_versions(&conn).ok().and_then(|v| v.last().copied()).unwrap_or(0);
    let pending_changes: i64 = conn
        .query_row("SELECT count(*) FROM sync_changes WHERE pushed_at IS NULL", [], |r| r.get(0))
        .unwrap_or(0);
    let ok = integrity.is_empty() && foreign_key_violations.is_empty();
    Ok(DoctorReport {
        path: path.display().to_string(),
        integrity,
        foreign_key_violations,
        schema_version,
        known_version: migrate::latest_version(),
        pending_changes,
        ok,
    })
}

fn lines<T>(conn: &Connection, sql: &str, f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>) -> rusqlite::Result<Vec<T>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], f)?.collect();
    rows
}

impl Db {
    pub fn doctor(&self) -> Result<DoctorReport> {
        check_file(&self.path)
    }

    /// Copies the whole database to `target` with the online backup API.
    /// A copy the user asked for: into a folder that exists (a mistyped folder is said,
    /// not created; the automatic copies make their own `backups` folder).
    pub fn backup(&self, target: &std::path::Path) -> Result<()> {
        if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty() && !p.is_dir()) {
            return Err(crate::CoreError::validation(format!(
                "the folder {} does not exist; create it first or choose another place for the backup",
                parent.display()
            )));
        }
        self.read(|conn| super::backup_to(conn, target))
    }
}
