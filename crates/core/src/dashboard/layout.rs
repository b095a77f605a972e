//! The Home card layout, kept in `user_dashboard_settings.widget_layout` (the card order)
//! and `hidden_widgets` (cards the user hid). Unknown or missing card names in stored
//! JSON are repaired on read, so a newer or older app never shows a broken Home.

use crate::db::{Tx, WriteCtx};
use crate::{CoreError, Db, Result};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CardId {
    Todo,
    Assignments,
    Progress,
    FocusAreas,
    QuickLinks,
    Playlists,
}

pub const ALL_CARDS: [CardId; 6] =
    [CardId::Todo, CardId::Assignments, CardId::Progress, CardId::FocusAreas, CardId::QuickLinks, CardId::Playlists];

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct DashboardLayout {
    /// Every card, in display order.
    pub order: Vec<CardId>,
    /// Cards the user hid (still listed in `order`, so they come back in place).
    pub hidden: Vec<CardId>,
}

impl Default for DashboardLayout {
    fn default() -> Self {
        DashboardLayout { order: ALL_CARDS.to_vec(), hidden: vec![] }
    }
}

impl DashboardLayout {
    /// Drops duplicates, appends cards missing from `order`, and drops hidden cards that
    /// do not exist.
    fn normalised(mut self) -> Self {
        let mut seen = Vec::new();
        self.order.retain(|c| if seen.contains(c) { false } else { seen.push(*c); true });
        for c in ALL_CARDS {
            if !self.order.contains(&c) {
                self.order.push(c);
            }
        }
        let mut hidden = Vec::new();
        for c in self.hidden {
            if !hidden.contains(&c) {
                hidden.push(c);
            }
        }
        self.hidden = hidden;
        self
    }
}

pub fn insert_defaults(tx: &Tx, user_id: &str) -> Result<()> {
    let l = DashboardLayout::default();
    tx.execute(
        "INSERT INTO user_dashboard_settings(id, user_id, widget_layout, hidden_widgets, feed_filters, quick_actions, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, '{}', '[]', ?5, ?5)",
        params![
            tx.natural_id("user_dashboard_settings", &[user_id]),
            user_id,
            serde_json::to_string(&l.order)?, serde_json::to_string(&l.hidden)?, tx.now_text()],
    )?;
    Ok(())
}

pub fn get(conn: &Connection, user_id: &str) -> Result<DashboardLayout> {
    let row: Option<(Option<String>, Option<String>)> = conn
        .prepare_cached("SELECT widget_layout, hidden_widgets FROM user_dashboard_settings WHERE user_id = ?1")?
        .query_row([user_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((order, hidden)) = row else {
        return Err(CoreError::not_found("dashboard settings of user", user_id));
    };
    let order: Vec<CardId> = order.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default();
    let hidden: Vec<CardId> = hidden.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default();
    Ok(DashboardLayout { order, hidden }.normalised())
}

pub fn update(db: &Db, user_id: &str, layout: DashboardLayout) -> Result<DashboardLayout> {
    let layout = layout.normalised();
    if layout.hidden.len() == ALL_CARDS.len() {
        return Err(CoreError::validation("keep at least one card visible on Home"));
    }
    db.write(WriteCtx::by(user_id, "dashboard.layout"), |tx| {
        tx.execute(
            "UPDATE user_dashboard_settings SET widget_layout = ?1, hidden_widgets = ?2, updated_at = ?3 WHERE user_id = ?4",
            params![serde_json::to_string(&layout.order)?, serde_json::to_string(&layout.hidden)?, tx.now_text(), user_id],
        )?;
        get(tx, user_id)
    })
}
