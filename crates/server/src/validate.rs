//! What a pushed change must be before the database is asked anything: a synced table,
//! known columns of the right SQL type, no secret or derived column, a lower-case UUID
//! row id, a well-formed clock not far in the future, the causal-length shape of its op
//! and a causal length the server can store.
//!
//! [`check_row`] is the rule for a whole row: every NOT NULL column, an id derived from its
//! natural key, and at most [`MAX_ROW_BYTES`]. Push runs it on the row that results from
//! a change, whatever its op: an `update` for a row the server does not have creates one,
//! and must pass what an `insert` passes (checked here early for an insert, as it alone
//! names the whole row).
//!
//! The words that decide where a row lives or who reads it (`posts.visibility`,
//! `users.follow_policy`, `follow_decisions.decision`) and `users.username` (the shared
//! username rules) are checked here too.

use crate::push::{reject, Reject};
use serde_json::{Map, Value};
use studydesk_sync::catalog::{class_of, is_derived, is_secret, Catalog, Class, TableInfo};
use studydesk_sync::clock::{hlc_wall_ms, is_hlc};
use studydesk_sync::merge::check_shape;
use studydesk_sync::natural;
use studydesk_sync::wire::{Change, Op, RejectCode};
use uuid::Uuid;

/// How far ahead of the server's clock a change's HLC may be.
const MAX_CLOCK_AHEAD_MS: i64 = 60_000;
const MAX_TEXT_BYTES: usize = 1024 * 1024;
/// The largest row the server keeps (its columns as JSON): a pull page always has room
/// for one row (`studydesk_sync::MAX_PULL_PAGE_BYTES` is four times this).
pub const MAX_ROW_BYTES: usize = studydesk_sync::MAX_ROW_BYTES;
/// The largest causal length: the server stores it as a PostgreSQL `integer`.
const MAX_CL: i64 = i32::MAX as i64;

fn value_fits(sql_type: &str, v: &Value) -> bool {
    match (sql_type, v) {
        (_, Value::Null) => true,
        ("TEXT", Value::String(s)) => s.len() <= MAX_TEXT_BYTES && !s.contains('\0'),
        ("INTEGER", Value::Number(n)) => n.is_i64(),
        ("REAL", Value::Number(_)) => true,
        _ => false,
    }
}

/// What needs no database: the table, the columns and their types, the clock, the ids.
pub fn validate(change: &Change, now_ms: i64) -> Result<&'static TableInfo, Reject> {
    let Some(info) = Catalog::current().table(&change.table) else {
        return Err(match class_of(&change.table) {
            Class::LocalOnly => reject(RejectCode::LocalOnlyTable, format!("{} never leaves the device", change.table)),
            _ => reject(RejectCode::UnknownTable, format!("{} is not a table Studydesk syncs", change.table)),
        });
    };
    if Uuid::parse_str(&change.row_id).map(|u| u.hyphenated().to_string() != change.row_id).unwrap_or(true) {
        return Err(reject(RejectCode::InvalidValue, "row_id must be a lower-case UUID"));
    }
    if !is_hlc(&change.hlc) {
        return Err(reject(RejectCode::InvalidValue, "hlc must look like 0001732241696123.00000"));
    }
    if hlc_wall_ms(&change.hlc).is_some_and(|ms| ms > now_ms + MAX_CLOCK_AHEAD_MS) {
        return Err(reject(RejectCode::ClockSkew, "the change is dated in the future: check this device's clock"));
    }
    if !(0..=MAX_CL).contains(&change.cl) {
        return Err(reject(RejectCode::InvalidValue, format!("cl must be 0 to {MAX_CL}")));
    }
    check_shape(change).map_err(|m| reject(RejectCode::InvalidValue, m))?;
    let columns = change.columns.as_ref();
    for (name, value) in columns.into_iter().flatten() {
        let Some(col) = info.column(name) else {
            return Err(reject(RejectCode::UnknownColumn, format!("{}.{name} is not a column Studydesk syncs", change.table)));
        };
        if is_secret(&change.table, name) {
            return Err(reject(RejectCode::SecretColumn, format!("{}.{name} is a secret and never leaves the device", change.table)));
        }
        if is_derived(&change.table, name) {
            return Err(reject(RejectCode::DerivedColumn, format!("{}.{name} is computed on each device", change.table)));
        }
        if !value_fits(&col.sql_type, value) || (name == "id" && value.as_str() != Some(&change.row_id)) {
            return Err(reject(RejectCode::InvalidValue, format!("{}.{name} has a value of the wrong kind", change.table)));
        }
    }
    for (name, value) in columns.into_iter().flatten() {
        check_word(&change.table, name, value)?;
        check_custom_emoji(&change.table, name, value)?;
    }
    if change.op == Op::Insert {
        check_row(info, &change.row_id, change.columns.as_ref().unwrap_or(&Map::new()), false)?;
    }
    Ok(info)
}

/// Columns whose words decide a row's stream or its readers: the server checks them as the
/// app's CHECK constraints do (a device would refuse any other word, and the server would
/// place the row by a word no device stores).
const WORDS: &[(&str, &str, &[&str])] = &[
    ("posts", "visibility", &["public", "followers", "only_me"]),
    ("users", "follow_policy", &["open", "approve"]),
    ("follow_decisions", "decision", &["accepted", "declined"]),
];

/// A column with a fixed set of words ([`WORDS`]), and `users.username` by the shared
/// username rules (stored in NFC, `studydesk_sync::username::normalize`).
fn check_word(table: &str, column: &str, value: &Value) -> Result<(), Reject> {
    if let Some((_, _, words)) = WORDS.iter().find(|(t, c, _)| *t == table && *c == column) {
        if value.as_str().is_some_and(|w| !words.contains(&w)) {
            return Err(reject(RejectCode::InvalidValue, format!("{table}.{column} must be one of {}", words.join(", "))));
        }
    }
    if (table, column) == ("users", "username") {
        if let Some(name) = value.as_str() {
            match studydesk_sync::username::normalize(name) {
                Err(why) => return Err(reject(RejectCode::InvalidValue, why.to_string())),
                Ok(stored) if stored != name => {
                    return Err(reject(RejectCode::InvalidValue, "a username is sent in Unicode NFC, as the app stores it"))
                }
                Ok(_) => {}
            }
        }
    }
    Ok(())
}

/// A custom emoji's columns by the shared rules (`studydesk_sync::emoji`): a shortcode
/// `:name:` of 2 to 32 characters of a-z, 0-9 and _, an image reference, `is_custom` 1.
/// Its creator is its owner (`created_by` is the pusher, checked with every owner) and
/// its id comes from (created_by, shortcode) (the natural key). The shipped Unicode rows
/// never reach a server: a row without `created_by` has no owner and is refused.
fn check_custom_emoji(table: &str, column: &str, value: &Value) -> Result<(), Reject> {
    if table != "emojis" {
        return Ok(());
    }
    let text = value.as_str();
    let refused = match column {
        "shortcode" => text.and_then(studydesk_sync::emoji::parse_stored).is_none().then(|| {
            let why = text
                .map(|t| t.trim_matches(':'))
                .and_then(|t| studydesk_sync::emoji::check(t).err())
                .map_or_else(|| "a shortcode is stored as :name:".to_string(), |e| e.to_string());
            format!("emojis.shortcode: {why}")
        }),
        "image_url" => text
            .is_none_or(|t| !studydesk_sync::emoji::is_image_reference(t))
            .then(|| "emojis.image_url must be attachment:<sha256>.<png|gif|webp|jpg>".to_string()),
        "is_custom" => (value.as_i64() != Some(1)).then(|| "only custom emoji (is_custom 1) sync".to_string()),
        _ => None,
    };
    refused.map_or(Ok(()), |message| Err(reject(RejectCode::InvalidValue, message)))
}

/// What every live row must be, however it came to be: every NOT NULL column set (but
/// the secret and derived ones, which never travel), an id derived from its natural key,
/// and no larger than [`MAX_ROW_BYTES`]. Without it a row made by an `update` could take
/// another account's future natural id, or reach every device without a column their
/// schema requires (each would fail to apply it, forever).
///
/// `stored_before`: the server held this row alive before the change. Such a row may lack
/// a column that has a DEFAULT (it was pushed before the column existed; every device
/// filled the default in); a row the change creates may not.
pub fn check_row(info: &TableInfo, row_id: &str, columns: &Map<String, Value>, stored_before: bool) -> Result<(), Reject> {
    let excluded = studydesk_sync::catalog::excluded_columns(&info.name);
    for col in info.columns.iter().filter(|c| c.not_null && c.name != "id" && !excluded.contains(&c.name.as_str())) {
        // A column with a DEFAULT may be absent from a row stored before it existed; never null.
        let missing = match columns.get(&col.name) {
            None => !(stored_before && col.has_default),
            Some(v) => v.is_null(),
        };
        if missing {
            return Err(reject(RejectCode::InvalidValue, format!("{}.{} is required", info.name, col.name)));
        }
    }
    if let Some(keys) = natural::key_columns(&info.name) {
        let values: Vec<String> = keys.iter().map(|k| text_of(columns.get(*k))).collect();
        let refs: Vec<&str> = values.iter().map(String::as_str).collect();
        if natural::natural_id(&info.name, &refs) != row_id {
            return Err(reject(RejectCode::BadNaturalId, format!("a {} row's id must be derived from its key", info.name)));
        }
    }
    let bytes = serde_json::to_vec(columns).map_or(usize::MAX, |b| b.len());
    if bytes > MAX_ROW_BYTES {
        return Err(reject(
            RejectCode::InvalidValue,
            format!("a {} row may hold at most {} KiB (this one: {} KiB)", info.name, MAX_ROW_BYTES / 1024, bytes / 1024),
        ));
    }
    Ok(())
}

fn text_of(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

