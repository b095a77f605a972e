//! From the component tree to events: dates, time zones, durations, rules, alarms.
//!
//! Contract: [`events`] is pure. It refuses (with the line) what is malformed — a bad
//! date or time, a bad duration, a broken RRULE, DTEND before DTSTART, a VCALENDAR of
//! another version — and notes (with the line) what it leaves out: other components
//! (VTODO, VJOURNAL, VFREEBUSY, ...), unknown properties (once per name), EXRULE, RRULE
//! parts Studydesk cannot expand (the event is kept as a single event; in a second or
//! later RRULE only that rule is left out), alarms that fire after the start, events
//! without DTSTART.
//!
//! Several RRULEs (decision): all are read (`IcsEvent::more_rules`), their union is the
//! series. A RECURRENCE-ID's `RANGE=THISANDFUTURE` is read into
//! `IcsEvent::this_and_future`; the split it makes is `future`'s.
//!
//! RDATE (decision): DATE, DATE-TIME (TZID, UTC or floating) and PERIOD values add starts
//! to the series; an event with RDATEs and no RRULE is a series of its DTSTART and them
//! ([`Rule::start_only`]). Each is read like an EXDATE: a date on a timed series at the
//! DTSTART's local time, a time on an all-day series as its day in its own zone. A
//! PERIOD's start is the occurrence; every occurrence keeps the event's length (a note
//! says when a period's own length differed). RDATEs before DTSTART are dropped with a
//! note (the range finds a series from its first date). Past [`MAX_RDATES`] the first
//! ones in date order are kept and a note says how many were dropped: a published
//! timetable is better shown mostly than refused whole. LOCATION and URL are kept as
//! written (cut to their limits on import, with a note).
//!
//! Time zones (decision): a TZID is resolved to an IANA zone by, in order, its own name
//! and the IANA name at the end of a prefixed id (`/mozilla.org/.../Europe/Berlin`); then,
//! when the file's VTIMEZONE has daylight saving, the IANA zone whose offsets follow its
//! rules in the years around the time read (`vtimezone`; X-LIC-LOCATION, the Windows name
//! and a zone named inside the TZID are tried first); else the VTIMEZONE's
//! `X-LIC-LOCATION`, the Windows names Outlook writes (`W. Europe Standard Time`), and a
//! whole-hour fixed offset from the VTIMEZONE's STANDARD part (with a note: no DST). Rules
//! no IANA zone follows still place each time at the right instant (a note says the
//! series repeats in the fixed offset). Only without any VTIMEZONE and any known name are
//! the times read as UTC, with a note naming the line. An EXDATE or RECURRENCE-ID written
//! as a time on an all-day series names its day in its own zone.
//! Floating times (no TZID, no Z) are read in the calendar's `X-WR-TIMEZONE` if valid,
//! else in the user's zone.

use super::parse::{split_text_list, unescape, Component, ParseError, Prop};
use super::vtimezone::{utc_offset, VTimezone};
use crate::planner::calendar::model::{MAX_RDATES, MAX_YEAR, MIN_YEAR};
use crate::planner::calendar::recurrence::{self, Occ, Rule};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use std::collections::{HashMap, HashSet};

/// Something left out of the import, and where.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct IcsNote {
    pub line: usize,
    pub reason: String,
}

/// A time as written in the file, resolved to a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IcsTime {
    Date(NaiveDate),
    Time(DateTime<Utc>),
}

impl IcsTime {
    pub fn occ(self) -> Occ {
        match self {
            IcsTime::Date(d) => Occ::Date(d),
            IcsTime::Time(t) => Occ::Time(t),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcsAlarm {
    pub minutes_before: Option<i64>,
    pub remind_at: Option<DateTime<Utc>>,
}

/// One VEVENT, ready to store.
#[derive(Debug, Clone)]
pub struct IcsEvent {
    pub line: usize,
    pub uid: String,
    pub title: Option<String>,
    pub notes: Option<String>,
    pub tz: Tz,
    pub start: IcsTime,
    /// Timed: the end instant; all-day: the last day (inclusive).
    pub end: Option<IcsTime>,
    pub rule: Option<Rule>,
    /// The second and later RRULEs (see `recurrence::Series::more_rules`).
    pub more_rules: Vec<Rule>,
    pub exdates: Vec<Occ>,
    /// Extra starts (RDATE), sorted, unique, of the start's kind.
    pub rdates: Vec<Occ>,
    pub recurrence_id: Option<Occ>,
    /// RECURRENCE-ID;RANGE=THISANDFUTURE: the override's changes apply to this occurrence
    /// and every later one (see `ics::future`).
    pub this_and_future: bool,
    /// The zone RECURRENCE-ID was written in (its day, for an all-day series).
    pub recurrence_zone: Tz,
    pub cancelled: bool,
    pub sequence: i64,
    pub categories: Vec<String>,
    pub alarms: Vec<IcsAlarm>,
    pub location: Option<String>,
    pub url: Option<String>,
}

pub struct Read {
    pub events: Vec<IcsEvent>,
    pub notes: Vec<IcsNote>,
}

/// Properties read (or deliberately ignored) on a VEVENT; anything else is noted.
const KNOWN: &[&str] = &[
    "UID", "DTSTART", "DTEND", "DURATION", "SUMMARY", "DESCRIPTION", "LOCATION", "RRULE", "EXDATE", "RDATE",
    "RECURRENCE-ID", "SEQUENCE", "STATUS", "CATEGORIES", "DTSTAMP", "CREATED", "LAST-MODIFIED", "TRANSP", "CLASS",
    "PRIORITY", "ORGANIZER", "ATTENDEE", "URL", "GEO", "COLOR", "CONFERENCE", "ATTACH", "COMMENT", "CONTACT",
    "RESOURCES", "RELATED-TO", "REQUEST-STATUS", "EXRULE",
];

pub fn events(calendars: &[Component], user_tz: Tz) -> Result<Read, ParseError> {
    let mut out = Read { events: vec![], notes: vec![] };
    let mut unknown_seen = HashSet::new();
    for cal in calendars {
        calendar(cal, user_tz, &mut out, &mut unknown_seen)?;
    }
    Ok(out)
}

fn note(out: &mut Read, line: usize, reason: impl Into<String>) {
    out.notes.push(IcsNote { line, reason: reason.into() });
}

fn calendar(cal: &Component, user_tz: Tz, out: &mut Read, unknown: &mut HashSet<String>) -> Result<(), ParseError> {
    if let Some(v) = cal.prop("VERSION").filter(|v| v.value.trim() != "2.0") {
        return Err(ParseError::new(v.line, format!("iCalendar version {} is not supported (2.0 is)", short(&v.value))));
    }
    if let Some(c) = cal.prop("CALSCALE").filter(|c| !c.value.trim().eq_ignore_ascii_case("GREGORIAN")) {
        note(out, c.line, format!("calendar scale {} is not supported; this calendar was skipped", short(&c.value)));
        return Ok(());
    }
    let floating = cal
        .prop("X-WR-TIMEZONE")
        .and_then(|p| p.value.trim().parse::<Tz>().ok())
        .unwrap_or(user_tz);
    let zones = Zones::new(cal, floating);
    for child in &cal.children {
        match child.name.as_str() {
            "VEVENT" => {
                if let Some(ev) = event(child, &zones, out, unknown)? {
                    out.events.push(ev);
                }
            }
            "VTIMEZONE" => {}
            other => note(out, child.line, format!("{other} skipped (only events are imported)")),
        }
    }
    for (line, reason) in zones.notes.into_inner() {
        note(out, line, reason);
    }
    Ok(())
}

fn short(s: &str) -> String {
    crate::validate::truncate_for_message(s)
}

// ---- time zones ----------------------------------------------------------------------

/// What a file's VTIMEZONE says of its TZID.
struct ZoneDef {
    /// X-LIC-LOCATION (an IANA name some writers add).
    lic: Option<String>,
    /// The STANDARD part's offset, in seconds.
    std_offset: Option<i32>,
    rules: Option<VTimezone>,
}

struct Zones {
    defs: HashMap<String, ZoneDef>,
    floating: Tz,
    /// By TZID and the year of the time read (a zone known only by its rules is matched
    /// to an IANA zone around that year).
    resolved: std::cell::RefCell<HashMap<(String, i32), Tz>>,
    /// TZIDs whose rules match no IANA zone: their times are placed with the rules.
    by_rules: std::cell::RefCell<HashSet<String>>,
    notes: std::cell::RefCell<Vec<(usize, String)>>,
}

impl Zones {
    fn new(cal: &Component, floating: Tz) -> Zones {
        let mut defs = HashMap::new();
        for vtz in cal.children.iter().filter(|c| c.name == "VTIMEZONE") {
            let Some(id) = vtz.prop("TZID") else { continue };
            let lic = vtz.prop("X-LIC-LOCATION").map(|p| p.value.trim().to_string());
            let std_offset = vtz
                .children
                .iter()
                .find(|c| c.name == "STANDARD")
                .and_then(|s| s.prop("TZOFFSETTO"))
                .and_then(|p| utc_offset(&p.value));
            defs.insert(id.value.trim().to_string(), ZoneDef { lic, std_offset, rules: VTimezone::read(vtz) });
        }
        Zones { defs, floating, resolved: Default::default(), by_rules: Default::default(), notes: Default::default() }
    }

    /// The zone of a TZID parameter for a time in `year` (see the module docs for the
    /// order tried).
    fn zone(&self, tzid: &str, line: usize, year: i32) -> Tz {
        let key = (tzid.trim().trim_matches('"').to_string(), year);
        if let Some(tz) = self.resolved.borrow().get(&key) {
            return *tz;
        }
        let tz = self.resolve(&key.0, line, year);
        self.resolved.borrow_mut().insert(key, tz);
        tz
    }

    /// The instant of a local time in a TZID read by its own rules (see `by_rules`).
    fn instant_by_rules(&self, tzid: &str, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        let id = tzid.trim().trim_matches('"');
        if !self.by_rules.borrow().contains(id) {
            return None;
        }
        let rules = self.defs.get(id)?.rules.as_ref()?;
        rules.instant_of(local)
    }

    fn resolve(&self, id: &str, line: usize, year: i32) -> Tz {
        if let Some(tz) = iana(id) {
            return tz;
        }
        let def = self.defs.get(id);
        let lic = def.and_then(|d| d.lic.as_deref()).and_then(iana);
        let windows = windows_zone(id);
        let rules = def.and_then(|d| d.rules.as_ref());
        match rules {
            // Rules with daylight saving decide; names only order the candidates.
            Some(r) if !r.is_constant() => {
                let mut preferred: Vec<Tz> = lic.into_iter().chain(windows).chain(zones_named_in(id)).collect();
                preferred.dedup();
                return r.matching_zone(year, &preferred).unwrap_or_else(|| self.placed_by_rules(id, line));
            }
            _ => {
                if let Some(tz) = lic.or(windows) {
                    return tz;
                }
            }
        }
        if let Some(tz) = def.and_then(|d| d.std_offset).and_then(fixed_offset_zone) {
            self.notes.borrow_mut().push((
                line,
                format!("time zone \"{}\" is unknown; read as {} (without daylight saving)", short(id), tz.name()),
            ));
            return tz;
        }
        if rules.is_some() {
            return self.placed_by_rules(id, line);
        }
        self.notes
            .borrow_mut()
            .push((line, format!("time zone \"{}\" is unknown; its times were read as UTC", short(id))));
        chrono_tz::UTC
    }

    /// A TZID whose rules no IANA zone follows: its times are placed with the rules
    /// ([`Zones::instant_by_rules`]) and a series repeats in the whole-hour standard
    /// offset, else UTC.
    fn placed_by_rules(&self, id: &str, line: usize) -> Tz {
        self.by_rules.borrow_mut().insert(id.to_string());
        let repeats = self.defs.get(id).and_then(|d| d.std_offset).and_then(fixed_offset_zone).unwrap_or(chrono_tz::UTC);
        self.notes.borrow_mut().push((
            line,
            format!(
                "time zone \"{}\" follows no known zone's rules; its times were placed by the file's own rules and repeat in {}",
                short(id),
                repeats.name()
            ),
        ));
        repeats
    }
}

/// An IANA name, possibly at the end of a vendor prefix (`/mozilla.org/2005_1/Europe/Berlin`).
fn iana(id: &str) -> Option<Tz> {
    if let Ok(tz) = id.parse::<Tz>() {
        return Some(tz);
    }
    let parts: Vec<&str> = id.split('/').filter(|p| !p.is_empty()).collect();
    (1..=3.min(parts.len())).rev().find_map(|n| parts[parts.len() - n..].join("/").parse::<Tz>().ok())
}

/// IANA zones whose name appears in a TZID (`custom_America/New_York`), longest first.
fn zones_named_in(id: &str) -> Vec<Tz> {
    let mut found: Vec<Tz> = chrono_tz::TZ_VARIANTS.iter().copied().filter(|tz| tz.name().contains('/') && id.contains(tz.name())).collect();
    found.sort_by_key(|tz| std::cmp::Reverse(tz.name().len()));
    found
}

/// The zone names Windows (Outlook, Exchange) writes as TZIDs, for the common zones.
fn windows_zone(id: &str) -> Option<Tz> {
    const MAP: &[(&str, &str)] = &[
        ("Eastern Standard Time", "America/New_York"),
        ("Central Standard Time", "America/Chicago"),
        ("Mountain Standard Time", "America/Denver"),
        ("US Mountain Standard Time", "America/Phoenix"),
        ("Pacific Standard Time", "America/Los_Angeles"),
        ("Alaskan Standard Time", "America/Anchorage"),
        ("Hawaiian Standard Time", "Pacific/Honolulu"),
        ("Atlantic Standard Time", "America/Halifax"),
        ("Newfoundland Standard Time", "America/St_Johns"),
        ("Central Standard Time (Mexico)", "America/Mexico_City"),
        ("SA Pacific Standard Time", "America/Bogota"),
        ("E. South America Standard Time", "America/Sao_Paulo"),
        ("Argentina Standard Time", "America/Argentina/Buenos_Aires"),
        ("GMT Standard Time", "Europe/London"),
        ("Greenwich Standard Time", "Atlantic/Reykjavik"),
        ("W. Europe Standard Time", "Europe/Berlin"),
        ("Central Europe Standard Time", "Europe/Budapest"),
        ("Central European Standard Time", "Europe/Warsaw"),
        ("Romance Standard Time", "Europe/Paris"),
        ("GTB Standard Time", "Europe/Bucharest"),
        ("FLE Standard Time", "Europe/Kiev"),
        ("E. Europe Standard Time", "Europe/Chisinau"),
        ("Russian Standard Time", "Europe/Moscow"),
        ("Turkey Standard Time", "Europe/Istanbul"),
        ("Israel Standard Time", "Asia/Jerusalem"),
        ("Egypt Standard Time", "Africa/Cairo"),
        ("South Africa Standard Time", "Africa/Johannesburg"),
        ("Arabian Standard Time", "Asia/Dubai"),
        ("Iran Standard Time", "Asia/Tehran"),
        ("Pakistan Standard Time", "Asia/Karachi"),
        ("India Standard Time", "Asia/Kolkata"),
        ("SE Asia Standard Time", "Asia/Bangkok"),
        ("China Standard Time", "Asia/Shanghai"),
        ("Singapore Standard Time", "Asia/Singapore"),
        ("Taipei Standard Time", "Asia/Taipei"),
        ("Korea Standard Time", "Asia/Seoul"),
        ("Tokyo Standard Time", "Asia/Tokyo"),
        ("AUS Eastern Standard Time", "Australia/Sydney"),
        ("E. Australia Standard Time", "Australia/Brisbane"),
        ("Cen. Australia Standard Time", "Australia/Adelaide"),
        ("W. Australia Standard Time", "Australia/Perth"),
        ("New Zealand Standard Time", "Pacific/Auckland"),
        ("UTC", "UTC"),
        ("Coordinated Universal Time", "UTC"),
    ];
    MAP.iter().find(|(w, _)| w.eq_ignore_ascii_case(id)).and_then(|(_, iana)| iana.parse().ok())
}

/// `Etc/GMT-9` for +09:00 (the Etc names' sign is inverted); whole hours only.
fn fixed_offset_zone(seconds: i32) -> Option<Tz> {
    if seconds % 3600 != 0 {
        return None;
    }
    let h = seconds / 3600;
    let name = if h == 0 { "Etc/UTC".to_string() } else { format!("Etc/GMT{:+}", -h) };
    name.parse().ok()
}

// ---- values ----------------------------------------------------------------------------

/// A DATE or DATE-TIME property (DTSTART, DTEND, RECURRENCE-ID, an EXDATE item).
fn time_value(p: &Prop, value: &str, zones: &Zones) -> Result<(IcsTime, Tz), ParseError> {
    let v = value.trim();
    let bad = |why: &str| ParseError::new(p.line, format!("{} has {why} \"{}\"", p.name, short(v)));
    let is_date = p.param("VALUE").is_some_and(|x| x.eq_ignore_ascii_case("DATE")) || v.len() == 8;
    let tz = match p.param("TZID") {
        Some(id) => zones.zone(id, p.line, v.get(..4).and_then(|y| y.parse().ok()).unwrap_or(2000)),
        None => zones.floating,
    };
    if is_date {
        let d = NaiveDate::parse_from_str(v, "%Y%m%d").map_err(|_| bad("a bad date"))?;
        check_year(d.and_time(chrono::NaiveTime::MIN), p, v)?;
        return Ok((IcsTime::Date(d), tz));
    }
    let (body, utc) = match v.strip_suffix('Z').or_else(|| v.strip_suffix('z')) {
        Some(b) => (b, true),
        None => (v, false),
    };
    let t = NaiveDateTime::parse_from_str(body, "%Y%m%dT%H%M%S").map_err(|_| bad("a bad date-time"))?;
    check_year(t, p, v)?;
    let by_rules = if utc { None } else { p.param("TZID").and_then(|id| zones.instant_by_rules(id, t)) };
    let instant = match by_rules {
        Some(at) => at,
        None if utc => Utc.from_utc_datetime(&t),
        None => recurrence::local_to_utc(t, tz),
    };
    // A UTC time repeats in UTC (RFC 5545 §3.3.5), not in any local zone.
    Ok((IcsTime::Time(instant), if utc { chrono_tz::UTC } else { tz }))
}

fn check_year(t: NaiveDateTime, p: &Prop, v: &str) -> Result<(), ParseError> {
    let y = chrono::Datelike::year(&t);
    if !(MIN_YEAR..=MAX_YEAR).contains(&y) {
        return Err(ParseError::new(p.line, format!("{} \"{}\" is outside the years {MIN_YEAR}-{MAX_YEAR}", p.name, short(v))));
    }
    Ok(())
}

/// An RFC 5545 duration (`-PT15M`, `P1DT2H`, `P2W`) in seconds.
pub fn duration(p: &Prop, s: &str) -> Result<i64, ParseError> {
    let bad = || ParseError::new(p.line, format!("{} has a bad duration \"{}\"", p.name, short(s)));
    let s = s.trim();
    let (sign, rest) = match s.as_bytes().first() {
        Some(b'-') => (-1, &s[1..]),
        Some(b'+') => (1, &s[1..]),
        _ => (1, s),
    };
    let rest = rest.strip_prefix('P').or_else(|| rest.strip_prefix('p')).ok_or_else(bad)?;
    let (mut total, mut num, mut in_time, mut any) = (0i64, String::new(), false, false);
    for c in rest.chars() {
        let unit = match c.to_ascii_uppercase() {
            'T' if num.is_empty() && !in_time => {
                in_time = true;
                continue;
            }
            d if d.is_ascii_digit() && num.len() < 9 => {
                num.push(d);
                continue;
            }
            'W' if !in_time => 604_800,
            'D' if !in_time => 86_400,
            'H' if in_time => 3_600,
            'M' if in_time => 60,
            'S' if in_time => 1,
            _ => return Err(bad()),
        };
        let n: i64 = num.parse().map_err(|_| bad())?;
        total = total.checked_add(n * unit).ok_or_else(bad)?;
        num.clear();
        any = true;
    }
    if !any || !num.is_empty() || total > 400 * 86_400 {
        return Err(bad());
    }
    Ok(sign * total)
}

// ---- events ----------------------------------------------------------------------------

fn event(c: &Component, zones: &Zones, out: &mut Read, unknown: &mut HashSet<String>) -> Result<Option<IcsEvent>, ParseError> {
    for p in &c.props {
        if !KNOWN.contains(&p.name.as_str()) && unknown.insert(p.name.clone()) {
            note(out, p.line, format!("property {} ignored", p.name));
        }
    }
    for child in c.children.iter().filter(|ch| ch.name != "VALARM") {
        note(out, child.line, format!("{} inside an event skipped", child.name));
    }
    let Some(dtstart) = c.prop("DTSTART") else {
        note(out, c.line, "event without DTSTART skipped");
        return Ok(None);
    };
    let (start, tz) = time_value(dtstart, &dtstart.value, zones)?;
    let end = end_of(c, start, zones)?;
    let uid = uid_of(c, out)?;
    let (rule, more_rules, exdates, rdates) = rule_of(c, start, end, tz, zones, out)?;
    let (recurrence_id, recurrence_zone) = match c.prop("RECURRENCE-ID") {
        Some(r) => {
            let (t, zone) = time_value(r, &r.value, zones)?;
            (Some(t.occ()), zone)
        }
        None => (None, tz),
    };
    // RANGE=THISANDFUTURE (the only value RFC 5545 §3.2.13 has; THISANDPRIOR is gone).
    let this_and_future = c
        .prop("RECURRENCE-ID")
        .and_then(|r| r.param("RANGE"))
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("THISANDFUTURE"));
    if let Some(r) = c.prop("RECURRENCE-ID").filter(|r| r.param("RANGE").is_some() && !this_and_future) {
        note(out, r.line, "RECURRENCE-ID with a RANGE other than THISANDFUTURE read as this occurrence only");
    }
    let text = |name: &str| c.prop(name).map(|p| unescape(&p.value)).filter(|s| !s.trim().is_empty());
    let notes = text("DESCRIPTION");
    let location = text("LOCATION");
    // URL is a URI, not TEXT: no unescaping.
    let url = c.prop("URL").map(|p| p.value.trim().to_string()).filter(|s| !s.is_empty());
    let sequence = match c.prop("SEQUENCE") {
        Some(p) => p.value.trim().parse::<i64>().ok().filter(|n| (0..=1_000_000).contains(n)).ok_or_else(|| {
            ParseError::new(p.line, format!("SEQUENCE must be a number (got \"{}\")", short(&p.value)))
        })?,
        None => 0,
    };
    let cancelled = c.prop("STATUS").is_some_and(|s| s.value.trim().eq_ignore_ascii_case("CANCELLED"));
    let categories = c.props_named("CATEGORIES").flat_map(|p| split_text_list(&p.value)).collect();
    let alarms = alarms(c, start, end, zones, out)?;
    Ok(Some(IcsEvent {
        line: c.line,
        uid,
        title: text("SUMMARY"),
        notes,
        tz,
        start,
        end,
        rule,
        more_rules,
        exdates,
        rdates,
        recurrence_id,
        recurrence_zone,
        this_and_future,
        cancelled,
        sequence,
        categories,
        alarms,
        location,
        url,
    }))
}

/// DTEND (exclusive for dates: the last day is the day before) or DTSTART + DURATION.
fn end_of(c: &Component, start: IcsTime, zones: &Zones) -> Result<Option<IcsTime>, ParseError> {
    let end = if let Some(p) = c.prop("DTEND") {
        let (e, _) = time_value(p, &p.value, zones)?;
        match (start, e) {
            (IcsTime::Date(s), IcsTime::Date(e)) => {
                if e < s {
                    return Err(ParseError::new(p.line, "DTEND is before DTSTART"));
                }
                Some(IcsTime::Date(e.pred_opt().unwrap_or(e).max(s)))
            }
            (IcsTime::Time(s), IcsTime::Time(e)) => {
                if e < s {
                    return Err(ParseError::new(p.line, "DTEND is before DTSTART"));
                }
                Some(IcsTime::Time(e))
            }
            _ => return Err(ParseError::new(p.line, "DTEND must be a date when DTSTART is a date, a time when it is a time")),
        }
    } else if let Some(p) = c.prop("DURATION") {
        let secs = duration(p, &p.value)?;
        if secs < 0 {
            return Err(ParseError::new(p.line, "DURATION must not be negative"));
        }
        match start {
            IcsTime::Date(s) => Some(IcsTime::Date(s + Duration::days((secs / 86_400 - 1).max(0)))),
            IcsTime::Time(s) => Some(IcsTime::Time(s + Duration::seconds(secs))),
        }
    } else {
        None
    };
    if let (IcsTime::Date(s), Some(IcsTime::Date(e))) = (start, end) {
        if (e - s).num_days() > crate::planner::calendar::model::MAX_SPAN_DAYS {
            return Err(ParseError::new(c.line, "the event lasts more than a year"));
        }
    }
    if let (IcsTime::Time(s), Some(IcsTime::Time(e))) = (start, end) {
        if (e - s).num_days() > crate::planner::calendar::model::MAX_SPAN_DAYS {
            return Err(ParseError::new(c.line, "the event lasts more than a year"));
        }
    }
    Ok(end)
}

/// The UID, or one derived from the event's start and title when the file has none.
fn uid_of(c: &Component, out: &mut Read) -> Result<String, ParseError> {
    if let Some(p) = c.prop("UID") {
        let v = p.value.trim();
        if v.is_empty() || v.chars().count() > 255 {
            return Err(ParseError::new(p.line, "UID must have 1 to 255 characters"));
        }
        return Ok(v.to_string());
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for name in ["DTSTART", "SUMMARY", "RRULE", "RECURRENCE-ID"] {
        for b in c.prop(name).map(|p| p.value.as_bytes()).unwrap_or_default().iter().chain(b"|") {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    note(out, c.line, "event without UID: one was derived from its start and title");
    Ok(format!("derived-{h:016x}@studydesk-import"))
}

/// An event's rules (none, or the first and the further ones), EXDATEs and RDATEs.
type SeriesParts = (Option<Rule>, Vec<Rule>, Vec<Occ>, Vec<Occ>);

/// The series of an event: its rules, EXDATEs and RDATEs (see the module docs).
fn rule_of(
    c: &Component,
    start: IcsTime,
    end: Option<IcsTime>,
    tz: Tz,
    zones: &Zones,
    out: &mut Read,
) -> Result<SeriesParts, ParseError> {
    for p in c.props_named("EXRULE") {
        note(out, p.line, format!("{} ignored (not supported)", p.name));
    }
    let rdates = rdates_of(c, start, end, tz, zones, out)?;
    let rule = match rrule_of(c, start, tz, out)? {
        Some(Some(rule)) => rule,
        Some(None) => {
            if let Some(p) = c.props_named("RDATE").next() {
                note(out, p.line, "RDATE ignored: the event was imported without repeating");
            }
            return Ok((None, vec![], vec![], vec![]));
        }
        None if rdates.is_empty() => return Ok((None, vec![], vec![], vec![])),
        None => Rule::start_only(),
    };
    let more_rules = more_rrules_of(c, &rule, start, tz, out)?;
    let all_day = matches!(start, IcsTime::Date(_));
    let mut exdates = Vec::new();
    for e in c.props_named("EXDATE") {
        for item in e.value.split(',').filter(|s| !s.trim().is_empty()) {
            let (t, written_in) = time_value(e, item, zones)?;
            exdates.push(same_kind(t, written_in, start, tz, all_day));
        }
    }
    Ok((Some(rule), more_rules, exdates, rdates))
}

/// The RRULE: `None` without one, `Some(None)` when it cannot be used (noted; the event
/// is then a single event).
fn rrule_of(c: &Component, start: IcsTime, tz: Tz, out: &mut Read) -> Result<Option<Option<Rule>>, ParseError> {
    let Some(p) = c.props_named("RRULE").next() else { return Ok(None) };
    Ok(Some(one_rrule(p, start, tz, out, "the event was imported without repeating")?))
}

/// The second and later RRULEs of an event whose first one is used (see
/// `recurrence::Series::more_rules`). One that cannot be used is left out with a note, as
/// is one past [`MORE_RULES_BUDGET`] characters for all the rules together.
fn more_rrules_of(c: &Component, first: &Rule, start: IcsTime, tz: Tz, out: &mut Read) -> Result<Vec<Rule>, ParseError> {
    let mut rules = Vec::new();
    let mut length = first.canonical().len();
    for p in c.props_named("RRULE").skip(1) {
        let Some(rule) = one_rrule(p, start, tz, out, "this RRULE was left out")? else { continue };
        if rules.contains(&rule) || rule == *first {
            continue;
        }
        length += 1 + rule.canonical().len();
        if length > MORE_RULES_BUDGET {
            note(out, p.line, format!("RRULE left out: the rules of one event have at most {MORE_RULES_BUDGET} characters together"));
            continue;
        }
        rules.push(rule);
    }
    Ok(rules)
}

/// The stored rules text has at most 500 characters; an import leaves room for the
/// UNTIL a split (THISANDFUTURE, "this and following") writes into each rule.
const MORE_RULES_BUDGET: usize = 400;

/// One RRULE line: `None` when it cannot be used (noted, saying what was done then).
fn one_rrule(p: &Prop, start: IcsTime, tz: Tz, out: &mut Read, then: &str) -> Result<Option<Rule>, ParseError> {
    let parsed = recurrence::parse(&p.value).map_err(|e| ParseError::new(p.line, format!("RRULE: {e}")))?;
    if let Some(part) = parsed.unsupported.first() {
        note(out, p.line, format!("RRULE part {part} is not supported; {then}"));
        return Ok(None);
    }
    let all_day = matches!(start, IcsTime::Date(_));
    let mut rule = parsed.rule;
    rule.normalise_until(all_day, tz);
    let series = recurrence::Series { rule: rule.clone(), more_rules: vec![], tz, start: start.occ(), rdates: vec![] };
    if series.last().is_err() {
        note(out, p.line, format!("RRULE never produces an occurrence; {then}"));
        return Ok(None);
    }
    Ok(Some(rule))
}

/// An EXDATE or RDATE item in the series' kind: a date on a timed series at the start's
/// local time; a time on an all-day series as the day written, in the value's own zone
/// (through UTC a midnight east of Greenwich would name the day before).
fn same_kind(t: IcsTime, written_in: Tz, start: IcsTime, tz: Tz, all_day: bool) -> Occ {
    match (t, all_day) {
        (IcsTime::Date(d), false) => {
            let local = start_local_time(start, tz);
            Occ::Time(recurrence::local_to_utc(d.and_time(local), tz))
        }
        (IcsTime::Time(t), true) => Occ::Date(t.with_timezone(&written_in).date_naive()),
        (t, _) => t.occ(),
    }
}

/// The RDATEs of an event, sorted and unique, at most [`MAX_RDATES`] (see the module docs).
fn rdates_of(c: &Component, start: IcsTime, end: Option<IcsTime>, tz: Tz, zones: &Zones, out: &mut Read) -> Result<Vec<Occ>, ParseError> {
    let all_day = matches!(start, IcsTime::Date(_));
    let length = length_seconds(start, end);
    let mut list = Vec::new();
    let mut before_start = 0usize;
    for p in c.props_named("RDATE") {
        let mut other_length = false;
        for item in p.value.split(',').filter(|s| !s.trim().is_empty()) {
            let (from, period) = match item.split_once('/') {
                Some((a, b)) => (a, Some(b)),
                None => (item, None),
            };
            let (t, written_in) = time_value(p, from, zones)?;
            if let Some(b) = period {
                other_length |= period_seconds(p, t, b, zones)? != length;
            }
            let occ = same_kind(t, written_in, start, tz, all_day);
            if occ < start.occ() {
                before_start += 1;
                continue;
            }
            list.push(occ);
        }
        if other_length {
            note(out, p.line, "RDATE period with another length than the event's: its start was kept, with the event's length");
        }
    }
    if before_start > 0 {
        note(out, c.line, format!("{before_start} RDATE value(s) before DTSTART dropped"));
    }
    list.sort();
    list.dedup();
    if list.len() > MAX_RDATES {
        note(out, c.line, format!("only the first {MAX_RDATES} RDATE values of the event were kept ({} dropped)", list.len() - MAX_RDATES));
        list.truncate(MAX_RDATES);
    }
    Ok(list)
}

/// A PERIOD's length in seconds from its start and its second half (an end or a duration).
fn period_seconds(p: &Prop, start: IcsTime, second: &str, zones: &Zones) -> Result<i64, ParseError> {
    let second = second.trim();
    if second.starts_with(['P', 'p', '+', '-']) {
        return duration(p, second);
    }
    let (end, _) = time_value(p, second, zones)?;
    match (start, end) {
        (IcsTime::Time(s), IcsTime::Time(e)) if e >= s => Ok((e - s).num_seconds()),
        // Not RFC 5545 (a PERIOD is of date-times), but written: whole days.
        (IcsTime::Date(s), IcsTime::Date(e)) if e >= s => Ok((e - s).num_days() * 86_400),
        _ => Err(ParseError::new(p.line, format!("{} has a bad period \"{}\"", p.name, short(second)))),
    }
}

fn start_local_time(start: IcsTime, tz: Tz) -> chrono::NaiveTime {
    match start {
        IcsTime::Time(t) => t.with_timezone(&tz).time(),
        IcsTime::Date(_) => chrono::NaiveTime::MIN,
    }
}

/// VALARMs as reminders: relative to the start (or end) before it, or at a time.
fn alarms(c: &Component, start: IcsTime, end: Option<IcsTime>, zones: &Zones, out: &mut Read) -> Result<Vec<IcsAlarm>, ParseError> {
    let mut list = Vec::new();
    for a in c.children.iter().filter(|ch| ch.name == "VALARM") {
        let Some(t) = a.prop("TRIGGER") else {
            note(out, a.line, "alarm without TRIGGER skipped");
            continue;
        };
        let alarm = if t.param("VALUE").is_some_and(|v| v.eq_ignore_ascii_case("DATE-TIME")) {
            match time_value(t, &t.value, zones)?.0 {
                IcsTime::Time(at) => IcsAlarm { minutes_before: None, remind_at: Some(at) },
                IcsTime::Date(_) => return Err(ParseError::new(t.line, "TRIGGER;VALUE=DATE-TIME needs a time")),
            }
        } else {
            let mut offset = duration(t, &t.value)?;
            if t.param("RELATED").is_some_and(|r| r.eq_ignore_ascii_case("END")) {
                offset += length_seconds(start, end);
            }
            if offset > 0 {
                note(out, t.line, "alarm after the event's start skipped");
                continue;
            }
            IcsAlarm { minutes_before: Some(-offset / 60), remind_at: None }
        };
        if !list.contains(&alarm) {
            list.push(alarm);
        }
    }
    let max = crate::planner::reminder_defs::MAX_PER_EVENT;
    if list.len() > max {
        note(out, c.line, format!("only the first {max} alarms of the event were kept"));
        list.truncate(max);
    }
    let too_early = list.iter().any(|a| a.minutes_before.is_some_and(|m| m > crate::planner::reminder_defs::MAX_MINUTES_BEFORE));
    if too_early {
        note(out, c.line, "alarms more than four weeks before the event were skipped");
        list.retain(|a| a.minutes_before.is_none_or(|m| m <= crate::planner::reminder_defs::MAX_MINUTES_BEFORE));
    }
    Ok(list)
}

fn length_seconds(start: IcsTime, end: Option<IcsTime>) -> i64 {
    match (start, end) {
        (IcsTime::Time(s), Some(IcsTime::Time(e))) => (e - s).num_seconds(),
        (IcsTime::Date(s), Some(IcsTime::Date(e))) => ((e - s).num_days() + 1) * 86_400,
        (IcsTime::Date(_), None) => 86_400,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prop() -> Prop {
        Prop { name: "TRIGGER".into(), params: vec![], value: String::new(), line: 7 }
    }

    #[test]
    fn durations() {
        assert_eq!(duration(&prop(), "-PT15M").unwrap(), -900);
        assert_eq!(duration(&prop(), "P1DT2H").unwrap(), 93_600);
        assert_eq!(duration(&prop(), "-P1W").unwrap(), -604_800);
        assert_eq!(duration(&prop(), "PT0S").unwrap(), 0);
        for bad in ["", "P", "15M", "PT", "P1H", "PT1D", "P99999999999D", "-PT1M2"] {
            assert!(duration(&prop(), bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn zone_names() {
        assert_eq!(iana("/mozilla.org/20050126_1/America/New_York"), Some(chrono_tz::America::New_York));
        assert_eq!(windows_zone("W. Europe Standard Time"), Some(chrono_tz::Europe::Berlin));
        assert_eq!(fixed_offset_zone(9 * 3600).map(|t| t.name()), Some("Etc/GMT-9"));
        assert_eq!(utc_offset("-0430"), Some(-16_200));
    }
}
