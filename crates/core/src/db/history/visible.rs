//! Which changes history shows and undo takes back: the user's, not the app's own
//! bookkeeping. Hidden, from the rooms' declarations (`db::Rooms`, joined by
//! `crate::rooms`) and the sync catalog, never from a list kept here:
//! - every change of a table a derived summary writes alone (`Derived::writes`, e.g.
//!   `progress_metrics`): undoing the action it came from recomputes it at COMMIT;
//! - every change of a row the app keeps for itself (`Rooms::internal_rows`, e.g. the
//!   emoji catalog's version in `app_settings`) or of a table it alone writes
//!   (`Rooms::internal_tables`, e.g. shared widgets' cached results);
//! - an update that moved only derived counters (`catalog::DERIVED_COLUMNS`, a post's
//!   like count): the like that moved it is the user's change.

use crate::db::derive::derived_tables;
use crate::db::Rooms;
use studydesk_sync::catalog::DERIVED_COLUMNS;

/// An SQL condition over an `audit_logs` row, true for a change history shows.
pub(crate) fn visible_condition(rooms: &Rooms) -> String {
    let mut hidden = Vec::new();
    let tables = derived_tables(rooms.derived);
    if !tables.is_empty() {
        hidden.push(format!("entity_type IN ({})", list(tables.iter().copied())));
    }
    if !rooms.internal_tables.is_empty() {
        hidden.push(format!("entity_type IN ({})", list(rooms.internal_tables.iter().copied())));
    }
    for (table, key) in rooms.internal_rows {
        let id = studydesk_sync::natural_id(table, &[key]);
        hidden.push(format!("(entity_type = {} AND entity_id = {})", quoted(table), quoted(&id)));
    }
    for (table, columns) in DERIVED_COLUMNS {
        hidden.push(format!(
            "(entity_type = {} AND old_values IS NOT NULL AND new_values IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM json_each(audit_logs.new_values) j WHERE j.key NOT IN ({})))",
            quoted(table),
            list(columns.iter().copied())
        ));
    }
    if hidden.is_empty() {
        return "1".into();
    }
    format!("NOT ({})", hidden.join(" OR "))
}

fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.map(quoted).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_declared_hides_only_counter_moves() {
        let sql = visible_condition(&Rooms::NONE);
        assert!(sql.starts_with("NOT ("), "{sql}");
        assert!(sql.contains("'like_count'"), "{sql}");
        assert!(!sql.contains("app_settings"), "{sql}");
    }
}
