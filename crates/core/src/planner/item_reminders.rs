//! Reminders before a task's or an assignment's due time: the rows of `item_reminders`
//! (V6) and when each is due.
//!
//! Contract:
//! - An item is a task or an assignment of the user ([`ItemRef`]); another user's item, or
//!   a malformed id, is `not_found` (we never say which).
//! - A reminder is relative (`minutes_before` the due time) or absolute (`remind_at`), and
//!   takes the same definitions and limits as event reminders (`reminder_defs::check_for`:
//!   at most 10, 0 to 40,320 minutes, or an RFC 3339 time). `fire_at` is `remind_at`, or
//!   `due_at - minutes_before`; NULL while a relative reminder's item has no due date
//!   (nothing to fire). Stored in the timestamp format, so text order is time order.
//! - [`set`] replaces an item's reminders (unchanged definitions keep their rows, so a
//!   reminder already shown stays shown). The item's services call [`item_changed`] in the
//!   SAME transaction that changes its due date or its done state: when a reminder's fire
//!   time changes, `delivered_at` and `snoozed_until` are cleared so it fires once for the
//!   new time; a fire time already past at write time is stored delivered (no burst of
//!   stale reminders); completing a task (or an assignment reaching a done status) stores
//!   its pending reminders delivered, and un-completing brings back those still ahead.
//! - Delivery is shared with event reminders (`calendar::delivery`): [`due`] and
//!   [`next_due`] read the index `(delivered_at, fire_at)`; [`claim`] is the conditional
//!   UPDATE that makes a reminder delivered exactly once across processes.
//! - Channels: an item reminder is always a notification; `channel: in_app` is refused.
//! - Storage: the row type is `rows::ItemReminder` (what the UI receives too). This file
//!   reads the due time and done state of tasks and assignments itself (two columns, in
//!   SQL beside the joins of the due queries) rather than through `tasks` and
//!   `assignments`, which call into it: the planner keeps no import circle.

use super::reminder_defs::{self, Def, NewReminder};
use super::rows::ReminderChannel;
use crate::db::row;
use crate::db::{timestamp_text, Tx, WriteCtx};
use crate::time::parse_instant;
use crate::{validate, CoreError, Db, Result};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What kind of item a reminder is before the due time of.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ItemKind {
    Task,
    Assignment,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Task => "task",
            ItemKind::Assignment => "assignment",
        }
    }
}

/// A task or an assignment, e.g. `{"kind": "task", "id": "0193…"}`.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
#[ts(export)]
pub struct ItemRef {
    pub kind: ItemKind,
    pub id: String,
}

impl ItemRef {
    pub fn task(id: &str) -> ItemRef {
        ItemRef { kind: ItemKind::Task, id: id.to_string() }
    }
    pub fn assignment(id: &str) -> ItemRef {
        ItemRef { kind: ItemKind::Assignment, id: id.to_string() }
    }
}

pub use super::rows::ItemReminder;

impl ItemReminder {
    /// The task or assignment it is a reminder of.
    pub fn item(&self) -> Option<ItemRef> {
        match (&self.task_id, &self.assignment_id) {
            (Some(id), _) => Some(ItemRef::task(id)),
            (None, Some(id)) => Some(ItemRef::assignment(id)),
            (None, None) => None,
        }
    }
}

/// What decides an item's reminders: its due time and whether it is done.
struct ItemState {
    item: ItemRef,
    due: Option<DateTime<Utc>>,
    done: bool,
}

/// The user's item, checked (malformed or someone else's id → `not_found`).
fn state(conn: &Connection, user_id: &str, item: &ItemRef) -> Result<ItemState> {
    let (entity, sql) = match item.kind {
        ItemKind::Task => ("task", "SELECT id, due_at, is_completed FROM tasks WHERE id = ?1 AND user_id = ?2"),
        ItemKind::Assignment => (
            "assignment",
            // The done statuses are `assignments::DONE_STATUSES`.
            "SELECT id, due_at, coalesce(status, '') IN ('Done', 'Submitted') FROM assignments WHERE id = ?1 AND user_id = ?2",
        ),
    };
    let id = validate::id(entity, &item.id)?;
    let found: Option<(String, Option<String>, bool)> = conn
        .prepare_cached(sql)?
        .query_row(params![id, user_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let (id, due, done) = found.ok_or_else(|| CoreError::not_found(entity, id.clone()))?;
    Ok(ItemState { item: ItemRef { kind: item.kind, id }, due: due.as_deref().and_then(parse_instant), done })
}

/// The item of a row of the due queries, whose columns 1 and 2 are `task_id` and
/// `assignment_id`.
fn item_at(r: &rusqlite::Row) -> rusqlite::Result<ItemRef> {
    let task: Option<String> = r.get(1)?;
    let assignment: Option<String> = r.get(2)?;
    match (task, assignment) {
        (Some(id), _) => Ok(ItemRef { kind: ItemKind::Task, id }),
        (None, Some(id)) => Ok(ItemRef { kind: ItemKind::Assignment, id }),
        // The table's CHECK makes this unreachable; read it as an error, not a panic.
        (None, None) => Err(rusqlite::Error::InvalidColumnType(1, "task_id".into(), rusqlite::types::Type::Null)),
    }
}

fn of_item(conn: &Connection, user_id: &str, item: &ItemRef) -> Result<Vec<ItemReminder>> {
    let rest = match item.kind {
        ItemKind::Task => "WHERE task_id = ?1 AND user_id = ?2 ORDER BY minutes_before IS NULL, minutes_before, remind_at, id",
        ItemKind::Assignment => {
            "WHERE assignment_id = ?1 AND user_id = ?2 ORDER BY minutes_before IS NULL, minutes_before, remind_at, id"
        }
    };
    row::select(conn, rest, params![item.id, user_id])
}

/// The reminders of the user's task or assignment.
pub fn list(conn: &Connection, user_id: &str, item: &ItemRef) -> Result<Vec<ItemReminder>> {
    let st = state(conn, user_id, item)?;
    of_item(conn, user_id, &st.item)
}

/// Checks reminder definitions for an item (the event limits, worded for the item).
pub fn check(kind: ItemKind, list: &[NewReminder]) -> Result<Vec<Def>> {
    let owner = match kind {
        ItemKind::Task => "a task",
        ItemKind::Assignment => "an assignment",
    };
    let defs = reminder_defs::check_for(list, owner, "the due time")?;
    if defs.iter().any(|d| d.channel != ReminderChannel::Notification) {
        return Err(CoreError::validation(
            "task and assignment reminders are always shown as notifications (channel must be \"notification\")",
        ));
    }
    Ok(defs)
}

/// Replaces the item's reminders by `list` and returns them.
pub fn set(db: &Db, user_id: &str, item: &ItemRef, list: &[NewReminder]) -> Result<Vec<ItemReminder>> {
    let defs = check(item.kind, list)?;
    db.write(WriteCtx::by(user_id, &format!("{}.reminders", item.kind.as_str())), |tx| {
        replace(tx, user_id, item, &defs)?;
        self::list(tx, user_id, item)
    })
}

/// When a reminder is due for a due time: `None` = nothing to fire.
fn base(minutes_before: Option<i64>, remind_at: Option<DateTime<Utc>>, due: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (remind_at, minutes_before) {
        (Some(at), _) => Some(at),
        (None, Some(m)) => due.map(|d| d - Duration::minutes(m)),
        (None, None) => None,
    }
}

/// `delivered_at` for a reminder (re)computed now: passed or suppressed ones are stored
/// delivered, so they never fire.
fn delivered_for(tx: &Tx, fire: Option<DateTime<Utc>>, done: bool) -> Option<String> {
    match fire {
        Some(f) if f < tx.now() || done => Some(tx.now_text()),
        _ => None,
    }
}

/// Replaces the item's reminders by `defs` inside a write (unchanged ones keep their rows).
pub fn replace(tx: &Tx, user_id: &str, item: &ItemRef, defs: &[Def]) -> Result<()> {
    let st = state(tx, user_id, item)?;
    let existing = of_item(tx, user_id, &st.item)?;
    let mut kept = vec![false; defs.len()];
    for r in &existing {
        let as_def = Def {
            minutes_before: r.minutes_before,
            remind_at: r.remind_at.as_deref().and_then(parse_instant),
            channel: ReminderChannel::Notification,
        };
        match defs.iter().position(|d| *d == as_def) {
            Some(i) if !kept[i] => kept[i] = true,
            _ => {
                tx.prepare_cached("DELETE FROM item_reminders WHERE id = ?1")?.execute([&r.id])?;
            }
        }
    }
    let (task_id, assignment_id) = match st.item.kind {
        ItemKind::Task => (Some(st.item.id.clone()), None),
        ItemKind::Assignment => (None, Some(st.item.id.clone())),
    };
    for (def, _) in defs.iter().zip(&kept).filter(|(_, k)| !**k) {
        let fire = base(def.minutes_before, def.remind_at, st.due);
        let now = tx.now_text();
        row::insert(
            tx,
            &ItemReminder {
                id: tx.new_id(),
                user_id: user_id.to_string(),
                task_id: task_id.clone(),
                assignment_id: assignment_id.clone(),
                minutes_before: def.minutes_before,
                remind_at: def.remind_at.map(timestamp_text),
                fire_at: fire.map(timestamp_text),
                delivered_at: delivered_for(tx, fire, st.done),
                snoozed_until: None,
                created_at: now.clone(),
                updated_at: now,
            },
        )?;
    }
    Ok(())
}

/// Brings the item's reminders in step after its due date or done state changed, inside the
/// same write. `old_due` and `was_done` are what the item had before the change.
pub fn item_changed(tx: &Tx, user_id: &str, item: &ItemRef, old_due: Option<&str>, was_done: bool) -> Result<()> {
    let st = state(tx, user_id, item)?;
    let old_due = old_due.and_then(parse_instant);
    let now = tx.now();
    for mut r in of_item(tx, user_id, &st.item)? {
        let remind_at = r.remind_at.as_deref().and_then(parse_instant);
        let old_fire = base(r.minutes_before, remind_at, old_due);
        let new_fire = base(r.minutes_before, remind_at, st.due);
        if old_fire != new_fire {
            // A new time: fires once for it (unless passed or done), snooze forgotten.
            r.fire_at = new_fire.map(timestamp_text);
            r.delivered_at = delivered_for(tx, new_fire, st.done);
            r.snoozed_until = None;
        } else if st.done && !was_done && r.delivered_at.is_none() && r.fire_at.is_some() {
            // Completed: what was still to come is suppressed.
            r.delivered_at = Some(tx.now_text());
        } else if !st.done && was_done && r.delivered_at.is_some() {
            // Un-completed: a reminder still ahead was suppressed, not shown; bring it back.
            let ahead = r.fire_at.as_deref().and_then(parse_instant).is_some_and(|f| f >= now);
            if !ahead {
                continue;
            }
            r.delivered_at = None;
        } else {
            continue;
        }
        r.updated_at = tx.now_text();
        row::update(tx, &r)?;
    }
    Ok(())
}

// ---- delivery (see calendar::delivery) ------------------------------------------------

/// An item reminder that is due (or the next one to be), with what a notification shows.
#[derive(Debug, Clone, PartialEq)]
pub struct DueItemReminder {
    pub reminder_id: String,
    pub item: ItemRef,
    pub title: String,
    pub fire_at: String,
    pub due_at: Option<String>,
    pub minutes_before: Option<i64>,
    /// The assignment's course name.
    pub course: Option<String>,
}

const DUE_SELECT: &str = "SELECT r.id, r.task_id, r.assignment_id, coalesce(t.description, a.title, ''), r.fire_at,
       coalesce(t.due_at, a.due_at), r.minutes_before, c.name
  FROM item_reminders r
  LEFT JOIN tasks t ON t.id = r.task_id
  LEFT JOIN assignments a ON a.id = r.assignment_id
  LEFT JOIN courses c ON c.id = a.course_id";

fn due_from_row(r: &rusqlite::Row) -> rusqlite::Result<DueItemReminder> {
    let item = item_at(r)?;
    Ok(DueItemReminder {
        reminder_id: r.get(0)?,
        item,
        title: r.get(3)?,
        fire_at: r.get(4)?,
        due_at: r.get(5)?,
        minutes_before: r.get(6)?,
        course: r.get(7)?,
    })
}

/// The user's item reminders due at `now` and not yet delivered, oldest first.
pub fn due(conn: &Connection, user_id: &str, now: DateTime<Utc>) -> Result<Vec<DueItemReminder>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{DUE_SELECT} WHERE r.delivered_at IS NULL AND r.fire_at <= ?1 AND r.user_id = ?2 ORDER BY r.fire_at, r.id LIMIT 1000"
    ))?;
    let rows =
        stmt.query_map(params![timestamp_text(now), user_id], due_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The user's next item reminder to fire after `now`, if any.
pub fn next_due(conn: &Connection, user_id: &str, now: DateTime<Utc>) -> Result<Option<DueItemReminder>> {
    Ok(conn
        .prepare_cached(&format!(
            "{DUE_SELECT} WHERE r.delivered_at IS NULL AND r.fire_at > ?1 AND r.user_id = ?2 ORDER BY r.fire_at, r.id LIMIT 1"
        ))?
        .query_row(params![timestamp_text(now), user_id], due_from_row)
        .optional()?)
}

/// The claim: marks the reminder delivered only if it is still undelivered at the fire time
/// read before. `false` = another process (or thread) took it first.
pub fn claim(tx: &Tx, user_id: &str, reminder_id: &str, fire_at: &str) -> Result<bool> {
    let n = tx
        .prepare_cached(
            "UPDATE item_reminders SET delivered_at = ?1, updated_at = ?1
             WHERE id = ?2 AND user_id = ?3 AND delivered_at IS NULL AND fire_at = ?4",
        )?
        .execute(params![tx.now_text(), reminder_id, user_id, fire_at])?;
    Ok(n == 1)
}

/// Snoozes an item reminder until `until` (inside a write): it fires again then, once.
/// A reminder of a completed task is refused: completing it means it is not wanted.
pub fn snooze(tx: &Tx, user_id: &str, reminder_id: &str, until: DateTime<Utc>) -> Result<()> {
    let id = validate::id("reminder", reminder_id)?;
    let mut r = row::get::<ItemReminder>(tx, &id)?
        .filter(|r| r.user_id == user_id)
        .ok_or_else(|| CoreError::not_found("reminder", id.clone()))?;
    let item = r.item().ok_or_else(|| CoreError::not_found("reminder", id.clone()))?;
    if state(tx, user_id, &item)?.done {
        return Err(CoreError::validation(format!(
            "this {} is already done; its reminders no longer fire",
            item.kind.as_str()
        )));
    }
    let until = timestamp_text(until);
    r.fire_at = Some(until.clone());
    r.snoozed_until = Some(until);
    r.delivered_at = None;
    r.updated_at = tx.now_text();
    row::update(tx, &r)
}

/// Whether the user's item reminder still exists and its item is not done (the
/// notification center offers snooze only then).
pub fn can_snooze(conn: &Connection, user_id: &str, reminder_id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM item_reminders r
               LEFT JOIN tasks t ON t.id = r.task_id
               LEFT JOIN assignments a ON a.id = r.assignment_id
             WHERE r.id = ?1 AND r.user_id = ?2
               AND coalesce(t.is_completed, 0) = 0 AND coalesce(a.status, '') NOT IN ('Done', 'Submitted')",
        )?
        .query_row(params![reminder_id, user_id], |_| Ok(()))
        .optional()?
        .is_some())
}
