//! Change capture: per-connection TEMP triggers, generated from the live schema, that
//! record every row change of a user-data table in `sync_changes` and `audit_logs`.
//!
//! Why triggers: they see every change, including rows removed by ON DELETE CASCADE and
//! SET NULL, and they run inside the writing statement's transaction, so a write and its
//! records land or roll back together. They read who/why/when from `temp.write_context`,
//! which only `Db::write` fills; a write made without it is aborted, so no code path can
//! change user data around the one write helper. Being TEMP, they are rebuilt at every
//! open from the current columns and never need a migration of their own.
//!
//! Secrets ([`SECRET_COLUMNS`]: password hashes, session tokens, API key hashes, data
//! source connection settings) never leave the row: `sync_changes` does not carry them
//! (an update of only secrets records no change to sync), and `audit_logs` shows
//! `"[redacted]"` where one was set or changed. V7 scrubbed the copies older versions made.

use crate::Result;
use rusqlite::functions::FunctionFlags;
use rusqlite::Connection;

/// Tables that are not user data: bookkeeping, and the audit trail itself.
const NOT_CAPTURED: &[&str] = &[
    "refinery_schema_history",
    "sync_changes",
    "sync_causal",
    "sync_refused",
    "sync_apply_errors",
    "sync_files",
    "local_meta",
    "audit_logs",
    // The e-mail outbox: device-local, itself the record of what was sent, and it holds
    // report files (a BLOB a JSON change or audit row cannot hold).
    "email_outbox",
];

/// Columns whose values are secrets: kept in their row only (docs/sync.md §8).
pub use studydesk_sync::catalog::SECRET_COLUMNS;

/// How a log shows a secret column: left out (sync) or as `"[redacted]"` (audit).
#[derive(Clone, Copy, PartialEq)]
enum Secrets {
    Omit,
    Redact,
}

pub fn register_functions(conn: &Connection) -> Result<()> {
    conn.create_scalar_function("uuid7", 0, FunctionFlags::SQLITE_UTF8, |_| Ok(crate::ids::new_id()))?;
    Ok(())
}

pub fn install(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS write_context (
            actor_id TEXT, action TEXT NOT NULL, hlc TEXT NOT NULL, device_id TEXT NOT NULL,
            now TEXT NOT NULL, capture INTEGER NOT NULL, audit INTEGER NOT NULL,
            origin_device TEXT, origin_hlc TEXT, conflict INTEGER NOT NULL DEFAULT 0);",
    )?;
    let mut sql = String::new();
    for table in captured_tables(conn)? {
        let cols = columns(conn, &table)?;
        sql.push_str(&triggers_for(&table, &cols));
    }
    conn.execute_batch(&sql)?;
    Ok(())
}

pub fn captured_tables(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )?;
    let names = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(names.into_iter().filter(|n| !NOT_CAPTURED.contains(&n.as_str())).collect())
}

fn columns(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?;
    let cols = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(cols)
}

/// The SQL value of column `c` of `side` (NEW/OLD) as a log shows it.
fn value(side: &str, c: &str, secret: bool) -> String {
    if secret {
        format!("CASE WHEN {side}.\"{c}\" IS NULL THEN NULL ELSE '[redacted]' END")
    } else {
        format!("{side}.\"{c}\"")
    }
}

/// The columns a log includes, each with whether it is a secret.
fn logged<'a>(cols: &'a [String], secret: &'a [&str], mode: Secrets) -> impl Iterator<Item = (&'a String, bool)> {
    cols.iter()
        .map(move |c| (c, secret.contains(&c.as_str())))
        .filter(move |(_, is_secret)| !(*is_secret && mode == Secrets::Omit))
}

fn json_object(prefix: &str, cols: &[String], secret: &[&str], mode: Secrets) -> String {
    let pairs: Vec<String> = logged(cols, secret, mode).map(|(c, s)| format!("'{c}', {}", value(prefix, c, s))).collect();
    format!("json_object({})", pairs.join(", "))
}

/// `{column: value}` of the columns whose value differs between OLD and NEW, read from
/// `side`; a column of one of `groups` goes whenever any member of its group changed
/// (column groups, `studydesk_sync::catalog::COLUMN_GROUPS`).
fn changed_object(side: &str, cols: &[String], secret: &[&str], mode: Secrets, groups: &[&[&str]]) -> String {
    let differs = |c: &str| format!("NEW.\"{c}\" IS NOT OLD.\"{c}\"");
    let rows: Vec<String> = logged(cols, secret, mode)
        .map(|(c, s)| {
            let condition = match groups.iter().find(|g| g.contains(&c.as_str())) {
                Some(group) => group.iter().map(|m| differs(m)).collect::<Vec<_>>().join(" OR "),
                None => differs(c),
            };
            format!("SELECT '{c}' AS k, {} AS v WHERE {condition}", value(side, c, s))
        })
        .collect();
    format!("(SELECT json_group_object(k, v) FROM ({}))", rows.join(" UNION ALL "))
}

/// `audit_logs.metadata` of a captured change: the device that made it and its clock
/// (for a pulled change, the writing device's, set by sync per change: `history::set_origin`),
/// and whether sync resolved a conflict on the row with it (history shows both).
const AUDIT_METADATA: &str = "json_object('device_id', COALESCE(w.origin_device, w.device_id), \
     'hlc', COALESCE(w.origin_hlc, w.hlc), 'conflict', w.conflict)";

/// What the triggers of one table leave out or hide.
struct TablePolicy<'a> {
    /// Queued for sync at all (local-only tables are audited only).
    synced: bool,
    /// Left out of `sync_changes`: secrets and derived counters.
    omitted: Vec<&'a str>,
    /// Shown as "[redacted]" in `audit_logs`.
    redacted: &'a [&'a str],
    /// Extra condition on NEW/OLD for queueing (built-in activities never sync).
    row_filter: &'a str,
}

fn policy(table: &str) -> TablePolicy<'static> {
    use studydesk_sync::catalog::{class_of, excluded_columns, Class};
    let redacted: &[&str] = SECRET_COLUMNS.iter().find(|(t, _)| *t == table).map_or(&[], |(_, c)| c);
    TablePolicy {
        synced: class_of(table) != Class::LocalOnly,
        omitted: excluded_columns(table),
        redacted,
        row_filter: row_filter(table),
    }
}

/// Which rows of `table` are queued for sync (written over `ROW`). Built-in activities,
/// the shipped emoji catalog and subscribed calendars' events never sync. Posts of every visibility sync: the server keeps a followers-only post and
/// its media, tags, likes and comments in the author's `f:` stream, an "only me" one in the
/// author's private stream (docs/sync.md §2.1, §9).
fn row_filter(table: &str) -> &'static str {
    match table {
        "activities" => "COALESCE(ROW.is_builtin, 0) = 0",
        // The shipped Unicode catalog never syncs; custom emoji do (catalog::SHIPPED_ROWS).
        "emojis" => "ROW.created_by IS NOT NULL",
        // A subscribed calendar's events are each device's own copy of the feed (every
        // device fetches it), and so are the reminders on them; the subscription syncs.
        // A reminder's event is read while it still exists: deleting subscribed events
        // deletes their reminders first (planner/calendar/subscriptions), since a
        // cascade would run this after its event is gone.
        "calendar_events" => "ROW.subscription_id IS NULL",
        "calendar_event_reminders" => {
            "NOT EXISTS (SELECT 1 FROM main.calendar_events e WHERE e.id = ROW.event_id AND e.subscription_id IS NOT NULL)"
        }
        _ => "1",
    }
}

/// SQL keeping `sync_causal` for a deleted row: its life ends (cl + 1; a row never seen
/// there was in its first life, cl 1). Runs whether or not the write is captured.
fn bury_step(table: &str) -> String {
    format!(
        "INSERT INTO sync_causal(table_name, row_id, cl)
           SELECT '{table}', OLD.id, COALESCE(c.cl, 1) + 1 FROM (SELECT 1) LEFT JOIN sync_causal c
             ON c.table_name = '{table}' AND c.row_id = OLD.id
           WHERE COALESCE(c.cl, 1) % 2 = 1
           ON CONFLICT(table_name, row_id) DO UPDATE SET cl = excluded.cl;"
    )
}

/// SQL starting a new life for a re-inserted row that `sync_causal` holds as deleted.
/// Most inserted rows were never deleted: one keyed UPDATE that usually finds nothing
/// (the upsert from a LEFT JOIN it replaced measured the same on the bulk write path,
/// docs/benchmarks.md; this one is simply the plainer statement).
fn revive_step(table: &str) -> String {
    format!("UPDATE sync_causal SET cl = cl + 1 WHERE table_name = '{table}' AND row_id = NEW.id AND cl % 2 = 0;")
}

fn current_cl(table: &str, side: &str) -> String {
    format!("COALESCE((SELECT cl FROM sync_causal WHERE table_name = '{table}' AND row_id = {side}.id), 1)")
}

fn triggers_for(table: &str, cols: &[String]) -> String {
    let guard = "SELECT RAISE(ABORT, 'user data can only be written through Db::write') \
                 WHERE NOT EXISTS (SELECT 1 FROM temp.write_context);";
    let p = policy(table);
    let omitted: &[&str] = &p.omitted;
    let (sync, audit) = (Secrets::Omit, Secrets::Redact);
    let new_all = json_object("NEW", cols, omitted, sync);
    let new_all_audit = json_object("NEW", cols, p.redacted, audit);
    let old_all_audit = json_object("OLD", cols, p.redacted, audit);
    // The sync log sends whole column groups; the audit trail shows what really changed.
    let new_changed = changed_object("NEW", cols, omitted, sync, studydesk_sync::catalog::column_groups(table));
    let new_changed_audit = changed_object("NEW", cols, p.redacted, audit, &[]);
    let old_changed_audit = changed_object("OLD", cols, p.redacted, audit, &[]);
    let queue = if p.synced { "w.capture = 1" } else { "0" };
    let (new_filter, old_filter) = (p.row_filter.replace("ROW", "NEW"), p.row_filter.replace("ROW", "OLD"));
    let (new_cl, old_cl) = (current_cl(table, "NEW"), current_cl(table, "OLD"));
    let (revive, bury) = (revive_step(table), bury_step(table));
    let meta = AUDIT_METADATA;
    format!(
        "CREATE TEMP TRIGGER IF NOT EXISTS capture_{table}_insert AFTER INSERT ON main.\"{table}\" BEGIN
            {guard}
            {revive}
            INSERT INTO sync_changes(table_name, row_id, op, changes, hlc, device_id, cl)
              SELECT '{table}', NEW.id, 'insert', {new_all}, w.hlc, w.device_id, {new_cl}
              FROM temp.write_context w WHERE {queue} AND {new_filter};
            INSERT INTO audit_logs(id, user_id, action, entity_type, entity_id, old_values, new_values, metadata, created_at)
              SELECT uuid7(), w.actor_id, w.action, '{table}', NEW.id, NULL, {new_all_audit}, {meta}, w.now FROM temp.write_context w WHERE w.audit = 1;
         END;
         CREATE TEMP TRIGGER IF NOT EXISTS capture_{table}_update AFTER UPDATE ON main.\"{table}\" BEGIN
            {guard}
            INSERT INTO sync_changes(table_name, row_id, op, changes, hlc, device_id, cl)
              SELECT '{table}', NEW.id, 'update', d.c, w.hlc, w.device_id, {new_cl}
              FROM temp.write_context w, (SELECT {new_changed} AS c) d WHERE {queue} AND {new_filter} AND d.c <> '{{}}';
            INSERT INTO audit_logs(id, user_id, action, entity_type, entity_id, old_values, new_values, metadata, created_at)
              SELECT uuid7(), w.actor_id, w.action, '{table}', NEW.id, {old_changed_audit}, d.c, {meta}, w.now
              FROM temp.write_context w, (SELECT {new_changed_audit} AS c) d WHERE w.audit = 1 AND d.c <> '{{}}';
         END;
         CREATE TEMP TRIGGER IF NOT EXISTS capture_{table}_delete AFTER DELETE ON main.\"{table}\" BEGIN
            {guard}
            {bury}
            INSERT INTO sync_changes(table_name, row_id, op, changes, hlc, device_id, cl)
              SELECT '{table}', OLD.id, 'delete', NULL, w.hlc, w.device_id, {old_cl}
              FROM temp.write_context w WHERE {queue} AND {old_filter};
            INSERT INTO audit_logs(id, user_id, action, entity_type, entity_id, old_values, new_values, metadata, created_at)
              SELECT uuid7(), w.actor_id, w.action, '{table}', OLD.id, {old_all_audit}, NULL, {meta}, w.now FROM temp.write_context w WHERE w.audit = 1;
         END;\n"
    )
}
