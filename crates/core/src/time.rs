//! Calendar arithmetic in the user's time zone: "today", "this week", "this month".
//! Weeks start on Monday (ISO 8601).

use crate::{CoreError, Result};
use chrono::{DateTime, Datelike, Days, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

pub fn parse_tz(name: &str) -> Result<Tz> {
    name.parse::<Tz>().map_err(|_| {
        CoreError::validation(format!(
            "unknown time zone \"{}\"; use an IANA name such as Asia/Tokyo or Europe/London",
            crate::validate::truncate_for_message(name)
        ))
    })
}

/// The user's local date at `now`.
pub fn local_date(now: DateTime<Utc>, tz: Tz) -> NaiveDate {
    now.with_timezone(&tz).date_naive()
}

pub fn week_start(d: NaiveDate) -> NaiveDate {
    d - Days::new(d.weekday().num_days_from_monday() as u64)
}

pub fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

pub fn year_start(d: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(d.year(), 1, 1).unwrap_or(d)
}

pub fn next_month_start(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 { (d.year() + 1, 1) } else { (d.year(), d.month() + 1) };
    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(d)
}

/// The UTC instant at which local date `d` begins in `tz` (the earliest one when a DST
/// change makes midnight ambiguous; the first valid minute when it skips midnight).
pub fn start_of_day(d: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let midnight = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    match tz.from_local_datetime(&midnight) {
        chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
        chrono::LocalResult::Ambiguous(a, _) => a.with_timezone(&Utc),
        chrono::LocalResult::None => (1..=180)
            .find_map(|m| tz.from_local_datetime(&(midnight + chrono::Duration::minutes(m))).earliest())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| Utc.from_utc_datetime(&midnight)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_follows_the_users_time_zone() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 20, 0, 0).unwrap();
        assert_eq!(local_date(now, parse_tz("Asia/Tokyo").unwrap()).to_string(), "2026-11-23");
        assert_eq!(local_date(now, parse_tz("America/New_York").unwrap()).to_string(), "2026-11-22");
    }

    #[test]
    fn weeks_start_on_monday() {
        let sunday = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        assert_eq!(week_start(sunday).to_string(), "2026-11-16");
    }

    #[test]
    fn unknown_zones_are_refused() {
        assert_eq!(parse_tz("Mars/Olympus").unwrap_err().kind(), "validation");
    }
}
