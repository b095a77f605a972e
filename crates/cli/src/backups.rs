//! `backup list`, `restore FILE`, `export-readable FILE` and the file checks behind them.
//! They work on the files, not through an opened database, so that a database that
//! opening refuses as damaged can still be examined, saved from and replaced.

use crate::terminal::{self, field, say};
use std::path::Path;
use studydesk_core::background::instance;
use studydesk_core::db::{backup, salvage};
use studydesk_core::CoreError;

pub fn list(data_dir: &Path, json: bool) -> Result<(), CoreError> {
    let found = backup::list(data_dir)?;
    if json {
        return terminal::json(&found, true);
    }
    if found.is_empty() {
        say!("no automatic backups in {}", studydesk_core::paths::backups_dir(data_dir).display());
    }
    for b in found {
        let kind = match b.kind {
            backup::BackupKind::Daily => "daily",
            backup::BackupKind::BeforeMigration => "before an upgrade",
            backup::BackupKind::BeforeFirstSync => "before the first sync",
            backup::BackupKind::BeforeRestore => "replaced by a restore",
        };
        say!("{}  {:>10}  {kind:<22} {}", b.taken_at, human_size(b.size_bytes), field(&b.path));
    }
    Ok(())
}

fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 => format!("{:.1} GiB", b as f64 / f64::from(1u32 << 30)),
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / f64::from(1u32 << 20)),
        b => format!("{:.0} KiB", (b as f64 / 1024.0).ceil()),
    }
}

pub fn restore(data_dir: &Path, file: &Path) -> Result<(), CoreError> {
    let Some(_lock) = instance::lock_if_free(data_dir)? else {
        return Err(CoreError::Conflict(format!(
            "Studydesk is running on {}; quit it first, or restore from its Settings › Backups",
            data_dir.display()
        )));
    };
    let chosen = backup::schedule_restore(data_dir, file)?;
    let set_aside = backup::apply_pending_restore(data_dir, chrono::Utc::now())?;
    say!("restored {} from {}", studydesk_core::paths::db_path(data_dir).display(), chosen.display());
    if let Some(old) = set_aside {
        say!("the replaced file is kept at {}", old.display());
    }
    Ok(())
}

pub fn export_readable(db_file: &Path, target: &Path) -> Result<(), CoreError> {
    let report = salvage::export_readable(db_file, target)?;
    for t in &report.tables {
        match &t.stopped {
            None => say!("{}: {} rows", field(&t.table), t.rows_copied),
            Some(why) => say!("{}: {} rows, then stopped: {}", field(&t.table), t.rows_copied, field(why)),
        }
    }
    say!("written to {}", report.target);
    Ok(())
}
