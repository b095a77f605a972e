//! Account: the local profile (no account, no server needed), user settings (language,
//! theme, time zone) and preferences; API keys for the local API.

pub mod activity_log;
pub mod api_keys;
pub mod app_settings;
pub mod preferences;
pub mod profile;
pub mod settings;
pub mod rows;
