//! Focus statistics for the Focus page: the year heatmap of study minutes, totals, and
//! the current and longest streak.
//!
//! Contract:
//! - A day's minutes are the seconds of the user's **completed** sessions whose
//!   `local_date` (the user's local date the session started) is that day, summed, then
//!   rounded to the nearest minute. One `GROUP BY local_date` over the covering index
//!   `idx_idle_sessions_completed_by_day` reads them; everything else is Rust.
//! - The heatmap covers the last 365 days: `from` = today − 364 days, `to` = today
//!   (today in the user's time zone now). `days` lists only the days with at least one
//!   minute, oldest first. `year_minutes` is the total of that window, `week_minutes`
//!   Monday to today, `today_minutes` today.
//! - A **study day** has at least one (rounded) minute.
//! - **Streaks** count study days in a row over the whole history, with the rest-day
//!   allowance of [`FocusSettings::rest_days_per_week`]: inside a streak, within each
//!   calendar week (Monday to Sunday) the first `rest_days_per_week` days without study
//!   are rest days: they do not break the streak and do not add to it. One more day
//!   without study in that week breaks it. Today without study (yet) never breaks the
//!   current streak and uses no allowance. A streak's length is its number of study days.
//! - `current_streak` is the streak still alive today (0 when it broke), `longest_streak`
//!   the longest ever (at least `current_streak`).
//!
//! [`FocusSettings::rest_days_per_week`]: crate::focus::settings::FocusSettings

use crate::focus::settings::{self, FocusSettings};
use crate::time::{local_date, week_start};
use crate::Result;
use chrono::{DateTime, Datelike, Days, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Days the heatmap covers, today included.
pub const HEATMAP_DAYS: u64 = 365;

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
#[ts(export)]
pub struct DayMinutes {
    /// `YYYY-MM-DD`, the user's local date.
    pub date: String,
    pub minutes: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
#[ts(export)]
pub struct FocusStats {
    /// First day of the heatmap (today − 364 days).
    pub from: String,
    /// Last day of the heatmap: today.
    pub to: String,
    /// Days with minutes only, oldest first.
    pub days: Vec<DayMinutes>,
    pub today_minutes: i64,
    pub week_minutes: i64,
    /// Minutes in `from..=to`.
    pub year_minutes: i64,
    pub current_streak: i64,
    pub longest_streak: i64,
    pub settings: FocusSettings,
}

/// The query of [`seconds_by_day`] (public so a test can check its plan).
pub const SECONDS_BY_DAY_SQL: &str = "SELECT local_date, sum(total_duration) FROM idle_sessions
     WHERE user_id = ?1 AND status = 'completed' AND local_date IS NOT NULL
     GROUP BY local_date ORDER BY local_date";

/// Seconds of completed focus per local day over the user's whole history, oldest first
/// (days without any completed session are absent).
pub fn seconds_by_day(conn: &Connection, user_id: &str) -> Result<Vec<(NaiveDate, i64)>> {
    let mut stmt = conn.prepare_cached(SECONDS_BY_DAY_SQL)?;
    let mut rows = stmt.query([user_id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let text: String = r.get(0)?;
        let seconds: i64 = r.get(1)?;
        // The column's CHECK only guarantees the shape; skip an impossible date.
        if let Ok(d) = NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
            out.push((d, seconds));
        }
    }
    Ok(out)
}

/// Seconds to the nearest minute.
pub fn minutes(seconds: i64) -> i64 {
    (seconds.max(0) + 30) / 60
}

/// `(current, longest)` streaks for the study days `days` (sorted, unique), as of
/// `today`, with `rest_days_per_week` rest days allowed per calendar week. See the
/// module docs for the rule.
pub fn streaks(days: &[NaiveDate], today: NaiveDate, rest_days_per_week: i64) -> (i64, i64) {
    let allowance = rest_days_per_week.max(0);
    let mut studied = days.iter().copied().filter(|d| *d <= today).peekable();
    let Some(mut d) = studied.peek().copied() else { return (0, 0) };
    let (mut run, mut longest, mut rest_used) = (0i64, 0i64, 0i64);
    loop {
        if d.weekday() == Weekday::Mon {
            rest_used = 0;
        }
        // Unsorted or repeated input must not stall the walk.
        while studied.peek().is_some_and(|&s| s < d) {
            studied.next();
        }
        if studied.peek() == Some(&d) {
            studied.next();
            run += 1;
            longest = longest.max(run);
        } else if d != today && run > 0 {
            if rest_used < allowance {
                rest_used += 1;
            } else {
                run = 0;
            }
        }
        match d.checked_add_days(Days::new(1)) {
            Some(n) if d < today => d = n,
            _ => break,
        }
    }
    // The walk reached today, so `run` is 0 if the streak broke on the way.
    (run, longest)
}

/// The Focus page's statistics for `user_id` at `now`.
pub fn focus_stats(conn: &Connection, user_id: &str, now: DateTime<Utc>, tz: Tz) -> Result<FocusStats> {
    let settings = settings::get(conn, user_id)?;
    let today = local_date(now, tz);
    let from = today - Days::new(HEATMAP_DAYS - 1);
    let monday = week_start(today);
    let all = seconds_by_day(conn, user_id)?;

    let study_days: Vec<NaiveDate> =
        all.iter().filter(|(d, s)| *d <= today && minutes(*s) >= 1).map(|(d, _)| *d).collect();
    let (current_streak, longest_streak) = streaks(&study_days, today, settings.rest_days_per_week);

    let sum_seconds = |lo: NaiveDate| -> i64 { all.iter().filter(|(d, _)| *d >= lo && *d <= today).map(|(_, s)| s).sum() };
    let days = all
        .iter()
        .filter(|(d, _)| *d >= from && *d <= today)
        .map(|(d, s)| DayMinutes { date: d.to_string(), minutes: minutes(*s) })
        .filter(|m| m.minutes > 0)
        .collect();
    Ok(FocusStats {
        from: from.to_string(),
        to: today.to_string(),
        days,
        today_minutes: minutes(sum_seconds(today)),
        week_minutes: minutes(sum_seconds(monday)),
        year_minutes: minutes(sum_seconds(from)),
        current_streak,
        longest_streak,
        settings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn consecutive_days_make_a_streak_and_a_gap_breaks_it() {
        // 2026-11-16 is a Monday.
        let days = [d("2026-11-10"), d("2026-11-11"), d("2026-11-16"), d("2026-11-17"), d("2026-11-18")];
        assert_eq!(streaks(&days, d("2026-11-18"), 0), (3, 3));
        assert_eq!(streaks(&days, d("2026-11-19"), 0), (3, 3), "today not studied yet");
        assert_eq!(streaks(&days, d("2026-11-20"), 0), (0, 3), "yesterday missed");
        assert_eq!(streaks(&[], d("2026-11-20"), 1), (0, 0));
    }

    #[test]
    fn rest_days_are_per_calendar_week() {
        // Mon 16 study, Tue 17 rest, Wed 18 study, Thu 19 missed (second in the week).
        let days = [d("2026-11-16"), d("2026-11-18")];
        assert_eq!(streaks(&days, d("2026-11-18"), 1), (2, 2));
        assert_eq!(streaks(&days, d("2026-11-19"), 1), (2, 2), "today pending");
        assert_eq!(streaks(&days, d("2026-11-20"), 1), (0, 2), "Thu is a second missed day");
        assert_eq!(streaks(&days, d("2026-11-20"), 2), (2, 2), "two rest days allowed");
        // Sun 22 rest and Mon 23 rest: different weeks, one each.
        let days = [d("2026-11-21"), d("2026-11-24")];
        assert_eq!(streaks(&days, d("2026-11-24"), 1), (2, 2));
    }
}
