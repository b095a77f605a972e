//! What a reminder definition may be, for event reminders (`calendar::reminders`) and
//! task and assignment reminders (`item_reminders`) alike.
//!
//! Contract: a definition is relative (`minutes_before`, 0 to [`MAX_MINUTES_BEFORE`]) or
//! absolute (`remind_at`, RFC 3339 with an offset), exactly one; at most
//! [`MAX_PER_EVENT`] per event or item; duplicates collapse into one. Pure: no storage,
//! no clock. Why a module of its own: both reminder tables use it, and neither of their
//! modules may depend on the other.

use crate::planner::rows::ReminderChannel;
use crate::{validate, CoreError, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The most reminders one event (or task, or assignment) may carry.
pub const MAX_PER_EVENT: usize = 10;
/// At most four weeks before.
pub const MAX_MINUTES_BEFORE: i64 = 40_320;

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, PartialEq, Eq)]
#[ts(export)]
pub struct NewReminder {
    #[ts(optional)]
    pub minutes_before: Option<i64>,
    /// RFC 3339 with an offset.
    #[ts(optional)]
    pub remind_at: Option<String>,
    #[ts(optional)]
    pub channel: Option<ReminderChannel>,
}

/// A checked reminder definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Def {
    pub minutes_before: Option<i64>,
    pub remind_at: Option<DateTime<Utc>>,
    pub channel: ReminderChannel,
}

/// Checks `list`, worded for what the reminders are of: `owner` "a task", `relative_to`
/// "the due time".
pub fn check_for(list: &[NewReminder], owner: &str, relative_to: &str) -> Result<Vec<Def>> {
    if list.len() > MAX_PER_EVENT {
        return Err(CoreError::validation(format!("{owner} may have at most {MAX_PER_EVENT} reminders")));
    }
    let mut out: Vec<Def> = Vec::with_capacity(list.len());
    for r in list {
        let remind_at = validate::opt_timestamp("reminder time", r.remind_at.as_deref())?;
        let minutes_before =
            r.minutes_before.map(|m| validate::range("reminder minutes before", m, 0, MAX_MINUTES_BEFORE)).transpose()?;
        if minutes_before.is_some() == remind_at.is_some() {
            return Err(CoreError::validation(format!(
                "a reminder needs either minutes before {relative_to} or a time, not both"
            )));
        }
        let def = Def { minutes_before, remind_at, channel: r.channel.unwrap_or(ReminderChannel::Notification) };
        if !out.contains(&def) {
            out.push(def);
        }
    }
    Ok(out)
}
