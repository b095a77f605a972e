//! Typed rows of the focus and immerse tables: `progress_metrics`, `activities`,
//! `user_activity_favorites`, `idle_sessions`, `user_activities`, `user_presence`,
//! `immersive_workspaces`, `immersive_widgets` (`attachments` has its row in
//! `crate::attachments`).
//!
//! Each type is the whole row, column for column (see [`crate::db::row`] for the
//! mapping); `validate()` mirrors the table's CHECKs in V1 and names the column it
//! refuses (built-in activities belong to nobody and a user's own always have an owner;
//! widget sizes are at least 1 cell).
//!
//! These are the room's one type per table: the services read them with
//! `Row::from_sql` / the `db::row` helpers and write whole rows with `row::insert`
//! (targeted `UPDATE`s stay where a statement changes a column or two of a row the
//! service did not read). `user_presence` is read as [`UserPresenceRow`] itself. The
//! views, each built from its row because it adds something:
//! - `activities::Activity`: the row (flattened: the same fields in JSON) plus whether the
//!   user favours it and how many do;
//! - `sessions::FocusSession`: the session's timer state computed from its event log,
//!   its activity's and course's names (built through `sessions`' `Loaded::of(row, …)`);
//! - `immerse::{Workspace, Widget}`: the decoded background and settings, the widgets
//!   joined to their workspace;
//! - `progress::ProgressRing`: the latest snapshot of a scope inside its period.

use crate::db::row::{self, sql_enum, table_row, SqlColumn};
use crate::focus::progress::Scope;
use crate::{CoreError, Result};
use serde_json::Value;

impl SqlColumn for Scope {
    fn to_value(&self) -> rusqlite::types::Value {
        rusqlite::types::Value::Text(self.as_str().to_string())
    }
    fn read(r: &rusqlite::Row, idx: usize) -> rusqlite::Result<Self> {
        row::read_enum(r, idx, |s| Scope::ALL.into_iter().find(|v| v.as_str() == s))
    }
}

sql_enum! {
    /// `activities.kind`.
    pub enum ActivityKind {
        Pomodoro = "pomodoro",
        DeepWork = "deep_work",
        Review = "review",
        Practice = "practice",
        Reading = "reading",
        Lecture = "lecture",
        Custom = "custom",
    }
}

sql_enum! {
    /// `idle_sessions.status`: a focus session's state.
    pub enum FocusSessionStatus {
        Active = "active",
        Paused = "paused",
        Completed = "completed",
        Abandoned = "abandoned",
    }
}

sql_enum! {
    /// `user_presence.status`.
    pub enum PresenceStatus {
        Online = "online",
        Offline = "offline",
        Idle = "idle",
    }
}

sql_enum! {
    /// `immersive_workspaces.background_type`.
    pub enum BackgroundType {
        Image = "image",
        Video = "video",
        Color = "color",
    }
}

table_row! {
    /// `progress_metrics` (001): one snapshot per user, scope and local day.
    pub struct ProgressMetricRow in "progress_metrics" {
        pub id: String,
        pub user_id: String,
        pub scope: Scope,
        pub value: i64,
        pub target_value: Option<i64>,
        /// The local day, `YYYY-MM-DD`.
        pub captured_at: String,
        pub created_at: String,
    }
}

impl ProgressMetricRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        row::non_negative("value", self.value)?;
        if let Some(target) = self.target_value {
            row::at_least("target_value", target, 1)?;
        }
        row::date("captured_at", &self.captured_at)?;
        row::timestamp("created_at", &self.created_at)
    }
}

table_row! {
    /// `activities` (designed): the catalog of study activities; built-ins (shipped with
    /// V1, `user_id` NULL) and the user's own.
    pub struct ActivityRow in "activities" {
        pub id: String,
        pub user_id: Option<String>,
        pub name: String,
        pub kind: ActivityKind,
        pub description: Option<String>,
        pub default_duration_minutes: Option<i64>,
        pub emoji: Option<String>,
        pub is_builtin: bool,
        pub created_at: String,
        pub updated_at: String,
    }
}

impl ActivityRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::opt_uuid("user_id", self.user_id.as_deref())?;
        row::required("name", &self.name, 120)?;
        if let Some(minutes) = self.default_duration_minutes {
            row::at_least("default_duration_minutes", minutes, 1)?;
        }
        row::opt_max_len("emoji", self.emoji.as_deref(), 16)?;
        if self.is_builtin != self.user_id.is_none() {
            return Err(CoreError::validation(
                "user_id must be empty for a built-in activity (is_builtin) and set for a user's own",
            ));
        }
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)
    }
}

table_row! {
    /// `user_activity_favorites` (004).
    pub struct UserActivityFavoriteRow in "user_activity_favorites" {
        pub id: String,
        pub user_id: String,
        pub activity_id: String,
        pub created_at: String,
    }
}

impl UserActivityFavoriteRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        row::uuid("activity_id", &self.activity_id)?;
        row::timestamp("created_at", &self.created_at)
    }
}

table_row! {
    /// `idle_sessions` (002): a focus session; `total_duration` in seconds.
    pub struct IdleSessionRow in "idle_sessions" {
        pub id: String,
        pub user_id: String,
        pub activity_id: Option<String>,
        pub session_name: Option<String>,
        pub status: FocusSessionStatus,
        pub start_time: String,
        pub end_time: Option<String>,
        pub total_duration: i64,
        pub session_config: Option<Value>,
        pub activity_log: Option<Value>,
        pub created_at: String,
        pub updated_at: String,
        /// V4: the course studied, if any.
        pub course_id: Option<String>,
        /// V4: the user's local date at the start, `YYYY-MM-DD`.
        pub local_date: Option<String>,
    }
}

impl IdleSessionRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        row::opt_uuid("activity_id", self.activity_id.as_deref())?;
        row::timestamp("start_time", &self.start_time)?;
        row::opt_timestamp("end_time", self.end_time.as_deref())?;
        row::non_negative("total_duration", self.total_duration)?;
        row::opt_uuid("course_id", self.course_id.as_deref())?;
        if let Some(d) = self.local_date.as_deref() {
            row::date("local_date", d)?;
        }
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)
    }
}

table_row! {
    /// `user_activities` (002): tracked activity, optionally within a session.
    pub struct UserActivityRow in "user_activities" {
        pub id: String,
        pub user_id: String,
        pub session_id: Option<String>,
        pub activity_type: String,
        pub activity_data: Option<Value>,
        pub occurred_at: String,
        pub ip_address: Option<String>,
        pub user_agent: Option<String>,
        pub metadata: Option<Value>,
    }
}

impl UserActivityRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        row::opt_uuid("session_id", self.session_id.as_deref())?;
        row::nonblank("activity_type", &self.activity_type)?;
        row::timestamp("occurred_at", &self.occurred_at)
    }
}

table_row! {
    /// `user_presence` (001): one row per user ("Studying Linear Algebra").
    pub struct UserPresenceRow in "user_presence" {
        pub id: String,
        pub user_id: String,
        pub status: PresenceStatus,
        pub activity: Option<String>,
        pub last_seen_at: Option<String>,
    }
}

impl UserPresenceRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        row::opt_max_len("activity", self.activity.as_deref(), 120)?;
        row::opt_timestamp("last_seen_at", self.last_seen_at.as_deref())
    }
}

table_row! {
    /// `immersive_workspaces` (001): an immerse-mode board and its background.
    pub struct ImmersiveWorkspaceRow in "immersive_workspaces" {
        pub id: String,
        pub user_id: String,
        pub name: String,
        pub background_type: BackgroundType,
        /// The image or video (an address or an attachment), or empty for a colour.
        pub background_value: Option<String>,
        /// A hex colour, e.g. `#1e293b`.
        pub background_color: Option<String>,
        pub settings: Option<Value>,
        pub created_at: String,
        pub updated_at: String,
    }
}

impl ImmersiveWorkspaceRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        row::required("name", &self.name, 80)?;
        if let Some(colour) = self.background_color.as_deref() {
            row::hex_colour("background_color", colour)?;
        }
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)
    }
}

table_row! {
    /// `immersive_widgets` (001): a widget placed on a board's grid.
    pub struct ImmersiveWidgetRow in "immersive_widgets" {
        pub id: String,
        pub workspace_id: String,
        pub r#type as "type": String,
        pub title_key: Option<String>,
        pub title: Option<String>,
        pub grid_x: i64,
        pub grid_y: i64,
        pub grid_w: i64,
        pub grid_h: i64,
        pub settings: Option<Value>,
        pub created_at: String,
        pub updated_at: String,
    }
}

impl ImmersiveWidgetRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("workspace_id", &self.workspace_id)?;
        row::required("type", &self.r#type, 32)?;
        row::opt_max_len("title_key", self.title_key.as_deref(), 120)?;
        row::opt_max_len("title", self.title.as_deref(), 120)?;
        row::non_negative("grid_x", self.grid_x)?;
        row::non_negative("grid_y", self.grid_y)?;
        row::at_least("grid_w", self.grid_w, 1)?;
        row::at_least("grid_h", self.grid_h, 1)?;
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)
    }
}

/// `attachments` is the attachments room's table (`crate::attachments`); re-exported for
/// the rows' tests, which walk every room's rows.
pub use crate::attachments::AttachmentRow;
