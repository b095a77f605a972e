//! The Home card layout, kept in `user_dashboard_settings.widget_layout` (the card order)
//! and `hidden_widgets` (cards the user hid). Unknown or missing card names in stored
//! JSON are repaired on read, so a newer or older app never shows a broken Home.

use super::rows::UserDashboardSettings;
use crate::db::row;
use crate::db::{Tx, WriteCtx};
use crate::{CoreError, Db, Result};
use rusqlite::Connection;
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
    /// The activity feed (social): unread badge, filters, quick actions.
    Activity,
}

pub const ALL_CARDS: [CardId; 7] = [
    CardId::Todo,
    CardId::Assignments,
    CardId::Progress,
    CardId::FocusAreas,
    CardId::QuickLinks,
    CardId::Playlists,
    CardId::Activity,
];

/// A button of the Activity card (`user_dashboard_settings.quick_actions`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum QuickAction {
    StartFocus,
    AddTask,
    WritePost,
    OpenCalendar,
    OpenFeed,
}

pub const DEFAULT_QUICK_ACTIONS: [QuickAction; 3] = [QuickAction::StartFocus, QuickAction::AddTask, QuickAction::WritePost];

/// The Activity card's settings: its filters (`feed_filters`) and buttons (`quick_actions`).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct ActivityCardSettings {
    pub filter: super::activity_feed::FeedFilter,
    pub quick_actions: Vec<QuickAction>,
}

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

impl DashboardLayout {
    /// The layout the row keeps; a value this version cannot read counts as empty (the
    /// normalisation then puts every card back).
    fn of(row: UserDashboardSettings) -> DashboardLayout {
        let cards = |v: Option<serde_json::Value>| -> Vec<CardId> {
            v.and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default()
        };
        DashboardLayout { order: cards(row.widget_layout), hidden: cards(row.hidden_widgets) }.normalised()
    }
}

pub fn insert_defaults(tx: &Tx, user_id: &str) -> Result<()> {
    let l = DashboardLayout::default();
    let now = tx.now_text();
    let settings = UserDashboardSettings {
        id: tx.natural_id("user_dashboard_settings", &[user_id]),
        user_id: user_id.to_string(),
        widget_layout: Some(serde_json::to_value(&l.order)?),
        hidden_widgets: Some(serde_json::to_value(&l.hidden)?),
        feed_filters: Some(serde_json::json!({})),
        quick_actions: Some(serde_json::json!([])),
        created_at: now.clone(),
        updated_at: now,
    };
    row::insert(tx, &settings)
}

fn settings(conn: &Connection, user_id: &str) -> Result<UserDashboardSettings> {
    row::select_one(conn, "WHERE user_id = ?1", [user_id])?
        .ok_or_else(|| CoreError::not_found("dashboard settings of user", user_id))
}

/// The Activity card's settings; stored JSON this version cannot read counts as the
/// defaults (no filter, [`DEFAULT_QUICK_ACTIONS`]).
pub fn activity_settings(conn: &Connection, user_id: &str) -> Result<ActivityCardSettings> {
    let row = settings(conn, user_id)?;
    let filter = row.feed_filters.and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default();
    let quick_actions = match row.quick_actions.and_then(|v| serde_json::from_value::<Vec<QuickAction>>(v).ok()) {
        Some(actions) if !actions.is_empty() => actions,
        _ => DEFAULT_QUICK_ACTIONS.to_vec(),
    };
    Ok(ActivityCardSettings { filter, quick_actions })
}

/// At most this many quick actions (each once).
pub const MAX_QUICK_ACTIONS: usize = 5;

pub fn set_activity_settings(db: &Db, user_id: &str, wanted: ActivityCardSettings) -> Result<ActivityCardSettings> {
    let mut actions: Vec<QuickAction> = Vec::new();
    for a in wanted.quick_actions {
        if !actions.contains(&a) {
            actions.push(a);
        }
    }
    if actions.len() > MAX_QUICK_ACTIONS {
        return Err(CoreError::validation(format!("at most {MAX_QUICK_ACTIONS} quick actions")));
    }
    let mut types = wanted.filter.types;
    types.dedup();
    let filter = super::activity_feed::FeedFilter { unread_only: wanted.filter.unread_only, types };
    db.write(WriteCtx::by(user_id, "dashboard.activity_card"), |tx| {
        let stored = UserDashboardSettings {
            feed_filters: Some(serde_json::to_value(&filter)?),
            quick_actions: Some(serde_json::to_value(&actions)?),
            updated_at: tx.now_text(),
            ..settings(tx, user_id)?
        };
        row::update(tx, &stored)
    })?;
    Ok(ActivityCardSettings { filter, quick_actions: actions })
}

pub fn get(conn: &Connection, user_id: &str) -> Result<DashboardLayout> {
    Ok(DashboardLayout::of(settings(conn, user_id)?))
}

pub fn update(db: &Db, user_id: &str, layout: DashboardLayout) -> Result<DashboardLayout> {
    let layout = layout.normalised();
    if layout.hidden.len() == ALL_CARDS.len() {
        return Err(CoreError::validation("keep at least one card visible on Home"));
    }
    db.write(WriteCtx::by(user_id, "dashboard.layout"), |tx| {
        let stored = UserDashboardSettings {
            widget_layout: Some(serde_json::to_value(&layout.order)?),
            hidden_widgets: Some(serde_json::to_value(&layout.hidden)?),
            updated_at: tx.now_text(),
            ..settings(tx, user_id)?
        };
        row::update(tx, &stored)?;
        Ok(DashboardLayout::of(stored))
    })
}
