//! `doctor`: checks a database file and says in words what is wrong.

use super::{migrate, Db};
use crate::Result;
use serde::Serialize;

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

impl Db {
    pub fn doctor(&self) -> Result<DoctorReport> {
        self.read(|conn| {
            let mut stmt = conn.prepare("PRAGMA integrity_check")?;
            let integrity: Vec<String> = stmt
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?
                .into_iter()
                .filter(|l| l != "ok")
                .collect();
            let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
            let foreign_key_violations = stmt
                .query_map([], |r| {
                    let table: String = r.get(0)?;
                    let rowid: Option<i64> = r.get(1)?;
                    let parent: String = r.get(2)?;
                    let row = rowid.map(|r| format!("{table} row {r}")).unwrap_or_else(|| format!("a {table} row"));
                    Ok(format!("{row} points to a missing {parent} row"))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let schema_version = migrate::applied_versions(conn)?.last().copied().unwrap_or(0);
            let pending_changes: i64 =
                conn.query_row("SELECT count(*) FROM sync_changes WHERE pushed_at IS NULL", [], |r| r.get(0))?;
            let ok = integrity.is_empty() && foreign_key_violations.is_empty();
            Ok(DoctorReport {
                path: self.path.display().to_string(),
                integrity,
                foreign_key_violations,
                schema_version,
                known_version: migrate::latest_version(),
                pending_changes,
                ok,
            })
        })
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
