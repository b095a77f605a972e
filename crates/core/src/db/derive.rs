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
//!   writing statement, each summary a row change moved: `(name, key)` in
//!   `temp.derive_pending`. They fire for every write, local or pulled by sync
//!   (capture off), and for rows changed by ON DELETE CASCADE / SET NULL.
//! - [`Db::write`](super::Db::write) runs the pending recomputations before COMMIT, in
//!   the same transaction, so a summary and the rows it counts commit together and no
//!   caller has to remember to refresh anything. A recomputation may itself move another
//!   summary; rounds repeat until none is pending (at most [`MAX_ROUNDS`]).
//! - Cost: nothing per row of a table no summary reads; one small insert into an
//!   in-memory TEMP table per qualifying row change (and a keyed lookup); one cached `SELECT` on that (usually
//!   empty) table per write transaction.

use super::Tx;
use crate::{CoreError, Result};
use rusqlite::Connection;

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
    /// Recomputes the summary for `key` inside the write transaction.
    pub recompute: fn(&Tx, &str) -> Result<()>,
}

/// Rounds of recomputation one write may take before it is refused (a summary that keeps
/// moving another in a circle is a bug, and must not hang the write).
pub const MAX_ROUNDS: usize = 4;

/// Creates `temp.derive_pending` and the triggers noting what each write moved.
pub(super) fn install(conn: &Connection, derived: &[&Derived]) -> Result<()> {
    let mut sql = String::from(
        "CREATE TEMP TABLE IF NOT EXISTS derive_pending (
            name TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (name, key)) WITHOUT ROWID;\n",
    );
    for d in derived {
        for s in d.sources {
            sql.push_str(&triggers_for(d.name, s));
        }
    }
    conn.execute_batch(&sql)?;
    Ok(())
}

fn triggers_for(name: &str, s: &Source) -> String {
    let trigger = format!("derive_{}_{}", name.replace('.', "_"), s.table);
    let (new_when, old_when) = (s.when.replace("ROW", "NEW"), s.when.replace("ROW", "OLD"));
    let of = if s.columns.is_empty() {
        String::new()
    } else {
        let cols: Vec<String> = s.columns.iter().map(|c| format!("\"{c}\"")).collect();
        format!(" OF {}", cols.join(", "))
    };
    // Not `INSERT OR IGNORE`: inside a trigger the outer statement's conflict policy
    // wins, and an outer upsert turns the IGNORE into an abort.
    let note = |side: &str| {
        let key = format!("{side}.\"{}\"", s.key);
        format!(
            "INSERT INTO temp.derive_pending(name, key) SELECT '{name}', {key} WHERE {key} IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM temp.derive_pending WHERE name = '{name}' AND key = {key});"
        )
    };
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
pub(super) fn run_pending(tx: &Tx, derived: &[&Derived]) -> Result<()> {
    for _ in 0..MAX_ROUNDS {
        let pending: Vec<(String, String)> = tx
            .prepare_cached("SELECT name, key FROM temp.derive_pending ORDER BY name, key")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        if pending.is_empty() {
            return Ok(());
        }
        tx.prepare_cached("DELETE FROM temp.derive_pending")?.execute([])?;
        for (name, key) in &pending {
            // Every pending name was written by a trigger made from this same list.
            if let Some(d) = derived.iter().find(|d| d.name == name) {
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
        let sql = triggers_for("focus.progress", &s);
        assert!(sql.contains("AFTER UPDATE OF \"is_completed\", \"list_id\" ON main.\"tasks\""), "{sql}");
        assert!(sql.contains("derive_focus_progress_tasks_insert"), "{sql}");
    }

    #[test]
    fn the_condition_is_read_on_both_sides_of_an_update() {
        let s = Source { table: "idle_sessions", key: "user_id", columns: &[], when: "ROW.status = 'completed'" };
        let sql = triggers_for("focus.progress", &s);
        assert!(sql.contains("WHEN (NEW.status = 'completed') OR (OLD.status = 'completed')"), "{sql}");
    }
}
