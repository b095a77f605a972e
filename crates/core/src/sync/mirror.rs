//! The generic mirror of synced rows: reading a local table's columns and writing the
//! server's values to a row of any synced table by name. Sync is the one declared
//! exception to "a room's SQL stays in the room": pulled changes and discarded refusals
//! land here for every table the catalog lists, without each room's services (their
//! rules were checked on the device that wrote the change and by the server).
//! Lower than `apply` and `refused`, which both write through it.

use crate::Result;
use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection, OptionalExtension};
use serde_json::{Map, Value};
use studydesk_sync::catalog::accepts_pulled;

/// Column names of a local table (empty when this version has no such table).
pub(super) fn local_columns(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1)")?;
    let cols = stmt.query_map([table], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(cols)
}

pub(super) fn row_exists(conn: &Connection, table: &str, row_id: &str) -> Result<bool> {
    let mut stmt = conn.prepare_cached(&format!("SELECT 1 FROM \"{table}\" WHERE id = ?1"))?;
    Ok(stmt.query_row([row_id], |_| Ok(())).optional()?.is_some())
}

fn sql_value(v: &Value) -> SqlValue {
    match v {
        Value::Null => SqlValue::Null,
        Value::Bool(b) => SqlValue::Integer(i64::from(*b)),
        Value::Number(n) => n.as_i64().map_or_else(|| SqlValue::Real(n.as_f64().unwrap_or(0.0)), SqlValue::Integer),
        Value::String(s) => SqlValue::Text(s.clone()),
        other => SqlValue::Text(other.to_string()),
    }
}

/// Writes the server's `values` to the row (updating it, or inserting it when it is not
/// here), as discarding a refused change does. Only the columns a pulled change may set
/// are written (secret, derived and unknown ones are left out, as a pulled change's screening does).
pub(super) fn write_columns(
    conn: &Connection,
    table: &str,
    row_id: &str,
    values: &Map<String, Value>,
    columns: &[String],
) -> Result<()> {
    let accepted: Map<String, Value> =
        values.iter().filter(|(k, _)| accepts_pulled(table, k)).map(|(k, v)| (k.clone(), v.clone())).collect();
    let exists = row_exists(conn, table, row_id)?;
    write_known_columns(conn, table, row_id, &accepted, columns, exists)
}

pub(super) fn write_known_columns(
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

