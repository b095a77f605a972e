//! Schema migrations (refinery, SQL files in the repository's `migrations/`).
//!
//! They run grouped (one transaction for all pending ones), so a crash mid-upgrade leaves
//! the previous schema intact. A database whose history names a version this build does
//! not know was written by a newer Studydesk and is refused.

use crate::{CoreError, Result};
use rusqlite::Connection;
use std::path::Path;

refinery::embed_migrations!("../../migrations");

const HISTORY_TABLE: &str = "refinery_schema_history";

pub fn embedded_versions() -> Vec<i64> {
    let mut v: Vec<i64> = migrations::runner().get_migrations().iter().map(|m| m.version() as i64).collect();
    v.sort_unstable();
    v
}

pub fn latest_version() -> i64 {
    embedded_versions().last().copied().unwrap_or(0)
}

fn history_exists(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)",
        [HISTORY_TABLE],
        |r| r.get(0),
    )?)
}

pub fn applied_versions(conn: &Connection) -> Result<Vec<i64>> {
    if !history_exists(conn)? {
        return Ok(vec![]);
    }
    let mut stmt = conn.prepare(&format!("SELECT version FROM {HISTORY_TABLE} ORDER BY version"))?;
    let rows = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(rows)
}

pub fn applied_count(conn: &Connection) -> Result<usize> {
    Ok(applied_versions(conn)?.len())
}

pub fn refuse_newer(conn: &Connection, path: &Path) -> Result<()> {
    let known = latest_version();
    if let Some(&found) = applied_versions(conn)?.last() {
        if found > known {
            return Err(CoreError::NewerSchema { path: path.display().to_string(), found, known });
        }
    }
    Ok(())
}

pub fn pending(conn: &Connection) -> Result<Vec<i64>> {
    let applied = applied_versions(conn)?;
    Ok(embedded_versions().into_iter().filter(|v| !applied.contains(v)).collect())
}

/// Applies every pending migration in one transaction and returns their versions.
pub fn run(conn: &mut Connection) -> Result<Vec<i64>> {
    let report = migrations::runner().set_grouped(true).set_abort_divergent(true).run(conn)?;
    Ok(report.applied_migrations().iter().map(|m| m.version() as i64).collect())
}

/// Applies the embedded migrations up to and including `version` only, on a bare
/// connection: upgrade tests use it to make a file as an older Studydesk left it.
pub fn run_up_to(conn: &mut Connection, version: i64) -> Result<()> {
    let target = i32::try_from(version).map_err(|_| CoreError::validation(format!("no migration version {version}")))?;
    migrations::runner()
        .set_grouped(true)
        .set_target(refinery::Target::Version(target))
        .run(conn)?;
    Ok(())
}
