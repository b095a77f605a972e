//! Whose a dashboard is: the one check every insights module makes before reading or
//! changing a dashboard or its widgets (someone else's is "not found": we do not say whose).

use super::rows::DashboardRow;
use crate::db::row;
use crate::{validate, CoreError, Result};
use rusqlite::Connection;

/// The dashboard `id` if it is `me`'s.
pub fn own_dashboard(conn: &Connection, me: &str, id: &str) -> Result<DashboardRow> {
    let id = validate::id("dashboard", id)?;
    match row::get::<DashboardRow>(conn, &id)? {
        Some(r) if r.user_id == me => Ok(r),
        _ => Err(CoreError::not_found("dashboard", &id)),
    }
}
