//! A file's own VTIMEZONE rules, for a TZID that is not an IANA name
//! (`custom_America/New_York`, a Lotus Notes or Exchange zone).
//!
//! Contract: [`VTimezone::read`] takes the STANDARD and DAYLIGHT observances (DTSTART,
//! TZOFFSETFROM, TZOFFSETTO, a yearly RRULE and RDATEs); [`VTimezone::offset_at`] is the
//! UTC offset the rules give at an instant; [`VTimezone::matching_zone`] is the IANA zone
//! whose offsets agree with those rules at every transition and every month of the years
//! around a given one. Events keep an IANA zone (their series repeat in it and it is
//! what the app stores and exports), so a zone defined only by its rules is read as the
//! IANA zone that behaves the same in the years the event lives in; rules no IANA zone
//! follows fall back to the caller's choice.

use super::parse::Component;
use crate::planner::calendar::recurrence::{self, Occ, Series};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

/// One STANDARD or DAYLIGHT part: from each onset on, the offset is `offset_to`.
struct Observance {
    /// Local wall-clock time of the first onset (in the offset before it).
    start: NaiveDateTime,
    offset_from: i32,
    offset_to: i32,
    rule: Option<recurrence::Rule>,
    rdates: Vec<NaiveDateTime>,
}

pub struct VTimezone {
    observances: Vec<Observance>,
}

/// Onsets looked at before a year: enough for yearly rules (one or two a year).
const MAX_ONSETS_PER_YEAR: usize = 8;

impl VTimezone {
    /// The rules of a VTIMEZONE; `None` when it has no observance with an offset.
    pub fn read(vtz: &Component) -> Option<VTimezone> {
        let observances: Vec<Observance> = vtz
            .children
            .iter()
            .filter(|c| c.name == "STANDARD" || c.name == "DAYLIGHT")
            .filter_map(observance)
            .collect();
        (!observances.is_empty()).then_some(VTimezone { observances })
    }

    /// Whether the rules keep one offset all the time (no daylight saving).
    pub fn is_constant(&self) -> bool {
        let first = self.observances[0].offset_to;
        self.observances.iter().all(|o| o.offset_to == first && o.offset_from == first)
    }

    /// Every onset in `year` (and the last one before it), as (instant, offset after it).
    fn onsets_around(&self, year: i32) -> Vec<(DateTime<Utc>, i32)> {
        let from = NaiveDate::from_ymd_opt(year, 1, 1).map(|d| d.and_time(chrono::NaiveTime::MIN));
        let to = NaiveDate::from_ymd_opt(year + 1, 1, 1).map(|d| d.and_time(chrono::NaiveTime::MIN));
        let (Some(from), Some(to)) = (from, to) else { return vec![] };
        let mut out = Vec::new();
        for o in &self.observances {
            let to_instant = |local: NaiveDateTime| Utc.from_utc_datetime(&(local - Duration::seconds(i64::from(o.offset_from))));
            let mut locals: Vec<NaiveDateTime> = o.rdates.iter().copied().filter(|t| *t < to).collect();
            locals.push(o.start);
            if let Some(rule) = &o.rule {
                // Wall-clock times expanded as if in UTC: the rule counts local days.
                let series = Series { rule: rule.clone(), more_rules: vec![], tz: chrono_tz::UTC, start: Occ::Time(Utc.from_utc_datetime(&o.start)), rdates: vec![] };
                let back = from - Duration::days(400);
                if let Ok(occs) = series.between(Occ::Time(Utc.from_utc_datetime(&back)), Occ::Time(Utc.from_utc_datetime(&to)), MAX_ONSETS_PER_YEAR * 3) {
                    locals.extend(occs.into_iter().filter_map(|occ| match occ {
                        Occ::Time(t) => Some(t.naive_utc()),
                        Occ::Date(_) => None,
                    }));
                }
            }
            out.extend(locals.into_iter().filter(|t| *t < to).map(|t| (to_instant(t), o.offset_to)));
        }
        out.sort();
        out
    }

    /// The offset (seconds east of UTC) the rules give at `at`.
    pub fn offset_at(&self, at: DateTime<Utc>) -> Option<i32> {
        let onsets = self.onsets_around(at.year());
        onsets.iter().rev().find(|(t, _)| *t <= at).map(|(_, off)| *off).or_else(|| {
            // Before the first onset the zone keeps the first part's "from" offset.
            self.observances.iter().min_by_key(|o| o.start).map(|o| o.offset_from)
        })
    }

    /// The instant of a wall-clock time under these rules: the offset in force then (in
    /// a gap, the offset before it; in an overlap, the earlier instant).
    pub fn instant_of(&self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        let mut offsets: Vec<i32> = self.observances.iter().flat_map(|o| [o.offset_from, o.offset_to]).collect();
        offsets.sort_unstable_by(|a, b| b.cmp(a));
        offsets.dedup();
        let at = |off: i32| Utc.from_utc_datetime(&(local - Duration::seconds(i64::from(off))));
        offsets
            .iter()
            .map(|&off| at(off))
            .find(|&t| self.offset_at(t).is_some_and(|o| at(o) == t))
            .or_else(|| Some(at(self.offset_at(at(*offsets.first()?))?)))
    }

    /// The IANA zone that agrees with these rules in `year - 1 ..= year + 1`: checked at
    /// every onset (an hour before and after) and at noon on the 1st of each month.
    /// `preferred` zones are tried first (a name found in the TZID, X-LIC-LOCATION).
    pub fn matching_zone(&self, year: i32, preferred: &[Tz]) -> Option<Tz> {
        let mut samples = Vec::new();
        for y in year - 1..=year + 1 {
            for (t, _) in self.onsets_around(y).into_iter().filter(|(t, _)| t.year() == y) {
                samples.push(t - Duration::hours(1));
                samples.push(t + Duration::hours(1));
            }
            for m in 1..=12 {
                if let Some(d) = NaiveDate::from_ymd_opt(y, m, 1).and_then(|d| d.and_hms_opt(12, 0, 0)) {
                    samples.push(Utc.from_utc_datetime(&d));
                }
            }
        }
        let wanted: Vec<(DateTime<Utc>, i32)> = samples.into_iter().filter_map(|t| Some((t, self.offset_at(t)?))).collect();
        let agrees = |tz: &Tz| wanted.iter().all(|(t, off)| tz.offset_from_utc_datetime(&t.naive_utc()).fix().local_minus_utc() == *off);
        preferred.iter().copied().chain(chrono_tz::TZ_VARIANTS.iter().copied()).find(agrees)
    }
}

/// `+0900` / `-0430` as seconds east of UTC.
pub fn utc_offset(s: &str) -> Option<i32> {
    let s = s.trim();
    let (sign, digits) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    if digits.len() < 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let h: i32 = digits[..2].parse().ok()?;
    let m: i32 = digits[2..4].parse().ok()?;
    Some(sign * (h * 3600 + m * 60))
}

fn observance(c: &Component) -> Option<Observance> {
    let local = |v: &str| NaiveDateTime::parse_from_str(v.trim().trim_end_matches('Z'), "%Y%m%dT%H%M%S").ok();
    let start = local(&c.prop("DTSTART")?.value)?;
    let offset_to = utc_offset(&c.prop("TZOFFSETTO")?.value)?;
    let offset_from = c.prop("TZOFFSETFROM").and_then(|p| utc_offset(&p.value)).unwrap_or(offset_to);
    let rule = c
        .prop("RRULE")
        .and_then(|p| recurrence::parse(&p.value).ok())
        .filter(|p| p.unsupported.is_empty())
        .map(|p| p.rule);
    let rdates = c.props_named("RDATE").flat_map(|p| p.value.split(',').filter_map(local).collect::<Vec<_>>()).collect();
    Some(Observance { start, offset_from, offset_to, rule, rdates })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::planner::calendar::ics::parse;

    fn zone(text: &str) -> VTimezone {
        let cal = parse::read(text.replace('\n', "\r\n").as_bytes()).unwrap();
        VTimezone::read(cal[0].children.iter().find(|c| c.name == "VTIMEZONE").unwrap()).unwrap()
    }

    const NEW_YORK_RULES: &str = "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VTIMEZONE\nTZID:custom_America/New_York\n\
BEGIN:STANDARD\nDTSTART:20071104T020000\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\nTZOFFSETFROM:-0400\nTZOFFSETTO:-0500\nEND:STANDARD\n\
BEGIN:DAYLIGHT\nDTSTART:20070311T020000\nRRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\nTZOFFSETFROM:-0500\nTZOFFSETTO:-0400\nEND:DAYLIGHT\n\
END:VTIMEZONE\nEND:VCALENDAR\n";

    #[test]
    fn offsets_follow_the_rules_across_daylight_saving() {
        let z = zone(NEW_YORK_RULES);
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        assert_eq!(z.offset_at(at("2024-01-15T12:00:00Z")), Some(-5 * 3600));
        assert_eq!(z.offset_at(at("2024-07-15T12:00:00Z")), Some(-4 * 3600));
        // 10 March 2024 02:00 EST = 07:00 UTC.
        assert_eq!(z.offset_at(at("2024-03-10T06:59:00Z")), Some(-5 * 3600));
        assert_eq!(z.offset_at(at("2024-03-10T07:00:00Z")), Some(-4 * 3600));
    }

    #[test]
    fn the_rules_are_matched_to_the_iana_zone_that_follows_them() {
        let z = zone(NEW_YORK_RULES);
        let found = z.matching_zone(2024, &[chrono_tz::America::New_York]).unwrap();
        assert_eq!(found, chrono_tz::America::New_York);
        // Without a hint, some zone with the same offsets all year (e.g. America/Detroit).
        let any = z.matching_zone(2024, &[]).unwrap();
        assert_eq!(any.offset_from_utc_datetime(&"2024-07-01T12:00:00".parse().unwrap()).fix().local_minus_utc(), -4 * 3600);
        assert_eq!(any.offset_from_utc_datetime(&"2024-12-01T12:00:00".parse().unwrap()).fix().local_minus_utc(), -5 * 3600);
    }

    #[test]
    fn a_zone_no_iana_zone_follows_still_places_times_by_its_rules() {
        let z = zone(&NEW_YORK_RULES.replace("-0500", "-0741").replace("-0400", "-0641"));
        let local = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap();
        assert_eq!(z.instant_of(local("2023-01-06T13:42")), Some("2023-01-06T21:23:00Z".parse().unwrap()));
        assert_eq!(z.instant_of(local("2023-07-06T13:42")), Some("2023-07-06T20:23:00Z".parse().unwrap()));
    }

    #[test]
    fn rules_no_zone_follows_match_nothing() {
        let z = zone(&NEW_YORK_RULES.replace("BYMONTH=3", "BYMONTH=2").replace("-0500\nTZOFFSETTO:-0400", "-0500\nTZOFFSETTO:-0330"));
        assert_eq!(z.matching_zone(2024, &[]), None);
    }
}
