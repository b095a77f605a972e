//! The local profile: the `users` row of this device's user and its onboarding state.
//! Which user is "me" on this device is kept in `local_meta`. The first open of a new
//! database creates the user with its settings here, and its first rows in the other
//! rooms through `crate::setup`, in one write.

use super::rows::{FollowPolicy, UserRole, UserRow, UserStatus};
use crate::db::row;
use crate::db::{Tx, WriteCtx};
use crate::{validate, CoreError, Db, Result};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

const LOCAL_USER_KEY: &str = "local_user_id";
const ONBOARDING_KEY: &str = "onboarding.completed";

/// The local profile as the app shows it, built from the `users` row without its private
/// columns.
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
    // The schema's defaults, but for the status (a local profile is active) and the join day.
    let user = UserRow {
        id: id.clone(),
        legacy_id: None,
        email: None,
        username: None,
        display_name: String::new(),
        password: None,
        bio: None,
        location: None,
        avatar_url: None,
        banner_image_url: None,
        joined_at: Some(now[..10].to_string()),
        followers_count: 0,
        following_count: 0,
        posts_count: 0,
        email_verified_at: None,
        is_active: true,
        provider: None,
        provider_id: None,
        metadata: None,
        role: UserRole::BusinessUser,
        department: None,
        phone: None,
        timezone: Some("UTC".into()),
        status: UserStatus::Active,
        last_login: None,
        created_at: now.clone(),
        updated_at: now,
        follow_policy: FollowPolicy::Open,
    };
    row::insert(tx, &user)?;
    crate::db::meta::insert(tx, LOCAL_USER_KEY, &id)?;
    super::settings::insert_defaults(tx, &id, tz)?;
    Ok(id)
}


/// The profile the app shows, built from the `users` row: the public face and the
/// account's email, never the password hash or the other private columns; an empty
/// display name (the column is NOT NULL) is no name.
impl From<&UserRow> for Profile {
    fn from(u: &UserRow) -> Profile {
        Profile {
            id: u.id.clone(),
            display_name: Some(u.display_name.clone()).filter(|n| !n.is_empty()),
            username: u.username.clone(),
            email: u.email.clone(),
            bio: u.bio.clone(),
            created_at: u.created_at.clone(),
        }
    }
}

fn user(conn: &Connection, user_id: &str) -> Result<UserRow> {
    row::get(conn, user_id)?.ok_or_else(|| CoreError::not_found("user", user_id))
}

pub fn get(conn: &Connection, user_id: &str) -> Result<Profile> {
    Ok(Profile::from(&user(conn, user_id)?))
}

pub fn set_display_name(db: &Db, user_id: &str, name: Option<&str>) -> Result<Profile> {
    let name = validate::opt_text("display name", name, 120)?;
    db.write(WriteCtx::by(user_id, "profile.update"), |tx| {
        let u = UserRow { display_name: name.unwrap_or_default(), updated_at: tx.now_text(), ..user(tx, user_id)? };
        row::update(tx, &u)?;
        Ok(Profile::from(&u))
    })
}

/// Onboarding is done once the user chose (whatever they chose, in whatever version).
pub fn onboarding_pending(conn: &Connection, user_id: &str) -> Result<bool> {
    Ok(super::preferences::get::<serde_json::Value>(conn, user_id, ONBOARDING_KEY)?.is_none())
}

pub fn mark_onboarded(tx: &Tx, user_id: &str, choice: OnboardingChoice) -> Result<()> {
    super::preferences::set(tx, user_id, ONBOARDING_KEY, &choice)
}

