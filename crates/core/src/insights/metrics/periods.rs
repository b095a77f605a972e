//! The calendar of a metric: the local days of its range, the UTC instants they begin at,
//! and the periods (days, weeks, months) a per-day series is summed into. No SQL.
//!
//! - A range is inclusive local dates `from..=to` ([`Days`]); a per-day series holds one
//!   value per day of it, index 0 being `from`.
//! - [`Edges`]: the UTC instant each local day begins, in the user's zone, as stored
//!   timestamp text (`YYYY-MM-DDTHH:MM:SS.mmmZ`, so text order is time order): a stored
//!   timestamp finds its local day by a binary search, with no time-zone conversion per
//!   row, and a DST day is 23 or 25 hours long by construction (`time::start_of_day`).
//! - Weeks start on Monday (ISO 8601, as everywhere in the app: the user has no week-start
//!   setting); months on the 1st. A period cut by the range (the week `from` falls in)
//!   counts only its days inside the range, and is labelled by its first day.

use crate::time::{date_text, month_start, next_month_start, parse_instant, start_of_day, timestamp_text, week_start};
use chrono::{Days as ChronoDays, NaiveDate};
use chrono_tz::Tz;

/// The local days `from..=to` (never empty: `from <= to` is checked before one is made).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Days {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Days {
    pub fn new(from: NaiveDate, to: NaiveDate) -> Days {
        Days { from, to: to.max(from) }
    }

    pub fn len(self) -> usize {
        (self.to - self.from).num_days() as usize + 1
    }

    /// The position of `d` in the range, if it is inside.
    pub fn index(self, d: NaiveDate) -> Option<usize> {
        (d >= self.from && d <= self.to).then(|| (d - self.from).num_days() as usize)
    }

    pub fn date(self, i: usize) -> NaiveDate {
        self.from + ChronoDays::new(i as u64)
    }

    /// The range of the same length just before this one.
    pub fn previous(self) -> Days {
        let len = ChronoDays::new(self.len() as u64);
        Days { from: self.from - len, to: self.from - ChronoDays::new(1) }
    }

    /// `self` then `later`, when `later` starts the day after `self` ends.
    pub fn through(self, later: Days) -> Days {
        Days { from: self.from, to: later.to }
    }

    /// The sub-range `part` of this range's per-day series `values`.
    pub fn slice<T: Copy>(self, values: &[T], part: Days) -> Vec<T> {
        match (self.index(part.from), self.index(part.to)) {
            (Some(a), Some(b)) => values[a..=b].to_vec(),
            _ => Vec::new(),
        }
    }
}

/// The UTC instants the local days of a range begin at, plus the end of its last day.
pub struct Edges {
    starts: Vec<String>,
}

impl Edges {
    pub fn new(days: Days, tz: Tz) -> Edges {
        let starts = (0..=days.len()).map(|i| timestamp_text(start_of_day(days.date(i), tz))).collect();
        Edges { starts }
    }

    /// The first instant of the range (stored text).
    pub fn lower(&self) -> &str {
        &self.starts[0]
    }

    /// The instant just after the range (stored text): a row is inside when `lower <= t < upper`.
    pub fn upper(&self) -> &str {
        &self.starts[self.starts.len() - 1]
    }

    /// The day (index in the range) a stored timestamp falls on, if inside the range. A
    /// text not in the stored format (written by hand, or by an old client) is read as an
    /// RFC 3339 instant first.
    pub fn day_of(&self, stored: &str) -> Option<usize> {
        self.day_near(stored, usize::MAX)
    }

    /// [`Edges::day_of`], trying the day `near` first: rows read in time order mostly fall on
    /// the day of the row before, and ten years of likes are tens of thousands of rows.
    pub fn day_near(&self, stored: &str, near: usize) -> Option<usize> {
        let canonical;
        let t = if is_stored_format(stored) {
            stored
        } else {
            canonical = timestamp_text(parse_instant(stored)?);
            canonical.as_str()
        };
        if near < self.starts.len().saturating_sub(1) && self.starts[near].as_str() <= t && t < self.starts[near + 1].as_str() {
            return Some(near);
        }
        let after = self.starts.partition_point(|s| s.as_str() <= t);
        (after >= 1 && after < self.starts.len()).then(|| after - 1)
    }
}

fn is_stored_format(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 24 && b[10] == b'T' && b[23] == b'Z' && b[19] == b'.'
}

/// What a time axis steps by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Day,
    Week,
    Month,
}

impl Step {
    /// The first day of the period `d` is in.
    pub fn start(self, d: NaiveDate) -> NaiveDate {
        match self {
            Step::Day => d,
            Step::Week => week_start(d),
            Step::Month => month_start(d),
        }
    }

    fn next(self, start: NaiveDate) -> NaiveDate {
        match self {
            Step::Day => start + ChronoDays::new(1),
            Step::Week => start + ChronoDays::new(7),
            Step::Month => next_month_start(start),
        }
    }

    /// The sparkline's step for a range: a point a day up to three months, a week up to
    /// three years, else a month (at most ~240 points over 20 years).
    pub fn for_sparkline(days: Days) -> Step {
        match days.len() {
            0..=92 => Step::Day,
            93..=1100 => Step::Week,
            _ => Step::Month,
        }
    }
}

/// The first day of every period meeting the range, in order (a continuous axis).
pub fn axis(days: Days, step: Step) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut p = step.start(days.from);
    while p <= days.to {
        out.push(p);
        p = step.next(p);
    }
    out
}

/// A per-day series summed into the periods of [`axis`] (same order and length).
pub fn bucket(days: Days, step: Step, per_day: &[i64]) -> Vec<i64> {
    let periods = axis(days, step);
    let mut out = vec![0; periods.len()];
    let mut at = 0;
    for (i, v) in per_day.iter().enumerate().take(days.len()) {
        let d = days.date(i);
        while at + 1 < periods.len() && periods[at + 1] <= d {
            at += 1;
        }
        out[at] += v;
    }
    out
}

/// The last day of each period of [`axis`], cut at the range's end.
pub fn period_ends(days: Days, step: Step) -> Vec<NaiveDate> {
    axis(days, step).into_iter().map(|p| (step.next(p) - ChronoDays::new(1)).min(days.to)).collect()
}

/// `YYYY-MM-DD`.
pub fn label(d: NaiveDate) -> String {
    date_text(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn weeks_and_months_are_labelled_by_their_first_day_and_cut_by_the_range() {
        // 2026-11-04 is a Wednesday.
        let days = Days::new(d("2026-11-04"), d("2026-11-17"));
        assert_eq!(axis(days, Step::Week), vec![d("2026-11-02"), d("2026-11-09"), d("2026-11-16")]);
        let ones = vec![1; days.len()];
        assert_eq!(bucket(days, Step::Week, &ones), vec![5, 7, 2]);
        assert_eq!(period_ends(days, Step::Week), vec![d("2026-11-08"), d("2026-11-15"), d("2026-11-17")]);
        let days = Days::new(d("2026-01-31"), d("2026-03-01"));
        assert_eq!(bucket(days, Step::Month, &vec![1; days.len()]), vec![1, 28, 1]);
    }

    #[test]
    fn a_stored_instant_finds_its_local_day_across_a_dst_change() {
        // New York falls back on 2026-11-01: that local day is 25 hours long.
        let tz: Tz = "America/New_York".parse().unwrap();
        let days = Days::new(d("2026-10-31"), d("2026-11-02"));
        let e = Edges::new(days, tz);
        assert_eq!(e.lower(), "2026-10-31T04:00:00.000Z");
        assert_eq!(e.upper(), "2026-11-03T05:00:00.000Z");
        assert_eq!(e.day_of("2026-11-01T04:00:00.000Z"), Some(1), "midnight EDT");
        assert_eq!(e.day_of("2026-11-02T04:59:59.999Z"), Some(1), "23:59 EST, the 25th hour");
        assert_eq!(e.day_of("2026-11-02T05:00:00.000Z"), Some(2));
        assert_eq!(e.day_of("2026-10-31T03:59:59.999Z"), None);
        assert_eq!(e.day_of("2026-11-03T05:00:00.000Z"), None);
        assert_eq!(e.day_of("2026-11-01T10:00:00+09:00"), Some(0), "an offset is read as an instant");
        assert_eq!(e.day_of("not a time"), None);
        assert_eq!(e.day_near("2026-11-02T04:59:59.999Z", 1), Some(1), "the day tried first");
        assert_eq!(e.day_near("2026-11-02T05:00:00.000Z", 1), Some(2), "not that day: searched");
        assert_eq!(e.day_near("2026-11-03T05:00:00.000Z", 2), None);
    }
}
