//! Derived summaries kept by the write path.
//!
//! Contract:
//! - A room that keeps a summary of other rows (the progress snapshots today; the social
//!   counters next) declares it once as a [`Derived`]: its name, the rows it is derived
//!   from ([`Source`]: a table, the column whose value says *which* summary moved, the
//!   columns and the condition that matter), and the function recomputing one summary.
//!   The list of every room's declarations is handed to [`Db`](super::Db) at open
//!   (`crate::rooms`), so `db` never imports a room.
//! - TEMP triggers generated at open (like the capture triggers) note, inside the
//!   writing statement, each summary a row change moved: they call the connection's
//!   `studydesk_derive_note(summary, key)` function, which appends to [`Pending`]. They
//!   fire for every write, local or pulled by sync (capture off), and for rows changed by
//!   ON DELETE CASCADE / SET NULL.
//! - [`Db::write`](super::Db::write) runs the pending recomputations before COMMIT, in
//!   the same transaction, so a summary and the rows it counts commit together and no
//!   caller has to remember to refresh anything. A recomputation may itself move another
//!   summary; rounds repeat until none is pending (at most [`MAX_ROUNDS`]). A write that
//!   fails puts [`Pending`] back as it was before the write (like the rows, the notes
//!   roll back).
//! - Cost: nothing per row of a table no summary reads; one function call per qualifying
//!   row change (measured: a note kept in a TEMP table with a keyed lookup cost ~1 us per
//!   row, 5 % of a 1,000-task batch; the call costs too little to measure); nothing
//!   more per write transaction when nothing is pending.

use super::Tx;
use crate::{CoreError, Result};
use rusqlite::functions::FunctionFlags;
use rusqlite::Connection;
use std::sync::{Arc, Mutex, MutexGuard};

/// The SQL function the triggers call: `studydesk_derive_note(summary index, key)`.
const NOTE_FUNCTION: &str = "studydesk_derive_note";

/// One table a summary is derived from.
#[derive(Debug)]
pub struct Source {
    pub table: &'static str,
    /// The column whose value names the summary to recompute (e.g. `user_id`): passed to
    /// [`Derived::recompute`] as `key`. Read from NEW and OLD, so a row moving from one
    /// key to another moves both summaries.
    pub key: &'static str,
    /// For updates: only a change of one of these columns matters (empty: any column).
    pub columns: &'static [&'static str],
    /// Only rows for which this SQL condition holds matter, written over `ROW` (e.g.
    /// `ROW.status = 'completed'`); an update matters when it holds before or after.
    /// `"1"` for every row.
    pub when: &'static str,
}

/// A summary a room keeps, and what it is derived from.
#[derive(Debug)]
pub struct Derived {
    /// Unique, `room.summary` (letters, digits, `.` and `_`).
    pub name: &'static str,
    pub sources: &'static [Source],
    /// The tables whose rows are this summary's alone (only `recompute` writes them, e.g.
    /// `progress_metrics`): history shows none of their changes and undo never writes them,
    /// since undoing what they were derived from recomputes them through this same path.
    /// Empty for a summary kept in columns of rows the user writes (the social counters:
    /// those columns are the sync catalog's `DERIVED_COLUMNS`), or in rows that also hold
    /// the user's own state (an activity item the user reads and pins).
    pub writes: &'static [&'static str],
    /// Recomputes the summary for `key` inside the write transaction.
    pub recompute: fn(&Tx, &str) -> Result<()>,
}

/// Every table some summary in `derived` writes alone (see [`Derived::writes`]).
pub fn derived_tables(derived: &[&Derived]) -> Vec<&'static str> {
    let mut tables: Vec<&'static str> = derived.iter().flat_map(|d| d.writes.iter().copied()).collect();
    tables.sort_unstable();
    tables.dedup();
    tables
}

/// Rounds of recomputation one write may take before it is refused (a summary that keeps
/// moving another in a circle is a bug, and must not hang the write).
pub const MAX_ROUNDS: usize = 4;

/// The summaries the triggers noted and no write has recomputed yet: (index in the
/// connection's list, key), in the order noted, consecutive repeats dropped.
#[derive(Debug, Default, Clone)]
pub(super) struct Pending(Arc<Mutex<Vec<(usize, String)>>>);

impl Pending {
    fn notes(&self) -> MutexGuard<'_, Vec<(usize, String)>> {
        // A panic while the lock was held leaves at worst a note too many: recomputing a
        // summary is always safe.
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn note(&self, summary: usize, key: String) {
        let mut notes = self.notes();
        if notes.last().is_none_or(|(s, k)| *s != summary || *k != key) {
            notes.push((summary, key));
        }
    }

    /// Every note, each (summary, key) once, sorted; the list is left empty.
    fn take(&self) -> Vec<(usize, String)> {
        let mut taken = std::mem::take(&mut *self.notes());
        taken.sort_unstable();
        taken.dedup();
        taken
    }

    /// The notes as they are, to put back with [`Pending::restore`] if the write fails.
    pub(super) fn snapshot(&self) -> Vec<(usize, String)> {
        self.notes().clone()
    }

    pub(super) fn restore(&self, notes: Vec<(usize, String)>) {
        *self.notes() = notes;
    }
}

/// Registers the note function and creates the triggers calling it; returns the notes
/// they will write to.
pub(super) fn install(conn: &Connection, derived: &[&Derived]) -> Result<Pending> {
    let pending = Pending::default();
    let notes = pending.clone();
    // Not DETERMINISTIC (it has an effect) and not DIRECTONLY (triggers call it).
    conn.create_scalar_function(NOTE_FUNCTION, 2, FunctionFlags::SQLITE_UTF8, move |ctx| {
        let summary: i64 = ctx.get(0)?;
        if let (Ok(summary), Some(key)) = (usize::try_from(summary), ctx.get::<Option<String>>(1)?) {
            notes.note(summary, key);
        }
        Ok(rusqlite::types::Null)
    })?;
    let mut sql = String::new();
    for (index, d) in derived.iter().enumerate() {
        for s in d.sources {
            sql.push_str(&triggers_for(index, d.name, s));
        }
    }
    conn.execute_batch(&sql)?;
    Ok(pending)
}

fn triggers_for(index: usize, name: &str, s: &Source) -> String {
    // The key is in the name: one table may move a summary through two columns (a follow
    // moves the follower's and the followee's counters).
    let trigger = format!("derive_{}_{}_{}", name.replace('.', "_"), s.table, s.key);
    let (new_when, old_when) = (s.when.replace("ROW", "NEW"), s.when.replace("ROW", "OLD"));
    let of = if s.columns.is_empty() {
        String::new()
    } else {
        let cols: Vec<String> = s.columns.iter().map(|c| format!("\"{c}\"")).collect();
        format!(" OF {}", cols.join(", "))
    };
    let note = |side: &str| format!("SELECT {NOTE_FUNCTION}({index}, {side}.\"{}\");", s.key);
    let (note_new, note_old) = (note("NEW"), note("OLD"));
    let table = s.table;
    format!(
        "CREATE TEMP TRIGGER IF NOT EXISTS {trigger}_insert AFTER INSERT ON main.\"{table}\" WHEN {new_when} BEGIN {note_new} END;
         CREATE TEMP TRIGGER IF NOT EXISTS {trigger}_update AFTER UPDATE{of} ON main.\"{table}\"
           WHEN ({new_when}) OR ({old_when}) BEGIN {note_new} {note_old} END;
         CREATE TEMP TRIGGER IF NOT EXISTS {trigger}_delete AFTER DELETE ON main.\"{table}\" WHEN {old_when} BEGIN {note_old} END;\n"
    )
}

/// Runs every pending recomputation (called by `Db::write` before COMMIT).
pub(super) fn run_pending(tx: &Tx, derived: &[&Derived], pending: &Pending) -> Result<()> {
    for _ in 0..MAX_ROUNDS {
        let notes = pending.take();
        if notes.is_empty() {
            return Ok(());
        }
        for (summary, key) in &notes {
            // Every index was written by a trigger made from this same list.
            if let Some(d) = derived.get(*summary) {
                (d.recompute)(tx, key)?;
            }
        }
    }
    Err(CoreError::Database(format!(
        "derived summaries kept moving each other after {MAX_ROUNDS} rounds; the change was not saved"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_triggers_watch_only_the_named_columns() {
        let s = Source { table: "tasks", key: "user_id", columns: &["is_completed", "list_id"], when: "1" };
        let sql = triggers_for(0, "focus.progress", &s);
        assert!(sql.contains("AFTER UPDATE OF \"is_completed\", \"list_id\" ON main.\"tasks\""), "{sql}");
        assert!(sql.contains("derive_focus_progress_tasks_user_id_insert"), "{sql}");
    }

    #[test]
    fn the_condition_is_read_on_both_sides_of_an_update() {
        let s = Source { table: "idle_sessions", key: "user_id", columns: &[], when: "ROW.status = 'completed'" };
        let sql = triggers_for(0, "focus.progress", &s);
        assert!(sql.contains("WHEN (NEW.status = 'completed') OR (OLD.status = 'completed')"), "{sql}");
    }
}
