//! The activity feed (seed 000's ACTIVITY_FEED and FEED_ENGAGEMENT): items about the
//! user's social life (someone I follow posted, a response to my post, a new follower...),
//! read in the seed's order, marked read, pinned, dismissed and engaged with.
//!
//! Contract:
//! - [`deliver`] writes an item for the device's user inside the caller's transaction. Its
//!   id is derived from (user, type, source type, source id), so the same event delivered
//!   twice, or by two devices of one user, is one row; a dismissed item stays dismissed.
//! - [`page`] is the seed's "Get User's Activity Feed": pinned first, then priority, then
//!   newest (then id), never an expired item (`expires_at` passed) nor a dismissed one (a
//!   `dismiss` engagement), with each item's engagement count; paged by a cursor over
//!   that order, not OFFSET (`idx_activity_feed_user_order`, V12), at most [`PAGE_MAX`].
//!   The dismissed check is written `+d.engagement_type` so SQLite looks engagements up
//!   by item, never by type (which read every dismissal for every item: seconds on 10^6).
//! - Expired items are swept by [`sweep_expired`] (run with every delivery).
//! - The items are made by the social room (`social::activity`) from posts, likes,
//!   comments and follows, made here or arriving by sync; `message_received` stays in the type list for the day
//!   direct messages exist (docs/schema.md).

use crate::dashboard::rows::{ActivityFeedRow, EngagementType, FeedEngagementRow};
use crate::db::row::{self, sql_enum, Row};
use crate::db::{timestamp_text, Tx, WriteCtx};
use crate::{CoreError, Db, Result};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub const PAGE_DEFAULT: i64 = 20;
pub const PAGE_MAX: i64 = 100;
/// Unread items are counted up to this many (a badge says "99+"), so the count stays
/// cheap however many there are.
pub const UNREAD_MAX: i64 = 100;

sql_enum! {
    /// The seed's activity types (`activity_feed.activity_type`).
    pub enum ActivityType {
        NewPosting = "new_posting",
        PostingResponse = "posting_response",
        NewConnection = "new_connection",
        MessageReceived = "message_received",
        PostingApproved = "posting_approved",
        DomainUpdate = "domain_update",
    }
}

/// An item to deliver to `user_id`.
#[derive(Debug, Clone)]
pub struct NewFeedItem<'a> {
    pub user_id: &'a str,
    pub activity_type: ActivityType,
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub source_type: &'a str,
    pub source_id: &'a str,
    pub priority: i64,
    pub expires_at: Option<DateTime<Utc>>,
    /// What the card needs besides the source: e.g. `{"actor_id": …, "post_id": …}`.
    pub metadata: Option<serde_json::Value>,
}

/// A feed item with how often it was engaged with.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct FeedItem {
    #[serde(flatten)]
    pub row: ActivityFeedRow,
    pub engagement_count: i64,
}

/// One page of the feed and where the next begins (`None`: the end).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct FeedPage {
    pub items: Vec<FeedItem>,
    pub next_cursor: Option<String>,
    /// Unread items, counted up to [`UNREAD_MAX`].
    pub unread: i64,
}

/// The deterministic id of the item an event makes for a user.
pub fn item_id(user_id: &str, activity_type: ActivityType, source_type: &str, source_id: &str) -> String {
    studydesk_sync::natural_id("activity_feed", &[user_id, activity_type.as_str(), source_type, source_id])
}

/// Writes the item unless it exists (answers whether it is new); sweeps expired items.
pub fn deliver(tx: &Tx, item: &NewFeedItem) -> Result<bool> {
    let id = item_id(item.user_id, item.activity_type, item.source_type, item.source_id);
    if row::get::<ActivityFeedRow>(tx, &id)?.is_some() {
        return Ok(false);
    }
    let feed_row = ActivityFeedRow {
        id,
        user_id: item.user_id.to_string(),
        activity_type: item.activity_type.as_str().to_string(),
        title: item.title.to_string(),
        description: item.description.map(str::to_string),
        source_type: item.source_type.to_string(),
        source_id: item.source_id.to_string(),
        metadata: item.metadata.clone(),
        is_read: false,
        is_pinned: false,
        priority: item.priority,
        created_at: tx.now_text(),
        expires_at: item.expires_at.map(timestamp_text),
    };
    row::insert(tx, &feed_row)?;
    sweep_expired(tx, item.user_id)?;
    Ok(true)
}

/// The user's items of `kind` written after `after` (a timestamp), oldest first, at most
/// `limit`: what arrived since the app last told the user.
pub fn written_after(conn: &Connection, user_id: &str, kind: ActivityType, after: &str, limit: i64) -> Result<Vec<ActivityFeedRow>> {
    row::select(
        conn,
        "WHERE user_id = ?1 AND activity_type = ?2 AND created_at > ?3 AND is_read = 0 ORDER BY created_at, id LIMIT ?4",
        params![user_id, kind.as_str(), after, limit],
    )
}

/// Deletes the user's items about a source that is gone (a like taken back, a post
/// deleted); answers how many.
pub fn withdraw(tx: &Tx, user_id: &str, source_type: &str, source_id: &str) -> Result<usize> {
    Ok(tx
        .prepare_cached("DELETE FROM activity_feed WHERE user_id = ?1 AND source_type = ?2 AND source_id = ?3")?
        .execute(params![user_id, source_type, source_id])?)
}

/// Deletes the user's expired items (their engagements go with them).
pub fn sweep_expired(tx: &Tx, user_id: &str) -> Result<usize> {
    Ok(tx
        .prepare_cached("DELETE FROM activity_feed WHERE user_id = ?1 AND expires_at IS NOT NULL AND expires_at <= ?2")?
        .execute(params![user_id, tx.now_text()])?)
}

/// The position after an item in the feed's order: `pinned|priority|created_at|id`.
fn cursor_of(r: &ActivityFeedRow) -> String {
    format!("{}|{}|{}|{}", r.is_pinned as i64, r.priority, r.created_at, r.id)
}

fn parse_cursor(cursor: &str) -> Result<(i64, i64, String, String)> {
    let bad = || CoreError::validation("cursor is not one this feed gave (ask for the first page again)");
    let mut parts = cursor.splitn(4, '|');
    let pinned = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    let priority = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    let created = parts.next().ok_or_else(bad)?.to_string();
    let id = parts.next().ok_or_else(bad)?.to_string();
    Ok((pinned, priority, created, id))
}

/// Which items a page shows (the Activity card's filters, kept in
/// `user_dashboard_settings.feed_filters`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct FeedFilter {
    #[serde(default)]
    pub unread_only: bool,
    /// Only these types; empty: every type.
    #[serde(default)]
    pub types: Vec<ActivityType>,
}

/// The seed's "Get User's Activity Feed", one page after `cursor` (`None`: the first).
pub fn page(
    conn: &Connection,
    user_id: &str,
    now: DateTime<Utc>,
    cursor: Option<&str>,
    limit: Option<i64>,
    filter: &FeedFilter,
) -> Result<FeedPage> {
    let limit = limit.unwrap_or(PAGE_DEFAULT);
    if !(1..=PAGE_MAX).contains(&limit) {
        return Err(CoreError::rule(crate::error::Rule::Range { field: "limit".into(), min: 1, max: PAGE_MAX, got: limit }));
    }
    let after = cursor.map(parse_cursor).transpose()?;
    let cols = ActivityFeedRow::COLUMNS.iter().map(|c| format!("af.\"{c}\"")).collect::<Vec<_>>().join(", ");
    let sql = format!(
        "SELECT {cols}, (SELECT count(*) FROM feed_engagement fe WHERE fe.feed_item_id = af.id) AS engagement_count
         FROM activity_feed af
         WHERE af.user_id = ?1
           AND (af.expires_at IS NULL OR af.expires_at > ?2)
           AND NOT EXISTS (SELECT 1 FROM feed_engagement d WHERE d.feed_item_id = af.id AND +d.engagement_type = 'dismiss')
           AND (?3 IS NULL OR (af.is_pinned, af.priority, af.created_at, af.id) < (?3, ?4, ?5, ?6))
           AND (?8 = 0 OR af.is_read = 0)
           AND (?9 IS NULL OR af.activity_type IN (SELECT value FROM json_each(?9)))
         ORDER BY af.is_pinned DESC, af.priority DESC, af.created_at DESC, af.id DESC
         LIMIT ?7"
    );
    let (p, pr, c, i) = match &after {
        Some((p, pr, c, i)) => (Some(*p), Some(*pr), Some(c.as_str()), Some(i.as_str())),
        None => (None, None, None, None),
    };
    let types = (!filter.types.is_empty())
        .then(|| serde_json::to_string(&filter.types.iter().map(|t| t.as_str()).collect::<Vec<_>>()))
        .transpose()
        .map_err(|e| CoreError::Database(e.to_string()))?;
    let mut stmt = conn.prepare_cached(&sql)?;
    let items = stmt
        .query_map(params![user_id, timestamp_text(now), p, pr, c, i, limit + 1, filter.unread_only, types], |r| {
            Ok(FeedItem { row: ActivityFeedRow::from_sql(r)?, engagement_count: r.get(ActivityFeedRow::COLUMNS.len())? })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut items = items;
    let next_cursor = if items.len() as i64 > limit {
        items.truncate(limit as usize);
        items.last().map(|i| cursor_of(&i.row))
    } else {
        None
    };
    let unread = conn
        .prepare_cached(
            "SELECT count(*) FROM (SELECT 1 FROM activity_feed af WHERE af.user_id = ?1 AND af.is_read = 0
               AND (af.expires_at IS NULL OR af.expires_at > ?2)
               AND NOT EXISTS (SELECT 1 FROM feed_engagement d WHERE d.feed_item_id = af.id AND +d.engagement_type = 'dismiss')
             LIMIT ?3)",
        )?
        .query_row(params![user_id, timestamp_text(now), UNREAD_MAX], |r| r.get(0))?;
    Ok(FeedPage { items, next_cursor, unread })
}

fn own_item(tx: &Tx, user_id: &str, id: &str) -> Result<ActivityFeedRow> {
    let id = crate::validate::id("feed item", id)?;
    row::get::<ActivityFeedRow>(tx, &id)?.filter(|r| r.user_id == user_id).ok_or_else(|| CoreError::not_found("feed item", id))
}

/// Marks every unread item read; answers how many.
pub fn mark_all_read(db: &Db, user_id: &str) -> Result<usize> {
    db.write(WriteCtx::by(user_id, "feed.read_all"), |tx| {
        Ok(tx.prepare_cached("UPDATE activity_feed SET is_read = 1 WHERE user_id = ?1 AND is_read = 0")?.execute([user_id])?)
    })
}

/// Marks an item read or unread.
pub fn set_read(db: &Db, user_id: &str, id: &str, read: bool) -> Result<()> {
    db.write(WriteCtx::by(user_id, "feed.read"), |tx| {
        let mut item = own_item(tx, user_id, id)?;
        item.is_read = read;
        row::update(tx, &item)
    })
}

/// Pins an item to the top, or unpins it.
pub fn set_pinned(db: &Db, user_id: &str, id: &str, pinned: bool) -> Result<()> {
    db.write(WriteCtx::by(user_id, "feed.pin"), |tx| {
        let mut item = own_item(tx, user_id, id)?;
        item.is_pinned = pinned;
        row::update(tx, &item)
    })
}

/// Records what the user did with an item (`dismiss` hides it for good).
pub fn engage(db: &Db, user_id: &str, id: &str, kind: EngagementType) -> Result<()> {
    db.write(WriteCtx::by(user_id, "feed.engage"), |tx| {
        let item = own_item(tx, user_id, id)?;
        let engagement = FeedEngagementRow {
            id: tx.new_id(),
            feed_item_id: item.id,
            user_id: user_id.to_string(),
            engagement_type: kind,
            created_at: tx.now_text(),
        };
        row::insert(tx, &engagement)
    })
}
