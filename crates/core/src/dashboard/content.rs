//! Focus areas (`focus_entries`), quick links (`study_resources`) and playlists
//! (`study_playlists`): short ordered lists the user curates on Home.

use crate::db::{Tx, WriteCtx};
use crate::{validate, CoreError, Db, Result};
use crate::db::row::{self, Row};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Limits of Home's content, in characters (the UI's fields use them: ui/src/api/limits.ts).
pub const FOCUS_TITLE_MAX: usize = 120;
pub const FOCUS_DESCRIPTION_MAX: usize = 2_000;
pub const RESOURCE_LABEL_MAX: usize = 120;
pub const RESOURCE_EMOJI_MAX: usize = 8;
pub const PLAYLIST_TITLE_MAX: usize = 160;
pub const PLAYLIST_PROVIDER_MAX: usize = 40;

pub use super::rows::{FocusEntry, StudyPlaylist, StudyResource};

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

/// The user's rows of one list, in their order.
fn list<R: Row>(conn: &Connection, user_id: &str) -> Result<Vec<R>> {
    let mut stmt = conn.prepare_cached(&row::select_sql_cached::<R>("WHERE user_id = ?1 ORDER BY order_index, id"))?;
    let rows = stmt.query_map([user_id], |r| R::from_sql(r))?.collect::<rusqlite::Result<Vec<R>>>()?;
    Ok(rows)
}

// ---- focus areas -------------------------------------------------------------------

pub fn focus_entries(conn: &Connection, user_id: &str) -> Result<Vec<FocusEntry>> {
    list(conn, user_id)
}

pub fn insert_focus_entry(tx: &Tx, user_id: &str, input: &NewFocusEntry) -> Result<()> {
    let title = validate::text("title", &input.title, FOCUS_TITLE_MAX)?;
    let description = validate::opt_text("description", input.description.as_deref(), FOCUS_DESCRIPTION_MAX)?;
    let now = tx.now_text();
    let entry = FocusEntry {
        id: tx.new_id(),
        user_id: user_id.to_string(),
        title,
        description,
        order_index: next_index(tx, &FOCUS, user_id)?,
        created_at: now.clone(),
        updated_at: now,
    };
    row::insert(tx, &entry)
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
    list(conn, user_id)
}

pub fn insert_resource(tx: &Tx, user_id: &str, input: &NewStudyResource) -> Result<()> {
    let label = validate::text("label", &input.label, RESOURCE_LABEL_MAX)?;
    let emoji = validate::opt_text("emoji", input.emoji.as_deref(), RESOURCE_EMOJI_MAX)?;
    let url = input.url.as_deref().filter(|u| !u.trim().is_empty()).map(|u| validate::url("link", u)).transpose()?;
    let now = tx.now_text();
    let resource = StudyResource {
        id: tx.new_id(),
        user_id: user_id.to_string(),
        label,
        emoji,
        url,
        order_index: next_index(tx, &RESOURCE, user_id)?,
        created_at: now.clone(),
        updated_at: now,
    };
    row::insert(tx, &resource)
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
    list(conn, user_id)
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
    let now = tx.now_text();
    let playlist = StudyPlaylist {
        id: tx.new_id(),
        user_id: user_id.to_string(),
        title,
        provider,
        embed_url,
        order_index: next_index(tx, &PLAYLIST, user_id)?,
        created_at: now.clone(),
        updated_at: now,
    };
    row::insert(tx, &playlist)
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
