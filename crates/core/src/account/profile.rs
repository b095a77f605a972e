//! The local profile: the `users` row of this device's user and its onboarding state.
//! Which user is "me" on this device is kept in `local_meta`. The first open of a new
//! database creates the user with its settings here, and its first rows in the other
//! rooms through `crate::setup`, in one write.

use crate::db::{Tx, WriteCtx};
use crate::{validate, CoreError, Db, Result};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

const LOCAL_USER_KEY: &str = "local_user_id";
const ONBOARDING_KEY: &str = "onboarding.completed";

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct Profile {
    pub id: String,
    pub display_name: Option<String>,
    pub username: Option<String>,
    pub email: Option<String>,
    pub bio: Option<String>,
    pub created_at: String,
}

/// What the user chose on the first screen.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum OnboardingChoice {
    Empty,
    Sample,
}

pub fn local_user_id(conn: &Connection) -> Result<Option<String>> {
    crate::db::meta::read(conn, LOCAL_USER_KEY)
}

/// Creates the local user's row and marks it as this device's user (first launch; the
/// rooms' first rows of the user are made by `crate::setup`, which calls this).
pub fn insert_local_user(tx: &Tx, tz: &str) -> Result<String> {
    let id = tx.new_id();
    let now = tx.now_text();
    tx.execute(
        "INSERT INTO users(id, display_name, status, joined_at, created_at, updated_at) VALUES (?1, '', 'active', ?2, ?3, ?3)",
        params![id, &now[..10], now],
    )?;
    crate::db::meta::insert(tx, LOCAL_USER_KEY, &id)?;
    super::settings::insert_defaults(tx, &id, tz)?;
    Ok(id)
}


pub fn get(conn: &Connection, user_id: &str) -> Result<Profile> {
    conn.query_row(
        "SELECT id, display_name, username, email, bio, created_at FROM users WHERE id = ?1",
        [user_id],
        |r| {
            Ok(Profile {
                id: r.get(0)?,
                display_name: r.get::<_, Option<String>>(1)?.filter(|n| !n.is_empty()),
                username: r.get(2)?,
                email: r.get(3)?,
                bio: r.get(4)?,
                created_at: r.get(5)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| CoreError::not_found("user", user_id))
}

pub fn set_display_name(db: &Db, user_id: &str, name: Option<&str>) -> Result<Profile> {
    let name = validate::opt_text("display name", name, 120)?;
    db.write(WriteCtx::by(user_id, "profile.update"), |tx| {
        tx.execute(
            "UPDATE users SET display_name = ?1, updated_at = ?2 WHERE id = ?3",
            params![name.unwrap_or_default(), tx.now_text(), user_id],
        )?;
        get(tx, user_id)
    })
}

pub fn onboarding_pending(conn: &Connection, user_id: &str) -> Result<bool> {
    let done: Option<String> = conn
        .query_row(
            "SELECT preference_value FROM user_preferences WHERE user_id = ?1 AND preference_key = ?2",
            params![user_id, ONBOARDING_KEY],
            |r| r.get(0),
        )
        .optional()?;
    Ok(done.is_none())
}

pub fn mark_onboarded(tx: &Tx, user_id: &str, choice: OnboardingChoice) -> Result<()> {
    let value = serde_json::to_string(&choice)?;
    tx.execute(
        "INSERT INTO user_preferences(id, user_id, preference_key, preference_value, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)
         ON CONFLICT(user_id, preference_key) DO UPDATE SET preference_value = excluded.preference_value, updated_at = excluded.updated_at",
        params![tx.natural_id("user_preferences", &[user_id, ONBOARDING_KEY]), user_id, ONBOARDING_KEY, value, tx.now_text()],
    )?;
    Ok(())
}

