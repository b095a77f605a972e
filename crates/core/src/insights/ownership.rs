//! Whose a dashboard is: the one check every insights module makes before reading or
//! changing a dashboard or its widgets (someone else's is "not found": we do not say
//! whose). A dashboard shared with me (`dashboard_shares`) with `edit` rights lets me
//! change its widgets too ([`editable_dashboard`]); with `view` rights, or when it is
//! public, I may only read it ([`access`]). The sync server enforces the same rights.

use super::rows::{DashboardRow, DashboardShareRow, SharePermission};
use crate::db::row;
use crate::{validate, CoreError, Result};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The dashboard `id` if it is `me`'s.
pub fn own_dashboard(conn: &Connection, me: &str, id: &str) -> Result<DashboardRow> {
    let id = validate::id("dashboard", id)?;
    match row::get::<DashboardRow>(conn, &id)? {
        Some(r) if r.user_id == me => Ok(r),
        _ => Err(CoreError::not_found("dashboard", &id)),
    }
}

/// What I may do with a dashboard: mine, shared with me (view or edit), or public.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DashboardAccess {
    Owner,
    Edit,
    View,
    Public,
}

/// My access to a dashboard on this device, `None` when I have none.
pub fn access(conn: &Connection, me: &str, dashboard: &DashboardRow) -> Result<Option<DashboardAccess>> {
    if dashboard.user_id == me {
        return Ok(Some(DashboardAccess::Owner));
    }
    let share = row::get::<DashboardShareRow>(conn, &studydesk_sync::natural_id("dashboard_shares", &[&dashboard.id, me]))?;
    Ok(match share.map(|s| s.permission) {
        Some(SharePermission::Edit) => Some(DashboardAccess::Edit),
        Some(SharePermission::View) => Some(DashboardAccess::View),
        None if dashboard.is_public => Some(DashboardAccess::Public),
        None => None,
    })
}

/// The dashboard `id` if I may change its widgets: mine, or shared with me with `edit`.
/// Shared read only: refused in words; else "not found".
pub fn editable_dashboard(conn: &Connection, me: &str, id: &str) -> Result<DashboardRow> {
    let id = validate::id("dashboard", id)?;
    let found = row::get::<DashboardRow>(conn, &id)?;
    let Some(dashboard) = found else { return Err(CoreError::not_found("dashboard", &id)) };
    match access(conn, me, &dashboard)? {
        Some(DashboardAccess::Owner | DashboardAccess::Edit) => Ok(dashboard),
        Some(DashboardAccess::View | DashboardAccess::Public) => Err(CoreError::validation(format!(
            "\"{}\" is shared with you read only; ask its owner for edit access",
            validate::truncate_for_message(&dashboard.name)
        ))),
        None => Err(CoreError::not_found("dashboard", &id)),
    }
}
