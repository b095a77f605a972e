//! Focus metrics: minutes studied, sessions completed, pomodoro cycles, study days, the
//! streak, and favorite activities.
//!
//! Definitions:
//! - A session counts when its status is `completed` (abandoned and running ones never),
//!   on its stored `local_date` (the user's date when it started, as the heatmap and the
//!   rings count it); its focus seconds are `total_duration`.
//! - **Pomodoro cycles** of a session: its focus seconds divided by its work phase
//!   (`session_config.pomodoro.work_minutes` × 60), rounded down; a session without
//!   pomodoro has none. Exact unless a work phase was skipped early (`next_phase`): the
//!   focus time of skipped phases adds up like any other.
//! - **Study days**, **streak**: the Focus page's own rules and functions
//!   (`focus::stats`): a study day has at least one rounded minute; a streak allows the
//!   Focus settings' rest days per calendar week. The streak is read as of the end of the
//!   range (today when the range reaches past today): `current` is the streak alive then,
//!   `longest` the longest up to then, over the whole history.
//! - **Favorite activities**: my `user_activity_favorites` rows (seed 004), on the day each
//!   was added; a favorite removed since is gone with its row.

use super::periods::{Days, Edges};
use super::{count_per_day, Category, Ctx, Grain};
use crate::focus::{activities, settings, stats};
use crate::time::{date_text, local_date};
use crate::Result;
use chrono::NaiveDate;
use rusqlite::types::Value;
use std::collections::HashMap;

/// What is summed over a group of completed sessions.
#[derive(Debug, Clone, Copy)]
pub enum Measure {
    Seconds,
    Sessions,
    Cycles,
}

impl Measure {
    fn sql(self) -> &'static str {
        match self {
            Measure::Seconds => "sum(total_duration)",
            Measure::Sessions => "count(*)",
            Measure::Cycles => "sum(CAST(total_duration / (60 * json_extract(session_config, '$.pomodoro.work_minutes')) AS INTEGER))",
        }
    }

    /// An extra condition of the sessions it reads.
    fn only(self) -> &'static str {
        match self {
            Measure::Cycles => " AND json_extract(session_config, '$.pomodoro.work_minutes') > 0",
            _ => "",
        }
    }
}

/// The index a query reads when it is not the one by day (V4): minutes or sessions per
/// course or activity (or of one course or activity) read completed sessions in that
/// column's order, so a grouping needs no sort; pomodoro cycles read the partial index of
/// pomodoro sessions, which holds each one's work-phase length (V15). Named, because the
/// planner without statistics takes the index by day for all of them, and then sorts ten
/// years of sessions or parses their JSON (20-45 ms instead of a few).
fn index_for(key: &str, measure: Measure, filters: &[&str]) -> &'static str {
    let uses = |column: &str| key == column || filters.contains(&column);
    match measure {
        Measure::Cycles => " INDEXED BY idx_idle_sessions_pomodoro_by_day",
        _ if uses("course_id") => " INDEXED BY idx_idle_sessions_completed_by_course",
        _ if uses("activity_id") => " INDEXED BY idx_idle_sessions_completed_by_activity",
        _ => "",
    }
}

/// The query of [`sessions_grouped`]: `?1` the user, `?2` and `?3` the first and last local
/// dates, then the id of each of `filters` (columns of `idle_sessions`), in order. Each
/// shape is answered from one index (a unit test checks the plans).
fn sessions_sql(key: &str, measure: Measure, filters: &[&str]) -> String {
    let narrowed: String = filters.iter().enumerate().map(|(i, column)| format!(" AND {column} = ?{}", i + 4)).collect();
    format!(
        "SELECT {key}, {} FROM idle_sessions{}
          WHERE user_id = ?1 AND status = 'completed' AND local_date BETWEEN ?2 AND ?3{}{narrowed}
          GROUP BY {key}",
        measure.sql(),
        index_for(key, measure, filters),
        measure.only()
    )
}

/// `(key, sum)` of my completed sessions in `days`, grouped by `key` (a column of
/// `idle_sessions`), narrowed by the query's filters.
fn sessions_grouped(ctx: &Ctx, days: Days, key: &str, measure: Measure) -> Result<Vec<(Option<String>, i64)>> {
    let mut params = vec![Value::from(ctx.me.to_string()), Value::from(date_text(days.from)), Value::from(date_text(days.to))];
    let mut filters = Vec::new();
    for (column, id) in [("course_id", &ctx.course_id), ("activity_id", &ctx.activity_id)] {
        if let Some(id) = id {
            params.push(Value::from(id.clone()));
            filters.push(column);
        }
    }
    let mut stmt = ctx.conn.prepare_cached(&sessions_sql(key, measure, &filters))?;
    let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| Ok((r.get(0)?, r.get::<_, Option<i64>>(1)?.unwrap_or(0))))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn sessions_per_day(ctx: &Ctx, days: Days, measure: Measure) -> Result<Vec<i64>> {
    let mut out = vec![0; days.len()];
    for (date, sum) in sessions_grouped(ctx, days, "local_date", measure)? {
        let day = date.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()).and_then(|d| days.index(d));
        if let Some(i) = day {
            out[i] += sum;
        }
    }
    Ok(out)
}

/// Sessions per course or per activity (with the names the user sees).
pub fn sessions_by(ctx: &Ctx, days: Days, measure: Measure, grain: Grain) -> Result<Vec<Category>> {
    let (key, names) = match grain {
        Grain::Course => ("course_id", crate::planner::assignments::course_names(ctx.conn, ctx.me)?),
        _ => ("activity_id", activity_names(ctx)?),
    };
    Ok(sessions_grouped(ctx, days, key, measure)?
        .into_iter()
        .map(|(id, sum)| Category { label: id.as_ref().map(|i| names.get(i).cloned().unwrap_or_else(|| i.clone())), id, values: vec![sum] })
        .collect())
}

fn activity_names(ctx: &Ctx) -> Result<HashMap<String, String>> {
    Ok(activities::list(ctx.conn, ctx.me)?.into_iter().map(|a| (a.row.id, a.row.name)).collect())
}

/// My study days (at least one rounded minute), oldest first, over the whole history.
fn study_days(ctx: &Ctx) -> Result<Vec<NaiveDate>> {
    Ok(stats::seconds_by_day(ctx.conn, ctx.me)?.into_iter().filter(|(_, s)| stats::minutes(*s) >= 1).map(|(d, _)| d).collect())
}

/// 1 on each study day of the range, else 0.
pub fn study_days_per_day(ctx: &Ctx, days: Days) -> Result<Vec<i64>> {
    let mut out = vec![0; days.len()];
    for d in study_days(ctx)? {
        if let Some(i) = days.index(d) {
            out[i] = 1;
        }
    }
    Ok(out)
}

/// `(current, longest)` streak as of each of `ends` (each no later than today): the study
/// days are read once.
pub fn streaks(ctx: &Ctx, ends: &[NaiveDate]) -> Result<Vec<(i64, i64)>> {
    let days = study_days(ctx)?;
    let rest = settings::get(ctx.conn, ctx.me)?.rest_days_per_week;
    let today = local_date(ctx.now, ctx.tz);
    Ok(ends.iter().map(|end| stats::streaks(&days, (*end).min(today), rest)).collect())
}

const FAVORITES_IN_RANGE: &str = "SELECT created_at, activity_id FROM user_activity_favorites
     WHERE user_id = ?1 AND created_at >= ?2 AND created_at < ?3";

pub fn favorites_per_day(ctx: &Ctx, days: Days, edges: &Edges) -> Result<Vec<i64>> {
    count_per_day(ctx, FAVORITES_IN_RANGE, (ctx.me, edges.lower(), edges.upper()), days, edges)
}

/// My favorites added in the range, per activity (one each: a favorite is unique per
/// user and activity).
pub fn favorites_by_activity(ctx: &Ctx, edges: &Edges) -> Result<Vec<Category>> {
    let names = activity_names(ctx)?;
    let mut stmt = ctx.conn.prepare_cached(FAVORITES_IN_RANGE)?;
    let mut rows = stmt.query((ctx.me, edges.lower(), edges.upper()))?;
    let mut counts: HashMap<String, i64> = HashMap::new();
    while let Some(r) = rows.next()? {
        let (at, activity): (String, String) = (r.get(0)?, r.get(1)?);
        if edges.day_of(&at).is_some() {
            *counts.entry(activity).or_default() += 1;
        }
    }
    Ok(counts
        .into_iter()
        .map(|(id, n)| Category { label: Some(names.get(&id).cloned().unwrap_or_else(|| id.clone())), id: Some(id), values: vec![n] })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plan SQLite picks for `sql` on a migrated database file.
    fn plan(sql: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::Db::open(&dir.path().join("studydesk.db"), crate::clock::system()).unwrap();
        db.read(|c| {
            let mut stmt = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
            let n = stmt.parameter_count();
            let rows = stmt.query_map(rusqlite::params_from_iter(vec!["x"; n]), |r| r.get::<_, String>(3))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?.join(" | "))
        })
        .unwrap()
    }

    /// Minutes and sessions come from one covering index whatever the grain or filter;
    /// pomodoro cycles from the partial index of pomodoro sessions (the work phase's length
    /// is in it, so the JSON is not parsed per read; SQLite may still visit those rows).
    #[test]
    fn every_session_metric_reads_its_index() {
        use Measure::*;
        let by_day = "COVERING INDEX idx_idle_sessions_completed_by_day";
        let by_course = "COVERING INDEX idx_idle_sessions_completed_by_course";
        let by_activity = "COVERING INDEX idx_idle_sessions_completed_by_activity";
        let pomodoro = "INDEX idx_idle_sessions_pomodoro_by_day";
        let cases: [(&str, Measure, &[&str], &str); 8] = [
            ("local_date", Seconds, &[], by_day),
            ("local_date", Sessions, &[], by_day),
            ("course_id", Seconds, &[], by_course),
            ("activity_id", Sessions, &[], by_activity),
            ("local_date", Seconds, &["course_id"], by_course),
            ("local_date", Seconds, &["activity_id"], by_activity),
            ("local_date", Cycles, &[], pomodoro),
            ("course_id", Cycles, &["activity_id"], pomodoro),
        ];
        for (key, measure, filters, index) in cases {
            let p = plan(&sessions_sql(key, measure, filters));
            assert!(p.contains(index), "{key} {measure:?} {filters:?}: {p}");
            if !matches!(measure, Cycles) {
                assert!(!p.contains("TEMP B-TREE"), "grouped in index order, no sort: {key} {filters:?}: {p}");
            }
        }
    }

    #[test]
    fn likes_and_comments_received_are_read_from_their_indexes() {
        for (sql, index) in [
            (super::super::feed::LIKES_SQL, "COVERING INDEX idx_post_likes_post_id_created_at"),
            (super::super::feed::COMMENTS_SQL, "COVERING INDEX idx_post_comments_post_id_created_at"),
        ] {
            let p = plan(sql);
            assert!(p.contains(index) && p.contains("COVERING INDEX idx_posts_user_id_created_at"), "{p}");
        }
    }
}
