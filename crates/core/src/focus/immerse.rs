//! Immerse mode: named full-screen workspaces (`immersive_workspaces`) holding widgets
//! on a grid (`immersive_widgets`), over a background colour, image or video.
//!
//! Contract:
//! - Every function acts for the local user only: a workspace, widget or attachment id
//!   of another user (or malformed) is `not_found`, never a hint that it exists.
//! - [`list`] returns the user's workspaces, oldest first, each with its widgets in
//!   reading order (row, then column). When the user has none, the first call creates
//!   "Focus room" with a clock, a timer and today's todo, in one transaction.
//! - Widget kinds: `clock`, `timer` (bound by the UI to the running session), `todo`,
//!   `notes` (settings `{text}`: at most 10,000 characters) and `playlist` (settings
//!   `{playlist_id}`: one of the user's study playlists, or null). Settings are a JSON
//!   object of at most 64 KiB; keys other than those are kept as they are.
//! - The grid has [`COLUMNS`] (12) columns: `x, y >= 0`, `w, h >= 1`, `x + w <= 12`,
//!   `h <= 12`, `y <= 300`. A new widget takes the first free place (top to bottom, left
//!   to right) of its default size. [`widget_layout`] applies every place in one
//!   transaction, only to widgets of that workspace (any other id: `not_found`, nothing
//!   moves); overlaps are the UI's grid library's business, not refused here.
//! - At most [`MAX_WORKSPACES`] workspaces and [`MAX_WIDGETS`] widgets per workspace;
//!   names are 1-80 characters and unique per user (ignoring case); the last workspace
//!   cannot be deleted (`validation`).
//! - The background is a hex colour (`#rgb`, `#rrggbb`, `#rrggbbaa`), or an image or a
//!   video copied into the data folder as an attachment (see [`crate::attachments`]);
//!   the colour stays as the backdrop behind an image. A background file that went
//!   missing on disk reads as `attachment.missing = true`.
//! - Every write goes through `Db::write` (sync change log and audit trail).

use crate::attachments::{self, Attachment, MediaKind, Staged};
use crate::db::row::{self, Row};
use crate::db::{Tx, WriteCtx};
use crate::focus::rows::{BackgroundType, ImmersiveWidgetRow, ImmersiveWorkspaceRow};
use crate::{validate, CoreError, Db, Result};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::path::Path;
use ts_rs::TS;

/// SQL condition over the attachments table named `a`: a workspace shows it as its image
/// or video background (for `crate::rooms::attachment_in_use`).
pub const SHOWS_ATTACHMENT: &str = "EXISTS (SELECT 1 FROM immersive_workspaces w
     WHERE w.background_value = a.id AND w.background_type IN ('image', 'video'))";

pub const COLUMNS: i64 = 12;
pub const MAX_HEIGHT: i64 = 12;
pub const MAX_Y: i64 = 300;
pub const MAX_WORKSPACES: i64 = 20;
pub const MAX_WIDGETS: i64 = 24;
pub const NAME_MAX: usize = 80;
pub const TITLE_MAX: usize = 120;
pub const NOTES_MAX: usize = 10_000;
pub const SETTINGS_MAX_BYTES: usize = 64 * 1024;
pub const DEFAULT_WORKSPACE: &str = "Focus room";
pub const DEFAULT_COLOR: &str = "#0f172a";

#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum WidgetKind {
    Clock,
    Timer,
    Todo,
    Notes,
    Playlist,
}

impl WidgetKind {
    pub const ALL: [WidgetKind; 5] =
        [WidgetKind::Clock, WidgetKind::Timer, WidgetKind::Todo, WidgetKind::Notes, WidgetKind::Playlist];

    pub fn as_str(self) -> &'static str {
        match self {
            WidgetKind::Clock => "clock",
            WidgetKind::Timer => "timer",
            WidgetKind::Todo => "todo",
            WidgetKind::Notes => "notes",
            WidgetKind::Playlist => "playlist",
        }
    }

    /// The kind named `text` (`validation` error otherwise).
    pub fn parse(text: &str) -> Result<WidgetKind> {
        WidgetKind::ALL.into_iter().find(|k| k.as_str() == text).ok_or_else(|| {
            CoreError::validation(format!(
                "widget kind must be one of clock, timer, todo, notes, playlist (got \"{}\")",
                validate::truncate_for_message(text)
            ))
        })
    }

    /// Default `(w, h)` on the 12-column grid.
    fn size(self) -> (i64, i64) {
        match self {
            WidgetKind::Clock => (4, 2),
            WidgetKind::Timer => (4, 3),
            WidgetKind::Todo => (4, 5),
            WidgetKind::Notes => (4, 4),
            WidgetKind::Playlist => (4, 4),
        }
    }

    fn default_settings(self) -> Value {
        match self {
            WidgetKind::Notes => json!({ "text": "" }),
            WidgetKind::Playlist => json!({ "playlist_id": null }),
            _ => json!({}),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct Widget {
    pub id: String,
    pub kind: WidgetKind,
    pub title: Option<String>,
    pub x: i64,
    pub y: i64,
    pub w: i64,
    pub h: i64,
    pub settings: Value,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct Background {
    pub kind: BackgroundType,
    pub color: Option<String>,
    pub attachment: Option<Attachment>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct Workspace {
    pub id: String,
    pub name: String,
    pub background: Background,
    pub widgets: Vec<Widget>,
}

/// Where a widget goes (`widget_layout`).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
#[ts(export)]
pub struct WidgetPlace {
    pub id: String,
    pub x: i64,
    pub y: i64,
    pub w: i64,
    pub h: i64,
}

fn columns<R: Row>() -> String {
    R::COLUMNS.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ")
}

// ---- reads ---------------------------------------------------------------------------

fn workspace_row(conn: &Connection, user_id: &str, id: &str) -> Result<ImmersiveWorkspaceRow> {
    let id = validate::id("workspace", id)?;
    conn.prepare_cached(&format!(
        "SELECT {} FROM immersive_workspaces WHERE id = ?1 AND user_id = ?2",
        columns::<ImmersiveWorkspaceRow>()
    ))?
    .query_row(params![id, user_id], ImmersiveWorkspaceRow::from_sql)
    .optional()?
    .ok_or_else(|| CoreError::not_found("workspace", id))
}

/// The workspace id of the user's widget `id`.
fn widget_workspace(conn: &Connection, user_id: &str, id: &str) -> Result<(String, String)> {
    let id = validate::id("widget", id)?;
    let ws: Option<String> = conn
        .prepare_cached(
            "SELECT w.workspace_id FROM immersive_widgets w JOIN immersive_workspaces s ON s.id = w.workspace_id
             WHERE w.id = ?1 AND s.user_id = ?2",
        )?
        .query_row(params![id, user_id], |r| r.get(0))
        .optional()?;
    ws.map(|ws| (id.clone(), ws)).ok_or_else(|| CoreError::not_found("widget", id))
}

fn widget_rows(conn: &Connection, workspace_id: &str) -> Result<Vec<ImmersiveWidgetRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {} FROM immersive_widgets WHERE workspace_id = ?1 ORDER BY grid_y, grid_x, created_at, rowid",
        columns::<ImmersiveWidgetRow>()
    ))?;
    let rows = stmt.query_map([workspace_id], ImmersiveWidgetRow::from_sql)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn widget_view(r: ImmersiveWidgetRow) -> Option<Widget> {
    // A kind written by a newer version is skipped rather than failing the whole board.
    let kind = WidgetKind::parse(&r.r#type).ok()?;
    Some(Widget {
        id: r.id,
        kind,
        title: r.title,
        x: r.grid_x,
        y: r.grid_y,
        w: r.grid_w,
        h: r.grid_h,
        settings: r.settings.filter(Value::is_object).unwrap_or_else(|| kind.default_settings()),
    })
}

fn assemble(conn: &Connection, data_dir: &Path, user_id: &str, ws: ImmersiveWorkspaceRow) -> Result<Workspace> {
    let attachment = match ws.background_type {
        BackgroundType::Color => None,
        BackgroundType::Image | BackgroundType::Video => match ws.background_value.as_deref() {
            Some(id) if crate::ids::is_uuid(id) => match attachments::get(conn, data_dir, user_id, id) {
                Ok(a) => Some(a),
                Err(CoreError::NotFound { .. }) => None,
                Err(e) => return Err(e),
            },
            _ => None,
        },
    };
    let widgets = widget_rows(conn, &ws.id)?.into_iter().filter_map(widget_view).collect();
    Ok(Workspace {
        id: ws.id,
        name: ws.name,
        background: Background { kind: ws.background_type, color: ws.background_color, attachment },
        widgets,
    })
}

/// The user's workspace `id`.
pub fn get(conn: &Connection, data_dir: &Path, user_id: &str, id: &str) -> Result<Workspace> {
    let ws = workspace_row(conn, user_id, id)?;
    assemble(conn, data_dir, user_id, ws)
}

fn all(conn: &Connection, data_dir: &Path, user_id: &str) -> Result<Vec<Workspace>> {
    let rows = {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {} FROM immersive_workspaces WHERE user_id = ?1 ORDER BY created_at, rowid",
            columns::<ImmersiveWorkspaceRow>()
        ))?;
        let rows = stmt.query_map([user_id], ImmersiveWorkspaceRow::from_sql)?.collect::<rusqlite::Result<Vec<_>>>()?;
        rows
    };
    rows.into_iter().map(|ws| assemble(conn, data_dir, user_id, ws)).collect()
}

fn count(conn: &Connection, sql: &str, id: &str) -> Result<i64> {
    Ok(conn.prepare_cached(sql)?.query_row([id], |r| r.get(0))?)
}

// ---- validation ----------------------------------------------------------------------

fn check_place(x: i64, y: i64, w: i64, h: i64) -> Result<()> {
    validate::range("x", x, 0, COLUMNS - 1)?;
    validate::range("y", y, 0, MAX_Y)?;
    validate::range("w", w, 1, COLUMNS)?;
    validate::range("h", h, 1, MAX_HEIGHT)?;
    if x + w > COLUMNS {
        return Err(CoreError::validation(format!(
            "a widget must fit the {COLUMNS}-column grid (x + w is {}; at most {COLUMNS})",
            x + w
        )));
    }
    Ok(())
}

fn check_name(tx: &Connection, user_id: &str, name: &str, except: Option<&str>) -> Result<String> {
    let name = validate::text("workspace name", name, NAME_MAX)?;
    let taken: bool = tx
        .prepare_cached(
            "SELECT EXISTS(SELECT 1 FROM immersive_workspaces WHERE user_id = ?1 AND lower(name) = lower(?2) AND id IS NOT ?3)",
        )?
        .query_row(params![user_id, name, except], |r| r.get(0))?;
    if taken {
        return Err(CoreError::Conflict(format!("a workspace named \"{name}\" already exists")));
    }
    Ok(name)
}

/// Settings of a widget of `kind`: a JSON object (null: the defaults), known keys typed.
fn check_settings(conn: &Connection, user_id: &str, kind: WidgetKind, settings: Value) -> Result<Value> {
    let mut settings = match settings {
        Value::Null => return Ok(kind.default_settings()),
        Value::Object(map) => map,
        _ => return Err(CoreError::validation("widget settings must be a JSON object")),
    };
    if settings.len() > 64 || serde_json::to_string(&settings)?.len() > SETTINGS_MAX_BYTES {
        return Err(CoreError::validation(format!("widget settings are too large (at most {} KiB)", SETTINGS_MAX_BYTES / 1024)));
    }
    match kind {
        WidgetKind::Notes => match settings.get("text") {
            None | Some(Value::Null) => {
                settings.insert("text".into(), json!(""));
            }
            Some(Value::String(text)) => {
                let n = text.chars().count();
                if n > NOTES_MAX {
                    return Err(CoreError::validation(format!("notes are too long ({n} characters; at most {NOTES_MAX})")));
                }
            }
            Some(_) => return Err(CoreError::validation("notes text must be a string")),
        },
        WidgetKind::Playlist => match settings.get("playlist_id").cloned() {
            None | Some(Value::Null) => {
                settings.insert("playlist_id".into(), Value::Null);
            }
            Some(Value::String(id)) => {
                let id = validate::id("playlist", &id)?;
                if !crate::dashboard::content::owns_playlist(conn, user_id, &id)? {
                    return Err(CoreError::not_found("playlist", id));
                }
                settings.insert("playlist_id".into(), Value::String(id));
            }
            Some(_) => return Err(CoreError::validation("playlist_id must be a playlist id or null")),
        },
        WidgetKind::Clock | WidgetKind::Timer | WidgetKind::Todo => {}
    }
    Ok(Value::Object(settings))
}

// ---- writes --------------------------------------------------------------------------

/// The id of the user's default workspace ("Focus room"): derived, so two devices that
/// open Immerse before they sync make one room, not two.
pub fn default_workspace_id(user_id: &str) -> String {
    studydesk_sync::natural_id("immersive_workspaces", &[user_id, "default"])
}

/// The id of one of the default room's three widgets (one per kind), derived likewise.
pub fn default_widget_id(workspace_id: &str, kind: WidgetKind) -> String {
    studydesk_sync::natural_id("immersive_widgets", &[workspace_id, kind.as_str()])
}

/// The widgets the default room starts with, and where.
pub const DEFAULT_WIDGETS: [(WidgetKind, (i64, i64)); 3] =
    [(WidgetKind::Clock, (0, 0)), (WidgetKind::Timer, (4, 0)), (WidgetKind::Todo, (8, 0))];

fn insert_workspace(tx: &Tx, user_id: &str, name: &str, id: Option<String>) -> Result<String> {
    let n = count(tx, "SELECT count(*) FROM immersive_workspaces WHERE user_id = ?1", user_id)?;
    if n >= MAX_WORKSPACES {
        return Err(CoreError::validation(format!("at most {MAX_WORKSPACES} workspaces")));
    }
    let name = check_name(tx, user_id, name, None)?;
    let now = tx.now_text();
    let ws = ImmersiveWorkspaceRow {
        id: id.unwrap_or_else(|| tx.new_id()),
        user_id: user_id.to_string(),
        name,
        background_type: BackgroundType::Color,
        background_value: None,
        background_color: Some(DEFAULT_COLOR.to_string()),
        settings: None,
        created_at: now.clone(),
        updated_at: now,
    };
    row::insert(tx, &ws)?;
    Ok(ws.id)
}

/// The first free `(x, y)` for a `w × h` widget among `taken` rectangles.
fn free_place(taken: &[(i64, i64, i64, i64)], w: i64, h: i64) -> (i64, i64) {
    let overlaps = |x: i64, y: i64| taken.iter().any(|&(tx, ty, tw, th)| x < tx + tw && tx < x + w && y < ty + th && ty < y + h);
    for y in 0..=MAX_Y {
        for x in 0..=(COLUMNS - w) {
            if !overlaps(x, y) {
                return (x, y);
            }
        }
    }
    (0, MAX_Y)
}

fn insert_widget(tx: &Tx, workspace_id: &str, kind: WidgetKind, at: Option<(i64, i64)>, id: Option<String>) -> Result<String> {
    let n = count(tx, "SELECT count(*) FROM immersive_widgets WHERE workspace_id = ?1", workspace_id)?;
    if n >= MAX_WIDGETS {
        return Err(CoreError::validation(format!("at most {MAX_WIDGETS} widgets in a workspace")));
    }
    let (w, h) = kind.size();
    let (x, y) = match at {
        Some(p) => p,
        None => {
            let taken: Vec<_> =
                widget_rows(tx, workspace_id)?.iter().map(|r| (r.grid_x, r.grid_y, r.grid_w, r.grid_h)).collect();
            free_place(&taken, w, h)
        }
    };
    check_place(x, y, w, h)?;
    let now = tx.now_text();
    let widget = ImmersiveWidgetRow {
        id: id.unwrap_or_else(|| tx.new_id()),
        workspace_id: workspace_id.to_string(),
        r#type: kind.as_str().to_string(),
        title_key: None,
        title: None,
        grid_x: x,
        grid_y: y,
        grid_w: w,
        grid_h: h,
        settings: Some(kind.default_settings()),
        created_at: now.clone(),
        updated_at: now,
    };
    row::insert(tx, &widget)?;
    Ok(widget.id)
}

fn touch(tx: &Tx, workspace_id: &str) -> Result<()> {
    tx.prepare_cached("UPDATE immersive_workspaces SET updated_at = ?2 WHERE id = ?1")?
        .execute(params![workspace_id, tx.now_text()])?;
    Ok(())
}

/// The user's workspaces; creates "Focus room" (clock, timer, todo) when there is none.
pub fn list(db: &Db, data_dir: &Path, user_id: &str) -> Result<Vec<Workspace>> {
    let found = db.read(|c| all(c, data_dir, user_id))?;
    if !found.is_empty() {
        return Ok(found);
    }
    db.write(WriteCtx::by(user_id, "immerse.workspace.create_default"), |tx| {
        // Another window or process may have created it since the read.
        if count(tx, "SELECT count(*) FROM immersive_workspaces WHERE user_id = ?1", user_id)? == 0 {
            let id = insert_workspace(tx, user_id, DEFAULT_WORKSPACE, Some(default_workspace_id(user_id)))?;
            for (kind, at) in DEFAULT_WIDGETS {
                insert_widget(tx, &id, kind, Some(at), Some(default_widget_id(&id, kind)))?;
            }
        }
        all(tx, data_dir, user_id)
    })
}

pub fn add(db: &Db, data_dir: &Path, user_id: &str, name: &str) -> Result<Workspace> {
    db.write(WriteCtx::by(user_id, "immerse.workspace.add"), |tx| {
        let id = insert_workspace(tx, user_id, name, None)?;
        get(tx, data_dir, user_id, &id)
    })
}

pub fn rename(db: &Db, data_dir: &Path, user_id: &str, id: &str, name: &str) -> Result<Workspace> {
    db.write(WriteCtx::by(user_id, "immerse.workspace.rename"), |tx| {
        let ws = workspace_row(tx, user_id, id)?;
        let name = check_name(tx, user_id, name, Some(&ws.id))?;
        if name != ws.name {
            tx.prepare_cached("UPDATE immersive_workspaces SET name = ?2, updated_at = ?3 WHERE id = ?1")?
                .execute(params![ws.id, name, tx.now_text()])?;
        }
        get(tx, data_dir, user_id, &ws.id)
    })
}

/// Deletes the workspace and its widgets (the background file stays, see attachments).
pub fn delete(db: &Db, user_id: &str, id: &str) -> Result<()> {
    db.write(WriteCtx::by(user_id, "immerse.workspace.delete"), |tx| {
        let ws = workspace_row(tx, user_id, id)?;
        if count(tx, "SELECT count(*) FROM immersive_workspaces WHERE user_id = ?1", user_id)? <= 1 {
            return Err(CoreError::validation("the last workspace cannot be deleted; add another one first"));
        }
        tx.prepare_cached("DELETE FROM immersive_workspaces WHERE id = ?1")?.execute([&ws.id])?;
        Ok(())
    })
}

pub fn widget_add(db: &Db, data_dir: &Path, user_id: &str, workspace_id: &str, kind: &str) -> Result<Workspace> {
    let kind = WidgetKind::parse(kind)?;
    db.write(WriteCtx::by(user_id, "immerse.widget.add"), |tx| {
        let ws = workspace_row(tx, user_id, workspace_id)?;
        insert_widget(tx, &ws.id, kind, None, None)?;
        touch(tx, &ws.id)?;
        get(tx, data_dir, user_id, &ws.id)
    })
}

pub fn widget_remove(db: &Db, data_dir: &Path, user_id: &str, id: &str) -> Result<Workspace> {
    db.write(WriteCtx::by(user_id, "immerse.widget.remove"), |tx| {
        let (id, ws) = widget_workspace(tx, user_id, id)?;
        tx.prepare_cached("DELETE FROM immersive_widgets WHERE id = ?1")?.execute([&id])?;
        touch(tx, &ws)?;
        get(tx, data_dir, user_id, &ws)
    })
}

pub fn widget_update(
    db: &Db,
    data_dir: &Path,
    user_id: &str,
    id: &str,
    title: Option<&str>,
    settings: Value,
) -> Result<Workspace> {
    let title = validate::opt_text("widget title", title, TITLE_MAX)?;
    db.write(WriteCtx::by(user_id, "immerse.widget.update"), |tx| {
        let (id, ws) = widget_workspace(tx, user_id, id)?;
        let kind_text: String =
            tx.prepare_cached("SELECT type FROM immersive_widgets WHERE id = ?1")?.query_row([&id], |r| r.get(0))?;
        let kind = WidgetKind::parse(&kind_text)?;
        let settings = check_settings(tx, user_id, kind, settings)?;
        tx.prepare_cached(
            "UPDATE immersive_widgets SET title = ?2, settings = ?3, updated_at = ?4
             WHERE id = ?1 AND (title IS NOT ?2 OR settings IS NOT ?3)",
        )?
        .execute(params![id, title, settings.to_string(), tx.now_text()])?;
        get(tx, data_dir, user_id, &ws)
    })
}

/// Applies every place to the widgets of `workspace_id` in one transaction.
pub fn widget_layout(db: &Db, data_dir: &Path, user_id: &str, workspace_id: &str, places: &[WidgetPlace]) -> Result<Workspace> {
    if places.len() as i64 > MAX_WIDGETS {
        return Err(CoreError::validation(format!("at most {MAX_WIDGETS} widgets in a workspace")));
    }
    let mut seen = HashSet::new();
    for p in places {
        check_place(p.x, p.y, p.w, p.h)?;
        let id = validate::id("widget", &p.id)?;
        if !seen.insert(id) {
            return Err(CoreError::validation("a widget appears twice in the layout"));
        }
    }
    db.write(WriteCtx::by(user_id, "immerse.widget.layout"), |tx| {
        let ws = workspace_row(tx, user_id, workspace_id)?;
        let mut stmt = tx.prepare_cached(
            "UPDATE immersive_widgets SET grid_x = ?3, grid_y = ?4, grid_w = ?5, grid_h = ?6, updated_at = ?7
             WHERE id = ?1 AND workspace_id = ?2",
        )?;
        let now = tx.now_text();
        for p in places {
            let id = p.id.to_ascii_lowercase();
            // Unchanged widgets are rewritten too (cheap); an id of another workspace matches nothing.
            if stmt.execute(params![id, ws.id, p.x, p.y, p.w, p.h, now])? == 0 {
                return Err(CoreError::not_found("widget", id));
            }
        }
        drop(stmt);
        touch(tx, &ws.id)?;
        get(tx, data_dir, user_id, &ws.id)
    })
}

pub fn set_background_color(db: &Db, data_dir: &Path, user_id: &str, id: &str, color: &str) -> Result<Workspace> {
    let color = color.trim().to_ascii_lowercase();
    row::hex_colour("background colour", &color)?;
    db.write(WriteCtx::by(user_id, "immerse.workspace.background"), |tx| {
        let ws = workspace_row(tx, user_id, id)?;
        tx.prepare_cached(
            "UPDATE immersive_workspaces SET background_type = 'color', background_value = NULL, background_color = ?2,
             updated_at = ?3 WHERE id = ?1",
        )?
        .execute(params![ws.id, color, tx.now_text()])?;
        get(tx, data_dir, user_id, &ws.id)
    })
}

fn set_background_staged(db: &Db, data_dir: &Path, user_id: &str, id: &str, staged: &Staged) -> Result<Workspace> {
    db.write(WriteCtx::by(user_id, "immerse.workspace.background"), |tx| {
        let ws = workspace_row(tx, user_id, id)?;
        let attachment = attachments::commit(tx, data_dir, user_id, staged)?;
        let kind = match staged.kind {
            MediaKind::Image => BackgroundType::Image,
            MediaKind::Video => BackgroundType::Video,
        };
        tx.prepare_cached(
            "UPDATE immersive_workspaces SET background_type = ?2, background_value = ?3, updated_at = ?4 WHERE id = ?1",
        )?
        .execute(params![ws.id, kind.as_str(), attachment.id, tx.now_text()])?;
        get(tx, data_dir, user_id, &ws.id)
    })
}

/// Background from a file's bytes (the UI reads the file and sends them).
pub fn set_background_bytes(
    db: &Db,
    data_dir: &Path,
    user_id: &str,
    id: &str,
    file_name: Option<&str>,
    bytes: &[u8],
) -> Result<Workspace> {
    // Refuse an unknown workspace before copying anything.
    db.read(|c| workspace_row(c, user_id, id))?;
    let staged = attachments::stage_bytes(data_dir, file_name, bytes)?;
    set_background_staged(db, data_dir, user_id, id, &staged)
}

/// Background from a file on disk (CLI, tests): copied, never moved.
pub fn set_background_path(db: &Db, data_dir: &Path, user_id: &str, id: &str, path: &Path) -> Result<Workspace> {
    db.read(|c| workspace_row(c, user_id, id))?;
    let staged = attachments::stage_file(data_dir, path)?;
    set_background_staged(db, data_dir, user_id, id, &staged)
}

/// A workspace names its background attachment in a plain column, not a foreign key: when
/// the first sync gives an attachment its derived id, the backgrounds follow.
pub fn rename_background_attachment(conn: &Connection, old: &str, new: &str) -> Result<()> {
    conn.execute(
        "UPDATE immersive_workspaces SET background_value = ?1
         WHERE background_type IN ('image', 'video') AND background_value = ?2",
        params![new, old],
    )?;
    Ok(())
}

/// The default "Focus room" made before its id was derived (the user's oldest room of
/// that name) and its first widget of each default kind get the derived ids, through
/// `change_id(table, old, new)` (the first sync's, which also moves the references).
pub fn remap_default_room(
    conn: &Connection,
    user_id: &str,
    change_id: &mut dyn FnMut(&str, &str, &str) -> Result<()>,
) -> Result<()> {
    let exists = |table: &str, id: &str| -> Result<bool> {
        Ok(conn.query_row(&format!("SELECT EXISTS(SELECT 1 FROM \"{table}\" WHERE id = ?1)"), [id], |r| r.get(0))?)
    };
    // The oldest row matching `filter` (two text parameters).
    let oldest = |table: &str, filter: &str, a: &str, b: &str| -> Result<Option<String>> {
        let sql = format!("SELECT id FROM \"{table}\" WHERE {filter} ORDER BY created_at, rowid LIMIT 1");
        Ok(conn.query_row(&sql, params![a, b], |r| r.get(0)).optional()?)
    };
    let room = default_workspace_id(user_id);
    if !exists("immersive_workspaces", &room)? {
        match oldest("immersive_workspaces", "user_id = ?1 AND name = ?2", user_id, DEFAULT_WORKSPACE)? {
            Some(old) => change_id("immersive_workspaces", &old, &room)?,
            None => return Ok(()),
        }
    }
    for (kind, _) in DEFAULT_WIDGETS {
        let widget = default_widget_id(&room, kind);
        if exists("immersive_widgets", &widget)? {
            continue;
        }
        if let Some(old) = oldest("immersive_widgets", "workspace_id = ?1 AND type = ?2", &room, kind.as_str())? {
            change_id("immersive_widgets", &old, &widget)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_widgets_take_the_first_free_place() {
        assert_eq!(free_place(&[], 4, 2), (0, 0));
        let taken = [(0, 0, 4, 2), (4, 0, 4, 3), (8, 0, 4, 5)];
        assert_eq!(free_place(&taken, 4, 4), (0, 2));
        assert_eq!(free_place(&[(0, 0, 12, 3)], 4, 4), (0, 3));
    }

    #[test]
    fn places_must_fit_the_grid() {
        assert!(check_place(0, 0, 12, 12).is_ok());
        assert!(check_place(8, 0, 5, 1).is_err());
        assert!(check_place(-1, 0, 1, 1).is_err());
        assert!(check_place(0, -1, 1, 1).is_err());
        assert!(check_place(0, 0, 0, 1).is_err());
        assert!(check_place(0, 0, 1, 13).is_err());
    }
}
