//! Typed rows: one Rust type per table, checked at the core boundary.
//!
//! Contract:
//! - Every table of the schema has one `<Singular>Row` type (in the `rows` module of the
//!   room that owns it) implementing [`Row`]: its fields are the table's columns, same
//!   names, same order ([`Row::COLUMNS`] lists the exact SQL names).
//! - Column mapping: TEXT is `String`; nullable columns are `Option`; INTEGER is `i64`;
//!   REAL is `f64`; booleans are INTEGER 0/1 in SQL and `bool` here; JSON columns are
//!   TEXT in SQL and [`serde_json::Value`] here (written with `to_string`, parsed on
//!   read); timestamps (`2026-11-22T02:14:56.123Z`) and dates (`2026-11-22`) stay
//!   `String`; an enum column is a Rust enum whose serde names are the CHECK list's words.
//! - [`Row::validate`] mirrors every CHECK of the schema (lengths, enum values, JSON
//!   arrays, date and time formats, non-negative counters, the few cross-column rules)
//!   plus a few the seeds state in prose, and names the offending column in a
//!   [`CoreError::Validation`]. The schema's CHECKs stay as the backstop.
//! - [`insert`] and [`update`] validate before any SQL runs, and only write inside a
//!   [`Tx`] (so the capture triggers record the row for sync and the audit trail), as does
//!   [`delete`]; [`get`]
//!   reads one row by id, [`select`] and [`select_one`] the rows a `WHERE ...` picks.
//! - TypeScript: a row type is exported to `ui/src/api/bindings` only when declared
//!   `export` (see [`table_row!`]): only types the UI receives belong there.

use super::{timestamp_text, Tx};
use crate::error::Rule;
use crate::{ids, validate, CoreError, Result};
use rusqlite::types::{Type, Value};
use rusqlite::{Connection, OptionalExtension};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// One table's row.
pub trait Row: Sized + Serialize + DeserializeOwned {
    /// The SQL table name.
    const TABLE: &'static str;
    /// The exact SQL column names, in table order.
    const COLUMNS: &'static [&'static str];
    /// Checks every rule of the table; the error names the column.
    fn validate(&self) -> Result<()>;
    /// Reads a row selected with the columns in [`Row::COLUMNS`] order.
    fn from_sql(row: &rusqlite::Row) -> rusqlite::Result<Self>;
    /// The values of the columns, in [`Row::COLUMNS`] order.
    fn to_params(&self) -> Vec<Value>;
}

/// Validates `row`, then inserts it (every column) inside the write transaction.
pub fn insert<R: Row>(tx: &Tx, row: &R) -> Result<()> {
    row.validate()?;
    tx.prepare_cached(&insert_sql::<R>())?.execute(rusqlite::params_from_iter(row.to_params()))?;
    Ok(())
}

/// `INSERT INTO <table> (<every column>) VALUES (?1, ...)`, the columns in
/// [`Row::COLUMNS`] order (for a batch that prepares it once; validate each row first).
pub fn insert_sql<R: Row>() -> String {
    let placeholders: Vec<String> = (1..=R::COLUMNS.len()).map(|i| format!("?{i}")).collect();
    format!("INSERT INTO \"{}\" ({}) VALUES ({})", R::TABLE, column_list(R::COLUMNS), placeholders.join(", "))
}

/// Validates `row`, then inserts it, or writes every column over the stored row with its
/// `id` (`ON CONFLICT(id) DO UPDATE`: the stored row keeps its place). For reference data
/// refreshed in place; user data is inserted or updated knowingly.
pub fn upsert<R: Row>(tx: &Tx, row: &R) -> Result<()> {
    debug_assert_eq!(R::COLUMNS.first(), Some(&"id"));
    row.validate()?;
    let sets: Vec<String> = R::COLUMNS.iter().skip(1).map(|c| format!("\"{c}\" = excluded.\"{c}\"")).collect();
    let sql = format!("{} ON CONFLICT(id) DO UPDATE SET {}", insert_sql::<R>(), sets.join(", "));
    tx.prepare_cached(&sql)?.execute(rusqlite::params_from_iter(row.to_params()))?;
    Ok(())
}

/// Validates `row`, then writes every column of it over the stored row with its `id`
/// (the first column). Columns whose value did not change are not recorded as changed
/// (the capture triggers compare each column).
pub fn update<R: Row>(tx: &Tx, row: &R) -> Result<()> {
    debug_assert_eq!(R::COLUMNS.first(), Some(&"id"));
    row.validate()?;
    let mut sql = format!("UPDATE \"{}\" SET ", R::TABLE);
    for (i, c) in R::COLUMNS.iter().enumerate().skip(1) {
        if i > 1 {
            sql.push_str(", ");
        }
        sql.push_str(&format!("\"{c}\" = ?{}", i + 1));
    }
    sql.push_str(" WHERE id = ?1");
    tx.prepare_cached(&sql)?.execute(rusqlite::params_from_iter(row.to_params()))?;
    Ok(())
}

/// Deletes the row whose `id` is `id` inside the write transaction (its ON DELETE rules
/// and the capture triggers run as for any delete). The caller has checked it may.
pub fn delete<R: Row>(tx: &Tx, id: &str) -> Result<()> {
    tx.prepare_cached(&format!("DELETE FROM \"{}\" WHERE id = ?1", R::TABLE))?.execute([id])?;
    Ok(())
}

/// The row whose `id` is `id`, if any.
pub fn get<R: Row>(conn: &Connection, id: &str) -> Result<Option<R>> {
    select_one(conn, "WHERE id = ?1", [id])
}

/// `SELECT <every column> FROM <table> <rest>`: `rest` is the `WHERE` / `ORDER BY` part.
pub fn select_sql<R: Row>(rest: &str) -> String {
    format!("SELECT {} FROM \"{}\" {rest}", column_list(R::COLUMNS), R::TABLE)
}

/// [`select_sql`], built once per table and `rest`: the reads on Home's path run it on
/// every call, and building the column list each time was measurable (allocations).
/// At most [`SQL_CACHE_MAX`] texts are kept (callers pass literal clauses, so there are as
/// many as call sites); past that the text is built each time.
pub fn select_sql_cached<R: Row>(rest: &str) -> std::borrow::Cow<'static, str> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    type Cache = HashMap<&'static str, HashMap<String, &'static str>>;
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(sql) = cache.get(R::TABLE).and_then(|t| t.get(rest)) {
        return std::borrow::Cow::Borrowed(sql);
    }
    let sql = select_sql::<R>(rest);
    if cache.values().map(HashMap::len).sum::<usize>() >= SQL_CACHE_MAX {
        return std::borrow::Cow::Owned(sql);
    }
    let leaked: &'static str = Box::leak(sql.into_boxed_str());
    cache.entry(R::TABLE).or_default().insert(rest.to_string(), leaked);
    std::borrow::Cow::Borrowed(leaked)
}

/// How many SELECT texts [`select_sql_cached`] keeps.
pub const SQL_CACHE_MAX: usize = 512;

/// The rows `rest` (`WHERE ... ORDER BY ...`) selects, whole.
pub fn select<R: Row, P: rusqlite::Params>(conn: &Connection, rest: &str, params: P) -> Result<Vec<R>> {
    let mut stmt = conn.prepare_cached(&select_sql_cached::<R>(rest))?;
    let rows = stmt.query_map(params, |r| R::from_sql(r))?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The first row `rest` selects, if any.
pub fn select_one<R: Row, P: rusqlite::Params>(conn: &Connection, rest: &str, params: P) -> Result<Option<R>> {
    Ok(conn.prepare_cached(&select_sql_cached::<R>(rest))?.query_row(params, |r| R::from_sql(r)).optional()?)
}

/// The quoted column names, comma-separated.
pub fn column_list(cols: &[&str]) -> String {
    let mut out = String::with_capacity(cols.len() * 16);
    for (i, c) in cols.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('"');
        out.push_str(c);
        out.push('"');
    }
    out
}

// ---- column conversions ------------------------------------------------------------

/// How one field is written to and read from its SQL column.
pub trait SqlColumn: Sized {
    fn to_value(&self) -> Value;
    fn read(row: &rusqlite::Row, idx: usize) -> rusqlite::Result<Self>;
}

impl SqlColumn for String {
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
    fn read(row: &rusqlite::Row, idx: usize) -> rusqlite::Result<Self> {
        row.get(idx)
    }
}

impl SqlColumn for Option<String> {
    fn to_value(&self) -> Value {
        self.clone().map_or(Value::Null, Value::Text)
    }
    fn read(row: &rusqlite::Row, idx: usize) -> rusqlite::Result<Self> {
        row.get(idx)
    }
}

impl SqlColumn for i64 {
    fn to_value(&self) -> Value {
        Value::Integer(*self)
    }
    fn read(row: &rusqlite::Row, idx: usize) -> rusqlite::Result<Self> {
        row.get(idx)
    }
}

impl SqlColumn for Option<i64> {
    fn to_value(&self) -> Value {
        self.map_or(Value::Null, Value::Integer)
    }
    fn read(row: &rusqlite::Row, idx: usize) -> rusqlite::Result<Self> {
        row.get(idx)
    }
}

impl SqlColumn for f64 {
    fn to_value(&self) -> Value {
        Value::Real(*self)
    }
    fn read(row: &rusqlite::Row, idx: usize) -> rusqlite::Result<Self> {
        row.get(idx)
    }
}

impl SqlColumn for Option<f64> {
    fn to_value(&self) -> Value {
        self.map_or(Value::Null, Value::Real)
    }
    fn read(row: &rusqlite::Row, idx: usize) -> rusqlite::Result<Self> {
        row.get(idx)
    }
}

impl SqlColumn for bool {
    fn to_value(&self) -> Value {
        Value::Integer(i64::from(*self))
    }
    fn read(row: &rusqlite::Row, idx: usize) -> rusqlite::Result<Self> {
        row.get(idx)
    }
}

/// A BLOB (the e-mail outbox's attachment).
impl SqlColumn for Option<Vec<u8>> {
    fn to_value(&self) -> Value {
        self.clone().map_or(Value::Null, Value::Blob)
    }
    fn read(row: &rusqlite::Row, idx: usize) -> rusqlite::Result<Self> {
        row.get(idx)
    }
}

impl SqlColumn for serde_json::Value {
    fn to_value(&self) -> Value {
        Value::Text(self.to_string())
    }
    fn read(row: &rusqlite::Row, idx: usize) -> rusqlite::Result<Self> {
        let text: String = row.get(idx)?;
        serde_json::from_str(&text).map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(e)))
    }
}

impl SqlColumn for Option<serde_json::Value> {
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, SqlColumn::to_value)
    }
    fn read(row: &rusqlite::Row, idx: usize) -> rusqlite::Result<Self> {
        let text: Option<String> = row.get(idx)?;
        text.map(|t| {
            serde_json::from_str(&t).map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(e)))
        })
        .transpose()
    }
}

/// Reads an enum column's text; an unknown word is a conversion error naming it.
pub fn read_enum<T>(row: &rusqlite::Row, idx: usize, parse: fn(&str) -> Option<T>) -> rusqlite::Result<T> {
    let text: String = row.get(idx)?;
    parse(&text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, format!("unknown value \"{text}\"").into())
    })
}

// ---- the row and enum macros -------------------------------------------------------

/// The SQL name of a field: its own name, or the `as "name"` given (for `r#type`).
macro_rules! column_name {
    ($field:ident) => {
        stringify!($field)
    };
    ($field:ident, $col:literal) => {
        $col
    };
}
pub(crate) use column_name;

/// Declares a row struct and its [`Row`] impl. `validate` calls the struct's own
/// `fn check(&self) -> Result<()>`, written beside it by hand.
///
/// TypeScript: a row type is exported to the UI's bindings only when the table name is
/// followed by `export` (a row the UI receives). Without it (or with `internal`, said
/// explicitly) it is not: a new table does not reach the UI's types by accident, and a
/// secret column never does (`tests/bindings_secrets.rs`). An exported type that contains
/// a row still brings it along.
///
/// ```ignore
/// table_row! {
///     /// docs
///     pub struct PostTagRow in "post_tags" internal {
///         pub id: String,
///         pub r#type as "type": String,
///     }
/// }
/// ```
macro_rules! table_row {
    (
        $(#[$meta:meta])*
        pub struct $name:ident in $table:literal internal { $($body:tt)* }
    ) => {
        $crate::db::row::table_row!(@row [] $(#[$meta])* pub struct $name in $table { $($body)* });
    };
    (
        $(#[$meta:meta])*
        pub struct $name:ident in $table:literal export { $($body:tt)* }
    ) => {
        $crate::db::row::table_row!(@row [#[ts(export)]] $(#[$meta])* pub struct $name in $table { $($body)* });
    };
    (
        $(#[$meta:meta])*
        pub struct $name:ident in $table:literal { $($body:tt)* }
    ) => {
        $crate::db::row::table_row!(@row [] $(#[$meta])* pub struct $name in $table { $($body)* });
    };
    (
        @row [$($ts:tt)*]
        $(#[$meta:meta])*
        pub struct $name:ident in $table:literal {
            $( $(#[$fmeta:meta])* pub $field:ident $(as $col:literal)? : $ty:ty ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize, ::ts_rs::TS)]
        $($ts)*
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty ),+
        }

        impl $crate::db::row::Row for $name {
            const TABLE: &'static str = $table;
            const COLUMNS: &'static [&'static str] = &[$( $crate::db::row::column_name!($field $(, $col)?) ),+];

            fn validate(&self) -> $crate::Result<()> {
                self.check()
            }

            #[allow(unused_assignments)]
            fn from_sql(row: &::rusqlite::Row) -> ::rusqlite::Result<Self> {
                // Struct expression fields are evaluated in the order written.
                let mut idx = 0usize;
                Ok($name {
                    $( $field: {
                        let v = <$ty as $crate::db::row::SqlColumn>::read(row, idx)?;
                        idx += 1;
                        v
                    } ),+
                })
            }

            fn to_params(&self) -> Vec<::rusqlite::types::Value> {
                vec![$( $crate::db::row::SqlColumn::to_value(&self.$field) ),+]
            }
        }
    };
}
pub(crate) use table_row;

/// Declares an enum column's type: serde (and TypeScript) names are the snake_case
/// words of the schema's CHECK list, which `as_str` returns and `parse` accepts.
macro_rules! sql_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize, ::ts_rs::TS)]
        #[serde(rename_all = "snake_case")]
        // Not exported by itself: it reaches the bindings with the exported types that use it.
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every value, in the schema's order.
            pub const ALL: &'static [$name] = &[$( $name::$variant ),+];

            /// The word stored in SQL.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text ),+
                }
            }

            /// The value stored as `text`, if it is one of the schema's words.
            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $( $text => Some($name::$variant), )+
                    _ => None,
                }
            }
        }

        impl $crate::db::row::SqlColumn for $name {
            fn to_value(&self) -> ::rusqlite::types::Value {
                ::rusqlite::types::Value::Text(self.as_str().to_string())
            }
            fn read(row: &::rusqlite::Row, idx: usize) -> ::rusqlite::Result<Self> {
                $crate::db::row::read_enum(row, idx, $name::parse)
            }
        }
    };
}
pub(crate) use sql_enum;

// ---- rules shared by the rows (each error names the column) ------------------------

fn invalid(msg: String) -> CoreError {
    CoreError::validation(msg)
}

/// A text that must not be blank (the words of `validate::text`, without its copy: this
/// runs for every row of a batch).
pub fn nonblank(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(invalid(format!("{field} must not be empty")));
    }
    Ok(())
}

/// At most `max` characters, counted like SQLite's `length()` (no trimming).
pub fn max_len(field: &str, value: &str, max: usize) -> Result<()> {
    let n = value.chars().count();
    if n > max {
        return Err(validate::too_long(field, n, max));
    }
    Ok(())
}

pub fn opt_max_len(field: &str, value: Option<&str>, max: usize) -> Result<()> {
    value.map_or(Ok(()), |v| max_len(field, v, max))
}

/// A required text: not blank, at most `max` characters.
pub fn required(field: &str, value: &str, max: usize) -> Result<()> {
    validate::text(field, value, max)?;
    max_len(field, value, max)
}

/// A row id or foreign key: a UUID in its canonical lower-case 36-character form.
pub fn uuid(field: &str, value: &str) -> Result<()> {
    if ids::is_uuid(value) && !value.bytes().any(|b| b.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(CoreError::rule(Rule::Uuid { field: field.to_string(), got: validate::truncate_for_message(value) }))
    }
}

pub fn opt_uuid(field: &str, value: Option<&str>) -> Result<()> {
    value.map_or(Ok(()), |v| uuid(field, v))
}

/// A stored timestamp: UTC with milliseconds and `Z`, exactly as the core writes it
/// (`2026-11-22T02:14:56.123Z`), so that timestamps sort correctly as text.
pub fn timestamp(field: &str, value: &str) -> Result<()> {
    let t = validate::timestamp(field, value)?;
    // A valid instant written `YYYY-MM-DDTHH:MM:SS.mmmZ` is what `timestamp_text` writes
    // for it; only another shape needs the comparison (and its allocation).
    if !stored_timestamp_shape(value) && timestamp_text(t) != value {
        return Err(CoreError::rule(Rule::StoredTimestamp {
            field: field.to_string(),
            got: validate::truncate_for_message(value),
        }));
    }
    Ok(())
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`: digits and separators in place, nothing else.
fn stored_timestamp_shape(value: &str) -> bool {
    const SHAPE: &[u8; 24] = b"0000-00-00T00:00:00.000Z";
    value.len() == 24
        && value.bytes().zip(SHAPE.iter()).all(|(b, &s)| if s == b'0' { b.is_ascii_digit() } else { b == s })
}

pub fn opt_timestamp(field: &str, value: Option<&str>) -> Result<()> {
    value.map_or(Ok(()), |v| timestamp(field, v))
}

/// A calendar date `YYYY-MM-DD` (exactly four, two and two digits, as the schema's GLOB).
pub fn date(field: &str, value: &str) -> Result<()> {
    let shape = value.len() == 10
        && value.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !shape {
        return Err(invalid(format!(
            "{field} must be a date like 2026-11-22 (got \"{}\")",
            validate::truncate_for_message(value)
        )));
    }
    validate::date(field, value).map(|_| ())
}

pub fn opt_date(field: &str, value: Option<&str>) -> Result<()> {
    value.map_or(Ok(()), |v| date(field, v))
}

/// A counter or size: zero or more.
pub fn non_negative(field: &str, value: i64) -> Result<()> {
    if value < 0 {
        return Err(invalid(format!("{field} must not be negative (got {value})")));
    }
    Ok(())
}

pub fn opt_non_negative(field: &str, value: Option<i64>) -> Result<()> {
    value.map_or(Ok(()), |v| non_negative(field, v))
}

/// At least `min`.
pub fn at_least(field: &str, value: i64, min: i64) -> Result<()> {
    validate::range(field, value, min, i64::MAX).map(|_| ())
}

/// A JSON array (the schema's `json_type(col) = 'array'`).
pub fn json_array(field: &str, value: &serde_json::Value) -> Result<()> {
    if !value.is_array() {
        return Err(invalid(format!("{field} must be a JSON array")));
    }
    Ok(())
}

pub fn opt_json_array(field: &str, value: Option<&serde_json::Value>) -> Result<()> {
    value.map_or(Ok(()), |v| json_array(field, v))
}

/// A JSON object (the seeds' `DEFAULT '{}'` settings and configuration columns).
pub fn json_object(field: &str, value: &serde_json::Value) -> Result<()> {
    if !value.is_object() {
        return Err(invalid(format!("{field} must be a JSON object")));
    }
    Ok(())
}

/// A tag: 1 to 50 characters, not blank, stored without a leading `#`.
pub fn tag(field: &str, value: &str) -> Result<()> {
    required(field, value, 50)?;
    if value.starts_with('#') {
        return Err(invalid(format!("{field} is stored without the leading # (got \"{}\")", validate::truncate_for_message(value))));
    }
    Ok(())
}

/// A hex colour: `#` and 3, 4, 6 or 8 hex digits (at most 9 characters).
pub fn hex_colour(field: &str, value: &str) -> Result<()> {
    let digits = value.strip_prefix('#').unwrap_or("");
    let ok = value.starts_with('#')
        && matches!(digits.len(), 3 | 4 | 6 | 8)
        && digits.bytes().all(|b| b.is_ascii_hexdigit());
    if !ok {
        return Err(invalid(format!(
            "{field} must be a hex colour like #1e293b (got \"{}\")",
            validate::truncate_for_message(value)
        )));
    }
    Ok(())
}

/// A SHA-256 digest: 64 lower-case hex digits.
pub fn sha256_hex(field: &str, value: &str) -> Result<()> {
    if !studydesk_sync::is_content_hash(value) {
        return Err(invalid(format!("{field} must be a SHA-256 digest (64 lower-case hex digits)")));
    }
    Ok(())
}

/// A path relative to the data folder: not empty, not absolute, no `..`, no `:`.
pub fn relative_path(field: &str, value: &str) -> Result<()> {
    let ok = !value.is_empty()
        && !value.starts_with('/')
        && !value.starts_with('\\')
        && !value.contains("..")
        && !value.contains(':');
    if !ok {
        return Err(invalid(format!(
            "{field} must be a relative path inside the data folder (got \"{}\")",
            validate::truncate_for_message(value)
        )));
    }
    Ok(())
}

/// A finite number (SQLite stores NaN as NULL).
pub fn finite(field: &str, value: f64) -> Result<()> {
    if !value.is_finite() {
        return Err(invalid(format!("{field} must be a finite number")));
    }
    Ok(())
}
