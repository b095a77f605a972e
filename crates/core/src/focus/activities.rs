//! Study activities and favorites.
//!
//! Contract:
//! - The catalog is the built-ins shipped by V1 (fixed ids, `user_id` NULL, never synced
//!   or changed) plus the user's own activities.
//! - [`list`] puts favorites first (newest favorite first, for one-click start), then
//!   the built-ins in catalog order, then the user's own by name. Each activity carries
//!   `is_favorite` and `favorite_count` (how many users favour it, for Insights).
//! - Favoriting is idempotent and unique per user and activity (the table's UNIQUE key);
//!   deleting an activity removes its favorites (ON DELETE CASCADE) and leaves past
//!   sessions without an activity (SET NULL). Built-ins cannot be deleted.
//! - Every write goes through `Db::write`.

use crate::db::row::{self as rowrules, Row as _};
use crate::db::{Tx, WriteCtx};
use crate::focus::rows::{ActivityKind, ActivityRow};
use crate::{validate, CoreError, Db, Result};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub const NAME_MAX: usize = 120;
pub const DESCRIPTION_MAX: usize = 2_000;
pub const EMOJI_MAX: usize = 16;
/// A day: longer is not a study block.
pub const DURATION_MAX_MINUTES: i64 = 1_440;
/// The default length an activity may have, in minutes.
pub const DURATION_MINUTES: std::ops::RangeInclusive<i64> = 1..=DURATION_MAX_MINUTES;

/// An activity as the user sees it: its row (its fields, flattened) plus whether the user
/// favours it and how many do.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct Activity {
    #[serde(flatten)]
    #[ts(flatten)]
    pub row: ActivityRow,
    pub is_favorite: bool,
    /// How many users have it as a favorite.
    pub favorite_count: i64,
}

impl std::ops::Deref for Activity {
    type Target = ActivityRow;
    fn deref(&self) -> &ActivityRow {
        &self.row
    }
}

/// Arguments of `activity_add`.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct NewActivity {
    pub name: String,
    pub kind: ActivityKind,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub default_duration_minutes: Option<i64>,
    #[serde(default)]
    pub emoji: Option<String>,
}

/// One activity's favorite count (Insights).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
pub struct ActivityFavoriteCount {
    pub activity_id: String,
    pub name: String,
    pub favorite_count: i64,
}

impl Activity {
    fn of(row: ActivityRow, is_favorite: bool, favorite_count: i64) -> Activity {
        Activity { row, is_favorite, favorite_count }
    }
}

/// The row's columns (`a.*`, in [`ActivityRow::COLUMNS`] order), then the user's
/// favourite mark and the favourite count.
fn select() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        let columns: Vec<String> = ActivityRow::COLUMNS.iter().map(|c| format!("a.\"{c}\"")).collect();
        format!(
            "SELECT {}, f.id IS NOT NULL, (SELECT count(*) FROM user_activity_favorites c WHERE c.activity_id = a.id)
               FROM activities a
               LEFT JOIN user_activity_favorites f ON f.activity_id = a.id AND f.user_id = ?1",
            columns.join(", ")
        )
    })
}

fn from_row(r: &Row) -> rusqlite::Result<Activity> {
    let n = ActivityRow::COLUMNS.len();
    Ok(Activity::of(ActivityRow::from_sql(r)?, r.get(n)?, r.get(n + 1)?))
}

/// The activities the user can start: favorites, built-ins, then their own.
pub fn list(conn: &Connection, user_id: &str) -> Result<Vec<Activity>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{} WHERE a.user_id IS NULL OR a.user_id = ?1
         ORDER BY f.id IS NULL, f.created_at DESC, f.id DESC, a.is_builtin DESC,
                  CASE WHEN a.is_builtin = 1 THEN a.id END, a.name COLLATE NOCASE, a.id",
        select()
    ))?;
    let rows = stmt.query_map([user_id], from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// One activity the user can see (a built-in or their own).
pub fn get(conn: &Connection, user_id: &str, id: &str) -> Result<Activity> {
    let id = validate::id("activity", id)?;
    conn.prepare_cached(&format!("{} WHERE a.id = ?2 AND (a.user_id IS NULL OR a.user_id = ?1)", select()))?
        .query_row(params![user_id, id], from_row)
        .optional()?
        .ok_or_else(|| CoreError::not_found("activity", id))
}

/// Favorite counts of every activity that has at least one, most favored first.
pub fn favorite_counts(conn: &Connection) -> Result<Vec<ActivityFavoriteCount>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.name, count(*) AS n FROM user_activity_favorites f JOIN activities a ON a.id = f.activity_id
         GROUP BY a.id ORDER BY n DESC, a.name COLLATE NOCASE, a.id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok(ActivityFavoriteCount { activity_id: r.get(0)?, name: r.get(1)?, favorite_count: r.get(2)? })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// (name, description, default minutes, emoji), checked.
type Checked = (String, Option<String>, Option<i64>, Option<String>);

fn validated(input: &NewActivity) -> Result<Checked> {
    let name = validate::text("activity name", &input.name, NAME_MAX)?;
    let description = validate::opt_text("description", input.description.as_deref(), DESCRIPTION_MAX)?;
    let minutes = input
        .default_duration_minutes
        .map(|m| validate::range("default_duration_minutes", m, *DURATION_MINUTES.start(), *DURATION_MINUTES.end()))
        .transpose()?;
    let emoji = validate::opt_text("emoji", input.emoji.as_deref(), EMOJI_MAX)?;
    Ok((name, description, minutes, emoji))
}

pub fn insert(tx: &Tx, user_id: &str, input: &NewActivity) -> Result<Activity> {
    let (name, description, default_duration_minutes, emoji) = validated(input)?;
    let now = tx.now_text();
    let row = ActivityRow {
        id: tx.new_id(),
        user_id: Some(user_id.to_string()),
        name,
        kind: input.kind,
        description,
        default_duration_minutes,
        emoji,
        is_builtin: false,
        created_at: now.clone(),
        updated_at: now,
    };
    rowrules::insert(tx, &row)?;
    get(tx, user_id, &row.id)
}

pub fn add(db: &Db, user_id: &str, input: NewActivity) -> Result<Activity> {
    validated(&input)?;
    db.write(WriteCtx::by(user_id, "activity.add"), |tx| insert(tx, user_id, &input))
}

/// Deletes one of the user's own activities (its favorites go with it).
pub fn delete(db: &Db, user_id: &str, id: &str) -> Result<()> {
    let id = validate::id("activity", id)?;
    db.write(WriteCtx::by(user_id, "activity.delete"), |tx| {
        let a = get(tx, user_id, &id)?;
        if a.is_builtin {
            return Err(CoreError::validation(format!(
                "\"{}\" is a built-in activity and cannot be deleted (unfavorite it instead)",
                a.name
            )));
        }
        tx.prepare_cached("DELETE FROM activities WHERE id = ?1 AND user_id = ?2")?.execute(params![a.id, user_id])?;
        Ok(())
    })
}

/// Marks an activity as a favorite (nothing changes if it already is one).
pub fn favorite(db: &Db, user_id: &str, id: &str) -> Result<Activity> {
    let id = validate::id("activity", id)?;
    db.write(WriteCtx::by(user_id, "activity.favorite"), |tx| {
        let a = get(tx, user_id, &id)?;
        if !a.is_favorite {
            tx.prepare_cached(
                "INSERT INTO user_activity_favorites(id, user_id, activity_id, created_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(user_id, activity_id) DO NOTHING",
            )?
            .execute(params![tx.natural_id("user_activity_favorites", &[user_id, &a.id]), user_id, a.id, tx.now_text()])?;
        }
        get(tx, user_id, &a.id)
    })
}

/// Removes an activity from the favorites (nothing changes if it is not one).
pub fn unfavorite(db: &Db, user_id: &str, id: &str) -> Result<Activity> {
    let id = validate::id("activity", id)?;
    db.write(WriteCtx::by(user_id, "activity.unfavorite"), |tx| {
        let a = get(tx, user_id, &id)?;
        tx.prepare_cached("DELETE FROM user_activity_favorites WHERE user_id = ?1 AND activity_id = ?2")?
            .execute(params![user_id, a.id])?;
        get(tx, user_id, &a.id)
    })
}
