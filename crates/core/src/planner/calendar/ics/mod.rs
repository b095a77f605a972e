//! ICS (RFC 5545) import and export.
//!
//! Contract of the import ([`import`]):
//! - A malformed file is refused whole with `line N: reason` (a validation error) and
//!   nothing is written: parsing happens before the transaction, storing inside one.
//! - A partly unsupported file imports what it can; the report lists every skipped part
//!   with its line (see `read` for what is skipped and how time zones are resolved).
//! - Events are matched by UID (`calendar_events.uid`, unique per user): re-importing the
//!   same file updates, never duplicates. An event edited here since (a higher SEQUENCE
//!   than the file's) is kept and reported. Overrides (RECURRENCE-ID) are matched by their
//!   master and original start; for a master present in the file, the file's overrides
//!   replace the stored ones. A cancelled occurrence becomes an EXDATE. An exception whose
//!   series is neither in the file nor stored is imported as the single event it shows (a
//!   detached occurrence: UID and original start kept, written back the same way on
//!   export) and replaced by a real exception once its series arrives.
//! - VALARMs become reminders (`minutes_before` or `remind_at`, `fire_at` computed).
//! - CATEGORIES naming one of the user's courses (case-insensitive) set the course.
//! - Several RRULEs are the series' rules (`recurrence::Series::more_rules`); an
//!   override with RANGE=THISANDFUTURE splits its series into parts ([`future`]).
//! - DESCRIPTION, LOCATION and URL go to `notes`, `location` and `url`; RDATEs to the
//!   master's `rdates` (V25).
//!
//! - A subscription's feed ([`import_feed`], `subscriptions`) is its own calendar: UIDs
//!   are matched within the feed only, its events get ids derived from the subscription
//!   and UID (`model::feed_event_id`) and its `subscription_id`, the feed's SEQUENCE always
//!   wins, its VALARMs are not imported (the user's reminders on its events are kept), and
//!   the feed's events the file no longer holds are deleted.
//!
//! The export ([`export::export`]) is in `export.rs`.

pub mod export;
pub mod future;
pub mod parse;
pub mod read;
pub mod vtimezone;

pub use read::IcsNote;

use super::model::{self, Ev, When};
use super::store;
use super::recurrence::Occ;
use super::reminders;
use crate::planner::reminder_defs::Def;
use crate::db::{Tx, WriteCtx};
use crate::planner::rows::{CalendarEventSource, ReminderChannel};
use crate::{CoreError, Db, Result};
use read::{IcsEvent, IcsTime};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use ts_rs::TS;

/// What an import did.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct IcsImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Parts of the file left out, each with its line and the reason.
    pub skipped: Vec<IcsNote>,
}

fn refuse(e: parse::ParseError) -> CoreError {
    CoreError::validation(e.to_string())
}

/// Imports an .ics file's bytes (see the module docs).
pub fn import(db: &Db, user_id: &str, bytes: &[u8]) -> Result<IcsImportReport> {
    let calendars = parse::read(bytes).map_err(refuse)?;
    db.write(WriteCtx::by(user_id, "ics.import"), |tx| {
        let user_tz = store::user_tz(tx, user_id)?;
        let read = read::events(&calendars, user_tz).map_err(refuse)?;
        Importer::new(tx, user_id, None)?.run(read)
    })
}

/// Makes the events of subscription `feed` what `calendars` (a parsed feed) hold, inside
/// the caller's transaction: the file's events are created or updated (matched by UID
/// within the feed only; the feed is the truth, so its SEQUENCE is never "older"), and the
/// feed's events the file no longer has are deleted (with their reminders first: see
/// `db::capture`). A malformed feed is refused with `line N: reason`.
/// Answers the report and how many events were deleted.
pub fn import_feed(tx: &Tx, user_id: &str, feed: &str, calendars: &[parse::Component]) -> Result<(IcsImportReport, usize)> {
    let user_tz = store::user_tz(tx, user_id)?;
    let read = read::events(calendars, user_tz).map_err(refuse)?;
    Importer::new(tx, user_id, Some(feed))?.run_tracked(read)
}

enum Outcome {
    Created,
    Updated,
    Unchanged,
    KeptNewer,
}

struct Importer<'t, 'c> {
    tx: &'t Tx<'c>,
    user_id: &'t str,
    /// The subscription whose feed this is; `None`: the user's own calendar.
    feed: Option<&'t str>,
    /// A feed's top-level rows (singles, masters, detached occurrences) this file holds.
    track: Option<HashSet<String>>,
    courses: HashMap<String, String>,
    report: IcsImportReport,
}

impl<'t, 'c> Importer<'t, 'c> {
    fn new(tx: &'t Tx<'c>, user_id: &'t str, feed: Option<&'t str>) -> Result<Self> {
        let courses = crate::planner::assignments::courses(tx, user_id)?
            .into_iter()
            .map(|c| (c.name.to_lowercase(), c.id))
            .collect();
        Ok(Importer { tx, user_id, feed, track: None, courses, report: IcsImportReport::default() })
    }

    /// [`Self::run`], then deletes the feed's top-level rows the file no longer holds.
    fn run_tracked(mut self, read: read::Read) -> Result<(IcsImportReport, usize)> {
        let feed = self.feed.unwrap_or_default().to_string();
        self.track = Some(HashSet::new());
        let tx = self.tx;
        let (report, kept) = self.run_keeping(read)?;
        let mut deleted = 0;
        for id in store::feed_tops(tx, &feed)? {
            if !kept.contains(&id) {
                store::delete(tx, &id)?;
                deleted += 1;
            }
        }
        Ok((report, deleted))
    }

    fn keep(&mut self, id: &str) {
        if let Some(t) = self.track.as_mut() {
            t.insert(id.to_string());
        }
    }

    fn note(&mut self, line: usize, reason: impl Into<String>) {
        self.report.skipped.push(IcsNote { line, reason: reason.into() });
    }

    fn count(&mut self, o: &Outcome) {
        match o {
            Outcome::Created => self.report.created += 1,
            Outcome::Updated => self.report.updated += 1,
            Outcome::Unchanged | Outcome::KeptNewer => self.report.unchanged += 1,
        }
    }

    fn run(self, read: read::Read) -> Result<IcsImportReport> {
        Ok(self.run_keeping(read)?.0)
    }

    /// Imports `read`; answers the report and the top-level rows kept (when tracking).
    fn run_keeping(mut self, read: read::Read) -> Result<(IcsImportReport, HashSet<String>)> {
        self.report.skipped = read.notes;
        let (masters, overrides): (Vec<IcsEvent>, Vec<IcsEvent>) =
            read.events.into_iter().partition(|e| e.recurrence_id.is_none());
        let masters = self.latest_versions(masters);
        // THISANDFUTURE overrides split their series into parts (`future`).
        let (mut masters, overrides) = future::split(masters, overrides, &mut self.report.skipped);
        // Cancelled occurrences are exceptions of their master.
        let cancelled: Vec<(String, Occ)> =
            overrides.iter().filter(|o| o.cancelled).filter_map(|o| Some((o.uid.clone(), o.recurrence_id?))).collect();
        for m in masters.iter_mut() {
            m.exdates.extend(cancelled.iter().filter(|(u, _)| *u == m.uid).map(|(_, o)| *o));
        }
        let mut stored: HashMap<String, Option<Ev>> = HashMap::new();
        for m in masters {
            if m.cancelled {
                self.note(m.line, "cancelled event skipped");
                continue;
            }
            let uid = m.uid.clone();
            let (outcome, ev) = self.master(&m).map_err(|e| at_line(e, m.line))?;
            self.keep(&ev.row.id);
            self.count(&outcome);
            let in_file = !matches!(outcome, Outcome::KeptNewer);
            stored.insert(uid, in_file.then_some(ev));
        }
        self.forget_old_parts(&stored)?;
        self.overrides(overrides, &stored)?;
        let kept = self.track.take().unwrap_or_default();
        Ok((self.report, kept))
    }

    /// The parts of a series (`future`) stored by an earlier import that this file no
    /// longer makes (its THISANDFUTURE override was removed or moved) are deleted: their
    /// occurrences are the series' own again.
    fn forget_old_parts(&mut self, stored: &HashMap<String, Option<Ev>>) -> Result<()> {
        for (uid, master) in stored {
            if master.is_none() {
                continue;
            }
            for (id, part_uid) in store::parts_by_uid(self.tx, self.user_id, self.feed, uid)? {
                if !stored.contains_key(&part_uid) {
                    store::delete(self.tx, &id)?;
                }
            }
        }
        Ok(())
    }

    /// One event per UID: a file holding several versions of an event (an exported
    /// history, a calendar re-published with the update appended) keeps the one with the
    /// highest SEQUENCE, the later one on a tie; the others are noted.
    fn latest_versions(&mut self, masters: Vec<IcsEvent>) -> Vec<IcsEvent> {
        let mut best: HashMap<String, usize> = HashMap::new();
        for (i, m) in masters.iter().enumerate() {
            let keep = best.get(&m.uid).is_none_or(|&b| masters[b].sequence <= m.sequence);
            if keep {
                best.insert(m.uid.clone(), i);
            }
        }
        let mut kept = Vec::new();
        for (i, m) in masters.into_iter().enumerate() {
            if best.get(&m.uid) == Some(&i) {
                kept.push(m);
            } else {
                self.note(m.line, format!("an older version (SEQUENCE {}) of event {} skipped", m.sequence, short(&m.uid)));
            }
        }
        kept
    }

    fn course_of(&self, e: &IcsEvent) -> Option<String> {
        e.categories.iter().find_map(|c| self.courses.get(&c.to_lowercase()).cloned())
    }

    /// Title and notes within the core's limits (longer ones are cut, with a note).
    fn texts(&mut self, e: &IcsEvent) -> (Option<String>, Option<String>) {
        let cut = |s: &Option<String>, max: usize| s.as_ref().map(|t| t.trim().chars().take(max).collect::<String>());
        if e.title.as_ref().is_some_and(|t| t.trim().chars().count() > model::TITLE_MAX) {
            self.note(e.line, format!("title cut to {} characters", model::TITLE_MAX));
        }
        if e.notes.as_ref().is_some_and(|t| t.trim().chars().count() > model::NOTES_MAX) {
            self.note(e.line, format!("description cut to {} characters", model::NOTES_MAX));
        }
        (cut(&e.title, model::TITLE_MAX), cut(&e.notes, model::NOTES_MAX))
    }

    /// LOCATION cut to its limit, URL dropped past its limit (a cut link leads nowhere),
    /// each with a note.
    fn place(&mut self, e: &IcsEvent) -> (Option<String>, Option<String>) {
        let location = e.location.as_ref().map(|l| l.trim().to_string());
        if location.as_ref().is_some_and(|l| l.chars().count() > model::LOCATION_MAX) {
            self.note(e.line, format!("location cut to {} characters", model::LOCATION_MAX));
        }
        let url = e.url.clone().filter(|u| u.chars().count() <= model::URL_MAX);
        if url.is_none() && e.url.is_some() {
            self.note(e.line, format!("URL longer than {} characters skipped", model::URL_MAX));
        }
        (location.map(|l| l.chars().take(model::LOCATION_MAX).collect()), url)
    }

    /// The file's version of what every imported event carries: zone, times, title,
    /// notes, location, URL, SEQUENCE and the course its categories name.
    fn fill(&mut self, ev: &mut Ev, e: &IcsEvent) {
        let (title, notes) = self.texts(e);
        let (location, url) = self.place(e);
        ev.row.location = location;
        ev.row.url = url;
        ev.tz = e.tz;
        ev.row.timezone = Some(e.tz.name().to_string());
        ev.row.title = title;
        ev.row.notes = notes;
        ev.when = when_of(e);
        ev.row.sequence = e.sequence;
        if let Some(c) = self.course_of(e) {
            ev.row.course_id = Some(c);
        }
    }

    /// Creates or updates a single event or series master by UID.
    fn master(&mut self, e: &IcsEvent) -> Result<(Outcome, Ev)> {
        let existing = find_by_uid(self.tx, self.user_id, self.feed, &e.uid)?;
        if let Some(old) = &existing {
            if old.row.sequence > e.sequence && self.feed.is_none() {
                self.note(e.line, format!("event {} was changed here since; your version was kept", short(&e.uid)));
                return Ok((Outcome::KeptNewer, old.clone()));
            }
        }
        let mut ev = match &existing {
            Some(old) => old.clone(),
            None => {
                let mut ev = model::blank(self.tx, self.user_id, e.tz, when_of(e));
                ev.row.id = match self.feed {
                    Some(feed) => model::feed_event_id(feed, &e.uid, None),
                    None => model::imported_id(self.user_id, &e.uid),
                };
                ev.row.uid = Some(e.uid.clone());
                ev.row.source = CalendarEventSource::Import;
                ev.row.subscription_id = self.feed.map(str::to_string);
                ev
            }
        };
        self.fill(&mut ev, e);
        ev.rule = e.rule.clone();
        ev.more_rules = e.more_rules.clone();
        ev.exdates = e.exdates.clone();
        ev.rdates = e.rdates.clone();
        self.store(ev, existing, &alarm_defs(e))
    }

    /// Writes `ev` (new, or an update of `existing`) and its reminders; skips the write
    /// when nothing differs. A feed's VALARMs are not kept: the reminders of a subscribed
    /// event are the user's own, kept across refreshes (and moved with the event).
    fn store(&mut self, mut ev: Ev, existing: Option<Ev>, defs: &[Def]) -> Result<(Outcome, Ev)> {
        let feed = self.feed.is_some();
        let Some(old) = existing else {
            let is_override = ev.row.series_id.is_some();
            store::insert(self.tx, &mut ev, is_override)?;
            if !defs.is_empty() && !feed {
                reminders::replace_defs(self.tx, &ev, defs)?;
            }
            return Ok((Outcome::Created, ev));
        };
        ev.encode()?;
        let same_row = ev.row == old.row;
        if feed {
            if same_row {
                return Ok((Outcome::Unchanged, old));
            }
            store::write_back(self.tx, &mut ev)?;
            reminders::recompute_as(self.tx, &ev, reminders::MovedBy::Feed)?;
            return Ok((Outcome::Updated, ev));
        }
        let current = current_defs(self.tx, &old.row.id)?;
        let same_reminders = current.len() == defs.len() && current.iter().all(|d| defs.contains(d));
        if same_row && same_reminders {
            return Ok((Outcome::Unchanged, old));
        }
        if !same_row {
            store::write_back(self.tx, &mut ev)?;
        }
        reminders::replace_defs(self.tx, &ev, defs)?;
        Ok((Outcome::Updated, ev))
    }

    fn overrides(&mut self, list: Vec<IcsEvent>, stored: &HashMap<String, Option<Ev>>) -> Result<()> {
        let mut kept: HashMap<String, HashSet<String>> = HashMap::new();
        for o in list {
            let master = match stored.get(&o.uid) {
                Some(Some(m)) => Some(m.clone()),
                Some(None) => continue,
                None => find_by_uid(self.tx, self.user_id, self.feed, &o.uid)?.filter(Ev::is_master),
            };
            let Some(master) = master else {
                if !o.cancelled {
                    let outcome = self.detached(&o).map_err(|e| at_line(e, o.line))?;
                    self.count(&outcome);
                }
                continue;
            };
            let Some(occ) = o.recurrence_id.map(|r| same_kind(r, o.recurrence_zone, &master)) else { continue };
            if !o.cancelled && !has_occurrence(&master, occ) {
                self.note(o.line, format!("an exception of event {} skipped: the series has no such occurrence (excluded or outside its rule)", short(&o.uid)));
                continue;
            }
            kept.entry(master.row.id.clone()).or_default().insert(occ.key());
            if o.cancelled {
                continue;
            }
            let outcome = self.one_override(&o, &master, occ).map_err(|e| at_line(e, o.line))?;
            self.count(&outcome);
        }
        // The file's exceptions replace the stored ones of the masters it carries, and the
        // occurrences stored detached before their series arrived.
        for (uid, master) in stored {
            let Some(master) = master else { continue };
            for (id, _) in store::detached_by_uid(self.tx, self.user_id, self.feed, uid)? {
                store::delete(self.tx, &id)?;
            }
            let keep = kept.get(&master.row.id);
            for ov in store::overrides(self.tx, &master.row.id, master.tz)? {
                let key = ov.row.recurrence_id.clone().unwrap_or_default();
                if keep.is_none_or(|k| !k.contains(&key)) {
                    store::delete(self.tx, &ov.row.id)?;
                }
            }
        }
        Ok(())
    }

    /// An exception whose series is neither in the file nor stored: kept as the single
    /// event it shows (a detached occurrence, V19), matched by UID and original start.
    fn detached(&mut self, o: &IcsEvent) -> Result<Outcome> {
        let Some(occ) = o.recurrence_id else { return Ok(Outcome::Unchanged) };
        let key = occ.key();
        let id = match self.feed {
            Some(feed) => model::feed_event_id(feed, &o.uid, Some(&key)),
            None => model::detached_id(self.user_id, &o.uid, &key),
        };
        let existing = store::detached_by_uid(self.tx, self.user_id, self.feed, &o.uid)?
            .into_iter()
            .find(|(_, k)| *k == key)
            .map(|(id, _)| store::load(self.tx, self.user_id, &id))
            .transpose()?;
        if self.feed.is_none() && existing.as_ref().is_some_and(|old| old.row.sequence > o.sequence) {
            self.note(o.line, format!("event {} was changed here since; your version was kept", short(&o.uid)));
            return Ok(Outcome::KeptNewer);
        }
        let mut ev = match &existing {
            Some(old) => old.clone(),
            None => {
                let mut ev = model::blank(self.tx, self.user_id, o.tz, when_of(o));
                ev.row.id = id;
                ev.row.uid = Some(o.uid.clone());
                ev.row.recurrence_id = Some(key);
                ev.recurrence = Some(occ);
                ev.row.source = CalendarEventSource::Import;
                ev.row.subscription_id = self.feed.map(str::to_string);
                ev
            }
        };
        self.fill(&mut ev, o);
        let (outcome, ev) = self.store(ev, existing, &alarm_defs(o))?;
        self.keep(&ev.row.id);
        Ok(outcome)
    }

    fn one_override(&mut self, o: &IcsEvent, master: &Ev, occ: Occ) -> Result<Outcome> {
        let existing = store::overrides(self.tx, &master.row.id, master.tz)?.into_iter().find(|x| x.recurrence == Some(occ));
        let mut ev = match &existing {
            Some(x) => x.clone(),
            None => {
                let mut ev = model::override_of(self.tx, master, occ);
                ev.row.source = CalendarEventSource::Import;
                ev
            }
        };
        self.fill(&mut ev, o);
        let (outcome, _) = self.store(ev, existing, &alarm_defs(o))?;
        Ok(outcome)
    }
}

fn short(s: &str) -> String {
    crate::validate::truncate_for_message(s)
}

/// A rule broken while storing an event still names the event's line.
fn at_line(e: CoreError, line: usize) -> CoreError {
    match e {
        CoreError::Validation(m) if !m.starts_with("line ") => CoreError::Validation(format!("line {line}: {m}")),
        CoreError::Rule(rule) => CoreError::Validation(format!("line {line}: {rule}")),
        CoreError::Conflict(m) => CoreError::Conflict(format!("line {line}: {m}")),
        other => other,
    }
}

fn when_of(e: &IcsEvent) -> When {
    match (e.start, e.end) {
        (IcsTime::Date(first), Some(IcsTime::Date(last))) => When::AllDay { first, last },
        (IcsTime::Date(first), _) => When::AllDay { first, last: first },
        (IcsTime::Time(start), Some(IcsTime::Time(end))) => When::Timed { start, end: Some(end) },
        (IcsTime::Time(start), _) => When::Timed { start, end: None },
    }
}

/// An original start in the master's kind (a date for all-day series, else a time); a
/// time on an all-day series names its day in the zone it was written in.
fn same_kind(o: Occ, written_in: chrono_tz::Tz, master: &Ev) -> Occ {
    match (o, master.when) {
        (Occ::Time(t), When::AllDay { .. }) => Occ::Date(t.with_timezone(&written_in).date_naive()),
        (Occ::Date(d), When::Timed { start, .. }) => {
            let time = start.with_timezone(&master.tz).time();
            Occ::Time(super::recurrence::local_to_utc(d.and_time(time), master.tz))
        }
        (o, _) => o,
    }
}

/// Whether `occ` is an occurrence of the master's series (not excluded by an EXDATE).
fn has_occurrence(master: &Ev, occ: Occ) -> bool {
    !master.exdates.contains(&occ) && master.series().is_some_and(|s| s.occurs_at(occ).unwrap_or(false))
}

fn alarm_defs(e: &IcsEvent) -> Vec<Def> {
    e.alarms
        .iter()
        .map(|a| Def { minutes_before: a.minutes_before, remind_at: a.remind_at, channel: ReminderChannel::Notification })
        .collect()
}

fn current_defs(tx: &Tx, event_id: &str) -> Result<Vec<Def>> {
    Ok(reminders::of_event(tx, event_id)?
        .into_iter()
        .map(|r| Def {
            minutes_before: r.minutes_before,
            remind_at: r.remind_at.as_deref().and_then(crate::time::parse_instant),
            channel: r.channel,
        })
        .collect())
}

fn find_by_uid(tx: &Tx, user_id: &str, feed: Option<&str>, uid: &str) -> Result<Option<Ev>> {
    store::id_by_uid(tx, user_id, feed, uid)?.map(|id| store::load(tx, user_id, &id)).transpose()
}
