//! What every insights query answers: named, typed columns and rows of cells, whether it
//! came from a built-in metric, the SQL sandbox, a data model or a data source's cache.
//! Widgets draw it, tables page it, exports write it; nothing here runs SQL.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One value of a result row: SQL NULL, an integer, a real or text (BLOBs are shown as
/// their size in text, never sent whole).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[serde(untagged)]
#[ts(export)]
pub enum Cell {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
}

impl Cell {
    /// The value as a number, when it is one (integers and reals).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Cell::Integer(i) => Some(*i as f64),
            Cell::Real(r) => Some(*r),
            _ => None,
        }
    }
}

impl From<rusqlite::types::ValueRef<'_>> for Cell {
    fn from(v: rusqlite::types::ValueRef<'_>) -> Cell {
        use rusqlite::types::ValueRef;
        match v {
            ValueRef::Null => Cell::Null,
            ValueRef::Integer(i) => Cell::Integer(i),
            ValueRef::Real(r) if r.is_finite() => Cell::Real(r),
            ValueRef::Real(_) => Cell::Null,
            ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => Cell::Text(format!("({} bytes)", b.len())),
        }
    }
}

/// What a column holds, for axes, alignment and formatting.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ColumnKind {
    /// A calendar date `YYYY-MM-DD` (a day, or the first day of a week or month).
    Date,
    /// A UTC timestamp.
    Timestamp,
    Integer,
    Real,
    Text,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct Column {
    pub name: String,
    pub kind: ColumnKind,
    /// The unit of a number (`minutes`, `sessions`, `tasks`...), for axes and cards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub unit: Option<String>,
}

impl Column {
    pub fn new(name: &str, kind: ColumnKind) -> Column {
        Column { name: name.to_string(), kind, unit: None }
    }

    pub fn with_unit(name: &str, kind: ColumnKind, unit: &str) -> Column {
        Column { name: name.to_string(), kind, unit: Some(unit.to_string()) }
    }
}

/// A query's answer.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    /// True when rows were left out (a cap was reached, or a series was thinned to the
    /// chart's width): the UI says so.
    pub truncated: bool,
}
