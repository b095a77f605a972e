//! Who owns a row, which stream it lives in, and who may read or write it
//! (docs/sync.md §2). Private rows: `u:<owner>`; public social rows: `public`; a
//! dashboard and its widgets, reports and shares: `d:<dashboard>`, readable by the owner
//! and by accounts with a live share, writable by the owner and (dashboards and widgets
//! only) by `edit` grantees.
//!
//! Column visibility has one rule, [`visible_columns`], and every answer that carries a
//! row's columns (a pull page, a refusal's `current`) goes through it: a reader who is not
//! the row's owner never sees the private part of `users` nor a private reference in a
//! shared row ([`PRIVATE_REFERENCES`]); nobody ever sees a secret or derived column.

use serde_json::{Map, Value};
use studydesk_sync::catalog::{is_derived, is_secret, Class, Owner, TableInfo};
use deadpool_postgres::GenericClient;
use uuid::Uuid;

/// The columns of `users` only its owner's devices see (docs/sync.md §2.3). `is_active`,
/// `role` and `status` travel with the public part: they are NOT NULL, so a device could
/// not store another account's profile row without them, and they reveal nothing personal.
pub const USERS_PRIVATE: &[&str] = &[
    "email", "legacy_id", "email_verified_at", "provider", "provider_id", "metadata", "department", "phone", "timezone",
    "last_login",
];

/// Columns of shared rows that point into their owner's private rows: delivered as `null`
/// to every reader but the owner (the reader could not resolve them), and writable only by
/// the owner (docs/sync.md §2.3).
pub const PRIVATE_REFERENCES: &[(&str, &str)] = &[("widgets", "data_source_id")];

pub fn is_private_reference(table: &str, column: &str) -> bool {
    PRIVATE_REFERENCES.iter().any(|(t, c)| *t == table && *c == column)
}

/// The columns of a `table` row as `reader_owns` (the reader owns the row) may see them:
/// the one filter of every answer that carries columns. Private references stay present,
/// as `null`, so a device clears what it must not hold rather than keeping a stale value.
pub fn visible_columns(table: &str, columns: Map<String, Value>, reader_owns: bool) -> Map<String, Value> {
    columns
        .into_iter()
        .filter(|(name, _)| !is_secret(table, name) && !is_derived(table, name))
        .filter(|(name, _)| reader_owns || !(table == "users" && USERS_PRIVATE.contains(&name.as_str())))
        .map(|(name, value)| {
            if !reader_owns && is_private_reference(table, &name) {
                (name, Value::Null)
            } else {
                (name, value)
            }
        })
        .collect()
}

/// Whether a table's rows may ever need [`visible_columns`] for a reader who does not own
/// them (lets a pull skip parsing every other row).
pub fn has_owner_only_columns(table: &str) -> bool {
    table == "users" || PRIVATE_REFERENCES.iter().any(|(t, _)| *t == table)
}

pub fn private_stream(account: Uuid) -> String {
    format!("u:{account}")
}

pub fn dashboard_stream(dashboard: &str) -> String {
    format!("d:{dashboard}")
}

/// A column's value as text, from the change, else from the stored row.
pub fn column<'a>(change: Option<&'a Map<String, Value>>, stored: Option<&'a Map<String, Value>>, name: &str) -> Option<&'a str> {
    change
        .and_then(|c| c.get(name))
        .or_else(|| stored.and_then(|s| s.get(name)))
        .and_then(Value::as_str)
}

/// Where the row lives and who owns it, as far as the row itself says.
pub struct Placement {
    pub stream: String,
    pub owner: Option<Uuid>,
    /// For dashboard rows: the dashboard they belong to.
    pub dashboard: Option<String>,
}

/// The parent row whose owner owns a row of `info` (`Owner::Parent` tables), if named.
pub fn owner_parent<'a>(
    info: &TableInfo,
    change: Option<&'a Map<String, Value>>,
    stored: Option<&'a Map<String, Value>>,
) -> Option<(&'static str, &'a str)> {
    match info.owner() {
        Owner::Parent { column: c, table } => column(change, stored, c).map(|parent| (table, parent)),
        Owner::Column(_) => None,
    }
}

/// Where a row lives and who owns it; `parent_owner` is the owner of the live row
/// [`owner_parent`] names (looked up by the caller).
pub fn place(
    info: &TableInfo,
    row_id: &str,
    change: Option<&Map<String, Value>>,
    stored: Option<&Map<String, Value>>,
    parent_owner: Option<Uuid>,
) -> Placement {
    let owner = match info.owner() {
        Owner::Column("id") => Uuid::parse_str(row_id).ok(),
        Owner::Column(c) => column(change, stored, c).and_then(|v| Uuid::parse_str(v).ok()),
        Owner::Parent { .. } => parent_owner,
    };
    let dashboard = match info.name.as_str() {
        "dashboards" => Some(row_id.to_string()),
        _ if info.class() == Class::Dashboard => column(change, stored, "dashboard_id").map(str::to_string),
        _ => None,
    };
    let stream = match info.class() {
        Class::Public => "public".to_string(),
        Class::Dashboard => dashboard_stream(dashboard.as_deref().unwrap_or("")),
        _ => private_stream(owner.unwrap_or(Uuid::nil())),
    };
    Placement { stream, owner, dashboard }
}

/// The permission `account` holds on a dashboard through a live share ("view"/"edit").
pub async fn share_permission(db: &impl GenericClient, dashboard: &str, account: Uuid) -> Result<Option<String>, tokio_postgres::Error> {
    // A share's id is derived from (dashboard, grantee) and the server checks it on every
    // write (validate::check_row): one key lookup.
    let me = account.to_string();
    let id = studydesk_sync::natural_id("dashboard_shares", &[dashboard, &me]);
    let statement = db
        .prepare_cached(
            "SELECT columns->>'permission' FROM rows WHERE table_name = 'dashboard_shares' AND row_id = $1 AND cl % 2 = 1
               AND columns->>'dashboard_id' = $2 AND columns->>'user_id' = $3",
        )
        .await?;
    let row = db.query_opt(&statement, &[&id, &dashboard, &me]).await?;
    Ok(row.and_then(|r| r.get(0)))
}

/// A stream an account may read now, and whether it owns what the stream holds (its own
/// `u:` stream and the dashboards it owns: it may see owner-only columns there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadableStream {
    pub id: String,
    pub owned: bool,
}

/// The streams `account` may read now: public, its own, and its dashboards' (owned or
/// shared), in the order a pull serves them.
pub async fn readable_streams(db: &impl GenericClient, account: Uuid) -> Result<Vec<ReadableStream>, tokio_postgres::Error> {
    let me = account.to_string();
    let statement = db
        .prepare_cached(
            "SELECT r.row_id, true FROM row_refs f JOIN rows r ON r.table_name = f.child_table AND r.row_id = f.row_id
             WHERE f.parent_table = 'users' AND f.parent_id = $2 AND f.child_table = 'dashboards' AND f.child_column = 'user_id'
               AND r.cl % 2 = 1 AND r.owner = $1
             UNION
             SELECT r.columns->>'dashboard_id', false FROM row_refs f JOIN rows r ON r.table_name = f.child_table AND r.row_id = f.row_id
             WHERE f.parent_table = 'users' AND f.parent_id = $2 AND f.child_table = 'dashboard_shares' AND f.child_column = 'user_id'
               AND r.cl % 2 = 1 AND r.columns->>'user_id' = $2
             ORDER BY 1, 2 DESC",
        )
        .await?;
    let rows = db.query(&statement, &[&account, &me]).await?;
    let mut streams = vec![
        ReadableStream { id: "public".to_string(), owned: false },
        ReadableStream { id: private_stream(account), owned: true },
    ];
    for row in &rows {
        let Some(dashboard) = row.get::<_, Option<String>>(0) else { continue };
        let id = dashboard_stream(&dashboard);
        // Owned and shared with oneself: listed once, as owned (ORDER BY puts it first).
        if streams.last().is_none_or(|s| s.id != id) {
            streams.push(ReadableStream { id, owned: row.get(1) });
        }
    }
    Ok(streams)
}
