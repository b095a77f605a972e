//! Courses and assignments (Home's "Due this week / this month" card).
//!
//! The seed's `assignments.timeframe` (week / month / later) is derived, not trusted:
//! buckets are computed at read time from `due_at` in the user's time zone, so an
//! assignment moves from "this month" to "this week" by itself as days pass. The stored
//! column keeps the bucket the user picked for an assignment without a due date.
//! An update brings the assignment's due-time reminders in step in the same transaction
//! (`item_reminders::item_changed`: new due date, or a done status that suppresses them).
//!
//! Storage: [`Course`] and [`Assignment`] are the rows (`rows.rs`), validated by
//! `row::insert` / `row::update`; [`AssignmentBuckets`] is the one view (Home's grouping).
//! The SQL of `courses` and `assignments` is in this file, including the projections other
//! modules draw with ([`course_labels`], [`course_name`], [`course_names`], [`due_between`]).

use crate::db::row::{self, Row};
use crate::db::{Tx, WriteCtx};
use crate::planner::item_reminders::{self, ItemRef};
use crate::time::{local_date, next_month_start, start_of_day, week_start};
use crate::{validate, CoreError, Db, Result};
use chrono::{DateTime, Days, Utc};
use chrono_tz::Tz;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use ts_rs::TS;

pub use super::rows::{Assignment, AssignmentTimeframe, Course};

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewAssignment {
    #[ts(optional)]
    pub course_id: Option<String>,
    pub title: String,
    #[ts(optional)]
    pub status: Option<String>,
    /// RFC 3339 with an offset.
    #[ts(optional)]
    pub due_at: Option<String>,
    #[ts(optional)]
    pub notes: Option<String>,
}

/// Assignments grouped for Home, each list sorted by due time.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct AssignmentBuckets {
    pub overdue: Vec<Assignment>,
    pub this_week: Vec<Assignment>,
    pub this_month: Vec<Assignment>,
    pub later: Vec<Assignment>,
}

pub const TITLE_MAX: usize = 160;
pub const STATUS_MAX: usize = 40;
pub const COURSE_NAME_MAX: usize = 120;
pub const EMOJI_MAX: usize = 8;
pub const NOTES_MAX: usize = 20_000;
/// Statuses that take an assignment off the "due" lists.
pub const DONE_STATUSES: &[&str] = &["Done", "Submitted"];

/// Courses by name: the order of `idx_courses_user_id_name` (V10), so nothing is sorted.
const COURSES_BY_NAME: &str = "WHERE user_id = ?1 ORDER BY name COLLATE NOCASE, id";

/// The user's courses by name.
pub fn courses(conn: &Connection, user_id: &str) -> Result<Vec<Course>> {
    row::select(conn, COURSES_BY_NAME, [user_id])
}

/// The name of the user's course `id`, if there is one (for other rooms' views).
pub fn course_name(conn: &Connection, user_id: &str, id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT name FROM courses WHERE id = ?1 AND user_id = ?2")?
        .query_row(params![id, user_id], |r| r.get(0))
        .optional()?)
}

/// The names of the user's courses, by id.
pub fn course_names(conn: &Connection, user_id: &str) -> Result<HashMap<String, String>> {
    let mut stmt = conn.prepare_cached("SELECT id, name FROM courses WHERE user_id = ?1")?;
    let rows = stmt.query_map([user_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Each course's name and colour, by id (what the calendar draws an item with).
pub type CourseLabels = HashMap<String, (String, Option<String>)>;

pub fn course_labels(conn: &Connection, user_id: &str) -> Result<CourseLabels> {
    let mut stmt = conn.prepare_cached("SELECT id, name, colour FROM courses WHERE user_id = ?1")?;
    let rows = stmt.query_map([user_id], |r| Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?))))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The columns of an assignment the calendar draws.
pub struct DueBetween {
    pub id: String,
    pub course_id: Option<String>,
    pub title: String,
    pub status: Option<String>,
    pub due_at: String,
    pub notes: Option<String>,
}

/// The user's assignments due in `[from, to)` (stored timestamps), in no order.
pub fn due_between(conn: &Connection, user_id: &str, from: &str, to: &str) -> Result<Vec<DueBetween>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, course_id, title, status, due_at, notes FROM assignments
         WHERE user_id = ?1 AND due_at >= ?2 AND due_at < ?3",
    )?;
    let rows = stmt.query_map(params![user_id, from, to], |r| {
        Ok(DueBetween {
            id: r.get(0)?,
            course_id: r.get(1)?,
            title: r.get(2)?,
            status: r.get(3)?,
            due_at: r.get(4)?,
            notes: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub fn get_course(conn: &Connection, user_id: &str, id: &str) -> Result<Course> {
    let id = validate::id("course", id)?;
    row::select_one(conn, "WHERE id = ?1 AND user_id = ?2", params![id, user_id])?
        .ok_or_else(|| CoreError::not_found("course", id))
}

pub fn get(conn: &Connection, user_id: &str, id: &str) -> Result<Assignment> {
    let id = validate::id("assignment", id)?;
    row::select_one(conn, "WHERE id = ?1 AND user_id = ?2", params![id, user_id])?
        .ok_or_else(|| CoreError::not_found("assignment", id))
}

/// Whether an assignment's status takes it off the "due" lists ([`DONE_STATUSES`]).
pub fn is_done(a: &Assignment) -> bool {
    a.status.as_deref().is_some_and(|s| DONE_STATUSES.contains(&s))
}

/// The open (not done, [`DONE_STATUSES`]) assignments in Home's order. The WHERE and
/// ORDER BY are those of the partial index `idx_assignments_open_due` (V10): the rows come
/// in order and done ones are never read. Change one, change the other (a test checks the
/// plan).
const OPEN_BY_DUE: &str =
    "WHERE user_id = ?1 AND coalesce(status, '') NOT IN ('Done', 'Submitted') ORDER BY due_at IS NULL, due_at, title";

/// Open (not done) assignments grouped relative to `now` in `tz`.
pub fn buckets(conn: &Connection, user_id: &str, now: DateTime<Utc>, tz: Tz) -> Result<AssignmentBuckets> {
    let mut stmt = conn.prepare_cached(&row::select_sql_cached::<Assignment>(OPEN_BY_DUE))?;
    let bounds = BucketBounds::at(now, tz);
    let mut out = AssignmentBuckets::default();
    for a in stmt.query_map([user_id], |r| Assignment::from_sql(r))? {
        let a = a?;
        let due = a.due_at.as_deref().and_then(|d| DateTime::parse_from_rfc3339(d).ok()).map(|d| d.with_timezone(&Utc));
        let bucket = match due {
            Some(d) => bounds.of(d),
            None => match a.timeframe {
                AssignmentTimeframe::Week => Bucket::ThisWeek,
                AssignmentTimeframe::Month => Bucket::ThisMonth,
                AssignmentTimeframe::Later => Bucket::Later,
            },
        };
        match bucket {
            Bucket::Overdue => out.overdue.push(a),
            Bucket::ThisWeek => out.this_week.push(a),
            Bucket::ThisMonth => out.this_month.push(a),
            Bucket::Later => out.later.push(a),
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bucket {
    Overdue,
    ThisWeek,
    ThisMonth,
    Later,
}

/// Where each bucket ends, seen from `now` in `tz`: before today is overdue; then the
/// rest of this (Monday-first) week; then the rest of this month; then later. Computed
/// once per list (each bound is a time-zone conversion), not once per assignment.
struct BucketBounds {
    today: DateTime<Utc>,
    next_week: DateTime<Utc>,
    next_month: DateTime<Utc>,
}

impl BucketBounds {
    fn at(now: DateTime<Utc>, tz: Tz) -> BucketBounds {
        let today = local_date(now, tz);
        BucketBounds {
            today: start_of_day(today, tz),
            next_week: start_of_day(week_start(today) + Days::new(7), tz),
            next_month: start_of_day(next_month_start(today), tz),
        }
    }

    fn of(&self, due: DateTime<Utc>) -> Bucket {
        if due < self.today {
            Bucket::Overdue
        } else if due < self.next_week {
            Bucket::ThisWeek
        } else if due < self.next_month {
            Bucket::ThisMonth
        } else {
            Bucket::Later
        }
    }
}

impl Bucket {

    /// The seed's stored `timeframe` (an overdue item is stored as "week").
    fn timeframe(self) -> AssignmentTimeframe {
        match self {
            Bucket::Overdue | Bucket::ThisWeek => AssignmentTimeframe::Week,
            Bucket::ThisMonth => AssignmentTimeframe::Month,
            Bucket::Later => AssignmentTimeframe::Later,
        }
    }
}

/// The timeframe stored with a row: derived from the due time when there is one.
fn stored_timeframe(conn: &Connection, user_id: &str, due_at: Option<&str>, now: DateTime<Utc>) -> Result<AssignmentTimeframe> {
    let Some(due) = due_at.and_then(|d| DateTime::parse_from_rfc3339(d).ok()) else {
        return Ok(AssignmentTimeframe::Later);
    };
    let tz = crate::account::settings::timezone(conn, user_id)?;
    Ok(BucketBounds::at(now, tz).of(due.with_timezone(&Utc)).timeframe())
}

struct CleanAssignment {
    course_id: Option<String>,
    title: String,
    status: Option<String>,
    due_at: Option<String>,
    notes: Option<String>,
}

fn clean(conn: &Connection, user_id: &str, input: &NewAssignment) -> Result<CleanAssignment> {
    let course_id = match input.course_id.as_deref().filter(|s| !s.is_empty()) {
        Some(id) => Some(get_course(conn, user_id, id)?.id),
        None => None,
    };
    Ok(CleanAssignment {
        course_id,
        title: validate::text("title", &input.title, TITLE_MAX)?,
        status: validate::opt_text("status", input.status.as_deref(), STATUS_MAX)?,
        due_at: validate::opt_timestamp("due date", input.due_at.as_deref())?.map(crate::db::timestamp_text),
        notes: validate::opt_text("notes", input.notes.as_deref(), NOTES_MAX)?,
    })
}

pub fn insert(tx: &Tx, user_id: &str, input: &NewAssignment) -> Result<Assignment> {
    let c = clean(tx, user_id, input)?;
    let now = tx.now_text();
    let a = Assignment {
        id: tx.new_id(),
        user_id: user_id.to_string(),
        timeframe: stored_timeframe(tx, user_id, c.due_at.as_deref(), tx.now())?,
        course_id: c.course_id,
        title: c.title,
        status: c.status,
        due_at: c.due_at,
        notes: c.notes,
        created_at: now.clone(),
        updated_at: now,
    };
    row::insert(tx, &a)?;
    Ok(a)
}

pub fn add(db: &Db, user_id: &str, input: NewAssignment) -> Result<Assignment> {
    add_with_reminders(db, user_id, input, &[])
}

/// Adds an assignment and its due-time reminders in one transaction (see `item_reminders`).
pub fn add_with_reminders(
    db: &Db,
    user_id: &str,
    input: NewAssignment,
    reminders: &[crate::planner::calendar::NewReminder],
) -> Result<Assignment> {
    let defs = item_reminders::check(item_reminders::ItemKind::Assignment, reminders)?;
    db.write(WriteCtx::by(user_id, "assignment.add"), |tx| {
        let a = insert(tx, user_id, &input)?;
        if !defs.is_empty() {
            item_reminders::replace(tx, user_id, &ItemRef::assignment(&a.id), &defs)?;
        }
        Ok(a)
    })
}

pub fn update(db: &Db, user_id: &str, id: &str, input: NewAssignment) -> Result<Assignment> {
    db.write(WriteCtx::by(user_id, "assignment.update"), |tx| {
        let existing = get(tx, user_id, id)?;
        let c = clean(tx, user_id, &input)?;
        let (old_due, was_done) = (existing.due_at.clone(), is_done(&existing));
        let a = Assignment {
            timeframe: stored_timeframe(tx, user_id, c.due_at.as_deref(), tx.now())?,
            course_id: c.course_id,
            title: c.title,
            status: c.status,
            due_at: c.due_at,
            notes: c.notes,
            updated_at: tx.now_text(),
            ..existing
        };
        row::update(tx, &a)?;
        // The reminders follow the due date and the done state, in this same transaction.
        item_reminders::item_changed(tx, user_id, &ItemRef::assignment(&a.id), old_due.as_deref(), was_done)?;
        Ok(a)
    })
}

pub fn delete(db: &Db, user_id: &str, id: &str) -> Result<()> {
    db.write(WriteCtx::by(user_id, "assignment.delete"), |tx| row::delete::<Assignment>(tx, &get(tx, user_id, id)?.id))
}

pub fn insert_course(tx: &Tx, user_id: &str, name: &str, emoji: Option<&str>) -> Result<Course> {
    let now = tx.now_text();
    let course = Course {
        id: tx.new_id(),
        user_id: user_id.to_string(),
        name: validate::text("course name", name, COURSE_NAME_MAX)?,
        emoji: validate::opt_text("emoji", emoji, EMOJI_MAX)?,
        created_at: now.clone(),
        updated_at: now,
        colour: None,
    };
    row::insert(tx, &course)?;
    Ok(course)
}

pub fn add_course(db: &Db, user_id: &str, name: &str, emoji: Option<&str>) -> Result<Course> {
    db.write(WriteCtx::by(user_id, "course.add"), |tx| insert_course(tx, user_id, name, emoji))
}

/// Sets (or with `None` clears) a course's calendar colour, `#rrggbb`.
pub fn set_course_colour(db: &Db, user_id: &str, id: &str, colour: Option<&str>) -> Result<Course> {
    let colour = validate::opt_text("colour", colour, 7)?;
    db.write(WriteCtx::by(user_id, "course.colour"), |tx| {
        let c = get_course(tx, user_id, id)?;
        // `Course::validate` holds the rule (`#rrggbb`).
        let c = Course { colour: colour.as_deref().map(str::to_ascii_lowercase), updated_at: tx.now_text(), ..c };
        row::update(tx, &c)?;
        Ok(c)
    })
}

/// Deletes a course; its assignments stay, without a course (ON DELETE SET NULL).
pub fn delete_course(db: &Db, user_id: &str, id: &str) -> Result<()> {
    db.write(WriteCtx::by(user_id, "course.delete"), |tx| row::delete::<Course>(tx, &get_course(tx, user_id, id)?.id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Studydesk;
    use crate::clock;

    /// The query plan of a `SELECT` of `R` with `rest`, one line per step.
    fn plan<R: Row>(sd: &Studydesk, rest: &str) -> String {
        sd.db()
            .read(|c| {
                let mut stmt = c.prepare(&format!("EXPLAIN QUERY PLAN {}", row::select_sql::<R>(rest)))?;
                let steps = stmt.query_map(["someone"], |r| r.get::<_, String>(3))?.collect::<rusqlite::Result<Vec<_>>>()?;
                Ok(steps.join("\n"))
            })
            .unwrap()
    }

    /// Home reads both lists straight off their V10 index: a change to the query or to
    /// the index that brings back a sort (or a scan of done assignments) fails here.
    #[test]
    fn home_lists_come_in_index_order() {
        let dir = tempfile::TempDir::new().unwrap();
        let sd = Studydesk::open(dir.path(), clock::system()).unwrap();
        let open = plan::<Assignment>(&sd, OPEN_BY_DUE);
        assert!(open.contains("idx_assignments_open_due") && !open.contains("TEMP B-TREE"), "{open}");
        let courses = plan::<Course>(&sd, COURSES_BY_NAME);
        assert!(courses.contains("idx_courses_user_id_name") && !courses.contains("TEMP B-TREE"), "{courses}");
    }
}
