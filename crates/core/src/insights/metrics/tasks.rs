//! Planner metrics: tasks completed, tasks overdue, assignments.
//!
//! Definitions (days are local days in the query's zone):
//! - **Tasks completed**: my tasks marked done, on the day of `completed_at`. A task
//!   un-completed since no longer counts (its `completed_at` is cleared).
//! - **Tasks overdue**: my tasks whose due time falls in the period and that were not done
//!   by it: completed after `due_at`, or still open while `due_at` is before now. Counted on
//!   the due day; a task due later today and still open is not overdue yet.
//! - **Assignments**: my assignments whose due time falls in the range (those without a
//!   due date have no day and are not counted), by due day, by status (as the user wrote
//!   it; `Done` and `Submitted` are the planner's done statuses) or by course; narrowed
//!   to one course by the course filter.

use super::periods::{Days, Edges};
use super::{count_per_day, Category, Ctx, Grain};
use crate::time::timestamp_text;
use crate::Result;
use std::collections::HashMap;

pub fn completed_per_day(ctx: &Ctx, days: Days, edges: &Edges) -> Result<Vec<i64>> {
    count_per_day(
        ctx,
        "SELECT completed_at FROM tasks WHERE user_id = ?1 AND is_completed = 1 AND completed_at >= ?2 AND completed_at < ?3",
        (ctx.me, edges.lower(), edges.upper()),
        days,
        edges,
    )
}

pub fn overdue_per_day(ctx: &Ctx, days: Days, edges: &Edges) -> Result<Vec<i64>> {
    count_per_day(
        ctx,
        "SELECT due_at FROM tasks
          WHERE user_id = ?1 AND due_at >= ?2 AND due_at < ?3
            AND CASE WHEN is_completed = 1 THEN completed_at > due_at ELSE due_at < ?4 END",
        (ctx.me, edges.lower(), edges.upper(), timestamp_text(ctx.now)),
        days,
        edges,
    )
}

/// `(due_at, status, course_id)` of my assignments due in the range (course filter applied).
fn assignments_due(ctx: &Ctx, edges: &Edges) -> Result<Vec<(String, Option<String>, Option<String>)>> {
    let mut stmt = ctx.conn.prepare_cached(
        "SELECT due_at, status, course_id FROM assignments
          WHERE user_id = ?1 AND due_at >= ?2 AND due_at < ?3 AND (?4 IS NULL OR course_id = ?4)",
    )?;
    let rows = stmt.query_map((ctx.me, edges.lower(), edges.upper(), ctx.course_id.as_deref()), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    let all: Vec<(String, Option<String>, Option<String>)> = rows.collect::<rusqlite::Result<_>>()?;
    // SQL compared text; the day is the instant's.
    Ok(all.into_iter().filter(|(due, _, _)| edges.day_of(due).is_some()).collect())
}

pub fn assignments_per_day(ctx: &Ctx, days: Days, edges: &Edges) -> Result<Vec<i64>> {
    let mut out = vec![0; days.len()];
    for (due, _, _) in assignments_due(ctx, edges)? {
        if let Some(i) = edges.day_of(&due) {
            out[i] += 1;
        }
    }
    Ok(out)
}

/// Assignments due in the range per status or per course.
pub fn assignments_by(ctx: &Ctx, edges: &Edges, grain: Grain) -> Result<Vec<Category>> {
    let due = assignments_due(ctx, edges)?;
    let mut counts: HashMap<Option<String>, i64> = HashMap::new();
    for (_, status, course) in due {
        let key = if grain == Grain::Status { status.filter(|s| !s.trim().is_empty()) } else { course };
        *counts.entry(key).or_default() += 1;
    }
    if grain == Grain::Status {
        return Ok(counts.into_iter().map(|(status, n)| Category { id: None, label: status, values: vec![n] }).collect());
    }
    let names = crate::planner::assignments::course_names(ctx.conn, ctx.me)?;
    Ok(counts
        .into_iter()
        .map(|(id, n)| Category { label: id.as_ref().map(|i| names.get(i).cloned().unwrap_or_else(|| i.clone())), id, values: vec![n] })
        .collect())
}
