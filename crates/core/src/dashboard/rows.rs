//! Typed rows of the Home dashboard tables: `focus_entries`, `study_resources`,
//! `study_playlists`, `activity_feed`, `feed_engagement`, `user_dashboard_settings`.
//!
//! Each type is the whole row, column for column (see [`crate::db::row`] for the
//! mapping); `validate()` mirrors the table's CHECKs in V1 and names the column it
//! refuses. Links are checked as http(s) addresses, as the Home services do.
//!
//! These are the room's one type per table: `content` reads, writes and returns
//! [`FocusEntry`], [`StudyResource`] and [`StudyPlaylist`] as they are (exported: Home
//! shows them). One view exists beside its row because it decodes it:
//! `layout::DashboardLayout`, built from [`UserDashboardSettings`]: the card order and
//! hidden cards it keeps as JSON, normalised against the cards this version has.
//! `activity_feed` and `feed_engagement` wait for the social issue's feed.

use crate::db::row::{self, sql_enum, table_row};
use crate::{validate, Result};
use serde_json::Value;

sql_enum! {
    /// `feed_engagement.engagement_type`.
    pub enum EngagementType {
        View = "view",
        Click = "click",
        Like = "like",
        Share = "share",
        Dismiss = "dismiss",
    }
}

table_row! {
    /// `focus_entries` (001): Home's focus areas.
    pub struct FocusEntry in "focus_entries" export {
        pub id: String,
        pub user_id: String,
        pub title: String,
        pub description: Option<String>,
        pub order_index: i64,
        pub created_at: String,
        pub updated_at: String,
    }
}

impl FocusEntry {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        row::required("title", &self.title, 120)?;
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)
    }
}

table_row! {
    /// `study_resources` (001): Home's quick links.
    pub struct StudyResource in "study_resources" export {
        pub id: String,
        pub user_id: String,
        pub label: String,
        pub emoji: Option<String>,
        pub url: Option<String>,
        pub order_index: i64,
        pub created_at: String,
        pub updated_at: String,
    }
}

impl StudyResource {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        row::required("label", &self.label, 120)?;
        row::opt_max_len("emoji", self.emoji.as_deref(), 8)?;
        if let Some(url) = self.url.as_deref() {
            validate::url("url", url)?;
        }
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)
    }
}

table_row! {
    /// `study_playlists` (001): Home's playlists (an embeddable player address).
    pub struct StudyPlaylist in "study_playlists" export {
        pub id: String,
        pub user_id: String,
        pub title: String,
        pub provider: Option<String>,
        pub embed_url: String,
        pub order_index: i64,
        pub created_at: String,
        pub updated_at: String,
    }
}

impl StudyPlaylist {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        row::required("title", &self.title, 160)?;
        row::opt_max_len("provider", self.provider.as_deref(), 40)?;
        validate::url("embed_url", &self.embed_url)?;
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)
    }
}

table_row! {
    /// `activity_feed` (000): Home's activity feed items.
    pub struct ActivityFeedRow in "activity_feed" {
        pub id: String,
        pub user_id: String,
        pub activity_type: String,
        pub title: String,
        pub description: Option<String>,
        pub source_type: String,
        /// CHAR(36) in the seed: the id of the source row.
        pub source_id: String,
        pub metadata: Option<Value>,
        pub is_read: bool,
        pub is_pinned: bool,
        pub priority: i64,
        pub created_at: String,
        pub expires_at: Option<String>,
    }
}

impl ActivityFeedRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        row::required("activity_type", &self.activity_type, 50)?;
        row::required("title", &self.title, 255)?;
        row::required("source_type", &self.source_type, 50)?;
        row::required("source_id", &self.source_id, 36)?;
        row::timestamp("created_at", &self.created_at)?;
        row::opt_timestamp("expires_at", self.expires_at.as_deref())
    }
}

table_row! {
    /// `feed_engagement` (000): what the user did with a feed item.
    pub struct FeedEngagementRow in "feed_engagement" {
        pub id: String,
        pub feed_item_id: String,
        pub user_id: String,
        pub engagement_type: EngagementType,
        pub created_at: String,
    }
}

impl FeedEngagementRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("feed_item_id", &self.feed_item_id)?;
        row::uuid("user_id", &self.user_id)?;
        row::timestamp("created_at", &self.created_at)
    }
}

table_row! {
    /// `user_dashboard_settings` (000): one row per user; the Home layout lives in
    /// `widget_layout` (card order) and `hidden_widgets` (see `dashboard::layout`).
    pub struct UserDashboardSettings in "user_dashboard_settings" {
        pub id: String,
        pub user_id: String,
        pub widget_layout: Option<Value>,
        pub hidden_widgets: Option<Value>,
        pub feed_filters: Option<Value>,
        pub quick_actions: Option<Value>,
        pub created_at: String,
        pub updated_at: String,
    }
}

impl UserDashboardSettings {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)
    }
}
