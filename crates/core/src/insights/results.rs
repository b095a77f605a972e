//! Cached widget results that travel with a share (issue 16 item 3): `widget_results`,
//! one row per widget of a shared or public dashboard.
//!
//! Contract: a grantee cannot compute a metric, SQL, model or data source widget (the
//! data, and the source's credentials, stay the owner's), so the owner's device stores
//! each widget's last result in a synced row in the dashboard's stream, and the grantee's
//! devices answer it "as of" when it was computed ([`cached`]). Only the owner writes
//! these rows ([`remember`] checks it; the server refuses a grantee's push); a dashboard
//! that is neither shared nor public stores nothing. A result larger than [`DATA_MAX`]
//! (its JSON) is stored without its data, as "too large to share" with its row count.
//!
//! Bounded: a result is written again only when it changed (its data, range or error) or
//! is [`FRESH_MINUTES`] old, so reading a shared dashboard in the app, the periodic job
//! ([`due_widgets`]) and a data source refresh move the row at most that often when
//! nothing changed. The rows are written with capture (they must sync) but without audit
//! rows: they are the app's bookkeeping, not the user's change, so history never shows
//! them (pulled ones are audited on the other devices: `crate::rooms` declares the table
//! internal) and undo never writes them.

use super::ownership::{access, own_dashboard, DashboardAccess};
use super::rows::{DashboardRow, WidgetResultRow, WidgetRow};
use super::widget_data::WidgetData;
use crate::db::{row, WriteCtx};
use crate::{CoreError, Db, Result};
use rusqlite::{Connection, OptionalExtension};

/// The table, declared to history as the app's own (`crate::rooms`).
pub const TABLE: &str = "widget_results";

/// The largest result that travels (its JSON, in bytes; the table's CHECK says the same).
pub const DATA_MAX: usize = 512 * 1024;

/// An unchanged result is written again (a new "as of") after this many minutes.
pub const FRESH_MINUTES: i64 = 15;

/// The `error` of a result too large to share.
pub const TOO_LARGE: &str = "too_large";

/// Whether my `dashboard` travels to other accounts: shared with one, or public.
pub fn travels(conn: &Connection, dashboard: &DashboardRow) -> Result<bool> {
    if dashboard.is_public {
        return Ok(true);
    }
    let shared: bool =
        conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM dashboard_shares WHERE dashboard_id = ?1)")?.query_row([&dashboard.id], |r| r.get(0))?;
    Ok(shared)
}

/// Stores what my widget `widget_id` showed (`outcome`: its data, or why it failed) when
/// its dashboard travels and the stored result is stale or different; whether it wrote.
pub fn remember(db: &Db, me: &str, widget_id: &str, outcome: std::result::Result<&WidgetData, &CoreError>) -> Result<bool> {
    let now = db.now();
    let Some(next) = db.read(|c| next_row(c, me, widget_id, outcome, now))? else { return Ok(false) };
    db.write(WriteCtx { audit: false, ..WriteCtx::by(me, "widget.result") }, |tx| {
        // Checked again inside the write: the dashboard may have changed hands meanwhile.
        let widget = row::get::<WidgetRow>(tx, widget_id)?.ok_or_else(|| CoreError::not_found("widget", widget_id))?;
        own_dashboard(tx, me, &widget.dashboard_id)?;
        let next = WidgetResultRow { computed_at: tx.now_text(), ..next };
        match row::get::<WidgetResultRow>(tx, &next.id)? {
            Some(_) => row::update(tx, &next),
            None => row::insert(tx, &next),
        }
    })?;
    Ok(true)
}

/// The row to write for my widget's `outcome`, `None` when nothing is to be written.
fn next_row(conn: &Connection, me: &str, widget_id: &str, outcome: std::result::Result<&WidgetData, &CoreError>, now: chrono::DateTime<chrono::Utc>) -> Result<Option<WidgetResultRow>> {
    let Some(widget) = row::get::<WidgetRow>(conn, widget_id)? else { return Ok(None) };
    let dashboard = own_dashboard(conn, me, &widget.dashboard_id)?;
    if !travels(conn, &dashboard)? {
        return Ok(None);
    }
    let (range_from, range_to, data, row_count, error) = match outcome {
        Ok(d) => {
            let stored = WidgetData { as_of: None, ..d.clone() };
            let json = serde_json::to_value(&stored).map_err(|e| CoreError::validation(format!("the widget's result could not be stored: {e}")))?;
            let rows = d.table.rows.len() as i64;
            if json.to_string().len() > DATA_MAX {
                (d.from.clone(), d.to.clone(), None, rows, Some(TOO_LARGE.to_string()))
            } else {
                (d.from.clone(), d.to.clone(), Some(json), rows, None)
            }
        }
        // A widget that failed keeps the range of its last result, if any.
        Err(e) => {
            let last = row::get::<WidgetResultRow>(conn, &id_of(widget_id))?;
            let today = crate::time::timestamp_text(now)[..10].to_string();
            let (from, to) = last.map(|l| (l.range_from, l.range_to)).unwrap_or((today.clone(), today));
            (from, to, None, 0, Some(e.to_string().chars().take(2000).collect()))
        }
    };
    let next = WidgetResultRow { id: id_of(widget_id), widget_id: widget.id, dashboard_id: dashboard.id, range_from, range_to, computed_at: String::new(), data, row_count, error };
    let current = row::get::<WidgetResultRow>(conn, &next.id)?;
    let fresh = |c: &WidgetResultRow| crate::time::parse_instant(&c.computed_at).is_some_and(|at| now - at < chrono::Duration::minutes(FRESH_MINUTES));
    let same = |c: &WidgetResultRow| (&c.range_from, &c.range_to, &c.data, c.row_count, &c.error) == (&next.range_from, &next.range_to, &next.data, next.row_count, &next.error);
    Ok(match current {
        Some(c) if same(&c) && fresh(&c) => None,
        _ => Some(next),
    })
}

/// The id of a widget's result (the natural id of its widget).
pub fn id_of(widget_id: &str) -> String {
    studydesk_sync::natural_id("widget_results", &[widget_id])
}

/// What a dashboard of another account shows for its widget `widget_id`: the owner's
/// cached result, "as of" when it was computed; refused in words when the owner's device
/// has not computed it yet, when it was too large to share, or when it failed there.
pub fn cached(conn: &Connection, me: &str, widget_id: &str) -> Result<WidgetData> {
    let widget_id = crate::validate::id("widget", widget_id)?;
    let widget = row::get::<WidgetRow>(conn, &widget_id)?.ok_or_else(|| CoreError::not_found("widget", &widget_id))?;
    let dashboard = row::get::<DashboardRow>(conn, &widget.dashboard_id)?.ok_or_else(|| CoreError::not_found("widget", &widget_id))?;
    if access(conn, me, &dashboard)?.is_none() {
        return Err(CoreError::not_found("widget", &widget_id));
    }
    let Some(result) = row::get::<WidgetResultRow>(conn, &id_of(&widget_id))? else {
        return Err(CoreError::validation("not shared yet: the owner's device has not computed this widget; it appears after the owner opens the dashboard and syncs"));
    };
    match (result.data, result.error.as_deref()) {
        (Some(data), _) => {
            let data: WidgetData = serde_json::from_value(data).map_err(|_| CoreError::validation("the owner's result of this widget is from another version of Studydesk; it appears after the owner's device updates it"))?;
            Ok(WidgetData { as_of: Some(result.computed_at), ..data })
        }
        (None, Some(TOO_LARGE)) => Err(CoreError::validation(format!(
            "too large to share: {} rows; the owner can show fewer rows (a shorter range or a smaller query)",
            result.row_count
        ))),
        (None, error) => Err(CoreError::validation(format!("on the owner's device this widget failed: {}", error.unwrap_or("no reason given")))),
    }
}

/// Whether I read widget `widget_id` as its dashboard's owner (I compute it) rather than
/// as a grantee or public reader (I read the owner's cached result); "not found" when I may
/// not read it at all.
pub fn computes(conn: &Connection, me: &str, widget_id: &str) -> Result<bool> {
    let widget_id = crate::validate::id("widget", widget_id)?;
    let dashboard: Option<String> =
        conn.prepare_cached("SELECT dashboard_id FROM widgets WHERE id = ?1")?.query_row([&widget_id], |r| r.get(0)).optional()?;
    let dashboard = match dashboard {
        Some(d) => row::get::<DashboardRow>(conn, &d)?,
        None => None,
    };
    match dashboard.map(|d| access(conn, me, &d)).transpose()?.flatten() {
        Some(DashboardAccess::Owner) => Ok(true),
        Some(_) => Ok(false),
        None => Err(CoreError::not_found("widget", &widget_id)),
    }
}

/// The widgets of my travelling dashboards whose result is missing or older than
/// [`FRESH_MINUTES`] (the periodic job computes them, which [`remember`]s them).
pub fn due_widgets(conn: &Connection, me: &str, now: chrono::DateTime<chrono::Utc>) -> Result<Vec<String>> {
    let stale_before = crate::time::timestamp_text(now - chrono::Duration::minutes(FRESH_MINUTES));
    let mut stmt = conn.prepare_cached(
        "SELECT w.id FROM widgets w JOIN dashboards d ON d.id = w.dashboard_id
         LEFT JOIN widget_results r ON r.widget_id = w.id
         WHERE d.user_id = ?1
           AND (d.is_public = 1 OR EXISTS (SELECT 1 FROM dashboard_shares s WHERE s.dashboard_id = d.id))
           AND (r.id IS NULL OR r.computed_at < ?2)
         ORDER BY d.id, w.id",
    )?;
    let ids = stmt.query_map(rusqlite::params![me, stale_before], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(ids)
}

/// The widgets of my travelling dashboards (a data source refresh recomputes them all;
/// [`remember`] writes only those whose result changed).
pub fn travelling_widgets(conn: &Connection, me: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT w.id FROM widgets w JOIN dashboards d ON d.id = w.dashboard_id
         WHERE d.user_id = ?1 AND (d.is_public = 1 OR EXISTS (SELECT 1 FROM dashboard_shares s WHERE s.dashboard_id = d.id))
         ORDER BY d.id, w.id",
    )?;
    let ids = stmt.query_map([me], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(ids)
}
