//! Accounts and device keys (docs/sync.md §6).
//!
//! Passwords: Argon2id PHC strings, hashed on a blocking thread, two at a time. An unknown
//! email is checked against a dummy hash, so it answers like a wrong password, in about
//! the same time. Ten failures for one email in 15 minutes → 429.
//! Keys: `sdk1_<key id>_<secret>`; the server keeps `hex(SHA-256(secret))` only and
//! compares in constant time. Unknown, revoked and expired keys get distinct 401 kinds,
//! so a device knows to ask its user to sign in again.

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
use studydesk_sync::wire::{Device, LoginRequest, Session, SignupRequest};
use subtle::ConstantTimeEq;
use uuid::Uuid;

const MAX_FAILURES: i64 = 10;
const FAILURE_WINDOW_MINUTES: i64 = 15;

/// A request made with a valid key.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account: Uuid,
    pub key_id: Uuid,
    pub device_id: Uuid,
}

fn random_secret() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::unavailable(format!("no randomness available: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn normalize_email(email: &str) -> Result<String, ApiError> {
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
    Ok(id)
}

async fn hash_password(state: &Shared, password: String) -> Result<String, ApiError> {
    let _permit = state.hashing.acquire().await.map_err(|_| ApiError::unavailable("shutting down"))?;
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| ApiError::unavailable(format!("no randomness available: {e}")))?;
        let salt = SaltString::encode_b64(&salt).map_err(|e| ApiError::unavailable(e.to_string()))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| ApiError::unavailable(format!("could not hash the password: {e}")))
    })
    .await
    .map_err(|_| ApiError::unavailable("password hashing stopped"))?
}

/// Verifies against `stored`, or against a dummy hash when the email is unknown.
async fn verify_password(state: &Shared, password: String, stored: Option<String>) -> Result<bool, ApiError> {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let known = stored.is_some();
    let stored = match stored {
        Some(s) => s,
        None => match DUMMY.get() {
            Some(d) => d.clone(),
            None => {
                let d = hash_password(state, "not a real password, only for timing".into()).await?;
                DUMMY.get_or_init(|| d).clone()
            }
        },
    };
    let _permit = state.hashing.acquire().await.map_err(|_| ApiError::unavailable("shutting down"))?;
    let ok = tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
    })
    .await
    .map_err(|_| ApiError::unavailable("password check stopped"))?;
    Ok(ok && known)
}

/// Creates a key and a session row for the device; answers the one-time key.
async fn issue_key(
    state: &Shared,
    client: &deadpool_postgres::Client,
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

fn request_meta(addr: Option<SocketAddr>, headers: &HeaderMap) -> RequestMeta {
    RequestMeta {
        ip: addr.map(|a| a.ip().to_string()),
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
    if req.password.len() < 10 || req.password.len() > 1024 {
        return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "weak_password", "the password must be 10 to 1,024 bytes long"));
    }
    let device_id = check_device(&req.device)?;
    let wanted = req.user_id.as_deref().map(Uuid::parse_str).transpose().map_err(|_| ApiError::invalid("user_id must be a UUID"))?;
    let hash = hash_password(&state, req.password).await?;
    let client = state.pool.get().await?;
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
    let meta = request_meta(Some(addr), &headers);
    let session = issue_key(&state, &client, account, &req.device, device_id, &meta).await?;
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
    if req.password.is_empty() || req.password.len() > 1024 {
        return Err(ApiError::invalid("the password must be 1 to 1,024 bytes long"));
    }
    let client = state.pool.get().await?;
    let failures: i64 = client
        .query_one(
            "SELECT count(*) FROM login_failures WHERE email = $1 AND at > now() - make_interval(mins => $2::int)",
            &[&email, &(FAILURE_WINDOW_MINUTES as i32)],
        )
        .await?
        .get(0);
    if failures >= MAX_FAILURES {
        return Err(ApiError {
            retry_after: Some(FAILURE_WINDOW_MINUTES as u64 * 60),
            ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts", "too many failed sign-ins for this email; wait 15 minutes")
        });
    }
    let row = client.query_opt("SELECT id, password_hash FROM accounts WHERE email = $1 AND disabled_at IS NULL", &[&email]).await?;
    let stored = row.as_ref().map(|r| r.get::<_, String>(1));
    if !verify_password(&state, req.password, stored).await? {
        client.execute("INSERT INTO login_failures(email) VALUES ($1)", &[&email]).await?;
        return Err(ApiError::unauthorized("invalid_credentials", "the email or the password is wrong"));
    }
    let account: Uuid = row.map(|r| r.get(0)).ok_or_else(|| ApiError::unauthorized("invalid_credentials", "the email or the password is wrong"))?;
    let meta = request_meta(Some(addr), &headers);
    let session = issue_key(&state, &client, account, &req.device, device_id, &meta).await?;
    Ok((StatusCode::CREATED, Json(session)))
}

pub async fn logout(State(state): State<Shared>, caller: Caller) -> Result<StatusCode, ApiError> {
    let client = state.pool.get().await?;
    client.execute("UPDATE api_keys SET revoked_at = now() WHERE id = $1", &[&caller.key_id]).await?;
    client.execute("UPDATE user_sessions SET revoked_at = now() WHERE key_id = $1", &[&caller.key_id]).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn parse_key(header: Option<&str>) -> Option<(Uuid, &str)> {
    let token = header?.strip_prefix("Bearer ")?.trim();
    let rest = token.strip_prefix("sdk1_")?;
    let (id, secret) = rest.split_at_checked(36)?;
    Some((Uuid::parse_str(id).ok()?, secret.strip_prefix('_')?))
}

impl FromRequestParts<Shared> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Caller, ApiError> {
        let header = parts.headers.get("authorization").and_then(|v| v.to_str().ok());
        let invalid = || ApiError::unauthorized("invalid_key", "this device's key is not valid; sign in again");
        let (key_id, secret) = parse_key(header).ok_or_else(invalid)?;
        let client = state.pool.get().await?;
        let row = client
            .query_opt(
                "SELECT k.account_id, k.device_id, k.key_hash, k.revoked_at IS NOT NULL, k.expires_at < now(), a.disabled_at IS NOT NULL,
                        k.last_used IS NULL OR k.last_used < now() - interval '1 hour'
                 FROM api_keys k JOIN accounts a ON a.id = k.account_id WHERE k.id = $1",
                &[&key_id],
            )
            .await?
            .ok_or_else(invalid)?;
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
        Ok(Caller { account: row.get(0), key_id, device_id: row.get(1) })
    }
}
