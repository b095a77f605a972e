//! Is the database file whole? Checked when it is opened, before anything writes to it.
//!
//! Contract:
//! - [`check_at_open`] reads the file only (its header, its size, and SQLite's
//!   `quick_check` on a read-only connection) and says [`Damaged`](crate::CoreError::Damaged)
//!   with the problems in words when it is not whole. Opening then stops, so the evidence
//!   is kept exactly as it was found: no WAL switch, no migration, no trigger installation.
//! - The check is sized for start-up: the structure checks are a few reads, and
//!   `quick_check` gets [`START_BUDGET`]; a file too large to finish in it answers
//!   [`AtOpen::Unfinished`], and the caller finishes the check in the background
//!   ([`quick_check`] without a budget), refusing writes from the moment it fails.
//! - A truncated file (the header counts more pages than the file holds, or the file ends
//!   inside a page) is found by the structure checks alone, whatever its size. These are
//!   skipped while a write-ahead log with content sits beside the file: SQLite replays the
//!   log over the file, so the file alone is not the database then.

use crate::{CoreError, Result};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::time::{Duration, Instant};

/// How long opening may spend in `quick_check` before handing it to the background.
/// Measured (`open/health_check_ten_years`, release, this 2-core machine while other
/// builds ran): 42 ms for the benchmarks' ten-year database (about 44 MB). A year of
/// ordinary use is a few megabytes, checked whole in a few milliseconds; the ten-year
/// file finishes on the `db-health` thread, with writes refused from the moment it fails.
pub const START_BUDGET: Duration = Duration::from_millis(30);

/// At most this many problems are listed: one is enough to refuse, a few help support.
const MAX_PROBLEMS: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AtOpen {
    /// Checked whole.
    Whole,
    /// The structure is sound but `quick_check` did not finish within the budget.
    Unfinished,
}

/// What the file's own header says about its size, and what the disk says.
fn structure_problems(path: &Path) -> Result<Vec<String>> {
    use std::io::Read;
    let read_err = |e| CoreError::io(format!("could not read {}", path.display()), e);
    let mut header = [0u8; 100];
    let mut file = std::fs::File::open(path).map_err(read_err)?;
    let file_len = file.metadata().map_err(read_err)?.len();
    if file_len < 100 || file.read_exact(&mut header).is_err() {
        return Ok(vec![format!("the file is {file_len} bytes long, shorter than an SQLite header")]);
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536u64,
        n => u64::from(n),
    };
    if !(512..=65_536).contains(&page_size) || !page_size.is_power_of_two() {
        return Ok(vec![format!("the header names an impossible page size ({page_size} bytes)")]);
    }
    if wal_has_content(path) {
        return Ok(vec![]);
    }
    let mut problems = vec![];
    if file_len % page_size != 0 {
        problems.push(format!(
            "the file ends inside a page ({file_len} bytes is not a whole number of {page_size}-byte pages): it was cut short or partly overwritten"
        ));
    }
    let change_counter = u32::from_be_bytes([header[24], header[25], header[26], header[27]]);
    let valid_for = u32::from_be_bytes([header[92], header[93], header[94], header[95]]);
    let pages = u64::from(u32::from_be_bytes([header[28], header[29], header[30], header[31]]));
    // The size in the header is trusted only when it was written by the same change as the
    // rest of the header (SQLite's own rule: "version-valid-for" equals the change counter).
    if change_counter == valid_for && pages > 0 && pages * page_size > file_len {
        problems.push(format!(
            "the file holds {} of the {pages} pages its header counts: it was cut short",
            file_len / page_size
        ));
    }
    Ok(problems)
}

fn wal_has_content(path: &Path) -> bool {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(wal).map(|m| m.len() > 0).unwrap_or(false)
}

pub enum Checked {
    Done(Vec<String>),
    /// Stopped at the budget.
    Interrupted,
}

/// SQLite's `quick_check` (every page and index entry's structure, not the contents of
/// indexes) on a read-only connection, stopped after `budget` when one is given.
pub fn quick_check(path: &Path, budget: Option<Duration>) -> Result<Checked> {
    let mut conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| CoreError::Database(format!("could not open {} to check it: {e}", path.display())))?;
    // The app's checkpointer may hold the file for a moment (a busy machine makes that
    // moment long): wait for it rather than fail the check.
    conn.busy_timeout(Duration::from_secs(5))?;
    if let Some(budget) = budget {
        let deadline = Instant::now() + budget;
        conn.progress_handler(10_000, Some(move || Instant::now() > deadline))?;
    }
    let run = || -> rusqlite::Result<Vec<String>> {
        let mut stmt = conn.prepare(&format!("PRAGMA quick_check({MAX_PROBLEMS})"))?;
        let lines = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(lines.into_iter().filter(|l| l != "ok").collect())
    };
    match run() {
        Ok(problems) => Ok(Checked::Done(problems)),
        Err(rusqlite::Error::SqliteFailure(f, _)) if f.code == rusqlite::ErrorCode::OperationInterrupted => {
            Ok(Checked::Interrupted)
        }
        // A page SQLite cannot even read to check it is the damage itself.
        Err(rusqlite::Error::SqliteFailure(f, msg))
            if matches!(f.code, rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase) =>
        {
            Ok(Checked::Done(vec![msg.unwrap_or_else(|| f.to_string())]))
        }
        Err(e) => Err(e.into()),
    }
}

/// The check opening runs on an existing file; `Err(Damaged)` when it is not whole.
pub fn check_at_open(path: &Path) -> Result<AtOpen> {
    let problems = structure_problems(path)?;
    if !problems.is_empty() {
        return Err(damaged(path, problems));
    }
    match quick_check(path, Some(START_BUDGET))? {
        Checked::Done(problems) if problems.is_empty() => Ok(AtOpen::Whole),
        Checked::Done(problems) => Err(damaged(path, problems)),
        Checked::Interrupted => Ok(AtOpen::Unfinished),
    }
}

/// The error for a damaged file. `latest_backup` is left empty here: `backup::name_latest`
/// fills it in where the error leaves `db` (this module does not know the backups).
pub fn damaged(path: &Path, problems: Vec<String>) -> CoreError {
    CoreError::Damaged { path: path.display().to_string(), problems, latest_backup: None }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{Db, WriteCtx};

    /// A file too large for the start-up budget is checked on a thread; once that finds
    /// damage, every write is refused with the damaged error (the path opening takes for the
    /// benchmarks' ten-year file).
    #[test]
    fn the_background_check_refuses_writes_once_it_finds_damage() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = Db::open_keeping(&dir.path().join("studydesk.db"), crate::clock::system(), &crate::db::Rooms::NONE).unwrap();
        db.write(WriteCtx::system("test.fill"), |tx| {
            tx.execute_batch("CREATE TABLE IF NOT EXISTS filler (x TEXT); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) INSERT INTO filler SELECT hex(randomblob(200)) FROM n;")?;
            Ok(())
        })
        .unwrap();
        // Everything into the file and the log emptied; the app's checkpointer thread may be
        // checkpointing too (the commit nudged it), which answers busy: try again.
        let folded = |c: &rusqlite::Connection| -> rusqlite::Result<bool> {
            c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| Ok(r.get::<_, i64>(0)? == 0 && r.get::<_, i64>(1)? == 0))
        };
        while !db.read(|c| Ok(folded(c)?)).unwrap() {
            std::thread::sleep(Duration::from_millis(10));
        }
        // Damage pages behind the connection's back, as a failing disk would.
        let path = db.path().to_path_buf();
        let mut bytes = std::fs::read(&path).unwrap();
        for page in (8 * 4096..bytes.len()).step_by(4096) {
            bytes[page] = 0x55;
        }
        std::fs::write(&path, &bytes).unwrap();

        db.finish_health_check();
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while db.damage.get().is_none() {
            assert!(std::time::Instant::now() < deadline, "the background check found nothing");
            std::thread::sleep(Duration::from_millis(20));
        }
        let refused = db.write(WriteCtx::system("test.after"), |_| Ok(())).unwrap_err();
        assert!(matches!(refused, CoreError::Damaged { .. }), "{refused}");
    }
}
