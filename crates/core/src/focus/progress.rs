//! Progress rings (day, week, month, year), kept as `progress_metrics` snapshots: one
//! row per user, scope and local day (the seed's UNIQUE key).
//!
//! Until focus sessions land, progress means planned work done: the day value is the
//! share (0-100) of today's todo that is completed (open tasks in the Today list plus
//! tasks completed today, local time); week, month and year are the mean of the day
//! values in that period so far. [`refresh`] recomputes today's four snapshots inside
//! the same transaction as the task change that moved them.

use crate::db::Tx;
use crate::time::{local_date, month_start, start_of_day, week_start, year_start};
use crate::Result;
use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Scope {
    Day,
    Week,
    Month,
    Year,
}

impl Scope {
    pub const ALL: [Scope; 4] = [Scope::Day, Scope::Week, Scope::Month, Scope::Year];
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Day => "day",
            Scope::Week => "week",
            Scope::Month => "month",
            Scope::Year => "year",
        }
    }
    fn period_start(self, today: NaiveDate) -> NaiveDate {
        match self {
            Scope::Day => today,
            Scope::Week => week_start(today),
            Scope::Month => month_start(today),
            Scope::Year => year_start(today),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct ProgressRing {
    pub scope: Scope,
    /// 0..=target_value
    pub value: i64,
    pub target_value: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct ProgressRings {
    pub day: ProgressRing,
    pub week: ProgressRing,
    pub month: ProgressRing,
    pub year: ProgressRing,
}

/// The share of today's todo that is done, 0-100.
fn day_value(conn: &Connection, user_id: &str, today_start: DateTime<Utc>, tomorrow_start: DateTime<Utc>) -> Result<i64> {
    let list = crate::planner::tasks::default_list(conn, user_id)?;
    // Two halves (open in the list, completed today) so each uses its partial index; an
    // OR across them made SQLite walk every task the user ever had.
    let (planned, done): (i64, i64) = conn
        .prepare_cached(
            "SELECT count(*), coalesce(sum(done), 0) FROM (
               SELECT 0 AS done FROM tasks WHERE list_id = ?2 AND is_completed = 0 AND user_id = ?1
               UNION ALL
               SELECT 1 FROM tasks WHERE user_id = ?1 AND is_completed = 1 AND completed_at >= ?3 AND completed_at < ?4)",
        )?
        .query_row(
            params![user_id, list.id, crate::db::timestamp_text(today_start), crate::db::timestamp_text(tomorrow_start)],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
    Ok(if planned == 0 { 0 } else { (done * 100 + planned / 2) / planned })
}

fn upsert(tx: &Tx, user_id: &str, scope: Scope, day: NaiveDate, value: i64) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO progress_metrics(id, user_id, scope, value, target_value, captured_at, created_at)
         VALUES (?1, ?2, ?3, ?4, 100, ?5, ?6)
         ON CONFLICT(user_id, scope, captured_at) DO UPDATE SET value = excluded.value
         WHERE progress_metrics.value IS NOT excluded.value",
    )?
    .execute(params![tx.new_id(), user_id, scope.as_str(), value, day.to_string(), tx.now_text()])?;
    Ok(())
}

fn mean_of_days(conn: &Connection, user_id: &str, from: NaiveDate, to: NaiveDate) -> Result<i64> {
    let v: Option<f64> = conn
        .prepare_cached(
            "SELECT avg(value) FROM progress_metrics WHERE user_id = ?1 AND scope = 'day' AND captured_at BETWEEN ?2 AND ?3",
        )?
        .query_row(params![user_id, from.to_string(), to.to_string()], |r| r.get(0))?;
    Ok(v.map(|v| v.round() as i64).unwrap_or(0))
}

/// Recomputes today's snapshots for every scope.
pub fn refresh(tx: &Tx, user_id: &str) -> Result<()> {
    let tz = crate::account::settings::timezone(tx, user_id)?;
    let today = local_date(tx.now(), tz);
    let tomorrow = today + Days::new(1);
    let value = day_value(tx, user_id, start_of_day(today, tz), start_of_day(tomorrow, tz))?;
    upsert(tx, user_id, Scope::Day, today, value)?;
    for scope in [Scope::Week, Scope::Month, Scope::Year] {
        let mean = mean_of_days(tx, user_id, scope.period_start(today), today)?;
        upsert(tx, user_id, scope, today, mean)?;
    }
    Ok(())
}

/// The latest snapshot of each scope inside its current period (0 when there is none).
pub fn rings(conn: &Connection, user_id: &str, now: DateTime<Utc>, tz: Tz) -> Result<ProgressRings> {
    let today = local_date(now, tz);
    let ring = |scope: Scope| -> Result<ProgressRing> {
        let found: Option<(i64, Option<i64>)> = conn
            .prepare_cached(
                "SELECT value, target_value FROM progress_metrics WHERE user_id = ?1 AND scope = ?2
                 AND captured_at BETWEEN ?3 AND ?4 ORDER BY captured_at DESC LIMIT 1",
            )?
            .query_row(
                params![user_id, scope.as_str(), scope.period_start(today).to_string(), today.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (value, target) = found.unwrap_or((0, Some(100)));
        let target = target.filter(|t| *t > 0).unwrap_or(100);
        Ok(ProgressRing { scope, value: value.clamp(0, target), target_value: target })
    };
    Ok(ProgressRings { day: ring(Scope::Day)?, week: ring(Scope::Week)?, month: ring(Scope::Month)?, year: ring(Scope::Year)? })
}
