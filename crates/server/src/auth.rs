//! Accounts and device keys (docs/sync.md §6).
//!
//! Passwords: Argon2id PHC strings, hashed on a blocking thread, `hash_slots` at a time,
//! with a bounded queue (full, or a wait past `hash_wait`: 503 `unavailable` with
//! Retry-After). No request holds a database connection while it waits for or does a hash.
//! An unknown email is checked against a dummy hash, so it answers like a wrong password,
//! in about the same time.
//! Limits (sliding window `throttle_window`, default 15 minutes): an attempt is reserved in
//! PostgreSQL before the password is checked (`reserve_login_attempt`, V3), atomically, so
//! however many arrive at once, at most `login_failures_per_email` (10) are checked per
//! email and `login_failures_per_address` (100) per client address; past either → 429
//! `too_many_attempts`. A successful check releases its reservation. Sign-ups count per
//! address (`signups_per_address`), successful or not, since `email_taken` tells whether
//! an email has an account. Sign-up and sign-in hold at most `unauthenticated_connections`
//! pool connections at once. The password change shares the sign-in limits.
//! Keys: `sdk1_<key id>_<secret>`; the server keeps `hex(SHA-256(secret))` only and
//! compares in constant time. Unknown, revoked and expired keys get distinct 401 kinds,
//! so a device knows to ask its user to sign in again. Signing out everywhere and changing
//! the password revoke every key of the account (the password change then issues one new
//! key, to the calling device).
//! Nothing here logs a password, a key or a hash.

use crate::error::parse_body;
use crate::{ApiError, Shared};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use studydesk_sync::wire::{NEW_PASSWORD_MIN_BYTES, PASSWORD_MAX_BYTES, Device, LoginRequest, Session, SignupRequest};
use subtle::ConstantTimeEq;
use uuid::Uuid;

/// The longest `device.app_version` stored (user_sessions); longer is refused with 422
/// (the OpenAPI document's `Device.app_version` maxLength): a version is short, and
/// truncating would store a version that no build has.
pub const MAX_APP_VERSION_CHARS: usize = 40;

/// A request made with a valid key.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account: Uuid,
    pub key_id: Uuid,
    pub device_id: Uuid,
}

/// `POST /v1/account/password`. Not Debug: it holds passwords.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

fn random_secret() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::unavailable(format!("no randomness available: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

pub fn normalize_email(email: &str) -> Result<String, ApiError> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 255 && email.split_once('@').is_some_and(|(a, b)| !a.is_empty() && !b.is_empty() && !b.contains('@'));
    if !valid || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_email", format!("\"{email}\" is not an email address")));
    }
    Ok(email)
}

fn check_device(device: &Device) -> Result<Uuid, ApiError> {
    let id = Uuid::parse_str(&device.id).map_err(|_| ApiError::invalid("device.id must be a UUID"))?;
    if device.name.trim().is_empty() || device.name.chars().count() > 120 {
        return Err(ApiError::invalid("device.name must be 1 to 120 characters"));
    }
    if device.app_version.as_deref().is_some_and(|v| v.chars().count() > MAX_APP_VERSION_CHARS) {
        return Err(ApiError::invalid(format!("device.app_version must be at most {MAX_APP_VERSION_CHARS} characters")));
    }
    Ok(id)
}

fn check_new_password(password: &str) -> Result<(), ApiError> {
    if password.len() < NEW_PASSWORD_MIN_BYTES || password.len() > PASSWORD_MAX_BYTES {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "weak_password",
            format!("the password must be {NEW_PASSWORD_MIN_BYTES} to {PASSWORD_MAX_BYTES} bytes long"),
        ));
    }
    Ok(())
}

fn busy() -> ApiError {
    ApiError { retry_after: Some(2), ..ApiError::unavailable("the server is busy checking other passwords; try again in a few seconds") }
}

fn too_many(message: &str, state: &Shared) -> ApiError {
    ApiError {
        retry_after: Some(state.config.throttle_window.as_secs().max(1)),
        ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts", message)
    }
}

pub(crate) fn window_secs(state: &Shared) -> i32 {
    i32::try_from(state.config.throttle_window.as_secs()).unwrap_or(i32::MAX)
}

pub(crate) fn limit(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// A pool connection for sign-up or sign-in: from the small budget of
/// `unauthenticated_connections`, waiting at most `hash_wait` for it (then 503), so a flood
/// of anonymous requests queues here and not in front of syncing devices. Drop it before
/// hashing.
pub struct Unauthenticated<'a> {
    client: deadpool_postgres::Client,
    _permit: tokio::sync::SemaphorePermit<'a>,
}

impl std::ops::Deref for Unauthenticated<'_> {
    type Target = deadpool_postgres::Client;
    fn deref(&self) -> &deadpool_postgres::Client {
        &self.client
    }
}

async fn unauthenticated_client(state: &Shared) -> Result<Unauthenticated<'_>, ApiError> {
    let permit = tokio::time::timeout(state.config.hash_wait, state.unauthenticated.acquire())
        .await
        .map_err(|_| busy())?
        .map_err(|_| ApiError::unavailable("shutting down"))?;
    Ok(Unauthenticated { client: state.pool.get().await?, _permit: permit })
}

/// Runs one password hash or check on a blocking thread, in a hashing slot: admitted only
/// if the queue has room, and only after a bounded wait for a slot (else 503). The permits
/// move into the blocking task, so a slot is held until the work is really done, even when
/// the request was cut meanwhile.
async fn in_hashing_slot<T: Send + 'static>(state: &Shared, work: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
    let ticket = state.hash_queue.clone().try_acquire_owned().map_err(|_| busy())?;
    let slot = tokio::time::timeout(state.config.hash_wait, state.hashing.clone().acquire_owned())
        .await
        .map_err(|_| busy())?
        .map_err(|_| ApiError::unavailable("shutting down"))?;
    tokio::task::spawn_blocking(move || {
        let out = work();
        drop((slot, ticket));
        out
    })
    .await
    .map_err(|_| ApiError::unavailable("password hashing stopped"))
}

fn argon2_hash(password: &str) -> Result<String, ApiError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| ApiError::unavailable(format!("no randomness available: {e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| ApiError::unavailable(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ApiError::unavailable(format!("could not hash the password: {e}")))
}

/// The dummy hash of [`crate::AppState::dummy_hash`], made once at start.
pub async fn dummy_hash() -> Result<String, String> {
    tokio::task::spawn_blocking(|| argon2_hash("not a real password, only for timing").map_err(|e| e.message))
        .await
        .map_err(|e| format!("could not hash: {e}"))?
}

async fn hash_password(state: &Shared, password: String) -> Result<String, ApiError> {
    in_hashing_slot(state, move || argon2_hash(&password)).await?
}

/// Verifies against `stored`, or against the dummy hash when the email is unknown.
async fn verify_password(state: &Shared, password: String, stored: Option<String>) -> Result<bool, ApiError> {
    let known = stored.is_some();
    let stored = stored.unwrap_or_else(|| state.dummy_hash.clone());
    let ok = in_hashing_slot(state, move || {
        PasswordHash::new(&stored).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
    })
    .await?;
    Ok(ok && known)
}

/// Where a sign-in attempt stands after [`reserve_attempt`].
enum Reservation {
    /// The attempt's `login_failures` row: deleted again when the password is right.
    Reserved(i64),
    EmailLimit,
    AddressLimit,
}

/// Reserves a sign-in attempt (V3's `reserve_login_attempt`: counts and inserts under
/// per-email and per-address locks, in one statement).
async fn reserve_attempt(state: &Shared, client: &deadpool_postgres::Client, email: &str, ip: &str) -> Result<Reservation, ApiError> {
    let id: i64 = client
        .query_one(
            "SELECT reserve_login_attempt($1, $2, $3, $4, $5)",
            &[&email, &ip, &limit(state.config.login_failures_per_email), &limit(state.config.login_failures_per_address), &window_secs(state)],
        )
        .await?
        .get(0);
    Ok(match id {
        -1 => Reservation::EmailLimit,
        -2 => Reservation::AddressLimit,
        id => Reservation::Reserved(id),
    })
}

fn refuse_limit(state: &Shared, reservation: Reservation) -> Result<i64, ApiError> {
    match reservation {
        Reservation::Reserved(id) => Ok(id),
        Reservation::EmailLimit => Err(too_many("too many failed sign-ins for this email; wait 15 minutes", state)),
        Reservation::AddressLimit => Err(too_many("too many failed sign-ins from this network address; wait 15 minutes", state)),
    }
}

/// Gives a reservation back: the password was right, or it was never checked (shed).
async fn release_attempt(client: &deadpool_postgres::Client, id: i64) -> Result<(), ApiError> {
    client.execute("DELETE FROM login_failures WHERE id = $1", &[&id]).await?;
    Ok(())
}

/// Best effort, for an attempt that was shed before its check: a failure to release only
/// leaves one row that counts as a failure until the window passes.
async fn release_unchecked(state: &Shared, id: i64) {
    match unauthenticated_client(state).await {
        Ok(client) => {
            if let Err(e) = release_attempt(&client, id).await {
                tracing::warn!(kind = e.kind, "could not release a sign-in reservation");
            }
        }
        Err(e) => tracing::warn!(kind = e.kind, "could not release a sign-in reservation"),
    }
}

/// Creates a key and a session row for the device; answers the one-time key.
async fn issue_key(
    state: &Shared,
    client: &impl deadpool_postgres::GenericClient,
    account: Uuid,
    device: &Device,
    device_id: Uuid,
    meta: &RequestMeta,
) -> Result<Session, ApiError> {
    let key_id = Uuid::now_v7();
    let secret = random_secret()?;
    let expires = chrono::Utc::now() + chrono::Duration::from_std(state.config.key_ttl).unwrap_or(chrono::Duration::days(365));
    client
        .execute(
            "INSERT INTO api_keys(id, account_id, device_id, name, key_hash, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
            &[&key_id, &account, &device_id, &device.name, &sha256_hex(&secret), &expires],
        )
        .await?;
    client
        .execute(
            "INSERT INTO user_sessions(id, account_id, key_id, device_id, device_name, app_version, ip_address, user_agent)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[&Uuid::now_v7(), &account, &key_id, &device_id, &device.name, &device.app_version, &meta.ip, &meta.user_agent],
        )
        .await?;
    Ok(Session {
        account_id: account.to_string(),
        key_id: key_id.to_string(),
        api_key: format!("sdk1_{key_id}_{secret}"),
        expires_at: expires.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        device_id: device_id.to_string(),
        server_time_ms: crate::now_ms(),
    })
}

pub struct RequestMeta {
    ip: Option<String>,
    user_agent: Option<String>,
}

/// The client's address for the per-address limits: the socket's peer, or, behind a
/// reverse proxy (`client_address_header`), the last address in that header (the one the
/// proxy added; earlier ones are the client's to choose). A missing or malformed header
/// falls back to the peer (the proxy), limited then as one client.
fn client_address(state: &Shared, addr: SocketAddr, headers: &HeaderMap) -> String {
    let forwarded = state.config.client_address_header.as_deref().and_then(|name| {
        let last = headers.get_all(name).iter().next_back()?.to_str().ok()?.rsplit(',').next()?.trim();
        last.parse::<std::net::IpAddr>().ok()
    });
    forwarded.unwrap_or(addr.ip()).to_string()
}

fn request_meta(state: &Shared, addr: SocketAddr, headers: &HeaderMap) -> RequestMeta {
    RequestMeta {
        ip: Some(client_address(state, addr, headers)),
        user_agent: headers.get("user-agent").and_then(|v| v.to_str().ok()).map(|s| s.chars().take(200).collect()),
    }
}

pub async fn signup(
    State(state): State<Shared>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<axum::body::Bytes, BytesRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let (req, _): (SignupRequest, _) = parse_body(body)?;
    if !state.config.signup_open {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "signup_closed", "this server does not accept new accounts"));
    }
    let email = normalize_email(&req.email)?;
    check_new_password(&req.password)?;
    let device_id = check_device(&req.device)?;
    let wanted = req.user_id.as_deref().map(Uuid::parse_str).transpose().map_err(|_| ApiError::invalid("user_id must be a UUID"))?;
    // Counted before the hash, the expensive part, and before `email_taken` can answer.
    {
        let client = unauthenticated_client(&state).await?;
        let allowed: bool = client
            .query_one(
                "SELECT reserve_signup_attempt($1, $2, $3)",
                &[&client_address(&state, addr, &headers), &limit(state.config.signups_per_address), &window_secs(&state)],
            )
            .await?
            .get(0);
        if !allowed {
            return Err(too_many("too many sign-ups from this network address; wait 15 minutes", &state));
        }
    }
    let hash = hash_password(&state, req.password).await?;
    let client = unauthenticated_client(&state).await?;
    if client.query_opt("SELECT 1 FROM accounts WHERE email = $1", &[&email]).await?.is_some() {
        return Err(ApiError::new(StatusCode::CONFLICT, "email_taken", "an account with this email exists; sign in instead"));
    }
    let account = wanted.unwrap_or_else(Uuid::now_v7);
    let inserted = client
        .execute(
            "INSERT INTO accounts(id, email, password_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            &[&account, &email, &hash],
        )
        .await?;
    if inserted == 0 {
        let taken_email = client.query_opt("SELECT 1 FROM accounts WHERE email = $1", &[&email]).await?.is_some();
        return Err(if taken_email {
            ApiError::new(StatusCode::CONFLICT, "email_taken", "an account with this email exists; sign in instead")
        } else {
            ApiError::new(StatusCode::CONFLICT, "user_id_taken", "this user id belongs to another account")
        });
    }
    let meta = request_meta(&state, addr, &headers);
    let session = issue_key(&state, &*client, account, &req.device, device_id, &meta).await?;
    tracing::info!(%account, "account created");
    Ok((StatusCode::CREATED, Json(session)))
}

pub async fn login(
    State(state): State<Shared>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<axum::body::Bytes, BytesRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let (req, _): (LoginRequest, _) = parse_body(body)?;
    let email = normalize_email(&req.email)?;
    let device_id = check_device(&req.device)?;
    if req.password.is_empty() || req.password.len() > PASSWORD_MAX_BYTES {
        return Err(ApiError::invalid(format!("the password must be 1 to {PASSWORD_MAX_BYTES} bytes long")));
    }
    // Reserve the attempt and read the account; the connection goes back to the pool
    // before the password is checked.
    let (reservation, row) = {
        let client = unauthenticated_client(&state).await?;
        let reservation = reserve_attempt(&state, &client, &email, &client_address(&state, addr, &headers)).await?;
        let row = match reservation {
            Reservation::Reserved(_) => {
                client.query_opt("SELECT id, password_hash FROM accounts WHERE email = $1 AND disabled_at IS NULL", &[&email]).await?
            }
            _ => None,
        };
        (refuse_limit(&state, reservation)?, row)
    };
    let stored = row.as_ref().map(|r| r.get::<_, String>(1));
    let verified = match verify_password(&state, req.password, stored).await {
        Ok(v) => v,
        Err(e) => {
            release_unchecked(&state, reservation).await;
            return Err(e);
        }
    };
    let account: Uuid = match (verified, row) {
        (true, Some(r)) => r.get(0),
        // The reservation stays: it is this failure's row.
        _ => return Err(ApiError::unauthorized("invalid_credentials", "the email or the password is wrong")),
    };
    let client = unauthenticated_client(&state).await?;
    release_attempt(&client, reservation).await?;
    let meta = request_meta(&state, addr, &headers);
    let session = issue_key(&state, &*client, account, &req.device, device_id, &meta).await?;
    Ok((StatusCode::CREATED, Json(session)))
}

pub async fn logout(State(state): State<Shared>, caller: Caller) -> Result<StatusCode, ApiError> {
    let client = state.pool.get().await?;
    client.execute("UPDATE api_keys SET revoked_at = now() WHERE id = $1", &[&caller.key_id]).await?;
    client.execute("UPDATE user_sessions SET revoked_at = now() WHERE key_id = $1", &[&caller.key_id]).await?;
    state.keys.forget(Some(caller.key_id), caller.account);
    Ok(StatusCode::NO_CONTENT)
}

/// Revokes every key of the account (and marks their sessions revoked), the caller's too,
/// in one statement: a lost or stolen device is signed out with the others.
const REVOKE_ALL: &str = "WITH keys AS (
        UPDATE api_keys SET revoked_at = now() WHERE account_id = $1 AND revoked_at IS NULL RETURNING id)
    UPDATE user_sessions SET revoked_at = now() WHERE account_id = $1 AND revoked_at IS NULL";

/// `DELETE /v1/sessions`: sign out everywhere.
pub async fn logout_everywhere(State(state): State<Shared>, caller: Caller) -> Result<StatusCode, ApiError> {
    let client = state.pool.get().await?;
    client.execute(REVOKE_ALL, &[&caller.account]).await?;
    state.keys.forget(None, caller.account);
    tracing::info!(account = %caller.account, "signed out everywhere");
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /v1/account/password {current_password, new_password}`: checks the current
/// password under the sign-in limits (a stolen key must not be a way to guess it), stores
/// the new hash, revokes every key of the account and answers a new Session for the
/// calling device (same device id and name), so it stays signed in.
pub async fn change_password(
    State(state): State<Shared>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    caller: Caller,
    body: Result<axum::body::Bytes, BytesRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let (req, _): (PasswordChange, _) = parse_body(body)?;
    if req.current_password.is_empty() || req.current_password.len() > PASSWORD_MAX_BYTES {
        return Err(ApiError::invalid(format!("current_password must be 1 to {PASSWORD_MAX_BYTES} bytes long")));
    }
    check_new_password(&req.new_password)?;
    let (reservation, stored, device) = {
        let client = state.pool.get().await?;
        let row = client
            .query_one(
                "SELECT a.email, a.password_hash, k.name, s.app_version
                 FROM api_keys k JOIN accounts a ON a.id = k.account_id
                 LEFT JOIN user_sessions s ON s.key_id = k.id
                 WHERE k.id = $1 LIMIT 1",
                &[&caller.key_id],
            )
            .await?;
        let email: String = row.get(0);
        let reservation = refuse_limit(&state, reserve_attempt(&state, &client, &email, &client_address(&state, addr, &headers)).await?)?;
        let device = Device { id: caller.device_id.to_string(), name: row.get(2), app_version: row.get(3) };
        (reservation, row.get::<_, String>(1), device)
    };
    let verified = match verify_password(&state, req.current_password, Some(stored)).await {
        Ok(v) => v,
        Err(e) => {
            release_unchecked(&state, reservation).await;
            return Err(e);
        }
    };
    if !verified {
        // 403, not 401: the key is fine; a 401 would tell the device to sign in again.
        return Err(ApiError::new(StatusCode::FORBIDDEN, "wrong_password", "the current password is wrong"));
    }
    let hash = match hash_password(&state, req.new_password).await {
        Ok(h) => h,
        Err(e) => {
            release_unchecked(&state, reservation).await;
            return Err(e);
        }
    };
    let mut client = state.pool.get().await?;
    let tx = client.transaction().await?;
    tx.execute("DELETE FROM login_failures WHERE id = $1", &[&reservation]).await?;
    tx.execute("UPDATE accounts SET password_hash = $2 WHERE id = $1", &[&caller.account, &hash]).await?;
    tx.execute(REVOKE_ALL, &[&caller.account]).await?;
    let meta = request_meta(&state, addr, &headers);
    let session = issue_key(&state, &tx, caller.account, &device, caller.device_id, &meta).await?;
    tx.commit().await?;
    state.keys.forget(None, caller.account);
    tracing::info!(account = %caller.account, "password changed; every key revoked");
    Ok((StatusCode::CREATED, Json(session)))
}

fn parse_key(header: Option<&str>) -> Option<(Uuid, &str)> {
    let token = header?.strip_prefix("Bearer ")?.trim();
    let rest = token.strip_prefix("sdk1_")?;
    let (id, secret) = rest.split_at_checked(36)?;
    Some((Uuid::parse_str(id).ok()?, secret.strip_prefix('_')?))
}

/// Keys verified in the last [`KEY_CACHE_TTL`], so most requests of a syncing device skip
/// the key lookup (one statement of about ten in a small push). Only keys that were
/// valid are kept, with their hash (the secret is still compared, in constant time, on
/// every request) and their expiry. Signing out, signing out everywhere and a password
/// change drop the account's keys at once on this instance; on another instance of the
/// same database a revoked key, or a disabled account, is refused at most
/// `KEY_CACHE_TTL` later (docs/sync.md §6).
#[derive(Default)]
pub struct KeyCache {
    keys: std::sync::Mutex<std::collections::HashMap<Uuid, CachedKey>>,
}

#[derive(Clone)]
struct CachedKey {
    caller: Caller,
    key_hash: String,
    expires_at: chrono::DateTime<chrono::Utc>,
    checked_at: std::time::Instant,
}

pub const KEY_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(5);
/// Past this many entries the cache starts afresh (a bound, not an expected size).
const KEY_CACHE_MAX: usize = 100_000;

impl KeyCache {
    fn get(&self, key_id: Uuid, secret: &str) -> Option<Caller> {
        let entry = self.keys.lock().ok()?.get(&key_id).cloned()?;
        let fresh = entry.checked_at.elapsed() < KEY_CACHE_TTL && entry.expires_at > chrono::Utc::now();
        (fresh && bool::from(entry.key_hash.as_bytes().ct_eq(sha256_hex(secret).as_bytes()))).then_some(entry.caller)
    }

    fn put(&self, caller: &Caller, key_hash: String, expires_at: chrono::DateTime<chrono::Utc>) {
        if let Ok(mut keys) = self.keys.lock() {
            if keys.len() >= KEY_CACHE_MAX {
                keys.clear();
            }
            keys.insert(caller.key_id, CachedKey { caller: caller.clone(), key_hash, expires_at, checked_at: std::time::Instant::now() });
        }
    }

    /// Drops one key (signed out), or every key of an account.
    pub fn forget(&self, key_id: Option<Uuid>, account: Uuid) {
        if let Ok(mut keys) = self.keys.lock() {
            match key_id {
                Some(id) => {
                    keys.remove(&id);
                }
                None => keys.retain(|_, k| k.caller.account != account),
            }
        }
    }
}

impl FromRequestParts<Shared> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Caller, ApiError> {
        let header = parts.headers.get("authorization").and_then(|v| v.to_str().ok());
        let invalid = || ApiError::unauthorized("invalid_key", "this device's key is not valid; sign in again");
        let (key_id, secret) = parse_key(header).ok_or_else(invalid)?;
        if let Some(caller) = state.keys.get(key_id, secret) {
            return Ok(caller);
        }
        let client = state.pool.get().await?;
        let lookup = client
            .prepare_cached(
                "SELECT k.account_id, k.device_id, k.key_hash, k.revoked_at IS NOT NULL, k.expires_at < now(), a.disabled_at IS NOT NULL,
                        k.last_used IS NULL OR k.last_used < now() - interval '1 hour', k.expires_at
                 FROM api_keys k JOIN accounts a ON a.id = k.account_id WHERE k.id = $1",
            )
            .await?;
        let row = client.query_opt(&lookup, &[&key_id]).await?.ok_or_else(invalid)?;
        let stored: String = row.get(2);
        if !bool::from(stored.as_bytes().ct_eq(sha256_hex(secret).as_bytes())) {
            return Err(invalid());
        }
        if row.get::<_, bool>(3) || row.get::<_, bool>(5) {
            return Err(ApiError::unauthorized("revoked_key", "this device was signed out; sign in again"));
        }
        if row.get::<_, bool>(4) {
            return Err(ApiError::unauthorized("expired_key", "this device's key has expired; sign in again"));
        }
        if row.get::<_, bool>(6) {
            client.execute("UPDATE api_keys SET last_used = now() WHERE id = $1", &[&key_id]).await?;
        }
        let caller = Caller { account: row.get(0), key_id, device_id: row.get(1) };
        state.keys.put(&caller, stored, row.get(7));
        Ok(caller)
    }
}
