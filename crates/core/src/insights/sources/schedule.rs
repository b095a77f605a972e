//! Scheduled refresh of data sources (issue 15: "refreshed on demand or on a schedule").
//!
//! Contract:
//! - A REST or database source may refresh itself every 15 minutes, hour, 6 hours or day
//!   ([`EVERY`], `metadata.refresh_minutes`; absent: by hand only). A CSV source cannot:
//!   its copy on this device never changes, so [`set`] refuses it in words.
//! - The schedule is a preference: it syncs with the metadata and can be set on any
//!   device, but it runs only on a device that keeps the source's connection
//!   ([`connection_here`]: the REST request's `url`, the database's `host`;
//!   `connection_config` never syncs). Another device never lists it as due.
//! - [`set`] checks the value and writes it through `Db::write` (action `source.schedule`);
//!   an unchanged value writes nothing. Every later rebuild of the metadata (a refresh, a
//!   failed refresh, an edit, a rename) keeps it.
//! - The next refresh is one interval after the last attempt: the later of `last_sync`
//!   (the last good refresh) and `metadata.failed_at` (the last failed one), so a server
//!   that is down is tried once per interval, not at every check. [`due`] lists my sources
//!   whose time has come, the longest waiting first; [`refresh_due`] refreshes them one
//!   after another (the network: never on a UI thread) and makes sure each failure is
//!   recorded with its time.
//! - Time is the injected clock's (`Db::now`), never the system's.

use super::{mine, record_failure, view, DataSource, SourceMetadata};
use crate::db::{row, WriteCtx};
use crate::insights::rows::{DataSourceRow, DataSourceType};
use crate::time::{parse_instant, timestamp_text};
use crate::{validate, CoreError, Db, Result};
use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;
use std::path::Path;

/// The intervals a source can refresh at, in minutes: 15 minutes, an hour, 6 hours, a day.
pub const EVERY: [u32; 4] = [15, 60, 360, 1440];

/// Whether this device keeps what a refresh of `row` needs to reach its source: a REST
/// source's request, a database source's server. Never for a CSV file.
pub fn connection_here(row: &DataSourceRow) -> bool {
    let has = |key: &str| row.connection_config.get(key).is_some_and(serde_json::Value::is_string);
    match row.r#type {
        DataSourceType::RestApi => has("url"),
        DataSourceType::Postgresql | DataSourceType::Mysql => has("host"),
        DataSourceType::Csv => false,
    }
}

/// When the schedule refreshes `row` next on this device; `None` without a schedule or
/// without the connection here.
fn next_refresh(row: &DataSourceRow) -> Option<DateTime<Utc>> {
    if !connection_here(row) {
        return None;
    }
    let meta = SourceMetadata::of(row);
    let every = meta.refresh_minutes.filter(|m| EVERY.contains(m))?;
    // A source never read counts from its creation.
    let last = [row.last_sync.as_deref(), meta.failed_at.as_deref()].into_iter().flatten().filter_map(parse_instant).max();
    let from = last.or_else(|| parse_instant(&row.created_at))?;
    Some(from + Duration::minutes(i64::from(every)))
}

/// [`next_refresh`] as stored times are written (UTC, milliseconds, `Z`).
pub fn next_refresh_at(row: &DataSourceRow) -> Option<String> {
    next_refresh(row).map(timestamp_text)
}

fn check_every(minutes: u32) -> Result<()> {
    if EVERY.contains(&minutes) {
        return Ok(());
    }
    Err(CoreError::validation(format!(
        "a source refreshes every 15 minutes, hour, 6 hours or day (15, 60, 360 or 1440 minutes), not every {minutes} minutes"
    )))
}

/// Sets how often my source `id` refreshes itself (`None`: by hand only).
pub fn set(db: &Db, data_dir: &Path, me: &str, id: &str, refresh_minutes: Option<u32>) -> Result<DataSource> {
    if let Some(minutes) = refresh_minutes {
        check_every(minutes)?;
    }
    let row = db.write(WriteCtx::by(me, "source.schedule"), |tx| {
        let mut row = mine(tx, me, id)?;
        if refresh_minutes.is_some() && row.r#type == DataSourceType::Csv {
            return Err(CoreError::validation(format!(
                "\"{}\" is a CSV file: its copy on this device does not change, so there is nothing to refresh on a schedule; re-import the file to update it",
                validate::truncate_for_message(&row.name)
            )));
        }
        let mut meta = SourceMetadata::of(&row);
        if meta.refresh_minutes == refresh_minutes {
            return Ok(row);
        }
        meta.refresh_minutes = refresh_minutes;
        row.metadata = meta.to_value();
        row.updated_at = tx.now_text();
        row::update(tx, &row)?;
        Ok(row)
    })?;
    view(data_dir, row)
}

/// The ids of my sources whose scheduled refresh has come at `now` on this device, the
/// longest waiting first.
pub fn due(conn: &Connection, me: &str, now: DateTime<Utc>) -> Result<Vec<String>> {
    let scheduled: Vec<DataSourceRow> = row::select(conn, "WHERE user_id = ?1 AND json_valid(metadata) AND json_extract(metadata, '$.refresh_minutes') IS NOT NULL", [me])?;
    let mut waiting: Vec<(DateTime<Utc>, String)> = scheduled.into_iter().filter_map(|r| next_refresh(&r).filter(|next| *next <= now).map(|next| (next, r.id))).collect();
    waiting.sort();
    Ok(waiting.into_iter().map(|(_, id)| id).collect())
}

/// One scheduled refresh: the source, and what the refresh answered.
pub struct ScheduledRefresh {
    pub id: String,
    /// The source's name before the refresh.
    pub name: String,
    pub outcome: Result<DataSource>,
}

/// Refreshes my due sources one after another (the network: not on a UI thread).
pub fn refresh_due(db: &Db, data_dir: &Path, me: &str) -> Result<Vec<ScheduledRefresh>> {
    let ids = db.read(|c| due(c, me, db.now()))?;
    let mut done = Vec::with_capacity(ids.len());
    for id in ids {
        // Gone since `due` read it (deleted meanwhile): nothing to refresh.
        let Ok(name) = db.read(|c| mine(c, me, &id)).map(|r| r.name) else { continue };
        let started = timestamp_text(db.now());
        let outcome = super::refresh(db, data_dir, me, &id);
        if let Err(e) = &outcome {
            note_failure(db, me, &id, &started, &e.to_string());
        }
        done.push(ScheduledRefresh { id, name, outcome });
    }
    Ok(done)
}

/// Records a failed scheduled refresh that was not recorded yet (one refused before it
/// reached the source, e.g. an unreadable stored request), so that it waits one interval
/// like any other failure instead of being tried at every check.
fn note_failure(db: &Db, me: &str, id: &str, started: &str, reason: &str) {
    let recorded = db.read(|c| mine(c, me, id)).map(|r| SourceMetadata::of(&r).failed_at.is_some_and(|at| at.as_str() >= started));
    if matches!(recorded, Ok(false)) {
        if let Err(e) = record_failure(db, me, id, reason) {
            tracing::warn!(error = %e, source = id, "could not record a failed scheduled refresh");
        }
    }
}
