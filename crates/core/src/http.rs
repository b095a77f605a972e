//! Asking the web with limits: the pieces every outgoing HTTP request of the core shares
//! (Insights' REST sources, calendar subscriptions).
//!
//! Contract:
//! - [`client`]: reqwest's blocking client with a connect timeout and a per-request time
//!   limit, the app's user agent, at most 10 redirects (reqwest's default).
//! - [`read_capped`] reads a body up to a byte cap and a total time: more than the cap is
//!   refused by its Content-Length before reading when it gives one, else as soon as the
//!   cap is passed while reading (a 50 MB answer is never held whole); an answer still
//!   arriving when the time is up is refused, however slowly it trickles.
//! - [`unreachable`] and [`excerpt`] put a failure and the start of a body in words.
//! - [`web_url`]: the one rule of an address a request may go to, shared by every caller
//!   (a REST source's URL, a subscription's feed): trimmed, not empty, at most a given
//!   length (as typed and as stored), `http://` or `https://`, with a host, without a user
//!   name or password. It answers why not as a [`UrlProblem`]; each caller words it for
//!   its own field and adds its own rules (a feed's `webcal://`, a REST query's secrets).

use crate::{CoreError, Result};
use reqwest::blocking::{Client, Response};
use reqwest::Url;
use std::io::Read;
use std::time::{Duration, Instant};

/// Why a text is not an address a request may go to (see [`web_url`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlProblem {
    /// Nothing but spaces.
    Empty,
    /// Longer than the caller's limit, as typed or as stored (percent-encoded).
    TooLong { chars: usize, max: usize },
    /// Not a URL at all: the parser's reason.
    NotAUrl(String),
    /// A scheme other than http and https (the scheme found, without `://`).
    Scheme(String),
    NoHost,
    /// `user:password@` in the address.
    Credentials,
}

/// The address in `text` if a request may go to it (see the module docs), at most `max`
/// characters.
pub fn web_url(text: &str, max: usize) -> std::result::Result<Url, UrlProblem> {
    let text = text.trim();
    if text.is_empty() {
        return Err(UrlProblem::Empty);
    }
    let too_long = |s: &str| Some(s.chars().count()).filter(|n| *n > max).map(|chars| UrlProblem::TooLong { chars, max });
    if let Some(problem) = too_long(text) {
        return Err(problem);
    }
    let url = Url::parse(text).map_err(|e| UrlProblem::NotAUrl(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(UrlProblem::Scheme(url.scheme().to_string()));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(UrlProblem::NoHost);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(UrlProblem::Credentials);
    }
    match too_long(url.as_str()) {
        Some(problem) => Err(problem),
        None => Ok(url),
    }
}

/// How much of a refused body a message quotes.
const EXCERPT_CHARS: usize = 200;
const CHUNK: usize = 64 * 1024;

/// A blocking client: `connect` to connect, `total` for each request.
pub fn client(connect: Duration, total: Duration) -> Result<Client> {
    Client::builder()
        .connect_timeout(connect)
        .timeout(total)
        .user_agent(concat!("Studydesk/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| CoreError::validation(format!("could not start an HTTP client ({e})")))
}

/// Why reqwest failed, in words (`limit`: the time limit the client had).
pub fn unreachable(url: &Url, e: &reqwest::Error, limit: Duration) -> String {
    let host = url.host_str().unwrap_or("the host");
    if e.is_timeout() {
        return format!("{host} did not answer within {} seconds", limit.as_secs());
    }
    let mut cause = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    format!("could not reach {host} ({cause})")
}

/// The start of a body on one line, at most [`EXCERPT_CHARS`] characters.
pub fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(4 * EXCERPT_CHARS)]);
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut cut: String = one_line.chars().take(EXCERPT_CHARS).collect();
    if cut.len() < one_line.len() {
        cut.push('…');
    }
    cut
}

/// Why a body was not read whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadFailure {
    /// Larger than the cap (by its Content-Length or while reading).
    TooLarge,
    /// Still arriving when the time was up.
    TooSlow,
    /// The connection failed while reading (the reason in words).
    Broken(String),
}

/// Reads `response`'s body, at most `max_bytes`, finishing before `deadline`.
pub fn read_capped(response: &mut Response, max_bytes: u64, deadline: Instant) -> std::result::Result<Vec<u8>, ReadFailure> {
    if response.content_length().is_some_and(|n| n > max_bytes) {
        return Err(ReadFailure::TooLarge);
    }
    let mut body = Vec::new();
    let mut chunk = vec![0u8; CHUNK];
    loop {
        if Instant::now() > deadline {
            return Err(ReadFailure::TooSlow);
        }
        let n = match response.read(&mut chunk) {
            Ok(0) => return Ok(body),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let timeout = e.get_ref().and_then(|inner| inner.downcast_ref::<reqwest::Error>()).is_some_and(|r| r.is_timeout());
                return Err(if timeout { ReadFailure::TooSlow } else { ReadFailure::Broken(e.to_string()) });
            }
        };
        if body.len() as u64 + n as u64 > max_bytes {
            return Err(ReadFailure::TooLarge);
        }
        body.extend_from_slice(&chunk[..n]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_web_url_is_http_or_https_with_a_host_and_no_password() {
        assert_eq!(web_url(" https://uni.example/t.ics ", 100).unwrap().as_str(), "https://uni.example/t.ics");
        assert_eq!(web_url("http://127.0.0.1:8080/x", 100).unwrap().as_str(), "http://127.0.0.1:8080/x");
        assert_eq!(web_url("  ", 100), Err(UrlProblem::Empty));
        assert_eq!(web_url("ftp://uni.example/t.ics", 100), Err(UrlProblem::Scheme("ftp".into())));
        assert_eq!(web_url("https://me:pw@uni.example/", 100), Err(UrlProblem::Credentials));
        assert_eq!(web_url("https://me@uni.example/", 100), Err(UrlProblem::Credentials));
        assert!(matches!(web_url("not a link", 100), Err(UrlProblem::NotAUrl(_))));
        assert!(matches!(web_url("file:///etc/passwd", 100), Err(UrlProblem::Scheme(_))));
        assert_eq!(web_url("https://uni.example/aaaa", 20), Err(UrlProblem::TooLong { chars: 24, max: 20 }));
        // Percent-encoding may lengthen it: the stored form counts too.
        assert_eq!(web_url("https://u.example/ééé", 26), Err(UrlProblem::TooLong { chars: 36, max: 26 }));
    }
}
