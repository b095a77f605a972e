//! The notification center: the user's `notifications` rows, newest first, read state,
//! clearing, and snoozing a reminder from its notification.
//!
//! Why in the planner: the planner owns the `notifications` table. Its rows are written
//! by reminder delivery (`calendar::delivery`, through [`insert_reminder`]) and a
//! notification snoozes the planner's reminders; a center outside the planner would make
//! the planner and it depend on each other. Rooms that add notifications later (social,
//! insights) call [`insert_reminder`]'s siblings here: they depend on the planner, never
//! the other way. `crate::notifications` names this module (a re-export in `lib.rs`), and
//! `notify` beside it is the native side of the same notices.
//!
//! Contract:
//! - Every function works on the local user's rows only; another user's id, or a
//!   malformed one, is `not_found` (we never say which). Every write goes through
//!   `Db::write`; time comes from the transaction's clock.
//! - [`list`]: newest first (`created_at`, then id), `limit` 1 to [`MAX_LIST`], expired
//!   rows (`expires_at` passed) left out; `unread` counts every unread, unexpired row.
//! - Storage: the row type is `rows::NotificationRow` (not exported to TypeScript); the UI
//!   receives the view [`Notification`], built from it with what `data` says.
//! - A reminder's row carries in `data` the reminder it came from (`reminder_id`,
//!   `reminder_table`; see `calendar::delivery`). [`Notification::snooze`] is present when
//!   that reminder still exists and may fire again (a task not completed).
//! - [`snooze`]: exactly one of `minutes` (1 to 1440) or `until` (RFC 3339, in the future).
//!   The reminder fires again then, once; an event series reminder fires for the occurrence
//!   the notification was about, and then goes on with the series. The notification is
//!   marked read. A notification that is not a reminder is a validation error in words.

use crate::db::row;
use crate::db::{timestamp_text, Tx, WriteCtx};
use crate::planner::calendar::reminders;
use crate::planner::item_reminders::{self, ItemKind};
use crate::planner::rows::{NotificationPriority, NotificationRow};
use crate::{validate, CoreError, Db, Result};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The most rows one [`list`] returns.
pub const MAX_LIST: i64 = 500;
/// The longest snooze by minutes (one day); a later time goes through `until`.
pub const MAX_SNOOZE_MINUTES: i64 = 1440;

/// What a reminder is for.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReminderItemKind {
    Event,
    Task,
    Assignment,
}

impl ReminderItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReminderItemKind::Event => "event",
            ReminderItemKind::Task => "task",
            ReminderItemKind::Assignment => "assignment",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [ReminderItemKind::Event, ReminderItemKind::Task, ReminderItemKind::Assignment].into_iter().find(|k| k.as_str() == s)
    }
}

impl From<ItemKind> for ReminderItemKind {
    fn from(k: ItemKind) -> Self {
        match k {
            ItemKind::Task => ReminderItemKind::Task,
            ItemKind::Assignment => ReminderItemKind::Assignment,
        }
    }
}

/// The table a reminder row lives in (`notifications.data.reminder_table`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReminderTable {
    CalendarEventReminders,
    ItemReminders,
}

impl ReminderTable {
    pub fn as_str(self) -> &'static str {
        match self {
            ReminderTable::CalendarEventReminders => "calendar_event_reminders",
            ReminderTable::ItemReminders => "item_reminders",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [ReminderTable::CalendarEventReminders, ReminderTable::ItemReminders].into_iter().find(|t| t.as_str() == s)
    }
}

/// The reminder a notification can snooze.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
#[ts(export)]
pub struct NotificationSnooze {
    pub reminder_id: String,
    pub reminder_table: ReminderTable,
    /// The longest snooze by minutes (a later time goes through `until`).
    pub max_minutes: i64,
}

/// One row of the notification center.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct Notification {
    pub id: String,
    /// The `type` column: `reminder` for reminders.
    pub kind: String,
    pub title: String,
    pub message: Option<String>,
    pub is_read: bool,
    pub read_at: Option<String>,
    pub created_at: String,
    pub priority: NotificationPriority,
    /// Present when it is a reminder that can still be snoozed.
    pub snooze: Option<NotificationSnooze>,
    /// What it is about (reminders): an event, a task or an assignment, and which.
    pub item_kind: Option<ReminderItemKind>,
    pub item_id: Option<String>,
}

/// The center's page: the newest rows and how many are unread in all.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct NotificationList {
    pub items: Vec<Notification>,
    pub unread: i64,
}

/// What a notification's `data` says about the reminder it came from.
#[derive(Debug, Clone, Default, Deserialize)]
struct ReminderData {
    reminder_id: Option<String>,
    reminder_table: Option<String>,
    item_kind: Option<String>,
    item_id: Option<String>,
    /// Rows written before V6 name only the event.
    event_id: Option<String>,
    occurrence_start: Option<String>,
}

impl ReminderData {
    fn of(data: Option<&serde_json::Value>) -> ReminderData {
        // `data` is free JSON (json_valid in SQL); a shape we do not know is no reminder.
        data.and_then(|d| ReminderData::deserialize(d).ok()).unwrap_or_default()
    }

    fn table(&self) -> Option<ReminderTable> {
        match self.reminder_table.as_deref() {
            Some(t) => ReminderTable::parse(t),
            None if self.event_id.is_some() => Some(ReminderTable::CalendarEventReminders),
            None => None,
        }
    }

    fn item(&self) -> (Option<ReminderItemKind>, Option<String>) {
        match (self.item_kind.as_deref().and_then(ReminderItemKind::parse), &self.item_id, &self.event_id) {
            (Some(k), Some(id), _) => (Some(k), Some(id.clone())),
            (_, _, Some(ev)) => (Some(ReminderItemKind::Event), Some(ev.clone())),
            _ => (None, None),
        }
    }
}

/// The view of a stored row (`kind` is its `type`); `finish` adds what `data` says.
fn view(r: &NotificationRow) -> Notification {
    Notification {
        id: r.id.clone(),
        kind: r.r#type.clone(),
        title: r.title.clone(),
        message: r.message.clone(),
        is_read: r.is_read,
        read_at: r.read_at.clone(),
        created_at: r.created_at.clone(),
        priority: r.priority,
        snooze: None,
        item_kind: None,
        item_id: None,
    }
}

/// Fills in what `data` says (item, and whether its reminder can still be snoozed).
fn finish(conn: &Connection, user_id: &str, r: &NotificationRow) -> Result<Notification> {
    let mut n = view(r);
    let data = ReminderData::of(r.data.as_ref());
    (n.item_kind, n.item_id) = data.item();
    if n.kind == "reminder" {
        if let (Some(id), Some(table)) = (data.reminder_id.as_deref(), data.table()) {
            if snoozable(conn, user_id, table, id)? {
                n.snooze =
                    Some(NotificationSnooze { reminder_id: id.to_string(), reminder_table: table, max_minutes: MAX_SNOOZE_MINUTES });
            }
        }
    }
    Ok(n)
}

fn snoozable(conn: &Connection, user_id: &str, table: ReminderTable, reminder_id: &str) -> Result<bool> {
    match table {
        ReminderTable::ItemReminders => item_reminders::can_snooze(conn, user_id, reminder_id),
        ReminderTable::CalendarEventReminders => reminders::exists(conn, user_id, reminder_id),
    }
}

fn stored(conn: &Connection, user_id: &str, id: &str) -> Result<NotificationRow> {
    let id = validate::id("notification", id)?;
    row::select_one(conn, "WHERE id = ?1 AND user_id = ?2", params![id, user_id])?
        .ok_or_else(|| CoreError::not_found("notification", id))
}

/// One notification of the user.
pub fn get(conn: &Connection, user_id: &str, id: &str) -> Result<Notification> {
    let r = stored(conn, user_id, id)?;
    finish(conn, user_id, &r)
}

/// The newest `limit` notifications and the unread count (see the module docs).
pub fn list(conn: &Connection, user_id: &str, limit: i64, now: DateTime<Utc>) -> Result<NotificationList> {
    let limit = validate::range("limit", limit, 1, MAX_LIST)?;
    let now = timestamp_text(now);
    let rows: Vec<NotificationRow> = row::select(
        conn,
        "WHERE user_id = ?1 AND (expires_at IS NULL OR expires_at > ?2) ORDER BY created_at DESC, id DESC LIMIT ?3",
        params![user_id, now, limit],
    )?;
    let items = rows.iter().map(|r| finish(conn, user_id, r)).collect::<Result<Vec<_>>>()?;
    let unread: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM notifications WHERE user_id = ?1 AND is_read = 0 AND (expires_at IS NULL OR expires_at > ?2)",
        )?
        .query_row(params![user_id, now], |r| r.get(0))?;
    Ok(NotificationList { items, unread })
}

/// Adds the notification of a delivered reminder (type `reminder`, unread, priority
/// medium); returns its id. Written with its own statement, not `row::insert`: an
/// imported event may have no title, and its reminder's notification then has an empty
/// one, which the schema takes and `NotificationRow::validate` would refuse.
pub fn insert_reminder(tx: &Tx, user_id: &str, title: &str, message: &str, data: &serde_json::Value) -> Result<String> {
    insert(tx, user_id, "reminder", title, message, data)
}

/// Inserts an unread row of type `kind`.
fn insert(tx: &Tx, user_id: &str, kind: &str, title: &str, message: &str, data: &serde_json::Value) -> Result<String> {
    let id = tx.new_id();
    tx.prepare_cached(
        "INSERT INTO notifications(id, user_id, type, title, message, data, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![id, user_id, kind, title, message, data.to_string(), tx.now_text()])?;
    Ok(id)
}

/// Inserts an insights alert's row (type `alert`; `data` names the alert or, for a
/// digest, the alerts). Called by `insights::alerts::evaluate` inside its claim.
pub fn insert_alert(tx: &Tx, user_id: &str, title: &str, message: &str, data: &serde_json::Value) -> Result<String> {
    insert(tx, user_id, "alert", title, message, data)
}

/// Inserts the row telling a requester its dashboard access request was decided (type
/// `access_request`), under the id `id` derived from the request and its decision, so each
/// of the requester's devices makes the same row once (a second insert is ignored).
pub fn insert_access_decision(tx: &Tx, id: &str, user_id: &str, title: &str, message: &str, data: &serde_json::Value) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO notifications(id, user_id, type, title, message, data, created_at)
         VALUES (?1, ?2, 'access_request', ?3, ?4, ?5, ?6) ON CONFLICT(id) DO NOTHING",
    )?
    .execute(params![id, user_id, title, message, data.to_string(), tx.now_text()])?;
    Ok(())
}

/// The alert a notification of type `alert` came from (not a digest's).
pub fn alert_of(conn: &Connection, user_id: &str, id: &str) -> Result<Option<String>> {
    let id = validate::id("notification", id)?;
    let n = stored(conn, user_id, &id)?;
    Ok((n.r#type == "alert").then(|| n.data.as_ref().and_then(|d| d.get("alert_id")).and_then(|a| a.as_str()).map(str::to_string)).flatten())
}

fn set_read_in(tx: &Tx, user_id: &str, id: &str, read: bool) -> Result<()> {
    // Reading again keeps the first read time; unread clears it.
    tx.prepare_cached(
        "UPDATE notifications SET is_read = ?1, read_at = CASE WHEN ?1 THEN coalesce(read_at, ?2) END
         WHERE id = ?3 AND user_id = ?4",
    )?
    .execute(params![read, tx.now_text(), id, user_id])?;
    Ok(())
}

/// Marks one notification read or unread.
pub fn set_read(db: &Db, user_id: &str, id: &str, read: bool) -> Result<Notification> {
    let action = if read { "notification.read" } else { "notification.unread" };
    db.write(WriteCtx::by(user_id, action), |tx| {
        let n = stored(tx, user_id, id)?;
        set_read_in(tx, user_id, &n.id, read)?;
        get(tx, user_id, &n.id)
    })
}

/// Marks every unread notification of the user read; returns how many changed.
pub fn mark_all_read(db: &Db, user_id: &str) -> Result<i64> {
    db.write(WriteCtx::by(user_id, "notification.read_all"), |tx| {
        let n = tx
            .prepare_cached("UPDATE notifications SET is_read = 1, read_at = ?1 WHERE user_id = ?2 AND is_read = 0")?
            .execute(params![tx.now_text(), user_id])?;
        Ok(n as i64)
    })
}

/// Deletes every notification of the user (the reminders themselves stay); returns how many.
pub fn clear_all(db: &Db, user_id: &str) -> Result<i64> {
    db.write(WriteCtx::by(user_id, "notification.clear_all"), |tx| {
        let n = tx.prepare_cached("DELETE FROM notifications WHERE user_id = ?1")?.execute([user_id])?;
        Ok(n as i64)
    })
}

/// When a snooze ends: exactly one of `minutes` (1 to 1440) or a future `until`.
pub fn snooze_until(now: DateTime<Utc>, minutes: Option<i64>, until: Option<&str>) -> Result<DateTime<Utc>> {
    let until = until.map(str::trim).filter(|u| !u.is_empty());
    match (minutes, until) {
        (Some(m), None) => {
            let m = validate::range("snooze minutes", m, 1, MAX_SNOOZE_MINUTES)?;
            Ok(now + Duration::minutes(m))
        }
        (None, Some(u)) => {
            let at = validate::timestamp("snooze until", u)?;
            if at <= now {
                return Err(CoreError::validation(format!(
                    "snooze until must be in the future (got {u}, it is now {})",
                    timestamp_text(now)
                )));
            }
            Ok(at)
        }
        (Some(_), Some(_)) => Err(CoreError::validation("give either snooze minutes or a time to snooze until, not both")),
        (None, None) => Err(CoreError::validation("give snooze minutes (1 to 1440) or a time to snooze until")),
    }
}

/// Snoozes the reminder a notification came from (see the module docs); returns the
/// notification, now read.
pub fn snooze(db: &Db, user_id: &str, id: &str, minutes: Option<i64>, until: Option<&str>) -> Result<Notification> {
    let id = validate::id("notification", id)?;
    db.write(WriteCtx::by(user_id, "notification.snooze"), |tx| {
        let until = snooze_until(tx.now(), minutes, until)?;
        let n = stored(tx, user_id, &id)?;
        let data = ReminderData::of(n.data.as_ref());
        let (Some(reminder_id), Some(table), true) = (data.reminder_id.as_deref(), data.table(), n.r#type == "reminder")
        else {
            return Err(CoreError::validation(format!(
                "\"{}\" is not a reminder, so it cannot be snoozed",
                validate::truncate_for_message(&n.title)
            )));
        };
        // A reminder deleted since (its event, task or assignment changed or went) is not_found.
        match table {
            ReminderTable::CalendarEventReminders => {
                reminders::snooze_in(tx, user_id, reminder_id, until, data.occurrence_start.as_deref())?
            }
            ReminderTable::ItemReminders => item_reminders::snooze(tx, user_id, reminder_id, until)?,
        }
        set_read_in(tx, user_id, &n.id, true)?;
        get(tx, user_id, &n.id)
    })
}
