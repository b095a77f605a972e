//! Copies of the database made with SQLite's online backup API (consistent even while
//! another connection writes): before every migration, and on demand (`backup FILE`).

use crate::clock::SharedClock;
use crate::{CoreError, Result};
use rusqlite::backup::Backup;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Writes a complete copy of `conn`'s main database to `target` (which must not exist).
pub fn backup_to(conn: &Connection, target: &Path) -> Result<()> {
    if target.exists() {
        return Err(CoreError::validation(format!(
            "{} already exists; choose a new file name for the backup",
            target.display()
        )));
    }
    if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| CoreError::io(format!("could not create {}", parent.display()), e))?;
    }
    let mut dst = Connection::open(target)?;
    {
        let backup = Backup::new(conn, &mut dst)?;
        backup.run_to_completion(256, Duration::from_millis(5), None)?;
    }
    // A backup is one self-contained file: fold any WAL into it.
    dst.execute_batch("PRAGMA journal_mode = DELETE;")?;
    Ok(())
}

/// The automatic copy taken before migrating an existing file:
/// `<data dir>/backups/studydesk-<UTC time>-before-v<first pending>.db`.
pub fn before_migration(conn: &Connection, db_path: &Path, clock: &SharedClock, pending: &[i64]) -> Result<PathBuf> {
    let dir = crate::paths::backups_dir(db_path.parent().unwrap_or(Path::new(".")));
    let stamp = clock.now().format("%Y%m%dT%H%M%S%.3fZ");
    let first = pending.first().copied().unwrap_or(0);
    let target = dir.join(format!("studydesk-{stamp}-before-v{first}.db"));
    backup_to(conn, &target)?;
    tracing::info!(backup = %target.display(), "backed up the database before migrating");
    Ok(target)
}
