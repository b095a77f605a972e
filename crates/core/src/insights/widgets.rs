//! Widgets: the charts, tables, cards, texts and images on a dashboard, and where each
//! sits on the dashboard's 12-column grid.
//!
//! Contract: a widget is read and changed only through its dashboard's owner, or an
//! account the owner shared the dashboard with `edit` rights (`ownership::editable_dashboard`).
//! `widgets.config` holds [`WidgetConfig`] (title, what the widget shows, which columns it
//! draws), `widgets.position` a [`GridPosition`], `widgets.query` the user's SQL of an SQL
//! widget (or the table of a data source widget), `widgets.data_source_id` the source a
//! widget reads. A stored config that does not parse (another version's) is shown as a
//! widget with no source, which says so, never refused on read. The kinds of source each
//! widget type accepts are checked on every write ([`WidgetDraft::check`]).

use super::ownership::editable_dashboard;
use super::rows::{WidgetRow, WidgetType};
use crate::db::{row, Tx, WriteCtx};
use crate::{validate, CoreError, Db, Result};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What shows an attachment here (see `crate::rooms`): an image widget's picture, over the
/// attachments table named `a`.
pub const SHOWS_ATTACHMENT: &str = "EXISTS (SELECT 1 FROM widgets iw JOIN dashboards idb ON idb.id = iw.dashboard_id
      WHERE idb.user_id = a.user_id AND iw.type = 'image' AND substr(json_extract(iw.config, '$.image'), 12, 64) = a.content_hash)";

/// Largest picture of an image widget.
pub const IMAGE_MAX_BYTES: usize = 20 * 1024 * 1024;

/// Columns of the dashboard grid.
pub const GRID_COLUMNS: i64 = 12;
/// Tallest widget, in grid rows.
pub const HEIGHT_MAX: i64 = 24;
/// Lowest row a widget may start on (a dashboard of widgets far below is a broken layout).
pub const ROW_MAX: i64 = 10_000;
/// Widgets on one dashboard.
pub const WIDGETS_MAX: i64 = 60;
pub const TITLE_MAX: usize = 200;
/// Longest Markdown of a text widget, and longest SQL of an SQL widget, in characters.
pub const MARKDOWN_MAX: usize = 20_000;
pub const SQL_MAX: usize = 100_000;
pub const ALT_MAX: usize = 1_500;

/// Where a widget's numbers come from.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq, Default)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum WidgetSource {
    /// A built-in metric of the catalog (`insights::metrics`), at a grain, with filters.
    Metric {
        metric: String,
        grain: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        course_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        activity_id: Option<String>,
    },
    /// The user's own SQL (`widgets.query`), run in the read-only sandbox.
    Sql,
    /// A data source's imported rows (`widgets.data_source_id`); `widgets.query`, when
    /// set, is SQL over them.
    Source,
    /// A data model (`data_models`), compiled to one query.
    Model { model_id: String },
    /// Nothing to query: text and image widgets.
    #[default]
    None,
}

/// `widgets.config`.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq, Default)]
#[ts(export)]
pub struct WidgetConfig {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub source: WidgetSource,
    /// The column drawn along the x axis (or naming the slices); none: the first column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub x: Option<String>,
    /// The number columns drawn as series; empty: every number column but x.
    #[serde(default)]
    pub y: Vec<String>,
    /// Bars or areas stacked instead of side by side.
    #[serde(default)]
    pub stacked: bool,
    /// A text widget's Markdown (shown without scripts, raw HTML or remote images).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub markdown: Option<String>,
    /// An image widget's picture: one of my attachments (`attachment:<sha256>.<ext>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub image: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub alt: Option<String>,
}

/// A widget's cell on the 12-column grid (x, y: top-left; w, h: size in columns and rows).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[ts(export)]
pub struct GridPosition {
    pub x: i64,
    pub y: i64,
    pub w: i64,
    pub h: i64,
}

impl GridPosition {
    fn check(&self) -> Result<()> {
        validate::range("w", self.w, 1, GRID_COLUMNS)?;
        validate::range("x", self.x, 0, GRID_COLUMNS - self.w)?;
        validate::range("h", self.h, 1, HEIGHT_MAX)?;
        validate::range("y", self.y, 0, ROW_MAX)?;
        Ok(())
    }

    /// The size a new widget of this type starts with.
    fn default_for(kind: WidgetType) -> GridPosition {
        let (w, h) = match kind {
            WidgetType::MetricCard => (3, 3),
            WidgetType::Text | WidgetType::Image => (4, 4),
            WidgetType::PieChart => (4, 6),
            WidgetType::Table => (6, 7),
            _ => (6, 6),
        };
        GridPosition { x: 0, y: 0, w, h }
    }
}

/// A widget as the dashboard draws it.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct DashboardWidget {
    pub row: WidgetRow,
    pub config: WidgetConfig,
    pub position: GridPosition,
}

impl DashboardWidget {
    fn from_row(row: WidgetRow) -> DashboardWidget {
        let config = serde_json::from_value(row.config.clone()).unwrap_or_default();
        let position = serde_json::from_value(row.position.clone()).ok().filter(|p: &GridPosition| p.check().is_ok()).unwrap_or(GridPosition::default_for(row.r#type));
        DashboardWidget { row, config, position }
    }
}

/// What the user sets when adding or editing a widget.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct WidgetDraft {
    #[serde(rename = "type")]
    pub kind: WidgetType,
    pub config: WidgetConfig,
    /// The SQL of an SQL widget, or over a data source's rows.
    #[serde(default)]
    #[ts(optional)]
    pub query: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub data_source_id: Option<String>,
    /// Where to put it; none: below the other widgets (on edit: where it is).
    #[serde(default)]
    #[ts(optional)]
    pub position: Option<GridPosition>,
}

/// A widget's new place, for [`save_positions`].
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
#[ts(export)]
pub struct WidgetPlacement {
    pub id: String,
    pub position: GridPosition,
}

impl WidgetDraft {
    /// The draft, trimmed, if every field fits its widget type.
    fn check(&self) -> Result<WidgetDraft> {
        let mut d = self.clone();
        d.config.title = validate::opt_text("title", Some(&d.config.title), TITLE_MAX)?.unwrap_or_default();
        d.query = validate::opt_text("query", d.query.as_deref(), SQL_MAX)?;
        d.config.alt = validate::opt_text("alt", d.config.alt.as_deref(), ALT_MAX)?;
        if let Some(p) = &d.position {
            p.check()?;
        }
        let source = d.config.source.clone();
        match (d.kind, &source) {
            (WidgetType::Text, WidgetSource::None) => {
                d.config.markdown = Some(validate::text("markdown", d.config.markdown.as_deref().unwrap_or(""), MARKDOWN_MAX)?);
            }
            (WidgetType::Image, WidgetSource::None) => {
                let image = d.config.image.as_deref().unwrap_or("");
                if studydesk_sync::media::parse(image).is_none() {
                    return Err(CoreError::validation("an image widget needs a picture: choose an image file"));
                }
            }
            (WidgetType::Text | WidgetType::Image, _) => {
                return Err(CoreError::validation("text and image widgets show what they hold; they have no data source"));
            }
            (_, WidgetSource::None) => return Err(CoreError::validation("choose what this widget shows: a metric, your SQL, a data source or a data model")),
            (_, WidgetSource::Metric { metric, grain, course_id, activity_id }) => {
                validate::text("metric", metric, 100)?;
                validate::text("grain", grain, 50)?;
                if let Some(c) = course_id {
                    validate::id("course", c)?;
                }
                if let Some(a) = activity_id {
                    validate::id("activity", a)?;
                }
            }
            (_, WidgetSource::Sql) => {
                if d.query.is_none() {
                    return Err(CoreError::validation("an SQL widget needs a query: write a SELECT over your data"));
                }
            }
            (_, WidgetSource::Source) => {
                validate::id("data source", d.data_source_id.as_deref().unwrap_or(""))?;
            }
            (_, WidgetSource::Model { model_id }) => {
                d.config.source = WidgetSource::Model { model_id: validate::id("data model", model_id)? };
            }
        }
        if !matches!(source, WidgetSource::Source) {
            d.data_source_id = None;
        }
        if !matches!(source, WidgetSource::Sql | WidgetSource::Source) {
            d.query = None;
        }
        for column in d.config.x.iter().chain(d.config.y.iter()) {
            validate::text("column", column, 200)?;
        }
        Ok(d)
    }
}

/// A picture stored for an image widget: the reference its config holds, and the file.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct WidgetImage {
    /// `attachment:<sha256>.<ext>`, for `WidgetConfig::image`.
    pub reference: String,
    /// Absolute path, for the webview's asset protocol.
    pub file_path: String,
}

/// Stores the picture an image widget will show (a PNG, JPEG, GIF, WebP, BMP or AVIF by
/// its content, at most 20 MiB) as my attachment; a file that is not one writes nothing.
pub fn add_image(db: &Db, data_dir: &std::path::Path, me: &str, file_name: Option<&str>, bytes: &[u8]) -> Result<WidgetImage> {
    if bytes.len() > IMAGE_MAX_BYTES {
        return Err(CoreError::validation(format!("the picture is {} MiB; an image widget shows pictures of at most 20 MiB", bytes.len() / (1024 * 1024))));
    }
    // By content alone: a text file named .png is not a picture.
    let found = crate::attachments::sniff_content(&bytes[..bytes.len().min(64)]);
    if found.and_then(crate::attachments::media_kind) != Some(crate::attachments::MediaKind::Image) {
        let what = found.map(|m| format!(" (it is {m})")).unwrap_or_default();
        return Err(CoreError::validation(format!("an image widget shows a picture: PNG, JPEG, GIF, WebP, BMP or AVIF{what}")));
    }
    let staged = crate::attachments::stage_bytes(data_dir, file_name, bytes)?;
    let row = db.write(WriteCtx::by(me, "widget.image.add"), |tx| crate::attachments::commit(tx, data_dir, me, &staged))?;
    let view = crate::attachments::view(data_dir, &row);
    Ok(WidgetImage { reference: studydesk_sync::media::url(&row.content_hash, crate::attachments::extension_of(&row.mime_type)), file_path: view.file_path })
}

/// A dashboard's widgets in reading order.
pub fn of_dashboard(conn: &Connection, dashboard_id: &str) -> Result<Vec<DashboardWidget>> {
    let mut widgets: Vec<DashboardWidget> = row::select::<WidgetRow, _>(conn, "WHERE dashboard_id = ?1", [dashboard_id])?.into_iter().map(DashboardWidget::from_row).collect();
    widgets.sort_by(|a, b| (a.position.y, a.position.x, &a.row.created_at).cmp(&(b.position.y, b.position.x, &b.row.created_at)));
    Ok(widgets)
}

/// One of my widgets.
pub fn get(conn: &Connection, me: &str, id: &str) -> Result<DashboardWidget> {
    own(conn, me, id).map(DashboardWidget::from_row)
}

/// Adds a widget to one of my dashboards (below the others unless placed).
pub fn add(db: &Db, me: &str, dashboard_id: &str, draft: &WidgetDraft) -> Result<DashboardWidget> {
    let d = draft.check()?;
    let id = db.write(WriteCtx::by(me, "widget.add"), |tx| {
        let dashboard = editable_dashboard(tx, me, dashboard_id)?;
        check_references(tx, me, &d)?;
        let existing = of_dashboard(tx, &dashboard.id)?;
        if existing.len() as i64 >= WIDGETS_MAX {
            return Err(CoreError::validation(format!("a dashboard holds at most {WIDGETS_MAX} widgets; make another dashboard")));
        }
        let position = d.position.unwrap_or_else(|| below(&existing, GridPosition::default_for(d.kind)));
        insert(tx, tx.new_id(), &dashboard.id, &d, position)
    })?;
    db.read(|c| get(c, me, &id))
}

/// Changes one of my widgets (type, what it shows, its title and columns).
pub fn update(db: &Db, me: &str, id: &str, draft: &WidgetDraft) -> Result<DashboardWidget> {
    let d = draft.check()?;
    db.write(WriteCtx::by(me, "widget.update"), |tx| {
        let current = DashboardWidget::from_row(own(tx, me, id)?);
        check_references(tx, me, &d)?;
        let updated = WidgetRow {
            r#type: d.kind,
            config: to_json(&d.config),
            query: d.query.clone(),
            data_source_id: d.data_source_id.clone(),
            position: to_json(&d.position.unwrap_or(current.position)),
            updated_at: tx.now_text(),
            ..current.row
        };
        row::update(tx, &updated)
    })?;
    db.read(|c| get(c, me, id))
}

/// Moves and resizes widgets of one of my dashboards in one transaction (a drag on the
/// grid moves its neighbours too); widgets not named stay where they are.
pub fn save_positions(db: &Db, me: &str, dashboard_id: &str, places: &[WidgetPlacement]) -> Result<Vec<DashboardWidget>> {
    for p in places {
        validate::id("widget", &p.id)?;
        p.position.check()?;
    }
    db.write(WriteCtx::by(me, "widget.move"), |tx| {
        let dashboard = editable_dashboard(tx, me, dashboard_id)?;
        for p in places {
            let current = DashboardWidget::from_row(own(tx, me, &p.id)?);
            if current.row.dashboard_id != dashboard.id {
                return Err(CoreError::not_found("widget", &p.id));
            }
            if current.position != p.position {
                row::update(tx, &WidgetRow { position: to_json(&p.position), updated_at: tx.now_text(), ..current.row })?;
            }
        }
        Ok(())
    })?;
    db.read(|c| of_dashboard(c, dashboard_id))
}

/// Deletes one of my widgets.
pub fn delete(db: &Db, me: &str, id: &str) -> Result<()> {
    db.write(WriteCtx::by(me, "widget.delete"), |tx| {
        own(tx, me, id)?;
        row::delete::<WidgetRow>(tx, id)
    })
}

pub(crate) fn insert(tx: &Tx, id: String, dashboard_id: &str, d: &WidgetDraft, position: GridPosition) -> Result<String> {
    let now = tx.now_text();
    row::insert(
        tx,
        &WidgetRow {
            id: id.clone(),
            dashboard_id: dashboard_id.to_string(),
            data_source_id: d.data_source_id.clone(),
            r#type: d.kind,
            config: to_json(&d.config),
            query: d.query.clone(),
            position: to_json(&position),
            created_at: now.clone(),
            updated_at: now,
        },
    )?;
    Ok(id)
}

/// The first free place for a widget of `size`: left-aligned, under the lowest widget.
fn below(existing: &[DashboardWidget], size: GridPosition) -> GridPosition {
    let y = existing.iter().map(|w| w.position.y + w.position.h).max().unwrap_or(0);
    GridPosition { x: 0, y: y.min(ROW_MAX), ..size }
}

/// The data source, model or picture a draft names must be mine.
fn check_references(conn: &Connection, me: &str, d: &WidgetDraft) -> Result<()> {
    if let (WidgetType::Image, Some((hash, _))) = (d.kind, d.config.image.as_deref().and_then(studydesk_sync::media::parse)) {
        if !crate::attachments::has_content(conn, me, hash)? {
            return Err(CoreError::validation("that picture is not stored here; choose the image file again"));
        }
    }
    if let Some(source) = &d.data_source_id {
        let mine: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM data_sources WHERE id = ?1 AND user_id = ?2)", [source, me], |r| r.get(0))?;
        if !mine {
            return Err(CoreError::not_found("data source", source));
        }
    }
    if let WidgetSource::Model { model_id } = &d.config.source {
        let mine: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM data_models WHERE id = ?1 AND created_by = ?2)", [model_id, me], |r| r.get(0))?;
        if !mine {
            return Err(CoreError::not_found("data model", model_id));
        }
    }
    Ok(())
}

/// The widget if I may change its dashboard (mine, or shared with me with edit rights;
/// shared read only: refused in words).
fn own(conn: &Connection, me: &str, id: &str) -> Result<WidgetRow> {
    let id = validate::id("widget", id)?;
    let found = row::get::<WidgetRow>(conn, &id)?;
    let Some(w) = found else { return Err(CoreError::not_found("widget", &id)) };
    match editable_dashboard(conn, me, &w.dashboard_id) {
        Ok(_) => Ok(w),
        Err(CoreError::NotFound { .. }) => Err(CoreError::not_found("widget", &id)),
        Err(e) => Err(e),
    }
}

fn to_json<T: Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_else(|_| serde_json::json!({}))
}
