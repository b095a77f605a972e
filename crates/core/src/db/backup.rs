//! Copies of the database, and putting one back.
//!
//! Contract:
//! - [`backup_to`] writes a complete, self-contained copy with SQLite's online backup API
//!   (consistent even while another connection writes) and checks the copy before
//!   answering: a copy that does not pass `quick_check` is deleted and reported.
//! - Automatic copies live in `<data dir>/backups/` as `studydesk-<UTC stamp>-<why>.db`:
//!   before every migration (`before-v<N>`), before the first sync (`before-first-sync`),
//!   once a day while the app runs ([`daily`]), and the file a restore replaced
//!   (`before-restore`). [`list`] returns them newest first.
//! - [`daily`] keeps the newest copy of each of the last [`KEEP_DAYS`] days and the oldest
//!   of each of the last [`KEEP_MONTHS`] months (the monthlies), and then the whole folder
//!   within [`SIZE_BUDGET`], removing the oldest first; the newest copy always stays.
//! - A restore is done by the process that owns the folder, before it opens the database:
//!   [`schedule_restore`] checks the chosen copy and writes `restore-pending.json`;
//!   [`apply_pending_restore`] (the app's start, the CLI's `restore` under the folder's
//!   lock) sets the current file aside, with its `-wal`, into `backups/` (or, when it is
//!   damaged, into `damaged/`, untouched) and puts the copy in its place by rename. Every
//!   step can be redone, so a crash in the middle finishes at the next start.

use super::health;
use crate::clock::SharedClock;
use crate::{CoreError, Result};
use chrono::{DateTime, NaiveDateTime, Utc};
use rusqlite::backup::Backup;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;
use ts_rs::TS;

/// Days whose newest daily copy is kept.
pub const KEEP_DAYS: usize = 7;
/// Months whose oldest copy is kept (the current one included).
pub const KEEP_MONTHS: usize = 3;
/// The backups folder is trimmed to this size, oldest first (the newest copy always stays).
pub const SIZE_BUDGET: u64 = 2 * 1024 * 1024 * 1024;

const STAMP: &str = "%Y%m%dT%H%M%S%.3fZ";
const PENDING_RESTORE: &str = "restore-pending.json";

/// Why an automatic copy was taken (the end of its file name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum BackupKind {
    Daily,
    BeforeMigration,
    BeforeFirstSync,
    BeforeRestore,
}

/// One copy in the backups folder.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BackupFile {
    pub path: String,
    pub file_name: String,
    pub kind: BackupKind,
    /// When it was taken (UTC, from its name).
    pub taken_at: String,
    #[ts(type = "number")]
    pub size_bytes: u64,
}

/// Writes a complete copy of `conn`'s main database to `target` (which must not exist),
/// then checks it.
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
    drop(dst);
    verify(target).inspect_err(|_| {
        let _ = std::fs::remove_file(target);
    })
}

/// A copy is usable when SQLite's `quick_check` finds nothing.
fn verify(copy: &Path) -> Result<()> {
    match health::quick_check(copy, None)? {
        health::Checked::Done(problems) if problems.is_empty() => Ok(()),
        health::Checked::Done(problems) => Err(CoreError::Database(format!(
            "the copy written to {} did not check whole ({}); it was removed",
            copy.display(),
            problems.join("; ")
        ))),
        health::Checked::Interrupted => Ok(()),
    }
}

/// A damaged error (`health`) with the newest automatic backup beside `db_path` named in it,
/// for the message's "the newest is ..." and the window's Restore.
pub fn name_latest(error: CoreError, db_path: &Path) -> CoreError {
    match error {
        CoreError::Damaged { path, problems, latest_backup: None } => {
            let latest_backup = db_path
                .parent()
                .and_then(|dir| list(dir).ok())
                .and_then(|found| found.into_iter().next())
                .map(|b| b.path);
            CoreError::Damaged { path, problems, latest_backup }
        }
        other => other,
    }
}

fn automatic_name(now: DateTime<Utc>, why: &str) -> String {
    format!("studydesk-{}-{why}.db", now.format(STAMP))
}

/// The automatic copy taken before migrating an existing file.
pub fn before_migration(conn: &Connection, db_path: &Path, clock: &SharedClock, pending: &[i64]) -> Result<PathBuf> {
    let dir = crate::paths::backups_dir(db_path.parent().unwrap_or(Path::new(".")));
    let first = pending.first().copied().unwrap_or(0);
    let target = dir.join(automatic_name(clock.now(), &format!("before-v{first}")));
    backup_to(conn, &target)?;
    tracing::info!(backup = %target.display(), "backed up the database before migrating");
    Ok(target)
}

/// The automatic copy taken before the first sync.
pub fn before_first_sync(conn: &Connection, data_dir: &Path, now: DateTime<Utc>) -> Result<PathBuf> {
    let target = crate::paths::backups_dir(data_dir).join(automatic_name(now, "before-first-sync"));
    backup_to(conn, &target)?;
    Ok(target)
}

/// Reads a backup's kind and time from its file name (`None`: not an automatic copy).
fn parse_name(name: &str) -> Option<(BackupKind, DateTime<Utc>)> {
    let rest = name.strip_prefix("studydesk-")?.strip_suffix(".db")?;
    let (stamp, why) = rest.split_once("Z-")?;
    let taken = NaiveDateTime::parse_from_str(&format!("{stamp}Z"), STAMP).ok()?.and_utc();
    let kind = match why {
        "daily" => BackupKind::Daily,
        "before-first-sync" => BackupKind::BeforeFirstSync,
        "before-restore" => BackupKind::BeforeRestore,
        w if w.strip_prefix("before-v").is_some_and(|v| v.parse::<i64>().is_ok()) => BackupKind::BeforeMigration,
        _ => return None,
    };
    Some((kind, taken))
}

/// The automatic copies in `<data_dir>/backups`, newest first.
pub fn list(data_dir: &Path) -> Result<Vec<BackupFile>> {
    let dir = crate::paths::backups_dir(data_dir);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err(CoreError::io(format!("could not read {}", dir.display()), e)),
    };
    let mut found: Vec<(DateTime<Utc>, BackupFile)> = entries
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let file_name = entry.file_name().to_str()?.to_string();
            let (kind, taken) = parse_name(&file_name)?;
            let size_bytes = entry.metadata().ok().filter(|m| m.is_file())?.len();
            let path = entry.path().display().to_string();
            let taken_at = crate::db::timestamp_text(taken);
            Some((taken, BackupFile { path, file_name, kind, taken_at, size_bytes }))
        })
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0));
    Ok(found.into_iter().map(|(_, b)| b).collect())
}

/// Takes today's copy unless there is one already, then trims the folder. Returns the new
/// copy's path, if one was taken.
pub fn daily(conn: &Connection, data_dir: &Path, now: DateTime<Utc>) -> Result<Option<PathBuf>> {
    let existing = list(data_dir)?;
    let today = now.date_naive();
    let taken_today = existing.iter().any(|b| b.kind == BackupKind::Daily && taken_on(b) == Some(today));
    let taken = if taken_today {
        None
    } else {
        let target = crate::paths::backups_dir(data_dir).join(automatic_name(now, "daily"));
        backup_to(conn, &target)?;
        tracing::info!(backup = %target.display(), "took the daily backup");
        Some(target)
    };
    for old in to_remove(&list(data_dir)?, SIZE_BUDGET) {
        if let Err(e) = std::fs::remove_file(&old.path) {
            tracing::warn!(error = %e, file = %old.path, "could not remove an old backup");
        }
    }
    Ok(taken)
}

fn taken_on(b: &BackupFile) -> Option<chrono::NaiveDate> {
    DateTime::parse_from_rfc3339(&b.taken_at).ok().map(|t| t.with_timezone(&Utc).date_naive())
}

/// Which copies the rotation drops (`newest_first` as [`list`] returns them): dailies
/// that are neither one of the last days' newest nor one of the last months' oldest,
/// then the oldest of any kind while the folder is over `budget`.
fn to_remove(newest_first: &[BackupFile], budget: u64) -> Vec<BackupFile> {
    use chrono::Datelike;
    use std::collections::BTreeSet;
    let dailies: Vec<&BackupFile> = newest_first.iter().filter(|b| b.kind == BackupKind::Daily).collect();
    let mut keep: BTreeSet<&str> = BTreeSet::new();
    let mut days = BTreeSet::new();
    for b in &dailies {
        if let Some(day) = taken_on(b) {
            if days.len() < KEEP_DAYS && days.insert(day) {
                keep.insert(&b.file_name);
            }
        }
    }
    let mut months = BTreeSet::new();
    for b in dailies.iter().rev() {
        // Oldest first: the first copy seen in a month is that month's oldest.
        if let Some(day) = taken_on(b) {
            months.insert((day.year(), day.month()));
        }
    }
    let recent_months: Vec<(i32, u32)> = months.iter().rev().take(KEEP_MONTHS).copied().collect();
    let mut seen_month = BTreeSet::new();
    for b in dailies.iter().rev() {
        if let Some(day) = taken_on(b) {
            let month = (day.year(), day.month());
            if recent_months.contains(&month) && seen_month.insert(month) {
                keep.insert(&b.file_name);
            }
        }
    }
    let mut removed: Vec<BackupFile> =
        dailies.iter().filter(|b| !keep.contains(b.file_name.as_str())).map(|b| (*b).clone()).collect();
    let mut total: u64 = newest_first
        .iter()
        .filter(|b| !removed.iter().any(|r| r.file_name == b.file_name))
        .map(|b| b.size_bytes)
        .sum();
    for b in newest_first.iter().skip(1).rev() {
        if total <= budget {
            break;
        }
        if !removed.iter().any(|r| r.file_name == b.file_name) {
            total -= b.size_bytes;
            removed.push(b.clone());
        }
    }
    removed
}

#[derive(Serialize, Deserialize)]
struct PendingRestore {
    backup: PathBuf,
}

/// Checks `backup` (a whole SQLite file this version can open) and asks for it to replace
/// the database at the next start. Returns the copy's path.
pub fn schedule_restore(data_dir: &Path, backup: &Path) -> Result<PathBuf> {
    let backup = backup
        .canonicalize()
        .map_err(|e| CoreError::io(format!("could not read the backup {}", backup.display()), e))?;
    check_restorable(&backup)?;
    let marker = data_dir.join(PENDING_RESTORE);
    let text = serde_json::to_string(&PendingRestore { backup: backup.clone() })
        .map_err(|e| CoreError::Database(format!("could not write {}: {e}", marker.display())))?;
    write_durably(&marker, text.as_bytes())?;
    Ok(backup)
}

/// Whether a restore waits for the next start.
pub fn restore_pending(data_dir: &Path) -> bool {
    data_dir.join(PENDING_RESTORE).exists()
}

fn check_restorable(backup: &Path) -> Result<()> {
    let not_whole = |why: String| {
        CoreError::validation(format!("{} cannot be restored: {why}; choose another backup", backup.display()))
    };
    if !backup.is_file() {
        return Err(not_whole("it is not a file".into()));
    }
    match health::check_at_open(backup) {
        Ok(_) => {}
        Err(CoreError::Damaged { problems, .. }) => return Err(not_whole(format!("it is damaged ({})", problems.join("; ")))),
        Err(CoreError::Database(why)) => return Err(not_whole(why)),
        Err(e) => return Err(e),
    }
    let conn = Connection::open_with_flags(backup, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| not_whole(e.to_string()))?;
    super::migrate::refuse_newer(&conn, backup)?;
    if super::migrate::applied_count(&conn)? == 0 {
        return Err(not_whole("it is not a Studydesk database (it has no schema history)".into()));
    }
    Ok(())
}

/// Finishes a restore that [`schedule_restore`] asked for; `None` when none waits.
/// Returns where the replaced file was set aside.
pub fn apply_pending_restore(data_dir: &Path, now: DateTime<Utc>) -> Result<Option<PathBuf>> {
    let marker = data_dir.join(PENDING_RESTORE);
    let pending: PendingRestore = match std::fs::read(&marker) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
            CoreError::Database(format!("{} is not readable ({e}); remove it to start normally", marker.display()))
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(CoreError::io(format!("could not read {}", marker.display()), e)),
    };
    check_restorable(&pending.backup)?;
    let db = crate::paths::db_path(data_dir);
    let incoming = data_dir.join(format!("{}.restoring", crate::paths::DB_FILE));
    std::fs::copy(&pending.backup, &incoming)
        .map_err(|e| CoreError::io(format!("could not copy {}", pending.backup.display()), e))?;
    sync_file(&incoming)?;
    let set_aside = set_aside(&db, data_dir, now)?;
    std::fs::rename(&incoming, &db).map_err(|e| CoreError::io(format!("could not put the backup in place at {}", db.display()), e))?;
    sync_dir(data_dir);
    std::fs::remove_file(&marker).map_err(|e| CoreError::io(format!("could not remove {}", marker.display()), e))?;
    tracing::info!(backup = %pending.backup.display(), "restored the database from a backup");
    Ok(set_aside)
}

/// Moves the current file and its `-wal`/`-shm` (which belong to it) out of the way,
/// keeping them together: a damaged file into `damaged/`, a whole one into `backups/`.
fn set_aside(db: &Path, data_dir: &Path, now: DateTime<Utc>) -> Result<Option<PathBuf>> {
    if !db.exists() {
        return Ok(None);
    }
    let whole = health::check_at_open(db).is_ok();
    let (dir, name) = if whole {
        (crate::paths::backups_dir(data_dir), automatic_name(now, "before-restore"))
    } else {
        (data_dir.join("damaged"), format!("studydesk-{}-damaged.db", now.format(STAMP)))
    };
    std::fs::create_dir_all(&dir).map_err(|e| CoreError::io(format!("could not create {}", dir.display()), e))?;
    let target = dir.join(name);
    for suffix in ["-wal", "-shm"] {
        let mut from = db.as_os_str().to_owned();
        from.push(suffix);
        let mut to = target.as_os_str().to_owned();
        to.push(suffix);
        if Path::new(&from).exists() {
            std::fs::rename(&from, &to).map_err(|e| CoreError::io(format!("could not move {}", Path::new(&from).display()), e))?;
        }
    }
    std::fs::rename(db, &target).map_err(|e| CoreError::io(format!("could not move {}", db.display()), e))?;
    Ok(Some(target))
}

fn write_durably(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).map_err(|e| CoreError::io(format!("could not write {}", tmp.display()), e))?;
    sync_file(&tmp)?;
    std::fs::rename(&tmp, path).map_err(|e| CoreError::io(format!("could not write {}", path.display()), e))?;
    if let Some(dir) = path.parent() {
        sync_dir(dir);
    }
    Ok(())
}

fn sync_file(path: &Path) -> Result<()> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| CoreError::io(format!("could not flush {} to disk", path.display()), e))
}

/// Makes a rename durable where the system allows it (not on Windows, where a directory
/// cannot be opened like this and renames are journaled by NTFS).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Err(e) = std::fs::File::open(dir).and_then(|d| d.sync_all()) {
        tracing::warn!(error = %e, dir = %dir.display(), "could not flush the folder");
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn daily_at(stamp: &str, size: u64) -> BackupFile {
        let taken = NaiveDateTime::parse_from_str(stamp, "%Y-%m-%d %H:%M").unwrap().and_utc();
        let file_name = automatic_name(taken, "daily");
        BackupFile { path: file_name.clone(), file_name, kind: BackupKind::Daily, taken_at: crate::db::timestamp_text(taken), size_bytes: size }
    }

    #[test]
    fn names_read_back() {
        let now = NaiveDateTime::parse_from_str("2026-12-05 18:07", "%Y-%m-%d %H:%M").unwrap().and_utc();
        assert_eq!(parse_name(&automatic_name(now, "daily")), Some((BackupKind::Daily, now)));
        assert_eq!(parse_name(&automatic_name(now, "before-v13")).map(|p| p.0), Some(BackupKind::BeforeMigration));
        assert_eq!(parse_name("studydesk-x-daily.db"), None);
        assert_eq!(parse_name("notes.db"), None);
    }

    #[test]
    fn rotation_keeps_a_week_of_days_and_the_oldest_of_three_months() {
        // One copy a day from 1 Sep to 5 Dec, newest first.
        let start = chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
        let mut all: Vec<BackupFile> = (0..96)
            .map(|d| daily_at(&format!("{} 09:00", start + chrono::Days::new(d)), 1))
            .collect();
        all.reverse();
        let removed = to_remove(&all, u64::MAX);
        let kept: Vec<&str> = all
            .iter()
            .filter(|b| !removed.iter().any(|r| r.file_name == b.file_name))
            .map(|b| &b.taken_at[..10])
            .collect();
        assert_eq!(
            kept,
            ["2026-12-05", "2026-12-04", "2026-12-03", "2026-12-02", "2026-12-01", "2026-11-30", "2026-11-29", "2026-11-01", "2026-10-01"]
        );
    }

    #[test]
    fn the_size_budget_removes_the_oldest_but_never_the_newest() {
        let all = vec![daily_at("2026-12-05 09:00", 10), daily_at("2026-12-04 09:00", 10), daily_at("2026-12-03 09:00", 10)];
        let removed: Vec<String> = to_remove(&all, 15).into_iter().map(|b| b.taken_at[..10].to_string()).collect();
        assert_eq!(removed, ["2026-12-03", "2026-12-04"]);
        assert!(to_remove(&all[..1], 1).is_empty(), "the newest copy stays even over budget");
    }
}
