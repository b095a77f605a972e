//! The decoded calendar event: a `calendar_events` row ([`CalendarEventRow`]) read into
//! the types the rules work on ([`Ev`], [`When`], the series' [`Rule`]), and the typed
//! start and end an input gives.
//!
//! Contract:
//! - [`Ev::decode`] never fails: a stored value it cannot read falls back (the user's
//!   zone, the event's first date, no rule), so one bad row does not hide a month.
//!   [`Ev::encode`] writes the decoded fields back into the row (dates in the event's zone,
//!   the canonical RRULE, sorted unique EXDATEs, the series' last date).
//! - Inputs: a date (all-day), a local wall-clock time (read in the event's zone) or an
//!   instant with an offset, between the years [`MIN_YEAR`] and [`MAX_YEAR`]; an
//!   occurrence lasts at most [`MAX_SPAN_DAYS`].
//! - Ids that must be the same on every device are derived, not random:
//!   [`override_id`] and [`imported_id`] (docs/sync.md §3).
//! - RDATEs ([`Ev::rdates`]) belong to a master: sorted, unique, of its start's kind,
//!   at most [`MAX_RDATES`]; a row without a rule has none.
//! - No SQL here (that is `store`), no reminders (that is `reminders`): both build on this.

use super::recurrence::{self, Occ, Rule, Series};
use crate::db::Tx;
use crate::planner::rows::{CalendarEventRow, CalendarEventSource};
use crate::time::parse_instant;
use crate::{validate, CoreError, Result};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;

pub const TITLE_MAX: usize = 160;
pub const NOTES_MAX: usize = 20_000;
// The event row's own limits, checked by the row itself (`planner::rows`).
pub use crate::planner::rows::{LOCATION_MAX, MAX_RDATES, URL_MAX};
/// The longest single occurrence: a year.
pub const MAX_SPAN_DAYS: i64 = 366;
/// Dates outside these years are refused (they are typos, and keep arithmetic safe).
pub const MIN_YEAR: i32 = 1900;
pub const MAX_YEAR: i32 = 2199;

// ---- the decoded event -----------------------------------------------------------------

/// When an occurrence happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    AllDay { first: NaiveDate, last: NaiveDate },
    Timed { start: DateTime<Utc>, end: Option<DateTime<Utc>> },
}

impl When {
    pub fn start_occ(&self) -> Occ {
        match self {
            When::AllDay { first, .. } => Occ::Date(*first),
            When::Timed { start, .. } => Occ::Time(*start),
        }
    }

    /// The same occurrence moved to start at `o` (its length kept).
    pub fn at(&self, o: Occ) -> When {
        match (*self, o) {
            (When::AllDay { first, last }, Occ::Date(d)) => When::AllDay { first: d, last: d + (last - first) },
            (When::Timed { start, end }, Occ::Time(t)) => When::Timed { start: t, end: end.map(|e| t + (e - start)) },
            (w, _) => w,
        }
    }

    /// First and last local dates covered, in `tz`.
    pub fn dates(&self, tz: Tz) -> (NaiveDate, NaiveDate) {
        match *self {
            When::AllDay { first, last } => (first, last),
            When::Timed { start, end } => {
                let first = start.with_timezone(&tz).date_naive();
                let last = match end {
                    Some(e) if e > start => (e - Duration::seconds(1)).with_timezone(&tz).date_naive(),
                    _ => first,
                };
                (first, last.max(first))
            }
        }
    }
}

/// A row decoded into types the rules work on.
#[derive(Debug, Clone)]
pub struct Ev {
    pub row: CalendarEventRow,
    pub tz: Tz,
    pub when: When,
    pub rule: Option<Rule>,
    /// A master's further rules (see [`Series::more_rules`]); none without `rule`.
    pub more_rules: Vec<Rule>,
    pub exdates: Vec<Occ>,
    /// Extra starts of a series (RDATE), sorted and unique.
    pub rdates: Vec<Occ>,
    pub recurrence: Option<Occ>,
}

impl Ev {
    pub fn decode(row: CalendarEventRow, user_tz: Tz) -> Ev {
        let tz = row.timezone.as_deref().and_then(|t| t.parse::<Tz>().ok()).unwrap_or(user_tz);
        // `FromStr` reads exactly YYYY-MM-DD without interpreting a format string: this runs
        // for every row a month view reads.
        let date = |s: &str| s.parse::<NaiveDate>().ok();
        let first = date(&row.event_date).unwrap_or_default();
        let when = match (row.all_day, row.starts_at.as_deref().and_then(parse_instant)) {
            (false, Some(start)) => When::Timed { start, end: row.ends_at.as_deref().and_then(parse_instant) },
            _ => When::AllDay { first, last: row.end_date.as_deref().and_then(date).unwrap_or(first).max(first) },
        };
        // A text whose first rule cannot be read is no series; a further rule that cannot
        // be read is left out (no row hides its event).
        let mut rules = row.rrule.as_deref().map(read_rules).unwrap_or_default().into_iter();
        let rule = rules.next();
        let more_rules: Vec<Rule> = rules.collect();
        let exdates = occ_list(&row.exdates);
        // Only of the start's kind: a mixed list could not merge in order.
        let same_kind = |o: &Occ| matches!((o, when.start_occ()), (Occ::Date(_), Occ::Date(_)) | (Occ::Time(_), Occ::Time(_)));
        let mut rdates: Vec<Occ> = if rule.is_some() { occ_list(&row.rdates) } else { vec![] };
        rdates.retain(same_kind);
        rdates.sort();
        rdates.dedup();
        let recurrence = row.recurrence_id.as_deref().and_then(Occ::parse_key);
        Ev { row, tz, when, rule, more_rules, exdates, rdates, recurrence }
    }

    pub fn series(&self) -> Option<Series> {
        self.rule.clone().map(|rule| Series {
            rule,
            more_rules: self.more_rules.clone(),
            tz: self.tz,
            start: self.when.start_occ(),
            rdates: self.rdates.clone(),
        })
    }

    pub fn is_master(&self) -> bool {
        self.rule.is_some()
    }

    /// Writes the decoded fields back into the row (dates, times, rule, exceptions).
    pub fn encode(&mut self) -> Result<()> {
        let (first, last) = self.when.dates(self.tz);
        self.row.event_date = first.to_string();
        self.row.end_date = Some(last.to_string());
        match self.when {
            When::AllDay { .. } => {
                self.row.all_day = true;
                self.row.starts_at = None;
                self.row.ends_at = None;
            }
            When::Timed { start, end } => {
                self.row.all_day = false;
                self.row.starts_at = Some(crate::db::timestamp_text(start));
                self.row.ends_at = end.map(crate::db::timestamp_text);
            }
        }
        if self.rule.is_none() {
            self.more_rules.clear();
        }
        self.row.rrule = self.rule.as_ref().map(|r| recurrence::canonical_rules(std::iter::once(r).chain(&self.more_rules)));
        self.exdates.sort();
        self.exdates.dedup();
        self.row.exdates = serde_json::Value::Array(self.exdates.iter().map(|o| o.key().into()).collect());
        if self.rule.is_none() {
            self.rdates.clear();
        }
        self.rdates.sort();
        self.rdates.dedup();
        if self.rdates.len() > MAX_RDATES {
            return Err(CoreError::validation(format!("a series has at most {MAX_RDATES} extra dates")));
        }
        self.row.rdates = serde_json::Value::Array(self.rdates.iter().map(|o| o.key().into()).collect());
        self.row.recurrence_id = self.recurrence.map(|o| o.key());
        self.row.series_end_date = self.series_end()?;
        Ok(())
    }

    /// The last date a master's series covers (`None`: no end, or not a master).
    fn series_end(&self) -> Result<Option<String>> {
        let Some(series) = self.series() else { return Ok(None) };
        Ok(series.last()?.map(|o| self.when.at(o).dates(self.tz).1.to_string()))
    }
}

/// The rules of a stored text (see [`recurrence::parse_rules`]), the first readable
/// one first; none when the first line cannot be read.
fn read_rules(text: &str) -> Vec<Rule> {
    let mut lines = text.split(recurrence::RULES_SEPARATOR).map(recurrence::parse);
    match lines.next() {
        Some(Ok(first)) => std::iter::once(first.rule).chain(lines.filter_map(|p| p.ok().map(|p| p.rule))).collect(),
        _ => vec![],
    }
}

/// A JSON array of occurrence keys (EXDATE, RDATE) as occurrences; unreadable items skipped.
fn occ_list(v: &serde_json::Value) -> Vec<Occ> {
    v.as_array().map(|a| a.iter().filter_map(|v| v.as_str().and_then(Occ::parse_key)).collect()).unwrap_or_default()
}

// ---- input parsing ----------------------------------------------------------------------

/// A start or end as typed: a date, a local wall-clock time, or an instant.
#[derive(Debug, Clone, Copy)]
pub enum TimeIn {
    Date(NaiveDate),
    Local(NaiveDateTime),
    Instant(DateTime<Utc>),
}

pub fn parse_time_in(field: &str, s: &str) -> Result<TimeIn> {
    let s = s.trim();
    let bad = || {
        CoreError::validation(format!(
            "{field} must be a date (2026-11-23), a local time (2026-11-23T15:00) or a time with an offset \
             (2026-11-23T15:00:00+09:00); got \"{}\"",
            validate::truncate_for_message(s)
        ))
    };
    let parsed = if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        TimeIn::Date(d)
    } else if let Some(t) = parse_instant(s) {
        TimeIn::Instant(t)
    } else {
        let local = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
            .ok_or_else(bad)?;
        TimeIn::Local(local)
    };
    let year = match parsed {
        TimeIn::Date(d) => chrono::Datelike::year(&d),
        TimeIn::Local(t) => chrono::Datelike::year(&t),
        TimeIn::Instant(t) => chrono::Datelike::year(&t),
    };
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return Err(CoreError::validation(format!("{field} must be between the years {MIN_YEAR} and {MAX_YEAR}")));
    }
    Ok(parsed)
}

impl TimeIn {
    pub fn date(self, tz: Tz) -> NaiveDate {
        match self {
            TimeIn::Date(d) => d,
            TimeIn::Local(t) => t.date(),
            TimeIn::Instant(t) => t.with_timezone(&tz).date_naive(),
        }
    }

    pub fn instant(self, field: &str, tz: Tz) -> Result<DateTime<Utc>> {
        match self {
            TimeIn::Date(_) => Err(CoreError::validation(format!(
                "{field} needs a time of day (or make the event all-day)"
            ))),
            TimeIn::Local(t) => Ok(recurrence::local_to_utc(t, tz)),
            TimeIn::Instant(t) => Ok(t),
        }
    }
}

/// Builds and checks an occurrence's `When` from typed start and end.
pub fn when_from(all_day: bool, start: TimeIn, end: Option<TimeIn>, tz: Tz) -> Result<When> {
    let when = if all_day {
        let first = start.date(tz);
        let last = end.map(|e| e.date(tz)).unwrap_or(first);
        When::AllDay { first, last }
    } else {
        let s = start.instant("start", tz)?;
        let e = end.map(|e| e.instant("end", tz)).transpose()?;
        When::Timed { start: s, end: e }
    };
    check_when(&when)?;
    Ok(when)
}

pub fn check_when(w: &When) -> Result<()> {
    let span = match *w {
        When::AllDay { first, last } => {
            if last < first {
                return Err(CoreError::validation("the end date must not be before the start date"));
            }
            (last - first).num_days()
        }
        When::Timed { start, end: Some(end) } => {
            validate::ordered("start", start, "end", end)?;
            (end - start).num_days()
        }
        When::Timed { .. } => 0,
    };
    if span > MAX_SPAN_DAYS {
        return Err(CoreError::validation(format!("an event may last at most {MAX_SPAN_DAYS} days")));
    }
    Ok(())
}

/// A user-typed repeat rule: every part must be supported. Several rules, one per line
/// (as an event imported with several RRULEs shows its `rrule`), are the first rule and
/// the further ones.
pub fn rule_from(text: &str, all_day: bool, tz: Tz) -> Result<(Rule, Vec<Rule>)> {
    let parsed = recurrence::parse_rules(text).map_err(|e| CoreError::validation(format!("repeat rule: {e}")))?;
    let mut rules = Vec::with_capacity(parsed.len());
    for p in parsed {
        if let Some(part) = p.unsupported.first() {
            return Err(CoreError::validation(format!("repeat rule: {part} is not supported")));
        }
        let mut rule = p.rule;
        rule.normalise_until(all_day, tz);
        rules.push(rule);
    }
    let first = rules.remove(0);
    Ok((first, rules))
}

/// A new, not yet stored event of `user_id` (ids, timestamps and order filled in).
pub fn blank(tx: &Tx, user_id: &str, tz: Tz, when: When) -> Ev {
    let id = tx.new_id();
    let now = tx.now_text();
    let row = CalendarEventRow {
        id: id.clone(),
        user_id: user_id.to_string(),
        event_date: String::new(),
        title: None,
        notes: None,
        starts_at: None,
        ends_at: None,
        source: CalendarEventSource::Modal,
        order_index: 0,
        created_at: now.clone(),
        updated_at: now,
        all_day: false,
        end_date: None,
        series_end_date: None,
        timezone: Some(tz.name().to_string()),
        rrule: None,
        exdates: serde_json::Value::Array(vec![]),
        series_id: None,
        recurrence_id: None,
        uid: Some(format!("{id}@studydesk")),
        course_id: None,
        sequence: 0,
        rdates: serde_json::Value::Array(vec![]),
        location: None,
        url: None,
        subscription_id: None,
    };
    Ev { row, tz, when, rule: None, more_rules: vec![], exdates: vec![], rdates: vec![], recurrence: None }
}

/// The id of the override of occurrence `occurrence_key` (`recurrence_id`) of a series:
/// derived from that pair, which is unique, so two devices editing the same occurrence
/// offline make one row that sync merges, not two that break the UNIQUE index.
pub fn override_id(series_id: &str, occurrence_key: &str) -> String {
    studydesk_sync::natural_id("calendar_events", &["override", series_id, occurrence_key])
}

/// The id of an event imported from a calendar file: derived from its owner and UID
/// (unique per user), so the same file imported on two devices converges to one event.
/// A UID Studydesk itself made (`<id>@studydesk`, see [`blank`]) names that event's id:
/// a file exported here and imported on another device is the same event, not a twin.
pub fn imported_id(user_id: &str, uid: &str) -> String {
    match uid.strip_suffix("@studydesk").and_then(|id| uuid::Uuid::parse_str(id).ok()) {
        Some(id) => id.hyphenated().to_string(),
        None => studydesk_sync::natural_id("calendar_events", &["uid", user_id, uid]),
    }
}

/// The row id of an event of a subscription's feed (its UID, and the original start of a
/// detached occurrence): the same at every refresh, so a refresh updates the rows it
/// made before and the user's reminders on them survive it.
pub fn feed_event_id(subscription_id: &str, uid: &str, original_start: Option<&str>) -> String {
    studydesk_sync::natural_id("calendar_events", &["feed", subscription_id, uid, original_start.unwrap_or("")])
}

/// The row id of a detached occurrence: the same on every device importing the file.
pub fn detached_id(user_id: &str, uid: &str, original_start: &str) -> String {
    studydesk_sync::natural_id("calendar_events", &["uid", user_id, uid, original_start])
}

/// A new override row for occurrence `occ` of `master`, with the master's fields.
pub fn override_of(tx: &Tx, master: &Ev, occ: Occ) -> Ev {
    let mut ov = master.clone();
    ov.row.id = override_id(&master.row.id, &occ.key());
    ov.row.created_at = tx.now_text();
    ov.row.updated_at = tx.now_text();
    ov.row.uid = None;
    ov.row.series_id = Some(master.row.id.clone());
    ov.row.sequence = master.row.sequence;
    ov.when = master.when.at(occ);
    ov.rule = None;
    ov.more_rules = vec![];
    ov.exdates = vec![];
    ov.rdates = vec![];
    ov.recurrence = Some(occ);
    ov
}

