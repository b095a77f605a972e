//! Delivering due reminders: exactly once, across restarts and several processes.
//!
//! Contract:
//! - [`deliver_due`] takes every reminder due at `now` and not yet delivered (a snoozed
//!   one is due again at its `snoozed_until`, which `snooze` stores as its `fire_at`).
//!   Each one is handled in ONE `Db::write` transaction: it is claimed by a conditional
//!   UPDATE on the `fire_at` read before (`WHERE id = ? AND delivered_at IS NULL AND
//!   fire_at = ?`), so a second process (or thread) racing for it updates 0 rows and skips
//!   it; then it is advanced (`reminders::deliver`: a series moves to its next occurrence)
//!   and its `notifications` row (type `reminder`) is inserted. All three commit together.
//! - The caller shows native notices only **after** the transactions committed
//!   ([`notices_for`]): a crash can lose a popup, never deliver a reminder twice.
//! - A reminder whose fire time passed more than [`GRACE`] before `now` was missed (the app
//!   was closed, the machine asleep). It is delivered once like any other, marked
//!   `missed`; [`notices_for`] groups two or more missed ones into one notice
//!   "N reminders while you were away" (each still has its own notifications row).
//! - Nothing here sleeps or keeps a timer: the scheduler re-reads `next_due` from the
//!   stored absolute times each turn, so a suspend or a clock jump makes it neither miss
//!   nor repeat one.

use super::reminders::{self, DueReminder};
use crate::db::{timestamp_text, WriteCtx};
use crate::notify::Notice;
use crate::{validate, CoreError, Db, Result};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A reminder later than this is "missed" and grouped with the others missed.
pub const GRACE: Duration = Duration::minutes(2);
/// The longest snooze by minutes (one day); a later time goes through `until`.
pub const MAX_SNOOZE_MINUTES: i64 = 1440;

/// One reminder delivered by [`deliver_due`].
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct Delivered {
    pub reminder_id: String,
    pub event_id: String,
    pub notification_id: String,
    pub title: String,
    pub message: String,
    /// The fire time it was delivered for (UTC, stored format).
    pub fire_at: String,
    #[ts(optional)]
    pub occurrence_start: Option<String>,
    /// Its time passed more than [`GRACE`] ago: shown grouped.
    pub missed: bool,
}

/// Delivers every due reminder of `user_id` (see the module docs). Returns what this call
/// delivered, oldest first; a reminder another process took first is not in it.
pub fn deliver_due(db: &Db, user_id: &str) -> Result<Vec<Delivered>> {
    let now = db.now();
    let due = db.read(|c| reminders::due(c, now))?;
    let mut out = Vec::with_capacity(due.len());
    for d in due {
        if let Some(x) = deliver_one(db, user_id, &d)? {
            out.push(x);
        }
    }
    Ok(out)
}

fn deliver_one(db: &Db, user_id: &str, d: &DueReminder) -> Result<Option<Delivered>> {
    db.write(WriteCtx::by(user_id, "reminder.deliver"), |tx| {
        // The claim: only the transaction that still sees the fire time we read wins.
        let claimed = tx
            .prepare_cached(
                "UPDATE calendar_event_reminders SET updated_at = ?1
                 WHERE id = ?2 AND user_id = ?3 AND delivered_at IS NULL AND fire_at = ?4",
            )?
            .execute(params![tx.now_text(), d.reminder_id, user_id, d.fire_at])?;
        if claimed == 0 {
            return Ok(None);
        }
        reminders::deliver(tx, user_id, &d.reminder_id)?;
        let tz = super::events::user_tz(tx, user_id)?;
        let course: Option<String> = tx
            .prepare_cached(
                "SELECT c.name FROM calendar_events e JOIN courses c ON c.id = e.course_id WHERE e.id = ?1",
            )?
            .query_row([&d.event_id], |r| r.get(0))
            .optional()?;
        let when = d.occurrence_start.as_deref().map(|s| match super::events::parse_instant(s) {
            Some(t) => t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string(),
            None => s.to_string(), // an all-day event's date
        });
        let message = [when, course].into_iter().flatten().collect::<Vec<_>>().join(" · ");
        let data = serde_json::json!({
            "reminder_id": d.reminder_id,
            "event_id": d.event_id,
            "occurrence_start": d.occurrence_start,
        });
        let notification_id = tx.new_id();
        tx.prepare_cached(
            "INSERT INTO notifications(id, user_id, type, title, message, data, created_at)
             VALUES (?1, ?2, 'reminder', ?3, ?4, ?5, ?6)",
        )?
        .execute(params![notification_id, user_id, d.title, message, data.to_string(), tx.now_text()])?;
        let missed = super::events::parse_instant(&d.fire_at).is_some_and(|f| f + GRACE < tx.now());
        Ok(Some(Delivered {
            reminder_id: d.reminder_id.clone(),
            event_id: d.event_id.clone(),
            notification_id,
            title: d.title.clone(),
            message,
            fire_at: d.fire_at.clone(),
            occurrence_start: d.occurrence_start.clone(),
            missed,
        }))
    })
}

/// The native notices for what was delivered: one each on time, and the missed ones
/// grouped into one notice when there are two or more.
pub fn notices_for(delivered: &[Delivered]) -> Vec<Notice> {
    let missed: Vec<&Delivered> = delivered.iter().filter(|d| d.missed).collect();
    let mut out: Vec<Notice> = delivered
        .iter()
        .filter(|d| !d.missed || missed.len() == 1)
        .map(|d| Notice::new(d.title.clone(), d.message.clone()).tagged("calendar.reminder"))
        .collect();
    if missed.len() > 1 {
        let titles: Vec<&str> = missed.iter().map(|d| d.title.as_str()).collect();
        out.push(
            Notice::new(format!("{} reminders while you were away", missed.len()), titles.join(", "))
                .tagged("calendar.reminder.missed"),
        );
    }
    out
}

/// Snoozes a reminder for `minutes` (5, 10, 30 in the UI; 1 to [`MAX_SNOOZE_MINUTES`]).
pub fn snooze_for(db: &Db, user_id: &str, reminder_id: &str, minutes: i64) -> Result<()> {
    let minutes = validate::range("snooze minutes", minutes, 1, MAX_SNOOZE_MINUTES)?;
    let until: DateTime<Utc> = db.now() + Duration::minutes(minutes);
    reminders::snooze(db, user_id, reminder_id, &timestamp_text(until))
}

/// How long the scheduler may sleep: until the next fire time, at most `cap`, so a
/// suspend or a clock jump is noticed within `cap`.
pub fn next_wake(db: &Db, cap: std::time::Duration) -> Result<std::time::Duration> {
    let now = db.now();
    let next = db.read(|c| reminders::next_due(c, now))?;
    let Some(next) = next else { return Ok(cap) };
    let at = super::events::parse_instant(&next.fire_at)
        .ok_or_else(|| CoreError::validation(format!("unreadable reminder time {}", next.fire_at)))?;
    let wait = (at - now).to_std().unwrap_or_default();
    Ok(wait.min(cap))
}
