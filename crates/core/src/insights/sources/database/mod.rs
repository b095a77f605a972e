//! Database sources (PostgreSQL, MySQL and MariaDB): the answer of one query the user
//! wrote, pulled from their server into a table of the sources cache, so widgets work
//! offline and never wait on the network.
//!
//! Contract:
//! - [`add`] checks the request ([`DatabaseRequest::checked`]), connects, lists the
//!   server's tables and columns (into the metadata, for the query editor), runs the query
//!   and fills the cache ([`super::fill`]). Anything refused writes nothing: no row, no
//!   cache table, no saved password.
//! - The password never enters SQLite: it goes to the secret store
//!   ([`crate::secrets`]) under `data-source/<id>`, and `connection_config` keeps only the
//!   non-secret fields, that reference and the server's tables as the last pull listed
//!   them ([`DatabaseConfig`]). A failed add takes the saved password back out.
//! - The server is only read: the query runs in a read-only transaction on a session whose
//!   default is read-only, one statement (wrapped as a subquery), with a server-side
//!   statement timeout; connecting gives up after [`CONNECT_TIMEOUT`]. At most
//!   [`MAX_ROWS`] rows: a query answering more is refused rather than cut short.
//! - [`refresh`] runs the stored query again with the saved password; a failure sets status
//!   `error` with the reason and keeps the old rows. [`edit`] changes the connection or the
//!   query (a blank password keeps the saved one) and refreshes.
//! - On another device the row arrives without its `connection_config`: refresh there is
//!   refused without writing.

mod mysql;
mod postgres;

use super::fill::{self, Fetched, Fill};
use super::{check_name, check_name_free, mine, record_failure, DataSource, Target};
use crate::insights::rows::{DataSourceRow, DataSourceType};
use crate::secrets;
use crate::{validate, CoreError, Db, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::Duration;
use ts_rs::TS;

pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The server stops the query after this long.
pub const STATEMENT_TIMEOUT: Duration = Duration::from_secs(60);
pub const MAX_ROWS: usize = 1_000_000;
/// The longest query, in characters.
pub const QUERY_MAX: usize = 100_000;
/// How many tables and columns of the server the metadata lists.
pub const LIST_TABLES_MAX: usize = 500;

/// How the connection uses TLS (PostgreSQL's sslmode, without certificate files).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TlsMode {
    /// Never: a server on this machine or a trusted network.
    Disable,
    /// When the server offers it.
    #[default]
    Prefer,
    /// Always, with the server's certificate checked against the OS's trusted ones.
    Require,
}

/// What the three shapes of a database source share: the server, the login and the
/// query. Flattened into each, so the JSON (the IPC's, and `connection_config`'s stored
/// keys) keeps its flat form. The port is not here: the request may leave it out (the
/// engine's own), the stored config and the view always have one.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
pub struct DatabaseServer {
    pub engine: DataSourceType,
    pub host: String,
    pub database: String,
    pub user: String,
    #[serde(default)]
    pub tls: TlsMode,
    /// One SELECT (or WITH ... SELECT) whose answer becomes the source's table.
    pub query: String,
}

/// A database source as the form and the CLI give it.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct DatabaseRequest {
    #[serde(flatten)]
    #[ts(flatten)]
    pub server: DatabaseServer,
    /// 5432 for PostgreSQL, 3306 for MySQL when absent.
    #[ts(optional)]
    pub port: Option<u16>,
    /// Saved in the secret store, never in the database. Absent or blank on an edit:
    /// keep the saved one.
    #[ts(optional)]
    pub password: Option<String>,
}

/// `connection_config` of a database source: the request without its password, where the
/// password is kept, and the server's tables as the last pull listed them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DatabaseConfig {
    #[serde(flatten)]
    pub server: DatabaseServer,
    pub port: u16,
    /// The secret store's reference of the password (none: the server asks for none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_ref: Option<String>,
    /// The server's tables for the query editor; none before the first pull. Only a hint:
    /// an unreadable list reads as none rather than making the connection unreadable.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient_tables")]
    pub tables: Option<Vec<RemoteTable>>,
}

fn lenient_tables<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<Vec<RemoteTable>>, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    Ok(serde_json::from_value(value).ok())
}

/// One table of the server, for the query editor.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct RemoteTable {
    pub schema: String,
    pub name: String,
    pub columns: Vec<String>,
}

/// A database source's connection as the edit form shows it (without the password, only
/// whether one is saved), with the server's tables for the query editor.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct DatabaseView {
    #[serde(flatten)]
    #[ts(flatten)]
    pub server: DatabaseServer,
    pub port: u16,
    pub password_saved: bool,
    pub tables: Vec<RemoteTable>,
}

impl DatabaseView {
    /// The view of a database source's `connection_config`; `None` for other sources and
    /// on a device without the connection.
    pub fn of(config: &serde_json::Value) -> Option<DatabaseView> {
        config.get("host")?;
        let c: DatabaseConfig = serde_json::from_value(config.clone()).ok()?;
        Some(DatabaseView { server: c.server, port: c.port, password_saved: c.password_ref.is_some(), tables: c.tables.unwrap_or_default() })
    }
}

/// (schema, table, column) rows in table order, as tables with their columns: the first
/// [`LIST_TABLES_MAX`] tables.
fn group_tables(rows: impl Iterator<Item = (String, String, String)>) -> Vec<RemoteTable> {
    let mut out: Vec<RemoteTable> = Vec::new();
    for (schema, name, column) in rows {
        if let Some(t) = out.last_mut().filter(|t| t.schema == schema && t.name == name) {
            t.columns.push(column);
        } else if out.len() == LIST_TABLES_MAX {
            break;
        } else {
            out.push(RemoteTable { schema, name, columns: vec![column] });
        }
    }
    out
}

/// What a pull read: the rows and the server's tables.
pub(crate) struct Pulled {
    pub fetched: Fetched,
    pub tables: Vec<RemoteTable>,
}

fn text(field: &str, value: &str, max: usize) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(CoreError::validation(format!("the {field} is missing")));
    }
    if v.chars().count() > max || v.chars().any(char::is_control) {
        return Err(CoreError::validation(format!("the {field} must be 1 to {max} characters without control characters")));
    }
    Ok(v.to_string())
}

impl DatabaseRequest {
    /// The request with its fields checked, as the config to store (no password).
    pub fn checked(&self) -> Result<DatabaseConfig> {
        let s = &self.server;
        let port = match s.engine {
            DataSourceType::Postgresql => self.port.unwrap_or(5432),
            DataSourceType::Mysql => self.port.unwrap_or(3306),
            other => return Err(CoreError::validation(format!("a {} source is not a database", other.as_str()))),
        };
        if port == 0 {
            return Err(CoreError::validation("the port must be 1 to 65535"));
        }
        let query = s.query.trim().trim_end_matches(';').trim_end().to_string();
        if query.is_empty() {
            return Err(CoreError::validation("the query is missing: write the SELECT whose answer the source keeps"));
        }
        if query.chars().count() > QUERY_MAX {
            return Err(CoreError::validation(format!("the query is longer than {QUERY_MAX} characters")));
        }
        Ok(DatabaseConfig {
            server: DatabaseServer {
                engine: s.engine,
                host: text("host", &s.host, 255)?,
                database: text("database name", &s.database, 255)?,
                user: text("user name", &s.user, 255)?,
                tls: s.tls,
                query,
            },
            port,
            password_ref: None,
            tables: None,
        })
    }

    fn password(&self) -> Option<&str> {
        self.password.as_deref().filter(|p| !p.is_empty())
    }
}

fn pull(config: &DatabaseConfig, password: Option<&str>) -> Result<Pulled> {
    match config.server.engine {
        DataSourceType::Postgresql => postgres::pull(config, password),
        DataSourceType::Mysql => mysql::pull(config, password),
        other => Err(CoreError::validation(format!("reading a {} source is not built yet", other.as_str()))),
    }
}

fn host_label(config: &DatabaseConfig) -> String {
    format!("{}@{}", config.server.database, config.server.host)
}

/// Pulls and fills `target`. A password given (the form's) is saved under the source's
/// reference before the fill and put back as it was if the fill fails; without one, the
/// saved password is used.
fn run(db: &Db, data_dir: &Path, me: &str, target: Target, mut config: DatabaseConfig, given: Option<&str>, action: &'static str) -> Result<DataSource> {
    let store = secrets::open(data_dir)?;
    let password = match given {
        Some(p) => Some(p.to_string()),
        None => config.password_ref.as_deref().map(|r| store.get(r)).transpose()?.flatten(),
    };
    let pulled = pull(&config, password.as_deref())?;
    let reference = secrets::source_reference(target.id());
    let previous = match given {
        Some(p) => {
            let previous = store.get(&reference)?;
            store.put(&reference, p)?;
            config.password_ref = Some(reference.clone());
            Some(previous)
        }
        None => None,
    };
    config.tables = Some(pulled.tables);
    let value = serde_json::to_value(&config).map_err(|e| CoreError::validation(format!("the connection could not be stored ({e})")))?;
    let filled = fill::install(db, data_dir, me, target, &pulled.fetched, Fill { kind: config.server.engine, config: value, action });
    match (&filled, previous) {
        (Err(_), Some(Some(old))) => store.put(&reference, &old)?,
        (Err(_), Some(None)) => store.delete(&reference)?,
        _ => {}
    }
    filled
}

/// Adds a database source named `name` (database@host when blank).
pub fn add(db: &Db, data_dir: &Path, me: &str, name: &str, request: DatabaseRequest) -> Result<DataSource> {
    let config = request.checked()?;
    let label = host_label(&config);
    let name = check_name(if name.trim().is_empty() { &label } else { name })?;
    db.read(|c| check_name_free(c, me, &name, ""))?;
    run(db, data_dir, me, Target::new(name), config, request.password(), "source.add")
}

/// The stored config of my database source, or why this device has none.
fn stored_config(row: &DataSourceRow) -> Result<DatabaseConfig> {
    if row.connection_config.get("host").is_none() {
        return Err(CoreError::validation(format!(
            "\"{}\" was added on another device, and its connection is kept only there: refresh it on that device, or edit it here",
            validate::truncate_for_message(&row.name)
        )));
    }
    serde_json::from_value(row.connection_config.clone())
        .map_err(|e| CoreError::validation(format!("the stored connection of \"{}\" cannot be read ({e})", validate::truncate_for_message(&row.name))))
}

fn my_database_source(db: &Db, me: &str, id: &str) -> Result<DataSourceRow> {
    let row = db.read(|c| mine(c, me, id))?;
    if !matches!(row.r#type, DataSourceType::Postgresql | DataSourceType::Mysql) {
        return Err(CoreError::validation(format!("\"{}\" is not a database source", validate::truncate_for_message(&row.name))));
    }
    Ok(row)
}

/// Runs the query of my database source `id` again (see the module contract).
pub fn refresh(db: &Db, data_dir: &Path, me: &str, id: &str) -> Result<DataSource> {
    let row = my_database_source(db, me, id)?;
    let config = stored_config(&row)?;
    let attempt = run(db, data_dir, me, Target::Existing(row.clone()), config, None, "source.refresh");
    if let Err(e) = &attempt {
        record_failure(db, me, &row.id, &e.to_string())?;
    }
    attempt
}

/// Changes my database source's connection or query and pulls with it; a refusal changes
/// nothing (the old rows, connection and password stay).
pub fn edit(db: &Db, data_dir: &Path, me: &str, id: &str, request: DatabaseRequest) -> Result<DataSource> {
    let row = my_database_source(db, me, id)?;
    let mut config = request.checked()?;
    if config.server.engine != row.r#type {
        return Err(CoreError::validation("a source keeps its kind of database: add a new source for another one"));
    }
    config.password_ref = stored_config(&row).ok().and_then(|c| c.password_ref);
    run(db, data_dir, me, Target::Existing(row), config, request.password(), "source.edit")
}

/// What [`super::delete`] does besides the row: the saved password goes too.
pub(crate) fn forget_password(data_dir: &Path, row: &DataSourceRow) -> Result<()> {
    match row.connection_config.get("password_ref").and_then(|r| r.as_str()) {
        Some(reference) => secrets::open(data_dir)?.delete(reference),
        None => Ok(()),
    }
}

/// The store a source's password is kept in, for the form ("saved in the OS keychain").
pub fn password_store(data_dir: &Path) -> Result<secrets::SecretStoreKind> {
    Ok(secrets::open(data_dir)?.kind())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn stored() -> serde_json::Value {
        json!({
            "engine": "mysql", "host": "db.example", "port": 3307, "database": "grades", "user": "reader",
            "tls": "require", "query": "SELECT 1", "password_ref": "data-source/x",
            "tables": [{"schema": "grades", "name": "scores", "columns": ["student"]}],
        })
    }

    #[test]
    fn the_stored_config_keeps_its_flat_keys_with_or_without_tables() {
        // Rows written before the server's fields were one struct read and write back as they were.
        let c: DatabaseConfig = serde_json::from_value(stored()).unwrap();
        assert_eq!((c.server.host.as_str(), c.port, c.server.tls), ("db.example", 3307, TlsMode::Require));
        assert_eq!(c.tables.as_ref().map(Vec::len), Some(1));
        assert_eq!(serde_json::to_value(&c).unwrap(), stored());

        let mut bare = stored();
        bare.as_object_mut().unwrap().retain(|k, _| k != "tables" && k != "password_ref");
        let c: DatabaseConfig = serde_json::from_value(bare.clone()).unwrap();
        assert_eq!((c.tables.as_ref(), c.password_ref.as_ref()), (None, None));
        assert_eq!(serde_json::to_value(&c).unwrap(), bare);

        // the list is only a hint: one that cannot be read is dropped, the connection stays
        let mut odd = stored();
        odd["tables"] = json!("not a list");
        let c: DatabaseConfig = serde_json::from_value(odd).unwrap();
        assert_eq!((c.tables, c.server.database.as_str()), (None, "grades"));
    }

    #[test]
    fn the_view_and_the_request_are_flat_too() {
        let view = DatabaseView::of(&stored()).unwrap();
        assert_eq!((view.port, view.password_saved, view.tables.len()), (3307, true, 1));
        let shown = serde_json::to_value(&view).unwrap();
        assert_eq!((shown["host"].as_str(), shown["query"].as_str(), shown["port"].as_u64()), (Some("db.example"), Some("SELECT 1"), Some(3307)));
        assert!(DatabaseView::of(&json!({"file": "x.csv"})).is_none());

        // what the form sends: no port, no TLS, no password
        let request: DatabaseRequest = serde_json::from_value(json!({"engine": "postgresql", "host": " h ", "database": "d", "user": "u", "query": "SELECT 1;"})).unwrap();
        assert_eq!((request.port, request.server.tls, request.password.as_deref()), (None, TlsMode::Prefer, None));
        let checked = request.checked().unwrap();
        assert_eq!((checked.port, checked.server.host.as_str(), checked.server.query.as_str(), checked.tables), (5432, "h", "SELECT 1", None));
    }
}
