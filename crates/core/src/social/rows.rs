//! Typed rows of the social tables: `user_tags`, `follows`, `posts`, `post_media`,
//! `post_tags`, `post_comments`, `post_likes`, `emoji_categories`, `emojis`,
//! `user_emoji_favorites`, and V13's `follow_decisions`, `user_blocks`, `user_mutes`.
//!
//! Each type is the whole row, column for column (see [`crate::db::row`] for the
//! mapping); `validate()` mirrors the table's CHECKs in V1 and names the column it
//! refuses: tags are stored without a leading `#`, nobody follows themselves, counters
//! are never negative, emoji keywords are a JSON array. `emoji_categories` keeps the
//! seed's INTEGER id (shipped reference data), so its `id` is an `i64`.

use crate::db::row::{self, sql_enum, table_row};
use crate::{CoreError, Result};
use serde_json::Value;

table_row! {
    /// `user_tags` (001): a profile's interests, without `#`.
    pub struct UserTagRow in "user_tags" {
        pub id: String,
        pub user_id: String,
        pub tag: String,
        pub created_at: String,
    }
}

impl UserTagRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        row::tag("tag", &self.tag)?;
        row::timestamp("created_at", &self.created_at)
    }
}

table_row! {
    /// `follows` (001): `follower_id` follows `followee_id`.
    pub struct FollowRow in "follows" {
        pub id: String,
        pub follower_id: String,
        pub followee_id: String,
        pub created_at: String,
    }
}

impl FollowRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("follower_id", &self.follower_id)?;
        row::uuid("followee_id", &self.followee_id)?;
        if self.follower_id == self.followee_id {
            return Err(CoreError::validation("followee_id must not be the follower_id (nobody follows themselves)"));
        }
        row::timestamp("created_at", &self.created_at)
    }
}

sql_enum! {
    /// `posts.visibility` (V13): who may read a post; fixed when it is posted.
    pub enum PostVisibility {
        Public = "public",
        Followers = "followers",
        OnlyMe = "only_me",
    }
}

sql_enum! {
    /// `follow_decisions.decision` (V13).
    pub enum FollowDecision {
        Accepted = "accepted",
        Declined = "declined",
    }
}

table_row! {
    /// `follow_decisions` (V13): the followee's answer to a follow request.
    pub struct FollowDecisionRow in "follow_decisions" {
        pub id: String,
        pub followee_id: String,
        pub follower_id: String,
        pub decision: FollowDecision,
        pub decided_at: String,
    }
}

impl FollowDecisionRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("followee_id", &self.followee_id)?;
        row::uuid("follower_id", &self.follower_id)?;
        if self.follower_id == self.followee_id {
            return Err(CoreError::validation("follower_id must not be the followee_id (nobody follows themselves)"));
        }
        row::timestamp("decided_at", &self.decided_at)
    }
}

table_row! {
    /// `user_blocks` (V13): `user_id` blocks `blocked_user_id`.
    pub struct UserBlockRow in "user_blocks" {
        pub id: String,
        pub user_id: String,
        pub blocked_user_id: String,
        pub created_at: String,
    }
}

impl UserBlockRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        row::uuid("blocked_user_id", &self.blocked_user_id)?;
        if self.user_id == self.blocked_user_id {
            return Err(CoreError::validation("blocked_user_id must not be the user_id (nobody blocks themselves)"));
        }
        row::timestamp("created_at", &self.created_at)
    }
}

table_row! {
    /// `user_mutes` (V13): `user_id` does not see `muted_user_id`'s posts in the feed.
    pub struct UserMuteRow in "user_mutes" {
        pub id: String,
        pub user_id: String,
        pub muted_user_id: String,
        pub created_at: String,
    }
}

impl UserMuteRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        row::uuid("muted_user_id", &self.muted_user_id)?;
        if self.user_id == self.muted_user_id {
            return Err(CoreError::validation("muted_user_id must not be the user_id (nobody mutes themselves)"));
        }
        row::timestamp("created_at", &self.created_at)
    }
}

table_row! {
    /// `posts` (001): a study log.
    pub struct PostRow in "posts" {
        pub id: String,
        pub user_id: String,
        pub content: Option<String>,
        pub book_title: Option<String>,
        /// As the user wrote it, e.g. "1h 30m".
        pub study_duration: Option<String>,
        pub subject: Option<String>,
        pub image_url: Option<String>,
        pub like_count: i64,
        pub comment_count: i64,
        pub created_at: String,
        pub updated_at: String,
        pub visibility: PostVisibility,
    }
}

impl PostRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        row::opt_max_len("book_title", self.book_title.as_deref(), 160)?;
        row::opt_max_len("study_duration", self.study_duration.as_deref(), 32)?;
        row::opt_max_len("subject", self.subject.as_deref(), 80)?;
        row::non_negative("like_count", self.like_count)?;
        row::non_negative("comment_count", self.comment_count)?;
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)
    }
}

table_row! {
    /// `post_media` (001): an image or video of a post, in order.
    pub struct PostMediaRow in "post_media" {
        pub id: String,
        pub post_id: String,
        pub media_type: String,
        pub url: String,
        pub order_index: i64,
        pub metadata: Option<Value>,
    }
}

impl PostMediaRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("post_id", &self.post_id)?;
        row::required("media_type", &self.media_type, 20)?;
        row::nonblank("url", &self.url)
    }
}

table_row! {
    /// `post_tags` (001): a post's tags, without `#`.
    pub struct PostTagRow in "post_tags" {
        pub id: String,
        pub post_id: String,
        pub tag: String,
    }
}

impl PostTagRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("post_id", &self.post_id)?;
        row::tag("tag", &self.tag)
    }
}

table_row! {
    /// `post_comments` (001).
    pub struct PostCommentRow in "post_comments" {
        pub id: String,
        pub post_id: String,
        pub author_id: String,
        pub body: String,
        pub created_at: String,
        pub updated_at: String,
    }
}

impl PostCommentRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("post_id", &self.post_id)?;
        row::uuid("author_id", &self.author_id)?;
        row::nonblank("body", &self.body)?;
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)
    }
}

table_row! {
    /// `post_likes` (001): one per user and post.
    pub struct PostLikeRow in "post_likes" {
        pub id: String,
        pub post_id: String,
        pub user_id: String,
        pub created_at: String,
    }
}

impl PostLikeRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("post_id", &self.post_id)?;
        row::uuid("user_id", &self.user_id)?;
        row::timestamp("created_at", &self.created_at)
    }
}

table_row! {
    /// `emoji_categories` (002): shipped reference data with an INTEGER id.
    pub struct EmojiCategoryRow in "emoji_categories" {
        pub id: i64,
        pub name: String,
        pub display_name: Option<String>,
        pub description: Option<String>,
        pub icon: Option<String>,
        pub sort_order: i64,
        pub is_active: bool,
        pub created_at: String,
        pub updated_at: String,
    }
}

impl EmojiCategoryRow {
    fn check(&self) -> Result<()> {
        row::nonblank("name", &self.name)?;
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)
    }
}

table_row! {
    /// `emojis` (002): standard (by `unicode`) or custom (by `image_url`).
    pub struct EmojiRow in "emojis" {
        pub id: String,
        pub category_id: Option<i64>,
        pub unicode: Option<String>,
        pub shortcode: Option<String>,
        pub name: String,
        pub description: Option<String>,
        /// A JSON array of search words.
        pub keywords: Option<Value>,
        pub skin_tone: Option<String>,
        pub is_custom: bool,
        pub image_url: Option<String>,
        pub created_at: String,
        pub updated_at: String,
        /// Unicode's order within the category (V11).
        pub sort_order: i64,
        /// The creator of a custom emoji (V14); NULL for the shipped Unicode catalog.
        pub created_by: Option<String>,
    }
}

impl EmojiRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::nonblank("name", &self.name)?;
        row::opt_json_array("keywords", self.keywords.as_ref())?;
        if self.created_by.is_some() && !self.is_custom {
            // The V14 CHECK: only a custom emoji has a creator (the catalog's rows are shipped).
            return Err(crate::CoreError::validation("created_by is set only on a custom emoji (is_custom)"));
        }
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)
    }
}

table_row! {
    /// `user_emoji_favorites` (002): favorites and recent use.
    pub struct UserEmojiFavoriteRow in "user_emoji_favorites" {
        pub id: String,
        pub user_id: String,
        pub emoji_id: String,
        pub created_at: String,
        pub usage_count: i64,
        pub last_used: Option<String>,
        /// When the user starred it; `None` for an emoji only used (V11).
        pub favorited_at: Option<String>,
    }
}

impl UserEmojiFavoriteRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        row::uuid("emoji_id", &self.emoji_id)?;
        row::timestamp("created_at", &self.created_at)?;
        row::non_negative("usage_count", self.usage_count)?;
        row::opt_timestamp("last_used", self.last_used.as_deref())?;
        row::opt_timestamp("favorited_at", self.favorited_at.as_deref())
    }
}
