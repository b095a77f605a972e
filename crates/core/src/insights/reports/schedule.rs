//! A report's schedule and its next run (pure: no clock, no database).
//!
//! Contract: a schedule is daily, weekly on chosen weekdays, or monthly on day 1 to 28, at
//! a local time `HH:MM` in the user's IANA zone. It is stored in `reports.schedule` as
//! `{"every":"weekly","days":["mon","thu"],"time":"08:00"}`. [`Schedule::check`] refuses a
//! malformed one in words; day 29, 30 or 31 is refused (February has no day 30, and a run
//! that silently moves would surprise), naming 28 as the last day every month has.
//! [`next_after`] answers the first run strictly after an instant. DST: a local time that a
//! spring-forward gap skips runs at the first valid minute after it (02:30 → 03:00), once;
//! a time that a fall-back repeats runs at its first occurrence only.

use crate::{validate, CoreError, Result};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The last day of the month a monthly report may name (every month has it).
pub const MAX_MONTH_DAY: u32 = 28;

/// When a report runs.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(tag = "every", rename_all = "snake_case")]
#[ts(export, rename = "ReportSchedule")]
pub enum Schedule {
    /// Every day at `time`.
    Daily { time: String },
    /// On each of `days` (`mon` … `sun`) at `time`.
    Weekly { days: Vec<String>, time: String },
    /// On day `day` (1 to 28) of every month at `time`.
    Monthly { day: u32, time: String },
}

const DAY_NAMES: [(&str, Weekday); 7] = [
    ("mon", Weekday::Mon),
    ("tue", Weekday::Tue),
    ("wed", Weekday::Wed),
    ("thu", Weekday::Thu),
    ("fri", Weekday::Fri),
    ("sat", Weekday::Sat),
    ("sun", Weekday::Sun),
];

impl Schedule {
    /// The schedule checked and normalised (times `HH:MM`, days lower case, Monday first,
    /// each once), or why not in words.
    pub fn check(&self) -> Result<Schedule> {
        Ok(match self {
            Schedule::Daily { time } => Schedule::Daily { time: check_time(time)? },
            Schedule::Weekly { days, time } => {
                let mut wanted = Vec::new();
                for d in days {
                    let w = weekday(d)?;
                    if !wanted.contains(&w) {
                        wanted.push(w);
                    }
                }
                if wanted.is_empty() {
                    return Err(CoreError::validation("a weekly report needs at least one day, such as mon or mon,thu"));
                }
                wanted.sort_by_key(|w| w.num_days_from_monday());
                let days = wanted.iter().map(|w| DAY_NAMES[w.num_days_from_monday() as usize].0.to_string()).collect();
                Schedule::Weekly { days, time: check_time(time)? }
            }
            Schedule::Monthly { day, time } => {
                if *day == 0 || *day > 31 {
                    return Err(CoreError::validation(format!("a month has no day {day}; choose a day from 1 to {MAX_MONTH_DAY}")));
                }
                if *day > MAX_MONTH_DAY {
                    return Err(CoreError::validation(format!(
                        "day {day} is not in every month (February has 28 or 29 days); choose a day from 1 to {MAX_MONTH_DAY}"
                    )));
                }
                Schedule::Monthly { day: *day, time: check_time(time)? }
            }
        })
    }

    /// The schedule as stored in `reports.schedule`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_else(|_| serde_json::json!({}))
    }

    /// A stored schedule (`None` when it is not one this version reads).
    pub fn from_json(v: &serde_json::Value) -> Option<Schedule> {
        serde_json::from_value::<Schedule>(v.clone()).ok().and_then(|s| s.check().ok())
    }

    fn time(&self) -> NaiveTime {
        let t = match self {
            Schedule::Daily { time } | Schedule::Weekly { time, .. } | Schedule::Monthly { time, .. } => time,
        };
        NaiveTime::parse_from_str(t, "%H:%M").unwrap_or(NaiveTime::MIN)
    }

    fn runs_on(&self, d: NaiveDate) -> bool {
        match self {
            Schedule::Daily { .. } => true,
            Schedule::Weekly { days, .. } => days.iter().any(|n| weekday(n).is_ok_and(|w| w == d.weekday())),
            Schedule::Monthly { day, .. } => d.day() == *day,
        }
    }
}

fn check_time(text: &str) -> Result<String> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M").map(|t| t.format("%H:%M").to_string()).map_err(|_| {
        CoreError::validation(format!("the time must be a time of day as HH:MM, such as 08:00 (got \"{}\")", validate::truncate_for_message(text)))
    })
}

fn weekday(name: &str) -> Result<Weekday> {
    const FULL: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    let n = name.trim().to_ascii_lowercase();
    DAY_NAMES.iter().zip(FULL).find(|((short, _), full)| n == *short || n == *full).map(|((_, w), _)| *w).ok_or_else(|| {
        CoreError::validation(format!("\"{}\" is not a day of the week; use mon, tue, wed, thu, fri, sat or sun", validate::truncate_for_message(name)))
    })
}

/// The instant of `local` in `tz`: the first of a repeated time, the first valid minute
/// after a skipped one.
fn resolve(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    // A gap is at most a few hours (usually one): step a minute at a time past it.
    for step in 0..=(4 * 60) {
        let t = local + Duration::minutes(step);
        if let Some(at) = tz.from_local_datetime(&t).earliest() {
            return Some(at.with_timezone(&Utc));
        }
    }
    None
}

/// The first run strictly after `after` (see the module contract); `None` only for a
/// schedule that never runs (none passes [`Schedule::check`]).
pub fn next_after(s: &Schedule, tz: Tz, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let time = s.time();
    let start = after.with_timezone(&tz).date_naive() - Duration::days(1);
    // A monthly day comes within 31 days; a year is a generous bound.
    (0..400).map(|i| start + Duration::days(i)).filter(|d| s.runs_on(*d)).filter_map(|d| resolve(tz, d.and_time(time))).find(|at| *at > after)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }
    fn daily(t: &str) -> Schedule {
        Schedule::Daily { time: t.into() }
    }
    const NY: Tz = chrono_tz::America::New_York;

    #[test]
    fn a_daily_report_runs_at_its_local_time_in_the_users_zone() {
        let tokyo = chrono_tz::Asia::Tokyo;
        // 07:00 in Tokyo is 22:00 UTC the day before.
        assert_eq!(next_after(&daily("07:00"), tokyo, utc("2026-12-06T10:00:00Z")), Some(utc("2026-12-06T22:00:00Z")));
        assert_eq!(next_after(&daily("07:00"), tokyo, utc("2026-12-06T22:00:00Z")), Some(utc("2026-12-07T22:00:00Z")), "strictly after");
    }

    #[test]
    fn a_time_skipped_by_spring_forward_runs_once_at_the_next_valid_minute() {
        // 2027-03-14: New York skips 02:00-03:00 local (07:00Z is 03:00 EDT).
        let s = daily("02:30");
        let before = utc("2027-03-13T12:00:00Z");
        let first = next_after(&s, NY, before).unwrap();
        assert_eq!(first, utc("2027-03-14T07:00:00Z"), "03:00 EDT");
        let second = next_after(&s, NY, first).unwrap();
        assert_eq!(second, utc("2027-03-15T06:30:00Z"), "02:30 EDT the next day, and nothing in between");
        // The day before the change: 02:30 EST.
        assert_eq!(next_after(&s, NY, utc("2027-03-12T12:00:00Z")), Some(utc("2027-03-13T07:30:00Z")));
    }

    #[test]
    fn a_time_repeated_by_fall_back_runs_once() {
        // 2026-11-01: New York repeats 01:00-02:00 (EDT 05:00Z, then EST 06:00Z).
        let s = daily("01:30");
        let first = next_after(&s, NY, utc("2026-10-31T12:00:00Z")).unwrap();
        assert_eq!(first, utc("2026-11-01T05:30:00Z"), "the first 01:30 (EDT)");
        assert_eq!(next_after(&s, NY, first), Some(utc("2026-11-02T06:30:00Z")), "not the second 01:30 (EST)");
    }

    #[test]
    fn weekly_and_monthly_schedules_pick_their_days() {
        let s = Schedule::Weekly { days: vec!["thu".into(), "Monday".into(), "mon".into()], time: "8:05".into() }.check().unwrap();
        assert_eq!(s, Schedule::Weekly { days: vec!["mon".into(), "thu".into()], time: "08:05".into() });
        // 2026-12-07 is a Monday.
        let utc0 = chrono_tz::UTC;
        assert_eq!(next_after(&s, utc0, utc("2026-12-06T10:00:00Z")), Some(utc("2026-12-07T08:05:00Z")));
        assert_eq!(next_after(&s, utc0, utc("2026-12-07T08:05:00Z")), Some(utc("2026-12-10T08:05:00Z")));
        let m = Schedule::Monthly { day: 28, time: "23:59".into() }.check().unwrap();
        assert_eq!(next_after(&m, utc0, utc("2027-02-01T00:00:00Z")), Some(utc("2027-02-28T23:59:00Z")));
        assert_eq!(next_after(&m, utc0, utc("2027-02-28T23:59:00Z")), Some(utc("2027-03-28T23:59:00Z")));
    }

    #[test]
    fn bad_schedules_are_refused_in_words() {
        let err = |s: Schedule| s.check().unwrap_err().to_string();
        assert!(err(Schedule::Monthly { day: 30, time: "08:00".into() }).contains("day 30 is not in every month (February has 28 or 29 days)"));
        assert!(err(Schedule::Monthly { day: 0, time: "08:00".into() }).contains("no day 0"));
        assert!(err(Schedule::Daily { time: "25:00".into() }).contains("HH:MM"));
        assert!(err(Schedule::Weekly { days: vec![], time: "08:00".into() }).contains("at least one day"));
        assert!(err(Schedule::Weekly { days: vec!["funday".into()], time: "08:00".into() }).contains("not a day of the week"));
        assert!(Schedule::from_json(&serde_json::json!({})).is_none());
        let stored = Schedule::Monthly { day: 1, time: "08:00".into() }.to_json();
        assert_eq!(stored, serde_json::json!({"every": "monthly", "day": 1, "time": "08:00"}));
    }
}
