//! The calendar's SQL: every statement on `calendar_events` and
//! `calendar_event_reminders` outside the generic row helpers (`db::row`) is here.
//!
//! Contract: functions take the connection or the write transaction and the already
//! checked ids; they do not check who may do what (the services do). Reads of events
//! return decoded [`Ev`]s in the user's zone; writes of events go through [`insert`] and
//! [`write_back`], which encode and validate the whole row first.

use super::model::{imported_id, override_id, Ev};
use crate::db::row::{self, Row};
use crate::db::Tx;
use crate::db::timestamp_text;
use crate::planner::rows::{CalendarEventRow, EventReminder, ReminderChannel};
use crate::{validate, CoreError, Result};
use chrono::Duration;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::{HashMap, HashSet};

pub fn user_tz(conn: &Connection, user_id: &str) -> Result<Tz> {
    crate::account::settings::timezone(conn, user_id)
}

pub fn load(conn: &Connection, user_id: &str, id: &str) -> Result<Ev> {
    let id = validate::id("event", id)?;
    let row = row::get::<CalendarEventRow>(conn, &id)?
        .filter(|r| r.user_id == user_id)
        .ok_or_else(|| CoreError::not_found("event", id))?;
    Ok(Ev::decode(row, user_tz(conn, user_id)?))
}

/// Overrides of a master, by original start.
pub fn overrides(conn: &Connection, master_id: &str, user_tz: Tz) -> Result<Vec<Ev>> {
    let rows: Vec<CalendarEventRow> = row::select(conn, "WHERE series_id = ?1 ORDER BY recurrence_id", [master_id])?;
    Ok(rows.into_iter().map(|r| Ev::decode(r, user_tz)).collect())
}

fn next_order(conn: &Connection, user_id: &str, date: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(max(order_index) + 1, 0) FROM calendar_events WHERE user_id = ?1 AND event_date = ?2",
        )?
        .query_row(params![user_id, date], |r| r.get(0))?)
}

/// Validates and inserts `ev` (it goes last in its day unless it has an order).
pub fn insert(tx: &Tx, ev: &mut Ev, keep_order: bool) -> Result<()> {
    ev.encode()?;
    if !keep_order {
        ev.row.order_index = next_order(tx, &ev.row.user_id, &ev.row.event_date)?;
    }
    row::insert(tx, &ev.row)
}

/// Validates and writes every column of `ev` back, bumping `sequence` (an edit here).
pub fn save(tx: &Tx, ev: &mut Ev) -> Result<()> {
    ev.row.sequence += 1;
    write_back(tx, ev)
}

/// Validates and writes every column of `ev` back as it is (an import keeps the file's
/// SEQUENCE).
pub fn write_back(tx: &Tx, ev: &mut Ev) -> Result<()> {
    ev.encode()?;
    ev.row.updated_at = tx.now_text();
    row::update(tx, &ev.row)
}

/// Deletes one event row (an override, a single event, or a master with its overrides
/// and reminders: ON DELETE CASCADE). A subscribed event's reminders go first, while
/// their event still says it is subscribed (`db::capture` reads it: they never sync).
pub fn delete(tx: &Tx, id: &str) -> Result<()> {
    tx.prepare_cached(
        "DELETE FROM calendar_event_reminders WHERE event_id IN
           (SELECT id FROM calendar_events WHERE (id = ?1 OR series_id = ?1) AND subscription_id IS NOT NULL)",
    )?
    .execute([id])?;
    tx.prepare_cached("DELETE FROM calendar_events WHERE id = ?1")?.execute([id])?;
    Ok(())
}

/// Deletes every override of a master (it no longer repeats).
pub fn delete_overrides(tx: &Tx, master_id: &str) -> Result<()> {
    tx.prepare_cached(
        "DELETE FROM calendar_event_reminders WHERE event_id IN
           (SELECT id FROM calendar_events WHERE series_id = ?1 AND subscription_id IS NOT NULL)",
    )?
    .execute([master_id])?;
    tx.prepare_cached("DELETE FROM calendar_events WHERE series_id = ?1")?.execute([master_id])?;
    Ok(())
}

/// The top-level rows (single events, series masters, detached occurrences) of a
/// subscription's feed.
pub fn feed_tops(conn: &Connection, subscription_id: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT id FROM calendar_events WHERE subscription_id = ?1 AND series_id IS NULL")?;
    let rows = stmt.query_map([subscription_id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Deletes every event of a subscription, reminders first (see [`delete`]).
pub fn delete_feed(tx: &Tx, subscription_id: &str) -> Result<()> {
    tx.prepare_cached(
        "DELETE FROM calendar_event_reminders WHERE event_id IN (SELECT id FROM calendar_events WHERE subscription_id = ?1)",
    )?
    .execute([subscription_id])?;
    tx.prepare_cached("DELETE FROM calendar_events WHERE subscription_id = ?1 AND series_id IS NOT NULL")?.execute([subscription_id])?;
    tx.prepare_cached("DELETE FROM calendar_events WHERE subscription_id = ?1")?.execute([subscription_id])?;
    Ok(())
}

/// The user's subscriptions as the range labels them: id → (name, colour).
pub fn subscription_labels(conn: &Connection, user_id: &str) -> Result<HashMap<String, (String, Option<String>)>> {
    let mut stmt = conn.prepare_cached("SELECT id, name, colour FROM calendar_subscriptions WHERE user_id = ?1")?;
    let rows = stmt.query_map([user_id], |r| Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?))))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The subscription an event comes from, with its name (`None`: the user's own event).
pub fn subscription_of(conn: &Connection, event_id: &str) -> Result<Option<(String, String)>> {
    Ok(conn
        .prepare_cached(
            "SELECT s.id, s.name FROM calendar_events e JOIN calendar_subscriptions s ON s.id = e.subscription_id WHERE e.id = ?1",
        )?
        .query_row([event_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Gives an event position `pos` inside its day (no write when it already has it).
pub fn set_order(tx: &Tx, id: &str, pos: i64) -> Result<()> {
    tx.prepare_cached("UPDATE calendar_events SET order_index = ?1, updated_at = ?2 WHERE id = ?3 AND order_index IS NOT ?1")?
        .execute(params![pos, tx.now_text(), id])?;
    Ok(())
}

/// The id of the event with this UID (unique per user and calendar: `feed` is the
/// subscription, `None` the user's own events), if any.
pub fn id_by_uid(conn: &Connection, user_id: &str, feed: Option<&str>, uid: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT id FROM calendar_events
             WHERE user_id = ?1 AND coalesce(subscription_id, '') = ?3 AND uid = ?2 AND recurrence_id IS NULL",
        )?
        .query_row(params![user_id, uid, feed.unwrap_or_default()], |r| r.get(0))
        .optional()?)
}

/// The series parts stored for a UID (`ics::future`: UIDs `<uid>~from-...`), as
/// `(id, uid)`; read through the UID index (a range of UIDs, not a scan).
pub fn parts_by_uid(conn: &Connection, user_id: &str, feed: Option<&str>, uid: &str) -> Result<Vec<(String, String)>> {
    let (from, to) = (format!("{uid}~from-"), format!("{uid}~from."));
    let mut stmt = conn.prepare_cached(
        "SELECT id, uid FROM calendar_events
         WHERE user_id = ?1 AND coalesce(subscription_id, '') = ?4 AND uid >= ?2 AND uid < ?3 AND recurrence_id IS NULL",
    )?;
    let rows = stmt.query_map(params![user_id, from, to, feed.unwrap_or_default()], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The detached occurrences of a UID (imported exceptions whose series was not in the
/// file): `(id, original start key)`.
pub fn detached_by_uid(conn: &Connection, user_id: &str, feed: Option<&str>, uid: &str) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, recurrence_id FROM calendar_events
         WHERE user_id = ?1 AND coalesce(subscription_id, '') = ?3 AND uid = ?2 AND recurrence_id IS NOT NULL AND series_id IS NULL",
    )?;
    let rows = stmt.query_map(params![user_id, uid, feed.unwrap_or_default()], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Rows of `calendar_events` as `WHERE sql_where` selects them, decoded in `tz`.
pub fn select_where(conn: &Connection, sql_where: &str, args: &[&dyn rusqlite::ToSql], tz: Tz) -> Result<Vec<Ev>> {
    let mut stmt = conn.prepare_cached(&row::select_sql::<CalendarEventRow>(&format!("WHERE {sql_where}")))?;
    let rows = stmt.query_map(args, |r| Ok(Ev::decode(CalendarEventRow::from_sql(r)?, tz)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// How many of the user's own events (rows of every kind; a subscription's are not
/// theirs) there are, counting no further than `limit + 1`.
pub fn own_event_count(conn: &Connection, user_id: &str, limit: usize) -> Result<usize> {
    let n: i64 = conn
        .prepare_cached("SELECT count(*) FROM (SELECT 1 FROM calendar_events WHERE user_id = ?1 AND subscription_id IS NULL LIMIT ?2)")?
        .query_row(params![user_id, (limit + 1) as i64], |r| r.get(0))?;
    Ok(n as usize)
}

/// The user's own single events and series masters (no overrides, none of a
/// subscription's), in date and day order.
pub fn own_tops(conn: &Connection, user_id: &str, tz: Tz) -> Result<Vec<Ev>> {
    select_where(conn, "user_id = ?1 AND series_id IS NULL AND subscription_id IS NULL ORDER BY event_date, order_index, id", &[&user_id], tz)
}

// ---- calendar_event_reminders ---------------------------------------------------------------

/// The event's reminders, relative ones first by minutes, then absolute ones by time.
pub fn reminders_of(conn: &Connection, event_id: &str) -> Result<Vec<EventReminder>> {
    row::select(conn, "WHERE event_id = ?1 ORDER BY minutes_before IS NULL, minutes_before, remind_at, id", [event_id])
}

pub fn delete_reminder(tx: &Tx, id: &str) -> Result<()> {
    tx.prepare_cached("DELETE FROM calendar_event_reminders WHERE id = ?1")?.execute([id])?;
    Ok(())
}

/// Whether the user's event reminder `id` exists.
pub fn reminder_exists(conn: &Connection, user_id: &str, id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM calendar_event_reminders WHERE id = ?1 AND user_id = ?2")?
        .query_row(params![id, user_id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// A reminder that is due (or the next one to be), with what a notification shows: the
/// join of a reminder and its event the scheduler reads.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
pub struct DueReminder {
    pub reminder_id: String,
    pub event_id: String,
    pub title: String,
    pub fire_at: String,
    /// Start of the occurrence it is for (relative reminders), else the event's start.
    pub occurrence_start: Option<String>,
    pub minutes_before: Option<i64>,
    pub channel: ReminderChannel,
}

const DUE_SELECT: &str = "SELECT r.id, r.event_id, coalesce(e.title, ''), r.fire_at, r.minutes_before, r.channel,
       e.starts_at, e.event_date, r.snoozed_occurrence, r.snoozed_until IS NOT NULL, e.rrule IS NOT NULL
  FROM calendar_event_reminders r JOIN calendar_events e ON e.id = r.event_id";

fn due_from_row(r: &rusqlite::Row) -> rusqlite::Result<DueReminder> {
    let fire_at: String = r.get(3)?;
    let minutes: Option<i64> = r.get(4)?;
    let start: Option<String> = r.get(6)?;
    let snoozed_occurrence: Option<String> = r.get(8)?;
    let (snoozed, series): (bool, bool) = (r.get(9)?, r.get(10)?);
    // A snoozed reminder's fire_at is the snooze time, not "minutes before" anything.
    let occurrence_start = match (snoozed_occurrence, minutes) {
        (Some(o), _) => Some(o),
        (None, Some(_)) if snoozed && !series => start.or(r.get(7)?),
        (None, Some(m)) => crate::time::parse_instant(&fire_at).map(|t| timestamp_text(t + Duration::minutes(m))),
        (None, None) => start.or(r.get(7)?),
    };
    Ok(DueReminder {
        reminder_id: r.get(0)?,
        event_id: r.get(1)?,
        title: r.get(2)?,
        fire_at,
        occurrence_start,
        minutes_before: minutes,
        channel: row::read_enum(r, 5, ReminderChannel::parse)?,
    })
}

/// The next reminder to fire after `now` (a stored timestamp), if any.
pub fn next_due_reminder(conn: &Connection, now: &str) -> Result<Option<DueReminder>> {
    Ok(conn
        .prepare_cached(&format!(
            "{DUE_SELECT} WHERE r.delivered_at IS NULL AND r.fire_at > ?1 ORDER BY r.fire_at LIMIT 1"
        ))?
        .query_row([now], due_from_row)
        .optional()?)
}

/// Reminders due at `now` (a stored timestamp) and not yet delivered, oldest first.
pub fn due_reminders(conn: &Connection, now: &str) -> Result<Vec<DueReminder>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{DUE_SELECT} WHERE r.delivered_at IS NULL AND r.fire_at <= ?1 ORDER BY r.fire_at LIMIT 1000"
    ))?;
    let rows = stmt.query_map([now], due_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The claim of a due reminder: touches it only if it is still undelivered at the fire
/// time read before. `false` = another process (or thread) took it first.
pub fn claim_reminder(tx: &Tx, user_id: &str, id: &str, fire_at: &str) -> Result<bool> {
    let n = tx
        .prepare_cached(
            "UPDATE calendar_event_reminders SET updated_at = ?1
             WHERE id = ?2 AND user_id = ?3 AND delivered_at IS NULL AND fire_at = ?4",
        )?
        .execute(params![tx.now_text(), id, user_id, fire_at])?;
    Ok(n == 1)
}

/// The name of the event's course, if it has one.
pub fn course_name_of_event(conn: &Connection, event_id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT c.name FROM calendar_events e JOIN courses c ON c.id = e.course_id WHERE e.id = ?1")?
        .query_row([event_id], |r| r.get(0))
        .optional()?)
}

// ---- the range's reads (every month view: keep them lean) -----------------------------------

/// Columns a range never reads, with the constant selected in their place: a month view
/// decodes a thousand rows, and these texts were a fifth of that. The rows are only
/// drawn, never written back.
const UNREAD_COLUMNS: [(&str, &str); 5] = [
    ("user_id", "''"),
    ("created_at", "''"),
    ("updated_at", "''"),
    ("uid", "NULL"),
    ("sequence", "0"),
];

/// Rows of `calendar_events` (read through `index` when given: without statistics SQLite
/// would otherwise walk the date index over every past event).
fn select_drawn(conn: &Connection, index: &str, sql_where: &str, args: &[&dyn rusqlite::ToSql], tz: Tz) -> Result<Vec<Ev>> {
    let cols: Vec<&str> = CalendarEventRow::COLUMNS
        .iter()
        .map(|c| UNREAD_COLUMNS.iter().find(|(name, _)| name == c).map_or(*c, |(_, constant)| *constant))
        .collect();
    let cols = cols.join(", ");
    let indexed = if index.is_empty() { String::new() } else { format!(" INDEXED BY {index}") };
    let mut stmt = conn.prepare_cached(&format!("SELECT {cols} FROM calendar_events{indexed} WHERE {sql_where}"))?;
    let rows = stmt.query_map(args, |r| Ok(Ev::decode(CalendarEventRow::from_sql(r)?, tz)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Single events and overrides that may overlap the dates `lo..=hi`: starting in them
/// (by date), or multi-day ones starting before them and ending inside or after. At most
/// `limit` rows of each kind are read, so a caller capping its answer can tell "more than
/// the cap" without decoding every row of a crowded range.
pub fn singles_between(conn: &Connection, user_id: &str, lo: &str, hi: &str, tz: Tz, limit: usize) -> Result<Vec<Ev>> {
    let mut out = select_drawn(
        conn,
        "idx_calendar_events_user_id_event_date_order_index",
        &format!("user_id = ?1 AND event_date BETWEEN ?2 AND ?3 AND rrule IS NULL LIMIT {limit}"),
        &[&user_id, &lo, &hi],
        tz,
    )?;
    out.extend(select_drawn(
        conn,
        "idx_calendar_events_multiday",
        &format!("user_id = ?1 AND rrule IS NULL AND end_date > event_date AND end_date >= ?2 AND event_date < ?2 LIMIT {limit}"),
        &[&user_id, &lo],
        tz,
    )?);
    Ok(out)
}

/// Series masters whose span reaches the window: two index ranges (bounded series ending
/// in or after the window, endless series) rather than one OR, which SQLite would answer
/// by reading every series. `?1` user, `?2` first and `?3` last date (with margins).
const SERIES_WHERE: [&str; 2] = [
    "user_id = ?1 AND rrule IS NOT NULL AND series_end_date >= ?2 AND event_date <= ?3",
    // `?2 = ?2`: both statements take the same three parameters.
    "user_id = ?1 AND rrule IS NOT NULL AND series_end_date IS NULL AND event_date <= ?3 AND ?2 = ?2",
];

/// Series masters whose span reaches the dates `lo..=hi` (see [`SERIES_WHERE`]).
pub fn series_reaching(conn: &Connection, user_id: &str, lo: &str, hi: &str, tz: Tz) -> Result<Vec<Ev>> {
    let mut out = Vec::new();
    for sql_where in SERIES_WHERE {
        out.extend(select_drawn(conn, "idx_calendar_events_series", sql_where, &[&user_id, &lo, &hi], tz)?);
    }
    Ok(out)
}

/// How many series masters reach the dates `lo..=hi`, counting no further than `limit + 1`
/// (an index-only count: the range's cap is checked before any master is decoded).
pub fn series_reaching_count(conn: &Connection, user_id: &str, lo: &str, hi: &str, limit: usize) -> Result<usize> {
    let mut n = 0usize;
    for sql_where in SERIES_WHERE {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT count(*) FROM (SELECT 1 FROM calendar_events INDEXED BY idx_calendar_events_series WHERE {sql_where} LIMIT ?4)"
        ))?;
        let left = (limit + 1).saturating_sub(n) as i64;
        n += stmt.query_row(params![user_id, lo, hi, left], |r| r.get::<_, i64>(0))? as usize;
    }
    Ok(n)
}

/// Overridden occurrences (`recurrence_id`s) of the series [`series_reaching`] reads, by
/// master: one statement for all of them (one per series was a tenth of a month view).
pub type Overrides = HashMap<String, HashSet<String>>;

pub fn overridden_occurrences(conn: &Connection, user_id: &str, lo: &str, hi: &str) -> Result<Overrides> {
    let mut out = Overrides::new();
    for sql_where in SERIES_WHERE {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT series_id, recurrence_id FROM calendar_events WHERE series_id IN
             (SELECT id FROM calendar_events INDEXED BY idx_calendar_events_series WHERE {sql_where})"
        ))?;
        let rows = stmt.query_map(params![user_id, lo, hi], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (master, key) = row?;
            out.entry(master).or_default().insert(key);
        }
    }
    Ok(out)
}


/// Imported events and overrides made before their ids were derived from their keys
/// ([`imported_id`], [`override_id`]) get those ids through `change_id(old, new)` (the first
/// sync's, which also moves the references): masters first, so each override's
/// `series_id` already names its master's new id.
pub fn remap_imported_ids(conn: &Connection, change_id: &mut dyn FnMut(&str, &str) -> Result<()>) -> Result<()> {
    // A subscription's events keep their ids (derived from the feed's, never synced).
    let masters = "SELECT id, user_id, uid FROM calendar_events
                   WHERE source = 'import' AND uid IS NOT NULL AND series_id IS NULL AND subscription_id IS NULL";
    let overrides = "SELECT id, series_id, recurrence_id FROM calendar_events
                     WHERE series_id IS NOT NULL AND recurrence_id IS NOT NULL AND subscription_id IS NULL";
    for (sql, derive) in [(masters, imported_id as fn(&str, &str) -> String), (overrides, override_id)] {
        let rows: Vec<(String, String, String)> = {
            let mut stmt = conn.prepare(sql)?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (id, a, b) in rows {
            let derived = derive(&a, &b);
            if id != derived {
                change_id(&id, &derived)?;
            }
        }
    }
    Ok(())
}
