//! Progress rings (day, week, month, year), kept as `progress_metrics` snapshots: one
//! row per user, scope and local day (the seed's UNIQUE key), each a value 0-100 with
//! `target_value` 100.
//!
//! The rule (every figure rounded to a whole percent, all days are the user's local days):
//!
//! - **minutes share** of a period: completed focus minutes (`idle_sessions` with status
//!   `completed`, counted on their `local_date`, the day they started) against the target
//!   of [`FocusSettings`]: `daily_target_minutes` for the day,
//!   `weekly_target_hours × 60` for the week (Monday to today); capped at 100.
//! - **todo share** of a period: tasks completed in the period (any list) against those
//!   plus the tasks still open in the Today list.
//! - **day** = the mean of today's minutes share and today's todo share when today has
//!   any task planned (open in Today or completed today); the minutes share alone
//!   otherwise.
//! - **week** = the same blend over the week: this week's minutes against the weekly
//!   target, and this week's todo share.
//! - **month** and **year** = the mean of the day values of every day of the period so
//!   far (from the 1st, or from the first day the user has a day snapshot if later, to
//!   today); a day without a snapshot (the app was not used) counts as 0.
//!
//! [`refresh`] recomputes today's four snapshots inside the transaction of the change
//! that moved them (a task added, done or deleted, a session completed or abandoned, a
//! target changed): the write path runs it, as [`DERIVED`] declares, whatever wrote the
//! rows (a command, sample data, a change pulled by sync); no caller calls it. A past day's
//! snapshot is history and is not rewritten; a session running past midnight counts for
//! the day it started, like the heatmap. [`rings`] reads the latest snapshot of each
//! scope inside its current period.
//!
//! [`FocusSettings`]: crate::focus::settings::FocusSettings

use crate::db::derive::{Derived, Source};
use crate::db::Tx;
use crate::focus::settings;
use crate::planner::tasks::{completed_since, open_in_today};
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

/// `part` of `whole` in whole percent, capped at 100 (0 when `whole` is 0).
fn percent(part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        return 0;
    }
    ((part.max(0) * 100 + whole / 2) / whole).min(100)
}

/// Seconds of completed focus counted on `day`, and on every day of `from..=day` (the
/// covering index `idx_idle_sessions_completed_by_day` answers it without touching the
/// table).
pub fn focus_seconds(conn: &Connection, user_id: &str, from: NaiveDate, day: NaiveDate) -> Result<(i64, i64)> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(sum(CASE WHEN local_date = ?3 THEN total_duration END), 0), coalesce(sum(total_duration), 0)
             FROM idle_sessions WHERE user_id = ?1 AND status = 'completed' AND local_date BETWEEN ?2 AND ?3",
        )?
        .query_row(params![user_id, from.to_string(), day.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?)
}

/// The minutes share blended with the todo share (their mean when any task is planned).
fn blend(minutes_share: i64, (planned, done): (i64, i64)) -> i64 {
    if planned == 0 {
        minutes_share
    } else {
        let todo = percent(done, planned);
        (minutes_share + todo + 1) / 2
    }
}

fn upsert(tx: &Tx, user_id: &str, scope: Scope, day: NaiveDate, value: i64) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO progress_metrics(id, user_id, scope, value, target_value, captured_at, created_at)
         VALUES (?1, ?2, ?3, ?4, 100, ?5, ?6)
         ON CONFLICT(user_id, scope, captured_at) DO UPDATE SET value = excluded.value, target_value = 100
         WHERE progress_metrics.value IS NOT excluded.value OR progress_metrics.target_value IS NOT 100",
    )?
    .execute(params![
        tx.natural_id("progress_metrics", &[user_id, scope.as_str(), &day.to_string()]),
        user_id,
        scope.as_str(),
        value,
        day.to_string(),
        tx.now_text()
    ])?;
    Ok(())
}

/// The month and year values: the mean of the day values from the period's start (or the
/// user's first day snapshot, if later) to `today`, a day without a snapshot counting as 0.
fn month_and_year(conn: &Connection, user_id: &str, today: NaiveDate) -> Result<(i64, i64)> {
    let first: Option<String> = conn
        .prepare_cached(
            "SELECT captured_at FROM progress_metrics WHERE user_id = ?1 AND scope = 'day'
             ORDER BY captured_at LIMIT 1",
        )?
        .query_row([user_id], |r| r.get(0))
        .optional()?;
    let first = first.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()).unwrap_or(today);
    let (month_from, year_from) = (Scope::Month.period_start(today).max(first), Scope::Year.period_start(today).max(first));
    if year_from > today {
        return Ok((0, 0));
    }
    let (month_sum, year_sum): (i64, i64) = conn
        .prepare_cached(
            "SELECT coalesce(sum(CASE WHEN captured_at >= ?2 THEN min(value, 100) END), 0), coalesce(sum(min(value, 100)), 0)
             FROM progress_metrics WHERE user_id = ?1 AND scope = 'day' AND captured_at BETWEEN ?3 AND ?4",
        )?
        .query_row(params![user_id, month_from.to_string(), year_from.to_string(), today.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let mean = |sum: i64, from: NaiveDate| {
        if from > today {
            return 0;
        }
        let days = (today - from).num_days() + 1;
        (sum + days / 2) / days
    };
    Ok((mean(month_sum, month_from), mean(year_sum, year_from)))
}

/// The progress snapshots, as the write path keeps them: one summary per user, moved by
/// that user's tasks (added, done, moved between lists, deleted), finished focus sessions
/// (a running session's heartbeats do not move it) and focus targets.
pub static DERIVED: Derived = Derived {
    name: "focus.progress",
    sources: &[
        Source { table: "tasks", key: "user_id", columns: &["is_completed", "completed_at", "list_id", "user_id"], when: "1" },
        Source {
            table: "idle_sessions",
            key: "user_id",
            columns: &["status", "total_duration", "local_date", "user_id"],
            when: "ROW.status IN ('completed', 'abandoned')",
        },
        Source {
            table: "user_preferences",
            key: "user_id",
            columns: &["preference_value", "preference_key", "user_id"],
            when: "ROW.preference_key = 'focus.settings'",
        },
    ],
    writes: &["progress_metrics"],
    recompute: refresh_if_present,
};

/// [`refresh`] for a user set up on this device (with settings): not for another
/// account's rows seen through sync, nor for an id rows are moved away from (the first
/// sync adopting an account's id).
fn refresh_if_present(tx: &Tx, user_id: &str) -> Result<()> {
    match crate::account::settings::timezone_if_set(tx, user_id)? {
        Some(tz) => refresh_in(tx, user_id, tz),
        None => Ok(()),
    }
}

/// The four values for `today` (day, week, month, year), with today's day snapshot
/// written first so month and year include it.
pub fn refresh(tx: &Tx, user_id: &str) -> Result<()> {
    refresh_in(tx, user_id, crate::account::settings::timezone(tx, user_id)?)
}

fn refresh_in(tx: &Tx, user_id: &str, tz: Tz) -> Result<()> {
    let targets = settings::get(tx, user_id)?;
    let today = local_date(tx.now(), tz);
    let tomorrow = start_of_day(today + Days::new(1), tz);

    // The todo of a period: tasks completed in it (any list) plus those still open in
    // the Today list (counted once for the day and the week).
    let open = open_in_today(tx, user_id)?;
    let monday = week_start(today);
    let (done_today, done_week) = completed_since(tx, user_id, start_of_day(today, tz), start_of_day(monday, tz), tomorrow)?;
    let (seconds_today, seconds_week) = focus_seconds(tx, user_id, monday, today)?;

    let day_minutes = percent(seconds_today, targets.daily_target_minutes * 60);
    upsert(tx, user_id, Scope::Day, today, blend(day_minutes, (open + done_today, done_today)))?;
    let week_minutes = percent(seconds_week, targets.weekly_target_hours * 3600);
    upsert(tx, user_id, Scope::Week, today, blend(week_minutes, (open + done_week, done_week)))?;

    // After the day's snapshot: the month and the year include it.
    let (month, year) = month_and_year(tx, user_id, today)?;
    upsert(tx, user_id, Scope::Month, today, month)?;
    upsert(tx, user_id, Scope::Year, today, year)?;
    Ok(())
}

/// A past day's snapshot, written only where that day has none (sample data's history;
/// a day's snapshot is otherwise only written by [`refresh`], for today).
pub fn record_past_day(tx: &Tx, user_id: &str, day: NaiveDate, value: i64) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO progress_metrics(id, user_id, scope, value, target_value, captured_at, created_at)
         VALUES (?1, ?2, 'day', ?3, 100, ?4, ?5) ON CONFLICT(user_id, scope, captured_at) DO NOTHING",
    )?
    .execute(params![
        tx.natural_id("progress_metrics", &[user_id, Scope::Day.as_str(), &day.to_string()]),
        user_id,
        value,
        day.to_string(),
        tx.now_text()
    ])?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_rounds_and_caps() {
        assert_eq!(percent(60, 120), 50);
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(2, 3), 67);
        assert_eq!(percent(500, 120), 100);
        assert_eq!(percent(5, 0), 0);
    }

    #[test]
    fn blend_is_minutes_alone_without_a_plan() {
        assert_eq!(blend(40, (0, 0)), 40);
        assert_eq!(blend(0, (2, 1)), 25);
        assert_eq!(blend(100, (4, 4)), 100);
        assert_eq!(blend(50, (3, 1)), 42); // (50 + 33) / 2 = 41.5
    }
}
