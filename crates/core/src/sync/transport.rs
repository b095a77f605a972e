//! HTTP to the sync server (reqwest, blocking: the core is synchronous and the app runs
//! sync on its own thread). Maps every failure to a [`SyncErrorKind`] the loop can act on:
//! no answer → offline, 5xx/429 → retry later, 401 → sign in again, other 4xx → refused.

use crate::error::SyncErrorKind;
use crate::{CoreError, Result};
use serde::de::DeserializeOwned;
use std::time::Duration;
use studydesk_sync::wire::{ErrorBody, LoginRequest, PullPage, PushRequest, PushResult, Session, SignupRequest};
use studydesk_sync::SCHEMA_HEADER;

pub struct Remote {
    base: String,
    key: Option<String>,
    http: reqwest::blocking::Client,
}

/// Checks a server URL as typed by the user: http(s), a host, no query.
pub fn normalize_url(url: &str) -> Result<String> {
    let url = url.trim().trim_end_matches('/');
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| CoreError::validation(format!("\"{url}\" is not a server address ({e}); try https://sync.example.org")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(CoreError::validation(format!("the server address must start with https:// or http:// (got \"{url}\")")));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(CoreError::validation("the server address cannot contain ? or #"));
    }
    Ok(url.to_string())
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
    let kind = match status.as_u16() {
        401 => SyncErrorKind::SignedOut,
        429 | 500..=599 => SyncErrorKind::Server,
        _ => SyncErrorKind::Refused,
    };
    Err(CoreError::sync(kind, message))
}
