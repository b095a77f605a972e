//! REST API data sources: the records of a JSON API, fetched page by page
//! ([`fetch`]), mapped to typed columns and kept as one table of the sources cache.
//!
//! Contract:
//! - [`add`] checks the request ([`request`]: http(s) only, no credential in a header,
//!   the URL or the query), fetches every page, builds the cache table and writes the
//!   `data_sources` row (type `rest_api`, `connection_config` the checked request, which
//!   holds no secret). Anything refused writes nothing: no row, no cache table.
//! - Columns: the request's mapping (name, path inside a record, kind), else inferred from
//!   the first [`INFER_SAMPLE`] records: each top-level key whose values are scalars (by
//!   name: serde_json keeps an object's keys sorted), or one column `value` when the
//!   records are scalars. Inferred kinds read every record, with the CSV rules
//!   ([`super::csv::values`]: a JSON number is its text, `true`/`false` text, null NULL);
//!   a mapped kind refuses a value that does not fit (record and column named).
//! - At most [`MAX_ROWS`] records and [`MAX_COLUMNS`] columns.
//! - [`refresh`] fetches again with the stored request (columns inferred again when none
//!   were mapped). A failure sets status `error` with the reason in the metadata and
//!   keeps the old rows (the cache table is replaced in one transaction, only after every
//!   page was read and converted).
//! - The network is used before the cache's write lock is taken and outside `Db::write`.
//! - On another device the row arrives without its `connection_config`: refresh there is
//!   refused without writing.

mod fetch;
pub mod path;
mod request;

pub use fetch::{MAX_PAGES, MAX_RESPONSE_BYTES};
pub use request::{RestColumn, RestHeader, RestMethod, RestPaging, RestRequest};

use super::csv::MAX_COLUMNS;
use super::fill::{self, Fetched, Fill};
use super::{check_name, check_name_free, mine, record_failure, DataSource, Target};
use crate::insights::rows::{DataSourceRow, DataSourceType};
use crate::insights::table::ColumnKind;
use crate::{validate, CoreError, Db, Result};
use path::Path as JsonPath;
use serde_json::Value;
use std::collections::HashSet;
use std::path::Path;

/// The most records a source keeps.
pub const MAX_ROWS: usize = 1_000_000;
/// How many first records name the inferred columns.
pub const INFER_SAMPLE: usize = 100;

/// One column as the load reads it.
struct Field {
    name: String,
    path: JsonPath,
    /// `None`: inferred from the values.
    kind: Option<ColumnKind>,
}

/// Every page read: the columns and each record's fields as text.
struct Loaded {
    fields: Vec<Field>,
    rows: Vec<Vec<Option<String>>>,
    bytes: u64,
}

/// A scalar as the CSV rules read it; objects and arrays as their JSON text.
fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        other => Some(other.to_string()),
    }
}

/// The columns named by the first records' top-level scalar values.
fn infer_fields(records: &[Value]) -> Result<Vec<Field>> {
    let sample = &records[..records.len().min(INFER_SAMPLE)];
    if sample.is_empty() {
        return Err(CoreError::validation("the API answered no records, so there are no columns to infer: map the columns, or try again when it has data"));
    }
    if !sample.iter().any(Value::is_object) {
        return Ok(vec![Field { name: "value".into(), path: JsonPath::root(), kind: None }]);
    }
    let mut seen = HashSet::new();
    let mut fields = Vec::new();
    for (key, value) in sample.iter().filter_map(Value::as_object).flatten() {
        if value.is_object() || value.is_array() || !seen.insert(key.to_lowercase()) {
            continue;
        }
        let Ok(name) = super::column_name(key) else { continue };
        fields.push(Field { name, path: JsonPath::key(key), kind: None });
    }
    // A key first seen holding an object (skipped) stays out even if later a scalar.
    if fields.is_empty() {
        return Err(CoreError::validation("the records have no top-level values that are not objects or arrays: map the columns with paths like $.user.name"));
    }
    if fields.len() > MAX_COLUMNS {
        return Err(CoreError::validation(format!("the records have {} fields, more than the {MAX_COLUMNS} columns a source can hold: map the columns you need", fields.len())));
    }
    Ok(fields)
}

fn mapped_fields(req: &RestRequest) -> Result<Vec<Field>> {
    req.columns.iter().map(|c| Ok(Field { name: c.name.clone(), path: JsonPath::parse(&c.path)?, kind: Some(c.kind) })).collect()
}

/// Fetches every page of the (checked) request and keeps each record's fields.
fn load(req: &RestRequest) -> Result<Loaded> {
    let mut fields = if req.columns.is_empty() { None } else { Some(mapped_fields(req)?) };
    let mut rows: Vec<Vec<Option<String>>> = Vec::new();
    let bytes = fetch::pages(req, |_, records| {
        if rows.len() + records.len() > MAX_ROWS {
            return Err(CoreError::validation(format!("the API has more than {MAX_ROWS} records, the most a source keeps: ask for fewer")));
        }
        if fields.is_none() {
            fields = Some(infer_fields(&records)?);
        }
        let cols = fields.as_deref().unwrap_or_default();
        rows.extend(records.iter().map(|r| cols.iter().map(|f| f.path.find(r).and_then(text_of)).collect::<Vec<_>>()));
        Ok(())
    })?;
    let fields = match fields {
        Some(f) => f,
        None => infer_fields(&[])?,
    };
    Ok(Loaded { fields, rows, bytes })
}

/// Fetches `req` and replaces the target's table and row (see the module contract).
fn run(db: &Db, data_dir: &Path, me: &str, target: Target, req: &RestRequest, action: &'static str) -> Result<DataSource> {
    let loaded = load(req)?;
    let fetched = Fetched { fields: loaded.fields.into_iter().map(|f| (f.name, f.kind)).collect(), rows: loaded.rows, bytes: loaded.bytes };
    let config = serde_json::to_value(req).map_err(|e| CoreError::validation(format!("the request could not be stored ({e})")))?;
    fill::install(db, data_dir, me, target, &fetched, Fill { kind: DataSourceType::RestApi, config, action })
}

/// Adds a REST source named `name` (the URL's host when blank) from `request`.
pub fn add(db: &Db, data_dir: &Path, me: &str, name: &str, request: RestRequest) -> Result<DataSource> {
    let request = request.checked()?;
    let host = reqwest::Url::parse(&request.url).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default();
    let name = check_name(if name.trim().is_empty() { &host } else { name })?;
    db.read(|c| check_name_free(c, me, &name, ""))?;
    run(db, data_dir, me, Target::new(name), &request, "source.add")
}

/// The stored request of my REST source, or why this device has none.
fn stored_request(row: &DataSourceRow) -> Result<RestRequest> {
    if row.connection_config.get("url").is_none() {
        return Err(CoreError::validation(format!(
            "\"{}\" was added on another device, and its request is kept only there: refresh it on that device",
            validate::truncate_for_message(&row.name)
        )));
    }
    let req: RestRequest = serde_json::from_value(row.connection_config.clone())
        .map_err(|e| CoreError::validation(format!("the stored request of \"{}\" cannot be read ({e})", validate::truncate_for_message(&row.name))))?;
    req.checked()
}

/// Fetches my REST source `id` again; a failure is recorded on the source (status
/// `error`, the reason in its metadata), its rows kept, and answered.
pub fn refresh(db: &Db, data_dir: &Path, me: &str, id: &str) -> Result<DataSource> {
    let row = db.read(|c| mine(c, me, id))?;
    if row.r#type != DataSourceType::RestApi {
        return Err(CoreError::validation(format!("\"{}\" is not a REST API source", validate::truncate_for_message(&row.name))));
    }
    let req = stored_request(&row)?;
    let attempt = run(db, data_dir, me, Target::Existing(row.clone()), &req, "source.refresh");
    if let Err(e) = &attempt {
        record_failure(db, me, &row.id, &e.to_string())?;
    }
    attempt
}

