//! The data file room of the facade: automatic backups, restoring one, and exporting what
//! is readable from a damaged file (issue 18). Its commands are `folder` commands: they
//! work on the files, so the window can offer them when the database did not open.

use crate::commands;
use super::Studydesk;
use crate::db::{backup, salvage};
use crate::{CoreError, Result};

#[macro_export]
#[doc(hidden)]
macro_rules! data_file_commands {
    ($cb:ident ! { $($acc:tt)* } $($next:ident)*) => {
        $crate::__command_chain! { $cb ! { $($acc)* { data_file;
            /// The automatic backups, newest first.
            #[ipc(folder)]
            pub fn backups_list(&self) -> Vec<backup::BackupFile> {
                backup::list(&self.data_dir)
            }

            /// Asks for the backup at `path` (one of `backups_list`) to replace the database
            /// at the next start, after checking it; the shell restarts the app to do it.
            /// Answers the backup's path.
            #[ipc(folder)]
            pub fn backup_restore(&self, path: String) -> String {
                let chosen = listed_backup(&self.data_dir, &path)?;
                Ok(backup::schedule_restore(&self.data_dir, &chosen)?.display().to_string())
            }

            /// Copies every readable row of the database into a new file in
            /// `<data dir>/exports/` (for a damaged database) and says what it copied.
            #[ipc(folder)]
            pub fn export_readable(&self) -> salvage::SalvageReport {
                let dir = self.data_dir.join("exports");
                std::fs::create_dir_all(&dir).map_err(|e| CoreError::io(format!("could not create {}", dir.display()), e))?;
                let target = dir.join(format!("studydesk-readable-{}.db", self.clock.now().format("%Y%m%dT%H%M%S%.3fZ")));
                salvage::export_readable(&crate::paths::db_path(&self.data_dir), &target)
            }
        } } $($next)* }
    };
}
crate::data_file_commands!(commands ! {});

/// `path` when it names one of the folder's automatic backups: the window restores only
/// those (the CLI's `restore FILE` takes any file).
fn listed_backup(data_dir: &std::path::Path, path: &str) -> Result<std::path::PathBuf> {
    backup::list(data_dir)?
        .into_iter()
        .find(|b| b.path == path)
        .map(|b| std::path::PathBuf::from(b.path))
        .ok_or_else(|| CoreError::validation(format!("{path} is not one of the automatic backups; choose one from the list")))
}

impl Studydesk {
    /// Takes today's automatic backup if there is none yet, and trims the old ones (the
    /// shell calls it a while after start and then every hour).
    pub fn backup_daily(&self) -> Result<Option<std::path::PathBuf>> {
        let now = self.db.now();
        self.db.read(|c| backup::daily(c, &self.data_dir, now))
    }
}
