//! What a REST source asks for ([`RestRequest`]), checked before anything is sent or
//! stored: it becomes the source's `connection_config` as it is, so it must hold no
//! secret.
//!
//! Contract:
//! - The URL is `http` or `https`, with a host, at most [`URL_MAX`] characters, without a
//!   user or password and without a query parameter named like a credential.
//! - GET sends no body; POST may send a JSON body (at most [`BODY_MAX`] bytes, checked to
//!   be JSON).
//! - Headers: at most [`HEADERS_MAX`], valid HTTP names and values; a name that carries a
//!   credential (Authorization, Cookie, X-Api-Key, anything with auth, token, secret,
//!   session, password or key in it) is refused: secrets go to the OS keychain, which is
//!   not built yet, and never into `connection_config`.
//! - `records_path` ([`super::path`], `$` when blank) says where the array of records is;
//!   `columns` maps column names (unique ignoring case, at most 1,000) to a path inside a
//!   record and a kind; none means the columns are inferred from the records.
//! - Paging: none, the `Link: <...>; rel="next"` header, or a cursor read at `next_path`
//!   in the answer and sent back as the query parameter `cursor_param`.

use super::path::Path;
use crate::insights::sources::column_name;
use crate::insights::sources::csv::MAX_COLUMNS;
use crate::insights::table::ColumnKind;
use crate::http::{self, UrlProblem};
use crate::{validate, CoreError, Result};
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::Url;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use ts_rs::TS;

pub const URL_MAX: usize = 2000;
pub const BODY_MAX: usize = 64 * 1024;
pub const HEADERS_MAX: usize = 30;
const HEADER_VALUE_MAX: usize = 2000;
const PARAM_MAX: usize = 100;

/// How a REST source is asked for its data (stored as its `connection_config`).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct RestRequest {
    /// `http://` or `https://`.
    pub url: String,
    #[serde(default)]
    pub method: RestMethod,
    /// POST only: the JSON body, as text.
    #[serde(default)]
    pub body: Option<String>,
    /// Headers without secrets (no Authorization, Cookie, API key...).
    #[serde(default)]
    pub headers: Vec<RestHeader>,
    /// Where the array of records is in the answer (`$.data.items`; `$` when blank).
    #[serde(default)]
    pub records_path: Option<String>,
    /// The columns: none infers them from the records' top-level values.
    #[serde(default)]
    pub columns: Vec<RestColumn>,
    #[serde(default)]
    pub paging: RestPaging,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, TS, PartialEq, Eq)]
#[ts(export)]
#[serde(rename_all = "lowercase")]
pub enum RestMethod {
    #[default]
    Get,
    Post,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
#[ts(export)]
pub struct RestHeader {
    pub name: String,
    pub value: String,
}

/// One column of a REST source: where its value is in a record, and its kind.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
#[ts(export)]
pub struct RestColumn {
    pub name: String,
    /// `$.user.name`, `user.name` or the JSON pointer `/user/name`, inside one record.
    pub path: String,
    pub kind: ColumnKind,
}

/// How the next page is found.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, PartialEq, Eq)]
#[ts(export)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum RestPaging {
    /// One request.
    #[default]
    None,
    /// The answer's `Link: <...>; rel="next"` header.
    NextLink,
    /// The value at `next_path` in the answer, sent as the query parameter `cursor_param`
    /// (stops when it is missing, null or empty).
    Cursor { next_path: String, cursor_param: String },
}

/// Whether a header or parameter name carries a credential.
pub fn carries_secret(name: &str) -> bool {
    let n = name.trim().to_ascii_lowercase();
    const WORDS: &[&str] = &["auth", "token", "secret", "passw", "cookie", "session", "credential", "signature", "apikey", "api-key", "api_key"];
    WORDS.iter().any(|w| n.contains(w)) || n == "key" || n.ends_with("-key") || n.ends_with("_key") || n == "sig"
}

fn secret_refused(what: &str, name: &str) -> CoreError {
    CoreError::validation(format!(
        "the {what} \"{}\" carries a credential, and Studydesk does not store secrets yet: they will be kept in the OS keychain, a later step. Remove it (only non-secret {what}s are kept with the source)",
        validate::truncate_for_message(name.trim())
    ))
}

/// The request's URL, checked: the shared rule of a web address (`http::web_url`), worded
/// for a data source, and no query parameter named like a credential.
pub fn check_url(text: &str) -> Result<Url> {
    let url = http::web_url(text, URL_MAX).map_err(|problem| match problem {
        UrlProblem::Empty => CoreError::validation("give the API's URL (http:// or https://)"),
        UrlProblem::TooLong { max, .. } => CoreError::validation(format!("the URL is longer than {max} characters")),
        UrlProblem::NotAUrl(e) => CoreError::validation(format!("\"{}\" is not a URL ({e})", validate::truncate_for_message(text.trim()))),
        UrlProblem::Scheme(scheme) => CoreError::validation(format!("only http:// and https:// URLs can be a data source, not {scheme}://")),
        UrlProblem::NoHost => CoreError::validation("the URL has no host"),
        UrlProblem::Credentials => secret_refused("URL part", "user:password@"),
    })?;
    if let Some((name, _)) = url.query_pairs().find(|(k, _)| carries_secret(k)) {
        return Err(secret_refused("query parameter", &name));
    }
    Ok(url)
}

impl RestRequest {
    /// The request with its text trimmed, or why it cannot be used (see the module contract).
    pub fn checked(mut self) -> Result<RestRequest> {
        self.url = check_url(&self.url)?.to_string();
        self.body = self.body.filter(|b| !b.trim().is_empty());
        match (&self.method, &self.body) {
            (RestMethod::Get, Some(_)) => return Err(CoreError::validation("a GET request sends no body: choose POST to send one")),
            (RestMethod::Post, Some(body)) if body.len() > BODY_MAX => {
                return Err(CoreError::validation(format!("the body is larger than {} KiB", BODY_MAX / 1024)))
            }
            (RestMethod::Post, Some(body)) => {
                serde_json::from_str::<serde_json::Value>(body).map_err(|e| CoreError::validation(format!("the body is not JSON ({e})")))?;
            }
            _ => {}
        }
        self.check_headers()?;
        let records = self.records_path.as_deref().map(str::trim).filter(|p| !p.is_empty()).unwrap_or("$").to_string();
        Path::parse(&records)?;
        self.records_path = Some(records);
        self.check_columns()?;
        if let RestPaging::Cursor { next_path, cursor_param } = &mut self.paging {
            *next_path = next_path.trim().to_string();
            Path::parse(next_path)?;
            *cursor_param = cursor_param.trim().to_string();
            if cursor_param.is_empty() || cursor_param.chars().count() > PARAM_MAX || cursor_param.chars().any(char::is_control) {
                return Err(CoreError::validation(format!("the cursor's query parameter needs a name of 1 to {PARAM_MAX} characters")));
            }
        }
        Ok(self)
    }

    fn check_headers(&mut self) -> Result<()> {
        if self.headers.len() > HEADERS_MAX {
            return Err(CoreError::validation(format!("at most {HEADERS_MAX} headers can be sent")));
        }
        for h in &mut self.headers {
            h.name = h.name.trim().to_string();
            if carries_secret(&h.name) {
                return Err(secret_refused("header", &h.name));
            }
            HeaderName::from_bytes(h.name.as_bytes())
                .map_err(|_| CoreError::validation(format!("\"{}\" is not a header name", validate::truncate_for_message(&h.name))))?;
            if h.value.chars().count() > HEADER_VALUE_MAX || HeaderValue::from_str(&h.value).is_err() {
                return Err(CoreError::validation(format!(
                    "the value of the header \"{}\" is not a header value (one line of at most {HEADER_VALUE_MAX} characters)",
                    h.name
                )));
            }
        }
        Ok(())
    }

    fn check_columns(&mut self) -> Result<()> {
        if self.columns.len() > MAX_COLUMNS {
            return Err(CoreError::validation(format!("at most {MAX_COLUMNS} columns can be mapped")));
        }
        let mut seen = HashSet::new();
        for c in &mut self.columns {
            c.name = column_name(&c.name)?;
            if !seen.insert(c.name.to_lowercase()) {
                return Err(CoreError::validation(format!("two columns are named \"{}\": give each its own name", c.name)));
            }
            c.path = c.path.trim().to_string();
            Path::parse(&c.path)?;
        }
        Ok(())
    }

    /// The records path, parsed (a checked request has one).
    pub fn records(&self) -> Result<Path> {
        Path::parse(self.records_path.as_deref().unwrap_or("$"))
    }
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_named_as_such() {
        for secret in ["Authorization", "Proxy-Authorization", "Cookie", "X-Api-Key", "api_key", "X-Auth-Token", "access_token", "key", "X-Session-Id", "client_secret"] {
            assert!(carries_secret(secret), "{secret}");
        }
        for plain in ["Accept", "Accept-Language", "User-Agent", "X-Request-Id", "page", "cursor", "keyword"] {
            assert!(!carries_secret(plain), "{plain}");
        }
    }
}
