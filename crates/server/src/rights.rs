//! Who owns a row, which stream it lives in, and who may read or write it
//! (docs/sync.md §2). Private rows: `u:<owner>`; public social rows: `public`; a post by
//! its visibility (`public`, `f:<author>` for followers, `u:<author>` for only me) and its
//! media, tags, likes and comments in their post's stream (`studydesk_sync::streams`);
//! a dashboard and its widgets, reports and shares: `d:<dashboard>`, readable by the owner
//! and by accounts with a live share, writable by the owner and (dashboards and widgets
//! only) by `edit` grantees; a dashboard whose `is_public` is 1 is also read by every other
//! account, without its shares and reports ([`ReadableStream::public_only`]). `f:<author>` is read by the author and by every account that
//! effectively follows it ([`studydesk_sync::streams::effective_follow`]).
//!
//! Column visibility has one rule, [`visible_columns`], and every answer that carries a
//! row's columns (a pull page, a refusal's `current`) goes through it: a reader who is not
//! the row's owner never sees the private part of `users` nor a private reference in a
//! shared row ([`PRIVATE_REFERENCES`]); nobody ever sees a secret or derived column.

use serde_json::{Map, Value};
use std::collections::HashMap;
use studydesk_sync::catalog::{is_derived, is_secret, Class, Owner, TableInfo};
use studydesk_sync::streams::{self, FollowFacts, Visibility};
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
    streams::private(&account.to_string())
}

pub fn dashboard_stream(dashboard: &str) -> String {
    streams::dashboard(dashboard)
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
/// [`owner_parent`] names (looked up by the caller). `post_stream`: for a post, the stream
/// the server stored it in (a post keeps its stream for good); for a post's media, tags,
/// likes and comments, their post's stream (looked up by the caller; `None` when the
/// server has no such post, which the parent check refuses).
pub fn place(
    info: &TableInfo,
    row_id: &str,
    change: Option<&Map<String, Value>>,
    stored: Option<&Map<String, Value>>,
    parent_owner: Option<Uuid>,
    post_stream: Option<String>,
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
        Class::Public if info.name == "posts" => post_stream.unwrap_or_else(|| {
            // The word was checked (validate.rs); a row stored before the column existed is public.
            let visibility = Visibility::parse(column(change, stored, "visibility")).unwrap_or(Visibility::Public);
            streams::post_stream(&owner.unwrap_or(Uuid::nil()).to_string(), visibility)
        }),
        Class::Public if streams::is_post_child(&info.name) => post_stream.unwrap_or_else(|| streams::PUBLIC.to_string()),
        Class::Public => streams::PUBLIC.to_string(),
        Class::Dashboard => dashboard_stream(dashboard.as_deref().unwrap_or("")),
        _ if info.name == "workflows" => match (owner, request_approver(change, stored)) {
            (Some(requester), Some(approver)) if approver != requester => streams::requests(&approver.to_string(), &requester.to_string()),
            _ => private_stream(owner.unwrap_or(Uuid::nil())),
        },
        _ => private_stream(owner.unwrap_or(Uuid::nil())),
    };
    Placement { stream, owner, dashboard }
}

/// The approver a `workflows` row names (an access request lives in the stream of its
/// approver and requester, `r:<approver>:<requester>`, which both read).
pub fn request_approver(change: Option<&Map<String, Value>>, stored: Option<&Map<String, Value>>) -> Option<Uuid> {
    column(change, stored, "approver_id").and_then(|v| Uuid::parse_str(v).ok())
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
/// `u:` and `f:` streams and the dashboards it owns: it may see owner-only columns there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadableStream {
    pub id: String,
    pub owned: bool,
    /// A public dashboard (`is_public` 1) the account neither owns nor has a share of: read
    /// without [`PUBLIC_READER_LEAVES_OUT`], and kept in the cursor under its own key.
    pub public_only: bool,
}

/// The tables of a public dashboard's stream an account reading it only because it is
/// public does not get: who else it is shared with, and the reports (their recipients'
/// addresses) are the owner's and the grantees' business.
pub const PUBLIC_READER_LEAVES_OUT: &[&str] = &["dashboard_shares", "reports"];

impl ReadableStream {
    fn new(id: String, owned: bool) -> Self {
        ReadableStream { id, owned, public_only: false }
    }

    /// The stream's key in the pull cursor: `p:<dashboard>` for a public-only read, so that
    /// a reader who becomes a grantee (or stops being one) is told the stream was revoked
    /// and reads it again from its start with the rows it now may read.
    pub fn cursor_key(&self) -> String {
        match self.id.strip_prefix("d:") {
            Some(dashboard) if self.public_only => format!("{PUBLIC_DASHBOARD_KEY}{dashboard}"),
            _ => self.id.clone(),
        }
    }

    /// Whether the reader does not get this table's rows of the stream.
    pub fn leaves_out(&self, table: &str) -> bool {
        self.public_only && PUBLIC_READER_LEAVES_OUT.contains(&table)
    }
}

/// The cursor prefix of a dashboard stream read only because the dashboard is public.
pub const PUBLIC_DASHBOARD_KEY: &str = "p:";

/// The stream a cursor key stands for (`p:<dashboard>` is `d:<dashboard>` on the wire).
pub fn stream_of_cursor_key(key: &str) -> String {
    match key.strip_prefix(PUBLIC_DASHBOARD_KEY) {
        Some(dashboard) => dashboard_stream(dashboard),
        None => key.to_string(),
    }
}

/// The streams `account` may read now, in the order a pull serves them: public, its own
/// private stream, the followers-only streams (its own and those of every author it
/// effectively follows, by id), then its dashboards' (owned or shared, by id). Parents
/// come no later than their children: every stream's rows refer to `public` (users) or to
/// their own stream, private and dashboard rows also to the owner's `u:` rows. Public
/// dashboards of other accounts come with the dashboards, as `public_only` unless shared.
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
             UNION
             SELECT r.row_id, NULL FROM rows r
             WHERE r.table_name = 'dashboards' AND r.columns->>'is_public' = '1' AND r.cl % 2 = 1
             ORDER BY 1, 2 DESC NULLS LAST",
        )
        .await?;
    let params: [&(dyn tokio_postgres::types::ToSql + Sync); 2] = [&account, &me];
    let (rows, mut followed, requests) =
        tokio::try_join!(db.query(&statement, &params), followed_authors(db, &me), request_streams(db, &me))?;
    let mut streams = vec![ReadableStream::new(streams::PUBLIC.to_string(), false), ReadableStream::new(private_stream(account), true)];
    followed.retain(|a| *a != me);
    followed.push(me.clone());
    followed.sort();
    followed.dedup();
    streams.extend(followed.iter().map(|a| ReadableStream::new(streams::followers(a), *a == me)));
    for row in &rows {
        let Some(dashboard) = row.get::<_, Option<String>>(0) else { continue };
        let id = dashboard_stream(&dashboard);
        // Owned, shared and public at once: listed once, as owned, else as shared (ORDER BY
        // puts owned first and the public-only read, NULL, last).
        if streams.last().is_none_or(|s| s.id != id) {
            let how: Option<bool> = row.get(1);
            streams.push(ReadableStream { id, owned: how == Some(true), public_only: how.is_none() });
        }
    }
    streams.extend(requests.into_iter().map(|id| ReadableStream::new(id, false)));
    Ok(streams)
}

/// The `r:` streams of the access requests `account` sent or was sent (any `workflows`
/// row, live or deleted, naming it as requester or approver: a stream once read stays
/// readable, so a withdrawn request is deleted on the devices by its delete change).
async fn request_streams(db: &impl GenericClient, account: &str) -> Result<Vec<String>, tokio_postgres::Error> {
    let statement = db
        .prepare_cached(
            "SELECT DISTINCT r.stream FROM row_refs f JOIN rows r ON r.table_name = f.child_table AND r.row_id = f.row_id
             WHERE f.parent_table = 'users' AND f.parent_id = $1 AND f.child_table = 'workflows'
               AND f.child_column IN ('requester_id', 'approver_id') AND r.stream LIKE 'r:%'
             ORDER BY 1",
        )
        .await?;
    Ok(db.query(&statement, &[&account]).await?.iter().map(|r| r.get(0)).collect())
}

/// The authors `follower` effectively follows, read from the server's rows: its live
/// `follows` rows (by `row_refs`), each with the author's `follow_policy`, the author's
/// live answer about this follower and whether the author blocks it.
pub async fn followed_authors(db: &impl GenericClient, follower: &str) -> Result<Vec<String>, tokio_postgres::Error> {
    let statement = db
        .prepare_cached(
            "SELECT f.columns->>'followee_id', f.columns->>'created_at', u.columns->>'follow_policy', d.decision, d.decided_at,
                    EXISTS (SELECT 1 FROM row_refs z JOIN rows b ON b.table_name = z.child_table AND b.row_id = z.row_id
                            WHERE z.parent_table = 'users' AND z.parent_id = $1 AND z.child_table = 'user_blocks'
                              AND z.child_column = 'blocked_user_id' AND b.cl % 2 = 1
                              AND b.columns->>'blocked_user_id' = $1 AND b.columns->>'user_id' = f.columns->>'followee_id')
             FROM row_refs x
             JOIN rows f ON f.table_name = x.child_table AND f.row_id = x.row_id
             LEFT JOIN rows u ON u.table_name = 'users' AND u.row_id = f.columns->>'followee_id' AND u.cl % 2 = 1
             LEFT JOIN LATERAL (
                 SELECT r.columns->>'decision' AS decision, r.columns->>'decided_at' AS decided_at
                 FROM row_refs y JOIN rows r ON r.table_name = y.child_table AND r.row_id = y.row_id
                 WHERE y.parent_table = 'users' AND y.parent_id = $1 AND y.child_table = 'follow_decisions'
                   AND y.child_column = 'follower_id' AND r.cl % 2 = 1
                   AND r.columns->>'follower_id' = $1 AND r.columns->>'followee_id' = f.columns->>'followee_id'
                 LIMIT 1) d ON true
             WHERE x.parent_table = 'users' AND x.parent_id = $1 AND x.child_table = 'follows' AND x.child_column = 'follower_id'
               AND f.cl % 2 = 1 AND f.columns->>'follower_id' = $1",
        )
        .await?;
    let rows = db.query(&statement, &[&follower]).await?;
    let mut authors = vec![];
    for row in &rows {
        let Some(author) = row.get::<_, Option<String>>(0) else { continue };
        let (decision, decided_at): (Option<String>, Option<String>) = (row.get(3), row.get(4));
        let facts = FollowFacts {
            follow_created_at: Some(row.get::<_, Option<&str>>(1).unwrap_or("")),
            policy: row.get(2),
            decision: decision.as_deref().zip(decided_at.as_deref()),
            blocked: row.get(5),
        };
        if streams::effective_follow(&facts) {
            authors.push(author);
        }
    }
    Ok(authors)
}

/// The accounts that block `account` (a live `user_blocks` row naming it), each with the
/// server time the block began: a pull leaves out what they wrote from then on.
pub async fn blockers_of(db: &impl GenericClient, account: Uuid) -> Result<HashMap<Uuid, chrono::DateTime<chrono::Utc>>, tokio_postgres::Error> {
    let statement = db
        .prepare_cached(
            "SELECT b.blocker, b.since FROM blocks b JOIN rows r ON r.table_name = 'user_blocks' AND r.row_id = b.row_id AND r.cl % 2 = 1
             WHERE b.blocked = $1 AND b.blocker <> $1",
        )
        .await?;
    Ok(db.query(&statement, &[&account]).await?.iter().map(|r| (r.get(0), r.get(1))).collect())
}
