//! Data sources (issue 15 item 5): data the user brings in for widgets, as `data_sources`
//! rows of their own and tables in the sources cache ([`cache`]). CSV files ([`csv`]),
//! REST APIs ([`rest`]) and PostgreSQL, MySQL and MariaDB queries ([`database`]), all in
//! the same shape: a row, a `connection_config` with what this device needs to reach the source, a
//! `metadata` describing the cached table, and a refresh that rebuilds it.
//!
//! Contract:
//! - A source belongs to its user; every function here acts on the user's own sources
//!   only (another user's id is not found). Names are 1 to [`NAME_MAX`] characters,
//!   unique per user: V1's `UNIQUE (user_id, name)`, and here also ignoring case, because
//!   `Exam scores` and `exam scores` would be the same source to the user.
//! - `connection_config` holds no secret (a password goes to the OS keychain, with a
//!   reference here) and never leaves the device (capture leaves the column out of sync,
//!   docs/sync.md §8). For a CSV it is `{"file": "sources/<id>.csv", "file_name": ...}`:
//!   its presence says that this device imported the file.
//! - `metadata` ([`SourceMetadata`]) syncs: the cache table's name, its columns and their
//!   kinds, the row count, how the file was read, when, by which import (`import_id`), and
//!   the reason of the last failed refresh (`error`). `status` is `connected` after a good
//!   import or refresh, `error` after a failed refresh; `last_sync` is the last import.
//! - Every import writes the row through `Db::write` (actions `source.add`,
//!   `source.reimport`, `source.set_columns`, `source.refresh`), and a refusal writes
//!   nothing: no row, no file, no cache table.
//! - On another device the row arrives by sync, the file and the cache table do not: the
//!   source is listed with `data_here` false ("imported on another device"), its refresh
//!   there is refused without writing, and a re-import there makes it this device's too.
//! - The cache table keeps its name when the source is renamed (SQL written against
//!   `sources.exam_scores` keeps working).
//! - A REST or database source may refresh itself on a schedule ([`schedule`]:
//!   `metadata.refresh_minutes`, kept by every write that rebuilds the metadata), on the
//!   device that keeps its connection.
//! - Deleting a source deletes its row (widgets over it keep their place with no source:
//!   the foreign key sets `data_source_id` to NULL), its copied file and its cache table.

pub mod cache;
pub mod csv;
pub mod database;
mod fill;
pub mod rest;
pub mod schedule;

use crate::db::row;
use crate::db::WriteCtx;
use crate::insights::rows::{DataSourceRow, DataSourceStatus, DataSourceType};
use crate::insights::table::{Cell, Column, ColumnKind, Table};
use crate::{validate, CoreError, Db, Result};
use self::csv::values::DayOrder;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// The longest source name, in characters (V1's CHECK).
pub const NAME_MAX: usize = 255;
/// The most rows a preview answers.
pub const PREVIEW_MAX: i64 = 1000;
const PREVIEW_DEFAULT: i64 = 100;

/// One column of a source's cache table.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct SourceColumn {
    pub name: String,
    pub kind: ColumnKind,
    /// For a date column read from day-and-month dates (`31/12/2024`): which comes first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub day_order: Option<DayOrder>,
}

/// `data_sources.metadata`: what the cache holds for the source (see the module contract).
/// The CSV fields are empty for other types.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SourceMetadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    #[serde(default)]
    pub columns: Vec<SourceColumn>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<i64>,
    /// The CSV's encoding as encoding_rs names it (`UTF-8`, `Shift_JIS`, `UTF-16LE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_header: Option<bool>,
    /// The file's size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<i64>,
    /// The imported file's own name (also in `connection_config`, which does not sync).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported_at: Option<String>,
    /// Names the import that filled the cache table (see [`cache::BOOKKEEPING`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import_id: Option<String>,
    /// Why the last refresh failed (status `error`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// When the last refresh failed (with `error`; cleared by a good one): a scheduled
    /// refresh waits one interval from it ([`schedule`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_at: Option<String>,
    /// How often the source refreshes itself, in minutes (one of [`schedule::EVERY`]);
    /// absent: by hand only. A preference: it syncs, and is kept by every rebuild of the
    /// metadata ([`SourceMetadata::keeping_schedule_of`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_minutes: Option<u32>,
}

impl SourceMetadata {
    pub fn of(row: &DataSourceRow) -> SourceMetadata {
        serde_json::from_value(row.metadata.clone()).unwrap_or_default()
    }

    pub fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_else(|_| serde_json::json!({}))
    }

    /// This metadata (a new import's) with the user's choices that outlive imports taken
    /// from `row` as stored now: its refresh schedule.
    pub fn keeping_schedule_of(mut self, row: &DataSourceRow) -> SourceMetadata {
        self.refresh_minutes = SourceMetadata::of(row).refresh_minutes;
        self
    }
}

/// A data source as the UI and the CLI show it: its row and its decoded metadata.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct DataSource {
    pub id: String,
    pub name: String,
    pub source_type: DataSourceType,
    pub status: DataSourceStatus,
    /// When it was last imported or refreshed (UTC).
    pub last_sync: Option<String>,
    /// The cache table: `SELECT * FROM sources.<table>` in the SQL sandbox.
    pub table: Option<String>,
    pub columns: Vec<SourceColumn>,
    pub rows: Option<i64>,
    pub file_name: Option<String>,
    pub encoding: Option<String>,
    /// `,` `;` a tab or `|`.
    pub delimiter: Option<String>,
    pub has_header: Option<bool>,
    pub bytes: Option<i64>,
    /// Why the last refresh failed.
    pub error: Option<String>,
    /// How often it refreshes itself, in minutes (15, 60, 360 or 1440); none: by hand only.
    /// Set on any device; the refresh runs where the connection is (`connection_here`).
    pub refresh_minutes: Option<u32>,
    /// When the schedule refreshes it next on this device (UTC); none when it has no
    /// schedule or its connection is not here. Just past while it waits for the next check.
    pub next_refresh_at: Option<String>,
    /// This device keeps the REST request or the database connection of the source, so it
    /// refreshes it here (by hand or on its schedule). False for CSV files (see `data_here`).
    pub connection_here: bool,
    /// A database source's connection and query, on the device that has them.
    pub database: Option<database::DatabaseView>,
    /// This device holds the rows the source describes. False for a source imported on
    /// another device (its file is there, not here).
    pub data_here: bool,
    pub created_at: String,
    pub updated_at: String,
}

impl DataSource {
    fn of(row: DataSourceRow, here: &HashMap<String, cache::CachedTable>) -> DataSource {
        let meta = SourceMetadata::of(&row);
        let data_here = match (here.get(&row.id), &meta.import_id) {
            (Some(cached), Some(import)) => &cached.import_id == import,
            _ => false,
        };
        let (next_refresh_at, connection_here) = (schedule::next_refresh_at(&row), schedule::connection_here(&row));
        DataSource {
            id: row.id,
            name: row.name,
            source_type: row.r#type,
            status: row.status,
            last_sync: row.last_sync,
            table: meta.table,
            columns: meta.columns,
            rows: meta.rows,
            file_name: meta.file_name,
            encoding: meta.encoding,
            delimiter: meta.delimiter,
            has_header: meta.has_header,
            bytes: meta.bytes,
            error: meta.error,
            refresh_minutes: meta.refresh_minutes,
            next_refresh_at,
            connection_here,
            database: database::DatabaseView::of(&row.connection_config),
            data_here,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// The cache's tables on this device (none when it has no cache).
fn tables_here(data_dir: &Path) -> Result<HashMap<String, cache::CachedTable>> {
    match cache::open_read(data_dir)? {
        Some(conn) => cache::tables(&conn),
        None => Ok(HashMap::new()),
    }
}

/// `row` as the UI shows it, with whether this device holds its data.
pub fn view(data_dir: &Path, row: DataSourceRow) -> Result<DataSource> {
    Ok(DataSource::of(row, &tables_here(data_dir)?))
}

/// My source `id`, or not found.
/// What an import or a fetch writes to: a new source of mine, or one I have.
pub(crate) enum Target {
    New { id: String, name: String },
    Existing(DataSourceRow),
}

impl Target {
    /// A new source named `name`, with a new id.
    pub(crate) fn new(name: String) -> Target {
        Target::New { id: crate::ids::new_id(), name }
    }

    pub(crate) fn id(&self) -> &str {
        match self {
            Target::New { id, .. } => id,
            Target::Existing(row) => &row.id,
        }
    }

    /// The source's id, its name and the cache table it fills now.
    pub(crate) fn ids(&self) -> (String, String, Option<String>) {
        match self {
            Target::New { id, name } => (id.clone(), name.clone(), None),
            Target::Existing(row) => (row.id.clone(), row.name.clone(), SourceMetadata::of(row).table),
        }
    }

    /// The row to fill in inside the write: a new `kind` row named as asked (the name
    /// checked free again), or mine as stored now.
    pub(crate) fn row(&self, tx: &crate::db::Tx, me: &str, id: &str, kind: DataSourceType) -> Result<DataSourceRow> {
        match self {
            Target::New { name, .. } => {
                check_name_free(tx, me, name, id)?;
                let now = tx.now_text();
                Ok(DataSourceRow {
                    id: id.to_string(),
                    user_id: me.to_string(),
                    name: name.clone(),
                    r#type: kind,
                    connection_config: serde_json::json!({}),
                    status: DataSourceStatus::Connected,
                    last_sync: None,
                    metadata: serde_json::json!({}),
                    created_at: now.clone(),
                    updated_at: now,
                })
            }
            Target::Existing(_) => mine(tx, me, id),
        }
    }

    /// Inserts or updates the filled-in row.
    pub(crate) fn save(&self, tx: &crate::db::Tx, row: &DataSourceRow) -> Result<()> {
        match self {
            Target::New { .. } => crate::db::row::insert(tx, row),
            Target::Existing(_) => crate::db::row::update(tx, row),
        }
    }
}

/// Marks the source as failed now, with the reason (its rows and the rest of its metadata
/// stay as they were).
pub(crate) fn record_failure(db: &Db, me: &str, id: &str, reason: &str) -> Result<()> {
    db.write(WriteCtx::by(me, "source.refresh"), |tx| {
        let mut row = mine(tx, me, id)?;
        let mut meta = SourceMetadata::of(&row);
        let now = tx.now_text();
        meta.error = Some(reason.to_string());
        meta.failed_at = Some(now.clone());
        row.metadata = meta.to_value();
        row.status = DataSourceStatus::Error;
        row.updated_at = now;
        row::update(tx, &row)
    })
}

pub fn mine(conn: &Connection, me: &str, id: &str) -> Result<DataSourceRow> {
    let id = validate::id("data source", id)?;
    row::select_one(conn, "WHERE id = ?1 AND user_id = ?2", params![id, me])?.ok_or_else(|| CoreError::not_found("data source", id))
}

/// My sources, by name.
pub fn list(conn: &Connection, data_dir: &Path, me: &str) -> Result<Vec<DataSource>> {
    let rows: Vec<DataSourceRow> = row::select(conn, "WHERE user_id = ?1 ORDER BY name COLLATE NOCASE, id", [me])?;
    let here = tables_here(data_dir)?;
    Ok(rows.into_iter().map(|r| DataSource::of(r, &here)).collect())
}

pub fn get(conn: &Connection, data_dir: &Path, me: &str, id: &str) -> Result<DataSource> {
    view(data_dir, mine(conn, me, id)?)
}

/// A source name: trimmed, 1 to [`NAME_MAX`] characters, no control character.
pub fn check_name(name: &str) -> Result<String> {
    let name = validate::text("name", name, NAME_MAX)?;
    if name.chars().any(char::is_control) {
        return Err(CoreError::validation("a data source's name cannot contain control characters"));
    }
    Ok(name)
}

/// A column name: 1 to 255 characters, no control character (the source name's rules).
pub fn column_name(name: &str) -> Result<String> {
    check_name(name).map_err(|_| {
        CoreError::validation(format!("\"{}\" cannot be a column name: use 1 to 255 characters, no control character", validate::truncate_for_message(name)))
    })
}

/// Refuses `name` when another of my sources (not `except`) has it, ignoring case.
pub fn check_name_free(conn: &Connection, me: &str, name: &str, except: &str) -> Result<()> {
    let taken: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM data_sources WHERE user_id = ?1 AND lower(name) = lower(?2) AND id <> ?3)")?
        .query_row(params![me, name, except], |r| r.get(0))?;
    if taken {
        return Err(CoreError::Conflict(format!("you already have a data source named \"{}\"", validate::truncate_for_message(name))));
    }
    Ok(())
}

/// The ids of every source in this database (any user: the cache is the device's).
pub fn all_ids(conn: &Connection) -> Result<HashSet<String>> {
    let mut stmt = conn.prepare_cached("SELECT id FROM data_sources")?;
    let ids = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(ids.collect::<rusqlite::Result<_>>()?)
}

/// The cache table names the sources of this database claim (lower-case), but `except`'s.
pub fn claimed_tables(conn: &Connection, except: &str) -> Result<HashSet<String>> {
    let mut stmt = conn.prepare_cached("SELECT lower(json_extract(metadata, '$.table')) FROM data_sources WHERE id <> ?1 AND json_valid(metadata)")?;
    let names = stmt.query_map([except], |r| r.get::<_, Option<String>>(0))?;
    Ok(names.filter_map(|n| n.transpose()).collect::<rusqlite::Result<_>>()?)
}

/// Where this device keeps source `id`'s copied file.
pub fn file_path(data_dir: &Path, id: &str) -> PathBuf {
    crate::paths::sources_dir(data_dir).join(format!("{id}.csv"))
}

/// The file's path as `connection_config` records it (relative to the data folder).
pub fn file_reference(id: &str) -> String {
    format!("sources/{id}.csv")
}

/// Whether this device imported the source's file (its `connection_config` names it).
pub fn imported_here(row: &DataSourceRow) -> bool {
    row.connection_config.get("file").and_then(|f| f.as_str()).is_some()
}

/// Renames my source (its cache table keeps its name).
pub fn rename(db: &Db, data_dir: &Path, me: &str, id: &str, name: &str) -> Result<DataSource> {
    let name = check_name(name)?;
    let row = db.write(WriteCtx::by(me, "source.rename"), |tx| {
        let mut row = mine(tx, me, id)?;
        check_name_free(tx, me, &name, &row.id)?;
        row.name = name.clone();
        row.updated_at = tx.now_text();
        row::update(tx, &row)?;
        Ok(row)
    })?;
    view(data_dir, row)
}

/// Deletes my source: its row, its cache table, its copied file, its saved password.
pub fn delete(db: &Db, data_dir: &Path, me: &str, id: &str) -> Result<()> {
    let row = db.read(|c| mine(c, me, id))?;
    let mut conn = cache::open(data_dir)?;
    let change = cache::CacheTx::begin(&mut conn)?;
    change.remove(&row.id)?;
    db.write(WriteCtx::by(me, "source.delete"), |tx| {
        mine(tx, me, &row.id)?;
        tx.prepare_cached("DELETE FROM data_sources WHERE id = ?1")?.execute([&row.id])?;
        Ok(())
    })?;
    change.commit()?;
    database::forget_password(data_dir, &row)?;
    let file = file_path(data_dir, &row.id);
    match std::fs::remove_file(&file) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(CoreError::io(format!("could not delete {}", file.display()), e)),
        _ => Ok(()),
    }
}

/// Refreshes my source from where its data comes from (a CSV: its copied file; a REST
/// API: the network, so not on a UI thread).
pub fn refresh(db: &Db, data_dir: &Path, me: &str, id: &str) -> Result<DataSource> {
    let row = db.read(|c| mine(c, me, id))?;
    match row.r#type {
        DataSourceType::Csv => csv::refresh(db, data_dir, me, &row.id),
        DataSourceType::RestApi => rest::refresh(db, data_dir, me, &row.id),
        DataSourceType::Postgresql | DataSourceType::Mysql => database::refresh(db, data_dir, me, &row.id),
    }
}

/// The first `limit` rows (1 to [`PREVIEW_MAX`], else 100) of my source's cache table.
pub fn preview(conn: &Connection, data_dir: &Path, me: &str, id: &str, limit: Option<i64>) -> Result<Table> {
    let row = mine(conn, me, id)?;
    let meta = SourceMetadata::of(&row);
    let limit = limit.filter(|n| (1..=PREVIEW_MAX).contains(n)).unwrap_or(PREVIEW_DEFAULT);
    let absent = || {
        CoreError::validation(format!(
            "the data of \"{}\" is not on this device (it was imported on another one): import its file here to see it",
            validate::truncate_for_message(&row.name)
        ))
    };
    let cache_conn = cache::open_read(data_dir)?.ok_or_else(absent)?;
    let cached = cache::tables(&cache_conn)?.remove(&row.id).filter(|c| Some(&c.import_id) == meta.import_id.as_ref()).ok_or_else(absent)?;
    let columns: Vec<Column> = meta.columns.iter().map(|c| Column::new(&c.name, c.kind)).collect();
    let mut stmt = cache_conn.prepare(&format!("SELECT * FROM {} LIMIT ?1", cache::quote(&cached.table)))?;
    let width = stmt.column_count();
    let mut rows = Vec::new();
    let mut found = stmt.query([limit + 1])?;
    while let Some(r) = found.next()? {
        rows.push((0..width).map(|i| r.get_ref(i).map(Cell::from)).collect::<rusqlite::Result<Vec<_>>>()?);
    }
    let truncated = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    Ok(Table { columns, rows, truncated })
}
