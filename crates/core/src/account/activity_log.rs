//! "Your activity" (seed 000's `user_activity_log`): what the user did in the app (opened a
//! page, started or finished a focus session, added a task, imported a calendar), kept on
//! this device only, for the user's own summary in Settings.
//!
//! Contract:
//! - Local only: the table is in the sync catalog's `LOCAL_ONLY`, and rows are written
//!   without sync capture or audit rows ([`WriteCtx::local_record`]): the log is itself a
//!   history, of nobody else's business.
//! - Nothing is recorded while the user has turned it off (`user_preferences` key
//!   [`ENABLED_KEY`], on by default); [`clear`] deletes every row.
//! - Bounded: rows older than [`KEEP_DAYS`] are deleted as new ones are written, and the
//!   summary has at most [`SUMMARY_MAX_TYPES`] lines.
//! - Recording never fails the action it describes: [`record`] reports its own errors to
//!   the caller, and the facade logs them instead of failing the command (see
//!   `api::Studydesk::record_activity`).

use crate::account::preferences;
use crate::account::rows::UserActivityLogRow;
use crate::db::row;
use crate::db::{timestamp_text, WriteCtx};
use crate::{Db, Result};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Whether the log records (a JSON boolean; absent = on).
pub const ENABLED_KEY: &str = "activity_log.enabled";
/// How long a row is kept.
pub const KEEP_DAYS: i64 = 365;
/// The summary's window, as in the seed's "Get User Activity Summary".
pub const SUMMARY_DAYS: i64 = 30;
pub const SUMMARY_MAX_TYPES: i64 = 50;

/// What the user did (`action_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ActionType {
    PageOpened,
    SessionStarted,
    SessionCompleted,
    TaskAdded,
    CalendarImported,
    Posted,
}

impl ActionType {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionType::PageOpened => "page_opened",
            ActionType::SessionStarted => "session_started",
            ActionType::SessionCompleted => "session_completed",
            ActionType::TaskAdded => "task_added",
            ActionType::CalendarImported => "calendar_imported",
            ActionType::Posted => "posted",
        }
    }
}

/// The app's pages, for `page_opened` (kept in `resource_id`, `resource_type` "page").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AppPage {
    Home,
    Calendar,
    Focus,
    Feed,
    Insights,
    Settings,
    Immerse,
}

impl AppPage {
    fn as_str(self) -> &'static str {
        match self {
            AppPage::Home => "home",
            AppPage::Calendar => "calendar",
            AppPage::Focus => "focus",
            AppPage::Feed => "feed",
            AppPage::Insights => "insights",
            AppPage::Settings => "settings",
            AppPage::Immerse => "immerse",
        }
    }
}

/// One line of the summary: an action, how often in the window, and the last time.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct ActionCount {
    /// One of [`ActionType`]'s names (or an older version's; the UI shows it as is).
    pub action_type: String,
    pub count: i64,
    pub last_activity: String,
}

/// Settings › Your activity.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct ActivitySummary {
    pub enabled: bool,
    /// The window's start (UTC timestamp): the last [`SUMMARY_DAYS`] days.
    pub since: String,
    /// Most frequent first.
    pub actions: Vec<ActionCount>,
    /// Every row kept, whatever its age.
    pub total: i64,
}

pub fn enabled(conn: &Connection, user_id: &str) -> Result<bool> {
    Ok(preferences::get::<bool>(conn, user_id, ENABLED_KEY)?.unwrap_or(true))
}

/// Records one action (nothing while the log is off), with the resource it was about.
pub fn record(db: &Db, user_id: &str, action: ActionType, resource: Option<(&str, &str)>) -> Result<()> {
    if !db.read(|c| enabled(c, user_id))? {
        return Ok(());
    }
    db.write(WriteCtx::local_record(user_id, "activity_log.record"), |tx| {
        let now = tx.now();
        let entry = UserActivityLogRow {
            id: tx.new_id(),
            user_id: user_id.to_string(),
            action_type: action.as_str().to_string(),
            resource_type: resource.map(|(t, _)| t.to_string()),
            resource_id: resource.map(|(_, id)| id.to_string()),
            metadata: None,
            ip_address: None,
            user_agent: None,
            session_id: None,
            created_at: timestamp_text(now),
        };
        row::insert(tx, &entry)?;
        tx.prepare_cached("DELETE FROM user_activity_log WHERE user_id = ?1 AND created_at < ?2")?
            .execute(params![user_id, timestamp_text(now - Duration::days(KEEP_DAYS))])?;
        Ok(())
    })
}

/// Records that a page was opened.
pub fn page_opened(db: &Db, user_id: &str, page: AppPage) -> Result<()> {
    record(db, user_id, ActionType::PageOpened, Some(("page", page.as_str())))
}

/// The seed's "Get User Activity Summary": the last 30 days by action type, with the count
/// and the last time, most frequent first.
pub fn summary(conn: &Connection, user_id: &str, now: DateTime<Utc>) -> Result<ActivitySummary> {
    let since = timestamp_text(now - Duration::days(SUMMARY_DAYS));
    let mut stmt = conn.prepare_cached(
        "SELECT action_type, COUNT(*) AS count, MAX(created_at) AS last_activity
         FROM user_activity_log
         WHERE user_id = ?1 AND created_at >= ?2
         GROUP BY action_type
         ORDER BY count DESC, action_type
         LIMIT ?3",
    )?;
    let actions = stmt
        .query_map(params![user_id, since, SUMMARY_MAX_TYPES], |r| {
            Ok(ActionCount { action_type: r.get(0)?, count: r.get(1)?, last_activity: r.get(2)? })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let total = conn
        .prepare_cached("SELECT count(*) FROM user_activity_log WHERE user_id = ?1")?
        .query_row([user_id], |r| r.get(0))?;
    Ok(ActivitySummary { enabled: enabled(conn, user_id)?, since, actions, total })
}

/// Turns recording on or off (what is already recorded stays until cleared).
pub fn set_enabled(db: &Db, user_id: &str, on: bool) -> Result<()> {
    db.write(WriteCtx::by(user_id, "activity_log.set_enabled"), |tx| preferences::set(tx, user_id, ENABLED_KEY, &on))
}

/// Deletes the whole history; answers how many rows.
pub fn clear(db: &Db, user_id: &str) -> Result<i64> {
    db.write(WriteCtx::local_record(user_id, "activity_log.clear"), |tx| {
        Ok(tx.prepare_cached("DELETE FROM user_activity_log WHERE user_id = ?1")?.execute([user_id])? as i64)
    })
}
