//! Where the data lives: `--data-dir`, else `STUDYDESK_DATA_DIR`, else the OS's data
//! folder for the app (e.g. `~/.local/share/studydesk` on Linux).

use std::path::{Path, PathBuf};

pub const DB_FILE: &str = "studydesk.db";
pub const ENV_DATA_DIR: &str = "STUDYDESK_DATA_DIR";

/// Resolves the data folder from an explicit flag, then the environment, then the OS.
pub fn data_dir(explicit: Option<&Path>) -> crate::Result<PathBuf> {
    if let Some(dir) = explicit {
        return Ok(dir.to_path_buf());
    }
    if let Some(dir) = std::env::var_os(ENV_DATA_DIR).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("app", "Studydesk", "studydesk")
        .map(|p| p.data_dir().to_path_buf())
        .ok_or_else(|| crate::CoreError::validation("no home folder was found; pass --data-dir or set STUDYDESK_DATA_DIR"))
}

pub fn db_path(data_dir: &Path) -> PathBuf {
    data_dir.join(DB_FILE)
}

pub fn backups_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("backups")
}

/// The imported data sources' rows (`insights::sources`): one table per source, rebuilt from
/// the source (the copied CSV file, the database, the web API), so never synced or backed up
/// as user data. Widgets read it through the query sandbox as the schema `sources`.
pub fn sources_cache_path(data_dir: &Path) -> PathBuf {
    data_dir.join("sources.db")
}

/// The files imported as data sources (a CSV is copied here, named by its source's id).
pub fn sources_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("sources")
}
