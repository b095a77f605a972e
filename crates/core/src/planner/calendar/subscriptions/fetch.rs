//! Asking a feed's server for the calendar: one conditional GET with limits.
//!
//! Contract:
//! - [`feed_url`]: what a user may subscribe to: `webcal://` and `webcals://` mean
//!   `https://`; then the shared rule of a web address (`http::web_url`: `http://` or
//!   `https://` with a host, without a user name or password), at most
//!   [`SUBSCRIPTION_URL_MAX`] characters.
//! - [`get`] sends `If-None-Match` / `If-Modified-Since` with the last good copy's
//!   validators; a 304 answers [`Fetched::NotModified`]. It connects within
//!   [`FeedLimits::connect`], finishes within [`FeedLimits::total`] and reads at most
//!   [`FeedLimits::max_bytes`] (refused while reading: never held whole, `crate::http`).
//! - Every failure is a reason in words for the subscription's `last_error`: the status
//!   and the start of the body, a timeout with its limit, a web page (HTML) instead of a
//!   calendar, an answer over the cap.

use crate::http::{self, ReadFailure, UrlProblem};
use crate::planner::rows::SUBSCRIPTION_URL_MAX;
use crate::error::Rule;
use crate::{validate, CoreError, Result};
use reqwest::header::{ACCEPT, CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use reqwest::{StatusCode, Url};
use std::time::{Duration, Instant};

/// How long a fetch may take and how much it may read.
#[derive(Debug, Clone, Copy)]
pub struct FeedLimits {
    pub connect: Duration,
    pub total: Duration,
    pub max_bytes: u64,
}

/// The limits of the app: a university timetable is a few hundred kB; 10 MiB is a large
/// shared calendar's history.
pub const LIMITS: FeedLimits =
    FeedLimits { connect: Duration::from_secs(10), total: Duration::from_secs(60), max_bytes: 10 * 1024 * 1024 };

/// What the server answered.
#[derive(Debug)]
pub enum Fetched {
    /// A new copy, with its validators.
    Body { bytes: Vec<u8>, etag: Option<String>, last_modified: Option<String> },
    /// 304: the last good copy is current.
    NotModified,
}

/// The URL as stored: `webcal(s)://` as `https://`, then the shared rule of a web
/// address (`http::web_url`), worded for a feed.
pub fn feed_url(text: &str) -> Result<String> {
    let text = validate::text("url", text, SUBSCRIPTION_URL_MAX)?;
    let lower = text.to_ascii_lowercase();
    let text = match ["webcal://", "webcals://"].iter().find(|p| lower.starts_with(*p)) {
        Some(prefix) => format!("https://{}", &text[prefix.len()..]),
        None => text,
    };
    let bad = |why: &str| CoreError::validation(format!("the address \"{}\" {why}", validate::truncate_for_message(&text)));
    http::web_url(&text, SUBSCRIPTION_URL_MAX).map(String::from).map_err(|problem| match problem {
        UrlProblem::Empty => CoreError::rule(Rule::Empty { field: "url".into() }),
        UrlProblem::TooLong { chars, max } => validate::too_long("url", chars, max),
        UrlProblem::NotAUrl(e) => bad(&format!("is not a web address ({e})")),
        UrlProblem::Scheme(_) => bad("is not a calendar link: use an https://, http:// or webcal:// address"),
        UrlProblem::NoHost => bad("has no host"),
        UrlProblem::Credentials => bad("holds a user name or password: subscriptions do not keep passwords; use the calendar's secret address instead"),
    })
}

/// The IPC check of `calendar_subscribe`: the address, before any thread is started.
pub fn check_new(input: &super::NewSubscription) -> Result<()> {
    feed_url(&input.url).map(|_| ())
}

/// The IPC check of a command naming a subscription.
pub fn check_id(id: &String) -> Result<()> {
    validate::id("subscription", id).map(|_| ())
}

/// Asks `url` for the feed (see the module docs). `Err` is the reason in words.
pub fn get(url: &str, etag: Option<&str>, last_modified: Option<&str>, limits: &FeedLimits) -> std::result::Result<Fetched, String> {
    let url = Url::parse(url).map_err(|e| format!("the address is not valid ({e})"))?;
    let client = http::client(limits.connect, limits.total).map_err(|e| e.to_string())?;
    let deadline = Instant::now() + limits.total;
    let mut request = client.get(url.clone()).header(ACCEPT, "text/calendar, */*;q=0.5");
    if let Some(tag) = etag {
        request = request.header(IF_NONE_MATCH, tag);
    }
    if let Some(date) = last_modified {
        request = request.header(IF_MODIFIED_SINCE, date);
    }
    let mut response = request.send().map_err(|e| http::unreachable(&url, &e, limits.total))?;
    let host = url.host_str().unwrap_or("the server").to_string();
    let status = response.status();
    if status == StatusCode::NOT_MODIFIED {
        return Ok(Fetched::NotModified);
    }
    let header = |name: reqwest::header::HeaderName| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let (new_etag, new_modified, content_type) = (header(ETAG), header(LAST_MODIFIED), header(CONTENT_TYPE));
    let bytes = http::read_capped(&mut response, limits.max_bytes, deadline).map_err(|failure| match failure {
        ReadFailure::TooLarge => format!(
            "the feed is larger than {} MiB, the most a subscription reads; nothing of it was kept",
            limits.max_bytes / (1024 * 1024)
        ),
        ReadFailure::TooSlow => format!("{host} did not send the whole feed within {} seconds", limits.total.as_secs()),
        ReadFailure::Broken(why) => format!("the answer from {host} was cut off ({why})"),
    })?;
    if !status.is_success() {
        let mut why = format!("{host} answered {status}");
        if !bytes.is_empty() {
            why.push_str(&format!(": \"{}\"", http::excerpt(&bytes)));
        }
        return Err(why);
    }
    if looks_like_html(content_type.as_deref(), &bytes) {
        return Err(format!(
            "{host} answered with a web page, not a calendar (beginning \"{}\"): check that the link is the calendar's .ics or webcal address",
            http::excerpt(&bytes)
        ));
    }
    Ok(Fetched::Body { bytes, etag: new_etag.filter(|t| t.len() <= 1000), last_modified: new_modified.filter(|t| t.len() <= 200) })
}

/// A web page (a sign-in page, an error page) rather than a calendar: one that starts
/// like HTML, or one labelled HTML that does not start like a calendar (some servers
/// label their .ics files wrongly).
fn looks_like_html(content_type: Option<&str>, body: &[u8]) -> bool {
    let typed = content_type.is_some_and(|t| t.to_ascii_lowercase().starts_with("text/html"));
    let start: String = String::from_utf8_lossy(&body[..body.len().min(512)]).trim_start().chars().take(15).collect::<String>().to_ascii_lowercase();
    start.starts_with("<!doctype html") || start.starts_with("<html") || (typed && !start.starts_with("begin:vcalendar"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webcal_means_https_and_other_schemes_are_refused() {
        assert_eq!(feed_url(" webcal://example.org/a.ics ").unwrap(), "https://example.org/a.ics");
        assert_eq!(feed_url("WEBCALS://example.org/a.ics").unwrap(), "https://example.org/a.ics");
        assert_eq!(feed_url("http://127.0.0.1:8080/x").unwrap(), "http://127.0.0.1:8080/x");
        assert!(feed_url("ftp://example.org/a.ics").unwrap_err().to_string().contains("webcal://"));
        assert!(feed_url("https://me:pw@example.org/a.ics").unwrap_err().to_string().contains("password"));
        assert!(feed_url("not a link").is_err());
    }

    #[test]
    fn a_web_page_is_told_from_a_calendar() {
        assert!(looks_like_html(Some("text/html; charset=utf-8"), b"<p>Sign in"));
        assert!(!looks_like_html(Some("text/html"), b"BEGIN:VCALENDAR\r\n"));
        assert!(looks_like_html(None, b"  <!DOCTYPE html><html>"));
        assert!(!looks_like_html(Some("text/calendar"), b"BEGIN:VCALENDAR\r\n"));
    }
}
