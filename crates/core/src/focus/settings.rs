//! Focus settings: the targets the progress rings measure against, the rest-day
//! allowance of streaks, and the idle threshold of running sessions. Stored as one JSON
//! object under the `focus.settings` preference; a missing or partial object falls back
//! to the defaults field by field.

use crate::account::preferences;
use crate::db::WriteCtx;
use crate::{validate, Db, Result};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::ops::RangeInclusive;
use ts_rs::TS;

const KEY: &str = "focus.settings";

#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(default)]
#[ts(export)]
pub struct FocusSettings {
    /// Minutes of study a day counts as a full day ring (1-1440).
    pub daily_target_minutes: i64,
    /// Hours of study a week counts as a full week ring (1-168).
    pub weekly_target_hours: i64,
    /// Days a week without study that do not break a streak (0-6).
    pub rest_days_per_week: i64,
    /// Minutes without keyboard or mouse input after which a running session stops
    /// counting (1-240).
    pub idle_threshold_minutes: i64,
}

impl Default for FocusSettings {
    fn default() -> Self {
        FocusSettings { daily_target_minutes: 120, weekly_target_hours: 10, rest_days_per_week: 1, idle_threshold_minutes: 5 }
    }
}

/// The ranges each target accepts (the UI's fields use them: ui/src/api/limits.ts).
pub const DAILY_TARGET_MINUTES: RangeInclusive<i64> = 1..=1_440;
pub const WEEKLY_TARGET_HOURS: RangeInclusive<i64> = 1..=168;
pub const REST_DAYS_PER_WEEK: RangeInclusive<i64> = 0..=6;
pub const IDLE_THRESHOLD_MINUTES: RangeInclusive<i64> = 1..=240;

impl FocusSettings {
    fn validated(self) -> Result<Self> {
        let check = |name, value, range: RangeInclusive<i64>| validate::range(name, value, *range.start(), *range.end());
        Ok(FocusSettings {
            daily_target_minutes: check("daily_target_minutes", self.daily_target_minutes, DAILY_TARGET_MINUTES)?,
            weekly_target_hours: check("weekly_target_hours", self.weekly_target_hours, WEEKLY_TARGET_HOURS)?,
            rest_days_per_week: check("rest_days_per_week", self.rest_days_per_week, REST_DAYS_PER_WEEK)?,
            idle_threshold_minutes: check("idle_threshold_minutes", self.idle_threshold_minutes, IDLE_THRESHOLD_MINUTES)?,
        })
    }
}

pub fn get(conn: &Connection, user_id: &str) -> Result<FocusSettings> {
    Ok(preferences::get(conn, user_id, KEY)?.unwrap_or_default())
}

pub fn update(db: &Db, user_id: &str, settings: FocusSettings) -> Result<FocusSettings> {
    let settings = settings.validated()?;
    db.write(WriteCtx::by(user_id, "focus.settings.update"), |tx| {
        preferences::set(tx, user_id, KEY, &settings)?;
        Ok(settings)
    })
}
