//! Dashboards: the user's named pages of widgets, listed in the user's order.
//!
//! Contract: a dashboard belongs to one user; its owner reads and changes it, an account it
//! is shared with (`dashboard_shares`) or every account when it is public reads it
//! ([`open`], which says my access), and an `edit` grantee may also rename it and change
//! its range ([`update`]); only the owner lists, duplicates, deletes, reorders it or makes
//! it public ([`set_public`]). `dashboards.layout` holds
//! the dashboard-wide settings as a JSON object ([`InsightsLayout`]: its place in the
//! list, the date range every widget shows, the refresh interval); a stored layout that is
//! missing fields or comes from another version is repaired on read, never refused.
//! Every write is one `Db::write` transaction; deleting a dashboard deletes its widgets
//! (the foreign key cascades, captured for sync like any delete).

use super::ownership::{self, DashboardAccess};
use super::rows::{DashboardRow, WidgetRow};
use super::widgets::{self, DashboardWidget};
use crate::db::{row, Tx, WriteCtx};
use crate::{validate, CoreError, Db, Result};
use chrono::{Datelike, Duration, NaiveDate};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Longest dashboard name and description, in characters.
pub const NAME_MAX: usize = 255;
pub const DESCRIPTION_MAX: usize = 2_000;
/// At most this many dashboards per user (a list the user can still scan).
pub const DASHBOARDS_MAX: i64 = 200;

/// The period every widget of a dashboard shows, relative to today in the user's zone
/// unless custom.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RangePreset {
    #[serde(rename = "last_7_days")]
    Last7Days,
    #[serde(rename = "last_30_days")]
    Last30Days,
    #[serde(rename = "last_90_days")]
    Last90Days,
    #[serde(rename = "last_365_days")]
    Last365Days,
    ThisMonth,
    ThisYear,
    Custom,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
#[ts(export)]
pub struct DateRange {
    pub preset: RangePreset,
    /// Inclusive bounds (`YYYY-MM-DD`) of a custom range; ignored for the presets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub to: Option<String>,
}

impl Default for DateRange {
    fn default() -> Self {
        DateRange { preset: RangePreset::Last30Days, from: None, to: None }
    }
}

/// Longest custom range, in days (twenty years of study).
pub const RANGE_DAYS_MAX: i64 = 366 * 20;

impl DateRange {
    /// The inclusive days this range covers when today is `today`.
    pub fn resolve(&self, today: NaiveDate) -> Result<(NaiveDate, NaiveDate)> {
        let back = |days: i64| (today - Duration::days(days - 1), today);
        Ok(match self.preset {
            RangePreset::Last7Days => back(7),
            RangePreset::Last30Days => back(30),
            RangePreset::Last90Days => back(90),
            RangePreset::Last365Days => back(365),
            RangePreset::ThisMonth => (today.with_day(1).unwrap_or(today), today),
            RangePreset::ThisYear => (today.with_ordinal(1).unwrap_or(today), today),
            RangePreset::Custom => {
                let from = validate::date("from", self.from.as_deref().unwrap_or(""))?;
                let to = validate::date("to", self.to.as_deref().unwrap_or(""))?;
                if to < from {
                    return Err(CoreError::Rule(crate::error::Rule::Order { start_field: "from".into(), end_field: "to".into() }));
                }
                if (to - from).num_days() >= RANGE_DAYS_MAX {
                    return Err(CoreError::validation(format!("a date range covers at most {} years", RANGE_DAYS_MAX / 366)));
                }
                (from, to)
            }
        })
    }

    fn check(&self) -> Result<()> {
        // Any day serves: only a custom range's own bounds can be wrong.
        self.resolve(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default()).map(|_| ())
    }
}

/// `dashboards.layout`: what applies to the whole dashboard.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq, Default)]
#[ts(export)]
pub struct InsightsLayout {
    /// Place in the user's list (0 first).
    #[serde(default)]
    pub order: i64,
    #[serde(default)]
    pub range: DateRange,
    /// Re-read every widget this often while the dashboard is open (minutes, 1 to 1440);
    /// none: only when opened or refreshed by hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub refresh_minutes: Option<i64>,
}

impl InsightsLayout {
    /// The stored layout, repaired: unknown fields dropped, missing ones defaulted.
    pub fn from_stored(value: &serde_json::Value) -> InsightsLayout {
        serde_json::from_value(value.clone()).unwrap_or_default()
    }

    fn check(&self) -> Result<()> {
        self.range.check()?;
        if let Some(m) = self.refresh_minutes {
            validate::range("refresh_minutes", m, 1, 1440)?;
        }
        Ok(())
    }

    fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_else(|_| serde_json::json!({}))
    }
}

/// A dashboard in the list: the row, its layout read, and how many widgets it has.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct DashboardEntry {
    pub row: DashboardRow,
    pub layout: InsightsLayout,
    pub widget_count: i64,
}

/// A dashboard opened: its widgets in reading order (top to bottom, left to right).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct DashboardView {
    pub row: DashboardRow,
    /// What I may do with it: mine, shared with me (view or edit), or public.
    pub access: DashboardAccess,
    pub layout: InsightsLayout,
    pub widgets: Vec<DashboardWidget>,
}

/// What the user types when creating or editing a dashboard; `None` leaves a field.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Default)]
#[ts(export)]
pub struct DashboardEdit {
    #[serde(default)]
    #[ts(optional)]
    pub name: Option<String>,
    /// `Some("")` clears the description.
    #[serde(default)]
    #[ts(optional)]
    pub description: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub layout: Option<InsightsLayout>,
}

/// My dashboards in my order.
pub fn list(conn: &Connection, me: &str) -> Result<Vec<DashboardEntry>> {
    let rows: Vec<DashboardRow> = row::select(conn, "WHERE user_id = ?1", [me])?;
    // Every dashboard's widget count in one query (not one per dashboard).
    let mut stmt = conn.prepare_cached(
        "SELECT w.dashboard_id, count(*) FROM widgets w JOIN dashboards d ON d.id = w.dashboard_id WHERE d.user_id = ?1 GROUP BY w.dashboard_id",
    )?;
    let counts = stmt.query_map([me], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?.collect::<rusqlite::Result<std::collections::HashMap<_, _>>>()?;
    let mut entries: Vec<DashboardEntry> = rows
        .into_iter()
        .map(|r| DashboardEntry { layout: InsightsLayout::from_stored(&r.layout), widget_count: counts.get(&r.id).copied().unwrap_or(0), row: r })
        .collect();
    entries.sort_by(|a, b| (a.layout.order, &a.row.created_at, &a.row.id).cmp(&(b.layout.order, &b.row.created_at, &b.row.id)));
    Ok(entries)
}

/// One of my dashboards with its widgets.
pub fn get(conn: &Connection, me: &str, id: &str) -> Result<DashboardView> {
    let row = own(conn, me, id)?;
    view(conn, row, DashboardAccess::Owner)
}

/// A dashboard I may read (mine, shared with me, or public) with its widgets and my access.
pub fn open(conn: &Connection, me: &str, id: &str) -> Result<DashboardView> {
    let id = validate::id("dashboard", id)?;
    let found = row::get::<DashboardRow>(conn, &id)?;
    let Some(row) = found else { return Err(CoreError::not_found("dashboard", &id)) };
    let access = ownership::access(conn, me, &row)?.ok_or_else(|| CoreError::not_found("dashboard", &id))?;
    view(conn, row, access)
}

fn view(conn: &Connection, row: DashboardRow, access: DashboardAccess) -> Result<DashboardView> {
    let widgets = widgets::of_dashboard(conn, &row.id)?;
    Ok(DashboardView { layout: InsightsLayout::from_stored(&row.layout), row, access, widgets })
}

/// Makes my dashboard public (readable, never writable, by every account on my sync
/// server) or private again.
pub fn set_public(db: &Db, me: &str, id: &str, public: bool) -> Result<DashboardView> {
    db.write(WriteCtx::by(me, if public { "dashboard.publish" } else { "dashboard.unpublish" }), |tx| {
        let current = own(tx, me, id)?;
        if current.is_public == public {
            return Ok(());
        }
        row::update(tx, &DashboardRow { is_public: public, updated_at: tx.now_text(), ..current })
    })?;
    db.read(|c| get(c, me, id))
}

/// A new, empty dashboard at the end of my list.
pub fn create(db: &Db, me: &str, edit: &DashboardEdit) -> Result<DashboardView> {
    let name = validate::text("name", edit.name.as_deref().unwrap_or(""), NAME_MAX)?;
    let description = description_of(edit.description.as_deref())?;
    let mut layout = edit.layout.clone().unwrap_or_default();
    layout.check()?;
    let id = db.write(WriteCtx::by(me, "dashboard.create"), |tx| {
        layout.order = next_order(tx, me)?;
        insert(tx, me, tx.new_id(), name, description, &layout)
    })?;
    db.read(|c| get(c, me, &id))
}

/// Renames, describes or changes the dashboard-wide settings of one of my dashboards, or
/// of one shared with me with `edit` rights.
pub fn update(db: &Db, me: &str, id: &str, edit: &DashboardEdit) -> Result<DashboardView> {
    let name = edit.name.as_deref().map(|n| validate::text("name", n, NAME_MAX)).transpose()?;
    let description = edit.description.as_deref().map(|d| description_of(Some(d))).transpose()?;
    if let Some(l) = &edit.layout {
        l.check()?;
    }
    db.write(WriteCtx::by(me, "dashboard.update"), |tx| {
        let current = ownership::editable_dashboard(tx, me, id)?;
        let mut layout = InsightsLayout::from_stored(&current.layout);
        if let Some(l) = &edit.layout {
            // The place in the list is changed by `reorder` only.
            layout = InsightsLayout { order: layout.order, ..l.clone() };
        }
        let updated = DashboardRow {
            name: name.clone().unwrap_or(current.name.clone()),
            description: description.clone().unwrap_or(current.description.clone()),
            layout: layout.to_json(),
            updated_at: tx.now_text(),
            ..current
        };
        row::update(tx, &updated)
    })?;
    db.read(|c| open(c, me, id))
}

/// A copy of one of my dashboards and its widgets, named "<name> (copy)" (or the name
/// given), placed right after it.
pub fn duplicate(db: &Db, me: &str, id: &str, name: Option<&str>) -> Result<DashboardView> {
    let name = name.map(|n| validate::text("name", n, NAME_MAX)).transpose()?;
    let new_id = db.write(WriteCtx::by(me, "dashboard.duplicate"), |tx| {
        let source = own(tx, me, id)?;
        let mut layout = InsightsLayout::from_stored(&source.layout);
        let name = name.unwrap_or_else(|| copy_name(&source.name));
        shift_orders_after(tx, me, layout.order)?;
        layout.order += 1;
        let new_id = insert(tx, me, tx.new_id(), name, source.description.clone(), &layout)?;
        for w in row::select::<WidgetRow, _>(tx, "WHERE dashboard_id = ?1", [&source.id])? {
            row::insert(tx, &WidgetRow { id: tx.new_id(), dashboard_id: new_id.clone(), created_at: tx.now_text(), updated_at: tx.now_text(), ..w })?;
        }
        Ok(new_id)
    })?;
    db.read(|c| get(c, me, &new_id))
}

/// Deletes one of my dashboards and its widgets.
pub fn delete(db: &Db, me: &str, id: &str) -> Result<()> {
    db.write(WriteCtx::by(me, "dashboard.delete"), |tx| {
        own(tx, me, id)?;
        row::delete::<DashboardRow>(tx, id)
    })
}

/// Puts my dashboards in the order given (every one of mine exactly once).
pub fn reorder(db: &Db, me: &str, ids: &[String]) -> Result<Vec<DashboardEntry>> {
    db.write(WriteCtx::by(me, "dashboard.reorder"), |tx| {
        let mine: Vec<DashboardRow> = row::select(tx, "WHERE user_id = ?1", [me])?;
        let mut wanted: Vec<&str> = ids.iter().map(String::as_str).collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut have: Vec<&str> = mine.iter().map(|r| r.id.as_str()).collect();
        have.sort_unstable();
        if wanted != have || ids.len() != mine.len() {
            return Err(CoreError::validation("the new order must name each of your dashboards exactly once; refresh the list and try again"));
        }
        for (order, id) in ids.iter().enumerate() {
            if let Some(r) = mine.iter().find(|r| &r.id == id) {
                set_order(tx, r, order as i64)?;
            }
        }
        Ok(())
    })?;
    db.read(|c| list(c, me))
}

/// The dashboard if it is mine.
pub(crate) fn own(conn: &Connection, me: &str, id: &str) -> Result<DashboardRow> {
    super::ownership::own_dashboard(conn, me, id)
}

pub(crate) fn insert(tx: &Tx, me: &str, id: String, name: String, description: Option<String>, layout: &InsightsLayout) -> Result<String> {
    let count: i64 = tx.query_row("SELECT count(*) FROM dashboards WHERE user_id = ?1", [me], |r| r.get(0))?;
    if count >= DASHBOARDS_MAX {
        return Err(CoreError::validation(format!("you have {DASHBOARDS_MAX} dashboards, the most there can be; delete one first")));
    }
    let now = tx.now_text();
    row::insert(
        tx,
        &DashboardRow { id: id.clone(), user_id: me.to_string(), name, description, layout: layout.to_json(), is_public: false, created_at: now.clone(), updated_at: now },
    )?;
    Ok(id)
}

pub(crate) fn next_order(conn: &Connection, me: &str) -> Result<i64> {
    Ok(list(conn, me)?.last().map(|e| e.layout.order + 1).unwrap_or(0))
}

fn shift_orders_after(tx: &Tx, me: &str, order: i64) -> Result<()> {
    for e in list(tx, me)?.into_iter().filter(|e| e.layout.order > order) {
        set_order(tx, &e.row, e.layout.order + 1)?;
    }
    Ok(())
}

fn set_order(tx: &Tx, r: &DashboardRow, order: i64) -> Result<()> {
    let layout = InsightsLayout::from_stored(&r.layout);
    if layout.order == order {
        return Ok(());
    }
    let layout = InsightsLayout { order, ..layout };
    row::update(tx, &DashboardRow { layout: layout.to_json(), updated_at: tx.now_text(), ..r.clone() })
}

fn description_of(d: Option<&str>) -> Result<Option<String>> {
    Ok(validate::opt_text("description", d, DESCRIPTION_MAX)?.filter(|d| !d.is_empty()))
}

/// "<name> (copy)", kept within the name's limit.
fn copy_name(name: &str) -> String {
    let suffix = " (copy)";
    let keep: String = name.chars().take(NAME_MAX - suffix.chars().count()).collect();
    format!("{keep}{suffix}")
}
