//! Settings of the installation, not of a user (`app_settings`, seed 002): one JSON value
//! per key, e.g. `emoji.catalog_version`. Rooms keep their own keys and call these two
//! functions; nothing else reads or writes the table. The table never syncs.

use crate::db::Tx;
use crate::Result;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{de::DeserializeOwned, Serialize};

/// The stored value of `key`, or `None` when unset or written in a shape `T` no longer
/// reads (another version wrote it): callers treat both as "not there yet".
pub fn get<T: DeserializeOwned>(conn: &Connection, key: &str) -> Result<Option<T>> {
    let raw: Option<Option<String>> = conn
        .prepare_cached("SELECT setting_value FROM app_settings WHERE setting_key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?;
    Ok(raw.flatten().and_then(|text| serde_json::from_str(&text).ok()))
}

/// Sets `key` (in `category`, with a description for someone reading the file) to `value`.
pub fn set<T: Serialize>(tx: &Tx, key: &str, category: &str, description: &str, value: &T) -> Result<()> {
    let text = serde_json::to_string(value)?;
    tx.prepare_cached(
        "INSERT INTO app_settings(id, setting_key, setting_value, description, category, is_public, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?6)
         ON CONFLICT(setting_key) DO UPDATE
         SET setting_value = excluded.setting_value, description = excluded.description, updated_at = excluded.updated_at
         WHERE app_settings.setting_value IS NOT excluded.setting_value",
    )?
    .execute(params![tx.natural_id("app_settings", &[key]), key, text, description, category, tx.now_text()])?;
    Ok(())
}
