//! User settings: language (en, ja), theme (light, dark, system) and time zone.

use super::rows::UserSettingsRow;
use crate::db::row;
use crate::db::{Tx, WriteCtx};
use crate::{time, CoreError, Db, Result};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Locale {
    En,
    Ja,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Theme {
    Light,
    Dark,
    System,
}

impl Locale {
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Ja => "ja",
        }
    }
    fn parse(s: &str) -> Locale {
        if s == "ja" { Locale::Ja } else { Locale::En }
    }
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::System => "system",
        }
    }
    fn parse(s: &str) -> Theme {
        match s {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    }
}

/// The settings as the app uses them, built from the `user_settings` row: the locale
/// and theme decoded (an unknown word falls back to English / the system theme), the
/// zone UTC when unset.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct UserSettings {
    pub preferred_locale: Locale,
    pub theme: Theme,
    pub timezone: String,
}

impl From<&UserSettingsRow> for UserSettings {
    fn from(r: &UserSettingsRow) -> UserSettings {
        UserSettings {
            preferred_locale: Locale::parse(&r.preferred_locale),
            theme: Theme::parse(&r.theme),
            timezone: r.timezone.clone().unwrap_or_else(|| "UTC".into()),
        }
    }
}

/// Arguments of `settings_update`: only the fields given change.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SettingsPatch {
    #[ts(optional)]
    pub preferred_locale: Option<Locale>,
    #[ts(optional)]
    pub theme: Option<Theme>,
    #[ts(optional)]
    pub timezone: Option<String>,
}

pub fn insert_defaults(tx: &Tx, user_id: &str, timezone: &str) -> Result<()> {
    let now = tx.now_text();
    let settings = UserSettingsRow {
        id: tx.natural_id("user_settings", &[user_id]),
        user_id: user_id.to_string(),
        preferred_locale: Locale::En.as_str().to_string(),
        timezone: Some(timezone.to_string()),
        theme: Theme::System.as_str().to_string(),
        data: Some(serde_json::json!({})),
        created_at: now.clone(),
        updated_at: now,
    };
    row::insert(tx, &settings)
}

fn settings_row(conn: &Connection, user_id: &str) -> Result<UserSettingsRow> {
    row::select_one(conn, "WHERE user_id = ?1", [user_id])?.ok_or_else(|| CoreError::not_found("settings of user", user_id))
}

pub fn get(conn: &Connection, user_id: &str) -> Result<UserSettings> {
    Ok(UserSettings::from(&settings_row(conn, user_id)?))
}

/// The user's time zone, or `None` when the user has no settings on this device (another
/// account's rows seen through sync, an id the first sync moves away from).
pub fn timezone_if_set(conn: &Connection, user_id: &str) -> Result<Option<chrono_tz::Tz>> {
    let zone: Option<Option<String>> = conn
        .prepare_cached("SELECT timezone FROM user_settings WHERE user_id = ?1")?
        .query_row([user_id], |r| r.get(0))
        .optional()?;
    Ok(zone.map(|z| z.as_deref().and_then(|z| time::parse_tz(z).ok()).unwrap_or(chrono_tz::UTC)))
}

/// The user's time zone, for "today" and "this week" (every read path asks: one column).
pub fn timezone(conn: &Connection, user_id: &str) -> Result<chrono_tz::Tz> {
    timezone_if_set(conn, user_id)?.ok_or_else(|| CoreError::not_found("settings of user", user_id))
}

pub fn update(db: &Db, user_id: &str, patch: SettingsPatch) -> Result<UserSettings> {
    if let Some(tz) = &patch.timezone {
        time::parse_tz(tz)?;
    }
    db.write(WriteCtx::by(user_id, "settings.update"), |tx| {
        let stored = settings_row(tx, user_id)?;
        let cur = UserSettings::from(&stored);
        let row = UserSettingsRow {
            preferred_locale: patch.preferred_locale.unwrap_or(cur.preferred_locale).as_str().to_string(),
            theme: patch.theme.unwrap_or(cur.theme).as_str().to_string(),
            timezone: Some(patch.timezone.clone().unwrap_or(cur.timezone)),
            updated_at: tx.now_text(),
            ..stored
        };
        row::update(tx, &row)?;
        Ok(UserSettings::from(&row))
    })
}
