//! The sources cache: `sources.db` beside the database ([`crate::paths::sources_cache_path`]),
//! one table per imported data source holding its rows. It is rebuilt from the source (the
//! copied CSV file today; a database or a web API later), so it is never synced, never in the
//! change log or the audit trail, and not user data to back up. The SQL sandbox attaches it
//! read-only as the schema `sources` (`SELECT * FROM sources.exam_scores`).
//!
//! Contract:
//! - [`BOOKKEEPING`] records which source each table belongs to and which import filled
//!   it (the `import_id` of the source's metadata), so a device knows whether it holds the
//!   rows the source's row describes (a source imported on another device does not).
//! - A table is replaced whole in one transaction of the cache file ([`CacheTx`]): built
//!   under a working name, then the old one dropped and the new one renamed. Readers (WAL)
//!   see the old rows or the new, never a mix; an import that fails leaves the old rows.
//! - Columns are typed (`STRICT`): INTEGER, REAL, or TEXT (dates `YYYY-MM-DD`, timestamps
//!   UTC text, text), in the file's order, named as the source's columns.
//! - Table names ([`table_name`]): lower-case ASCII letters, digits and `_`, starting with
//!   a letter, never an SQL keyword, unique in the cache and among the sources of this
//!   database (a source imported elsewhere keeps its name reserved).

use crate::insights::table::ColumnKind;
use crate::{CoreError, Result};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Statement, Transaction, TransactionBehavior};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Duration;

/// The cache's own table: `(source_id, table_name, import_id)`.
pub const BOOKKEEPING: &str = "_source_tables";
/// The name a table is built under before it replaces the old one.
const WORKING: &str = "_source_import";
/// The longest table name (before a `_N` suffix).
const TABLE_NAME_MAX: usize = 48;
/// An import holds the cache's write lock for seconds: another one waits that long.
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// A source's table here, and the import that filled it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedTable {
    pub table: String,
    pub import_id: String,
}

/// `name` as an SQL identifier in double quotes.
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn sql_type(kind: ColumnKind) -> &'static str {
    match kind {
        ColumnKind::Integer => "INTEGER",
        ColumnKind::Real => "REAL",
        ColumnKind::Date | ColumnKind::Timestamp | ColumnKind::Text => "TEXT",
    }
}

/// Opens (creating) the cache for writing.
pub fn open(data_dir: &Path) -> Result<Connection> {
    std::fs::create_dir_all(data_dir).map_err(|e| CoreError::io(format!("could not create the data folder {}", data_dir.display()), e))?;
    let path = crate::paths::sources_cache_path(data_dir);
    let conn = Connection::open(&path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY;
         CREATE TABLE IF NOT EXISTS {BOOKKEEPING} (
             source_id  TEXT PRIMARY KEY,
             table_name TEXT NOT NULL UNIQUE,
             import_id  TEXT NOT NULL
         ) STRICT;"
    ))?;
    Ok(conn)
}

/// Opens the cache read-only; `None` when this device has none yet.
pub fn open_read(data_dir: &Path) -> Result<Option<Connection>> {
    let path = crate::paths::sources_cache_path(data_dir);
    if !path.exists() {
        return Ok(None);
    }
    let conn = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    Ok(Some(conn))
}

/// Every source's table in this cache, by source id.
pub fn tables(conn: &Connection) -> Result<HashMap<String, CachedTable>> {
    let exists: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)", [BOOKKEEPING], |r| r.get(0))?;
    if !exists {
        return Ok(HashMap::new());
    }
    let mut stmt = conn.prepare(&format!("SELECT source_id, table_name, import_id FROM {BOOKKEEPING}"))?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, CachedTable { table: r.get(1)?, import_id: r.get(2)? })))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every table name in the cache (lower-case), bookkeeping included.
pub fn table_names(conn: &Connection) -> Result<HashSet<String>> {
    let mut stmt = conn.prepare("SELECT lower(name) FROM sqlite_master WHERE type = 'table'")?;
    let names = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(names.collect::<rusqlite::Result<_>>()?)
}

/// Whether `name` can be written unquoted after `sources.` (it is not an SQL keyword).
fn plain_identifier(name: &str) -> bool {
    Connection::open_in_memory().map(|c| c.prepare(&format!("CREATE TABLE {name} (x)")).is_ok()).unwrap_or(false)
}

/// A source name as a table name (see the module contract), not one of `taken` (lower-case).
/// "Exam scores" is `exam_scores`; a second one `exam_scores_2`.
pub fn table_name(source_name: &str, taken: &HashSet<String>) -> String {
    let mut slug = String::new();
    for c in source_name.chars().map(|c| c.to_ascii_lowercase()) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('_') {
            slug.push('_');
        }
    }
    slug.truncate(TABLE_NAME_MAX);
    let mut slug = slug.trim_end_matches('_').to_string();
    if slug.is_empty() {
        slug = "source".into();
    }
    if slug.starts_with(|c: char| c.is_ascii_digit()) || slug.starts_with("sqlite_") {
        slug = format!("t_{slug}");
    }
    if !plain_identifier(&slug) {
        slug.push_str("_data");
    }
    let mut name = slug.clone();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{slug}_{n}");
        n += 1;
    }
    name
}

/// One change of the cache, in one transaction: a table rebuilt, or removed.
pub struct CacheTx<'c> {
    tx: Transaction<'c>,
}

impl<'c> CacheTx<'c> {
    /// Takes the cache's write lock (an import elsewhere finishes first).
    pub fn begin(conn: &'c mut Connection) -> Result<CacheTx<'c>> {
        Ok(CacheTx { tx: conn.transaction_with_behavior(TransactionBehavior::Immediate)? })
    }

    /// The cache, for reads inside this transaction.
    pub fn conn(&self) -> &Connection {
        &self.tx
    }

    /// Creates the working table with these columns.
    pub fn build(&self, columns: &[(&str, ColumnKind)]) -> Result<()> {
        let defs: Vec<String> = columns.iter().map(|(name, kind)| format!("{} {}", quote(name), sql_type(*kind))).collect();
        self.tx.execute_batch(&format!("DROP TABLE IF EXISTS {WORKING}; CREATE TABLE {WORKING} ({}) STRICT;", defs.join(", ")))?;
        Ok(())
    }

    /// The statement inserting one row into the working table (parameters in column order).
    pub fn inserter(&self, width: usize) -> Result<Statement<'_>> {
        let marks = vec!["?"; width].join(", ");
        Ok(self.tx.prepare(&format!("INSERT INTO {WORKING} VALUES ({marks})"))?)
    }

    /// Puts the working table in place as `source_id`'s table `table`, filled by `import_id`
    /// (its previous table, whatever its name, is dropped).
    pub fn install(&self, source_id: &str, table: &str, import_id: &str) -> Result<()> {
        self.remove(source_id)?;
        self.tx.execute_batch(&format!("DROP TABLE IF EXISTS {0}; ALTER TABLE {WORKING} RENAME TO {0};", quote(table)))?;
        self.tx.execute(
            &format!("INSERT INTO {BOOKKEEPING} (source_id, table_name, import_id) VALUES (?1, ?2, ?3)"),
            params![source_id, table, import_id],
        )?;
        Ok(())
    }

    /// Drops `source_id`'s table, if this cache has one.
    pub fn remove(&self, source_id: &str) -> Result<()> {
        let table: Option<String> = self
            .tx
            .query_row(&format!("SELECT table_name FROM {BOOKKEEPING} WHERE source_id = ?1"), [source_id], |r| r.get(0))
            .optional()?;
        if let Some(table) = table {
            self.tx.execute_batch(&format!("DROP TABLE IF EXISTS {}", quote(&table)))?;
            self.tx.execute(&format!("DELETE FROM {BOOKKEEPING} WHERE source_id = ?1"), [source_id])?;
        }
        Ok(())
    }

    /// Drops the tables of sources that no longer exist (deleted on another device, or
    /// whose delete stopped between the database and the cache).
    pub fn drop_orphans(&self, live: &HashSet<String>) -> Result<()> {
        for source in tables(&self.tx)?.into_keys().filter(|id| !live.contains(id)) {
            self.remove(&source)?;
        }
        Ok(())
    }

    pub fn commit(self) -> Result<()> {
        self.tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_are_plain_unique_identifiers() {
        let none = HashSet::new();
        assert_eq!(table_name("Exam scores", &none), "exam_scores");
        assert_eq!(table_name("  Exam -- scores (2024)!", &none), "exam_scores_2024");
        assert_eq!(table_name("2024 results", &none), "t_2024_results");
        assert_eq!(table_name("試験の点数", &none), "source");
        assert_eq!(table_name("Order", &none), "order_data");
        assert_eq!(table_name("sqlite_stat", &none), "t_sqlite_stat");
        let taken: HashSet<String> = ["exam_scores".to_string(), "exam_scores_2".to_string()].into();
        assert_eq!(table_name("exam-scores", &taken), "exam_scores_3");
        assert!(table_name(&"x".repeat(300), &none).len() <= TABLE_NAME_MAX);
    }
}

/// The table `id` fills: its current one when no other source claims it, else a new name.
pub fn pick_table(change: &CacheTx, claimed: std::collections::HashSet<String>, id: &str, current: Option<&str>, name: &str) -> Result<String> {
    let mut taken = claimed;
    taken.extend(table_names(change.conn())?);
    if let Some(mine) = tables(change.conn())?.remove(id) {
        taken.remove(&mine.table.to_lowercase());
    }
    match current {
        Some(t) if !taken.contains(&t.to_lowercase()) => Ok(t.to_string()),
        _ => Ok(table_name(name, &taken)),
    }
}
