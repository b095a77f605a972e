//! User settings: language (en, ja), theme (light, dark, system) and time zone.

use crate::db::{Tx, WriteCtx};
use crate::{time, CoreError, Db, Result};
use rusqlite::{params, Connection, OptionalExtension};
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

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct UserSettings {
    pub preferred_locale: Locale,
    pub theme: Theme,
    pub timezone: String,
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
    tx.execute(
        "INSERT INTO user_settings(id, user_id, preferred_locale, timezone, theme, data, created_at, updated_at)
         VALUES (?1, ?2, 'en', ?3, 'system', '{}', ?4, ?4)",
        params![tx.natural_id("user_settings", &[user_id]), user_id, timezone, tx.now_text()],
    )?;
    Ok(())
}

pub fn get(conn: &Connection, user_id: &str) -> Result<UserSettings> {
    conn.prepare_cached("SELECT preferred_locale, theme, timezone FROM user_settings WHERE user_id = ?1")?
        .query_row([user_id], |r| {
            Ok(UserSettings {
                preferred_locale: Locale::parse(&r.get::<_, Option<String>>(0)?.unwrap_or_default()),
                theme: Theme::parse(&r.get::<_, Option<String>>(1)?.unwrap_or_default()),
                timezone: r.get::<_, Option<String>>(2)?.unwrap_or_else(|| "UTC".into()),
            })
        })
        .optional()?
        .ok_or_else(|| CoreError::not_found("settings of user", user_id))
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

/// The user's time zone, for "today" and "this week".
pub fn timezone(conn: &Connection, user_id: &str) -> Result<chrono_tz::Tz> {
    let s = get(conn, user_id)?;
    Ok(time::parse_tz(&s.timezone).unwrap_or(chrono_tz::UTC))
}

pub fn update(db: &Db, user_id: &str, patch: SettingsPatch) -> Result<UserSettings> {
    if let Some(tz) = &patch.timezone {
        time::parse_tz(tz)?;
    }
    db.write(WriteCtx::by(user_id, "settings.update"), |tx| {
        let cur = get(tx, user_id)?;
        let locale = patch.preferred_locale.unwrap_or(cur.preferred_locale);
        let theme = patch.theme.unwrap_or(cur.theme);
        let tz = patch.timezone.clone().unwrap_or(cur.timezone);
        tx.execute(
            "UPDATE user_settings SET preferred_locale = ?1, theme = ?2, timezone = ?3, updated_at = ?4 WHERE user_id = ?5",
            params![locale.as_str(), theme.as_str(), tz, tx.now_text(), user_id],
        )?;
        get(tx, user_id)
    })
}
