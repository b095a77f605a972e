//! Rows of any table written by name: the generic writer sync's mirror applies pulled
//! changes with, and history's undo restores old values with. Lower than both; knows
//! nothing of which columns a caller may write (each caller filters first).

use crate::Result;
use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection, OptionalExtension};
use serde_json::{Map, Value};

/// Column names of a local table (empty when this version has no such table).
pub fn local_columns(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1)")?;
    let cols = stmt.query_map([table], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(cols)
}

pub fn row_exists(conn: &Connection, table: &str, row_id: &str) -> Result<bool> {
    let mut stmt = conn.prepare_cached(&format!("SELECT 1 FROM \"{table}\" WHERE id = ?1"))?;
    Ok(stmt.query_row([row_id], |_| Ok(())).optional()?.is_some())
}

/// A JSON value as SQLite stores it (the audit trail and the wire both use JSON).
pub fn sql_value(v: &Value) -> SqlValue {
    match v {
        Value::Null => SqlValue::Null,
        Value::Bool(b) => SqlValue::Integer(i64::from(*b)),
        Value::Number(n) => n.as_i64().map_or_else(|| SqlValue::Real(n.as_f64().unwrap_or(0.0)), SqlValue::Integer),
        Value::String(s) => SqlValue::Text(s.clone()),
        other => SqlValue::Text(other.to_string()),
    }
}

/// Writes `values` (those of `columns`, the table's) to the row: an UPDATE when it
/// `exists`, else an INSERT of a new row with that id.
pub fn write_known_columns(
    conn: &Connection,
    table: &str,
    row_id: &str,
    values: &Map<String, Value>,
    columns: &[String],
    exists: bool,
) -> Result<()> {
    let known: Vec<(&String, &Value)> = values.iter().filter(|(k, _)| *k != "id" && columns.contains(k)).collect();
    let mut args: Vec<SqlValue> = known.iter().map(|(_, v)| sql_value(v)).collect();
    args.push(SqlValue::Text(row_id.to_string()));
    if exists {
        if known.is_empty() {
            return Ok(());
        }
        let sets: Vec<String> = known.iter().enumerate().map(|(i, (k, _))| format!("\"{k}\" = ?{}", i + 1)).collect();
        let sql = format!("UPDATE \"{table}\" SET {} WHERE id = ?{}", sets.join(", "), known.len() + 1);
        conn.prepare_cached(&sql)?.execute(params_from_iter(args))?;
    } else {
        let names: Vec<String> = known.iter().map(|(k, _)| format!("\"{k}\"")).collect();
        let marks: Vec<String> = (1..=known.len() + 1).map(|i| format!("?{i}")).collect();
        let sql = format!("INSERT INTO \"{table}\"({}{}id) VALUES ({})", names.join(", "), if names.is_empty() { "" } else { ", " }, marks.join(", "));
        conn.prepare_cached(&sql)?.execute(params_from_iter(args))?;
    }
    Ok(())
}

/// Deletes the row (its children go by their foreign keys' ON DELETE rules).
pub fn delete_row(conn: &Connection, table: &str, row_id: &str) -> Result<()> {
    conn.prepare_cached(&format!("DELETE FROM \"{table}\" WHERE id = ?1"))?.execute([row_id])?;
    Ok(())
}

/// The row's values of `names` (columns of the table), as JSON.
pub fn read_values(conn: &Connection, table: &str, row_id: &str, names: &[String]) -> Result<Map<String, Value>> {
    let pairs: Vec<String> = names.iter().map(|n| format!("'{}', \"{}\"", n.replace('\'', "''"), n)).collect();
    let sql = format!("SELECT json_object({}) FROM \"{table}\" WHERE id = ?1", pairs.join(", "));
    let text: Option<String> = conn.prepare_cached(&sql)?.query_row([row_id], |r| r.get(0)).optional()?;
    match text.and_then(|t| serde_json::from_str::<Value>(&t).ok()) {
        Some(Value::Object(m)) => Ok(m),
        _ => Ok(Map::new()),
    }
}
