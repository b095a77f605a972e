//! Sharing my dashboards with other accounts on the sync server (issue 16 item 3):
//! `dashboard_shares`, one row per (dashboard, grantee) with `view` or `edit` rights.
//!
//! Contract: only a dashboard's owner shares it, changes a share's permission or revokes
//! it (the server enforces the same, docs/sync.md §2.4); a share's id is the natural id of
//! (dashboard, grantee), so sharing again updates the permission instead of making a
//! second row. The grantee is an account id the caller resolved (from an email, through
//! the sync server: `sync::lookup_account`); it must not be me, and its `users` row must
//! be on this device (it comes with the `public` stream), else the foreign key could not
//! hold. What travels with a share, and what never does (the owner's data source
//! credentials), is the sync server's rule (docs/sync.md §9.2). Revoking deletes the row:
//! the grantee's devices drop the dashboard at their next pull.

use super::ownership::own_dashboard;
use super::rows::{DashboardRow, DashboardShareRow, SharePermission};
use crate::account::profile;
use crate::db::{row, Tx, WriteCtx};
use crate::{validate, CoreError, Db, Result};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// At most this many accounts per dashboard (a list the owner can still read).
pub const SHARES_PER_DASHBOARD_MAX: i64 = 100;

/// A share of one of my dashboards, with the grantee's face.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct Share {
    pub id: String,
    pub dashboard_id: String,
    pub dashboard_name: String,
    pub user_id: String,
    pub username: Option<String>,
    /// The grantee's display name as this device knows it (`None` when they set none).
    pub display_name: Option<String>,
    pub permission: SharePermission,
    pub shared_at: String,
}

/// A dashboard of another account I may open: shared with me, or public.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct SharedDashboard {
    pub dashboard_id: String,
    pub name: String,
    pub description: Option<String>,
    pub owner_id: String,
    pub owner_username: Option<String>,
    pub owner_display_name: Option<String>,
    /// `None` when it is public and not shared with me: read only.
    pub permission: Option<SharePermission>,
    pub shared_at: Option<String>,
}

/// The shares of my dashboards, and the dashboards shared with me (or public).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct ShareList {
    pub by_me: Vec<Share>,
    pub with_me: Vec<SharedDashboard>,
}

/// `view` or `edit`, as typed (the CLI's `--permission`).
pub fn parse_permission(text: &str) -> Result<SharePermission> {
    match text.trim().to_ascii_lowercase().as_str() {
        "view" => Ok(SharePermission::View),
        "edit" => Ok(SharePermission::Edit),
        other => Err(CoreError::validation(format!(
            "\"{}\" is not a permission: use view (read only) or edit",
            validate::truncate_for_message(other)
        ))),
    }
}

/// Checks an email before asking the server about it.
pub fn check_email(email: &str) -> Result<String> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 255 && email.split_once('@').is_some_and(|(a, b)| !a.is_empty() && !b.is_empty() && !b.contains('@'));
    if !valid || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(CoreError::validation(format!("\"{}\" is not an email address", validate::truncate_for_message(&email))));
    }
    Ok(email)
}

/// Shares my dashboard with the account `grantee` (or changes its permission).
pub fn add(db: &Db, me: &str, dashboard_id: &str, grantee: &str, permission: SharePermission) -> Result<Share> {
    let grantee = validate::id("account", grantee)?;
    let id = db.write(WriteCtx::by(me, "dashboard.share"), |tx| {
        let dashboard = own_dashboard(tx, me, dashboard_id)?;
        put(tx, me, &dashboard, &grantee, permission)
    })?;
    db.read(|c| one(c, me, &id))
}

/// Writes the share of my `dashboard` with `grantee` (new, or its permission changed),
/// inside the caller's write (an approved access request shares in the same write); the
/// share's id.
pub fn put(tx: &Tx, me: &str, dashboard: &DashboardRow, grantee: &str, permission: SharePermission) -> Result<String> {
    if grantee == me {
        return Err(CoreError::validation("a dashboard cannot be shared with yourself: it is already yours"));
    }
    if !profile::exists(tx, grantee)? {
        return Err(CoreError::validation("that account's profile has not reached this device yet: sync, then share again"));
    }
    let id = tx.natural_id("dashboard_shares", &[&dashboard.id, grantee]);
    if let Some(current) = row::get::<DashboardShareRow>(tx, &id)? {
        row::update(tx, &DashboardShareRow { permission, ..current })?;
        return Ok(id);
    }
    let count: i64 =
        tx.prepare_cached("SELECT count(*) FROM dashboard_shares WHERE dashboard_id = ?1")?.query_row([&dashboard.id], |r| r.get(0))?;
    if count >= SHARES_PER_DASHBOARD_MAX {
        return Err(CoreError::validation(format!(
            "\"{}\" is shared with {SHARES_PER_DASHBOARD_MAX} accounts already; revoke one first",
            validate::truncate_for_message(&dashboard.name)
        )));
    }
    let share = DashboardShareRow {
        id: id.clone(),
        dashboard_id: dashboard.id.clone(),
        user_id: grantee.to_string(),
        permission,
        shared_at: tx.now_text(),
        shared_by: Some(me.to_string()),
    };
    row::insert(tx, &share)?;
    Ok(id)
}

/// Revokes a share of one of my dashboards.
pub fn revoke(db: &Db, me: &str, share_id: &str) -> Result<()> {
    let share_id = validate::id("share", share_id)?;
    db.write(WriteCtx::by(me, "dashboard.unshare"), |tx| {
        let share = row::get::<DashboardShareRow>(tx, &share_id)?.ok_or_else(|| CoreError::not_found("share", &share_id))?;
        // Someone else's share is "not found", as someone else's dashboard is.
        own_dashboard(tx, me, &share.dashboard_id).map_err(|_| CoreError::not_found("share", &share_id))?;
        row::delete::<DashboardShareRow>(tx, &share_id)
    })
}

fn one(conn: &Connection, me: &str, id: &str) -> Result<Share> {
    list(conn, me)?.by_me.into_iter().find(|s| s.id == id).ok_or_else(|| CoreError::not_found("share", id))
}

/// My dashboards' shares (by dashboard name, then grantee), and the dashboards of others
/// shared with me or public (by name).
pub fn list(conn: &Connection, me: &str) -> Result<ShareList> {
    let mine: Vec<DashboardRow> = row::select(conn, "WHERE user_id = ?1", [me])?;
    let mut by_me = vec![];
    for d in &mine {
        let shares: Vec<DashboardShareRow> = row::select(conn, "WHERE dashboard_id = ?1", [&d.id])?;
        by_me.extend(shares.into_iter().map(|s| (d, s)));
    }
    let ids: Vec<&str> = by_me.iter().map(|(_, s)| s.user_id.as_str()).collect();
    let faces = profile::faces(conn, &ids)?;
    let mut by_me: Vec<Share> = by_me
        .into_iter()
        .map(|(d, s)| {
            let face = faces.get(&s.user_id);
            Share {
                id: s.id,
                dashboard_id: d.id.clone(),
                dashboard_name: d.name.clone(),
                username: face.and_then(|f| f.username.clone()),
                display_name: face.map(|f| f.display_name.clone()).filter(|n| !n.is_empty()),
                user_id: s.user_id,
                permission: s.permission,
                shared_at: s.shared_at,
            }
        })
        .collect();
    by_me.sort_by(|a, b| (&a.dashboard_name, &a.display_name, &a.user_id).cmp(&(&b.dashboard_name, &b.display_name, &b.user_id)));
    Ok(ShareList { by_me, with_me: with_me(conn, me)? })
}

/// The dashboards of other accounts on this device: a grantee's devices hold exactly those
/// shared with it or public (the server sends nothing else).
fn with_me(conn: &Connection, me: &str) -> Result<Vec<SharedDashboard>> {
    let theirs: Vec<DashboardRow> = row::select(conn, "WHERE user_id <> ?1 ORDER BY name COLLATE NOCASE, id", [me])?;
    let owners: Vec<&str> = theirs.iter().map(|d| d.user_id.as_str()).collect();
    let faces = profile::faces(conn, &owners)?;
    let mut out = vec![];
    for d in theirs {
        let share = row::get::<DashboardShareRow>(conn, &studydesk_sync::natural_id("dashboard_shares", &[&d.id, me]))?;
        if share.is_none() && !d.is_public {
            continue; // left from an earlier share; the next pull removes it
        }
        let face = faces.get(&d.user_id);
        out.push(SharedDashboard {
            dashboard_id: d.id,
            name: d.name,
            description: d.description,
            owner_username: face.and_then(|f| f.username.clone()),
            owner_display_name: face.map(|f| f.display_name.clone()).filter(|n| !n.is_empty()),
            owner_id: d.user_id,
            permission: share.as_ref().map(|s| s.permission),
            shared_at: share.map(|s| s.shared_at),
        });
    }
    Ok(out)
}
