//! Delivering due reminders, of events and of tasks and assignments: exactly once, across
//! restarts and several processes.
//!
//! Contract:
//! - [`deliver_due`] takes every reminder due at `now` and not yet delivered, from both
//!   `calendar_event_reminders` and `item_reminders` (V6), oldest first (a snoozed one is
//!   due again at its `snoozed_until`, which a snooze stores as its `fire_at`). Each one is
//!   handled in ONE `Db::write` transaction: it is claimed by a conditional UPDATE on the
//!   `fire_at` read before (`WHERE id = ? AND delivered_at IS NULL AND fire_at = ?`), so a
//!   second process (or thread) racing for it updates 0 rows and skips it; then it is
//!   advanced (`reminders::deliver`: a series moves to its next occurrence; an item
//!   reminder is simply delivered) and its `notifications` row (type `reminder`) is
//!   inserted. All commit together.
//! - The notifications row's `data` says what to snooze from the notification center:
//!   `{"reminder_id", "reminder_table": "calendar_event_reminders" | "item_reminders",
//!   "item_kind": "event" | "task" | "assignment", "item_id", "event_id" (events),
//!   "occurrence_start" (events), "due_at" (items)}`. Its message: the occurrence's start
//!   (events) or "Due <time>" (items), in the user's time zone, then the course's name.
//! - The caller shows native notices only **after** the transactions committed
//!   ([`notices_for`]): a crash can lose a popup, never deliver a reminder twice.
//! - A reminder whose fire time passed more than [`GRACE`] before `now` was missed (the app
//!   was closed, the machine asleep). It is delivered once like any other, marked
//!   `missed`; [`notices_for`] groups two or more missed ones, whatever their kind, into
//!   one notice "N reminders while you were away" (each still has its own row).
//! - Nothing here sleeps or keeps a timer: the scheduler re-reads [`next_upcoming`] (the
//!   earliest of both tables) from the stored absolute times each turn ([`next_wake`]), so
//!   a suspend or a clock jump makes it neither miss nor repeat one.

use super::reminders::{self, DueReminder};
use crate::db::{timestamp_text, Tx, WriteCtx};
use crate::notify::Notice;
use crate::planner::item_reminders::{self, DueItemReminder};
use crate::planner::notifications;

pub use crate::planner::notifications::{ReminderItemKind, ReminderTable, MAX_SNOOZE_MINUTES};
use crate::{validate, CoreError, Db, Result};
use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A reminder later than this is "missed" and grouped with the others missed.
pub const GRACE: Duration = Duration::minutes(2);
/// The longest title a task's reminder shows (a task's text may be 10,000 characters).
const TITLE_MAX_CHARS: usize = 120;

/// One reminder delivered by [`deliver_due`].
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
pub struct Delivered {
    pub reminder_id: String,
    pub reminder_table: ReminderTable,
    /// What it is for: an event, a task or an assignment, and which.
    pub item_kind: ReminderItemKind,
    pub item_id: String,
    pub notification_id: String,
    pub title: String,
    pub message: String,
    /// The fire time it was delivered for (UTC, stored format).
    pub fire_at: String,
    /// Events: the start of the occurrence it is for.
    #[ts(optional)]
    pub occurrence_start: Option<String>,
    /// Tasks and assignments: the due time (UTC).
    #[ts(optional)]
    pub due_at: Option<String>,
    /// Its time passed more than [`GRACE`] ago: shown grouped.
    pub missed: bool,
}

/// The next reminder to fire, of any kind (the scheduler's wake, the tray's label).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
pub struct UpcomingReminder {
    pub reminder_id: String,
    pub item_kind: ReminderItemKind,
    pub item_id: String,
    pub title: String,
    pub fire_at: String,
}

/// A due reminder of either table.
enum Due {
    Event(DueReminder),
    Item(DueItemReminder),
}

impl Due {
    fn fire_at(&self) -> &str {
        match self {
            Due::Event(d) => &d.fire_at,
            Due::Item(d) => &d.fire_at,
        }
    }
    fn reminder_id(&self) -> &str {
        match self {
            Due::Event(d) => &d.reminder_id,
            Due::Item(d) => &d.reminder_id,
        }
    }
}

/// Delivers every due reminder of `user_id` (see the module docs). Returns what this call
/// delivered, oldest first; a reminder another process took first is not in it.
pub fn deliver_due(db: &Db, user_id: &str) -> Result<Vec<Delivered>> {
    let now = db.now();
    let mut due: Vec<Due> = db.read(|c| {
        let events = reminders::due(c, now)?.into_iter().map(Due::Event);
        let items = item_reminders::due(c, user_id, now)?.into_iter().map(Due::Item);
        Ok(events.chain(items).collect())
    })?;
    due.sort_by(|a, b| (a.fire_at(), a.reminder_id()).cmp(&(b.fire_at(), b.reminder_id())));
    let mut out = Vec::with_capacity(due.len());
    for d in &due {
        let delivered = match d {
            Due::Event(e) => deliver_event(db, user_id, e)?,
            Due::Item(i) => deliver_item(db, user_id, i)?,
        };
        out.extend(delivered);
    }
    Ok(out)
}

/// The local wall-clock text of a stored instant in the user's zone (a date stays as is).
fn local_text(tx: &Tx, user_id: &str, stored: &str) -> Result<String> {
    let tz = super::store::user_tz(tx, user_id)?;
    Ok(match crate::time::parse_instant(stored) {
        Some(t) => t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string(),
        None => stored.to_string(), // an all-day event's date
    })
}

/// What the delivery of one reminder writes and returns, besides its claim.
struct Shown {
    reminder_id: String,
    table: ReminderTable,
    kind: ReminderItemKind,
    item_id: String,
    title: String,
    message: String,
    fire_at: String,
    occurrence_start: Option<String>,
    due_at: Option<String>,
    data: serde_json::Value,
}

/// Inserts the notifications row of a claimed reminder and says what was delivered.
fn record(tx: &Tx, user_id: &str, s: Shown) -> Result<Delivered> {
    let notification_id = notifications::insert_reminder(tx, user_id, &s.title, &s.message, &s.data)?;
    let missed = crate::time::parse_instant(&s.fire_at).is_some_and(|f| f + GRACE < tx.now());
    Ok(Delivered {
        reminder_id: s.reminder_id,
        reminder_table: s.table,
        item_kind: s.kind,
        item_id: s.item_id,
        notification_id,
        title: s.title,
        message: s.message,
        fire_at: s.fire_at,
        occurrence_start: s.occurrence_start,
        due_at: s.due_at,
        missed,
    })
}

fn deliver_event(db: &Db, user_id: &str, d: &DueReminder) -> Result<Option<Delivered>> {
    db.write(WriteCtx::by(user_id, "reminder.deliver"), |tx| {
        // The claim: only the transaction that still sees the fire time we read wins.
        if !super::store::claim_reminder(tx, user_id, &d.reminder_id, &d.fire_at)? {
            return Ok(None);
        }
        reminders::deliver(tx, user_id, &d.reminder_id)?;
        let course = super::store::course_name_of_event(tx, &d.event_id)?;
        let when = d.occurrence_start.as_deref().map(|s| local_text(tx, user_id, s)).transpose()?;
        let message = [when, course].into_iter().flatten().collect::<Vec<_>>().join(" · ");
        let table = ReminderTable::CalendarEventReminders;
        let data = serde_json::json!({
            "reminder_id": d.reminder_id,
            "reminder_table": table.as_str(),
            "item_kind": ReminderItemKind::Event.as_str(),
            "item_id": d.event_id,
            "event_id": d.event_id,
            "occurrence_start": d.occurrence_start,
        });
        let shown = Shown {
            reminder_id: d.reminder_id.clone(),
            table,
            kind: ReminderItemKind::Event,
            item_id: d.event_id.clone(),
            title: d.title.clone(),
            message,
            fire_at: d.fire_at.clone(),
            occurrence_start: d.occurrence_start.clone(),
            due_at: None,
            data,
        };
        record(tx, user_id, shown).map(Some)
    })
}

fn deliver_item(db: &Db, user_id: &str, d: &DueItemReminder) -> Result<Option<Delivered>> {
    db.write(WriteCtx::by(user_id, "reminder.deliver"), |tx| {
        if !item_reminders::claim(tx, user_id, &d.reminder_id, &d.fire_at)? {
            return Ok(None);
        }
        let when = d.due_at.as_deref().map(|s| local_text(tx, user_id, s)).transpose()?;
        let message = match (when, &d.course) {
            (Some(w), Some(c)) => format!("Due {w} · {c}"),
            (Some(w), None) => format!("Due {w}"),
            (None, Some(c)) => format!("No due date · {c}"),
            (None, None) => "No due date".to_string(),
        };
        let title = match d.title.chars().count() > TITLE_MAX_CHARS {
            true => format!("{}…", d.title.chars().take(TITLE_MAX_CHARS - 1).collect::<String>()),
            false => d.title.clone(),
        };
        let kind = ReminderItemKind::from(d.item.kind);
        let table = ReminderTable::ItemReminders;
        let data = serde_json::json!({
            "reminder_id": d.reminder_id,
            "reminder_table": table.as_str(),
            "item_kind": kind.as_str(),
            "item_id": d.item.id,
            "due_at": d.due_at,
        });
        let shown = Shown {
            reminder_id: d.reminder_id.clone(),
            table,
            kind,
            item_id: d.item.id.clone(),
            title,
            message,
            fire_at: d.fire_at.clone(),
            occurrence_start: None,
            due_at: d.due_at.clone(),
            data,
        };
        record(tx, user_id, shown).map(Some)
    })
}

/// The native notices for what was delivered: one each on time, and the missed ones
/// grouped into one notice when there are two or more.
pub fn notices_for(delivered: &[Delivered], ja: bool) -> Vec<Notice> {
    let missed: Vec<&Delivered> = delivered.iter().filter(|d| d.missed).collect();
    let mut out: Vec<Notice> = delivered
        .iter()
        .filter(|d| !d.missed || missed.len() == 1)
        .map(|d| {
            Notice::new(d.title.clone(), d.message.clone())
                .tagged(tag(d.item_kind))
                .with_actions(&d.notification_id, &snooze_actions(ja))
        })
        .collect();
    if missed.len() > 1 {
        let titles: Vec<&str> = missed.iter().map(|d| d.title.as_str()).collect();
        let title = if ja {
            format!("不在中のリマインダー {} 件", missed.len())
        } else {
            format!("{} reminders while you were away", missed.len())
        };
        out.push(Notice::new(title, titles.join(", ")).tagged("calendar.reminder.missed"));
    }
    out
}

/// The buttons of a reminder's notice: `snooze-N` snoozes it N minutes (the notice's
/// subject is its notifications row, as `notification_snooze` takes), `default` (a click
/// on the notice) opens the app.
pub fn snooze_actions(ja: bool) -> [(&'static str, &'static str); 4] {
    if ja {
        [("snooze-5", "5分後"), ("snooze-10", "10分後"), ("snooze-30", "30分後"), ("default", "開く")]
    } else {
        [("snooze-5", "Snooze 5 min"), ("snooze-10", "Snooze 10 min"), ("snooze-30", "Snooze 30 min"), ("default", "Open")]
    }
}

/// The minutes of a `snooze-N` action id.
pub fn snooze_minutes(action: &str) -> Option<i64> {
    action.strip_prefix("snooze-")?.parse().ok().filter(|m| (1..=MAX_SNOOZE_MINUTES).contains(m))
}

fn tag(kind: ReminderItemKind) -> &'static str {
    match kind {
        ReminderItemKind::Event => "calendar.reminder",
        ReminderItemKind::Task => "task.reminder",
        ReminderItemKind::Assignment => "assignment.reminder",
    }
}

/// Snoozes an event reminder for `minutes` (5, 10, 30 in the UI; 1 to [`MAX_SNOOZE_MINUTES`]).
pub fn snooze_for(db: &Db, user_id: &str, reminder_id: &str, minutes: i64) -> Result<()> {
    let minutes = validate::range("snooze minutes", minutes, 1, MAX_SNOOZE_MINUTES)?;
    let until: DateTime<Utc> = db.now() + Duration::minutes(minutes);
    reminders::snooze(db, user_id, reminder_id, &timestamp_text(until))
}

/// The user's next reminder to fire after `now`, the earliest of both tables.
pub fn next_upcoming(conn: &Connection, user_id: &str, now: DateTime<Utc>) -> Result<Option<UpcomingReminder>> {
    let event = reminders::next_due(conn, now)?.map(|e| UpcomingReminder {
        reminder_id: e.reminder_id,
        item_kind: ReminderItemKind::Event,
        item_id: e.event_id,
        title: e.title,
        fire_at: e.fire_at,
    });
    let item = item_reminders::next_due(conn, user_id, now)?.map(|i| UpcomingReminder {
        reminder_id: i.reminder_id,
        item_kind: i.item.kind.into(),
        item_id: i.item.id,
        title: i.title,
        fire_at: i.fire_at,
    });
    Ok(match (event, item) {
        (Some(e), Some(i)) => Some(if i.fire_at < e.fire_at { i } else { e }),
        (e, i) => e.or(i),
    })
}

/// How long the scheduler may sleep: until the next fire time of either kind, at most
/// `cap`, so a suspend or a clock jump is noticed within `cap`.
pub fn next_wake(db: &Db, user_id: &str, cap: std::time::Duration) -> Result<std::time::Duration> {
    let now = db.now();
    let next = db.read(|c| next_upcoming(c, user_id, now))?;
    let Some(next) = next else { return Ok(cap) };
    let at = crate::time::parse_instant(&next.fire_at)
        .ok_or_else(|| CoreError::validation(format!("unreadable reminder time {}", next.fire_at)))?;
    let wait = (at - now).to_std().unwrap_or_default();
    Ok(wait.min(cap))
}
