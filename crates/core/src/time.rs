//! Calendar arithmetic in the user's time zone: "today", "this week", "this month".
//! Weeks start on Monday (ISO 8601). Also the stored text of dates (`YYYY-MM-DD`) and
//! instants (`YYYY-MM-DDTHH:MM:SS.mmmZ`), written digit by digit: chrono's `Display` and
//! RFC 3339 writers go through the formatting machinery, and a month view writes thousands
//! of them (a property test pins the output to chrono's).

use crate::{CoreError, Result};
use chrono::{DateTime, Datelike, Days, NaiveDate, SecondsFormat, TimeZone, Timelike, Utc};
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

/// `d` as `YYYY-MM-DD` (as `NaiveDate`'s `Display`).
pub fn date_text(d: NaiveDate) -> String {
    let mut s = String::with_capacity(10);
    if !push_date(&mut s, d) {
        return d.to_string();
    }
    s
}

/// `t` as stored in timestamp columns: UTC, milliseconds, `Z` (as chrono's
/// `to_rfc3339_opts(SecondsFormat::Millis, true)`).
pub fn timestamp_text(t: DateTime<Utc>) -> String {
    let n = t.naive_utc();
    let mut s = String::with_capacity(24);
    // A leap second's nanoseconds run past 10^9; chrono writes those its own way.
    if n.nanosecond() >= 1_000_000_000 || !push_date(&mut s, n.date()) {
        return t.to_rfc3339_opts(SecondsFormat::Millis, true);
    }
    s.push('T');
    push_digits(&mut s, n.hour(), 2);
    s.push(':');
    push_digits(&mut s, n.minute(), 2);
    s.push(':');
    push_digits(&mut s, n.second(), 2);
    s.push('.');
    push_digits(&mut s, n.nanosecond() / 1_000_000, 3);
    s.push('Z');
    s
}

/// Writes `YYYY-MM-DD`; `false` (and nothing written) for years outside 0..=9999.
fn push_date(s: &mut String, d: NaiveDate) -> bool {
    let Ok(year) = u32::try_from(d.year()) else { return false };
    if year > 9999 {
        return false;
    }
    push_digits(s, year, 4);
    s.push('-');
    push_digits(s, d.month(), 2);
    s.push('-');
    push_digits(s, d.day(), 2);
    true
}

fn push_digits(s: &mut String, value: u32, width: u32) {
    for i in (0..width).rev() {
        s.push(char::from(b'0' + (value / 10u32.pow(i) % 10) as u8));
    }
}

#[cfg(test)]
mod text_tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The hand-written texts are chrono's, for any instant from year 0 to 9999 and
        /// beyond.
        #[test]
        fn texts_match_chrono(secs in -65_000_000_000i64..260_000_000_000, nanos in 0u32..1_000_000_000) {
            let t = DateTime::from_timestamp(secs, nanos).unwrap();
            prop_assert_eq!(timestamp_text(t), t.to_rfc3339_opts(SecondsFormat::Millis, true));
            prop_assert_eq!(date_text(t.date_naive()), t.date_naive().to_string());
        }
    }
}

/// An RFC 3339 text (a stored timestamp, or an input with an offset) as an instant;
/// `None` when it is not one.
pub fn parse_instant(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc))
}
