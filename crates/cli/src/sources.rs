//! `source`: the Insights data sources from a terminal. `add-csv FILE` imports a CSV
//! (refused by its size before it is read, then streamed: never loaded whole), `list`
//! shows them and whether their data is on this device, `refresh ID` reads a source
//! again, `delete ID` removes it with its file and data. `--json` prints what the app's
//! commands answer.

use crate::terminal::{self, field, say};
use clap::Subcommand;
use std::path::PathBuf;
use studydesk_core::api::Studydesk;
use studydesk_core::insights::sources::DataSource;
use studydesk_core::CoreError;

#[derive(Subcommand)]
pub enum SourceCommand {
    /// Import a CSV file (at most 256 MiB; encoding, delimiter, header and column kinds
    /// detected) as a data source.
    AddCsv {
        file: PathBuf,
        /// The source's name (default: the file's name without its extension).
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// My data sources, by name.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Read a source again (a CSV: its copied file).
    Refresh {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Delete a source, its copied file and its data.
    Delete { id: String },
}

impl SourceCommand {
    /// Whether the command adds something (and so may create the database).
    pub fn adds(&self) -> bool {
        matches!(self, SourceCommand::AddCsv { .. })
    }
}

pub fn source(app: &Studydesk, cmd: SourceCommand) -> Result<(), CoreError> {
    match cmd {
        SourceCommand::AddCsv { file, name, json } => {
            let added = app.source_add_csv_file(&file, name.as_deref())?;
            if json {
                return terminal::json(&added, true);
            }
            say!("added {}", line(&added));
            for c in &added.columns {
                say!("  {}  {:?}", field(&c.name), c.kind);
            }
        }
        SourceCommand::List { json } => {
            let list = app.source_list()?;
            if json {
                return terminal::json(&list, true);
            }
            if list.is_empty() {
                say!("no data sources");
            }
            for s in &list {
                say!("{}", line(s));
            }
        }
        SourceCommand::Refresh { id, json } => {
            let refreshed = app.source_refresh(id)?;
            if json {
                return terminal::json(&refreshed, true);
            }
            say!("refreshed {}", line(&refreshed));
        }
        SourceCommand::Delete { id } => {
            app.source_delete(&id)?;
            say!("deleted {}", field(&id));
        }
    }
    Ok(())
}

/// `id  name  type  status  sources.<table>  N rows` and where the data is.
fn line(s: &DataSource) -> String {
    let table = s.table.as_deref().map(|t| format!("sources.{t}")).unwrap_or_else(|| "-".into());
    let rows = s.rows.map(|n| format!("{n} rows")).unwrap_or_else(|| "? rows".into());
    let here = if s.data_here { "" } else { "  (imported on another device: its data is not here)" };
    let error = s.error.as_deref().map(|e| format!("  error: {}", field(e))).unwrap_or_default();
    format!("{}  {}  {}  {}  {}  {rows}{here}{error}", s.id, field(&s.name), s.source_type.as_str(), s.status.as_str(), field(&table))
}
