//! Calendar subscriptions (issue 18): a calendar followed by URL (a university timetable,
//! a shared calendar), fetched in the background, shown read-only in its own colour.
//!
//! Contract:
//! - A subscription (`calendar_subscriptions`, V26) syncs: a second device follows the
//!   same URL. Its fetch state (validators, attempts, the error, the back-off) is each
//!   device's own (`DEVICE_COLUMNS`), and so are its events: every device fetches the feed
//!   itself, and `db::capture` never queues a subscribed event or a reminder on one.
//! - [`add`] checks the URL (`fetch::feed_url`: `webcal://` is `https://`), the name
//!   (default: the URL's host; unique per user ignoring case) and the colour (`#rrggbb`,
//!   default: the next swatch, `colours::in_turn`); the same URL twice is refused naming the first.
//!   It does not fetch: the caller refreshes it right after (the network is never in a
//!   write).
//! - [`refresh`] fetches now (a paused one is refused: resume it first); [`refresh_due`]
//!   fetches every enabled subscription whose `next_fetch_at` has come (none yet: at
//!   once), one after another, by a deadline when given: it is the one rule of the app's
//!   background thread and of the headless turn (`background::remind`, the OS timer).
//!   The network runs outside any transaction; what it brought is stored in one
//!   `Db::write`:
//!   - a new copy replaces the subscription's events (`ics::import_feed`: created,
//!     updated, and those the feed no longer has deleted), its validators are kept, the
//!     error cleared, the next fetch one interval later;
//!   - 304 Not Modified changes no event;
//!   - any failure (unreachable, a timeout, a status outside 2xx, an answer over the cap,
//!     a web page, a file that is not a valid calendar) keeps the last good copy, stores
//!     the reason in words in `last_error`, counts `failures` and puts the next try off
//!     by [`backoff`]: 5 minutes doubled per failure in a row, at most a day.
//!   Only the device's own columns change on a refresh (not `updated_at`), so a refresh
//!   queues nothing for sync; it writes no audit rows either (a feed's changes are not
//!   the user's, for history or undo).
//! - Subscribed events are read-only (`events::update_in` and friends refuse in words
//!   naming the subscription); the user may set reminders on them, which are kept across
//!   refreshes. The feed's own alarms (VALARM) are not imported: a publisher's alarm would
//!   ring on every subscriber's device.
//! - [`update`] renames (unique ignoring case, as when adding), recolours, changes the
//!   interval of, pauses (`enabled` false) or resumes a subscription. A paused one is
//!   never fetched; its last good copy stays shown. Resumed, it is due at once when its
//!   next fetch has passed meanwhile.
//! - [`remove`] deletes the subscription and its events (their reminders first).
//! - Time is the injected clock's (`Db::now`).

pub mod fetch;

use super::colours;
use super::ics;
use super::store;
use crate::db::{row, Tx, WriteCtx};
use crate::planner::rows::{CalendarSubscriptionRow, SUBSCRIPTION_NAME_MAX, SUBSCRIPTION_REFRESH_MAX, SUBSCRIPTION_REFRESH_MIN};
use crate::time::{parse_instant, timestamp_text};
use crate::{validate, CoreError, Db, Result};
use chrono::{DateTime, Duration, Utc};
use std::time::Instant;
use fetch::{FeedLimits, Fetched};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use fetch::LIMITS;

/// The interval of a subscription added without one: 6 hours.
pub const DEFAULT_REFRESH_MINUTES: i64 = 360;
/// The first retry after a failure, and the longest wait between retries.
pub const BACKOFF_FIRST_MINUTES: i64 = 5;
pub const BACKOFF_MAX_MINUTES: i64 = 24 * 60;
/// Subscriptions one user may have.
pub const MAX_SUBSCRIPTIONS: usize = 50;

/// A subscription as the UI and the CLI show it: its row (with this device's fetch
/// state), plus what the row does not say by itself.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct CalendarSubscription {
    #[serde(flatten)]
    #[ts(flatten)]
    pub row: CalendarSubscriptionRow,
    /// The events kept from the last good copy.
    pub events: i64,
}

impl std::ops::Deref for CalendarSubscription {
    type Target = CalendarSubscriptionRow;
    fn deref(&self) -> &CalendarSubscriptionRow {
        &self.row
    }
}

/// Arguments of `calendar_subscribe`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewSubscription {
    /// `https://`, `http://` or `webcal://`.
    pub url: String,
    /// Default: the address's host.
    #[ts(optional)]
    pub name: Option<String>,
    /// `#rrggbb`; default: the next colour of the palette.
    #[ts(optional)]
    pub colour: Option<String>,
    /// 15 to 10,080 minutes; default 360.
    #[ts(optional)]
    pub refresh_minutes: Option<i64>,
}

/// Arguments of `calendar_subscription_update`: absent fields stay.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SubscriptionPatch {
    pub id: String,
    #[ts(optional)]
    pub name: Option<String>,
    #[ts(optional)]
    pub colour: Option<String>,
    #[ts(optional)]
    pub refresh_minutes: Option<i64>,
    #[ts(optional)]
    pub enabled: Option<bool>,
}

/// What one refresh did.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[ts(export)]
pub enum RefreshOutcome {
    /// A new copy was stored.
    Updated { created: usize, updated: usize, deleted: usize, unchanged: usize },
    /// 304: the last good copy is current.
    NotModified,
    /// The last good copy is kept; `reason` says why the new one was not taken.
    Failed { reason: String },
}

impl RefreshOutcome {
    /// For a terminal line: "created 1, updated 0, deleted 2, unchanged 5", "not
    /// modified", "failed: <reason>".
    pub fn words(&self) -> String {
        match self {
            RefreshOutcome::Updated { created, updated, deleted, unchanged } => {
                format!("created {created}, updated {updated}, deleted {deleted}, unchanged {unchanged}")
            }
            RefreshOutcome::NotModified => "not modified".to_string(),
            RefreshOutcome::Failed { reason } => format!("failed: {reason}"),
        }
    }
}

/// A refresh and the subscription after it.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct SubscriptionRefresh {
    pub subscription: CalendarSubscription,
    pub result: RefreshOutcome,
}

fn view(conn: &Connection, row: CalendarSubscriptionRow) -> Result<CalendarSubscription> {
    let events: i64 = conn
        .prepare_cached("SELECT count(*) FROM calendar_events WHERE subscription_id = ?1")?
        .query_row([&row.id], |x| x.get(0))?;
    Ok(CalendarSubscription { row, events })
}

fn mine(conn: &Connection, user_id: &str, id: &str) -> Result<CalendarSubscriptionRow> {
    let id = validate::id("subscription", id)?;
    row::get::<CalendarSubscriptionRow>(conn, &id)?
        .filter(|r| r.user_id == user_id)
        .ok_or_else(|| CoreError::not_found("subscription", id))
}

fn rows_of(conn: &Connection, user_id: &str) -> Result<Vec<CalendarSubscriptionRow>> {
    row::select(conn, "WHERE user_id = ?1 ORDER BY name COLLATE NOCASE, id", [user_id])
}

/// My subscriptions by name.
pub fn list(conn: &Connection, user_id: &str) -> Result<Vec<CalendarSubscription>> {
    rows_of(conn, user_id)?.into_iter().map(|r| view(conn, r)).collect()
}

pub fn get(conn: &Connection, user_id: &str, id: &str) -> Result<CalendarSubscription> {
    view(conn, mine(conn, user_id, id)?)
}

fn check_name(conn: &Connection, user_id: &str, name: &str, except: Option<&str>) -> Result<String> {
    let name = validate::text("name", name, SUBSCRIPTION_NAME_MAX)?;
    if let Some(other) = rows_of(conn, user_id)?.into_iter().find(|r| Some(r.id.as_str()) != except && r.name.to_lowercase() == name.to_lowercase()) {
        return Err(CoreError::validation(format!("you already have a subscription named \"{}\": choose another name", other.name)));
    }
    Ok(name)
}

fn check_colour(colour: &str) -> Result<String> {
    let colour = colour.trim().to_ascii_lowercase();
    let ok = colour.len() == 7 && colour.starts_with('#') && colour[1..].bytes().all(|b| b.is_ascii_hexdigit());
    if !ok {
        return Err(CoreError::validation(format!("colour must be #rrggbb, like {} (got \"{}\")", colours::SWATCHES[0].1, validate::truncate_for_message(&colour))));
    }
    Ok(colour)
}

fn check_refresh(minutes: i64) -> Result<i64> {
    if !(SUBSCRIPTION_REFRESH_MIN..=SUBSCRIPTION_REFRESH_MAX).contains(&minutes) {
        return Err(CoreError::validation(format!(
            "the refresh interval must be between {SUBSCRIPTION_REFRESH_MIN} minutes and {} days (got {minutes} minutes)",
            SUBSCRIPTION_REFRESH_MAX / 1440
        )));
    }
    Ok(minutes)
}

/// A default name: the address's host, numbered when taken.
fn default_name(conn: &Connection, user_id: &str, url: &str) -> Result<String> {
    let host = reqwest::Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_else(|| "Subscription".into());
    let base: String = host.chars().take(SUBSCRIPTION_NAME_MAX - 5).collect();
    let taken: Vec<String> = rows_of(conn, user_id)?.into_iter().map(|r| r.name.to_lowercase()).collect();
    let mut name = base.clone();
    let mut n = 2;
    while taken.contains(&name.to_lowercase()) {
        name = format!("{base} ({n})");
        n += 1;
    }
    Ok(name)
}

/// Adds a subscription (see the module docs); it is fetched at the next refresh.
pub fn add(db: &Db, user_id: &str, input: NewSubscription) -> Result<CalendarSubscription> {
    let url = fetch::feed_url(&input.url)?;
    let refresh_minutes = check_refresh(input.refresh_minutes.unwrap_or(DEFAULT_REFRESH_MINUTES))?;
    let colour = input.colour.as_deref().map(check_colour).transpose()?;
    db.write(WriteCtx::by(user_id, "subscription.add"), |tx| {
        let existing = rows_of(tx, user_id)?;
        if existing.len() >= MAX_SUBSCRIPTIONS {
            return Err(CoreError::validation(format!("you have {MAX_SUBSCRIPTIONS} subscriptions, the most one may keep: remove one first")));
        }
        if let Some(same) = existing.iter().find(|r| r.url == url) {
            return Err(CoreError::validation(format!("you already subscribe to this address as \"{}\"", same.name)));
        }
        let name = match input.name.as_deref().filter(|n| !n.trim().is_empty()) {
            Some(n) => check_name(tx, user_id, n, None)?,
            None => default_name(tx, user_id, &url)?,
        };
        let colour = colour.unwrap_or_else(|| colours::in_turn(existing.len()).to_string());
        let now = tx.now_text();
        let r = CalendarSubscriptionRow {
            id: tx.new_id(),
            user_id: user_id.to_string(),
            name,
            url,
            colour,
            refresh_minutes,
            enabled: true,
            etag: None,
            last_modified: None,
            last_attempt_at: None,
            last_success_at: None,
            last_error: None,
            failures: 0,
            next_fetch_at: None,
            created_at: now.clone(),
            updated_at: now,
        };
        row::insert(tx, &r)?;
        view(tx, r)
    })
}

/// Renames, recolours, changes the interval of, pauses or resumes a subscription. A new
/// interval moves the next fetch to one interval after the last attempt.
pub fn update(db: &Db, user_id: &str, patch: SubscriptionPatch) -> Result<CalendarSubscription> {
    let colour = patch.colour.as_deref().map(check_colour).transpose()?;
    let refresh = patch.refresh_minutes.map(check_refresh).transpose()?;
    db.write(WriteCtx::by(user_id, "subscription.update"), |tx| {
        let mut r = mine(tx, user_id, &patch.id)?;
        let before = r.clone();
        if let Some(n) = &patch.name {
            r.name = check_name(tx, user_id, n, Some(&r.id))?;
        }
        if let Some(c) = colour {
            r.colour = c;
        }
        if let Some(m) = refresh {
            r.refresh_minutes = m;
            if r.failures == 0 {
                r.next_fetch_at = r.last_attempt_at.as_deref().and_then(parse_instant).map(|t| timestamp_text(t + Duration::minutes(m)));
            }
        }
        if let Some(e) = patch.enabled {
            r.enabled = e;
        }
        if r != before {
            r.updated_at = tx.now_text();
            row::update(tx, &r)?;
        }
        view(tx, r)
    })
}

/// Unsubscribes: the subscription and its events go (their reminders first).
pub fn remove(db: &Db, user_id: &str, id: &str) -> Result<()> {
    db.write(WriteCtx::by(user_id, "subscription.remove"), |tx| {
        let r = mine(tx, user_id, id)?;
        store::delete_feed(tx, &r.id)?;
        row::delete::<CalendarSubscriptionRow>(tx, &r.id)
    })
}

/// The wait before the next try after `failures` failed attempts in a row: 5 minutes,
/// doubled per failure, at most a day.
pub fn backoff(failures: i64) -> Duration {
    let exp = (failures - 1).clamp(0, 20) as u32;
    Duration::minutes((BACKOFF_FIRST_MINUTES.saturating_mul(1i64 << exp)).min(BACKOFF_MAX_MINUTES))
}

/// Enabled subscriptions of mine whose next fetch has come at `now`, the longest waiting
/// first.
pub fn due(conn: &Connection, user_id: &str, now: DateTime<Utc>) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM calendar_subscriptions
         WHERE user_id = ?1 AND enabled = 1 AND (next_fetch_at IS NULL OR next_fetch_at <= ?2)
         ORDER BY next_fetch_at IS NOT NULL, next_fetch_at, id",
    )?;
    let rows = stmt.query_map(params![user_id, timestamp_text(now)], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
}

/// Refreshes every subscription that is due (see [`due`]), one after another: the one
/// rule of the app's thread and of the headless turn. With a `deadline`, a fetch starts
/// only while a whole fetch (`limits.total`) fits before it, so the caller is back by
/// then; the rest stay due for the next call. A subscription removed or paused meanwhile
/// (by another process) is passed over.
pub fn refresh_due(db: &Db, user_id: &str, limits: &FeedLimits, deadline: Option<Instant>) -> Result<Vec<SubscriptionRefresh>> {
    let ids = db.read(|c| due(c, user_id, db.now()))?;
    let mut done = Vec::with_capacity(ids.len());
    for id in ids {
        if deadline.is_some_and(|d| Instant::now() + limits.total > d) {
            break;
        }
        let r = match db.read(|c| mine(c, user_id, &id)) {
            Ok(r) if r.enabled => r,
            Ok(_) | Err(CoreError::NotFound { .. }) => continue,
            Err(e) => return Err(e),
        };
        match fetch_and_store(db, user_id, r, limits) {
            Ok(refreshed) => done.push(refreshed),
            Err(CoreError::NotFound { .. }) => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

/// Fetches one subscription now and stores what came (see the module docs). A failure of
/// the feed is an `Ok` with [`RefreshOutcome::Failed`]; `Err` is a local failure (the
/// subscription is gone or paused, the database).
pub fn refresh(db: &Db, user_id: &str, id: &str, limits: &FeedLimits) -> Result<SubscriptionRefresh> {
    let r = db.read(|c| mine(c, user_id, id))?;
    if !r.enabled {
        return Err(CoreError::Conflict(format!("\"{}\" is paused, so it is not fetched: resume it first", r.name)));
    }
    fetch_and_store(db, user_id, r, limits)
}

fn fetch_and_store(db: &Db, user_id: &str, r: CalendarSubscriptionRow, limits: &FeedLimits) -> Result<SubscriptionRefresh> {
    let fetched = fetch::get(&r.url, r.etag.as_deref(), r.last_modified.as_deref(), limits);
    let result = match fetched {
        Ok(Fetched::NotModified) => store_result(db, user_id, &r.id, |tx, s| {
            succeeded(tx, s);
            Ok(RefreshOutcome::NotModified)
        })?,
        Ok(Fetched::Body { bytes, etag, last_modified }) => match ics::parse::read(&bytes) {
            Err(e) => failed(db, user_id, &r.id, format!("the feed is not a valid calendar ({e}); the last good copy is kept"))?,
            // Not even an empty calendar: taking it would delete every event.
            Ok(calendars) if !calendars.iter().any(|c| c.name == "VCALENDAR") => failed(
                db,
                user_id,
                &r.id,
                format!("the feed holds no calendar (no BEGIN:VCALENDAR, beginning \"{}\"); the last good copy is kept", crate::http::excerpt(&bytes)),
            )?,
            Ok(calendars) => {
                let stored = store_result(db, user_id, &r.id, |tx, s| {
                    let (report, deleted) = ics::import_feed(tx, user_id, &s.id, &calendars)?;
                    s.etag = etag.clone();
                    s.last_modified = last_modified.clone();
                    succeeded(tx, s);
                    Ok(RefreshOutcome::Updated { created: report.created, updated: report.updated, deleted, unchanged: report.unchanged })
                });
                match stored {
                    Ok(outcome) => outcome,
                    Err(e) if is_feed_fault(&e) => {
                        failed(db, user_id, &r.id, format!("the feed is not a valid calendar ({e}); the last good copy is kept"))?
                    }
                    Err(e) => return Err(e),
                }
            }
        },
        Err(reason) => failed(db, user_id, &r.id, reason)?,
    };
    let subscription = db.read(|c| get(c, user_id, &r.id))?;
    Ok(SubscriptionRefresh { subscription, result })
}

/// A refusal caused by what the feed holds (not by the database or a vanished row).
fn is_feed_fault(e: &CoreError) -> bool {
    matches!(e, CoreError::Validation(_) | CoreError::Rule(_) | CoreError::Conflict(_))
}

/// The fetch state after a good answer.
fn succeeded(tx: &Tx, s: &mut CalendarSubscriptionRow) {
    let now = tx.now();
    s.last_attempt_at = Some(timestamp_text(now));
    s.last_success_at = Some(timestamp_text(now));
    s.last_error = None;
    s.failures = 0;
    s.next_fetch_at = Some(timestamp_text(now + Duration::minutes(s.refresh_minutes)));
}

/// Records a failed attempt: the reason, the count, the back-off.
fn failed(db: &Db, user_id: &str, id: &str, reason: String) -> Result<RefreshOutcome> {
    let reason: String = reason.chars().take(1000).collect();
    store_result(db, user_id, id, |tx, s| {
        let now = tx.now();
        s.failures += 1;
        s.last_attempt_at = Some(timestamp_text(now));
        s.last_error = Some(reason.clone());
        s.next_fetch_at = Some(timestamp_text(now + backoff(s.failures)));
        Ok(RefreshOutcome::Failed { reason: reason.clone() })
    })
}

/// One `Db::write` of a refresh's result: `f` changes the subscription row (and may
/// replace its events), then the row is written back.
fn store_result(
    db: &Db,
    user_id: &str,
    id: &str,
    f: impl FnOnce(&Tx, &mut CalendarSubscriptionRow) -> Result<RefreshOutcome>,
) -> Result<RefreshOutcome> {
    // No audit rows: a feed's changes are nobody's here (not the user's to see in history
    // or undo), like the fetch state. Capture stays on; the triggers leave it all out.
    let ctx = WriteCtx { audit: false, ..WriteCtx::by(user_id, "subscription.refresh") };
    db.write(ctx, |tx| {
        let mut s = mine(tx, user_id, id)?;
        let outcome = f(tx, &mut s)?;
        row::update(tx, &s)?;
        Ok(outcome)
    })
}
