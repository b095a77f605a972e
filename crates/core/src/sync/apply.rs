//! The pull side: apply one page of the server's changes in one local transaction.
//!
//! Capture is off (pulled changes are not pushed back) and foreign keys are checked at
//! COMMIT, so a page lands whole and consistent or not at all. Each change is merged by
//! the shared rule against what this device knows: the row's causal length
//! (`sync_causal`) and the clocks of its own writes the server has not echoed back yet
//! (`sync_changes`); the server's log carries only winning columns in order, so every
//! other local column takes the pulled value.
//!
//! The device trusts the server only with what it would send itself (docs/sync.md §5.6):
//! a change to a table outside the catalog (local-only, bookkeeping, unknown), to a
//! built-in row, or with a malformed id, clock or causal length is dropped whole; secret, derived and
//! unknown columns are dropped from a change and the rest of it applies. The rule is
//! `studydesk_sync::catalog::{pulled_table, pulled_column}`, the same catalog the capture
//! triggers and the server's push validation follow. Nothing dropped reaches SQL.
//!
//! A device is never stuck on a row it cannot apply: a change SQLite refuses (a CHECK the
//! server could not see, a missing NOT NULL) is skipped alone, under a savepoint; a page
//! whose COMMIT fails on a foreign key (a parent that never came) is applied again with
//! foreign keys checked at each change, so only the orphans are skipped. An orphan whose
//! parent this device deleted itself (a comment crossing the deletion of its post) is
//! dropped quietly, as the cascade would have taken it. Each other skipped or
//! dropped change is kept in `sync_apply_errors`, one entry per row (the latest), removed
//! when a later change to that row applies, at most [`MAX_APPLY_ERRORS`] in all.
//!
//! A change this device wrote itself and still holds in its change log (its echo, with
//! the same clock and life) is already applied here: it is passed over without touching
//! the row. A device restored from an older copy no longer holds those writes and
//! applies them like anyone else's. Statements are cached: a page is many rows of the
//! same few tables.
//!
//! Streams stay gap-free for the device: each stream's changes in a page must follow its
//! position one by one, except over the seq ranges the page says it passed over
//! (`skipped`: changes of an account that blocks this one, docs/sync.md §9). Any other gap
//! is a server bug, and the page is refused.
//!
//! A stream the account may no longer read (`revoked_streams`: a share withdrawn, a follow
//! ended, declined or blocked) is forgotten in the page's transaction, capture off: what
//! this device held of it is deleted (the dashboard of a `d:` stream, the author's
//! followers-only posts of an `f:` stream; their children go with them by ON DELETE
//! CASCADE), and the deleted rows' causal lengths are put back as they were, since the
//! rows were forgotten here, not deleted by anyone: if the stream becomes readable again,
//! it is read from its start and the rows come back.

use super::mirror::{local_columns, read_values, row_exists, write_known_columns};
use crate::db::history;
use super::{meta, queue, sync_ctx};
use crate::db::Hlc;
use crate::error::SyncErrorKind;
use crate::{CoreError, Db, Result};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use studydesk_sync::catalog::{pulled_column, pulled_table, Catalog, NotAccepted};
use studydesk_sync::clock::is_hlc;
use studydesk_sync::merge::{check_shape, merge, Outcome, RowState, Superseded};
use studydesk_sync::streams::{self, Stream};
use studydesk_sync::wire::{Change, PullPage, PulledChange, SkippedRange};
use studydesk_sync::Clock;

/// The most entries `sync_apply_errors` keeps (the newest): a hostile or broken server
/// cannot fill the disk with them.
pub const MAX_APPLY_ERRORS: i64 = 1000;

#[derive(Debug, Default, Clone, Copy)]
pub struct Applied {
    pub applied: u32,
    pub errors: u32,
}

/// How foreign keys are checked while a page is applied.
#[derive(Clone, Copy, PartialEq)]
enum Foreign {
    /// At COMMIT (the normal case: parents arrive first, cascades settle in the page).
    Deferred,
    /// At each change, so a change whose parent is missing fails alone under its savepoint.
    Immediate,
}

pub fn apply_page(db: &Db, page: &PullPage) -> Result<Applied> {
    let positions = positions(db)?;
    check_contiguous(&positions, &page.changes, &page.skipped)?;
    let max_hlc = page.changes.iter().filter_map(|c| Hlc::parse(&c.hlc)).max();
    let applied = match apply_in_one_transaction(db, page, positions.clone(), max_hlc, Foreign::Deferred) {
        // Only the deferred foreign-key check fails at COMMIT: a change referring to a row
        // that never came. Applied again change by change, only that change is skipped.
        Err(CoreError::Conflict(message)) => {
            tracing::warn!(%message, "a pulled page broke a foreign key; applying it again change by change");
            apply_in_one_transaction(db, page, positions, max_hlc, Foreign::Immediate)?
        }
        other => other?,
    };
    if let Some(hlc) = max_hlc {
        db.observe_hlc(hlc)?;
    }
    Ok(applied)
}

fn apply_in_one_transaction(
    db: &Db,
    page: &PullPage,
    mut positions: Map<String, Value>,
    max_hlc: Option<Hlc>,
    fk: Foreign,
) -> Result<Applied> {
    db.write(sync_ctx("sync.pull"), |tx| {
        if fk == Foreign::Deferred {
            tx.execute_batch("PRAGMA defer_foreign_keys = ON")?;
        }
        for stream in &page.revoked_streams {
            forget_stream(tx, stream)?;
        }
        let own = own_writes(tx, &page.changes)?;
        let mut erred = rows_with_errors(tx)?;
        let mut columns_of = HashMap::new();
        let mut applied = Applied::default();
        let device = db.device_id();
        for change in &page.changes {
            positions.insert(change.stream.clone(), Value::from(change.seq));
            let mine = own.get(&(change.table.clone(), change.row_id.clone())).map_or(&[][..], Vec::as_slice);
            if is_own_echo(change, device, mine) {
                continue;
            }
            let (incoming, dropped) = match screen(change) {
                Ok(screened) => screened,
                Err(why) => {
                    record_error(tx, &mut erred, change, why.code, &why.message)?;
                    applied.errors += 1;
                    continue;
                }
            };
            if let Some(why) = shipped_row(tx, change)? {
                record_error(tx, &mut erred, change, why.code, &why.message)?;
                applied.errors += 1;
                continue;
            }
            if !columns_of.contains_key(&change.table) {
                columns_of.insert(change.table.clone(), local_columns(tx, &change.table)?);
            }
            match apply_one(tx, change, incoming, &columns_of[&change.table], mine) {
                Ok(written) => {
                    if written {
                        applied.applied += 1;
                        forget_error(tx, &mut erred, change)?;
                    }
                    if let Some(why) = dropped {
                        record_error(tx, &mut erred, change, why.code, &why.message)?;
                        applied.errors += 1;
                    }
                }
                Err(_) if parent_deleted_here(tx, change)? => {}
                Err(e) => {
                    record_error(tx, &mut erred, change, e.kind(), &e.to_string())?;
                    applied.errors += 1;
                }
            }
        }
        if applied.errors > 0 {
            tx.prepare_cached(
                "DELETE FROM sync_apply_errors WHERE id NOT IN (SELECT id FROM sync_apply_errors ORDER BY id DESC LIMIT ?1)",
            )?
            .execute([MAX_APPLY_ERRORS])?;
        }
        for range in &page.skipped {
            let at = positions.get(&range.stream).and_then(Value::as_i64).unwrap_or(0);
            if range.last > at {
                positions.insert(range.stream.clone(), Value::from(range.last));
            }
        }
        for stream in &page.revoked_streams {
            positions.remove(stream);
        }
        meta::put(tx, meta::POSITIONS, &Value::Object(positions.clone()).to_string())?;
        meta::put(tx, meta::CURSOR, &page.next_cursor)?;
        queue::forget_seen(tx, &positions)?;
        if let Some(hlc) = max_hlc {
            super::skew::note_seen(tx, hlc)?;
        }
        Ok(applied)
    })
}

/// Why a pulled change, or some of its columns, was left out: the apply error's code and
/// a sentence for the person reading Settings › Sync or `sync status`.
struct Dropped {
    code: &'static str,
    message: String,
}

fn not_accepted(why: NotAccepted, table: &str, what: &str) -> Dropped {
    let message = match why {
        NotAccepted::LocalOnlyTable => format!("{table} never comes from a sync server: it stays on this device"),
        NotAccepted::UnknownTable => format!("{table} is not a table this version of Studydesk syncs"),
        NotAccepted::SecretColumn => format!("{what} was not written: a secret never comes from a sync server"),
        NotAccepted::DerivedColumn => format!("{what} was not written: this device computes it"),
        NotAccepted::UnknownColumn => format!("{what} was not written: not a column this version of Studydesk syncs"),
    };
    Dropped { code: why.code(), message }
}

/// A change to shipped reference data (`catalog::SHIPPED_ROWS`: the Unicode emoji catalog)
/// is dropped whole: a row this device holds as shipped, or one the change would make
/// shipped (its marker column NULL). Only user rows of such a table come from a server.
fn shipped_row(conn: &Connection, change: &PulledChange) -> Result<Option<Dropped>> {
    let Some(marker) = studydesk_sync::catalog::shipped_marker(&change.table) else { return Ok(None) };
    let sets_null = change.columns.as_ref().and_then(|c| c.get(marker)).is_some_and(Value::is_null)
        || (change.op == studydesk_sync::wire::Op::Insert && change.columns.as_ref().is_some_and(|c| !c.contains_key(marker)));
    let held_shipped = conn
        .prepare_cached(&format!("SELECT 1 FROM \"{}\" WHERE id = ?1 AND \"{marker}\" IS NULL", change.table))?
        .exists([&change.row_id])?;
    Ok((sets_null || held_shipped).then(|| Dropped {
        code: "builtin_row",
        message: format!("{} {} is shipped with the app and never comes from a sync server", shown(&change.table), change.row_id),
    }))
}

/// What of a pulled change this device takes: `Err` drops it whole (nothing is written),
/// else the change to merge, holding only the columns this device accepts, and why some
/// were left out.
fn screen(change: &PulledChange) -> std::result::Result<(Change, Option<Dropped>), Dropped> {
    let table = shown(&change.table);
    let info = pulled_table(&change.table).map_err(|why| not_accepted(why, &table, ""))?;
    if !is_row_id(&change.row_id) {
        return Err(Dropped { code: "invalid_value", message: format!("a {table} change with a malformed row id was not applied") });
    }
    if !is_hlc(&change.hlc) {
        // Text order is time order only for the fixed-width form: a malformed clock could
        // beat every later write to its columns.
        return Err(Dropped { code: "invalid_value", message: format!("a {table} change with a malformed clock was not applied") });
    }
    if Catalog::current().is_builtin(&change.table, &change.row_id) {
        let message = format!("{table} {} is built in and never comes from a sync server", change.row_id);
        return Err(Dropped { code: "builtin_row", message });
    }
    let mut left_out: Vec<(NotAccepted, &str)> = Vec::new();
    let columns = change.columns.as_ref().map(|columns| {
        let mut kept = Map::new();
        for (name, value) in columns {
            match pulled_column(info, name) {
                Ok(()) => {
                    kept.insert(name.clone(), value.clone());
                }
                Err(why) => left_out.push((why, name)),
            }
        }
        kept
    });
    let incoming = Change {
        table: change.table.clone(),
        row_id: change.row_id.clone(),
        op: change.op,
        columns,
        hlc: change.hlc.clone(),
        device_id: change.device_id.clone(),
        cl: change.cl,
    };
    // The causal-length shape the merge relies on (the server checks it on push).
    check_shape(&incoming).map_err(|m| Dropped { code: "invalid_value", message: format!("a {table} change was not applied: {m}") })?;
    // One entry for the change: the gravest reason's code, every left-out column in words.
    let rank = |why: &NotAccepted| [NotAccepted::SecretColumn, NotAccepted::DerivedColumn].iter().position(|w| w == why).unwrap_or(2);
    left_out.sort_by_key(|(why, _)| rank(why));
    let dropped = left_out.first().map(|(first, _)| {
        let message = left_out.iter().map(|(why, name)| not_accepted(*why, &table, &format!("{table}.{}", shown(name))).message);
        Dropped { code: first.code(), message: message.collect::<Vec<_>>().join("; ") }
    });
    Ok((incoming, dropped))
}

/// A lower-case hyphenated UUID: every synced row's id (the server refuses any other).
fn is_row_id(id: &str) -> bool {
    id.len() == 36
        && id.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_digit() || (b'a'..=b'f').contains(&b),
        })
}

/// A name from the server as a message shows it: at most 64 characters.
fn shown(name: &str) -> String {
    match name.char_indices().nth(64) {
        Some((at, _)) => format!("{}…", &name[..at]),
        None => name.to_string(),
    }
}

fn positions(db: &Db) -> Result<Map<String, Value>> {
    let text = meta::get(db, meta::POSITIONS)?;
    Ok(text.as_deref().map(serde_json::from_str).transpose()?.unwrap_or_default())
}

/// The server promises gap-free streams; a gap means a bug, and applying past it could
/// lose a change for good, so the page is refused. A range the page says it skipped
/// (`skipped`) fills the seqs it names, and only where it follows the position.
fn check_contiguous(positions: &Map<String, Value>, changes: &[PulledChange], skipped: &[SkippedRange]) -> Result<()> {
    let gap = |stream: &str, expected: i64, got: i64| {
        CoreError::sync(
            SyncErrorKind::Server,
            format!("the sync server skipped changes in {stream} (expected {expected}, got {got}); nothing was applied"),
        )
    };
    let mut ranges: HashMap<&str, std::collections::VecDeque<(i64, i64)>> = HashMap::new();
    for r in skipped {
        if r.first < 1 || r.last < r.first {
            return Err(CoreError::sync(SyncErrorKind::Server, format!("the sync server sent a malformed skipped range in {}", r.stream)));
        }
        ranges.entry(&r.stream).or_default().push_back((r.first, r.last));
    }
    for queue in ranges.values_mut() {
        queue.make_contiguous().sort_unstable();
    }
    let mut at: HashMap<&str, i64> = HashMap::new();
    let start = |stream: &str| positions.get(stream).and_then(Value::as_i64).unwrap_or(0);
    // Moves a stream's position over the skipped ranges that follow it.
    let pass_over = |stream: &str, last: &mut i64, ranges: &mut HashMap<&str, std::collections::VecDeque<(i64, i64)>>| {
        if let Some(queue) = ranges.get_mut(stream) {
            while let Some(&(first, end)) = queue.front() {
                if first != *last + 1 {
                    break;
                }
                *last = end;
                queue.pop_front();
            }
        }
    };
    for c in changes {
        let last = at.entry(&c.stream).or_insert_with(|| start(&c.stream));
        pass_over(&c.stream, last, &mut ranges);
        if c.seq != *last + 1 {
            return Err(gap(&c.stream, *last + 1, c.seq));
        }
        *last = c.seq;
    }
    let streams: Vec<&str> = ranges.keys().copied().collect();
    for stream in streams {
        let last = at.entry(stream).or_insert_with(|| start(stream));
        pass_over(stream, last, &mut ranges);
        if let Some(&(first, _)) = ranges.get(stream).and_then(|q| q.front()) {
            return Err(gap(stream, *last + 1, first));
        }
    }
    Ok(())
}

/// Forgets what this device holds of a stream it may no longer read (see the module
/// docs): nothing for a stream that holds no rows of its own here.
fn forget_stream(conn: &Connection, stream: &str) -> Result<()> {
    let (table, ids): (&str, Vec<String>) = match streams::parse(stream) {
        Some(Stream::Followers(author)) => {
            let mut st = conn.prepare_cached("SELECT id FROM posts WHERE user_id = ?1 AND visibility = 'followers'")?;
            let ids = st.query_map([author], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            ("posts", ids)
        }
        Some(Stream::Dashboard(dashboard)) => ("dashboards", vec![dashboard.to_string()]),
        Some(Stream::Requests(approver, requester)) => {
            let mut st = conn.prepare_cached("SELECT id FROM workflows WHERE approver_id = ?1 AND requester_id = ?2")?;
            let ids = st.query_map([approver, requester], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            ("workflows", ids)
        }
        _ => return Ok(()),
    };
    if ids.is_empty() {
        return Ok(());
    }
    // Every row the delete takes (the rows and their CASCADE children, recursively), with
    // the causal length it has here before.
    let mut taken: Vec<(String, String)> = ids.iter().map(|id| (table.to_string(), id.clone())).collect();
    let mut next = 0;
    while next < taken.len() {
        let (parent, id) = taken[next].clone();
        next += 1;
        for (child, fk) in Catalog::current().children_of(&parent) {
            if fk.on_delete != "CASCADE" {
                continue;
            }
            let sql = format!("SELECT id FROM \"{}\" WHERE \"{}\" = ?1", child.name, fk.column);
            let mut st = conn.prepare_cached(&sql)?;
            let children: Vec<String> = st.query_map([&id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            taken.extend(children.into_iter().map(|c| (child.name.clone(), c)));
        }
    }
    let mut causal = Vec::with_capacity(taken.len());
    for (t, id) in &taken {
        let cl: Option<i64> = conn
            .prepare_cached("SELECT cl FROM sync_causal WHERE table_name = ?1 AND row_id = ?2")?
            .query_row(params![t, id], |r| r.get(0))
            .optional()?;
        causal.push(cl);
    }
    let mut delete = conn.prepare_cached(&format!("DELETE FROM \"{table}\" WHERE id = ?1"))?;
    for id in &ids {
        delete.execute([id])?;
    }
    for ((t, id), cl) in taken.iter().zip(causal) {
        match cl {
            Some(cl) => conn
                .prepare_cached("UPDATE sync_causal SET cl = ?3 WHERE table_name = ?1 AND row_id = ?2")?
                .execute(params![t, id, cl])?,
            None => conn.prepare_cached("DELETE FROM sync_causal WHERE table_name = ?1 AND row_id = ?2")?.execute(params![t, id])?,
        };
    }
    tracing::info!(%stream, rows = taken.len(), "forgot the rows of a stream this account may no longer read");
    Ok(())
}

/// This device's own writes still waiting to be seen in a stream, for the rows of the page:
/// `(cl, column names, clock)` per row. Read once per page (a row-by-row lookup would scan
/// the change log for every pulled change).
type OwnWrites = HashMap<(String, String), Vec<(i64, Vec<String>, Clock)>>;

fn own_writes(conn: &Connection, page: &[PulledChange]) -> Result<OwnWrites> {
    let wanted: std::collections::HashSet<(&str, &str)> = page.iter().map(|c| (c.table.as_str(), c.row_id.as_str())).collect();
    let mut out: OwnWrites = HashMap::new();
    let mut stmt = conn.prepare_cached("SELECT table_name, row_id, changes, hlc, device_id, cl FROM sync_changes WHERE op <> 'delete'")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (table, row_id): (String, String) = (r.get(0)?, r.get(1)?);
        if !wanted.contains(&(table.as_str(), row_id.as_str())) {
            continue;
        }
        let cols: Option<String> = r.get(2)?;
        let cols: Map<String, Value> = cols.as_deref().map(serde_json::from_str).transpose()?.unwrap_or_default();
        let clock = Clock::new(&r.get::<_, String>(3)?, &r.get::<_, String>(4)?);
        out.entry((table, row_id)).or_default().push((r.get(5)?, cols.keys().cloned().collect(), clock));
    }
    Ok(out)
}

/// This device's own write coming back: it holds the write (same clock, same life), so
/// the row already has it or something that beat it.
fn is_own_echo(change: &PulledChange, device: &str, mine: &[(i64, Vec<String>, Clock)]) -> bool {
    change.device_id == device
        && mine.iter().any(|(cl, _, clock)| *cl == change.cl && clock.hlc == change.hlc && clock.device_id == change.device_id)
}

/// Merges and writes one screened change (`incoming`: what this device accepts of it).
fn apply_one(
    conn: &Connection,
    change: &PulledChange,
    incoming: Change,
    columns: &[String],
    mine: &[(i64, Vec<String>, Clock)],
) -> Result<bool> {
    if columns.is_empty() {
        return Ok(false); // not a table of this database (the catalog says it is: a bug)
    }
    let state = local_state(conn, change, mine)?;
    let (won, new_life, next, lost) = match merge(Some(&state.row), &incoming) {
        Outcome::Applied { won, new_life, state: next, lost } => (won, new_life, next, lost),
        // Every column lost to this device's newer writes: nothing to write, but the
        // losing values go to the history, restorable.
        Outcome::Superseded(Superseded::OlderClock) if state.exists => {
            let clock = Clock::new(&change.hlc, &change.device_id);
            let names = incoming.columns.iter().flat_map(|m| m.keys());
            let lost: Vec<String> = names.filter(|k| state.row.clocks.get(*k).is_some_and(|c| *c > clock)).cloned().collect();
            history::set_origin(conn, &change.device_id, &change.hlc, false)?;
            record_lost(conn, change, &incoming, &lost, columns)?;
            return Ok(false);
        }
        Outcome::Superseded(_) => return Ok(false),
    };
    // History: the change is audited as the writing device's; one that overwrites a value
    // this device had not sent is a conflict, and a value that lost to one is recorded.
    let overwrote_mine = mine.iter().any(|(_, names, _)| names.iter().any(|n| won.contains_key(n)));
    history::set_origin(conn, &change.device_id, &change.hlc, overwrote_mine)?;
    if !lost.is_empty() && state.exists {
        record_lost(conn, change, &incoming, &lost, columns)?;
    }
    conn.prepare_cached("SAVEPOINT pulled")?.execute([])?;
    let written = write_outcome(conn, change, &won, new_life, next.alive(), state.exists, columns);
    match written {
        Ok(()) => {
            conn.prepare_cached("RELEASE pulled")?.execute([])?;
        }
        Err(e) => {
            conn.execute_batch("ROLLBACK TO pulled; RELEASE pulled")?;
            return Err(e);
        }
    }
    Ok(true)
}

/// Keeps the pulled values that lost to this device's newer ones, as a history entry
/// whose undo restores them.
fn record_lost(conn: &Connection, change: &PulledChange, incoming: &Change, lost: &[String], columns: &[String]) -> Result<()> {
    let Some(values) = &incoming.columns else { return Ok(()) };
    let lost_values: Map<String, Value> =
        values.iter().filter(|(k, _)| lost.contains(k) && columns.contains(k)).map(|(k, v)| (k.clone(), v.clone())).collect();
    if lost_values.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = lost_values.keys().cloned().collect();
    let kept = read_values(conn, &change.table, &change.row_id, &names)?;
    history::record_conflict(conn, &change.table, &change.row_id, &lost_values, &kept, &change.device_id, &change.hlc)
}

fn write_outcome(
    conn: &Connection,
    change: &PulledChange,
    won: &Map<String, Value>,
    new_life: bool,
    alive: bool,
    exists: bool,
    columns: &[String],
) -> Result<()> {
    let table = &change.table;
    if !alive {
        conn.prepare_cached(&format!("DELETE FROM \"{table}\" WHERE id = ?1"))?.execute([&change.row_id])?;
    } else if !won.is_empty() {
        write_known_columns(conn, table, &change.row_id, won, columns, exists)?;
    }
    if new_life && change.cl > 1 {
        conn.prepare_cached(
            "INSERT INTO sync_causal(table_name, row_id, cl) VALUES (?1, ?2, ?3)
             ON CONFLICT(table_name, row_id) DO UPDATE SET cl = excluded.cl",
        )?
        .execute(params![table, change.row_id, change.cl])?;
    }
    Ok(())
}

struct LocalRow {
    exists: bool,
    row: RowState,
}

/// What this device knows of the row: its life, and the clocks of its own writes still
/// waiting to be seen in the stream (every other column is older than anything pulled).
fn local_state(conn: &Connection, change: &PulledChange, mine: &[(i64, Vec<String>, Clock)]) -> Result<LocalRow> {
    let exists = row_exists(conn, &change.table, &change.row_id)?;
    let causal: Option<i64> = conn
        .prepare_cached("SELECT cl FROM sync_causal WHERE table_name = ?1 AND row_id = ?2")?
        .query_row(params![change.table, change.row_id], |r| r.get(0))
        .optional()?;
    let cl = causal.unwrap_or(if exists { 1 } else { 0 });
    let mut clocks: BTreeMap<String, Clock> = BTreeMap::new();
    for (_, names, clock) in mine.iter().filter(|(life, _, _)| *life == cl) {
        for name in names {
            if clocks.get(name).is_none_or(|c| c < clock) {
                clocks.insert(name.clone(), clock.clone());
            }
        }
    }
    // Columns without a local clock: present (so an equal-life change merges into them)
    // but older than any pulled write.
    Ok(LocalRow { exists, row: RowState { cl, columns: Map::new(), clocks } })
}

/// Whether the change refers to a row this device deleted: a comment or like that crossed
/// the deletion of its post. Where the delete is pulled after the comment, ON DELETE CASCADE
/// takes the comment away; here the delete came first, so the comment is dropped the same
/// way, and it is not an apply error (nothing is wrong, and nothing is missing).
fn parent_deleted_here(conn: &Connection, change: &PulledChange) -> Result<bool> {
    let Some(columns) = &change.columns else { return Ok(false) };
    let keys: Vec<(String, String)> = conn
        .prepare_cached("SELECT \"table\", \"from\" FROM pragma_foreign_key_list(?1) WHERE coalesce(\"to\", 'id') = 'id'")?
        .query_map([&change.table], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (parent, column) in keys {
        let Some(Value::String(parent_id)) = columns.get(&column) else { continue };
        if row_exists(conn, &parent, parent_id)? {
            continue;
        }
        let causal: Option<i64> = conn
            .prepare_cached("SELECT cl FROM sync_causal WHERE table_name = ?1 AND row_id = ?2")?
            .query_row(params![parent, parent_id], |r| r.get(0))
            .optional()?;
        if causal.is_some_and(|cl| cl % 2 == 0) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The rows that have an apply error, read once per page (most pages have none, and a
/// lookup per applied change would scan the table).
fn rows_with_errors(conn: &Connection) -> Result<HashSet<(String, String)>> {
    let mut stmt = conn.prepare_cached("SELECT table_name, row_id FROM sync_apply_errors")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// A change to the row applied: an earlier error about it is stale.
fn forget_error(conn: &Connection, erred: &mut HashSet<(String, String)>, change: &PulledChange) -> Result<()> {
    if erred.remove(&(change.table.clone(), change.row_id.clone())) {
        conn.prepare_cached("DELETE FROM sync_apply_errors WHERE table_name = ?1 AND row_id = ?2")?
            .execute(params![change.table, change.row_id])?;
    }
    Ok(())
}

/// Keeps the latest error about a row (one entry per row, replacing an older one).
fn record_error(
    conn: &Connection,
    erred: &mut HashSet<(String, String)>,
    change: &PulledChange,
    code: &str,
    message: &str,
) -> Result<()> {
    let (table, row_id) = (shown(&change.table), shown(&change.row_id));
    if erred.contains(&(table.clone(), row_id.clone())) {
        conn.prepare_cached("DELETE FROM sync_apply_errors WHERE table_name = ?1 AND row_id = ?2")?.execute(params![table, row_id])?;
    }
    conn.prepare_cached(
        "INSERT INTO sync_apply_errors(stream, seq, table_name, row_id, code, message, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
    )?
    .execute(params![shown(&change.stream), change.seq, table, row_id, code, message])?;
    erred.insert((table.clone(), row_id.clone()));
    tracing::warn!(%table, row = %row_id, %code, %message, "could not apply a pulled change");
    Ok(())
}
