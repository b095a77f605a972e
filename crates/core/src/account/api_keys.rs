//! API keys for the local HTTP API (`api_keys`, seeds 002/003; issue 16 item 4).
//!
//! Contract:
//! - A key is [`KEY_PREFIX`] and 64 hex digits: 256 bits from the OS random source. It is
//!   answered once, by [`create`]; only its SHA-256 (hex) is stored in `key_hash`. A key is
//!   high-entropy, so a fast hash is enough (nothing to brute-force, unlike a password).
//! - [`verify`] finds the row by the hash, compares the hashes in constant time (`subtle`),
//!   and refuses, each with its own error kind: an unknown key, a revoked key, an expired
//!   key, a key without the scope. On success it stamps `last_used` (at most once a minute,
//!   so a busy script does not write on every request) and answers the key's owner.
//! - [`list`] never answers the hash. [`revoke`] turns `is_active` off; the row stays, so
//!   a script using it is told "revoked" rather than "unknown".
//! - The table is local only (the sync catalog's `LOCAL_ONLY`): keys never leave this
//!   device. Creating and revoking are audited (the hash is redacted from the audit row by
//!   the catalog's secret columns); the `last_used` stamp is a local record (no audit row
//!   per request).
//! - The local API's own setting (on/off, port) is an installation setting in
//!   `app_settings` ([`LocalApiSettings`]): off by default.

use crate::account::rows::ApiKeyRow;
use crate::account::{app_settings, settings};
use crate::db::row;
use crate::db::{timestamp_text, WriteCtx};
use crate::error::{ApiKeyRefusal, CoreError};
use crate::{Db, Result};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use studydesk_sync::content_hash_text;
use subtle::ConstantTimeEq;
use ts_rs::TS;

/// Every key starts with this, so a leaked key is recognisable (secret scanners, logs).
pub const KEY_PREFIX: &str = "sdk_";
/// At most this many keys per user (active or revoked).
pub const MAX_KEYS: i64 = 100;
pub const NAME_MAX: usize = 255;
/// `last_used` is stamped again only after this long.
const LAST_USED_EVERY_SECS: i64 = 60;
/// The installation setting holding [`LocalApiSettings`].
pub const LOCAL_API_KEY: &str = "local_api";
/// The port proposed until the user picks one.
pub const DEFAULT_PORT: u16 = 27_631;
/// Ports below this need privileges on most systems.
pub const MIN_PORT: u16 = 1024;

/// What a key may do on the local API (`permissions`, a JSON array of these words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum ApiScope {
    #[serde(rename = "tasks:read")]
    TasksRead,
    #[serde(rename = "tasks:write")]
    TasksWrite,
    #[serde(rename = "calendar:read")]
    CalendarRead,
    #[serde(rename = "focus:read")]
    FocusRead,
    #[serde(rename = "insights:read")]
    InsightsRead,
}

impl ApiScope {
    pub const ALL: [ApiScope; 5] =
        [ApiScope::TasksRead, ApiScope::TasksWrite, ApiScope::CalendarRead, ApiScope::FocusRead, ApiScope::InsightsRead];

    pub fn as_str(self) -> &'static str {
        match self {
            ApiScope::TasksRead => "tasks:read",
            ApiScope::TasksWrite => "tasks:write",
            ApiScope::CalendarRead => "calendar:read",
            ApiScope::FocusRead => "focus:read",
            ApiScope::InsightsRead => "insights:read",
        }
    }

    pub fn parse(text: &str) -> Option<ApiScope> {
        ApiScope::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A new key as the user asks for it.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct NewApiKey {
    pub name: String,
    pub scopes: Vec<ApiScope>,
    /// `YYYY-MM-DD` (the key works through that day in the user's time zone) or an RFC 3339
    /// instant; none: it never expires.
    #[serde(default)]
    #[ts(optional)]
    pub expires_at: Option<String>,
}

/// A key as Settings lists it: never the key, never its hash.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    pub scopes: Vec<ApiScope>,
    pub expires_at: Option<String>,
    pub last_used: Option<String>,
    /// False once revoked.
    pub active: bool,
    pub created_at: String,
}

/// What [`create`] answers: the key itself (shown once) and the stored entry.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct CreatedApiKey {
    pub key: String,
    pub api_key: ApiKey,
}

/// The local API's installation setting.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[ts(export)]
pub struct LocalApiSettings {
    pub enabled: bool,
    pub port: u16,
}

impl Default for LocalApiSettings {
    fn default() -> Self {
        LocalApiSettings { enabled: false, port: DEFAULT_PORT }
    }
}

impl From<&ApiKeyRow> for ApiKey {
    fn from(r: &ApiKeyRow) -> Self {
        // Words another version wrote and this one does not know are left out.
        let scopes = r.permissions.as_array().into_iter().flatten().filter_map(|v| v.as_str().and_then(ApiScope::parse)).collect();
        ApiKey {
            id: r.id.clone(),
            name: r.name.clone(),
            scopes,
            expires_at: r.expires_at.clone(),
            last_used: r.last_used.clone(),
            active: r.is_active,
            created_at: r.created_at.clone(),
        }
    }
}

/// SHA-256 of the key, as stored (lowercase hex, the sync crate's one hex writer).
fn hash(key: &str) -> String {
    content_hash_text(&Sha256::digest(key.as_bytes()))
}

fn new_key() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| CoreError::io("no randomness available from the OS", std::io::Error::other(e.to_string())))?;
    Ok(format!("{KEY_PREFIX}{}", content_hash_text(&bytes)))
}

/// The expiry as a stored timestamp: a date means the end of that day in `tz`. It must be
/// in the future.
fn expiry(text: &str, tz: chrono_tz::Tz, now: DateTime<Utc>) -> Result<String> {
    let text = text.trim();
    let at = if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let next = day.succ_opt().ok_or_else(|| CoreError::validation(format!("the expiry date {text} is out of range")))?;
        crate::time::start_of_day(next, tz)
    } else {
        crate::time::parse_instant(text).ok_or_else(|| {
            CoreError::validation(format!("the expiry {text:?} is not a date (YYYY-MM-DD) or a time (RFC 3339)"))
        })?
    };
    if at <= now {
        return Err(CoreError::validation(format!("the expiry {text} is in the past; pick a later date")));
    }
    Ok(timestamp_text(at))
}

fn check_new(input: &NewApiKey) -> Result<(String, Vec<ApiScope>)> {
    let name = input.name.trim().to_string();
    row::required("name", &name, NAME_MAX)?;
    let mut scopes = input.scopes.clone();
    scopes.sort();
    scopes.dedup();
    if scopes.is_empty() {
        return Err(CoreError::validation("pick at least one scope for the key (e.g. tasks:read)"));
    }
    Ok((name, scopes))
}

/// Creates a key; answers it once with its entry.
pub fn create(db: &Db, user_id: &str, input: &NewApiKey) -> Result<CreatedApiKey> {
    let (name, scopes) = check_new(input)?;
    let key = new_key()?;
    db.write(WriteCtx::by(user_id, "api_key.create"), |tx| {
        let count: i64 = tx.prepare_cached("SELECT count(*) FROM api_keys WHERE user_id = ?1")?.query_row([user_id], |r| r.get(0))?;
        if count >= MAX_KEYS {
            return Err(CoreError::validation(format!("you have {MAX_KEYS} keys; delete or revoke some before creating more")));
        }
        let tz = settings::timezone(tx, user_id)?;
        let expires_at = input.expires_at.as_deref().filter(|t| !t.trim().is_empty()).map(|t| expiry(t, tz, tx.now())).transpose()?;
        let now = tx.now_text();
        let r = ApiKeyRow {
            id: tx.new_id(),
            user_id: user_id.to_string(),
            name,
            key_hash: hash(&key),
            permissions: serde_json::Value::from(scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
            expires_at,
            last_used: None,
            is_active: true,
            created_at: now.clone(),
            updated_at: now,
        };
        row::insert(tx, &r)?;
        Ok(CreatedApiKey { key: key.clone(), api_key: ApiKey::from(&r) })
    })
}

/// The user's keys, newest first.
pub fn list(conn: &Connection, user_id: &str) -> Result<Vec<ApiKey>> {
    let rows: Vec<ApiKeyRow> = row::select(conn, "WHERE user_id = ?1 ORDER BY created_at DESC, id DESC", [user_id])?;
    Ok(rows.iter().map(ApiKey::from).collect())
}

fn own(conn: &Connection, user_id: &str, id: &str) -> Result<ApiKeyRow> {
    let id = crate::validate::id("API key", id)?;
    row::get::<ApiKeyRow>(conn, &id)?.filter(|r| r.user_id == user_id).ok_or_else(|| CoreError::not_found("API key", id))
}

/// Revokes a key (it is refused from now on); revoking it again changes nothing.
pub fn revoke(db: &Db, user_id: &str, id: &str) -> Result<ApiKey> {
    db.write(WriteCtx::by(user_id, "api_key.revoke"), |tx| {
        let mut r = own(tx, user_id, id)?;
        if r.is_active {
            r.is_active = false;
            r.updated_at = tx.now_text();
            row::update(tx, &r)?;
        }
        Ok(ApiKey::from(&r))
    })
}

fn refused(refusal: ApiKeyRefusal, message: impl Into<String>) -> CoreError {
    CoreError::ApiKey { refusal, message: message.into() }
}

/// Checks `key` for `scope`: answers the key's owner, or why it is refused.
pub fn verify(db: &Db, key: &str, scope: ApiScope) -> Result<String> {
    let presented = hash(key.trim());
    let found: Option<ApiKeyRow> = db.read(|c| row::select_one(c, "WHERE key_hash = ?1", [&presented]))?;
    let Some(r) = found.filter(|r| bool::from(r.key_hash.as_bytes().ct_eq(presented.as_bytes()))) else {
        return Err(refused(ApiKeyRefusal::Unknown, "this API key is not known here; check that it was copied whole"));
    };
    if !r.is_active {
        return Err(refused(ApiKeyRefusal::Revoked, format!("the API key \"{}\" was revoked; create a new one in Settings › API keys", r.name)));
    }
    let now = db.now();
    if let Some(at) = r.expires_at.as_deref().and_then(crate::time::parse_instant).filter(|at| *at <= now) {
        return Err(refused(
            ApiKeyRefusal::Expired,
            format!("the API key \"{}\" expired at {}; create a new one in Settings › API keys", r.name, timestamp_text(at)),
        ));
    }
    if !ApiKey::from(&r).scopes.contains(&scope) {
        return Err(refused(ApiKeyRefusal::Scope, format!("the API key \"{}\" does not have the scope {}", r.name, scope.as_str())));
    }
    touch(db, &r, now)?;
    Ok(r.user_id)
}

/// Stamps `last_used` (a local record: no audit row per request).
fn touch(db: &Db, r: &ApiKeyRow, now: DateTime<Utc>) -> Result<()> {
    let recent = r.last_used.as_deref().and_then(crate::time::parse_instant).is_some_and(|t| now - t < Duration::seconds(LAST_USED_EVERY_SECS));
    if recent {
        return Ok(());
    }
    db.write(WriteCtx::local_record(&r.user_id, "api_key.used"), |tx| {
        tx.prepare_cached("UPDATE api_keys SET last_used = ?1 WHERE id = ?2")?.execute(params![tx.now_text(), r.id])?;
        Ok(())
    })
}

/// The local API's setting (off, [`DEFAULT_PORT`], until the user changes it).
pub fn local_api_settings(conn: &Connection) -> Result<LocalApiSettings> {
    Ok(app_settings::get(conn, LOCAL_API_KEY)?.unwrap_or_default())
}

/// Saves the local API's setting (the port must be 1024 to 65535).
pub fn set_local_api_settings(db: &Db, user_id: &str, value: LocalApiSettings) -> Result<LocalApiSettings> {
    if value.port < MIN_PORT {
        return Err(CoreError::validation(format!("the port must be between {MIN_PORT} and 65535 (got {})", value.port)));
    }
    db.write(WriteCtx::by(user_id, "local_api.settings"), |tx| {
        app_settings::set(tx, LOCAL_API_KEY, "local_api", "The local HTTP API: on or off, and its port on 127.0.0.1", &value)
    })?;
    Ok(value)
}
