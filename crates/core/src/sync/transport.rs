//! HTTP to the sync server (reqwest, blocking: the core is synchronous and the app runs
//! sync on its own thread). Maps every failure to a [`SyncErrorKind`] the loop can act on:
//! no answer → offline, 5xx/429 → retry later, 401 → sign in again, other 4xx → refused.

use crate::error::SyncErrorKind;
use crate::{CoreError, Result};
use serde::de::DeserializeOwned;
use std::time::Duration;
use studydesk_sync::wire::{AccountFound, AccountLookup, ErrorBody, LoginRequest, PullPage, PushRequest, PushResult, Session, SignupRequest, UsernameAvailability};
use studydesk_sync::SCHEMA_HEADER;

/// Whether the server holds a file; when not, the largest file it takes and the bytes
/// left in the account's quota (absent from an older server).
pub enum BlobPresence {
    Held,
    Missing { max_bytes: Option<u64>, quota_free: Option<u64> },
}

/// What the server did with an uploaded file.
pub enum BlobUpload {
    Stored,
    /// Refused with the server's error kind (`payload_too_large`, `quota_exceeded`,
    /// `hash_mismatch`) and message.
    Refused { code: String, message: String },
}

pub struct Remote {
    base: String,
    key: Option<String>,
    http: reqwest::blocking::Client,
}

/// Checks a server URL as typed by the user: https (http only to this computer), a host,
/// no query. Checked at sign-in and by every [`Remote::new`], so a device that stored an
/// http:// address before this rule stops there too.
pub fn normalize_url(url: &str) -> Result<String> {
    let url = url.trim().trim_end_matches('/');
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| CoreError::validation(format!("\"{url}\" is not a server address ({e}); try https://sync.example.org")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(CoreError::validation(format!("the server address must start with https:// (got \"{url}\")")));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(CoreError::validation("the server address cannot contain ? or #"));
    }
    if parsed.scheme() == "http" && !is_loopback(&parsed) {
        let host = parsed.host_str().unwrap_or_default();
        return Err(CoreError::validation(format!(
            "use https:// for {host}: over plain http:// your password, your key and your data would cross the network \
             unencrypted (http:// is allowed only for this computer: localhost, 127.0.0.1, ::1)"
        )));
    }
    Ok(url.to_string())
}

/// This computer: `localhost`, 127.0.0.0/8, ::1 (or ::ffff:127.x.y.z). Nothing sent there
/// crosses a network, so plain http is allowed (a server run for testing or behind a
/// local TLS proxy).
fn is_loopback(url: &reqwest::Url) -> bool {
    use std::net::IpAddr;
    let host = url.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || match host.parse::<IpAddr>() {
            Ok(IpAddr::V4(ip)) => ip.is_loopback(),
            Ok(IpAddr::V6(ip)) => ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
            Err(_) => false,
        }
}

impl Remote {
    pub fn new(base: &str, key: Option<String>) -> Result<Remote> {
        let http = reqwest::blocking::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("Studydesk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| CoreError::sync(SyncErrorKind::Offline, format!("could not start the HTTP client: {e}")))?;
        Ok(Remote { base: normalize_url(base)?, key, http })
    }

    pub fn signup(&self, body: &SignupRequest) -> Result<Session> {
        self.send(self.http.post(self.url("/v1/accounts")).json(body))
    }

    pub fn login(&self, body: &LoginRequest) -> Result<Session> {
        self.send(self.http.post(self.url("/v1/sessions")).json(body))
    }

    pub fn logout(&self) -> Result<()> {
        let response = self.execute(self.authed(self.http.delete(self.url("/v1/sessions/current"))))?;
        check(response).map(|_| ())
    }

    /// `DELETE /v1/sessions`: revokes every key of the account, this device's included.
    pub fn logout_everywhere(&self) -> Result<()> {
        let response = self.execute(self.authed(self.http.delete(self.url("/v1/sessions"))))?;
        check(response).map(|_| ())
    }

    /// `POST /v1/account/password`: the server revokes every key of the account and
    /// answers a new one for this device. A wrong current password is 403 `wrong_password`
    /// (refused), not 401: this device's key was fine.
    pub fn change_password(&self, current_password: &str, new_password: &str) -> Result<Session> {
        #[derive(serde::Serialize)]
        struct PasswordChange<'a> {
            current_password: &'a str,
            new_password: &'a str,
        }
        self.send(self.authed(self.http.post(self.url("/v1/account/password"))).json(&PasswordChange { current_password, new_password }))
    }

    pub fn push(&self, body: &PushRequest) -> Result<PushResult> {
        self.send(self.authed(self.http.post(self.url("/v1/push"))).json(body))
    }

    pub fn pull(&self, cursor: Option<&str>, limit: u32) -> Result<PullPage> {
        let mut url = format!("{}?limit={limit}", self.url("/v1/pull"));
        if let Some(c) = cursor.filter(|c| !c.is_empty()) {
            // The cursor is base64url: safe in a query string as it is.
            url.push_str("&cursor=");
            url.push_str(c);
        }
        self.send(self.authed(self.http.get(url)))
    }

    /// `GET /v1/usernames/{name}`: whether this account may take the @username on the
    /// server (by the shared rules and against every other account's name, confusable
    /// look-alikes included), and why not in words. Advice only: the push that sets the name
    /// is the claim.
    pub fn username_available(&self, name: &str) -> Result<UsernameAvailability> {
        let mut url = reqwest::Url::parse(&self.url("/v1/usernames"))
            .map_err(|e| CoreError::validation(format!("the server address cannot take a path: {e}")))?;
        url.path_segments_mut()
            .map_err(|_| CoreError::validation("the server address cannot take a path"))?
            .push(name);
        self.send(self.authed(self.http.get(url)))
    }

    /// `POST /v1/accounts/lookup`: the account that signs in with `email` and its public
    /// profile (to share a dashboard with it). Unknown: `not_found`; my own: `own_account`.
    pub fn lookup_account(&self, email: &str) -> Result<AccountFound> {
        self.send(self.authed(self.http.post(self.url("/v1/accounts/lookup"))).json(&AccountLookup { email: email.to_string() }))
    }

    /// Whether the server already holds this account's file with this content, and if
    /// not, what an upload may be.
    pub fn has_blob(&self, content_hash: &str) -> Result<BlobPresence> {
        let response = self.execute(self.authed(self.http.head(self.blob_url(content_hash))))?;
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            let number = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).and_then(|t| t.parse::<u64>().ok());
            return Ok(BlobPresence::Missing {
                max_bytes: number(studydesk_sync::BLOB_MAX_BYTES_HEADER),
                quota_free: number(studydesk_sync::BLOB_QUOTA_FREE_HEADER),
            });
        }
        check(response).map(|_| BlobPresence::Held)
    }

    /// Uploads a file (streamed from disk, never whole in memory); the server checks
    /// its SHA-256 against `content_hash`. A refusal of this file (413 too large or over
    /// quota, 422 hash mismatch) is an answer, not an error: the round goes on.
    pub fn put_blob(&self, content_hash: &str, file: std::fs::File, len: u64) -> Result<BlobUpload> {
        let req = self
            .authed(self.http.put(self.blob_url(content_hash)))
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .timeout(transfer_timeout(len))
            .body(reqwest::blocking::Body::sized(file, len));
        let response = self.execute(req)?;
        let status = response.status().as_u16();
        if status == 413 || status == 422 {
            let body: Option<ErrorBody> = response.json().ok();
            let (code, message) = body.map_or_else(|| ("refused".to_string(), format!("the sync server answered {status}")), |b| (b.kind, b.message));
            return Ok(BlobUpload::Refused { code, message });
        }
        check(response).map(|_| BlobUpload::Stored)
    }

    /// Streams a file into `out`: `Ok(None)` when the server has no copy (yet), else the
    /// number of bytes written. Failing to read is `offline`; failing to write, `io`.
    /// Reading stops one byte past `expected_len`, so a wrong answer cannot fill the disk
    /// (the caller sees the size differ and drops it).
    pub fn get_blob(&self, content_hash: &str, expected_len: u64, out: &mut dyn std::io::Write) -> Result<Option<u64>> {
        let req = self.authed(self.http.get(self.blob_url(content_hash))).timeout(transfer_timeout(expected_len));
        let response = self.execute(req)?;
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let mut response = check(response)?;
        let mut buf = vec![0u8; 256 * 1024];
        let mut written = 0u64;
        loop {
            let n = std::io::Read::read(&mut response, &mut buf).map_err(|e| {
                CoreError::sync(SyncErrorKind::Offline, format!("the download of a file from {} was cut off: {e}", self.base))
            })?;
            if n == 0 {
                return Ok(Some(written));
            }
            out.write_all(&buf[..n]).map_err(|e| CoreError::io("could not write a downloaded file", e))?;
            written += n as u64;
            if written > expected_len {
                return Ok(Some(written));
            }
        }
    }

    fn blob_url(&self, content_hash: &str) -> String {
        self.url(&format!("/v1/blobs/{content_hash}"))
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn authed(&self, req: reqwest::blocking::RequestBuilder) -> reqwest::blocking::RequestBuilder {
        let req = req.header(SCHEMA_HEADER, crate::db::latest_version().to_string());
        match &self.key {
            Some(key) => req.bearer_auth(key),
            None => req,
        }
    }

    fn execute(&self, req: reqwest::blocking::RequestBuilder) -> Result<reqwest::blocking::Response> {
        req.send().map_err(|e| {
            CoreError::sync(SyncErrorKind::Offline, format!("could not reach the sync server at {}: {}", self.base, root_cause(&e)))
        })
    }

    fn send<T: DeserializeOwned>(&self, req: reqwest::blocking::RequestBuilder) -> Result<T> {
        let response = check(self.execute(req)?)?;
        response.json::<T>().map_err(|e| {
            CoreError::sync(SyncErrorKind::Server, format!("the sync server sent an answer Studydesk cannot read: {e}"))
        })
    }
}

/// A file transfer gets a minute plus the time to move it at 128 KiB/s: the 60 s of a JSON
/// request would cut a large video off on a slow link.
fn transfer_timeout(bytes: u64) -> Duration {
    Duration::from_secs(60 + bytes / (128 * 1024))
}

fn root_cause(e: &dyn std::error::Error) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// A success passes; a failure becomes a typed error carrying the server's message.
fn check(response: reqwest::blocking::Response) -> Result<reqwest::blocking::Response> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let body: Option<ErrorBody> = response.json().ok();
    let message = body.as_ref().map_or_else(|| format!("the sync server answered {status}"), |b| b.message.clone());
    Err(CoreError::sync(error_kind(status.as_u16(), body.as_ref().map(|b| b.kind.as_str())), message))
}

/// The kind of a failed answer, from its status; the two password answers the app words
/// for the user (a wrong current password, too many attempts) keep their own kind.
fn error_kind(status: u16, server_kind: Option<&str>) -> SyncErrorKind {
    match (status, server_kind) {
        (403, Some("wrong_password")) => SyncErrorKind::WrongPassword,
        (429, Some("too_many_attempts")) => SyncErrorKind::TooManyAttempts,
        (401, _) => SyncErrorKind::SignedOut,
        (429 | 500..=599, _) => SyncErrorKind::Server,
        _ => SyncErrorKind::Refused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_answers_keep_their_kind_and_the_rest_go_by_status() {
        assert_eq!(error_kind(403, Some("wrong_password")), SyncErrorKind::WrongPassword);
        assert_eq!(error_kind(429, Some("too_many_attempts")), SyncErrorKind::TooManyAttempts);
        assert_eq!(error_kind(429, Some("slow_down")), SyncErrorKind::Server);
        assert_eq!(error_kind(503, Some("unavailable")), SyncErrorKind::Server);
        assert_eq!(error_kind(401, Some("revoked_key")), SyncErrorKind::SignedOut);
        assert_eq!(error_kind(403, Some("forbidden")), SyncErrorKind::Refused);
        assert_eq!(error_kind(422, Some("weak_password")), SyncErrorKind::Refused);
        assert_eq!(error_kind(502, None), SyncErrorKind::Server);
        assert!(!SyncErrorKind::WrongPassword.retryable() && !SyncErrorKind::TooManyAttempts.retryable());
    }
}
