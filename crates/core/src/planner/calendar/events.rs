//! Calendar events: create, update, move and delete, with the three edit scopes of a
//! recurring series.
//!
//! Contract:
//! - A row is a single event, a series master (`rrule` set) or an override (`series_id`
//!   + `recurrence_id`, the original start of the occurrence it replaces); see V5.
//! - Times: a timed event has `starts_at` (and optionally `ends_at`) in UTC plus the IANA
//!   `timezone` its wall-clock times follow (the user's unless given); an all-day event has
//!   `event_date`..`end_date` (inclusive) and no times. Inputs may be RFC 3339 with an
//!   offset, a local `2026-11-23T15:00` (read in the event's zone) or a date (all-day).
//! - Scopes: `this` writes an override row (or edits the override / single event),
//!   `following` ends the series before the occurrence (UNTIL) and starts a new master
//!   at it, `all` edits the master, moving its exceptions and overrides by the same shift.
//!   Deleting `this` adds an EXDATE; `following` ends the series; `all` deletes the master
//!   (its overrides and reminders go with it, ON DELETE CASCADE).
//! - A series' extra dates (RDATE, from an import) follow its exceptions: shifted with an
//!   "all" edit, split at the occurrence by "following", cleared with the rule. "This and
//!   following" from an extra date that the rule does not give is refused when the rule
//!   goes on (a new series started there would repeat from the wrong day).
//! - `location` (at most 500 characters) and `url` (http, https or mailto, at most 2,048)
//!   are plain fields of every row, as `notes`.
//! - Every write goes through one `Db::write`, bumps `sequence` (ICS), keeps `order_index`
//!   stable inside a day (new events go last) and recomputes the event's reminders.
//! - [`CalendarEvent`] is the view the UI receives, built from the row ([`view`]): the zone
//!   resolved, the EXDATEs decoded, the reminders joined. The decoded event and input
//!   parsing are `model`'s, the SQL is `store`'s; this file holds the edit rules.

use super::model::{check_when, parse_time_in, rule_from, when_from, Ev, TimeIn, When};
use super::recurrence::{self, Occ, Rule};
use super::reminders::{self, EventReminder};
use super::store::{self, load, overrides, save, user_tz};
use crate::db::{Tx, WriteCtx};
use crate::planner::reminder_defs::NewReminder;
use crate::planner::rows::CalendarEventSource;
use crate::{validate, CoreError, Db, Result};
use chrono::Duration;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use super::model::{NOTES_MAX, TITLE_MAX};
pub use crate::time::parse_instant;

/// One event row as the UI sees it.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct CalendarEvent {
    pub id: String,
    pub title: String,
    pub notes: Option<String>,
    /// First local date (`YYYY-MM-DD`) of the (first) occurrence, in the event's zone.
    pub event_date: String,
    /// Last local date the (first) occurrence covers, inclusive.
    pub end_date: String,
    pub all_day: bool,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub timezone: String,
    /// The series' rules: one RRULE value, or several one per line (an imported event
    /// with several RRULEs; their occurrences are the union).
    pub rrule: Option<String>,
    pub exdates: Vec<String>,
    /// Extra starts of a series (RDATE), as `exdates`.
    pub rdates: Vec<String>,
    pub location: Option<String>,
    pub url: Option<String>,
    pub series_id: Option<String>,
    pub recurrence_id: Option<String>,
    pub uid: Option<String>,
    pub course_id: Option<String>,
    pub source: CalendarEventSource,
    /// The subscription the event comes from: it is read-only (reminders aside).
    pub subscription_id: Option<String>,
    pub order_index: i64,
    pub sequence: i64,
    pub reminders: Vec<EventReminder>,
    pub created_at: String,
    pub updated_at: String,
}

/// Arguments of `event_add`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewEvent {
    pub title: String,
    #[ts(optional)]
    pub notes: Option<String>,
    #[ts(optional)]
    pub location: Option<String>,
    /// http, https or mailto.
    #[ts(optional)]
    pub url: Option<String>,
    /// `2026-11-23` (all-day), `2026-11-23T15:00` (local, in `timezone`) or RFC 3339.
    pub start: String,
    /// Same forms as `start`; for all-day events the last day (inclusive).
    #[ts(optional)]
    pub end: Option<String>,
    #[serde(default)]
    pub all_day: bool,
    /// IANA name; the user's time zone when absent.
    #[ts(optional)]
    pub timezone: Option<String>,
    #[ts(optional)]
    pub course_id: Option<String>,
    /// RRULE value, e.g. `FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270131`; several rules, one per
    /// line, make one series of their union.
    #[ts(optional)]
    pub rrule: Option<String>,
    #[serde(default)]
    pub reminders: Vec<NewReminder>,
    #[ts(optional)]
    pub source: Option<CalendarEventSource>,
}

/// Which occurrences an edit or delete of a recurring event touches.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum EditScope {
    #[default]
    This,
    Following,
    All,
}

/// Fields to change; absent fields stay. An empty string clears `notes`, `location`,
/// `url`, `end`, `course_id` and `rrule`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EventPatch {
    #[ts(optional)]
    pub title: Option<String>,
    #[ts(optional)]
    pub notes: Option<String>,
    #[ts(optional)]
    pub location: Option<String>,
    #[ts(optional)]
    pub url: Option<String>,
    #[ts(optional)]
    pub start: Option<String>,
    #[ts(optional)]
    pub end: Option<String>,
    #[ts(optional)]
    pub all_day: Option<bool>,
    #[ts(optional)]
    pub course_id: Option<String>,
    #[ts(optional)]
    pub rrule: Option<String>,
    /// Replaces every reminder of the edited event(s).
    #[ts(optional)]
    pub reminders: Option<Vec<NewReminder>>,
}

/// Arguments of `event_update`: the event (a single event, a master or an override),
/// the occurrence (its `recurrence_id` from the calendar range) and the scope.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EventUpdate {
    pub id: String,
    #[ts(optional)]
    pub occurrence: Option<String>,
    #[serde(default)]
    pub scope: EditScope,
    pub patch: EventPatch,
}

/// Arguments of `event_move` (drag and drop): a new start (duration kept) or a new date
/// (time of day kept), and/or the order of the destination day's events.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EventMove {
    pub id: String,
    #[ts(optional)]
    pub occurrence: Option<String>,
    #[serde(default)]
    pub scope: EditScope,
    #[ts(optional)]
    pub start: Option<String>,
    #[ts(optional)]
    pub date: Option<String>,
    /// Ids of the destination day's events in their new order (the moved one included).
    #[ts(optional)]
    pub day_order: Option<Vec<String>>,
}

pub fn get(conn: &Connection, user_id: &str, id: &str) -> Result<CalendarEvent> {
    view(conn, &load(conn, user_id, id)?)
}

pub fn view(conn: &Connection, ev: &Ev) -> Result<CalendarEvent> {
    let r = &ev.row;
    Ok(CalendarEvent {
        id: r.id.clone(),
        title: r.title.clone().unwrap_or_default(),
        notes: r.notes.clone(),
        event_date: r.event_date.clone(),
        end_date: r.end_date.clone().unwrap_or_else(|| r.event_date.clone()),
        all_day: r.all_day,
        starts_at: r.starts_at.clone(),
        ends_at: r.ends_at.clone(),
        timezone: ev.tz.name().to_string(),
        rrule: r.rrule.clone(),
        exdates: ev.exdates.iter().map(Occ::key).collect(),
        rdates: ev.rdates.iter().map(Occ::key).collect(),
        location: r.location.clone(),
        url: r.url.clone(),
        series_id: r.series_id.clone(),
        recurrence_id: r.recurrence_id.clone(),
        uid: r.uid.clone(),
        course_id: r.course_id.clone(),
        source: r.source,
        subscription_id: r.subscription_id.clone(),
        order_index: r.order_index,
        sequence: r.sequence,
        reminders: reminders::of_event(conn, &r.id)?,
        created_at: r.created_at.clone(),
        updated_at: r.updated_at.clone(),
    })
}

// ---- writes -----------------------------------------------------------------------------

pub use super::model::{LOCATION_MAX, URL_MAX};

/// A typed link: http, https or mailto (what the UI shows as a link), at most
/// [`URL_MAX`]; blank clears it.
fn event_url(value: Option<&str>) -> Result<Option<String>> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    let v = validate::text("url", v, URL_MAX)?;
    if validate::link_kind(&v).is_none() {
        return Err(CoreError::validation(format!(
            "url must be a link starting with https://, http:// or mailto: (got \"{}\")",
            validate::truncate_for_message(&v)
        )));
    }
    Ok(Some(v))
}

fn course_id(conn: &Connection, user_id: &str, id: Option<&str>) -> Result<Option<String>> {
    match id.map(str::trim).filter(|s| !s.is_empty()) {
        Some(id) => Ok(Some(crate::planner::assignments::get_course(conn, user_id, id)?.id)),
        None => Ok(None),
    }
}

pub fn add(db: &Db, user_id: &str, input: NewEvent) -> Result<CalendarEvent> {
    db.write(WriteCtx::by(user_id, "event.add"), |tx| {
        let ev = add_in(tx, user_id, &input)?;
        view(tx, &ev)
    })
}

pub fn add_in(tx: &Tx, user_id: &str, input: &NewEvent) -> Result<Ev> {
    let title = validate::text("title", &input.title, TITLE_MAX)?;
    let notes = validate::opt_text("notes", input.notes.as_deref(), NOTES_MAX)?;
    let tz = match input.timezone.as_deref().filter(|t| !t.trim().is_empty()) {
        Some(t) => crate::time::parse_tz(t.trim())?,
        None => user_tz(tx, user_id)?,
    };
    let start = parse_time_in("start", &input.start)?;
    let all_day = input.all_day || (matches!(start, TimeIn::Date(_)) && input.end.as_deref().is_none_or(|e| e.len() == 10));
    let end = input.end.as_deref().filter(|e| !e.trim().is_empty()).map(|e| parse_time_in("end", e)).transpose()?;
    let when = when_from(all_day, start, end, tz)?;
    let mut ev = super::model::blank(tx, user_id, tz, when);
    ev.row.title = Some(title);
    ev.row.notes = notes;
    ev.row.location = validate::opt_text("location", input.location.as_deref(), LOCATION_MAX)?;
    ev.row.url = event_url(input.url.as_deref())?;
    ev.row.course_id = course_id(tx, user_id, input.course_id.as_deref())?;
    ev.row.source = input.source.unwrap_or(CalendarEventSource::Modal);
    set_rules(&mut ev, input.rrule.as_deref().unwrap_or_default(), all_day)?;
    store::insert(tx, &mut ev, false)?;
    reminders::replace(tx, &ev, &input.reminders)?;
    Ok(ev)
}

/// What an edit applies to, once the id and occurrence are resolved.
enum Target {
    /// A single event or an override: edited in place.
    Row(Ev),
    /// One occurrence of a master (`Occ` is its original start).
    Occurrence(Ev, Occ),
    /// The whole series.
    Master(Ev),
}

fn resolve(tx: &Tx, user_id: &str, id: &str, occurrence: Option<&str>, scope: EditScope) -> Result<Target> {
    let ev = load(tx, user_id, id)?;
    let occ = match occurrence.map(str::trim).filter(|o| !o.is_empty()) {
        Some(o) => Some(Occ::parse_key(o).ok_or_else(|| {
            CoreError::validation(format!("occurrence \"{}\" is not a date or a UTC time", validate::truncate_for_message(o)))
        })?),
        None => None,
    };
    if let (Some(master_id), Some(orig)) = (ev.row.series_id.clone(), ev.recurrence) {
        // An override: "this" is the row itself; wider scopes act on its master.
        if scope == EditScope::This {
            return Ok(Target::Row(ev));
        }
        return Ok(Target::Occurrence(load(tx, user_id, &master_id)?, orig));
    }
    let Some(series) = ev.series() else { return Ok(Target::Row(ev)) };
    match (scope, occ) {
        (EditScope::All, None) => Ok(Target::Master(ev)),
        (_, None) => Err(CoreError::validation("say which occurrence of the repeating event to change")),
        (_, Some(o)) => {
            if !series.occurs_at(o)? || ev.exdates.contains(&o) {
                return Err(CoreError::not_found("occurrence", o.key()));
            }
            Ok(Target::Occurrence(ev, o))
        }
    }
}

pub fn update(db: &Db, user_id: &str, input: EventUpdate) -> Result<CalendarEvent> {
    db.write(WriteCtx::by(user_id, "event.update"), |tx| {
        let ev = update_in(tx, user_id, &input)?;
        view(tx, &ev)
    })
}

/// The refusal of a change to an event of a subscribed calendar, naming it.
fn read_only(subscription: &str) -> CoreError {
    CoreError::Conflict(format!(
        "this event comes from the subscription \"{}\"; change it at its source (or remove the subscription)",
        validate::truncate_for_message(subscription)
    ))
}

/// Refuses any change to a subscribed event: the next refresh would undo it.
fn refuse_if_subscribed(tx: &Tx, user_id: &str, id: &str) -> Result<()> {
    let ev = load(tx, user_id, id)?;
    match store::subscription_of(tx, &ev.row.id)? {
        Some((_, name)) => Err(read_only(&name)),
        None => Ok(()),
    }
}

/// A subscribed event takes reminders and nothing else: on the whole series (or the
/// single event), so that no local override of the feed's series is made. They are the
/// user's, kept across refreshes, never synced (each device has its own copy of the feed).
fn remind_subscribed(tx: &Tx, target: Target, scope: EditScope, p: &EventPatch, name: &str) -> Result<Ev> {
    let only_reminders = p.reminders.is_some()
        && [&p.title, &p.notes, &p.location, &p.url, &p.start, &p.end, &p.course_id, &p.rrule].iter().all(|f| f.is_none())
        && p.all_day.is_none();
    if !only_reminders {
        return Err(read_only(name));
    }
    let ev = match (target, scope) {
        (Target::Row(ev), _) | (Target::Master(ev), _) | (Target::Occurrence(ev, _), EditScope::All) => ev,
        _ => {
            return Err(CoreError::validation(format!(
                "reminders of the subscription \"{}\"'s repeating events are set on the whole series",
                validate::truncate_for_message(name)
            )))
        }
    };
    finish(tx, &ev, p)?;
    Ok(ev)
}

pub fn update_in(tx: &Tx, user_id: &str, input: &EventUpdate) -> Result<Ev> {
    let target = resolve(tx, user_id, &input.id, input.occurrence.as_deref(), input.scope)?;
    let p = &input.patch;
    let id = match &target {
        Target::Row(ev) | Target::Master(ev) | Target::Occurrence(ev, _) => ev.row.id.clone(),
    };
    if let Some((_, name)) = store::subscription_of(tx, &id)? {
        return remind_subscribed(tx, target, input.scope, p, &name);
    }
    match (target, input.scope) {
        (Target::Row(mut ev), _) => {
            if ev.row.series_id.is_some() && p.rrule.as_deref().is_some_and(|r| !r.is_empty()) {
                return Err(CoreError::validation("one occurrence cannot repeat; change the whole series instead"));
            }
            apply_patch(tx, user_id, &mut ev, p)?;
            save(tx, &mut ev)?;
            finish(tx, &ev, p)?;
            Ok(ev)
        }
        (Target::Master(ev), _) => edit_all(tx, user_id, ev, None, p),
        (Target::Occurrence(master, occ), EditScope::This) => edit_this(tx, user_id, &master, occ, p),
        (Target::Occurrence(master, occ), EditScope::All) => edit_all(tx, user_id, master, Some(occ), p),
        (Target::Occurrence(master, occ), EditScope::Following) => {
            if master.when.start_occ() == occ {
                edit_all(tx, user_id, master, Some(occ), p)
            } else {
                edit_following(tx, user_id, master, occ, p)
            }
        }
    }
}

/// Reminders and their fire times after an edit.
fn finish(tx: &Tx, ev: &Ev, p: &EventPatch) -> Result<()> {
    match &p.reminders {
        Some(list) => reminders::replace(tx, ev, list),
        None => reminders::recompute(tx, ev),
    }
}

/// Applies the patch's fields to one row (title, notes, course, times, rule).
fn apply_patch(tx: &Tx, user_id: &str, ev: &mut Ev, p: &EventPatch) -> Result<()> {
    if let Some(t) = &p.title {
        ev.row.title = Some(validate::text("title", t, TITLE_MAX)?);
    }
    if let Some(n) = &p.notes {
        ev.row.notes = validate::opt_text("notes", Some(n), NOTES_MAX)?;
    }
    if let Some(l) = &p.location {
        ev.row.location = validate::opt_text("location", Some(l), LOCATION_MAX)?;
    }
    if let Some(u) = &p.url {
        ev.row.url = event_url(Some(u))?;
    }
    if let Some(c) = &p.course_id {
        ev.row.course_id = course_id(tx, user_id, Some(c))?;
    }
    ev.when = patched_when(ev, p)?;
    if let Some(r) = &p.rrule {
        let all_day = matches!(ev.when, When::AllDay { .. });
        set_rules(ev, r, all_day)?;
        if ev.rule.is_none() {
            ev.exdates.clear();
            ev.rdates.clear();
        }
    }
    Ok(())
}

/// The rules of a typed `rrule` (one per line; blank: no repeat).
fn set_rules(ev: &mut Ev, text: &str, all_day: bool) -> Result<()> {
    (ev.rule, ev.more_rules) = match text.trim() {
        "" => (None, vec![]),
        t => {
            let (first, more) = rule_from(t, all_day, ev.tz)?;
            (Some(first), more)
        }
    };
    Ok(())
}

/// The new times: a new start keeps the length unless an end is given; switching
/// between all-day and timed needs a start of the new kind (or takes the start's date).
fn patched_when(ev: &Ev, p: &EventPatch) -> Result<When> {
    let all_day = p.all_day.unwrap_or(matches!(ev.when, When::AllDay { .. }));
    let start = p.start.as_deref().map(|s| parse_time_in("start", s)).transpose()?;
    let end = match p.end.as_deref() {
        Some("") => Some(None),
        Some(e) => Some(Some(parse_time_in("end", e)?)),
        None => None,
    };
    let w = match (ev.when, all_day) {
        (When::AllDay { first, last }, true) => {
            let new_first = start.map(|s| s.date(ev.tz)).unwrap_or(first);
            let new_last = match end {
                Some(Some(e)) => e.date(ev.tz),
                Some(None) => new_first,
                None => new_first + (last - first),
            };
            When::AllDay { first: new_first, last: new_last }
        }
        (When::Timed { start: s0, end: e0 }, false) => {
            let s = start.map(|s| s.instant("start", ev.tz)).transpose()?.unwrap_or(s0);
            let e = match end {
                Some(Some(e)) => Some(e.instant("end", ev.tz)?),
                Some(None) => None,
                None => e0.map(|e0| s + (e0 - s0)),
            };
            When::Timed { start: s, end: e }
        }
        (When::Timed { start: s0, .. }, true) => {
            let first = start.map(|s| s.date(ev.tz)).unwrap_or_else(|| s0.with_timezone(&ev.tz).date_naive());
            let last = match end {
                Some(Some(e)) => e.date(ev.tz),
                _ => first,
            };
            When::AllDay { first, last }
        }
        (When::AllDay { .. }, false) => {
            let s = start
                .ok_or_else(|| CoreError::validation("give a start time to turn an all-day event into a timed one"))?
                .instant("start", ev.tz)?;
            let e = match end {
                Some(Some(e)) => Some(e.instant("end", ev.tz)?),
                _ => None,
            };
            When::Timed { start: s, end: e }
        }
    };
    check_when(&w)?;
    Ok(w)
}

/// "This event": an override row replaces the occurrence (created from the master's
/// fields the first time, edited afterwards).
fn edit_this(tx: &Tx, user_id: &str, master: &Ev, occ: Occ, p: &EventPatch) -> Result<Ev> {
    if p.rrule.as_deref().is_some_and(|r| !r.is_empty()) {
        return Err(CoreError::validation("one occurrence cannot repeat; change the whole series instead"));
    }
    let existing = overrides(tx, &master.row.id, master.tz)?.into_iter().find(|o| o.recurrence == Some(occ));
    if let Some(mut ov) = existing {
        apply_patch(tx, user_id, &mut ov, p)?;
        save(tx, &mut ov)?;
        finish(tx, &ov, p)?;
        return Ok(ov);
    }
    let mut ov = super::model::override_of(tx, master, occ);
    apply_patch(tx, user_id, &mut ov, p)?;
    store::insert(tx, &mut ov, true)?;
    match &p.reminders {
        Some(list) => reminders::replace(tx, &ov, list)?,
        None => reminders::copy(tx, master, &ov)?,
    }
    // The master's reminders skip the overridden occurrence from now on.
    reminders::recompute(tx, master)?;
    Ok(ov)
}

/// "All events": edits the master. A change of start (seen on occurrence `occ`, or on
/// the master itself) shifts the whole series and, with it, its EXDATEs and overrides.
fn edit_all(tx: &Tx, user_id: &str, mut master: Ev, occ: Option<Occ>, p: &EventPatch) -> Result<Ev> {
    let before = master.when;
    let seen = occ.map(|o| master.when.at(o)).unwrap_or(before);
    let mut probe = master.clone();
    probe.when = seen;
    let after = patched_when(&probe, p)?;
    apply_patch_fields_only(tx, user_id, &mut master, p)?;
    master.when = shift_series_start(before, seen, after)?;
    if let Some(r) = &p.rrule {
        let all_day = matches!(master.when, When::AllDay { .. });
        set_rules(&mut master, r, all_day)?;
    }
    let shift = Shift::between(seen.start_occ(), after.start_occ());
    master.exdates = master.exdates.iter().filter_map(|o| shift.apply(*o)).collect();
    master.rdates = master.rdates.iter().filter_map(|o| shift.apply(*o)).collect();
    if master.rule.is_none() {
        master.exdates.clear();
        master.rdates.clear();
        // No longer a series: its overrides have nothing to replace.
        store::delete_overrides(tx, &master.row.id)?;
    }
    save(tx, &mut master)?;
    if master.rule.is_some() {
        move_overrides(tx, &master, &master.row.id, None, shift)?;
    }
    finish(tx, &master, p)?;
    Ok(master)
}

/// Title, notes, location, URL and course only (times are handled by the caller).
fn apply_patch_fields_only(tx: &Tx, user_id: &str, ev: &mut Ev, p: &EventPatch) -> Result<()> {
    let mut fields = p.clone();
    fields.start = None;
    fields.end = None;
    fields.all_day = None;
    fields.rrule = None;
    apply_patch(tx, user_id, ev, &fields)
}

/// The master's new `When` when one of its occurrences (`seen`) became `after`.
fn shift_series_start(master: When, seen: When, after: When) -> Result<When> {
    Ok(match (master, seen, after) {
        (When::AllDay { first, .. }, When::AllDay { first: f0, .. }, When::AllDay { first: f1, last: l1 }) => {
            let d = first + (f1 - f0);
            When::AllDay { first: d, last: d + (l1 - f1) }
        }
        (When::Timed { start, .. }, When::Timed { start: s0, .. }, When::Timed { start: s1, end: e1 }) => {
            let s = start + (s1 - s0);
            When::Timed { start: s, end: e1.map(|e| s + (e - s1)) }
        }
        // Switching kind: the first occurrence takes the new kind at its own date.
        (_, _, When::AllDay { first, last }) => {
            let d0 = master.start_occ();
            let d = match d0 {
                Occ::Date(d) => d,
                Occ::Time(_) => first,
            };
            When::AllDay { first: d, last: d + (last - first) }
        }
        (_, _, w) => w,
    })
}

/// How original starts move when a series' start moves.
#[derive(Debug, Clone, Copy)]
enum Shift {
    None,
    Days(i64),
    Time(Duration),
    /// The kind changed (all-day <-> timed): old keys cannot be mapped, so they are dropped.
    Drop,
}

impl Shift {
    fn between(a: Occ, b: Occ) -> Shift {
        match (a, b) {
            (Occ::Date(x), Occ::Date(y)) if x == y => Shift::None,
            (Occ::Date(x), Occ::Date(y)) => Shift::Days((y - x).num_days()),
            (Occ::Time(x), Occ::Time(y)) if x == y => Shift::None,
            (Occ::Time(x), Occ::Time(y)) => Shift::Time(y - x),
            _ => Shift::Drop,
        }
    }

    fn apply(self, o: Occ) -> Option<Occ> {
        match (self, o) {
            (Shift::None, o) => Some(o),
            (Shift::Days(n), Occ::Date(d)) => Some(Occ::Date(d + Duration::days(n))),
            (Shift::Time(dt), Occ::Time(t)) => Some(Occ::Time(t + dt)),
            _ => None,
        }
    }
}

/// Re-points the overrides of `from_master` whose original start is at or after `since`
/// to `to`'s series, shifting their original starts (dropping those that cannot follow).
fn move_overrides(tx: &Tx, to: &Ev, from_master: &str, since: Option<Occ>, shift: Shift) -> Result<()> {
    for mut ov in overrides(tx, from_master, to.tz)? {
        let Some(orig) = ov.recurrence else { continue };
        if since.is_some_and(|s| orig < s) {
            continue;
        }
        let moved = shift.apply(orig);
        let same = ov.row.series_id.as_deref() == Some(to.row.id.as_str()) && moved == Some(orig);
        if same {
            continue;
        }
        match moved {
            Some(m) => {
                ov.row.series_id = Some(to.row.id.clone());
                ov.recurrence = Some(m);
                save(tx, &mut ov)?;
            }
            None => {
                store::delete(tx, &ov.row.id)?;
            }
        }
    }
    Ok(())
}

/// "This and following": the old series ends before `occ` (UNTIL), and a new master
/// starts at `occ` with the edit applied; later EXDATEs and overrides move to it.
fn edit_following(tx: &Tx, user_id: &str, mut master: Ev, occ: Occ, p: &EventPatch) -> Result<Ev> {
    let series = master.series().ok_or_else(|| CoreError::validation("this event does not repeat"))?;
    // The rule alone: COUNT counts its occurrences, not the extra dates.
    let rule_only = recurrence::Series { rdates: vec![], ..series.clone() };
    let start_only = series.rule.is_start_only();
    if !start_only && !rule_only.occurs_at(occ)? {
        return Err(CoreError::validation(
            "\"this and following\" cannot start at an extra date of the series; change this event, or all of them",
        ));
    }
    let mut tail = master.clone();
    tail.row.id = tx.new_id();
    tail.row.uid = Some(format!("{}@studydesk", tail.row.id));
    tail.row.created_at = tx.now_text();
    tail.row.sequence = 0;
    tail.when = master.when.at(occ);
    if let Some(rule) = tail.rule.as_mut() {
        *rule = series.continued(&series.rule, occ)?.unwrap_or_else(|| Rule { count: Some(1), ..rule.clone() });
    }
    tail.more_rules.clear();
    for rule in &series.more_rules {
        tail.more_rules.extend(series.continued(rule, occ)?);
    }
    tail.exdates = master.exdates.iter().copied().filter(|o| *o >= occ).collect();
    master.exdates.retain(|o| *o < occ);
    tail.rdates = master.rdates.iter().copied().filter(|o| *o > occ).collect();
    master.rdates.retain(|o| *o < occ);
    end_rules_before(&mut master, occ)?;
    let seen = tail.when;
    apply_patch(tx, user_id, &mut tail, p)?;
    let shift = Shift::between(seen.start_occ(), tail.when.start_occ());
    tail.exdates = tail.exdates.iter().filter_map(|o| shift.apply(*o)).collect();
    tail.rdates = tail.rdates.iter().filter_map(|o| shift.apply(*o)).collect();
    store::insert(tx, &mut tail, true)?;
    move_overrides(tx, &tail, &master.row.id, Some(occ), shift)?;
    save(tx, &mut master)?;
    match &p.reminders {
        Some(list) => reminders::replace(tx, &tail, list)?,
        None => reminders::copy(tx, &master, &tail)?,
    }
    reminders::recompute(tx, &master)?;
    Ok(tail)
}

/// The master's rules end before `occ` (a series of extra dates only keeps its rule).
fn end_rules_before(master: &mut Ev, occ: Occ) -> Result<()> {
    let Some(series) = master.series() else { return Ok(()) };
    if let Some(rule) = master.rule.as_mut().filter(|r| !r.is_start_only()) {
        *rule = series.ended_before(rule, occ)?;
    }
    for rule in master.more_rules.iter_mut() {
        *rule = series.ended_before(rule, occ)?;
    }
    Ok(())
}

/// Drag and drop: a new start or date, then the destination day's order.
pub fn move_event(db: &Db, user_id: &str, m: EventMove) -> Result<CalendarEvent> {
    db.write(WriteCtx::by(user_id, "event.move"), |tx| {
        let mut ev = match (&m.start, &m.date) {
            (None, None) => load(tx, user_id, &m.id)?,
            _ => {
                refuse_if_subscribed(tx, user_id, &m.id)?;
                let target = load(tx, user_id, &m.id)?;
                let start = move_start(&target, m.occurrence.as_deref(), m.start.as_deref(), m.date.as_deref())?;
                let patch = EventPatch { start: Some(start), ..Default::default() };
                let up = EventUpdate { id: m.id.clone(), occurrence: m.occurrence.clone(), scope: m.scope, patch };
                update_in(tx, user_id, &up)?
            }
        };
        if let Some(order) = &m.day_order {
            reorder_day(tx, user_id, &ev, order)?;
            ev = load(tx, user_id, &ev.row.id)?;
        }
        view(tx, &ev)
    })
}

/// The new start text of a move: `start` as given, or `date` at the same local time.
fn move_start(ev: &Ev, occurrence: Option<&str>, start: Option<&str>, date: Option<&str>) -> Result<String> {
    if let Some(s) = start {
        return Ok(s.to_string());
    }
    let date = validate::date("date", date.unwrap_or_default())?;
    let at = occurrence.and_then(Occ::parse_key).map(|o| ev.when.at(o)).unwrap_or(ev.when);
    Ok(match at {
        When::AllDay { .. } => date.to_string(),
        When::Timed { start, .. } => {
            let time = start.with_timezone(&ev.tz).time();
            crate::db::timestamp_text(recurrence::local_to_utc(date.and_time(time), ev.tz))
        }
    })
}

/// Gives the listed events of the moved event's day positions 0..n in the given order.
fn reorder_day(tx: &Tx, user_id: &str, moved: &Ev, order: &[String]) -> Result<()> {
    if !order.iter().any(|id| id.eq_ignore_ascii_case(&moved.row.id)) {
        return Err(CoreError::validation("the day's new order must include the moved event"));
    }
    let mut seen = Vec::with_capacity(order.len());
    for (pos, id) in order.iter().enumerate() {
        let ev = load(tx, user_id, id)?;
        if seen.contains(&ev.row.id) {
            return Err(CoreError::validation("the day's new order names an event twice"));
        }
        store::set_order(tx, &ev.row.id, pos as i64)?;
        seen.push(ev.row.id);
    }
    Ok(())
}

pub fn delete(db: &Db, user_id: &str, id: &str, occurrence: Option<&str>, scope: EditScope) -> Result<()> {
    db.write(WriteCtx::by(user_id, "event.delete"), |tx| delete_in(tx, user_id, id, occurrence, scope))
}

pub fn delete_in(tx: &Tx, user_id: &str, id: &str, occurrence: Option<&str>, scope: EditScope) -> Result<()> {
    refuse_if_subscribed(tx, user_id, id)?;
    let del = |id: &str| store::delete(tx, id);
    match (resolve(tx, user_id, id, occurrence, scope)?, scope) {
        (Target::Row(ev), _) => match (ev.row.series_id.clone(), ev.recurrence) {
            (Some(master_id), Some(orig)) => {
                del(&ev.row.id)?;
                let mut master = load(tx, user_id, &master_id)?;
                exclude(tx, &mut master, orig)
            }
            _ => del(&ev.row.id),
        },
        (Target::Master(ev), _) => del(&ev.row.id),
        (Target::Occurrence(mut master, occ), EditScope::This) => {
            if let Some(ov) = overrides(tx, &master.row.id, master.tz)?.into_iter().find(|o| o.recurrence == Some(occ)) {
                del(&ov.row.id)?;
            }
            exclude(tx, &mut master, occ)
        }
        (Target::Occurrence(master, _), EditScope::All) => del(&master.row.id),
        (Target::Occurrence(mut master, occ), EditScope::Following) => {
            if master.when.start_occ() == occ {
                return del(&master.row.id);
            }
            for ov in overrides(tx, &master.row.id, master.tz)? {
                if ov.recurrence.is_some_and(|o| o >= occ) {
                    del(&ov.row.id)?;
                }
            }
            end_rules_before(&mut master, occ)?;
            master.exdates.retain(|o| *o < occ);
            master.rdates.retain(|o| *o < occ);
            save(tx, &mut master)?;
            reminders::recompute(tx, &master)
        }
    }
}

/// Adds an EXDATE to a master (deleting one occurrence).
fn exclude(tx: &Tx, master: &mut Ev, occ: Occ) -> Result<()> {
    master.exdates.push(occ);
    save(tx, master)?;
    reminders::recompute(tx, master)
}
