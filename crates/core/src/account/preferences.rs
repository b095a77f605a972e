//! Per-user preferences (`user_preferences`): one JSON value per key, UNIQUE per user
//! and key. Domains keep their own keys (e.g. `focus.*`) and typed structs on top of
//! these two functions; nothing else reads or writes the table.

use crate::db::Tx;
use crate::Result;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{de::DeserializeOwned, Serialize};

/// The stored value of `key`, or `None` when the user never set it. A stored value that no
/// longer parses as `T` (written by another version) also reads as `None`, so callers fall
/// back to their default instead of failing.
pub fn get<T: DeserializeOwned>(conn: &Connection, user_id: &str, key: &str) -> Result<Option<T>> {
    let raw: Option<Option<String>> = conn
        .prepare_cached("SELECT preference_value FROM user_preferences WHERE user_id = ?1 AND preference_key = ?2")?
        .query_row(params![user_id, key], |r| r.get(0))
        .optional()?;
    Ok(raw.flatten().and_then(|text| serde_json::from_str(&text).ok()))
}

/// Sets `key` to `value` (insert or update; an unchanged value writes nothing, so it
/// records no change for sync or the audit trail).
pub fn set<T: Serialize>(tx: &Tx, user_id: &str, key: &str, value: &T) -> Result<()> {
    let text = serde_json::to_string(value)?;
    tx.prepare_cached(
        "INSERT INTO user_preferences(id, user_id, preference_key, preference_value, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)
         ON CONFLICT(user_id, preference_key) DO UPDATE
         SET preference_value = excluded.preference_value, updated_at = excluded.updated_at
         WHERE user_preferences.preference_value IS NOT excluded.preference_value",
    )?
    .execute(params![tx.natural_id("user_preferences", &[user_id, key]), user_id, key, text, tx.now_text()])?;
    Ok(())
}
