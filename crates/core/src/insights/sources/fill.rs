//! Filling a source from rows read elsewhere (a REST API's records, a database's query
//! result): the rows as text, each column's kind known or inferred from every value with
//! the CSV rules, the cache table rebuilt and the `data_sources` row written.
//!
//! Contract:
//! - [`install`] converts every value before anything is kept: a value that does not fit
//!   its column's kind refuses the whole fill (record and column named) and writes
//!   nothing. The cache table is replaced in one transaction with the row's write, so a
//!   failed fill keeps the old rows.
//! - The row keeps its refresh schedule (`metadata.refresh_minutes`, read inside the
//!   write); the rest of the metadata is the new fill's (a good fill clears `error` and
//!   `failed_at`).
//! - The caller fetched the rows before: no network inside the cache's write lock or
//!   `Db::write`.

use super::cache::{self, CacheTx};
use super::csv::values::{convert, DayOrder, Guess, Reading};
use super::{DataSource, SourceColumn, SourceMetadata, Target};
use crate::account::settings;
use crate::db::WriteCtx;
use crate::insights::rows::{DataSourceStatus, DataSourceType};
use crate::insights::table::ColumnKind;
use crate::{ids, validate, CoreError, Db, Result};
use std::path::Path;

/// Rows read from a source, every value as text (`None`: NULL).
pub(crate) struct Fetched {
    /// Each column's name and, when the source says it, its kind.
    pub fields: Vec<(String, Option<ColumnKind>)>,
    pub rows: Vec<Vec<Option<String>>>,
    /// How much was read, for the metadata.
    pub bytes: u64,
}

impl Fetched {
    /// The columns with their kinds: the given ones, else inferred from every value.
    pub fn columns(&self) -> Vec<SourceColumn> {
        self.fields
            .iter()
            .enumerate()
            .map(|(i, (name, kind))| {
                let (kind, day_order) = match kind {
                    Some(kind) => (*kind, None),
                    None => {
                        let mut guess = Guess::new();
                        for value in self.rows.iter().filter_map(|r| r[i].as_deref()) {
                            guess.see(value);
                        }
                        let kind = guess.kind();
                        (kind, if kind == ColumnKind::Date { guess.day_order() } else { None })
                    }
                };
                SourceColumn { name: name.clone(), kind, day_order }
            })
            .collect()
    }
}

/// Inserts the rows into the working table; a value that does not fit its kind refuses.
fn insert_rows(change: &CacheTx, fetched: &Fetched, columns: &[SourceColumn], tz: chrono_tz::Tz) -> Result<u64> {
    let readings: Vec<Reading> = columns.iter().map(|c| Reading { kind: c.kind, order: c.day_order.unwrap_or(DayOrder::DayFirst) }).collect();
    let mut insert = change.inserter(columns.len())?;
    for (n, fields) in fetched.rows.iter().enumerate() {
        for (i, (field, how)) in fields.iter().zip(&readings).enumerate() {
            let value = convert(field.as_deref().unwrap_or(""), *how, tz).map_err(|expected| {
                CoreError::validation(format!(
                    "record {}, column \"{}\": \"{}\" is not {expected}; nothing was changed",
                    n + 1,
                    columns[i].name,
                    validate::truncate_for_message(field.as_deref().unwrap_or("").trim())
                ))
            })?;
            insert.raw_bind_parameter(i + 1, value)?;
        }
        insert.raw_execute()?;
    }
    Ok(fetched.rows.len() as u64)
}

/// What the fill writes besides the rows: the source's type, its `connection_config` and
/// the write's audit action.
pub(crate) struct Fill {
    pub kind: DataSourceType,
    pub config: serde_json::Value,
    pub action: &'static str,
}

/// Replaces the target's cache table with `fetched` and writes its row (see the contract).
pub(crate) fn install(db: &Db, data_dir: &Path, me: &str, target: Target, fetched: &Fetched, fill: Fill) -> Result<DataSource> {
    let (id, name, current_table) = target.ids();
    let columns = fetched.columns();
    let (tz, claimed, mut live) = db.read(|c| Ok((settings::timezone_if_set(c, me)?.unwrap_or(chrono_tz::UTC), super::claimed_tables(c, &id)?, super::all_ids(c)?)))?;
    live.insert(id.clone());
    let mut conn = cache::open(data_dir)?;
    let change = CacheTx::begin(&mut conn)?;
    let table = cache::pick_table(&change, claimed, &id, current_table.as_deref(), &name)?;
    let typed: Vec<(&str, ColumnKind)> = columns.iter().map(|c| (c.name.as_str(), c.kind)).collect();
    change.build(&typed)?;
    let rows = insert_rows(&change, fetched, &columns, tz)?;
    let import_id = ids::new_id();
    change.drop_orphans(&live)?;
    change.install(&id, &table, &import_id)?;
    let row = db.write(WriteCtx::by(me, fill.action), |tx| {
        let now = tx.now_text();
        let mut row = target.row(tx, me, &id, fill.kind)?;
        row.connection_config = fill.config.clone();
        row.metadata = SourceMetadata {
            table: Some(table.clone()),
            columns: columns.clone(),
            rows: Some(i64::try_from(rows).unwrap_or(i64::MAX)),
            bytes: Some(i64::try_from(fetched.bytes).unwrap_or(i64::MAX)),
            imported_at: Some(now.clone()),
            import_id: Some(import_id.clone()),
            ..SourceMetadata::default()
        }
        .keeping_schedule_of(&row)
        .to_value();
        row.status = DataSourceStatus::Connected;
        row.last_sync = Some(now.clone());
        row.updated_at = now;
        target.save(tx, &row)?;
        Ok(row)
    })?;
    change.commit().map_err(|e| CoreError::Database(format!("the rows could not be saved in the sources cache ({e}); refresh the source to fetch them again")))?;
    super::view(data_dir, row)
}
