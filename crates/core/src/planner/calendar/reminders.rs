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
//!   app never shows reminders for the past.
//! - How a series reminder advances: the scheduler (a later task) calls [`deliver`] in the
//!   transaction that shows it. For a single event that sets `delivered_at`; for a series
//!   it moves `fire_at` to the next occurrence that starts after both the one just shown
//!   and `now` (missed occurrences while the app was closed are not replayed one by one),
//!   leaving `delivered_at` NULL; when the series has no further occurrence it sets
//!   `delivered_at`.
//! - [`due`] and [`next_due`] read the index `(delivered_at, fire_at)`: one index range,
//!   whatever the number of reminders.
//! - A snooze ([`snooze_in`]) moves `fire_at` to the snooze time and may keep the start of
//!   the occurrence that was shown (`snoozed_occurrence`, V6): the snoozed reminder then
//!   names that occurrence, and a series goes on from it afterwards. Any recompute (the
//!   event changed) forgets the snooze.

use super::events::{self, Ev, When};
use super::recurrence::Occ;
use crate::db::{timestamp_text, Tx, WriteCtx};
use crate::planner::rows::ReminderChannel;
use crate::{validate, CoreError, Db, Result};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The most reminders one event may carry.
pub const MAX_PER_EVENT: usize = 10;
/// At most four weeks before.
pub const MAX_MINUTES_BEFORE: i64 = 40_320;
/// Occurrences skipped (EXDATEs, overrides) before a series counts as exhausted.
const MAX_SKIPS: usize = 10_000;

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, PartialEq, Eq)]
#[ts(export)]
pub struct NewReminder {
    #[ts(optional)]
    pub minutes_before: Option<i64>,
    /// RFC 3339 with an offset.
    #[ts(optional)]
    pub remind_at: Option<String>,
    #[ts(optional)]
    pub channel: Option<ReminderChannel>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct Reminder {
    pub id: String,
    pub event_id: String,
    pub minutes_before: Option<i64>,
    pub remind_at: Option<String>,
    pub channel: ReminderChannel,
    pub fire_at: String,
    pub delivered_at: Option<String>,
    pub snoozed_until: Option<String>,
}

/// A reminder that is due (or the next one to be), with what a notification shows.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct DueReminder {
    pub reminder_id: String,
    pub event_id: String,
    pub title: String,
    pub fire_at: String,
    /// Start of the occurrence it is for (relative reminders), else the event's start.
    pub occurrence_start: Option<String>,
    pub minutes_before: Option<i64>,
    pub channel: ReminderChannel,
}

const COLUMNS: &str = "id, event_id, minutes_before, remind_at, channel, fire_at, delivered_at, snoozed_until";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Reminder> {
    Ok(Reminder {
        id: r.get(0)?,
        event_id: r.get(1)?,
        minutes_before: r.get(2)?,
        remind_at: r.get(3)?,
        channel: crate::db::row::read_enum(r, 4, ReminderChannel::parse)?,
        fire_at: r.get(5)?,
        delivered_at: r.get(6)?,
        snoozed_until: r.get(7)?,
    })
}

pub fn of_event(conn: &Connection, event_id: &str) -> Result<Vec<Reminder>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM calendar_event_reminders WHERE event_id = ?1 ORDER BY minutes_before IS NULL, minutes_before, remind_at, id"
    ))?;
    let rows = stmt.query_map([event_id], from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// A checked reminder definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Def {
    pub minutes_before: Option<i64>,
    pub remind_at: Option<DateTime<Utc>>,
    pub channel: ReminderChannel,
}

pub fn check(list: &[NewReminder]) -> Result<Vec<Def>> {
    check_for(list, "an event", "the event")
}

/// [`check`] worded for what the reminders are of: `owner` "a task", `relative_to` "the due time".
pub fn check_for(list: &[NewReminder], owner: &str, relative_to: &str) -> Result<Vec<Def>> {
    if list.len() > MAX_PER_EVENT {
        return Err(CoreError::validation(format!("{owner} may have at most {MAX_PER_EVENT} reminders")));
    }
    let mut out: Vec<Def> = Vec::with_capacity(list.len());
    for r in list {
        let remind_at = validate::opt_timestamp("reminder time", r.remind_at.as_deref())?;
        let minutes_before =
            r.minutes_before.map(|m| validate::range("reminder minutes before", m, 0, MAX_MINUTES_BEFORE)).transpose()?;
        if minutes_before.is_some() == remind_at.is_some() {
            return Err(CoreError::validation(format!(
                "a reminder needs either minutes before {relative_to} or a time, not both"
            )));
        }
        let def = Def { minutes_before, remind_at, channel: r.channel.unwrap_or(ReminderChannel::Notification) };
        if !out.contains(&def) {
            out.push(def);
        }
    }
    Ok(out)
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
            remind_at: r.remind_at.as_deref().and_then(events::parse_instant),
            channel: r.channel,
        };
        match defs.iter().position(|d| *d == as_def) {
            Some(i) if !kept[i] => kept[i] = true,
            _ => {
                tx.prepare_cached("DELETE FROM calendar_event_reminders WHERE id = ?1")?.execute([&r.id])?;
            }
        }
    }
    let ctx = Ctx::of(tx, ev)?;
    for (def, _) in defs.iter().zip(&kept).filter(|(_, k)| !**k) {
        let (fire_at, delivered) = ctx.fire(def.minutes_before, def.remind_at, None)?;
        tx.prepare_cached(
            "INSERT INTO calendar_event_reminders(id, event_id, user_id, minutes_before, remind_at, channel, fire_at,
             delivered_at, snoozed_until, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULL, ?9, ?9)",
        )?
        .execute(params![
            tx.new_id(),
            ev.row.id,
            ev.row.user_id,
            def.minutes_before,
            def.remind_at.map(timestamp_text),
            def.channel.as_str(),
            timestamp_text(fire_at),
            delivered.then(|| tx.now_text()),
            tx.now_text()
        ])?;
    }
    recompute(tx, ev)
}

/// Gives `to` the reminder definitions of `from`.
pub fn copy(tx: &Tx, from: &Ev, to: &Ev) -> Result<()> {
    let defs: Vec<Def> = of_event(tx, &from.row.id)?
        .into_iter()
        .map(|r| Def {
            minutes_before: r.minutes_before,
            remind_at: r.remind_at.as_deref().and_then(events::parse_instant),
            channel: r.channel,
        })
        .collect();
    replace_defs(tx, to, &defs)
}

/// Recomputes `fire_at` of every reminder of the event (after it moved or changed).
pub fn recompute(tx: &Tx, ev: &Ev) -> Result<()> {
    let ctx = Ctx::of(tx, ev)?;
    for r in of_event(tx, &ev.row.id)? {
        let remind_at = r.remind_at.as_deref().and_then(events::parse_instant);
        let (fire_at, delivered) = ctx.fire(r.minutes_before, remind_at, None)?;
        let fire_text = timestamp_text(fire_at);
        if fire_text == r.fire_at {
            continue;
        }
        tx.prepare_cached(
            "UPDATE calendar_event_reminders SET fire_at = ?1, delivered_at = ?2, snoozed_until = NULL,
             snoozed_occurrence = NULL, updated_at = ?3 WHERE id = ?4",
        )?
        .execute(params![fire_text, delivered.then(|| tx.now_text()), tx.now_text(), r.id])?;
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
        let user_tz = events::user_tz(tx, &ev.row.user_id)?;
        let mut skip = ev.exdates.clone();
        if ev.is_master() {
            skip.extend(events::overrides(tx, &ev.row.id, user_tz)?.into_iter().filter_map(|o| o.recurrence));
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

// ---- the scheduler's queries ------------------------------------------------------------

const DUE_SELECT: &str = "SELECT r.id, r.event_id, coalesce(e.title, ''), r.fire_at, r.minutes_before, r.channel,
       e.starts_at, e.event_date, r.snoozed_occurrence, r.snoozed_until IS NOT NULL, e.rrule IS NOT NULL
  FROM calendar_event_reminders r JOIN calendar_events e ON e.id = r.event_id";

fn due_from_row(r: &rusqlite::Row) -> rusqlite::Result<DueReminder> {
    let fire_at: String = r.get(3)?;
    let minutes: Option<i64> = r.get(4)?;
    let start: Option<String> = r.get(6)?;
    let snoozed_occurrence: Option<String> = r.get(8)?;
    let (snoozed, series): (bool, bool) = (r.get(9)?, r.get(10)?);
    // A snoozed reminder's fire_at is the snooze time, not "minutes before" anything.
    let occurrence_start = match (snoozed_occurrence, minutes) {
        (Some(o), _) => Some(o),
        (None, Some(_)) if snoozed && !series => start.or(r.get(7)?),
        (None, Some(m)) => events::parse_instant(&fire_at).map(|t| timestamp_text(t + Duration::minutes(m))),
        (None, None) => start.or(r.get(7)?),
    };
    Ok(DueReminder {
        reminder_id: r.get(0)?,
        event_id: r.get(1)?,
        title: r.get(2)?,
        fire_at,
        occurrence_start,
        minutes_before: minutes,
        channel: crate::db::row::read_enum(r, 5, ReminderChannel::parse)?,
    })
}

/// The next reminder to fire after `now` (for the scheduler's timer), if any.
pub fn next_due(conn: &Connection, now: DateTime<Utc>) -> Result<Option<DueReminder>> {
    Ok(conn
        .prepare_cached(&format!(
            "{DUE_SELECT} WHERE r.delivered_at IS NULL AND r.fire_at > ?1 ORDER BY r.fire_at LIMIT 1"
        ))?
        .query_row([timestamp_text(now)], due_from_row)
        .optional()?)
}

/// Reminders due at `now` and not yet delivered (missed ones included), oldest first.
pub fn due(conn: &Connection, now: DateTime<Utc>) -> Result<Vec<DueReminder>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{DUE_SELECT} WHERE r.delivered_at IS NULL AND r.fire_at <= ?1 ORDER BY r.fire_at LIMIT 1000"
    ))?;
    let rows = stmt.query_map([timestamp_text(now)], due_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Records that a reminder was shown (see the module docs for how a series advances).
pub fn deliver(tx: &Tx, user_id: &str, reminder_id: &str) -> Result<()> {
    let id = validate::id("reminder", reminder_id)?;
    let found: Option<(String, Option<i64>, String, Option<String>)> = tx
        .prepare_cached(
            "SELECT event_id, minutes_before, fire_at, snoozed_occurrence FROM calendar_event_reminders
             WHERE id = ?1 AND user_id = ?2",
        )?
        .query_row(params![id, user_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    let (event_id, minutes, fire_at, snoozed_occurrence) =
        found.ok_or_else(|| CoreError::not_found("reminder", id.clone()))?;
    let ev = events::load(tx, user_id, &event_id)?;
    // The occurrence just shown: the one a snooze kept, else the one `fire_at` is before.
    let shown = match snoozed_occurrence.as_deref().and_then(events::parse_instant) {
        Some(o) => Some(o),
        None => events::parse_instant(&fire_at).map(|t| t + Duration::minutes(minutes.unwrap_or(0))),
    };
    if let (true, Some(m), Some(shown)) = (ev.is_master(), minutes, shown) {
        let ctx = Ctx::of(tx, &ev)?;
        let (next, exhausted) = ctx.fire(Some(m), None, Some(Occ::Time(shown)))?;
        if !exhausted {
            tx.prepare_cached(
                "UPDATE calendar_event_reminders SET fire_at = ?1, delivered_at = NULL, snoozed_until = NULL,
                 snoozed_occurrence = NULL, updated_at = ?2 WHERE id = ?3",
            )?
            .execute(params![timestamp_text(next), tx.now_text(), id])?;
            return Ok(());
        }
    }
    tx.prepare_cached(
        "UPDATE calendar_event_reminders SET delivered_at = ?1, snoozed_occurrence = NULL, updated_at = ?1 WHERE id = ?2",
    )?
        .execute(params![tx.now_text(), id])?;
    Ok(())
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
    let occurrence = occurrence.and_then(events::parse_instant).map(timestamp_text);
    let n = tx
        .prepare_cached(
            "UPDATE calendar_event_reminders SET snoozed_until = ?1, fire_at = ?1, delivered_at = NULL,
             snoozed_occurrence = ?2, updated_at = ?3 WHERE id = ?4 AND user_id = ?5",
        )?
        .execute(params![timestamp_text(until), occurrence, tx.now_text(), id, user_id])?;
    if n == 0 {
        return Err(CoreError::not_found("reminder", id));
    }
    Ok(())
}
