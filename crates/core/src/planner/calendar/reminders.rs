//! Event reminders: the rows of `calendar_event_reminders` and when each is due.
//!
//! Contract:
//! - A reminder is relative (`minutes_before` the occurrence's start) or absolute
//!   (`remind_at`, UTC). `fire_at` is the absolute UTC instant it is due, always written
//!   in the stored timestamp format so text order is time order.
//! - The occurrence a reminder is for: the event's start for a single event (an all-day
//!   event starts at the user's local midnight); for a series, the **next occurrence whose
//!   reminder time has not passed** at the time of the write (EXDATEs and overridden
//!   occurrences are skipped: an override carries its own reminders). So a reminder that
//!   was already shown is never brought back by an unrelated edit.
//! - `fire_at` is recomputed whenever the event is written ([`recompute`]); if it changes,
//!   `delivered_at` and `snoozed_until` are cleared so the reminder fires again for the
//!   new time. A reminder whose time has already passed when it is written (an imported
//!   event from last year, a series that has ended) is stored as delivered, so opening the
//!   app never shows reminders for the past. One exception, for a subscription's refresh
//!   only ([`recompute_as`] with [`MovedBy::Feed`]): a single event the feed moved earlier,
//!   not started yet, whose reminder was not yet shown, keeps that reminder due now.
//! - How a series reminder advances: the scheduler (a later task) calls [`deliver`] in the
//!   transaction that shows it. For a single event that sets `delivered_at`; for a series
//!   it moves `fire_at` to the next occurrence that starts after both the one just shown
//!   and `now` (missed occurrences while the app was closed are not replayed one by one),
//!   leaving `delivered_at` NULL; when the series has no further occurrence it sets
//!   `delivered_at`.
//! - [`due`] and [`next_due`] read the index `(delivered_at, fire_at)`: one index range,
//!   whatever the number of reminders.
//! - What a definition may be is `reminder_defs` (shared with task and assignment
//!   reminders); the SQL is `store`'s; the row type, which the UI receives inside
//!   `CalendarEvent`, is `rows::EventReminder`.
//! - A snooze ([`snooze_in`]) moves `fire_at` to the snooze time and may keep the start of
//!   the occurrence that was shown (`snoozed_occurrence`, V6): the snoozed reminder then
//!   names that occurrence, and a series goes on from it afterwards. Any recompute (the
//!   event changed) forgets the snooze.

use super::model::{Ev, When};
use super::recurrence::Occ;
use super::store;
use crate::db::row;
use crate::db::{timestamp_text, Tx, WriteCtx};
use crate::planner::reminder_defs::{self, Def, NewReminder};
use crate::time::parse_instant;
use crate::{validate, CoreError, Db, Result};
use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;

pub use crate::planner::reminder_defs::{MAX_MINUTES_BEFORE, MAX_PER_EVENT};
pub use crate::planner::rows::EventReminder;

/// Occurrences skipped (EXDATEs, overrides) before a series counts as exhausted.
const MAX_SKIPS: usize = 10_000;

pub use super::store::DueReminder;

/// The event's reminders, relative ones first by minutes, then absolute ones by time.
pub fn of_event(conn: &Connection, event_id: &str) -> Result<Vec<EventReminder>> {
    store::reminders_of(conn, event_id)
}

pub fn check(list: &[NewReminder]) -> Result<Vec<Def>> {
    reminder_defs::check_for(list, "an event", "the event")
}

/// Replaces the event's reminders by `list` (unchanged ones keep their rows).
pub fn replace(tx: &Tx, ev: &Ev, list: &[NewReminder]) -> Result<()> {
    replace_defs(tx, ev, &check(list)?)
}

pub fn replace_defs(tx: &Tx, ev: &Ev, defs: &[Def]) -> Result<()> {
    let existing = of_event(tx, &ev.row.id)?;
    let mut kept = vec![false; defs.len()];
    for r in &existing {
        let as_def = Def {
            minutes_before: r.minutes_before,
            remind_at: r.remind_at.as_deref().and_then(parse_instant),
            channel: r.channel,
        };
        match defs.iter().position(|d| *d == as_def) {
            Some(i) if !kept[i] => kept[i] = true,
            _ => store::delete_reminder(tx, &r.id)?,
        }
    }
    let ctx = Ctx::of(tx, ev)?;
    for (def, _) in defs.iter().zip(&kept).filter(|(_, k)| !**k) {
        let (fire_at, delivered) = ctx.fire(def.minutes_before, def.remind_at, None)?;
        let now = tx.now_text();
        row::insert(
            tx,
            &EventReminder {
                id: tx.new_id(),
                event_id: ev.row.id.clone(),
                user_id: ev.row.user_id.clone(),
                minutes_before: def.minutes_before,
                remind_at: def.remind_at.map(timestamp_text),
                channel: def.channel,
                fire_at: timestamp_text(fire_at),
                delivered_at: delivered.then(|| now.clone()),
                snoozed_until: None,
                created_at: now.clone(),
                updated_at: now,
                snoozed_occurrence: None,
            },
        )?;
    }
    recompute(tx, ev)
}

/// Gives `to` the reminder definitions of `from`.
pub fn copy(tx: &Tx, from: &Ev, to: &Ev) -> Result<()> {
    let defs: Vec<Def> = of_event(tx, &from.row.id)?
        .into_iter()
        .map(|r| Def {
            minutes_before: r.minutes_before,
            remind_at: r.remind_at.as_deref().and_then(crate::time::parse_instant),
            channel: r.channel,
        })
        .collect();
    replace_defs(tx, to, &defs)
}

/// Who moved an event, for [`recompute_as`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MovedBy {
    /// The user (or a file they imported): the rule of every write.
    User,
    /// A subscription's refresh: the feed moved its event.
    Feed,
}

/// Recomputes `fire_at` of every reminder of the event (after it moved or changed).
pub fn recompute(tx: &Tx, ev: &Ev) -> Result<()> {
    recompute_as(tx, ev, MovedBy::User)
}

/// [`recompute`], knowing who moved the event. Moved by a feed, a single event's (or an
/// override's) reminder not yet shown, whose new time has passed while the event has not
/// started yet, stays due: it fires at the next turn, once (the lecture moved earlier
/// still gets its reminder). The user's own edits keep the rule of every write: a time
/// already passed counts as shown.
pub fn recompute_as(tx: &Tx, ev: &Ev, by: MovedBy) -> Result<()> {
    let ctx = Ctx::of(tx, ev)?;
    let still_ahead = ev.series().is_none() && ctx.instant(ev.when.start_occ()) > ctx.now;
    for mut r in of_event(tx, &ev.row.id)? {
        let remind_at = r.remind_at.as_deref().and_then(parse_instant);
        let (fire_at, mut delivered) = ctx.fire(r.minutes_before, remind_at, None)?;
        let fire_text = timestamp_text(fire_at);
        if fire_text == r.fire_at {
            continue;
        }
        let not_shown = r.delivered_at.is_none() && r.snoozed_until.is_none();
        if by == MovedBy::Feed && delivered && still_ahead && not_shown {
            delivered = false;
        }
        r.fire_at = fire_text;
        r.delivered_at = delivered.then(|| tx.now_text());
        r.snoozed_until = None;
        r.snoozed_occurrence = None;
        r.updated_at = tx.now_text();
        row::update(tx, &r)?;
    }
    Ok(())
}

/// What computing a fire time needs: the event, the user's zone, `now`, the skipped
/// occurrences of a series.
struct Ctx<'a> {
    ev: &'a Ev,
    user_tz: chrono_tz::Tz,
    now: DateTime<Utc>,
    skip: Vec<Occ>,
}

impl<'a> Ctx<'a> {
    fn of(tx: &'a Tx, ev: &'a Ev) -> Result<Ctx<'a>> {
        let user_tz = store::user_tz(tx, &ev.row.user_id)?;
        let mut skip = ev.exdates.clone();
        if ev.is_master() {
            skip.extend(store::overrides(tx, &ev.row.id, user_tz)?.into_iter().filter_map(|o| o.recurrence));
        }
        Ok(Ctx { ev, user_tz, now: tx.now(), skip })
    }

    /// When an occurrence starting at `o` begins, as an instant.
    fn instant(&self, o: Occ) -> DateTime<Utc> {
        match o {
            Occ::Time(t) => t,
            Occ::Date(d) => crate::time::start_of_day(d, self.user_tz),
        }
    }

    /// `(fire_at, nothing left to fire)` for a reminder; `after` = the occurrence just shown.
    fn fire(&self, minutes: Option<i64>, remind_at: Option<DateTime<Utc>>, after: Option<Occ>) -> Result<(DateTime<Utc>, bool)> {
        if let Some(at) = remind_at {
            return Ok((at, at < self.now || after.is_some()));
        }
        let before = Duration::minutes(minutes.unwrap_or(0));
        let first = self.instant(self.ev.when.start_occ()) - before;
        let Some(series) = self.ev.series() else {
            return Ok((first, first < self.now || after.is_some()));
        };
        // The occurrence must start late enough for its reminder not to have passed.
        let mut not_before = self.now + before;
        if let Some(a) = after {
            not_before = not_before.max(self.instant(a) + Duration::seconds(1));
        }
        let from = match self.ev.when {
            When::AllDay { .. } => {
                Occ::Date(not_before.with_timezone(&self.user_tz).date_naive().pred_opt().unwrap_or_default())
            }
            When::Timed { .. } => Occ::Time(not_before),
        };
        let next = series
            .iter_from(from)?
            .take(MAX_SKIPS)
            .find(|o| self.instant(*o) >= not_before && !self.skip.contains(o));
        Ok(match next {
            Some(o) => (self.instant(o) - before, false),
            None => (first, true),
        })
    }
}

// ---- the scheduler's queries (SQL in `store`) --------------------------------------------

/// The next reminder to fire after `now` (for the scheduler's timer), if any.
pub fn next_due(conn: &Connection, now: DateTime<Utc>) -> Result<Option<DueReminder>> {
    store::next_due_reminder(conn, &timestamp_text(now))
}

/// Reminders due at `now` and not yet delivered (missed ones included), oldest first.
pub fn due(conn: &Connection, now: DateTime<Utc>) -> Result<Vec<DueReminder>> {
    store::due_reminders(conn, &timestamp_text(now))
}

/// Records that a reminder was shown (see the module docs for how a series advances).
pub fn deliver(tx: &Tx, user_id: &str, reminder_id: &str) -> Result<()> {
    let id = validate::id("reminder", reminder_id)?;
    let mut r = row::get::<EventReminder>(tx, &id)?
        .filter(|r| r.user_id == user_id)
        .ok_or_else(|| CoreError::not_found("reminder", id.clone()))?;
    let ev = store::load(tx, user_id, &r.event_id)?;
    // The occurrence just shown: the one a snooze kept, else the one `fire_at` is before.
    let shown = match r.snoozed_occurrence.as_deref().and_then(parse_instant) {
        Some(o) => Some(o),
        None => parse_instant(&r.fire_at).map(|t| t + Duration::minutes(r.minutes_before.unwrap_or(0))),
    };
    r.updated_at = tx.now_text();
    if let (true, Some(m), Some(shown)) = (ev.is_master(), r.minutes_before, shown) {
        let ctx = Ctx::of(tx, &ev)?;
        let (next, exhausted) = ctx.fire(Some(m), None, Some(Occ::Time(shown)))?;
        if !exhausted {
            r.fire_at = timestamp_text(next);
            r.delivered_at = None;
            r.snoozed_until = None;
            r.snoozed_occurrence = None;
            return row::update(tx, &r);
        }
    }
    r.delivered_at = Some(tx.now_text());
    r.snoozed_occurrence = None;
    row::update(tx, &r)
}

pub fn mark_delivered(db: &Db, user_id: &str, reminder_id: &str) -> Result<()> {
    db.write(WriteCtx::by(user_id, "reminder.deliver"), |tx| deliver(tx, user_id, reminder_id))
}

/// Snoozes a reminder until `until`: it fires again then.
pub fn snooze(db: &Db, user_id: &str, reminder_id: &str, until: &str) -> Result<()> {
    let until = validate::timestamp("snooze until", until)?;
    db.write(WriteCtx::by(user_id, "reminder.snooze"), |tx| snooze_in(tx, user_id, reminder_id, until, None))
}

/// Snoozes a reminder inside a write. `occurrence` (UTC timestamp): the start of the
/// occurrence that was shown, so a series reminder fires again for that one (not for the
/// occurrence its `fire_at` has moved on to), and afterwards goes on to the next one.
pub fn snooze_in(tx: &Tx, user_id: &str, reminder_id: &str, until: DateTime<Utc>, occurrence: Option<&str>) -> Result<()> {
    let id = validate::id("reminder", reminder_id)?;
    let mut r = row::get::<EventReminder>(tx, &id)?
        .filter(|r| r.user_id == user_id)
        .ok_or_else(|| CoreError::not_found("reminder", id.clone()))?;
    let until = timestamp_text(until);
    r.fire_at = until.clone();
    r.snoozed_until = Some(until);
    r.delivered_at = None;
    r.snoozed_occurrence = occurrence.and_then(parse_instant).map(timestamp_text);
    r.updated_at = tx.now_text();
    row::update(tx, &r)
}

/// Whether the user's event reminder still exists (a notification can snooze it).
pub fn exists(conn: &Connection, user_id: &str, reminder_id: &str) -> Result<bool> {
    store::reminder_exists(conn, user_id, reminder_id)
}
