//! The values of a CSV field: which column kinds a column can still be after the fields
//! seen so far ([`Guess`], the inference), and the SQL value of a field read as a kind
//! ([`convert`], for the inferred kinds and the ones the user chose).
//!
//! Contract:
//! - A field that is empty or only spaces is NULL whatever the kind, and tells nothing.
//! - `integer`: an optional sign and digits that fit 64 bits, without a leading zero
//!   (`007` is a code, so text), `real`: a finite decimal number (`1.5`, `-.5`, `2e3`)
//!   under the same leading-zero rule; a decimal comma (`1,5`) reads as text.
//! - `date`: `YYYY-MM-DD` or `YYYY/M/D`, and day and month with a four-digit year
//!   separated by `/`, `.` or `-` (`31/12/2024`, `12/31/2024`). A column of such dates is
//!   inferred only when its values tell the order (one of them has a day above 12);
//!   otherwise it stays text, and a user who makes it a date gets day first. Stored as
//!   `YYYY-MM-DD`.
//! - `timestamp`: a date as above in year-first form, `T` or a space, then `HH:MM`,
//!   `HH:MM:SS` or with fractions, and an optional `Z` or `±HH:MM` offset. One without an
//!   offset is a time in the user's time zone. Stored as UTC text
//!   (`2024-05-01T01:00:00.000Z`), like every timestamp of the app. A plain date read as a
//!   timestamp is midnight in the user's zone.
//! - Inference prefers integer, then real, date, timestamp, text; a column with no value
//!   at all is text.

use crate::insights::table::ColumnKind;
use crate::time::{date_text, start_of_day, timestamp_text};
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Which of day and month comes first in a date like `03/04/2024`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DayOrder {
    /// `31/12/2024` (most of the world).
    DayFirst,
    /// `12/31/2024` (the United States).
    MonthFirst,
}

/// What one column can still be, given the fields seen so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guess {
    /// A non-empty field was seen.
    seen: bool,
    integer: bool,
    real: bool,
    /// Every field is a date in one of the accepted forms.
    date: bool,
    /// Every day-and-month date reads day first / month first.
    day_first: bool,
    month_first: bool,
    /// Some field was a day-and-month date (so the order matters).
    ordered: bool,
    timestamp: bool,
}

impl Default for Guess {
    fn default() -> Self {
        Guess::new()
    }
}

impl Guess {
    /// Nothing seen: anything is possible.
    pub const fn new() -> Guess {
        Guess { seen: false, integer: true, real: true, date: true, day_first: true, month_first: true, ordered: false, timestamp: true }
    }

    /// The guess from one field alone.
    pub fn of(field: &str) -> Guess {
        let mut g = Guess::new();
        g.see(field);
        g
    }

    /// Narrows the guess by one more field.
    pub fn see(&mut self, field: &str) {
        if self.seen && !(self.integer || self.real || self.date || self.timestamp) {
            return; // text already: nothing can change that
        }
        let v = field.trim();
        if v.is_empty() {
            return;
        }
        self.seen = true;
        if self.integer && !is_integer(v) {
            self.integer = false;
        }
        if self.real && !is_real(v) {
            self.real = false;
        }
        if self.date {
            self.see_date(v);
        }
        if self.timestamp && !is_timestamp(v) {
            self.timestamp = false;
        }
    }

    fn see_date(&mut self, v: &str) {
        match date_shape(v) {
            Some(DateShape::YearFirst(d)) => self.date = d.is_some(),
            Some(DateShape::DayMonth(a, b, y)) => {
                self.ordered = true;
                self.day_first &= ymd(y, b, a).is_some();
                self.month_first &= ymd(y, a, b).is_some();
                self.date = self.day_first || self.month_first;
            }
            None => self.date = false,
        }
    }

    /// The guess over the fields of both (a column split into its first row and the rest).
    pub fn and(self, other: Guess) -> Guess {
        Guess {
            seen: self.seen || other.seen,
            integer: self.integer && other.integer,
            real: self.real && other.real,
            date: self.date && other.date && (self.day_first && other.day_first || self.month_first && other.month_first),
            day_first: self.day_first && other.day_first,
            month_first: self.month_first && other.month_first,
            ordered: self.ordered || other.ordered,
            timestamp: self.timestamp && other.timestamp,
        }
    }

    /// Whether a value was seen and it is a number, a date or a timestamp (a header cell
    /// is none of these).
    pub fn typed(&self) -> bool {
        self.seen && (self.integer || self.real || self.date || self.timestamp)
    }

    /// Whether any non-empty field was seen.
    pub fn seen(&self) -> bool {
        self.seen
    }

    /// The inferred kind (see the module contract).
    pub fn kind(&self) -> ColumnKind {
        if !self.seen {
            ColumnKind::Text
        } else if self.integer {
            ColumnKind::Integer
        } else if self.real {
            ColumnKind::Real
        } else if self.date && (!self.ordered || self.day_first != self.month_first) {
            ColumnKind::Date
        } else if self.timestamp {
            ColumnKind::Timestamp
        } else {
            ColumnKind::Text
        }
    }

    /// The order to read day-and-month dates in: the one the values allow, day first when
    /// both do; `None` when the column has none.
    pub fn day_order(&self) -> Option<DayOrder> {
        if !self.ordered {
            None
        } else if self.month_first && !self.day_first {
            Some(DayOrder::MonthFirst)
        } else {
            Some(DayOrder::DayFirst)
        }
    }
}

/// How to read one column's fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    pub kind: ColumnKind,
    pub order: DayOrder,
}

/// The SQL value of `field` read as `how`, or what it should have been (for the message).
pub fn convert<'a>(field: &'a str, how: Reading, tz: Tz) -> Result<ToSqlOutput<'a>, &'static str> {
    let v = field.trim();
    if v.is_empty() {
        return Ok(ToSqlOutput::Borrowed(ValueRef::Null));
    }
    match how.kind {
        ColumnKind::Text => Ok(ToSqlOutput::Borrowed(ValueRef::Text(field.as_bytes()))),
        ColumnKind::Integer => parse_integer(v).map(|i| ToSqlOutput::Owned(Value::Integer(i))).ok_or("a whole number"),
        ColumnKind::Real => parse_real(v).map(|r| ToSqlOutput::Owned(Value::Real(r))).ok_or("a number"),
        ColumnKind::Date => parse_date(v, how.order)
            .map(|d| ToSqlOutput::Owned(Value::Text(date_text(d))))
            .ok_or("a date (2024-12-31, 2024/12/31 or 31/12/2024)"),
        ColumnKind::Timestamp => parse_timestamp(v, tz)
            .map(|t| ToSqlOutput::Owned(Value::Text(timestamp_text(t))))
            .ok_or("a date and time (2024-12-31 18:30, optionally with seconds and a Z or +09:00 offset)"),
    }
}

fn digits(b: &[u8]) -> bool {
    !b.is_empty() && b.iter().all(u8::is_ascii_digit)
}

fn unsigned(v: &str) -> &[u8] {
    let b = v.as_bytes();
    match b.first() {
        Some(b'+' | b'-') => &b[1..],
        _ => b,
    }
}

/// Digits with no leading zero (but `0` itself).
fn no_leading_zero(int_part: &[u8]) -> bool {
    int_part.len() <= 1 || int_part[0] != b'0'
}

fn is_integer(v: &str) -> bool {
    let d = unsigned(v);
    digits(d) && no_leading_zero(d) && v.parse::<i64>().is_ok()
}

/// Any integer text that fits (leading zeros allowed: the user chose the kind).
fn parse_integer(v: &str) -> Option<i64> {
    if digits(unsigned(v)) {
        v.parse().ok()
    } else {
        None
    }
}

/// `[+-]digits[.digits][e[+-]digits]` or `[+-].digits[...]`.
fn real_shape(v: &str) -> Option<&[u8]> {
    let b = unsigned(v);
    let mantissa_end = b.iter().position(|c| matches!(c, b'e' | b'E')).unwrap_or(b.len());
    let (mantissa, exponent) = b.split_at(mantissa_end);
    let (int_part, frac) = match mantissa.iter().position(|c| *c == b'.') {
        Some(dot) => (&mantissa[..dot], &mantissa[dot + 1..]),
        None => (mantissa, &[][..]),
    };
    let int_ok = int_part.is_empty() || digits(int_part);
    let frac_ok = frac.is_empty() || digits(frac);
    let some_digit = !int_part.is_empty() || !frac.is_empty();
    let exp_ok = exponent.is_empty() || digits(unsigned(std::str::from_utf8(&exponent[1..]).unwrap_or("x")));
    (int_ok && frac_ok && some_digit && exp_ok).then_some(int_part)
}

fn is_real(v: &str) -> bool {
    match real_shape(v) {
        Some(int_part) => no_leading_zero(int_part) && parse_real(v).is_some(),
        None => false,
    }
}

fn parse_real(v: &str) -> Option<f64> {
    real_shape(v)?;
    v.parse::<f64>().ok().filter(|r| r.is_finite())
}

enum DateShape {
    /// `YYYY-MM-DD` or `YYYY/M/D`, and whether it is a real day.
    YearFirst(Option<NaiveDate>),
    /// `a/b/YYYY` (or with `.` or `-`): day and month in an order to decide.
    DayMonth(u32, u32, i32),
}

/// Splits `v` into three numbers around one repeated separator.
fn three_parts(v: &str) -> Option<(&str, &str, &str, u8)> {
    let sep = *v.as_bytes().iter().find(|c| matches!(c, b'-' | b'/' | b'.'))?;
    let mut parts = v.split(sep as char);
    let (a, b, c) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || ![a, b, c].iter().all(|p| digits(p.as_bytes())) {
        return None;
    }
    Some((a, b, c, sep))
}

fn date_shape(v: &str) -> Option<DateShape> {
    if v.len() > 10 {
        return None;
    }
    let (a, b, c, sep) = three_parts(v)?;
    let small = |p: &str| (1..=2).contains(&p.len());
    if a.len() == 4 && small(b) && small(c) && sep != b'.' {
        // ISO 8601 proper is two-digit month and day with `-`; `/` is common in Japan.
        if sep == b'-' && (b.len() != 2 || c.len() != 2) {
            return None;
        }
        return Some(DateShape::YearFirst(ymd(a.parse().ok()?, b.parse().ok()?, c.parse().ok()?)));
    }
    if c.len() == 4 && small(a) && small(b) {
        return Some(DateShape::DayMonth(a.parse().ok()?, b.parse().ok()?, c.parse().ok()?));
    }
    None
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn parse_date(v: &str, order: DayOrder) -> Option<NaiveDate> {
    match date_shape(v)? {
        DateShape::YearFirst(d) => d,
        DateShape::DayMonth(a, b, y) => match order {
            DayOrder::DayFirst => ymd(y, b, a),
            DayOrder::MonthFirst => ymd(y, a, b),
        },
    }
}

fn is_timestamp(v: &str) -> bool {
    // Cheap shape first: `YYYY?M?D` then `T` or a space.
    let b = v.as_bytes();
    if b.len() < 14 || !digits(&b[..4]) || !matches!(b[4], b'-' | b'/') {
        return false;
    }
    parse_timestamp(v, chrono_tz::UTC).is_some()
}

/// An instant from a year-first date and a time, with its offset or in `tz`; a plain date
/// is midnight in `tz`.
fn parse_timestamp(v: &str, tz: Tz) -> Option<DateTime<Utc>> {
    let split = v.find(['T', 't', ' ']);
    let Some(at) = split else {
        return match date_shape(v)? {
            DateShape::YearFirst(Some(d)) => Some(start_of_day(d, tz)),
            _ => None,
        };
    };
    let (date, time) = (&v[..at], v[at + 1..].trim_start());
    let DateShape::YearFirst(Some(day)) = date_shape(date)? else { return None };
    let (clock, zone) = time_of_day(time)?;
    let naive = day.and_time(clock);
    Some(match zone {
        Zone::Local => in_zone(naive, tz),
        Zone::Offset(seconds) => Utc.from_utc_datetime(&(naive - chrono::Duration::seconds(i64::from(seconds)))),
    })
}

/// Where a time of day is: the user's zone, or UTC plus an offset in seconds.
enum Zone {
    Local,
    Offset(i32),
}

/// Two ASCII digits as a number.
fn two(b: &[u8]) -> Option<u32> {
    match b {
        [a, c] if a.is_ascii_digit() && c.is_ascii_digit() => Some(u32::from(a - b'0') * 10 + u32::from(c - b'0')),
        _ => None,
    }
}

/// `HH:MM`, `HH:MM:SS` or `HH:MM:SS.fff`, then nothing, `Z`, or `±HH`, `±HHMM`, `±HH:MM`
/// (read by hand: chrono's format parser was most of an import's time).
fn time_of_day(t: &str) -> Option<(chrono::NaiveTime, Zone)> {
    let b = t.as_bytes();
    let (h, m) = (two(b.get(0..2)?)?, two(b.get(3..5)?)?);
    if b[2] != b':' {
        return None;
    }
    let mut at = 5;
    let (mut sec, mut nano) = (0, 0);
    if b.get(at) == Some(&b':') {
        sec = two(b.get(at + 1..at + 3)?)?;
        at += 3;
        if b.get(at) == Some(&b'.') {
            let digits = b[at + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if digits == 0 {
                return None;
            }
            for (i, c) in b[at + 1..at + 1 + digits].iter().take(9).enumerate() {
                nano += u32::from(c - b'0') * 10u32.pow(8 - i as u32);
            }
            at += 1 + digits;
        }
    }
    let zone = match &b[at..] {
        [] => Zone::Local,
        [b'Z' | b'z'] => Zone::Offset(0),
        [sign @ (b'+' | b'-'), rest @ ..] => {
            let (oh, om) = match rest {
                [_, _] => (two(rest)?, 0),
                [a, c, d, e] => (two(&[*a, *c])?, two(&[*d, *e])?),
                [a, c, b':', d, e] => (two(&[*a, *c])?, two(&[*d, *e])?),
                _ => return None,
            };
            if oh > 23 || om > 59 {
                return None;
            }
            let seconds = (oh * 3600 + om * 60) as i32;
            Zone::Offset(if *sign == b'-' { -seconds } else { seconds })
        }
        _ => return None,
    };
    Some((chrono::NaiveTime::from_hms_nano_opt(h, m, sec, nano)?, zone))
}

/// A wall-clock time in `tz` as an instant: the earlier of two in a repeated hour, the
/// first valid minute after a skipped one.
fn in_zone(naive: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
    tz.from_local_datetime(&naive)
        .earliest()
        .or_else(|| (1..=180).find_map(|m| tz.from_local_datetime(&(naive + chrono::Duration::minutes(m))).earliest()))
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&naive))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_of(values: &[&str]) -> ColumnKind {
        let mut g = Guess::new();
        for v in values {
            g.see(v);
        }
        g.kind()
    }

    #[test]
    fn kinds_are_inferred_from_every_value() {
        assert_eq!(kind_of(&["1", "-2", "", "+30"]), ColumnKind::Integer);
        assert_eq!(kind_of(&["1", "2.5", "1e3", "-.5"]), ColumnKind::Real);
        assert_eq!(kind_of(&["007", "12"]), ColumnKind::Text, "a leading zero is a code");
        assert_eq!(kind_of(&["0", "0.5"]), ColumnKind::Real);
        assert_eq!(kind_of(&["1,5"]), ColumnKind::Text);
        assert_eq!(kind_of(&["inf", "NaN"]), ColumnKind::Text);
        assert_eq!(kind_of(&["99999999999999999999"]), ColumnKind::Real, "too large for 64 bits");
        assert_eq!(kind_of(&["2024-05-01", "2024/5/2"]), ColumnKind::Date);
        assert_eq!(kind_of(&["2024-02-30"]), ColumnKind::Text, "no such day");
        assert_eq!(kind_of(&["31/12/2024", "01/02/2024"]), ColumnKind::Date);
        assert_eq!(kind_of(&["01/02/2024", "03/04/2024"]), ColumnKind::Text, "ambiguous order");
        assert_eq!(kind_of(&["2024-05-01T10:00:00Z", "2024-05-01 10:30"]), ColumnKind::Timestamp);
        assert_eq!(kind_of(&["", " "]), ColumnKind::Text);
        assert_eq!(kind_of(&["abc", "1"]), ColumnKind::Text);
    }

    #[test]
    fn day_order_comes_from_the_values() {
        let mut g = Guess::new();
        g.see("12/31/2024");
        g.see("01/02/2024");
        assert_eq!((g.kind(), g.day_order()), (ColumnKind::Date, Some(DayOrder::MonthFirst)));
        let how = Reading { kind: ColumnKind::Date, order: DayOrder::MonthFirst };
        assert_eq!(convert("01/02/2024", how, chrono_tz::UTC).unwrap(), ToSqlOutput::Owned(Value::Text("2024-01-02".into())));
    }

    #[test]
    fn values_convert_or_say_what_was_expected() {
        let tokyo: Tz = "Asia/Tokyo".parse().unwrap();
        let r = |kind| Reading { kind, order: DayOrder::DayFirst };
        let text = |s: &str| ToSqlOutput::Owned(Value::Text(s.into()));
        assert_eq!(convert(" 42 ", r(ColumnKind::Integer), tokyo).unwrap(), ToSqlOutput::Owned(Value::Integer(42)));
        assert_eq!(convert("4.5", r(ColumnKind::Integer), tokyo).unwrap_err(), "a whole number");
        assert_eq!(convert("", r(ColumnKind::Integer), tokyo).unwrap(), ToSqlOutput::Borrowed(ValueRef::Null));
        assert_eq!(convert("31.12.2024", r(ColumnKind::Date), tokyo).unwrap(), text("2024-12-31"));
        assert_eq!(convert("2024-05-01 09:00", r(ColumnKind::Timestamp), tokyo).unwrap(), text("2024-05-01T00:00:00.000Z"));
        assert_eq!(convert("2024-05-01T09:00:00+09:00", r(ColumnKind::Timestamp), chrono_tz::UTC).unwrap(), text("2024-05-01T00:00:00.000Z"));
        assert_eq!(convert("2024-05-01", r(ColumnKind::Timestamp), tokyo).unwrap(), text("2024-04-30T15:00:00.000Z"));
        assert!(convert("soon", r(ColumnKind::Timestamp), tokyo).is_err());
        let ts = |v: &'static str| convert(v, r(ColumnKind::Timestamp), tokyo);
        assert_eq!(ts("2024-05-01T09:00+0900").unwrap(), text("2024-05-01T00:00:00.000Z"));
        assert_eq!(ts("2024/05/01 10:00:00.25-05:30").unwrap(), text("2024-05-01T15:30:00.250Z"));
        assert_eq!(ts("2024-05-01t10:00:00.5z").unwrap(), text("2024-05-01T10:00:00.500Z"));
        assert_eq!(ts("2024-05-01 10:00+09").unwrap(), text("2024-05-01T01:00:00.000Z"));
        for bad in ["2024-05-01 25:00", "2024-05-01 10:0", "2024-05-01 10:00:00.", "2024-05-01 10:00 PM", "2024-05-01 10:00+9"] {
            assert!(ts(bad).is_err() && !is_timestamp(bad), "{bad}");
        }
    }
}
