//! Background settings: whether closing the window keeps Studydesk in the tray (on by
//! default), whether it starts at login, and whether a per-user OS timer delivers
//! reminders while the app is fully quit (both opt-in). Stored as one JSON object under
//! the `background.settings` preference; a missing or partial object falls back to the
//! defaults field by field.
//!
//! Contract of [`update`]: a patch names only the fields it changes (unknown fields are
//! rejected when it is deserialized). Turning start-at-login or the OS timer on or off is
//! performed first, through [`Effects`] (the shell: the autostart plugin and
//! [`super::os_timer`]); a field whose effect failed keeps its stored value, the others
//! are stored, and the failure comes back as an `io` error in words. So the stored
//! setting never claims something the OS did not do.

use crate::account::preferences;
use crate::db::WriteCtx;
use crate::{CoreError, Db, Result};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

const KEY: &str = "background.settings";

#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(default)]
#[ts(export)]
pub struct BackgroundSettings {
    /// Closing the window hides it to the system tray (when there is one), so reminders
    /// keep firing; "Quit Studydesk" in the tray menu quits.
    pub close_to_tray: bool,
    /// Start Studydesk (hidden, in the tray) when the user logs in.
    pub start_at_login: bool,
    /// A per-user OS timer runs the headless reminder check every minute, for when the
    /// app is fully quit.
    pub os_timer: bool,
}

impl Default for BackgroundSettings {
    fn default() -> Self {
        BackgroundSettings { close_to_tray: true, start_at_login: false, os_timer: false }
    }
}

/// Arguments of `background_settings_update`: only the fields given change.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct BackgroundSettingsPatch {
    #[ts(optional)]
    pub close_to_tray: Option<bool>,
    #[ts(optional)]
    pub start_at_login: Option<bool>,
    #[ts(optional)]
    pub os_timer: Option<bool>,
}

/// What changing a setting does outside the database. `Err` is a sentence saying why
/// it could not be done.
pub trait Effects {
    fn set_start_at_login(&self, on: bool) -> std::result::Result<(), String>;
    fn set_os_timer(&self, on: bool) -> std::result::Result<(), String>;
}

/// Effects that do nothing (tests, and callers that only store).
pub struct NoEffects;

impl Effects for NoEffects {
    fn set_start_at_login(&self, _on: bool) -> std::result::Result<(), String> {
        Ok(())
    }
    fn set_os_timer(&self, _on: bool) -> std::result::Result<(), String> {
        Ok(())
    }
}

pub fn get(conn: &Connection, user_id: &str) -> Result<BackgroundSettings> {
    Ok(preferences::get(conn, user_id, KEY)?.unwrap_or_default())
}

pub fn update(
    db: &Db,
    user_id: &str,
    patch: BackgroundSettingsPatch,
    effects: &dyn Effects,
) -> Result<BackgroundSettings> {
    let current = db.read(|c| get(c, user_id))?;
    let mut next = current;
    let mut failures = Vec::new();
    if let Some(close) = patch.close_to_tray {
        next.close_to_tray = close;
    }
    if let Some(on) = patch.start_at_login.filter(|on| *on != current.start_at_login) {
        match effects.set_start_at_login(on) {
            Ok(()) => next.start_at_login = on,
            Err(why) => failures.push(format!("could not turn {} start at login: {why}", on_off(on))),
        }
    }
    if let Some(on) = patch.os_timer.filter(|on| *on != current.os_timer) {
        match effects.set_os_timer(on) {
            Ok(()) => next.os_timer = on,
            Err(why) => failures.push(format!("could not turn {} the background reminder timer: {why}", on_off(on))),
        }
    }
    if next != current {
        db.write(WriteCtx::by(user_id, "background.settings.update"), |tx| preferences::set(tx, user_id, KEY, &next))?;
    }
    if failures.is_empty() {
        Ok(next)
    } else {
        Err(CoreError::io(failures.join("; "), std::io::Error::other("the setting was left as it was")))
    }
}

fn on_off(on: bool) -> &'static str {
    if on {
        "on"
    } else {
        "off"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    struct Fake {
        fail_timer: bool,
        calls: RefCell<Vec<String>>,
    }
    impl Effects for Fake {
        fn set_start_at_login(&self, on: bool) -> std::result::Result<(), String> {
            self.calls.borrow_mut().push(format!("login {on}"));
            Ok(())
        }
        fn set_os_timer(&self, on: bool) -> std::result::Result<(), String> {
            self.calls.borrow_mut().push(format!("timer {on}"));
            if self.fail_timer {
                Err("systemctl was not found".into())
            } else {
                Ok(())
            }
        }
    }

    fn open() -> (tempfile::TempDir, crate::api::Studydesk) {
        let dir = tempfile::tempdir().unwrap();
        let sd = crate::api::Studydesk::open(dir.path(), crate::clock::system()).unwrap();
        (dir, sd)
    }

    #[test]
    fn defaults_and_partial_objects() {
        assert_eq!(
            BackgroundSettings::default(),
            BackgroundSettings { close_to_tray: true, start_at_login: false, os_timer: false }
        );
        let partial: BackgroundSettings = serde_json::from_str(r#"{"os_timer":true}"#).unwrap();
        assert_eq!(partial, BackgroundSettings { os_timer: true, ..Default::default() });
        assert!(serde_json::from_str::<BackgroundSettingsPatch>(r#"{"close_to_tray":false,"tray":1}"#).is_err());
        assert!(serde_json::from_str::<BackgroundSettingsPatch>(r#"{"close_to_tray":"no"}"#).is_err());
    }

    #[test]
    fn round_trip_and_effects_only_on_change() {
        let (_dir, sd) = open();
        let fake = Fake { fail_timer: false, calls: RefCell::new(vec![]) };
        assert_eq!(db_get(&sd), BackgroundSettings::default());
        let patch = BackgroundSettingsPatch { close_to_tray: Some(false), start_at_login: Some(true), os_timer: None };
        let s = update(sd.db(), &sd.user_id(), patch, &fake).unwrap();
        assert_eq!(s, BackgroundSettings { close_to_tray: false, start_at_login: true, os_timer: false });
        assert_eq!(db_get(&sd), s);
        // the same value again performs nothing
        update(sd.db(), &sd.user_id(), patch, &fake).unwrap();
        assert_eq!(*fake.calls.borrow(), vec!["login true".to_string()]);
    }

    #[test]
    fn a_failed_effect_is_not_stored() {
        let (_dir, sd) = open();
        let fake = Fake { fail_timer: true, calls: RefCell::new(vec![]) };
        let patch = BackgroundSettingsPatch { close_to_tray: Some(false), start_at_login: None, os_timer: Some(true) };
        let err = update(sd.db(), &sd.user_id(), patch, &fake).unwrap_err();
        assert_eq!(err.kind(), "io");
        assert!(
            err.to_string().contains("could not turn on the background reminder timer: systemctl was not found"),
            "{err}"
        );
        // what succeeded is kept, what failed is not
        assert_eq!(db_get(&sd), BackgroundSettings { close_to_tray: false, start_at_login: false, os_timer: false });
    }

    fn db_get(sd: &crate::api::Studydesk) -> BackgroundSettings {
        sd.db().read(|c| get(c, &sd.user_id())).unwrap()
    }
}
