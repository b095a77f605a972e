//! Built-in study metrics: the catalog a user picks a widget's numbers from without
//! writing SQL (issue 15 item 3). Every metric is read-only SQL of this module over the
//! study rooms' tables (a declared reader in `tests/table_owners.rs`: it reads any room's
//! tables and writes none), answered as an [`insights::table::Table`](crate::insights::table::Table).
//!
//! Contract:
//! - [`catalog`] lists every [`MetricId`] with its grains, unit, value columns, suggested
//!   widget, the filters it takes and whether it has one value for a metric card.
//! - [`run`] answers one [`MetricQuery`]: a metric at a [`Grain`] over the local dates
//!   `from..=to` in the user's time zone, optionally for one course or activity.
//!   - `day`, `week`, `month`: a continuous axis, every period meeting the range in order,
//!     0 where nothing happened; the first column (kind `date`) is the period's first day;
//!     weeks start on Monday (the app has no week-start setting), a period cut by the range
//!     counts only its days inside it.
//!   - `course`, `activity`, `status`: one row per value that has data in the range, most
//!     first (then by name); the label column first, the id column last (NULL for "none").
//!   - `total`: one row.
//! - [`value`] answers a metric card: the total over the range, the same over the
//!   previous range of equal length, the change in percent (none when the previous is 0),
//!   and a sparkline (a point per day up to 92 days, per week up to 1,100 days, else per
//!   month).
//! - Only the local user's rows count. Minutes are seconds of completed focus summed per
//!   period, then rounded to the nearest minute (as the Focus page does). Focus sessions
//!   count on their stored `local_date` (the user's date when they started, as on the
//!   Focus page); everything stamped with a UTC instant counts on its local day in the
//!   query's time zone (`periods::Edges`, DST days included).
//! - Refused with a validation error in words: `from` after `to`, a range over 20 years,
//!   a date outside 1900..=9998, a grain or a filter the metric does not take, an unknown
//!   time zone, [`value`] of a metric without one.
//! - Each metric's definition (what counts, on which day) is in the module that computes
//!   it: [`study`] (focus sessions, study days, streak, favorites), [`tasks`] (tasks and
//!   assignments), [`reminders`] (reminder delivery), [`feed`] (posts, likes, comments).

mod catalog;
pub mod periods;
mod feed;
mod reminders;
mod study;
mod tasks;

use crate::insights::rows::WidgetType;
use catalog::{spec, Spec};
pub use catalog::catalog;
use crate::insights::table::{Cell, Column, ColumnKind, Table};
use crate::{validate, CoreError, Result};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use periods::{Days, Edges, Step};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The longest range a metric covers: 20 years.
pub const MAX_RANGE_DAYS: i64 = 20 * 365 + 5;
/// The first and last years a date of a metric may be in.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=9998;

/// A built-in metric, by its stable name.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum MetricId {
    MinutesStudied,
    SessionsCompleted,
    PomodoroCycles,
    StudyDays,
    Streak,
    TasksCompleted,
    TasksOverdue,
    Assignments,
    FavoriteActivities,
    ReminderDelivery,
    FeedEngagement,
    LikesReceived,
    CommentsReceived,
    PostsWritten,
}

impl MetricId {
    pub const ALL: [MetricId; 14] = [
        MetricId::MinutesStudied,
        MetricId::SessionsCompleted,
        MetricId::PomodoroCycles,
        MetricId::StudyDays,
        MetricId::Streak,
        MetricId::TasksCompleted,
        MetricId::TasksOverdue,
        MetricId::Assignments,
        MetricId::FavoriteActivities,
        MetricId::ReminderDelivery,
        MetricId::FeedEngagement,
        MetricId::LikesReceived,
        MetricId::CommentsReceived,
        MetricId::PostsWritten,
    ];

    pub fn as_str(self) -> &'static str {
        spec(self).name
    }

    /// The metric named `name` (its snake_case id).
    pub fn parse(name: &str) -> Result<MetricId> {
        MetricId::ALL.into_iter().find(|m| m.as_str() == name).ok_or_else(|| {
            let known: Vec<&str> = MetricId::ALL.iter().map(|m| m.as_str()).collect();
            CoreError::validation(format!(
                "there is no metric \"{}\"; the metrics are {}",
                validate::truncate_for_message(name),
                known.join(", ")
            ))
        })
    }
}

/// What a metric's rows are per.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Grain {
    Day,
    Week,
    Month,
    Course,
    Activity,
    Status,
    Total,
}

impl Grain {
    pub const ALL: [Grain; 7] = [Grain::Day, Grain::Week, Grain::Month, Grain::Course, Grain::Activity, Grain::Status, Grain::Total];

    pub fn as_str(self) -> &'static str {
        match self {
            Grain::Day => "day",
            Grain::Week => "week",
            Grain::Month => "month",
            Grain::Course => "course",
            Grain::Activity => "activity",
            Grain::Status => "status",
            Grain::Total => "total",
        }
    }

    pub fn parse(name: &str) -> Result<Grain> {
        Grain::ALL.into_iter().find(|g| g.as_str() == name).ok_or_else(|| {
            CoreError::validation(format!(
                "there is no grain \"{}\"; use day, week, month, course, activity, status or total",
                validate::truncate_for_message(name)
            ))
        })
    }

    fn step(self) -> Option<Step> {
        match self {
            Grain::Day => Some(Step::Day),
            Grain::Week => Some(Step::Week),
            Grain::Month => Some(Step::Month),
            _ => None,
        }
    }

    fn of(step: Step) -> Grain {
        match step {
            Step::Day => Grain::Day,
            Step::Week => Grain::Week,
            Step::Month => Grain::Month,
        }
    }
}

/// A filter a metric may take.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum MetricFilter {
    Course,
    Activity,
}

/// Narrows a metric to one course or one activity (only where [`MetricInfo::filters`] says so).
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct MetricFilters {
    #[serde(default)]
    #[ts(optional)]
    pub course_id: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub activity_id: Option<String>,
}

/// One metric, at one grain, over the user's local dates `from..=to`.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
pub struct MetricQuery {
    pub metric: MetricId,
    pub grain: Grain,
    /// `YYYY-MM-DD`, the first local day.
    #[ts(type = "string")]
    pub from: NaiveDate,
    /// `YYYY-MM-DD`, the last local day (inclusive).
    #[ts(type = "string")]
    pub to: NaiveDate,
    /// The IANA zone whose days count; the user's setting when left out.
    #[serde(default)]
    #[ts(optional)]
    pub time_zone: Option<String>,
    #[serde(default)]
    pub filters: MetricFilters,
}

/// A metric of the catalog.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct MetricInfo {
    pub id: MetricId,
    /// English name and description (the UI words them by `id`).
    pub name: String,
    pub description: String,
    /// The grains it answers, the first being the one to suggest.
    pub grains: Vec<Grain>,
    /// The unit of its (first) value column.
    pub unit: String,
    /// Its value columns, in order, each with its unit.
    pub columns: Vec<Column>,
    pub widget: WidgetType,
    /// It has one number for a metric card ([`value`]).
    pub has_value: bool,
    pub filters: Vec<MetricFilter>,
}

/// What a metric card shows.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct MetricValue {
    pub value: f64,
    /// The same over the range of equal length just before.
    pub previous: Option<f64>,
    /// `(value - previous) / previous × 100`; none when there is no previous or it is 0.
    pub change_percent: Option<f64>,
    /// The value per `sparkline_grain` period over the range, oldest first.
    pub sparkline: Vec<f64>,
    pub sparkline_grain: Grain,
    pub unit: String,
}

/// What every metric's computation reads with.
pub(crate) struct Ctx<'a> {
    pub conn: &'a Connection,
    pub me: &'a str,
    pub tz: Tz,
    pub now: DateTime<Utc>,
    pub course_id: Option<String>,
    pub activity_id: Option<String>,
}

/// One row per value of a category grain (course, activity, status).
pub(crate) struct Category {
    /// The course's or activity's id; `None` for "no course", and for statuses.
    pub id: Option<String>,
    /// Its name; `None` for "none".
    pub label: Option<String>,
    pub values: Vec<i64>,
}

/// Raw per-day values of a metric's columns (`columns[c][day]`).
type PerDay = Vec<Vec<i64>>;

fn check_date(name: &str, d: NaiveDate) -> Result<()> {
    if YEARS.contains(&d.year()) {
        Ok(())
    } else {
        Err(CoreError::validation(format!("{name} ({d}) must be a date between the years {} and {}", YEARS.start(), YEARS.end())))
    }
}

/// The query's range, checked (the grain is checked by [`check`]).
fn range(q: &MetricQuery) -> Result<Days> {
    check_date("from", q.from)?;
    check_date("to", q.to)?;
    if q.from > q.to {
        return Err(CoreError::validation(format!("from ({}) is after to ({}); give the earlier date first", q.from, q.to)));
    }
    let days = (q.to - q.from).num_days() + 1;
    if days > MAX_RANGE_DAYS {
        return Err(CoreError::validation(format!(
            "a metric covers at most 20 years ({MAX_RANGE_DAYS} days); {} to {} is {days} days",
            q.from, q.to
        )));
    }
    Ok(Days::new(q.from, q.to))
}

fn check_filter(spec: &Spec, which: MetricFilter, id: Option<&str>) -> Result<Option<String>> {
    let Some(id) = id.filter(|s| !s.is_empty()) else { return Ok(None) };
    let (entity, word) = match which {
        MetricFilter::Course => ("course", "a course"),
        MetricFilter::Activity => ("activity", "an activity"),
    };
    if !spec.filters.contains(&which) {
        return Err(CoreError::validation(format!("{} cannot be narrowed to {word}", spec.name)));
    }
    validate::id(entity, id).map(Some)
}

/// Checks a query against its metric and the user's zone.
fn check<'a>(conn: &'a Connection, me: &'a str, q: &MetricQuery, now: DateTime<Utc>) -> Result<(Ctx<'a>, Days)> {
    let spec = spec(q.metric);
    let days = range(q)?;
    let tz = match q.time_zone.as_deref() {
        Some(zone) => crate::time::parse_tz(zone)?,
        None => crate::account::settings::timezone(conn, me)?,
    };
    let course_id = check_filter(spec, MetricFilter::Course, q.filters.course_id.as_deref())?;
    let activity_id = check_filter(spec, MetricFilter::Activity, q.filters.activity_id.as_deref())?;
    Ok((Ctx { conn, me, tz, now, course_id, activity_id }, days))
}

fn check_grain(spec: &Spec, grain: Grain) -> Result<()> {
    if spec.grains.contains(&grain) {
        return Ok(());
    }
    let known: Vec<&str> = spec.grains.iter().map(|g| g.as_str()).collect();
    Err(CoreError::validation(format!(
        "{} cannot be shown per {}; its grains are {}",
        spec.name,
        grain.as_str(),
        known.join(", ")
    )))
}

/// Answers one metric query for `me`, as of `now` (what "overdue" and "today" mean).
pub fn run(conn: &Connection, me: &str, q: &MetricQuery, now: DateTime<Utc>) -> Result<Table> {
    let spec = spec(q.metric);
    check_grain(spec, q.grain)?;
    let (ctx, days) = check(conn, me, q, now)?;
    if q.metric == MetricId::Streak {
        let (current, longest) = study::streaks(&ctx, &[days.to])?[0];
        return Ok(table(spec.value_columns(), vec![vec![Cell::Integer(current), Cell::Integer(longest)]]));
    }
    match q.grain {
        Grain::Course | Grain::Activity | Grain::Status => {
            let rows = by_category(&ctx, q.metric, days, q.grain)?;
            Ok(category_table(spec, q.grain, rows))
        }
        Grain::Total => {
            let per_day = per_day(&ctx, q.metric, days)?;
            let row = per_day.iter().map(|c| Cell::Integer(spec.finish.apply(c.iter().sum()))).collect();
            Ok(table(spec.value_columns(), vec![row]))
        }
        Grain::Day | Grain::Week | Grain::Month => {
            let step = q.grain.step().unwrap_or(Step::Day);
            let per_day = per_day(&ctx, q.metric, days)?;
            Ok(time_table(spec, q.grain, days, step, &per_day))
        }
    }
}

/// A metric card's numbers for `me` over the query's range (its grain is not used).
pub fn value(conn: &Connection, me: &str, q: &MetricQuery, now: DateTime<Utc>) -> Result<MetricValue> {
    let spec = spec(q.metric);
    if !spec.has_value {
        return Err(CoreError::validation(format!("{} has no single value for a metric card; show it as a chart or a table", spec.name)));
    }
    let (ctx, days) = check(conn, me, q, now)?;
    let step = Step::for_sparkline(days);
    let before = days.previous();
    let (value, previous, sparkline) = if q.metric == MetricId::Streak {
        // The range's end, the previous range's, then each sparkline point's.
        let mut ends = vec![days.to, before.to];
        ends.extend(periods::period_ends(days, step));
        let current: Vec<i64> = study::streaks(&ctx, &ends)?.into_iter().map(|(c, _)| c).collect();
        (current[0], current[1], current[2..].to_vec())
    } else {
        let both = before.through(days);
        let first = per_day(&ctx, q.metric, both)?.into_iter().next().unwrap_or_default();
        let (cur, prev) = (both.slice(&first, days), both.slice(&first, before));
        let sparkline = periods::bucket(days, step, &cur).into_iter().map(|v| spec.finish.apply(v)).collect();
        (spec.finish.apply(cur.iter().sum()), spec.finish.apply(prev.iter().sum()), sparkline)
    };
    let change_percent = (previous != 0).then(|| (value - previous) as f64 / previous as f64 * 100.0);
    Ok(MetricValue {
        value: value as f64,
        previous: Some(previous as f64),
        change_percent,
        sparkline: sparkline.into_iter().map(|v| v as f64).collect(),
        sparkline_grain: Grain::of(step),
        unit: spec.columns[0].1.to_string(),
    })
}

/// Raw per-day values of every value column of `metric` over `days`.
fn per_day(ctx: &Ctx, metric: MetricId, days: Days) -> Result<PerDay> {
    let edges = || Edges::new(days, ctx.tz);
    Ok(match metric {
        MetricId::MinutesStudied => vec![study::sessions_per_day(ctx, days, study::Measure::Seconds)?],
        MetricId::SessionsCompleted => vec![study::sessions_per_day(ctx, days, study::Measure::Sessions)?],
        MetricId::PomodoroCycles => vec![study::sessions_per_day(ctx, days, study::Measure::Cycles)?],
        MetricId::StudyDays => vec![study::study_days_per_day(ctx, days)?],
        MetricId::Streak => Vec::new(),
        MetricId::TasksCompleted => vec![tasks::completed_per_day(ctx, days, &edges())?],
        MetricId::TasksOverdue => vec![tasks::overdue_per_day(ctx, days, &edges())?],
        MetricId::Assignments => vec![tasks::assignments_per_day(ctx, days, &edges())?],
        MetricId::FavoriteActivities => vec![study::favorites_per_day(ctx, days, &edges())?],
        MetricId::ReminderDelivery => reminders::delivery_per_day(ctx, days, &edges())?,
        MetricId::FeedEngagement => {
            let e = edges();
            vec![feed::likes_per_day(ctx, days, &e)?, feed::comments_per_day(ctx, days, &e)?, feed::posts_per_day(ctx, days, &e)?]
        }
        MetricId::LikesReceived => vec![feed::likes_per_day(ctx, days, &edges())?],
        MetricId::CommentsReceived => vec![feed::comments_per_day(ctx, days, &edges())?],
        MetricId::PostsWritten => vec![feed::posts_per_day(ctx, days, &edges())?],
    })
}

/// Rows of a category grain (the grain was checked against the metric).
fn by_category(ctx: &Ctx, metric: MetricId, days: Days, grain: Grain) -> Result<Vec<Category>> {
    match metric {
        MetricId::MinutesStudied => study::sessions_by(ctx, days, study::Measure::Seconds, grain),
        MetricId::SessionsCompleted => study::sessions_by(ctx, days, study::Measure::Sessions, grain),
        MetricId::PomodoroCycles => study::sessions_by(ctx, days, study::Measure::Cycles, grain),
        MetricId::Assignments => tasks::assignments_by(ctx, &Edges::new(days, ctx.tz), grain),
        MetricId::FavoriteActivities => study::favorites_by_activity(ctx, &Edges::new(days, ctx.tz)),
        _ => Ok(Vec::new()),
    }
}

fn table(columns: Vec<Column>, rows: Vec<Vec<Cell>>) -> Table {
    Table { columns, rows, truncated: false }
}

fn time_table(spec: &Spec, grain: Grain, days: Days, step: Step, per_day: &PerDay) -> Table {
    let mut columns = vec![Column::new(grain.as_str(), ColumnKind::Date)];
    columns.extend(spec.value_columns());
    let sums: Vec<Vec<i64>> = per_day.iter().map(|c| periods::bucket(days, step, c)).collect();
    let rows = periods::axis(days, step)
        .into_iter()
        .enumerate()
        .map(|(i, start)| {
            let mut row = vec![Cell::Text(periods::label(start))];
            row.extend(sums.iter().map(|c| Cell::Integer(spec.finish.apply(c[i]))));
            row
        })
        .collect();
    table(columns, rows)
}

fn category_table(spec: &Spec, grain: Grain, mut rows: Vec<Category>) -> Table {
    for r in &mut rows {
        for v in &mut r.values {
            *v = spec.finish.apply(*v);
        }
    }
    rows.sort_by(|a, b| {
        let first = |c: &Category| c.values.first().copied().unwrap_or(0);
        first(b).cmp(&first(a)).then_with(|| a.label.is_none().cmp(&b.label.is_none())).then_with(|| a.label.cmp(&b.label))
    });
    let mut columns = vec![Column::new(grain.as_str(), ColumnKind::Text)];
    columns.extend(spec.value_columns());
    let with_id = grain != Grain::Status;
    if with_id {
        columns.push(Column::new(&format!("{}_id", grain.as_str()), ColumnKind::Text));
    }
    let none = match grain {
        Grain::Course => "No course",
        Grain::Activity => "No activity",
        _ => "No status",
    };
    let rows = rows
        .into_iter()
        .map(|c| {
            let mut row = vec![Cell::Text(c.label.unwrap_or_else(|| none.to_string()))];
            row.extend(c.values.into_iter().map(Cell::Integer));
            if with_id {
                row.push(c.id.map_or(Cell::Null, Cell::Text));
            }
            row
        })
        .collect();
    table(columns, rows)
}

/// Runs `sql` (its first column a stored UTC timestamp) and counts its rows per local day.
pub(crate) fn count_per_day(ctx: &Ctx, sql: &str, params: impl rusqlite::Params, days: Days, edges: &Edges) -> Result<Vec<i64>> {
    let mut out = vec![0; days.len()];
    let mut stmt = ctx.conn.prepare_cached(sql)?;
    let mut rows = stmt.query(params)?;
    let mut last = 0;
    while let Some(r) = rows.next()? {
        // Read in place: ten years of likes are tens of thousands of rows.
        if let Some(i) = r.get_ref(0)?.as_str().ok().and_then(|t| edges.day_near(t, last)) {
            out[i] += 1;
            last = i;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::catalog::SPECS;
    use super::*;

    #[test]
    fn the_catalog_lists_every_metric_once_under_its_serde_name() {
        for (i, id) in MetricId::ALL.iter().enumerate() {
            assert_eq!(SPECS[i].id, *id);
            assert_eq!(serde_json::to_value(id).unwrap(), serde_json::json!(SPECS[i].name));
            assert_eq!(MetricId::parse(id.as_str()).unwrap(), *id);
            assert!(!SPECS[i].grains.is_empty() && !SPECS[i].columns.is_empty());
        }
        assert_eq!(catalog().len(), MetricId::ALL.len());
        assert_eq!(MetricId::parse("nope").unwrap_err().kind(), "validation");
        for g in Grain::ALL {
            assert_eq!(Grain::parse(g.as_str()).unwrap(), g);
            assert_eq!(serde_json::to_value(g).unwrap(), serde_json::json!(g.as_str()));
        }
    }
}
