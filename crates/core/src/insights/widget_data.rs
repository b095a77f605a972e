//! What a widget shows, read for its dashboard's date range: a built-in metric's table (and
//! a metric card's number), the user's SQL run in the sandbox, or a data source's imported
//! rows.
//!
//! Contract: nothing here writes. The caller gives a read-only connection for the metrics
//! and a way to run SQL in the sandbox (`run_sql`), so no widget read touches the write
//! connection. A widget whose source is gone or broken answers an error in words for that
//! widget alone; the dashboard's other widgets are unaffected. A line or area chart with
//! more rows than the chart is wide is thinned here (largest-triangle-three-buckets on its
//! first series), before it reaches the webview, and says it was (`truncated`). A built-in
//! metric's answer may come from the [`super::widget_cache`] when nothing it reads changed.

use super::metrics::{self, Grain, MetricFilters, MetricId, MetricQuery, MetricValue};
use super::rows::WidgetType;
use super::sandbox::Sandbox;
use super::table::{Cell, Table};
use super::widget_cache::{self, AnswerCache, Stamp};
use super::widgets::{DashboardWidget, WidgetSource};
use crate::{CoreError, Result};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Fewest and most points a chart asks for (about its width in pixels); default 1,000.
pub const POINTS_MIN: i64 = 50;
pub const POINTS_MAX: i64 = 5_000;
pub const POINTS_DEFAULT: i64 = 1_000;

/// A widget's data for one range.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct WidgetData {
    pub table: Table,
    /// A metric card's number, change and sparkline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub value: Option<MetricValue>,
    /// The local days read (`YYYY-MM-DD`, inclusive).
    pub from: String,
    pub to: String,
    /// A dashboard of another account: when its owner's device computed this result
    /// (the grantee reads the owner's cached result, `insights::results`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub as_of: Option<String>,
}

/// Built-in metric answers kept between reads ([`super::widget_cache`]).
pub type WidgetCache = AnswerCache<WidgetData>;

/// The widget and the days it shows.
pub struct Inputs<'a> {
    pub widget: &'a DashboardWidget,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub now: DateTime<Utc>,
    pub max_points: Option<i64>,
}

/// How a widget's rows are read: a metric on a read-only connection, SQL in the sandbox
/// (resolved first, so no connection is held while it waits for one), or nothing.
pub enum Plan {
    Metric(MetricQuery),
    Sql(String),
    Nothing,
}

/// The plan for `input`'s widget (`conn`: any connection; this reads only the source's row).
pub fn plan(conn: &Connection, me: &str, input: &Inputs) -> Result<Plan> {
    let w = input.widget;
    Ok(match &w.config.source {
        WidgetSource::None => Plan::Nothing,
        WidgetSource::Metric { metric, grain, course_id, activity_id } => Plan::Metric(MetricQuery {
            metric: MetricId::parse(metric)?,
            grain: Grain::parse(grain)?,
            from: input.from,
            to: input.to,
            time_zone: None,
            filters: MetricFilters { course_id: course_id.clone(), activity_id: activity_id.clone() },
        }),
        WidgetSource::Sql => Plan::Sql(w.row.query.clone().ok_or_else(|| CoreError::validation("this widget has no SQL yet: edit it and write a SELECT"))?),
        WidgetSource::Source => Plan::Sql(source_sql(conn, me, w)?),
        WidgetSource::Model { model_id } => Plan::Sql(super::models::compiled(conn, me, model_id).map_err(|e| match e {
            CoreError::NotFound { .. } => CoreError::validation("the data model of this widget was deleted; edit the widget to choose another"),
            other => other,
        })?),
    })
}

/// A metric's rows (and, for a metric card, its number), read on `conn`.
pub fn metric(conn: &Connection, me: &str, input: &Inputs, q: &MetricQuery) -> Result<(Table, Option<MetricValue>)> {
    let value = if input.widget.row.r#type == WidgetType::MetricCard { Some(metrics::value(conn, me, q, input.now)?) } else { None };
    Ok((metrics::run(conn, me, q, input.now)?, value))
}

/// The answer as the widget draws it: a card's number taken from SQL rows, a long line
/// thinned to the chart's width.
pub fn finish(input: &Inputs, table: Table, value: Option<MetricValue>) -> WidgetData {
    let w = input.widget;
    let value = value.or_else(|| card_of(w, &table));
    let table = if matches!(w.row.r#type, WidgetType::LineChart | WidgetType::AreaChart) {
        let x = w.config.x.as_ref().and_then(|x| table.columns.iter().position(|c| &c.name == x)).unwrap_or(0);
        thin(table, x, input.max_points)
    } else {
        table
    };
    WidgetData { table, value, from: input.from.to_string(), to: input.to.to_string(), as_of: None }
}

/// My widget `id`'s data over its dashboard's date range: the small reads (the widget, the
/// range, the user's today, the plan) on the app's connection, in one; the metric or SQL on
/// the sandbox's read-only ones (the dashboard and alerts on a widget both read this way).
/// With a `cache`, a built-in metric's answer is kept and answered again while its stamp
/// holds ([`super::widget_cache`]).
pub fn read(db: &crate::Db, sandbox: &Sandbox, cache: Option<&WidgetCache>, me: &str, id: &str, max_points: Option<i64>) -> Result<WidgetData> {
    let now = db.now();
    let (widget, from, to, plan, stamp) = db.read(|c| {
        let widget = super::widgets::get(c, me, id)?;
        let layout = super::dashboards::InsightsLayout::from_stored(&super::dashboards::own(c, me, &widget.row.dashboard_id)?.layout);
        let today = crate::time::local_date(now, crate::account::settings::timezone(c, me)?);
        let (from, to) = layout.range.resolve(today)?;
        let plan = plan(c, me, &Inputs { widget: &widget, from, to, now, max_points })?;
        Ok((widget, from, to, plan, Stamp::of(c, today)?))
    })?;
    let input = Inputs { widget: &widget, from, to, now, max_points };
    let kept = match (&plan, cache) {
        (Plan::Metric(q), Some(cache)) if widget_cache::cacheable(q.metric) => Some((cache, (me.to_string(), widget.row.id.clone(), points_of(&input)))),
        _ => None,
    };
    if let Some(hit) = kept.as_ref().and_then(|(cache, key)| cache.get(stamp, key)) {
        return Ok(hit);
    }
    let (table, value) = match plan {
        Plan::Metric(q) => sandbox.read_trusted(|c| metric(c, me, &input, &q))?,
        Plan::Sql(sql) => (sandbox.query(&sql, None)?, None),
        Plan::Nothing => (empty(), None),
    };
    let data = finish(&input, table, value);
    if let Some((cache, key)) = kept {
        cache.put(stamp, key, &data);
    }
    Ok(data)
}

/// The points a widget's answer is thinned to (0: an answer that is never thinned), part of
/// its cache key.
fn points_of(input: &Inputs) -> i64 {
    match input.widget.row.r#type {
        WidgetType::LineChart | WidgetType::AreaChart => input.max_points.unwrap_or(POINTS_DEFAULT).clamp(POINTS_MIN, POINTS_MAX),
        _ => 0,
    }
}

/// The points a widget `columns` of 12 wide is read at in a window `window_width` pixels
/// wide: about one per pixel (what the UI's `widgetPoints` asks for).
pub fn points_for_width(window_width: i64, columns: i64) -> i64 {
    let columns = columns.clamp(1, 12);
    ((window_width.max(0) * columns + 6) / 12).clamp(POINTS_MIN, POINTS_MAX)
}

/// An empty answer (text and image widgets).
pub fn empty() -> Table {
    Table { columns: vec![], rows: vec![], truncated: false }
}

/// A metric card over SQL or a source: the first number of the first row.
fn card_of(w: &DashboardWidget, table: &Table) -> Option<MetricValue> {
    if w.row.r#type != WidgetType::MetricCard {
        return None;
    }
    let (index, column) = table.columns.iter().enumerate().find(|(i, _)| table.rows.first().and_then(|r| r.get(*i)).and_then(Cell::as_f64).is_some())?;
    let value = table.rows.first()?.get(index)?.as_f64()?;
    let sparkline = table.rows.iter().filter_map(|r| r.get(index).and_then(Cell::as_f64)).collect();
    Some(MetricValue { value, previous: None, change_percent: None, sparkline, sparkline_grain: Grain::Total, unit: column.unit.clone().unwrap_or_default() })
}

/// The SQL reading a source widget's rows: its own query, or the source's whole table.
fn source_sql(conn: &Connection, me: &str, w: &DashboardWidget) -> Result<String> {
    let id = w.row.data_source_id.as_deref().ok_or_else(|| CoreError::validation("the data source of this widget was deleted; edit the widget to choose another"))?;
    if let Some(sql) = &w.row.query {
        return Ok(sql.clone());
    }
    let table: Option<String> = conn
        .query_row("SELECT json_extract(metadata, '$.table') FROM data_sources WHERE id = ?1 AND user_id = ?2", [id, me], |r| r.get(0))
        .map_err(|_| CoreError::validation("the data source of this widget was deleted; edit the widget to choose another"))?;
    let table = table.filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')).ok_or_else(|| CoreError::validation("this data source has not been imported on this device yet; refresh it in Insights › Data sources"))?;
    Ok(format!("SELECT * FROM sources.\"{table}\""))
}

/// The table with at most `max_points` rows, chosen by largest-triangle-three-buckets over
/// its first number column other than the x axis's column `x` (the rows that keep the
/// line's shape).
fn thin(table: Table, x: usize, max_points: Option<i64>) -> Table {
    let max = max_points.unwrap_or(POINTS_DEFAULT).clamp(POINTS_MIN, POINTS_MAX) as usize;
    if table.rows.len() <= max {
        return table;
    }
    let Some(col) = (0..table.columns.len()).filter(|&i| i != x).find(|&i| table.rows.iter().any(|r| r.get(i).and_then(Cell::as_f64).is_some())) else {
        return Table { rows: table.rows.into_iter().take(max).collect(), truncated: true, ..table };
    };
    let points = table.rows.iter().enumerate().map(|(i, r)| lttb::DataPoint::new(i as f64, r.get(col).and_then(Cell::as_f64).unwrap_or(0.0))).collect();
    let keep: Vec<usize> = lttb::lttb(points, max).into_iter().map(|p| p.x as usize).collect();
    let mut rows: Vec<Option<Vec<Cell>>> = table.rows.into_iter().map(Some).collect();
    let rows = keep.into_iter().filter_map(|i| rows.get_mut(i).and_then(Option::take)).collect();
    Table { columns: table.columns, rows, truncated: true }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::table::{Column, ColumnKind};

    #[test]
    fn a_long_series_is_thinned_to_the_width_keeping_its_ends_and_its_peak() {
        let rows: Vec<Vec<Cell>> = (0..100_000).map(|i| vec![Cell::Integer(i), Cell::Real(if i == 54_321 { 1e6 } else { (i % 7) as f64 })]).collect();
        let table = Table { columns: vec![Column::new("i", ColumnKind::Integer), Column::new("v", ColumnKind::Real)], rows, truncated: false };
        let thinned = thin(table, 0, Some(800));
        assert_eq!(thinned.rows.len(), 800);
        assert!(thinned.truncated);
        assert_eq!(thinned.rows.first().unwrap()[0], Cell::Integer(0));
        assert_eq!(thinned.rows.last().unwrap()[0], Cell::Integer(99_999));
        assert!(thinned.rows.iter().any(|r| r[0] == Cell::Integer(54_321)), "the peak survives");
        assert!(thinned.rows.windows(2).all(|w| w[0][0].as_f64() < w[1][0].as_f64()), "rows keep their order");
    }

    #[test]
    fn a_short_series_is_left_whole() {
        let rows: Vec<Vec<Cell>> = (0..10).map(|i| vec![Cell::Integer(i)]).collect();
        let table = Table { columns: vec![Column::new("i", ColumnKind::Integer)], rows: rows.clone(), truncated: false };
        let same = thin(table, 0, Some(1));
        assert_eq!((same.rows, same.truncated), (rows, false));
    }
}
