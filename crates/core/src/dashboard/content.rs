//! Focus areas (`focus_entries`), quick links (`study_resources`) and playlists
//! (`study_playlists`): short ordered lists the user curates on Home.

use crate::db::{Tx, WriteCtx};
use crate::{validate, CoreError, Db, Result};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Limits of Home's content, in characters (the UI's fields use them: ui/src/api/limits.ts).
pub const FOCUS_TITLE_MAX: usize = 120;
pub const FOCUS_DESCRIPTION_MAX: usize = 2_000;
pub const RESOURCE_LABEL_MAX: usize = 120;
pub const RESOURCE_EMOJI_MAX: usize = 8;
pub const PLAYLIST_TITLE_MAX: usize = 160;
pub const PLAYLIST_PROVIDER_MAX: usize = 40;

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct FocusEntry {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    pub order_index: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct StudyResource {
    pub id: String,
    pub label: String,
    pub emoji: Option<String>,
    pub url: Option<String>,
    pub order_index: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct StudyPlaylist {
    pub id: String,
    pub title: String,
    pub provider: Option<String>,
    pub embed_url: String,
    pub order_index: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewFocusEntry {
    pub title: String,
    #[ts(optional)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewStudyResource {
    pub label: String,
    #[ts(optional)]
    pub emoji: Option<String>,
    #[ts(optional)]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewStudyPlaylist {
    pub title: String,
    #[ts(optional)]
    pub provider: Option<String>,
    pub embed_url: String,
}

/// The three curated lists share one shape of SQL: table, entity name for errors.
struct Kind {
    table: &'static str,
    entity: &'static str,
}
const FOCUS: Kind = Kind { table: "focus_entries", entity: "focus area" };
const RESOURCE: Kind = Kind { table: "study_resources", entity: "quick link" };
const PLAYLIST: Kind = Kind { table: "study_playlists", entity: "playlist" };

fn next_index(tx: &Tx, kind: &Kind, user_id: &str) -> Result<i64> {
    Ok(tx.query_row(
        &format!("SELECT coalesce(max(order_index) + 1, 0) FROM {} WHERE user_id = ?1", kind.table),
        [user_id],
        |r| r.get(0),
    )?)
}

fn owned_id(conn: &Connection, kind: &Kind, user_id: &str, id: &str) -> Result<String> {
    let id = validate::id(kind.entity, id)?;
    conn.query_row(&format!("SELECT id FROM {} WHERE id = ?1 AND user_id = ?2", kind.table), params![id, user_id], |r| {
        r.get(0)
    })
    .optional()?
    .ok_or_else(|| CoreError::not_found(kind.entity, id))
}

fn delete(db: &Db, kind: &Kind, user_id: &str, id: &str, action: &str) -> Result<()> {
    db.write(WriteCtx::by(user_id, action), |tx| {
        let id = owned_id(tx, kind, user_id, id)?;
        tx.execute(&format!("DELETE FROM {} WHERE id = ?1", kind.table), [&id])?;
        Ok(())
    })
}

fn list<T>(conn: &Connection, sql: &str, user_id: &str, map: fn(&Row) -> rusqlite::Result<T>) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([user_id], map)?.collect::<rusqlite::Result<Vec<T>>>()?;
    Ok(rows)
}

// ---- focus areas -------------------------------------------------------------------

pub fn focus_entries(conn: &Connection, user_id: &str) -> Result<Vec<FocusEntry>> {
    list(
        conn,
        "SELECT id, title, description, order_index FROM focus_entries WHERE user_id = ?1 ORDER BY order_index, id",
        user_id,
        |r| Ok(FocusEntry { id: r.get(0)?, title: r.get(1)?, description: r.get(2)?, order_index: r.get(3)? }),
    )
}

pub fn insert_focus_entry(tx: &Tx, user_id: &str, input: &NewFocusEntry) -> Result<()> {
    let title = validate::text("title", &input.title, FOCUS_TITLE_MAX)?;
    let description = validate::opt_text("description", input.description.as_deref(), FOCUS_DESCRIPTION_MAX)?;
    tx.execute(
        "INSERT INTO focus_entries(id, user_id, title, description, order_index, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![tx.new_id(), user_id, title, description, next_index(tx, &FOCUS, user_id)?, tx.now_text()],
    )?;
    Ok(())
}

pub fn add_focus_entry(db: &Db, user_id: &str, input: NewFocusEntry) -> Result<Vec<FocusEntry>> {
    db.write(WriteCtx::by(user_id, "focus_entry.add"), |tx| {
        insert_focus_entry(tx, user_id, &input)?;
        focus_entries(tx, user_id)
    })
}

pub fn delete_focus_entry(db: &Db, user_id: &str, id: &str) -> Result<()> {
    delete(db, &FOCUS, user_id, id, "focus_entry.delete")
}

// ---- quick links -------------------------------------------------------------------

pub fn resources(conn: &Connection, user_id: &str) -> Result<Vec<StudyResource>> {
    list(
        conn,
        "SELECT id, label, emoji, url, order_index FROM study_resources WHERE user_id = ?1 ORDER BY order_index, id",
        user_id,
        |r| Ok(StudyResource { id: r.get(0)?, label: r.get(1)?, emoji: r.get(2)?, url: r.get(3)?, order_index: r.get(4)? }),
    )
}

pub fn insert_resource(tx: &Tx, user_id: &str, input: &NewStudyResource) -> Result<()> {
    let label = validate::text("label", &input.label, RESOURCE_LABEL_MAX)?;
    let emoji = validate::opt_text("emoji", input.emoji.as_deref(), RESOURCE_EMOJI_MAX)?;
    let url = input.url.as_deref().filter(|u| !u.trim().is_empty()).map(|u| validate::url("link", u)).transpose()?;
    tx.execute(
        "INSERT INTO study_resources(id, user_id, label, emoji, url, order_index, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        params![tx.new_id(), user_id, label, emoji, url, next_index(tx, &RESOURCE, user_id)?, tx.now_text()],
    )?;
    Ok(())
}

pub fn add_resource(db: &Db, user_id: &str, input: NewStudyResource) -> Result<Vec<StudyResource>> {
    db.write(WriteCtx::by(user_id, "study_resource.add"), |tx| {
        insert_resource(tx, user_id, &input)?;
        resources(tx, user_id)
    })
}

pub fn delete_resource(db: &Db, user_id: &str, id: &str) -> Result<()> {
    delete(db, &RESOURCE, user_id, id, "study_resource.delete")
}

// ---- playlists ---------------------------------------------------------------------

pub fn playlists(conn: &Connection, user_id: &str) -> Result<Vec<StudyPlaylist>> {
    list(
        conn,
        "SELECT id, title, provider, embed_url, order_index FROM study_playlists WHERE user_id = ?1 ORDER BY order_index, id",
        user_id,
        |r| {
            Ok(StudyPlaylist { id: r.get(0)?, title: r.get(1)?, provider: r.get(2)?, embed_url: r.get(3)?, order_index: r.get(4)? })
        },
    )
}

/// Whether `id` is one of the user's playlists (an Immerse playlist widget may name only
/// those).
pub fn owns_playlist(conn: &Connection, user_id: &str, id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS(SELECT 1 FROM study_playlists WHERE id = ?1 AND user_id = ?2)")?
        .query_row(params![id, user_id], |r| r.get(0))?)
}

pub fn insert_playlist(tx: &Tx, user_id: &str, input: &NewStudyPlaylist) -> Result<()> {
    let title = validate::text("title", &input.title, PLAYLIST_TITLE_MAX)?;
    let provider = validate::opt_text("provider", input.provider.as_deref(), PLAYLIST_PROVIDER_MAX)?;
    let embed_url = validate::url("link", &input.embed_url)?;
    tx.execute(
        "INSERT INTO study_playlists(id, user_id, title, provider, embed_url, order_index, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        params![tx.new_id(), user_id, title, provider, embed_url, next_index(tx, &PLAYLIST, user_id)?, tx.now_text()],
    )?;
    Ok(())
}

pub fn add_playlist(db: &Db, user_id: &str, input: NewStudyPlaylist) -> Result<Vec<StudyPlaylist>> {
    db.write(WriteCtx::by(user_id, "study_playlist.add"), |tx| {
        insert_playlist(tx, user_id, &input)?;
        playlists(tx, user_id)
    })
}

pub fn delete_playlist(db: &Db, user_id: &str, id: &str) -> Result<()> {
    delete(db, &PLAYLIST, user_id, id, "study_playlist.delete")
}
