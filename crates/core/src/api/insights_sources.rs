//! The data sources room of the facade: CSV files, REST APIs and PostgreSQL, MySQL and
//! MariaDB queries imported into the sources cache, listed, previewed, re-imported, their
//! column kinds changed, refreshed (by hand or on a schedule), renamed and deleted
//! (`insights::sources`).

use crate::commands;
use crate::insights::sources::{self, csv, database, rest, schedule};
use crate::insights::table::{ColumnKind, Table};
use crate::Result;
use std::path::Path;
use super::Bytes;

#[macro_export]
#[doc(hidden)]
macro_rules! insights_sources_commands {
    ($cb:ident ! { $($acc:tt)* } $($next:ident)*) => {
        $crate::__command_chain! { $cb ! { $($acc)* { insights_sources;
            /// Adds a CSV source: `bytes` the file (at most 256 MiB; UTF-8, UTF-16 with a BOM,
            /// Shift_JIS and the other legacy encodings detected; `,` `;` tab or `|`
            /// delimited; header and column kinds detected), `name` unique among my sources
            /// (the file's name when blank), `file_name` the file's own name. Refused whole,
            /// in words, when the file is too large, binary, empty or ragged.
            #[ipc(raw)]
            pub fn source_add_csv(&self, bytes: Bytes, name: String, file_name: Option<String>) -> sources::DataSource {
                csv::add(&self.db, &self.data_dir, &self.user_id(), csv::CsvInput::Bytes(bytes), &name, file_name.as_deref())
            }
            /// Replaces my CSV source's file and rows with `bytes` (read afresh); a refused
            /// file leaves the old ones.
            #[ipc(raw)]
            pub fn source_reimport_csv(&self, bytes: Bytes, id: String, file_name: Option<String>) -> sources::DataSource {
                csv::reimport(&self.db, &self.data_dir, &self.user_id(), &id, csv::CsvInput::Bytes(bytes), file_name.as_deref())
            }
            /// Reads my CSV source's file again with `kinds` (one per column, in order) and,
            /// when given, whether its first row is a header. A value that does not fit its
            /// kind refuses the change (its line and column named) and nothing changes.
            #[ipc(local)]
            pub fn source_set_columns(&self, id: String, kinds: Vec<ColumnKind>, has_header: Option<bool>) -> sources::DataSource {
                csv::set_columns(&self.db, &self.data_dir, &self.user_id(), &id, &kinds, has_header)
            }
            /// Adds a REST API source: `request` the URL (http/https), method, headers without
            /// credentials, records path, column mapping (none: inferred) and paging; every
            /// page is fetched (off the UI thread: up to 100 pages, each at most 50 MiB and
            /// 30 seconds) into the source's table. `name` unique among my sources (the
            /// URL's host when blank). Refused whole, in words, when the API answers an
            /// error, HTML, too much, or records that are not where the path says.
            #[ipc(remote)]
            pub fn source_add_rest(&self, name: String, request: rest::RestRequest) -> sources::DataSource {
                rest::add(&self.db, &self.data_dir, &self.user_id(), &name, request)
            }
            /// Adds a database source (PostgreSQL, MySQL or MariaDB): `request` the server (host, port, database,
            /// user, TLS), the password (saved in the OS keychain or Studydesk's encrypted
            /// file, never in the database) and one SELECT whose answer becomes the source's
            /// table, read in a read-only transaction (off the UI thread: 10 s to connect, 60 s
            /// for the query, at most a million rows). `name` unique among my sources
            /// (database@host when blank). Refused whole, in words, when the server cannot be
            /// reached, refuses the password, or the query fails or would write.
            #[ipc(remote)]
            pub fn source_add_database(&self, name: String, request: database::DatabaseRequest) -> sources::DataSource {
                database::add(&self.db, &self.data_dir, &self.user_id(), &name, request)
            }
            /// Changes my database source's server or query (a blank password keeps the saved
            /// one) and reads it again; a refusal changes nothing.
            #[ipc(remote)]
            pub fn source_edit_database(&self, id: String, request: database::DatabaseRequest) -> sources::DataSource {
                database::edit(&self.db, &self.data_dir, &self.user_id(), &id, request)
            }
            /// Where database passwords are kept on this device: the OS keychain, or
            /// Studydesk's encrypted file where no keychain answers.
            #[ipc(remote)]
            pub fn source_password_store(&self) -> crate::secrets::SecretStoreKind {
                database::password_store(&self.data_dir)
            }
            /// Reads my source again from where its data comes from (a CSV: its copied file;
            /// a REST API: the network, hence off the UI thread). A failure is recorded on
            /// the source (status `error`, the reason) and answered. The alerts are
            /// evaluated right after a refresh that worked.
            #[ipc(remote)]
            pub fn source_refresh(&self, id: String) -> sources::DataSource {
                let source = sources::refresh(&self.db, &self.data_dir, &self.user_id(), &id)?;
                self.alerts_after_refresh();
                self.shared_results_after_refresh();
                Ok(source)
            }
            /// Sets how often my REST or database source refreshes itself: every 15, 60, 360
            /// or 1440 minutes, or none for by hand only. The schedule syncs; the refresh
            /// runs on the device that keeps the source's connection. A CSV file is refused
            /// (its copy does not change).
            #[ipc(local)]
            pub fn source_set_schedule(&self, id: String, refresh_minutes: Option<u32>) -> sources::DataSource {
                schedule::set(&self.db, &self.data_dir, &self.user_id(), &id, refresh_minutes)
            }
            /// My data sources by name, each saying whether its data is on this device.
            #[ipc(local)]
            pub fn source_list(&self) -> Vec<sources::DataSource> {
                self.db.read(|c| sources::list(c, &self.data_dir, &self.user_id()))
            }
            /// The first `limit` rows (1 to 1000, else 100) of my source's data.
            #[ipc(query)]
            pub fn source_preview(&self, id: String, limit: Option<i64>) -> Table {
                self.db.read(|c| sources::preview(c, &self.data_dir, &self.user_id(), &id, limit))
            }
            /// Renames my source (its table in SQL keeps its name).
            #[ipc(local)]
            pub fn source_rename(&self, id: String, name: String) -> sources::DataSource {
                sources::rename(&self.db, &self.data_dir, &self.user_id(), &id, &name)
            }
            /// Deletes my source: its row (widgets over it lose their source), its file, its data.
            #[ipc(local)]
            pub fn source_delete(&self, id: String) -> () {
                sources::delete(&self.db, &self.data_dir, &self.user_id(), &id)
            }
        } } $($next)* }
    };
}
crate::insights_sources_commands!(commands ! {});

impl super::Studydesk {
    /// Adds a CSV source from a file on disk (the CLI), as [`source_add_csv`](Self::source_add_csv)
    /// does from bytes: the file is refused by its size before it is read, and streamed,
    /// never loaded whole. `name` defaults to the file's name without its extension.
    pub fn source_add_csv_file(&self, path: &Path, name: Option<&str>) -> Result<sources::DataSource> {
        let file_name = path.file_name().and_then(|n| n.to_str());
        csv::add(&self.db, &self.data_dir, &self.user_id(), csv::CsvInput::File(path), name.unwrap_or(""), file_name)
    }

    /// Refreshes each of my sources whose scheduled time has come on this device, one
    /// after another, and answers what each refresh did (`insights::sources::schedule`).
    /// It uses the network: the shell's background thread and the CLI call it, never the
    /// UI thread.
    /// The alerts are evaluated once after the refreshes, when one of them worked.
    pub fn source_refresh_due(&self) -> Result<Vec<schedule::ScheduledRefresh>> {
        let done = schedule::refresh_due(&self.db, &self.data_dir, &self.user_id())?;
        if done.iter().any(|r| r.outcome.is_ok()) {
            self.alerts_after_refresh();
            self.shared_results_after_refresh();
        }
        Ok(done)
    }

    /// After a data source refresh: my shared dashboards' results again (those that changed
    /// are written for the grantees). A failure is logged; the refresh itself worked.
    fn shared_results_after_refresh(&self) {
        if let Err(e) = self.shared_results_refresh(true) {
            tracing::warn!(error = %e, "shared widget results could not be refreshed after a data source refresh");
        }
    }
}
