//! Typed rows of the account and trust tables: `users`, `user_settings`,
//! `user_preferences`, `app_settings`, `audit_logs`, `user_activity_log`,
//! `user_sessions`, `api_keys`.
//!
//! Each type is the whole row, column for column (see [`crate::db::row`] for the
//! mapping); `validate()` mirrors the table's CHECKs in V1 and names the column it
//! refuses.
//!
//! These are the room's one type per table: the services read and write them with the
//! `db::row` helpers. Two views exist, each built from its row (`From<&Row>`) because it
//! adds something: `profile::Profile` leaves out the private and secret columns of
//! `users` (password hash, phone, metadata...), and `settings::UserSettings` decodes the
//! locale and theme words. No row type here is exported to TypeScript. `user_preferences`
//! is read and written by key through `preferences::{get, set}` (one JSON value each);
//! `app_settings`, `audit_logs`, `user_activity_log`, `user_sessions` and `api_keys` wait
//! for the Insights and social issues (`audit_logs` is written by the write path's
//! triggers, `db::capture`).

use crate::db::row::{self, sql_enum, table_row};
use crate::Result;
use serde_json::Value;

sql_enum! {
    /// `users.role` (003).
    pub enum UserRole {
        BusinessUser = "business_user",
        Analyst = "analyst",
        OpsManager = "ops_manager",
        Admin = "admin",
    }
}

sql_enum! {
    /// `users.status` (003); the local profile is created `active`.
    pub enum UserStatus {
        Active = "active",
        Inactive = "inactive",
        Pending = "pending",
    }
}

sql_enum! {
    /// `users.follow_policy` (V13): whether a follow takes effect at once or is a request
    /// the user answers.
    pub enum FollowPolicy {
        Open = "open",
        Approve = "approve",
    }
}

table_row! {
    /// `users`: the merged profile of 000/001/002/003 (see docs/schema.md §2).
    pub struct UserRow in "users" {
        pub id: String,
        /// 000's BIGINT id of an imported user; `None` for users created by Studydesk.
        pub legacy_id: Option<i64>,
        pub email: Option<String>,
        pub username: Option<String>,
        pub display_name: String,
        /// A password hash, never the password.
        pub password: Option<String>,
        pub bio: Option<String>,
        pub location: Option<String>,
        pub avatar_url: Option<String>,
        pub banner_image_url: Option<String>,
        /// `YYYY-MM-DD`.
        pub joined_at: Option<String>,
        pub followers_count: i64,
        pub following_count: i64,
        pub posts_count: i64,
        pub email_verified_at: Option<String>,
        pub is_active: bool,
        pub provider: Option<String>,
        pub provider_id: Option<String>,
        pub metadata: Option<Value>,
        pub role: UserRole,
        pub department: Option<String>,
        pub phone: Option<String>,
        pub timezone: Option<String>,
        pub status: UserStatus,
        pub last_login: Option<String>,
        pub created_at: String,
        pub updated_at: String,
        pub follow_policy: FollowPolicy,
    }
}

impl UserRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::opt_max_len("email", self.email.as_deref(), 255)?;
        row::opt_max_len("username", self.username.as_deref(), 50)?;
        row::max_len("display_name", &self.display_name, 120)?;
        row::opt_max_len("password", self.password.as_deref(), 255)?;
        row::opt_max_len("location", self.location.as_deref(), 120)?;
        row::opt_date("joined_at", self.joined_at.as_deref())?;
        row::non_negative("followers_count", self.followers_count)?;
        row::non_negative("following_count", self.following_count)?;
        row::non_negative("posts_count", self.posts_count)?;
        row::opt_timestamp("email_verified_at", self.email_verified_at.as_deref())?;
        row::opt_max_len("department", self.department.as_deref(), 100)?;
        row::opt_max_len("phone", self.phone.as_deref(), 50)?;
        row::opt_max_len("timezone", self.timezone.as_deref(), 50)?;
        row::opt_timestamp("last_login", self.last_login.as_deref())?;
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)
    }
}

table_row! {
    /// `user_settings`: one row per user (001).
    pub struct UserSettingsRow in "user_settings" {
        pub id: String,
        pub user_id: String,
        pub preferred_locale: String,
        /// An IANA time zone name.
        pub timezone: Option<String>,
        pub theme: String,
        pub data: Option<Value>,
        pub created_at: String,
        pub updated_at: String,
    }
}

impl UserSettingsRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        row::required("preferred_locale", &self.preferred_locale, 10)?;
        row::opt_max_len("timezone", self.timezone.as_deref(), 64)?;
        row::required("theme", &self.theme, 32)?;
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)
    }
}

table_row! {
    /// `user_preferences`: one JSON value per user and key (002).
    pub struct UserPreferenceRow in "user_preferences" {
        pub id: String,
        pub user_id: String,
        pub preference_key: String,
        pub preference_value: Option<Value>,
        pub created_at: String,
        pub updated_at: String,
    }
}

impl UserPreferenceRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        row::nonblank("preference_key", &self.preference_key)?;
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)
    }
}

table_row! {
    /// `app_settings`: settings of the installation, not of a user (002).
    pub struct AppSettingRow in "app_settings" {
        pub id: String,
        pub setting_key: String,
        pub setting_value: Option<Value>,
        pub description: Option<String>,
        pub category: Option<String>,
        pub is_public: bool,
        pub created_at: String,
        pub updated_at: String,
    }
}

impl AppSettingRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::nonblank("setting_key", &self.setting_key)?;
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)
    }
}

table_row! {
    /// `audit_logs`: the history of every change (the capture triggers write it) merged
    /// with 002/003's audit rows. Not itself captured for sync.
    pub struct AuditLogRow in "audit_logs" {
        pub id: String,
        /// `None`: the app itself.
        pub user_id: Option<String>,
        pub action: String,
        pub entity_type: String,
        /// The row id (a UUID, or an imported seed's string id).
        pub entity_id: Option<String>,
        pub old_values: Option<Value>,
        pub new_values: Option<Value>,
        pub ip_address: Option<String>,
        pub user_agent: Option<String>,
        pub metadata: Value,
        pub created_at: String,
    }
}

impl AuditLogRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::opt_uuid("user_id", self.user_id.as_deref())?;
        row::required("action", &self.action, 100)?;
        row::required("entity_type", &self.entity_type, 100)?;
        row::opt_max_len("ip_address", self.ip_address.as_deref(), 50)?;
        row::json_object("metadata", &self.metadata)?;
        row::timestamp("created_at", &self.created_at)
    }
}

table_row! {
    /// `user_activity_log`: analytics of one's own activity (000).
    pub struct UserActivityLogRow in "user_activity_log" {
        pub id: String,
        pub user_id: String,
        pub action_type: String,
        pub resource_type: Option<String>,
        /// CHAR(36) in the seed: an id, not necessarily one of ours.
        pub resource_id: Option<String>,
        pub metadata: Option<Value>,
        pub ip_address: Option<String>,
        pub user_agent: Option<String>,
        pub session_id: Option<String>,
        pub created_at: String,
    }
}

impl UserActivityLogRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        row::required("action_type", &self.action_type, 50)?;
        row::opt_max_len("resource_type", self.resource_type.as_deref(), 50)?;
        row::opt_max_len("resource_id", self.resource_id.as_deref(), 36)?;
        row::opt_max_len("ip_address", self.ip_address.as_deref(), 45)?;
        row::opt_max_len("session_id", self.session_id.as_deref(), 255)?;
        row::timestamp("created_at", &self.created_at)
    }
}

table_row! {
    /// `user_sessions`: a signed-in device (002).
    pub struct UserSessionRow in "user_sessions" {
        pub id: String,
        pub user_id: String,
        pub session_token: String,
        pub access_token: Option<String>,
        pub refresh_token: Option<String>,
        pub expires_at: Option<String>,
        pub created_at: String,
        pub last_activity: Option<String>,
        pub ip_address: Option<String>,
        pub user_agent: Option<String>,
        pub session_data: Option<Value>,
    }
}

impl UserSessionRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        row::nonblank("session_token", &self.session_token)?;
        row::opt_timestamp("expires_at", self.expires_at.as_deref())?;
        row::timestamp("created_at", &self.created_at)?;
        row::opt_timestamp("last_activity", self.last_activity.as_deref())
    }
}

table_row! {
    /// `api_keys`: keys for sync and the remote API; only the hash is stored (002/003).
    pub struct ApiKeyRow in "api_keys" {
        pub id: String,
        pub user_id: String,
        pub name: String,
        pub key_hash: String,
        /// A JSON array, e.g. `["read","write"]`.
        pub permissions: Value,
        pub expires_at: Option<String>,
        pub last_used: Option<String>,
        pub is_active: bool,
        pub created_at: String,
        pub updated_at: String,
    }
}

impl ApiKeyRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        row::required("name", &self.name, 255)?;
        row::required("key_hash", &self.key_hash, 255)?;
        row::json_array("permissions", &self.permissions)?;
        row::opt_timestamp("expires_at", self.expires_at.as_deref())?;
        row::opt_timestamp("last_used", self.last_used.as_deref())?;
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)
    }
}
