//! ICS export that other calendar programs accept (RFC 5545).
//!
//! Contract:
//! - Output: `VCALENDAR` with VERSION 2.0, PRODID and CALSCALE; CRLF line ends; content
//!   lines folded at 75 octets (never inside a UTF-8 character); TEXT escaped (`\\`, `\;`,
//!   `\,`, `\n`); every VEVENT has UID (the stored one, or `<id>@studydesk`), DTSTAMP (the
//!   clock's now, UTC), SEQUENCE, CREATED and LAST-MODIFIED.
//! - Times: all-day events as `VALUE=DATE` (DTEND exclusive); timed events with
//!   `TZID=<IANA name>` and a generated VTIMEZONE per zone (the zone's real transitions,
//!   probed from chrono-tz over the years the events need), or in UTC (`Z`) for UTC
//!   events. RRULE as stored, one line per rule (UNTIL in UTC for timed series; none for a series of RDATEs
//!   only, `Rule::start_only`), RDATE, EXDATE and RECURRENCE-ID in the event's zone,
//!   overrides as VEVENTs sharing their master's UID. LOCATION and URL when set.
//! - Reminders as VALARM (ACTION:DISPLAY) with a relative or absolute TRIGGER; the
//!   course as CATEGORIES.
//! - With a range, exactly the events that have an occurrence in it are written (a
//!   series whole, with its overrides); the range is read a page at a time
//!   (`range::agenda`), so its caps on series hold and its occurrences are never all held.
//! - Only the user's own events: a subscription's are left out (see [`export`]) by the
//!   queries themselves, so they are neither read nor counted.
//! - Bounded: at most [`MAX_EXPORT_EVENTS`] own events (rows) in one export, counted
//!   before any is read (about 60 MB of text at the most); past it, refused with words. A
//!   subscription's events never count: a very large feed cannot make the export refuse.

use crate::planner::calendar::model::{Ev, When};
use crate::planner::calendar::range::{self, Window};
use crate::planner::calendar::recurrence::Occ;
use crate::planner::calendar::{reminders, store};
use crate::Result;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};
use rusqlite::Connection;
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub const PRODID: &str = "-//Studydesk//Studydesk Calendar//EN";
/// Events (rows: single events, masters, overrides) one export writes, at most: as many
/// as one import reads, so what is exported can be imported again.
pub const MAX_EXPORT_EVENTS: usize = crate::planner::calendar::ics::parse::MAX_EVENTS;

/// The user's own events (all, or those with an occurrence between `from` and `to`) as
/// ICS. A subscription's events are left out: they are its publisher's, and imported
/// again they would become own copies beside the feed's.
pub fn export(conn: &Connection, user_id: &str, from: Option<&str>, to: Option<&str>, now: DateTime<Utc>) -> Result<String> {
    let tz = store::user_tz(conn, user_id)?;
    let rows = match (from, to) {
        (Some(f), Some(t)) => in_range(conn, user_id, &Window::new(f, t, tz)?)?,
        (None, None) => all(conn, user_id, tz)?,
        _ => return Err(crate::CoreError::validation("give both ends of the range (from and to), or neither")),
    };
    let courses: HashMap<String, String> =
        crate::planner::assignments::courses(conn, user_id)?.into_iter().map(|c| (c.id, c.name)).collect();
    let mut out = Writer::default();
    out.line("BEGIN:VCALENDAR");
    out.line("VERSION:2.0");
    out.line(&format!("PRODID:{PRODID}"));
    out.line("CALSCALE:GREGORIAN");
    out.line("METHOD:PUBLISH");
    for (zone, (y0, y1)) in zones_needed(&rows, now) {
        vtimezone(&mut out, zone, y0, y1);
    }
    let masters: HashMap<&str, &Ev> = rows.iter().map(|e| (e.row.id.as_str(), e)).collect();
    for ev in &rows {
        let uid_owner = ev.row.series_id.as_deref().and_then(|m| masters.get(m)).copied().unwrap_or(ev);
        vevent(conn, &mut out, ev, &uid(uid_owner), &courses, now)?;
    }
    out.line("END:VCALENDAR");
    Ok(out.text)
}

fn uid(ev: &Ev) -> String {
    ev.row.uid.clone().unwrap_or_else(|| format!("{}@studydesk", ev.row.id))
}

/// Own masters and single events in date order, each followed by its overrides.
fn all(conn: &Connection, user_id: &str, tz: Tz) -> Result<Vec<Ev>> {
    if store::own_event_count(conn, user_id, MAX_EXPORT_EVENTS)? > MAX_EXPORT_EVENTS {
        return Err(crate::CoreError::rule(crate::error::Rule::TooMany {
            field: "events in one export".into(),
            max: MAX_EXPORT_EVENTS as i64,
        }));
    }
    let tops = store::own_tops(conn, user_id, tz)?;
    with_overrides(conn, tops, tz)
}

fn with_overrides(conn: &Connection, tops: Vec<Ev>, tz: Tz) -> Result<Vec<Ev>> {
    let mut out = Vec::with_capacity(tops.len());
    for ev in tops {
        let overrides = if ev.is_master() { store::overrides(conn, &ev.row.id, tz)? } else { vec![] };
        out.push(ev);
        out.extend(overrides);
    }
    Ok(out)
}

/// The own events with an occurrence in the window: its items (but a subscription's),
/// grouped by row.
fn in_range(conn: &Connection, user_id: &str, w: &Window) -> Result<Vec<Ev>> {
    let (from, to) = (w.from.to_string(), w.to.to_string());
    let mut ids = BTreeSet::new();
    let mut cursor = None;
    loop {
        let page = range::agenda(conn, user_id, &from, &to, cursor.as_deref(), Some(range::MAX_PAGE), None)?;
        for i in page.items.iter().filter(|i| i.kind == range::CalendarItemKind::Event && i.subscription_id.is_none()) {
            ids.insert(i.series_id.clone().unwrap_or_else(|| i.id.clone()));
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    if ids.len() > MAX_EXPORT_EVENTS {
        return Err(crate::CoreError::rule(crate::error::Rule::TooMany {
            field: "events in one export".into(),
            max: MAX_EXPORT_EVENTS as i64,
        }));
    }
    let mut tops = Vec::with_capacity(ids.len());
    for id in ids {
        tops.push(store::load(conn, user_id, &id)?);
    }
    tops.sort_by(|a, b| (&a.row.event_date, a.row.order_index, &a.row.id).cmp(&(&b.row.event_date, b.row.order_index, &b.row.id)));
    with_overrides(conn, tops, w.tz)
}

// ---- writing ----------------------------------------------------------------------------

#[derive(Default)]
struct Writer {
    text: String,
}

impl Writer {
    /// One content line, folded at 75 octets, CRLF-terminated.
    fn line(&mut self, content: &str) {
        let mut budget = 75;
        let mut used = 0;
        for c in content.chars() {
            let n = c.len_utf8();
            if used + n > budget {
                self.text.push_str("\r\n ");
                budget = 74;
                used = 0;
            }
            self.text.push(c);
            used += n;
        }
        self.text.push_str("\r\n");
    }
}

/// TEXT escaping (RFC 5545 §3.3.11).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

fn utc_stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

fn date_value(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

fn local_value(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%Y%m%dT%H%M%S").to_string()
}

fn is_utc(tz: Tz) -> bool {
    matches!(tz.name(), "UTC" | "Etc/UTC" | "Etc/GMT" | "GMT" | "Etc/Universal" | "Universal" | "Zulu" | "Etc/Zulu")
}

/// `NAME;TZID=zone:local`, or `NAME:utcZ` for UTC events.
fn time_prop(name: &str, t: DateTime<Utc>, tz: Tz) -> String {
    if is_utc(tz) {
        format!("{name}:{}", utc_stamp(t))
    } else {
        format!("{name};TZID={}:{}", tz.name(), local_value(t, tz))
    }
}

fn occ_prop(name: &str, occs: &[Occ], tz: Tz) -> Option<String> {
    let first = occs.first()?;
    Some(match first {
        Occ::Date(_) => {
            let v: Vec<String> = occs.iter().filter_map(|o| if let Occ::Date(d) = o { Some(date_value(*d)) } else { None }).collect();
            format!("{name};VALUE=DATE:{}", v.join(","))
        }
        Occ::Time(_) => {
            let times: Vec<DateTime<Utc>> = occs.iter().filter_map(|o| if let Occ::Time(t) = o { Some(*t) } else { None }).collect();
            if is_utc(tz) {
                let v: Vec<String> = times.into_iter().map(utc_stamp).collect();
                format!("{name}:{}", v.join(","))
            } else {
                let v: Vec<String> = times.into_iter().map(|t| local_value(t, tz)).collect();
                format!("{name};TZID={}:{}", tz.name(), v.join(","))
            }
        }
    })
}

fn vevent(conn: &Connection, out: &mut Writer, ev: &Ev, uid: &str, courses: &HashMap<String, String>, now: DateTime<Utc>) -> Result<()> {
    let r = &ev.row;
    out.line("BEGIN:VEVENT");
    out.line(&format!("UID:{}", escape(uid)));
    out.line(&format!("DTSTAMP:{}", utc_stamp(now)));
    match ev.when {
        When::AllDay { first, last } => {
            out.line(&format!("DTSTART;VALUE=DATE:{}", date_value(first)));
            out.line(&format!("DTEND;VALUE=DATE:{}", date_value(last + Duration::days(1))));
        }
        When::Timed { start, end } => {
            out.line(&time_prop("DTSTART", start, ev.tz));
            if let Some(e) = end {
                out.line(&time_prop("DTEND", e, ev.tz));
            }
        }
    }
    let rdates_only = ev.rule.as_ref().is_some_and(|r| r.is_start_only()) && !ev.rdates.is_empty();
    if let Some(rules) = r.rrule.as_ref().filter(|_| !rdates_only) {
        // A series of several rules: one RRULE line each (see `recurrence::RULES_SEPARATOR`).
        for rule in rules.split(crate::planner::calendar::recurrence::RULES_SEPARATOR).filter(|l| !l.trim().is_empty()) {
            out.line(&format!("RRULE:{}", rule.trim()));
        }
    }
    for chunk in ev.rdates.chunks(50) {
        if let Some(p) = occ_prop("RDATE", chunk, ev.tz) {
            out.line(&p);
        }
    }
    for chunk in ev.exdates.chunks(50) {
        if let Some(p) = occ_prop("EXDATE", chunk, ev.tz) {
            out.line(&p);
        }
    }
    if let Some(o) = ev.recurrence {
        if let Some(p) = occ_prop("RECURRENCE-ID", &[o], ev.tz) {
            out.line(&p);
        }
    }
    out.line(&format!("SEQUENCE:{}", r.sequence));
    if let Some(t) = r.title.as_deref().filter(|t| !t.is_empty()) {
        out.line(&format!("SUMMARY:{}", escape(t)));
    }
    if let Some(n) = r.notes.as_deref().filter(|n| !n.is_empty()) {
        out.line(&format!("DESCRIPTION:{}", escape(n)));
    }
    if let Some(l) = r.location.as_deref().filter(|l| !l.is_empty()) {
        out.line(&format!("LOCATION:{}", escape(l)));
    }
    if let Some(u) = r.url.as_deref().filter(|u| !u.is_empty()) {
        // A URI value: written as it is, not TEXT-escaped.
        out.line(&format!("URL:{u}"));
    }
    if let Some(course) = r.course_id.as_ref().and_then(|c| courses.get(c)) {
        out.line(&format!("CATEGORIES:{}", escape(course)));
    }
    for (name, value) in [("CREATED", &r.created_at), ("LAST-MODIFIED", &r.updated_at)] {
        if let Some(t) = crate::time::parse_instant(value) {
            out.line(&format!("{name}:{}", utc_stamp(t)));
        }
    }
    for rem in reminders::of_event(conn, &r.id)? {
        out.line("BEGIN:VALARM");
        out.line("ACTION:DISPLAY");
        out.line(&format!("DESCRIPTION:{}", escape(r.title.as_deref().unwrap_or("Reminder"))));
        match (rem.minutes_before, rem.remind_at.as_deref().and_then(crate::time::parse_instant)) {
            (Some(m), _) => out.line(&format!("TRIGGER:-PT{m}M")),
            (None, Some(at)) => out.line(&format!("TRIGGER;VALUE=DATE-TIME:{}", utc_stamp(at))),
            (None, None) => {}
        }
        out.line("END:VALARM");
    }
    out.line("END:VEVENT");
    Ok(())
}

// ---- VTIMEZONE ----------------------------------------------------------------------------

/// Zones of timed events, with the years their VTIMEZONE must cover.
fn zones_needed(rows: &[Ev], now: DateTime<Utc>) -> BTreeMap<String, (i32, i32)> {
    let mut out: BTreeMap<String, (i32, i32)> = BTreeMap::new();
    for ev in rows {
        let When::Timed { start, .. } = ev.when else { continue };
        if is_utc(ev.tz) {
            continue;
        }
        let y0 = start.year();
        let endless = ev.is_master() && ev.row.series_end_date.is_none();
        let last = ev.row.series_end_date.as_deref().and_then(|d| d.get(..4)).and_then(|y| y.parse().ok()).unwrap_or(y0);
        let y1 = if endless { (now.year() + 10).max(y0 + 10) } else { last };
        let e = out.entry(ev.tz.name().to_string()).or_insert((y0, y1));
        *e = (e.0.min(y0), e.1.max(y1));
    }
    out
}

/// A VTIMEZONE with one observance per transition between the start of `y0` and the
/// end of `y1` (at most 60 years), plus the observance in force at the start.
fn vtimezone(out: &mut Writer, name: String, y0: i32, y1: i32) {
    let Ok(tz) = name.parse::<Tz>() else { return };
    let y1 = y1.min(y0 + 60);
    out.line("BEGIN:VTIMEZONE");
    out.line(&format!("TZID:{name}"));
    out.line(&format!("X-LIC-LOCATION:{name}"));
    let Some(begin) = NaiveDate::from_ymd_opt(y0, 1, 1).map(|d| Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())) else {
        out.line("END:VTIMEZONE");
        return;
    };
    let initial = tz.offset_from_utc_datetime(&begin.naive_utc());
    observance(out, begin.naive_utc() + offset(&initial), &initial, &initial);
    for (at, before, after) in transitions(tz, begin, y1) {
        observance(out, at.naive_utc() + offset(&before), &before, &after);
    }
    out.line("END:VTIMEZONE");
}

fn offset(o: &chrono_tz::TzOffset) -> Duration {
    Duration::seconds(i64::from(o.fix().local_minus_utc()))
}

fn hhmm(o: &chrono_tz::TzOffset) -> String {
    let s = o.fix().local_minus_utc();
    let sign = if s < 0 { '-' } else { '+' };
    let s = s.abs();
    format!("{sign}{:02}{:02}", s / 3600, (s % 3600) / 60)
}

fn observance(out: &mut Writer, local_start: NaiveDateTime, before: &chrono_tz::TzOffset, after: &chrono_tz::TzOffset) {
    let kind = if after.dst_offset().is_zero() { "STANDARD" } else { "DAYLIGHT" };
    out.line(&format!("BEGIN:{kind}"));
    out.line(&format!("DTSTART:{}", local_start.format("%Y%m%dT%H%M%S")));
    out.line(&format!("TZOFFSETFROM:{}", hhmm(before)));
    out.line(&format!("TZOFFSETTO:{}", hhmm(after)));
    if let Some(abbr) = after.abbreviation().filter(|a| !a.starts_with(['+', '-'])) {
        out.line(&format!("TZNAME:{abbr}"));
    }
    out.line(&format!("END:{kind}"));
}

/// Instants (to the second) where the zone's offset or abbreviation changes, probed
/// daily then narrowed by bisection.
fn transitions(tz: Tz, begin: DateTime<Utc>, last_year: i32) -> Vec<(DateTime<Utc>, chrono_tz::TzOffset, chrono_tz::TzOffset)> {
    let at = |t: DateTime<Utc>| tz.offset_from_utc_datetime(&t.naive_utc());
    let key = |o: &chrono_tz::TzOffset| (o.fix().local_minus_utc(), o.dst_offset().num_seconds());
    let mut out = Vec::new();
    let mut t = begin;
    let mut cur = at(t);
    while t.year() <= last_year {
        let next = t + Duration::days(1);
        let o = at(next);
        if key(&o) != key(&cur) {
            // Whole seconds: lo has the old offset, hi the new one.
            let (mut lo, mut hi) = (t.timestamp(), next.timestamp());
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                let mid_t = Utc.timestamp_opt(mid, 0).single().unwrap_or(t);
                if key(&at(mid_t)) == key(&cur) { lo = mid } else { hi = mid }
            }
            out.push((Utc.timestamp_opt(hi, 0).single().unwrap_or(next), cur, o));
            cur = o;
        }
        t = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_at_75_octets_without_splitting_characters() {
        let mut w = Writer::default();
        w.line(&format!("SUMMARY:{}", "線形代数".repeat(20)));
        for l in w.text.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets", l.len());
        }
        let unfolded = w.text.replace("\r\n ", "");
        assert_eq!(unfolded.trim_end(), format!("SUMMARY:{}", "線形代数".repeat(20)));
    }

    #[test]
    fn new_york_has_its_two_transitions_a_year() {
        let begin = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let t = transitions(chrono_tz::America::New_York, begin, 2026);
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].0, Utc.with_ymd_and_hms(2026, 3, 8, 7, 0, 0).unwrap());
        assert_eq!(t[1].0, Utc.with_ymd_and_hms(2026, 11, 1, 6, 0, 0).unwrap());
    }
}
