//! Which tables and columns sync, who owns each row and who may read it (docs/sync.md §2).
//!
//! Two halves: `catalog.json` is generated from the app's migrations (columns, their SQL
//! types and NOT NULL, foreign keys with their ON DELETE rule) by the core test
//! `sync_catalog_matches_the_migrations`, which fails when it is stale; the rules a schema
//! cannot say (class, owner, secret and derived columns) are the constants below. The
//! server validates pushes against it, so it needs no migration when the app's schema grows.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Who may read a table's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// The owner's devices only (the default).
    Private,
    /// Every account on the server; written by the author only.
    Public,
    /// The dashboard's owner and the accounts it is shared with.
    Dashboard,
    /// Never leaves the device.
    LocalOnly,
}

/// Tables that never leave the device: credentials, installation settings, shipped data,
/// the user's own activity log and the e-mail outbox (docs/schema.md).
pub const LOCAL_ONLY: &[&str] = &["user_sessions", "api_keys", "app_settings", "emoji_categories", "user_activity_log", "email_outbox"];

/// Synced tables that also hold shipped reference data: a row whose `column` is NULL is
/// shipped (installed by the app on every device, never captured, never stored by a
/// server, never written by a pull), any other row is user data. `emojis`: the Unicode
/// catalog (`created_by` NULL) beside custom emoji (`created_by` their creator). A
/// reference to a row of such a table that the server does not hold is to shipped data.
pub const SHIPPED_ROWS: &[(&str, &str)] = &[("emojis", "created_by")];

/// The column whose NULL marks a shipped row of `table` (see [`SHIPPED_ROWS`]).
pub fn shipped_marker(table: &str) -> Option<&'static str> {
    SHIPPED_ROWS.iter().find(|(t, _)| *t == table).map(|(_, c)| *c)
}

pub const PUBLIC: &[&str] = &[
    "users",
    "user_tags",
    "follows",
    "follow_decisions",
    "user_presence",
    "posts",
    "post_media",
    "post_tags",
    "post_comments",
    "post_likes",
    "emojis",
];

pub const DASHBOARD: &[&str] = &["dashboards", "widgets", "reports", "dashboard_shares", "widget_results"];

/// Secrets stay in their row: never in a change, refused by the server.
pub const SECRET_COLUMNS: &[(&str, &[&str])] = &[
    ("users", &["password"]),
    ("user_sessions", &["session_token", "access_token", "refresh_token"]),
    ("api_keys", &["key_hash"]),
    ("data_sources", &["connection_config"]),
];

/// Counters every device recomputes; last-writer-wins on a counter would lose increments.
pub const DERIVED_COLUMNS: &[(&str, &[&str])] = &[
    ("users", &["followers_count", "following_count", "posts_count"]),
    ("posts", &["like_count", "comment_count"]),
];

/// Columns each device keeps for itself, like the derived counters never sent nor
/// accepted: an alert's last evaluation. Every device evaluates its alerts on its own,
/// every 15 minutes; synced, each check would send a change per alert per quarter hour,
/// and one device's check would move another's schedule. What an evaluation decides (the
/// status, when it last triggered) still syncs.
/// Likewise every device fetches its calendar subscriptions itself (V26): the validators
/// of its last good copy, its attempts, errors and back-off are its own.
pub const DEVICE_COLUMNS: &[(&str, &[&str])] = &[
    ("alerts", &["last_evaluated_at", "last_value", "last_previous"]),
    (
        "calendar_subscriptions",
        &["etag", "last_modified", "last_attempt_at", "last_success_at", "last_error", "failures", "next_fetch_at"],
    ),
];

/// Columns a CHECK or a rule ties together, so they must never mix two writers' values
/// (docs/sync.md §4.5): an event moved on one device and resized on another would end
/// before it starts. The capture triggers send the whole group whenever one member
/// changes, all with the writer's one clock, so per-column last-writer-wins picks one
/// writer for the whole group.
pub const COLUMN_GROUPS: &[(&str, &[&[&str]])] = &[
    (
        "calendar_events",
        &[&["event_date", "end_date", "starts_at", "ends_at", "all_day", "timezone", "rrule", "exdates", "rdates", "series_end_date"]],
    ),
    ("calendar_event_reminders", &[&["minutes_before", "remind_at", "fire_at"]]),
    ("item_reminders", &[&["minutes_before", "remind_at", "fire_at"]]),
    ("tasks", &[&["is_completed", "completed_at"]]),
    ("idle_sessions", &[&["status", "start_time", "end_time", "total_duration", "activity_log", "local_date"]]),
];

/// The column groups of a table (see [`COLUMN_GROUPS`]).
pub fn column_groups(table: &str) -> &'static [&'static [&'static str]] {
    COLUMN_GROUPS.iter().find(|(t, _)| *t == table).map_or(&[], |(_, groups)| groups)
}

/// How a row's owner is found: a column of the row, or the owner of its parent row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Column(&'static str),
    Parent { column: &'static str, table: &'static str },
}

const OWNER_OVERRIDES: &[(&str, Owner)] = &[
    ("users", Owner::Column("id")),
    ("follows", Owner::Column("follower_id")),
    ("follow_decisions", Owner::Column("followee_id")),
    ("post_comments", Owner::Column("author_id")),
    ("data_models", Owner::Column("created_by")),
    ("emojis", Owner::Column("created_by")),
    ("workflows", Owner::Column("requester_id")),
    ("immersive_widgets", Owner::Parent { column: "workspace_id", table: "immersive_workspaces" }),
    ("post_media", Owner::Parent { column: "post_id", table: "posts" }),
    ("post_tags", Owner::Parent { column: "post_id", table: "posts" }),
    ("widgets", Owner::Parent { column: "dashboard_id", table: "dashboards" }),
    ("reports", Owner::Parent { column: "dashboard_id", table: "dashboards" }),
    ("dashboard_shares", Owner::Parent { column: "dashboard_id", table: "dashboards" }),
    ("widget_results", Owner::Parent { column: "dashboard_id", table: "dashboards" }),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnInfo {
    pub name: String,
    pub sql_type: String,
    pub not_null: bool,
    /// The schema gives it a DEFAULT: a row stored before the column existed (a server row
    /// pushed by an older version) lacks it, and every device fills it in.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub has_default: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    pub column: String,
    pub parent: String,
    pub on_delete: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableInfo {
    pub name: String,
    pub columns: Vec<ColumnInfo>,
    pub foreign_keys: Vec<ForeignKey>,
}

impl TableInfo {
    pub fn class(&self) -> Class {
        class_of(&self.name)
    }

    pub fn owner(&self) -> Owner {
        owner_of(&self.name)
    }

    pub fn column(&self, name: &str) -> Option<&ColumnInfo> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn foreign_key(&self, column: &str) -> Option<&ForeignKey> {
        self.foreign_keys.iter().find(|f| f.column == column)
    }
}

/// The schema half, as generated: `schema` is the migration version it was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    pub schema: i64,
    pub tables: BTreeMap<String, TableInfo>,
    /// Rows every installation ships with (built-in activities): they exist on every
    /// device, are never synced, and may be referenced by synced rows.
    #[serde(default)]
    pub builtin_rows: BTreeMap<String, Vec<String>>,
}

impl Catalog {
    /// The catalog of the app version this crate was built with.
    pub fn current() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            serde_json::from_str(include_str!("../catalog.json")).expect("catalog.json is generated and checked by a test")
        })
    }

    /// A synced table (local-only and unknown tables are `None`).
    pub fn table(&self, name: &str) -> Option<&TableInfo> {
        self.tables.get(name)
    }

    pub fn is_builtin(&self, table: &str, id: &str) -> bool {
        self.builtin_rows.get(table).is_some_and(|ids| ids.iter().any(|i| i == id))
    }

    /// Tables that reference `parent`, with the referencing column and ON DELETE rule.
    pub fn children_of<'a>(&'a self, parent: &'a str) -> impl Iterator<Item = (&'a TableInfo, &'a ForeignKey)> + 'a {
        self.tables
            .values()
            .flat_map(|t| t.foreign_keys.iter().map(move |f| (t, f)))
            .filter(move |(_, f)| f.parent == parent)
    }
}

pub fn class_of(table: &str) -> Class {
    if LOCAL_ONLY.contains(&table) {
        Class::LocalOnly
    } else if PUBLIC.contains(&table) {
        Class::Public
    } else if DASHBOARD.contains(&table) {
        Class::Dashboard
    } else {
        Class::Private
    }
}

pub fn owner_of(table: &str) -> Owner {
    OWNER_OVERRIDES.iter().find(|(t, _)| *t == table).map_or(Owner::Column("user_id"), |(_, o)| *o)
}

fn listed(list: &[(&str, &'static [&'static str])], table: &str, column: &str) -> bool {
    list.iter().any(|(t, cols)| *t == table && cols.contains(&column))
}

pub fn is_secret(table: &str, column: &str) -> bool {
    listed(SECRET_COLUMNS, table, column)
}

/// Computed on each device: a derived counter or a device's own column ([`DEVICE_COLUMNS`]).
pub fn is_derived(table: &str, column: &str) -> bool {
    listed(DERIVED_COLUMNS, table, column) || listed(DEVICE_COLUMNS, table, column)
}

/// Secret, derived and device columns: they never travel.
pub fn excluded_columns(table: &str) -> Vec<&'static str> {
    SECRET_COLUMNS
        .iter()
        .chain(DERIVED_COLUMNS)
        .chain(DEVICE_COLUMNS)
        .filter(|(t, _)| *t == table)
        .flat_map(|(_, c)| c.iter().copied())
        .collect()
}

/// The device's own bookkeeping: never user data, never synced, never written by a pull.
pub fn is_bookkeeping(table: &str) -> bool {
    table.starts_with("sync_") || ["local_meta", "refinery_schema_history", "audit_logs"].contains(&table)
}

/// Why a device leaves (part of) a pulled change out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotAccepted {
    /// Local-only (credentials, installation settings, shipped data) or the device's own
    /// bookkeeping (`sync_*`, `local_meta`, `refinery_schema_history`, `audit_logs`).
    LocalOnlyTable,
    /// Not a table this version syncs.
    UnknownTable,
    SecretColumn,
    DerivedColumn,
    /// Not a column of the table in this version.
    UnknownColumn,
}

impl NotAccepted {
    /// The stable word stored as the apply error's code (the server's reject codes).
    pub fn code(self) -> &'static str {
        match self {
            NotAccepted::LocalOnlyTable => "local_only_table",
            NotAccepted::UnknownTable => "unknown_table",
            NotAccepted::SecretColumn => "secret_column",
            NotAccepted::DerivedColumn => "derived_column",
            NotAccepted::UnknownColumn => "unknown_column",
        }
    }
}

/// The table of a pulled change, when a device applies changes to it: exactly the tables
/// it sends itself (the catalog: every table of the schema but local-only ones and
/// bookkeeping; the capture triggers queue the same set, `sync_catalog_matches_the_migrations`
/// keeps the two equal).
pub fn pulled_table(table: &str) -> Result<&'static TableInfo, NotAccepted> {
    Catalog::current().table(table).ok_or(if class_of(table) == Class::LocalOnly || is_bookkeeping(table) {
        NotAccepted::LocalOnlyTable
    } else {
        NotAccepted::UnknownTable
    })
}

/// Whether a device writes `column` of a pulled change to `info`'s table: the columns it
/// sends itself, that is every catalog column but the secret and derived ones
/// ([`excluded_columns`], which the capture triggers leave out). The server refuses the
/// same columns in a push (`validate.rs`).
pub fn pulled_column(info: &TableInfo, column: &str) -> Result<(), NotAccepted> {
    if is_secret(&info.name, column) {
        Err(NotAccepted::SecretColumn)
    } else if is_derived(&info.name, column) {
        Err(NotAccepted::DerivedColumn)
    } else if info.column(column).is_none() {
        Err(NotAccepted::UnknownColumn)
    } else {
        Ok(())
    }
}

/// One rule for what a device accepts from a server: `table.column` is a column it would
/// send itself (see [`pulled_table`], [`pulled_column`]).
pub fn accepts_pulled(table: &str, column: &str) -> bool {
    pulled_table(table).is_ok_and(|info| pulled_column(info, column).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_group_names_synced_columns_of_its_table_once() {
        let catalog = Catalog::current();
        for (table, groups) in COLUMN_GROUPS {
            let info = catalog.tables.get(*table).unwrap_or_else(|| panic!("{table} is not synced"));
            let mut seen = std::collections::HashSet::new();
            for column in groups.iter().flat_map(|g| g.iter()) {
                assert!(info.columns.iter().any(|c| c.name == *column), "{table}.{column} is not a synced column");
                assert!(seen.insert(*column), "{table}.{column} is in two groups");
            }
        }
    }

    #[test]
    fn every_owner_column_exists_in_its_table() {
        let catalog = Catalog::current();
        assert!(catalog.tables.len() > 40);
        for table in catalog.tables.values() {
            assert_ne!(table.class(), Class::LocalOnly, "{} is local-only but in the catalog", table.name);
            let column = match table.owner() {
                Owner::Column(c) => c,
                Owner::Parent { column, table: parent } => {
                    assert_eq!(table.foreign_key(column).map(|f| f.parent.as_str()), Some(parent));
                    column
                }
            };
            assert!(table.column(column).is_some(), "{}.{column} is missing", table.name);
        }
    }

    #[test]
    fn a_device_accepts_from_a_server_only_what_it_would_send() {
        assert!(accepts_pulled("tasks", "description"));
        assert!(accepts_pulled("users", "display_name"));
        assert_eq!(pulled_table("user_sessions").unwrap_err(), NotAccepted::LocalOnlyTable);
        assert_eq!(pulled_table("sync_changes").unwrap_err(), NotAccepted::LocalOnlyTable);
        assert_eq!(pulled_table("local_meta").unwrap_err(), NotAccepted::LocalOnlyTable);
        assert_eq!(pulled_table("no_such_table").unwrap_err(), NotAccepted::UnknownTable);
        let users = pulled_table("users").unwrap();
        assert_eq!(pulled_column(users, "password"), Err(NotAccepted::SecretColumn));
        assert_eq!(pulled_column(users, "followers_count"), Err(NotAccepted::DerivedColumn));
        assert_eq!(pulled_column(users, "shoe_size"), Err(NotAccepted::UnknownColumn));
        for table in Catalog::current().tables.values() {
            for column in &table.columns {
                let excluded = excluded_columns(&table.name).contains(&column.name.as_str());
                assert_eq!(accepts_pulled(&table.name, &column.name), !excluded, "{}.{}", table.name, column.name);
            }
        }
    }
}
