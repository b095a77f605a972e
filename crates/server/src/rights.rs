//! Who owns a row, which stream it lives in, and who may read or write it
//! (docs/sync.md §2). Private rows: `u:<owner>`; public social rows: `public`; a
//! dashboard and its widgets, reports and shares: `d:<dashboard>`, readable by the owner
//! and by accounts with a live share, writable by the owner and (dashboards and widgets
//! only) by `edit` grantees.

use serde_json::{Map, Value};
use studydesk_sync::catalog::{Class, Owner, TableInfo};
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// The columns of `users` only its owner's devices see (docs/sync.md §2.3). `is_active`,
/// `role` and `status` travel with the public part: they are NOT NULL, so a device could
/// not store another account's profile row without them, and they reveal nothing personal.
pub const USERS_PRIVATE: &[&str] = &[
    "email", "legacy_id", "email_verified_at", "provider", "provider_id", "metadata", "department", "phone", "timezone",
    "last_login",
];

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
    let row = db
        .query_opt(
            "SELECT columns->>'permission' FROM rows WHERE table_name = 'dashboard_shares' AND cl % 2 = 1
               AND columns->>'dashboard_id' = $1 AND columns->>'user_id' = $2",
            &[&dashboard, &account.to_string()],
        )
        .await?;
    Ok(row.and_then(|r| r.get(0)))
}

/// The streams `account` may read now: public, its own, and its dashboards' (owned or shared).
pub async fn readable_streams(db: &impl GenericClient, account: Uuid) -> Result<Vec<String>, tokio_postgres::Error> {
    let me = account.to_string();
    let rows = db
        .query(
            "SELECT row_id FROM rows WHERE table_name = 'dashboards' AND cl % 2 = 1 AND owner = $1
             UNION
             SELECT columns->>'dashboard_id' FROM rows WHERE table_name = 'dashboard_shares' AND cl % 2 = 1 AND columns->>'user_id' = $2
             ORDER BY 1",
            &[&account, &me],
        )
        .await?;
    let mut streams = vec!["public".to_string(), private_stream(account)];
    streams.extend(rows.iter().filter_map(|r| r.get::<_, Option<String>>(0)).map(|d| dashboard_stream(&d)));
    Ok(streams)
}
