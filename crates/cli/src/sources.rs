//! `source`: the Insights data sources from a terminal. `add-csv FILE` imports a CSV
//! (refused by its size before it is read, then streamed: never loaded whole), `add-rest
//! URL` the records of a JSON API (columns inferred, pages followed by Link header or
//! cursor; headers without credentials), `add-postgres SQL` and `add-mysql SQL` the
//! answer of a query on a PostgreSQL or MySQL/MariaDB server (the same flags; password
//! from stdin, kept in the OS keychain; refused whole, nothing written), `list`
//! shows them and whether their data is on this device, `refresh ID` reads a source
//! again, `schedule ID --every 15m|1h|6h|1d|off` sets how often a REST or database source
//! refreshes itself, `refresh-due` runs the scheduled refreshes whose time has come (once;
//! exit 1 when one failed, after every line), `delete ID` removes it with its file and
//! data. `--json` prints what the app's commands answer.

use crate::terminal::{self, field, say};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use studydesk_core::api::Studydesk;
use studydesk_core::insights::rows::DataSourceType;
use studydesk_core::insights::sources::database::{DatabaseRequest, DatabaseServer, TlsMode};
use studydesk_core::insights::sources::rest::{RestHeader, RestMethod, RestPaging, RestRequest};
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
    /// Fetch a JSON API's records (GET; columns inferred from the records) as a data source.
    AddRest {
        url: String,
        /// The source's name (default: the URL's host).
        #[arg(long)]
        name: Option<String>,
        /// Where the array of records is in the answer (`$.data.items`; default `$`).
        #[arg(long)]
        records: Option<String>,
        /// Follow the answers' `Link: <...>; rel="next"` header (at most 100 pages).
        #[arg(long, conflicts_with = "cursor_path")]
        next_link: bool,
        /// Where the next page's cursor is in the answer (`$.meta.next`).
        #[arg(long, requires = "cursor_param")]
        cursor_path: Option<String>,
        /// The query parameter the cursor is sent back as.
        #[arg(long, requires = "cursor_path")]
        cursor_param: Option<String>,
        /// A header to send, `Name: value` (repeatable; no credentials).
        #[arg(long = "header")]
        headers: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Keep the answer of one SELECT on a PostgreSQL server as a data source (read in a
    /// read-only transaction; the password, from stdin, goes to the OS keychain).
    AddPostgres(DatabaseArgs),
    /// Keep the answer of one SELECT on a MySQL or MariaDB server as a data source (read
    /// in a read-only transaction; the password, from stdin, goes to the OS keychain).
    AddMysql(DatabaseArgs),
    /// My data sources, by name.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Read a source again (a CSV: its copied file; a REST API: its pages; a database: its query).
    Refresh {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Set how often a REST or database source refreshes itself (not a CSV: its copy
    /// does not change). The app refreshes it while running, on the device that added it;
    /// `refresh-due` does it once from here.
    Schedule {
        id: String,
        /// 15m, 1h, 6h, 1d, or off (by hand only).
        #[arg(long, value_parser = ["15m", "1h", "6h", "1d", "off"])]
        every: String,
        #[arg(long)]
        json: bool,
    },
    /// Refresh, one after another, the sources whose scheduled time has come on this device.
    RefreshDue {
        #[arg(long)]
        json: bool,
    },
    /// Delete a source, its copied file and its data.
    Delete { id: String },
}

/// What `add-postgres` and `add-mysql` are given: the server, the login and the query.
#[derive(Args)]
pub struct DatabaseArgs {
    /// The SELECT whose answer the source keeps.
    query: String,
    #[arg(long)]
    host: String,
    /// The server's port (default: the engine's, 5432 for PostgreSQL, 3306 for MySQL).
    #[arg(long)]
    port: Option<u16>,
    #[arg(long)]
    database: String,
    #[arg(long)]
    user: String,
    /// Read the password from the first line of standard input (never an argument,
    /// which other users can see in the process list).
    #[arg(long)]
    password_stdin: bool,
    /// disable, prefer (the default) or require.
    #[arg(long, default_value = "prefer", value_parser = ["disable", "prefer", "require"])]
    tls: String,
    /// The source's name (default: database@host).
    #[arg(long)]
    name: Option<String>,
    #[arg(long)]
    json: bool,
}

impl SourceCommand {
    /// Whether the command adds something (and so may create the database).
    pub fn adds(&self) -> bool {
        matches!(self, SourceCommand::AddCsv { .. } | SourceCommand::AddRest { .. } | SourceCommand::AddPostgres(_) | SourceCommand::AddMysql(_))
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
        SourceCommand::AddRest { url, name, records, next_link, cursor_path, cursor_param, headers, json } => {
            let paging = match (next_link, cursor_path, cursor_param) {
                (true, _, _) => RestPaging::NextLink,
                (false, Some(next_path), Some(cursor_param)) => RestPaging::Cursor { next_path, cursor_param },
                _ => RestPaging::None,
            };
            let headers = headers.iter().map(|h| header(h)).collect::<Result<Vec<_>, _>>()?;
            let request = RestRequest { url, method: RestMethod::Get, body: None, headers, records_path: records, columns: vec![], paging };
            let added = app.source_add_rest(name.unwrap_or_default(), request)?;
            if json {
                return terminal::json(&added, true);
            }
            say!("added {}", line(&added));
            for c in &added.columns {
                say!("  {}  {:?}", field(&c.name), c.kind);
            }
        }
        SourceCommand::AddPostgres(args) => add_database(app, DataSourceType::Postgresql, args)?,
        SourceCommand::AddMysql(args) => add_database(app, DataSourceType::Mysql, args)?,
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
        SourceCommand::Schedule { id, every, json } => {
            let scheduled = app.source_set_schedule(id, every_minutes(&every))?;
            if json {
                return terminal::json(&scheduled, true);
            }
            say!("{}", line(&scheduled));
        }
        SourceCommand::RefreshDue { json } => return refresh_due(app, json),
        SourceCommand::Delete { id } => {
            app.source_delete(&id)?;
            say!("deleted {}", field(&id));
        }
    }
    Ok(())
}

/// `add-postgres` and `add-mysql`: the same flags, the engine apart (the core checks the
/// request and gives the engine's port when none is given).
fn add_database(app: &Studydesk, engine: DataSourceType, args: DatabaseArgs) -> Result<(), CoreError> {
    let DatabaseArgs { query, host, port, database, user, password_stdin, tls, name, json } = args;
    let password = if password_stdin { Some(read_password()?) } else { None };
    let tls = match tls.as_str() {
        "disable" => TlsMode::Disable,
        "require" => TlsMode::Require,
        _ => TlsMode::Prefer,
    };
    let request = DatabaseRequest { server: DatabaseServer { engine, host, database, user, tls, query }, port, password };
    let added = app.source_add_database(name.unwrap_or_default(), request)?;
    if json {
        return terminal::json(&added, true);
    }
    say!("added {}", line(&added));
    for c in &added.columns {
        say!("  {}  {:?}", field(&c.name), c.kind);
    }
    Ok(())
}

/// `--every`'s word in minutes (`off`: none).
fn every_minutes(every: &str) -> Option<u32> {
    match every {
        "15m" => Some(15),
        "1h" => Some(60),
        "6h" => Some(360),
        "1d" => Some(1440),
        _ => None,
    }
}

/// `every 1h` for a schedule in minutes.
fn every_word(minutes: u32) -> String {
    match minutes {
        m if m % 1440 == 0 => format!("{}d", m / 1440),
        m if m % 60 == 0 => format!("{}h", m / 60),
        m => format!("{m}m"),
    }
}

/// One scheduled refresh as `--json` prints it: the source, or why it failed.
#[derive(serde::Serialize)]
struct DueResult<'a> {
    id: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a DataSource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// Runs the due refreshes once and prints each: `refreshed <source>` or `failed <id>
/// <name>: <reason>`. The first failure is answered (exit 1) after every line is printed.
fn refresh_due(app: &Studydesk, json: bool) -> Result<(), CoreError> {
    let done = app.source_refresh_due()?;
    if json {
        let results: Vec<DueResult> = done
            .iter()
            .map(|r| DueResult { id: &r.id, name: &r.name, source: r.outcome.as_ref().ok(), error: r.outcome.as_ref().err().map(|e| e.to_string()) })
            .collect();
        terminal::json(&results, true)?;
    } else if done.is_empty() {
        say!("no scheduled refresh is due");
    }
    let mut first_failure = None;
    for r in done {
        match r.outcome {
            Ok(s) if !json => say!("refreshed {}", line(&s)),
            Ok(_) => {}
            Err(e) => {
                if !json {
                    say!("failed {}  {}: {}", r.id, field(&r.name), field(&e.to_string()));
                }
                first_failure.get_or_insert(e);
            }
        }
    }
    first_failure.map_or(Ok(()), Err)
}

/// `Name: value` as a header.
fn header(text: &str) -> Result<RestHeader, CoreError> {
    let (name, value) = text.split_once(':').ok_or_else(|| CoreError::validation(format!("--header {text:?}: write it as \"Name: value\"")))?;
    Ok(RestHeader { name: name.trim().to_string(), value: value.trim().to_string() })
}

/// `id  name  type  status  sources.<table>  N rows` and where the data is.
fn line(s: &DataSource) -> String {
    let table = s.table.as_deref().map(|t| format!("sources.{t}")).unwrap_or_else(|| "-".into());
    let rows = s.rows.map(|n| format!("{n} rows")).unwrap_or_else(|| "? rows".into());
    let here = if s.data_here { "" } else { "  (imported on another device: its data is not here)" };
    let error = s.error.as_deref().map(|e| format!("  error: {}", field(e))).unwrap_or_default();
    let schedule = match (s.refresh_minutes, &s.next_refresh_at) {
        (Some(m), Some(next)) => format!("  refreshes every {} (next {next})", every_word(m)),
        (Some(m), None) => format!("  refreshes every {} on the device that added it", every_word(m)),
        (None, _) => String::new(),
    };
    format!("{}  {}  {}  {}  {}  {rows}{here}{schedule}{error}", s.id, field(&s.name), s.source_type.as_str(), s.status.as_str(), field(&table))
}

/// The first line of standard input, without its line end.
fn read_password() -> Result<String, CoreError> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).map_err(|e| CoreError::io("could not read the password from standard input", e))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}
