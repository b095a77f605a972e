//! Task lists and tasks (the Home "Today" todo card).
//!
//! Rules: a task belongs to one list of the same user; `order_index` is dense (0..n)
//! inside a list after every reorder; completing sets `completed_at`, uncompleting
//! clears it. Every write goes through `Db::write` (which keeps the day's progress: focus::progress::DERIVED).
//! A change of the due date or of the done state brings the task's due-time reminders in
//! step in the same transaction (`item_reminders::item_changed`); deleting a task deletes
//! them (ON DELETE CASCADE).
//!
//! Storage: [`Task`] and [`TaskList`] are the rows (`rows.rs`), read, written and returned
//! as they are; the column rules are their `validate()`, run by `row::insert` and
//! `row::update` (and once per row by the batch [`insert_tasks`]). The checks here are of
//! the arguments: trimming, the words an error uses, the description's length. The SQL
//! of `tasks` and `task_lists` is in this file.

use crate::db::row::{self, Row};
use crate::db::{timestamp_text, Tx, WriteCtx};
use crate::planner::item_reminders::{self, ItemRef};
use crate::{validate, CoreError, Db, Result};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub const DESCRIPTION_MAX: usize = 10_000;
pub const LIST_NAME_MAX: usize = 50;
/// The list Home shows as "Today"; created with the local profile.
pub const DEFAULT_LIST_NAME: &str = "Today";

pub use super::rows::{Task, TaskList};

/// Arguments of `task_add`. Without `list_id` the task goes to the Today list.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewTask {
    #[ts(optional)]
    pub list_id: Option<String>,
    pub description: String,
    /// RFC 3339 with an offset, e.g. `2026-11-22T18:00:00+09:00`.
    #[ts(optional)]
    pub due_at: Option<String>,
}

// ---- reads -------------------------------------------------------------------------

pub fn get_task(conn: &Connection, user_id: &str, id: &str) -> Result<Task> {
    let id = validate::id("task", id)?;
    row::select_one(conn, "WHERE id = ?1 AND user_id = ?2", params![id, user_id])?
        .ok_or_else(|| CoreError::not_found("task", id))
}

pub fn get_list(conn: &Connection, user_id: &str, id: &str) -> Result<TaskList> {
    let id = validate::id("task list", id)?;
    row::select_one(conn, "WHERE id = ?1 AND user_id = ?2", params![id, user_id])?
        .ok_or_else(|| CoreError::not_found("task list", id))
}

pub fn lists(conn: &Connection, user_id: &str) -> Result<Vec<TaskList>> {
    row::select(conn, "WHERE user_id = ?1 ORDER BY created_at, id", [user_id])
}

/// How the Today list is picked among a user's lists (`?2` the default name, `?3` the
/// default list's id): the one made with the profile, else the oldest named "Today", else
/// the oldest list.
const DEFAULT_LIST_ORDER: &str = "ORDER BY id = ?3 DESC, name = ?2 DESC, created_at, id";

/// The user's Today list (see [`DEFAULT_LIST_ORDER`]).
pub fn default_list(conn: &Connection, user_id: &str) -> Result<TaskList> {
    row::select_one(
        conn,
        &format!("WHERE user_id = ?1 {DEFAULT_LIST_ORDER} LIMIT 1"),
        params![user_id, DEFAULT_LIST_NAME, default_list_id(user_id)],
    )?
    .ok_or_else(|| CoreError::not_found("task list", DEFAULT_LIST_NAME))
}

pub fn tasks_in_list(conn: &Connection, user_id: &str, list_id: &str) -> Result<Vec<Task>> {
    row::select(conn, "WHERE list_id = ?1 AND user_id = ?2 ORDER BY order_index, created_at, id", params![list_id, user_id])
}

/// The Today card: the list's open tasks in order, then those completed since
/// `since` (the start of the user's local day), in order.
pub fn today_tasks(conn: &Connection, user_id: &str, list_id: &str, since: &str) -> Result<Vec<Task>> {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let sql = SQL.get_or_init(|| {
        format!(
            "SELECT {} FROM (
               SELECT * FROM tasks WHERE list_id = ?1 AND user_id = ?2 AND is_completed = 0
               UNION ALL
               SELECT * FROM tasks WHERE user_id = ?2 AND is_completed = 1 AND completed_at >= ?3 AND list_id = ?1)
             ORDER BY order_index, created_at, id",
            row::column_list(Task::COLUMNS)
        )
    });
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params![list_id, user_id, since], |r| Task::from_sql(r))?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Every task of the user, oldest first (for `task list --json`).
pub fn all_tasks(conn: &Connection, user_id: &str) -> Result<Vec<Task>> {
    row::select(conn, "WHERE user_id = ?1 ORDER BY list_id, order_index, created_at, id", [user_id])
}

/// The next free position at the end of a list.
fn next_order(tx: &Tx, list_id: &str) -> Result<i64> {
    Ok(tx
        .prepare_cached("SELECT coalesce(max(order_index) + 1, 0) FROM tasks WHERE list_id = ?1")?
        .query_row([list_id], |r| r.get(0))?)
}

// ---- writes (inside a transaction) -------------------------------------------------

pub fn insert_list(tx: &Tx, user_id: &str, name: &str, description: Option<&str>) -> Result<TaskList> {
    insert_list_with_id(tx, &tx.new_id(), user_id, name, description)
}

/// The profile's "Today" list. Its id is derived from the user (docs/sync.md §3), so
/// every device of an account has the same default list and their tasks meet in it.
pub fn insert_default_list(tx: &Tx, user_id: &str) -> Result<TaskList> {
    let id = default_list_id(user_id);
    insert_list_with_id(tx, &id, user_id, DEFAULT_LIST_NAME, None)
}

/// Open tasks in the user's Today list (0 when the user has no list yet). Read by the
/// progress rings. Counted on the list alone: its tasks are its owner's (a task belongs to
/// a list of the same user), and the partial index of open tasks answers it without
/// reading the table; the list is found in the same statement ([`default_list`]'s order).
pub fn open_in_today(conn: &Connection, user_id: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT count(*) FROM tasks WHERE is_completed = 0 AND list_id =
               (SELECT id FROM task_lists WHERE user_id = ?1 {DEFAULT_LIST_ORDER} LIMIT 1)"
        ))?
        .query_row(params![user_id, DEFAULT_LIST_NAME, default_list_id(user_id)], |r| r.get(0))?)
}

/// Tasks of any list the user completed before `to`: (since `later`, since `earlier`),
/// with `earlier <= later` (the progress rings' day and week, counted in one pass).
pub fn completed_since(
    conn: &Connection,
    user_id: &str,
    later: DateTime<Utc>,
    earlier: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<(i64, i64)> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(sum(completed_at >= ?2), 0), count(*) FROM tasks
             WHERE user_id = ?1 AND is_completed = 1 AND completed_at >= ?3 AND completed_at < ?4",
        )?
        .query_row(params![user_id, timestamp_text(later), timestamp_text(earlier), timestamp_text(to)], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?)
}

pub fn default_list_id(user_id: &str) -> String {
    studydesk_sync::natural_id("task_lists", &[user_id, "default"])
}

fn insert_list_with_id(tx: &Tx, id: &str, user_id: &str, name: &str, description: Option<&str>) -> Result<TaskList> {
    let now = tx.now_text();
    let list = TaskList {
        id: id.to_string(),
        user_id: user_id.to_string(),
        name: validate::text("list name", name, LIST_NAME_MAX)?,
        description: validate::opt_text("list description", description, DESCRIPTION_MAX)?,
        created_at: now.clone(),
        updated_at: now,
    };
    row::insert(tx, &list)?;
    Ok(list)
}

pub fn insert_task(tx: &Tx, user_id: &str, input: &NewTask) -> Result<Task> {
    let description = validate::text("task", &input.description, DESCRIPTION_MAX)?;
    let due_at = validate::opt_timestamp("due date", input.due_at.as_deref())?.map(crate::db::timestamp_text);
    let list = match &input.list_id {
        Some(id) => get_list(tx, user_id, id)?,
        None => default_list(tx, user_id)?,
    };
    let now = tx.now_text();
    let task = Task {
        id: tx.new_id(),
        order_index: next_order(tx, &list.id)?,
        list_id: list.id,
        user_id: user_id.to_string(),
        description,
        is_completed: false,
        completed_at: None,
        due_at,
        created_at: now.clone(),
        updated_at: now,
    };
    row::insert(tx, &task)?;
    Ok(task)
}

/// Adds many tasks to one list in one transaction (imports, sample data, benchmarks):
/// the list and the next position are looked up once, the statement is prepared once,
/// and no row is read back. Each row is validated like [`row::insert`] does.
pub fn insert_tasks(tx: &Tx, user_id: &str, list_id: &str, inputs: &[NewTask]) -> Result<usize> {
    let list = get_list(tx, user_id, list_id)?;
    let now = tx.now_text();
    // One row, refilled per input: the columns every task of the batch shares are not
    // copied for each.
    let mut task = Task {
        id: String::new(),
        order_index: next_order(tx, &list.id)?,
        list_id: list.id,
        user_id: user_id.to_string(),
        description: String::new(),
        is_completed: false,
        completed_at: None,
        due_at: None,
        created_at: now.clone(),
        updated_at: now,
    };
    let mut stmt = tx.prepare_cached(&row::insert_sql::<Task>())?;
    for input in inputs {
        task.description = validate::text("task", &input.description, DESCRIPTION_MAX)?;
        task.due_at = validate::opt_timestamp("due date", input.due_at.as_deref())?.map(crate::db::timestamp_text);
        task.id = tx.new_id();
        task.validate()?;
        // The columns in `Task::COLUMNS` order, borrowed (`to_params` would copy them).
        stmt.execute(params![
            task.id,
            task.list_id,
            task.user_id,
            task.description,
            task.is_completed,
            task.completed_at,
            task.due_at,
            task.order_index,
            task.created_at,
            task.updated_at
        ])?;
        task.order_index += 1;
    }
    Ok(inputs.len())
}

/// Writes a changed task back (validated), stamped now.
fn save_task(tx: &Tx, mut task: Task) -> Result<Task> {
    task.updated_at = tx.now_text();
    row::update(tx, &task)?;
    Ok(task)
}

/// Completes (or un-completes) a task the caller read in this transaction, bringing its
/// due-time reminders in step: completing suppresses the pending ones, un-completing
/// brings back those ahead.
pub fn mark_completed(tx: &Tx, user_id: &str, current: Task, completed: bool) -> Result<Task> {
    let (old_due, was_completed) = (current.due_at.clone(), current.is_completed);
    let mut task = current;
    task.is_completed = completed;
    task.completed_at = completed.then(|| tx.now_text());
    let task = save_task(tx, task)?;
    item_reminders::item_changed(tx, user_id, &ItemRef::task(&task.id), old_due.as_deref(), was_completed)?;
    Ok(task)
}

// ---- services ----------------------------------------------------------------------

pub fn add_task(db: &Db, user_id: &str, input: NewTask) -> Result<Task> {
    add_task_with_reminders(db, user_id, input, &[])
}

/// Adds a task and its due-time reminders in one transaction (see `item_reminders`).
pub fn add_task_with_reminders(
    db: &Db,
    user_id: &str,
    input: NewTask,
    reminders: &[crate::planner::calendar::NewReminder],
) -> Result<Task> {
    let defs = item_reminders::check(item_reminders::ItemKind::Task, reminders)?;
    db.write(WriteCtx::by(user_id, "task.add"), |tx| {
        let task = insert_task(tx, user_id, &input)?;
        if !defs.is_empty() {
            item_reminders::replace(tx, user_id, &ItemRef::task(&task.id), &defs)?;
        }
        Ok(task)
    })
}

pub fn rename_task(db: &Db, user_id: &str, id: &str, description: &str) -> Result<Task> {
    let description = validate::text("task", description, DESCRIPTION_MAX)?;
    db.write(WriteCtx::by(user_id, "task.rename"), |tx| {
        let mut task = get_task(tx, user_id, id)?;
        task.description = description;
        save_task(tx, task)
    })
}

pub fn set_due(db: &Db, user_id: &str, id: &str, due_at: Option<&str>) -> Result<Task> {
    let due = validate::opt_timestamp("due date", due_at)?.map(crate::db::timestamp_text);
    db.write(WriteCtx::by(user_id, "task.reschedule"), |tx| {
        let before = get_task(tx, user_id, id)?;
        let (old_due, was_completed) = (before.due_at.clone(), before.is_completed);
        let task = save_task(tx, Task { due_at: due, ..before })?;
        // The reminders move with the due date, in this same transaction.
        item_reminders::item_changed(tx, user_id, &ItemRef::task(&task.id), old_due.as_deref(), was_completed)?;
        Ok(task)
    })
}

pub fn set_completed(db: &Db, user_id: &str, id: &str, completed: bool) -> Result<Task> {
    let action = if completed { "task.complete" } else { "task.uncomplete" };
    db.write(WriteCtx::by(user_id, action), |tx| {
        let current = get_task(tx, user_id, id)?;
        if current.is_completed == completed {
            return Ok(current);
        }
        let task = mark_completed(tx, user_id, current, completed)?;
        Ok(task)
    })
}

/// Puts the given tasks of a list in the given order. The tasks keep the set of
/// positions they held between them, so tasks the caller did not show (completed on an
/// earlier day) keep theirs. Every id must belong to the list, once.
pub fn reorder(db: &Db, user_id: &str, list_id: &str, ordered_ids: &[String]) -> Result<Vec<Task>> {
    db.write(WriteCtx::by(user_id, "task.reorder"), |tx| {
        let list = get_list(tx, user_id, list_id)?;
        let mut slots = Vec::with_capacity(ordered_ids.len());
        let mut ids = Vec::with_capacity(ordered_ids.len());
        for id in ordered_ids {
            let task = get_task(tx, user_id, id)?;
            if task.list_id != list.id || ids.contains(&task.id) {
                return Err(CoreError::validation(
                    "the new order must name tasks of this list, each once; reload and try again",
                ));
            }
            slots.push(task.order_index);
            ids.push(task.id);
        }
        slots.sort_unstable();
        let mut stmt = tx.prepare_cached(
            "UPDATE tasks SET order_index = ?1, updated_at = ?2 WHERE id = ?3 AND order_index IS NOT ?1",
        )?;
        for (slot, id) in slots.iter().zip(&ids) {
            stmt.execute(params![slot, tx.now_text(), id])?;
        }
        tasks_in_list(tx, user_id, &list.id)
    })
}

pub fn delete_task(db: &Db, user_id: &str, id: &str) -> Result<()> {
    db.write(WriteCtx::by(user_id, "task.delete"), |tx| {
        let task = get_task(tx, user_id, id)?;
        tx.prepare_cached("DELETE FROM tasks WHERE id = ?1")?.execute([&task.id])?;
        // Close the gap so positions stay dense.
        tx.prepare_cached(
            "UPDATE tasks SET order_index = order_index - 1, updated_at = ?1 WHERE list_id = ?2 AND order_index > ?3",
        )?
        .execute(params![tx.now_text(), task.list_id, task.order_index])?;
        Ok(())
    })
}

pub fn add_list(db: &Db, user_id: &str, name: &str, description: Option<&str>) -> Result<TaskList> {
    db.write(WriteCtx::by(user_id, "task_list.add"), |tx| insert_list(tx, user_id, name, description))
}

pub fn rename_list(db: &Db, user_id: &str, id: &str, name: &str) -> Result<TaskList> {
    let name = validate::text("list name", name, LIST_NAME_MAX)?;
    db.write(WriteCtx::by(user_id, "task_list.rename"), |tx| {
        let list = get_list(tx, user_id, id)?;
        let list = TaskList { name, updated_at: tx.now_text(), ..list };
        row::update(tx, &list)?;
        Ok(list)
    })
}

/// Deletes a list and (ON DELETE CASCADE) its tasks. The last list cannot go: Home needs one.
pub fn delete_list(db: &Db, user_id: &str, id: &str) -> Result<()> {
    db.write(WriteCtx::by(user_id, "task_list.delete"), |tx| {
        let list = get_list(tx, user_id, id)?;
        if lists(tx, user_id)?.len() <= 1 {
            return Err(CoreError::validation("this is your only list; create another before deleting it"));
        }
        tx.execute("DELETE FROM task_lists WHERE id = ?1", [&list.id])?;
        Ok(())
    })
}
