//! "Export what can still be read" from a damaged database, into a new file.
//!
//! Contract: [`export_readable`] opens the damaged file read-only (it is never written),
//! creates `target` (which must not exist) with every table's definition it can read, and
//! copies each table's rows in rowid order until the first row SQLite cannot read; the
//! report says, per table, how many rows were copied and where it stopped. Indexes,
//! triggers and views are left out: the copy is evidence and a source to re-enter data
//! from, not a database to run the app on (restoring a backup is that).

use crate::{CoreError, Result};
use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;
use ts_rs::TS;
use std::path::Path;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct TableSalvage {
    pub table: String,
    #[ts(type = "number")]
    pub rows_copied: u64,
    /// Why the copy of this table stopped early, in SQLite's words.
    pub stopped: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SalvageReport {
    pub target: String,
    pub tables: Vec<TableSalvage>,
}

pub fn export_readable(source: &Path, target: &Path) -> Result<SalvageReport> {
    if target.exists() {
        return Err(CoreError::validation(format!("{} already exists; choose a new file name", target.display())));
    }
    let src = Connection::open_with_flags(source, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| CoreError::Database(format!("could not open {} to read it: {e}", source.display())))?;
    let tables = table_definitions(&src)
        .map_err(|e| CoreError::Database(format!("the list of tables in {} cannot be read ({e}); nothing can be exported", source.display())))?;
    let mut dst = Connection::open(target)?;
    let mut report = SalvageReport { target: target.display().to_string(), tables: vec![] };
    for (name, sql) in tables {
        if let Err(e) = dst.execute_batch(&sql) {
            report.tables.push(TableSalvage { table: name, rows_copied: 0, stopped: Some(format!("its definition: {e}")) });
            continue;
        }
        let tx = dst.transaction()?;
        let copied = copy_rows(&src, &tx, &name);
        tx.commit()?;
        report.tables.push(copied);
    }
    Ok(report)
}

/// Every ordinary table (not SQLite's own) with its `CREATE TABLE` text.
fn table_definitions(src: &Connection) -> rusqlite::Result<Vec<(String, String)>> {
    let mut stmt = src.prepare(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql IS NOT NULL ORDER BY rootpage",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect();
    rows
}

fn copy_rows(src: &Connection, dst: &Connection, table: &str) -> TableSalvage {
    let quoted = format!("\"{}\"", table.replace('"', "\"\""));
    let mut out = TableSalvage { table: table.to_string(), rows_copied: 0, stopped: None };
    let result = (|| -> rusqlite::Result<()> {
        let mut read = src.prepare(&format!("SELECT * FROM {quoted}"))?;
        let width = read.column_count();
        let marks = vec!["?"; width].join(", ");
        let mut write = dst.prepare(&format!("INSERT INTO {quoted} VALUES ({marks})"))?;
        let mut rows = read.query([])?;
        while let Some(row) = rows.next()? {
            let values: Vec<Value> = (0..width).map(|i| row.get::<_, Value>(i)).collect::<rusqlite::Result<_>>()?;
            write.execute(rusqlite::params_from_iter(values))?;
            out.rows_copied += 1;
        }
        Ok(())
    })();
    if let Err(e) = result {
        out.stopped = Some(e.to_string());
    }
    out
}
