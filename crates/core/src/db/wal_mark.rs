//! A write-ahead log that another copy of the database left here is not replayed.
//!
//! Why: SQLite replays any `-wal` beside the file whose header and frame checksums are
//! sound; it does not check that the log was written for THIS file. A file-sync tool that
//! copies `studydesk.db-wal` from another computer (or restores an old one) therefore
//! makes SQLite lay that copy's pages over this one's, silently replacing recent commits.
//!
//! How: every copy keeps a mark beside its database, `<file>-walmark`, saying which log
//! it left: `none` after a clean close (SQLite removed the log), `fresh` while a new log
//! is being started at open (see [`Marker::start`]), or the log header's two salts (32-bit
//! numbers SQLite draws when it starts a log, in every frame) after each commit that
//! changed them. Before SQLite opens the file, [`check`] reads a present log's header and
//! compares. What is accepted as this copy's:
//! - a log without frames, or with a header SQLite itself would ignore (nothing replayed);
//! - no mark at all (a file an older Studydesk left: nothing to compare with);
//!   a mark written for another file (its device and inode differ: copied along with the
//!   log) counts as `none`;
//! - the marked salts, or salt-1 one above the mark: SQLite restarts a log after a
//!   checkpoint with salt-1 + 1, and a kill between that commit and the new mark leaves it;
//! - under `fresh`, a log holding one frame: the open-time commit of page 1 unchanged.
//!
//! Anything else is another copy's log: it (and its `-shm` index) is moved aside to
//! `<file>-wal.foreign-<time>` (never deleted, never replayed) and the open is refused
//! with words saying what happened and where the file went; the next open continues
//! with this copy's own data. Limits (docs/architecture.md): the salts are random, so a
//! foreign log with the very same salts (a log copied before this copy wrote anything
//! more) is taken as ours, which is what it then is in content.

use crate::{CoreError, Result};
use std::io::Read;
use std::path::{Path, PathBuf};

/// SQLite's WAL magic numbers (little- and big-endian checksums).
const WAL_MAGIC: [u32; 2] = [0x377f_0682, 0x377f_0683];
const WAL_HEADER: u64 = 32;
const FRAME_HEADER: u64 = 24;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    None,
    Fresh,
    Salts(u32, u32),
}

pub fn mark_path(db: &Path) -> PathBuf {
    suffixed(db, "-walmark")
}

fn suffixed(db: &Path, suffix: &str) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// Which file on disk `db` is (device and inode): a mark copied from another computer
/// along with its log names another file. `None` where the platform has no inodes.
fn identity(db: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(db).ok()?;
        Some(format!("{}:{}", m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = db;
        None
    }
}

/// The mark beside `db`: `None` when there is none (or it cannot be read);
/// `Some(Mark::None)` when it was written for another file (copied with the log).
pub fn read_mark(db: &Path) -> Option<Mark> {
    let text = std::fs::read_to_string(mark_path(db)).ok()?;
    let mut words: Vec<&str> = text.split_whitespace().collect();
    if let Some(i) = words.iter().position(|w| *w == "file") {
        let written_for = words.get(i + 1).copied();
        if let (Some(was), Some(is)) = (written_for, identity(db)) {
            if was != is {
                return Some(Mark::None);
            }
        }
        words.truncate(i);
    }
    match words.as_slice() {
        ["none"] => Some(Mark::None),
        ["fresh"] => Some(Mark::Fresh),
        ["salts", a, b] => Some(Mark::Salts(u32::from_str_radix(a, 16).ok()?, u32::from_str_radix(b, 16).ok()?)),
        _ => None,
    }
}

/// Writes the mark (a new file renamed over the old one, so a kill leaves one or the
/// other). A mark that cannot be written only weakens the next check: logged, not failed.
pub fn write_mark(db: &Path, mark: Mark) {
    let text = match mark {
        Mark::None => "none\n".to_string(),
        Mark::Fresh => "fresh\n".to_string(),
        Mark::Salts(a, b) => format!("salts {a:08x} {b:08x}\n"),
    };
    let text = match identity(db) {
        Some(id) => format!("{} file {id}\n", text.trim_end()),
        None => text,
    };
    let tmp = suffixed(db, "-walmark.tmp");
    if let Err(e) = std::fs::write(&tmp, text).and_then(|_| std::fs::rename(&tmp, mark_path(db))) {
        tracing::warn!(error = %e, "could not record which write-ahead log this database left");
    }
}

/// The header of the log beside `db`: (salt-1, salt-2, frames), or `None` when there is
/// no log SQLite would replay anything from.
pub fn wal_header(db: &Path) -> Option<(u32, u32, u64)> {
    header_of(&std::fs::File::open(suffixed(db, "-wal")).ok()?)
}

fn header_of(mut f: &std::fs::File) -> Option<(u32, u32, u64)> {
    use std::io::Seek;
    let len = f.metadata().ok()?.len();
    let mut h = [0u8; 32];
    f.seek(std::io::SeekFrom::Start(0)).ok()?;
    f.read_exact(&mut h).ok()?;
    let word = |i: usize| u32::from_be_bytes([h[i], h[i + 1], h[i + 2], h[i + 3]]);
    if !WAL_MAGIC.contains(&word(0)) {
        return None;
    }
    let page = u64::from(word(8));
    let frames = if page == 0 { 0 } else { len.saturating_sub(WAL_HEADER) / (FRAME_HEADER + page) };
    if frames == 0 {
        return None;
    }
    Some((word(16), word(20), frames))
}

/// The salts of a log with a sound header: one 32-byte read, no size (after a commit the
/// log has frames).
fn salts_of(f: &std::fs::File) -> Option<(u32, u32)> {
    let mut h = [0u8; 32];
    #[cfg(unix)]
    std::os::unix::fs::FileExt::read_exact_at(f, &mut h, 0).ok()?;
    #[cfg(not(unix))]
    {
        use std::io::Seek;
        let mut f = f;
        f.seek(std::io::SeekFrom::Start(0)).ok()?;
        f.read_exact(&mut h).ok()?;
    }
    let word = |i: usize| u32::from_be_bytes([h[i], h[i + 1], h[i + 2], h[i + 3]]);
    WAL_MAGIC.contains(&word(0)).then(|| (word(16), word(20)))
}

/// Whether the log now beside `db` is one this copy left (see the module docs).
fn is_ours(mark: Option<Mark>, header: (u32, u32, u64)) -> bool {
    let (s1, s2, frames) = header;
    match mark {
        None => true,
        Some(Mark::None) => false,
        Some(Mark::Fresh) => frames <= 1,
        Some(Mark::Salts(m1, m2)) => (s1, s2) == (m1, m2) || s1 == m1.wrapping_add(1),
    }
}

/// Before SQLite opens `db`: moves a log another copy left aside and refuses the open.
pub fn check(db: &Path, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
    let Some(header) = wal_header(db) else { return Ok(()) };
    let mark = read_mark(db);
    if is_ours(mark, header) {
        return Ok(());
    }
    let stamp = now.format("%Y%m%dT%H%M%SZ");
    let aside = suffixed(db, &format!("-wal.foreign-{stamp}"));
    let moved = std::fs::rename(suffixed(db, "-wal"), &aside);
    if let Err(e) = moved {
        return Err(CoreError::io(
            format!(
                "{} has a write-ahead log that another copy of the database left (a file-sync tool copied it?); it could not be moved aside to {}, so the database was not opened",
                db.display(),
                aside.display()
            ),
            e,
        ));
    }
    // The index of that log describes frames no longer here; SQLite rebuilds it.
    let _ = std::fs::rename(suffixed(db, "-shm"), suffixed(db, &format!("-shm.foreign-{stamp}")));
    write_mark(db, Mark::None);
    tracing::error!(wal = %aside.display(), "moved aside a write-ahead log another copy of the database left");
    Err(CoreError::Database(format!(
        "the write-ahead log beside {} was left by another copy of this database (a file-sync tool such as Dropbox or Syncthing copied it while Studydesk ran elsewhere), not by this one. It was NOT applied, because SQLite would have laid that copy's changes over this one's. It was moved, untouched, to {}. Open Studydesk again to continue with this computer's data; keep the data folder out of file-sync tools while Studydesk runs (use Studydesk's sync instead).",
        db.display(),
        aside.display()
    )))
}

/// Keeps the mark current for one writing connection (installed as its WAL hook).
pub struct Marker {
    db: PathBuf,
    /// The log, kept open: SQLite removes it only when the last connection closes, so
    /// while this connection lives it is the same file (one 32-byte read per commit).
    wal: Option<std::fs::File>,
    last: Option<(u32, u32)>,
}

impl Marker {
    /// Called with the connection open in WAL mode, before anything else writes: when no
    /// log has frames yet, marks `fresh` and lets `begin_log` (a commit of page 1
    /// unchanged) start one, so the log's random salts are marked before any user data is
    /// in it.
    pub fn start(db: &Path, begin_log: impl FnOnce() -> Result<()>) -> Result<Marker> {
        let mut marker = Marker { db: db.to_path_buf(), wal: None, last: None };
        if wal_header(db).is_none() {
            write_mark(db, Mark::Fresh);
            begin_log()?;
        }
        marker.after_commit();
        Ok(marker)
    }

    /// After a commit: records the log's salts when they changed.
    pub fn after_commit(&mut self) {
        if self.wal.is_none() {
            self.wal = std::fs::File::open(suffixed(&self.db, "-wal")).ok();
        }
        if let Some((s1, s2)) = self.wal.as_ref().and_then(salts_of) {
            if self.last != Some((s1, s2)) {
                write_mark(&self.db, Mark::Salts(s1, s2));
                self.last = Some((s1, s2));
            }
        }
    }
}

/// At a clean close, after the last connection closed: `none` when SQLite removed the
/// log, else (another process still has it open) the log's salts.
pub fn at_close(db: &Path) {
    match wal_header(db) {
        None => write_mark(db, Mark::None),
        Some((s1, s2, _)) => write_mark(db, Mark::Salts(s1, s2)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_is_ours_by_its_salts_or_the_next_restart() {
        let h = |s1, s2, n| (s1, s2, n);
        assert!(is_ours(None, h(1, 2, 9)));
        assert!(!is_ours(Some(Mark::None), h(1, 2, 1)));
        assert!(is_ours(Some(Mark::Fresh), h(1, 2, 1)));
        assert!(!is_ours(Some(Mark::Fresh), h(1, 2, 2)));
        assert!(is_ours(Some(Mark::Salts(7, 9)), h(7, 9, 50)));
        assert!(is_ours(Some(Mark::Salts(7, 9)), h(8, 1234, 3)));
        assert!(is_ours(Some(Mark::Salts(u32::MAX, 9)), h(0, 1, 3)));
        assert!(!is_ours(Some(Mark::Salts(7, 9)), h(7, 10, 3)));
        assert!(!is_ours(Some(Mark::Salts(7, 9)), h(9, 9, 3)));
    }
}
