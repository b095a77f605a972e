//! Asking the API: one request per page with reqwest's blocking client, its answer checked
//! and its records handed on page by page.
//!
//! Contract:
//! - Timeouts: [`CONNECT_TIMEOUT`] to connect, [`REQUEST_TIMEOUT`] for each request whole.
//! - An answer is read with a limit: more than [`MAX_RESPONSE_BYTES`] is refused (by its
//!   Content-Length before reading when it gives one), and all pages together at most
//!   [`MAX_TOTAL_BYTES`] (the records are held until the kinds are known).
//! - A status outside 2xx is refused with the status and the start of the body; a body
//!   that is not JSON with its content type and its start; a records path that is not in
//!   the answer, or not an array there, naming the path.
//! - Paging follows `Link: <...>; rel="next"` (resolved against the page's URL) or the
//!   cursor; at most [`MAX_PAGES`] pages: an API with more is refused rather than cut
//!   short, and a next page that repeats the one just read is refused as a loop.

use super::path::Path;
use super::request::{RestMethod, RestPaging, RestRequest};
use crate::http::{self, excerpt, ReadFailure};
use crate::{validate, CoreError, Result};
use reqwest::blocking::{Client, Response};
use reqwest::Url;
use serde_json::Value;
use std::time::{Duration, Instant};

pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
pub const MAX_RESPONSE_BYTES: u64 = 50 * 1024 * 1024;
pub const MAX_TOTAL_BYTES: u64 = 256 * 1024 * 1024;
pub const MAX_PAGES: usize = 100;

fn refuse(page: usize, msg: String) -> CoreError {
    let at = if page > 1 { format!(" (page {page})") } else { String::new() };
    CoreError::validation(format!("the API{at}: {msg}"))
}

/// Why reqwest failed, in words.
fn unreachable(url: &Url, e: &reqwest::Error) -> String {
    http::unreachable(url, e, REQUEST_TIMEOUT)
}

/// The client every request of a refresh uses.
fn client() -> Result<Client> {
    http::client(CONNECT_TIMEOUT, REQUEST_TIMEOUT)
}

fn send(client: &Client, req: &RestRequest, url: &Url) -> std::result::Result<Response, reqwest::Error> {
    let mut builder = match req.method {
        RestMethod::Get => client.get(url.clone()),
        RestMethod::Post => client.post(url.clone()),
    };
    builder = builder.header(reqwest::header::ACCEPT, "application/json");
    for h in &req.headers {
        builder = builder.header(h.name.as_str(), h.value.as_str());
    }
    if let Some(body) = &req.body {
        builder = builder.header(reqwest::header::CONTENT_TYPE, "application/json").body(body.clone());
    }
    builder.send()
}

/// The body, read up to the limit.
fn read_body(page: usize, response: &mut Response, url: &Url) -> Result<Vec<u8>> {
    let deadline = Instant::now() + REQUEST_TIMEOUT;
    http::read_capped(response, MAX_RESPONSE_BYTES, deadline).map_err(|failure| match failure {
        ReadFailure::TooLarge => refuse(page, format!("the answer is larger than {} MiB, the most a source reads: ask for less (a smaller page size or a filter)", MAX_RESPONSE_BYTES / (1024 * 1024))),
        ReadFailure::TooSlow => refuse(page, format!("the answer from {} could not be read (did not finish within {} seconds)", url.host_str().unwrap_or("the host"), REQUEST_TIMEOUT.as_secs())),
        ReadFailure::Broken(why) => refuse(page, format!("the answer from {} could not be read ({why})", url.host_str().unwrap_or("the host"))),
    })
}

/// One page: its status and body checked, parsed as JSON.
fn page_json(page: usize, response: &mut Response, url: &Url) -> Result<(Value, u64)> {
    let status = response.status();
    let body = read_body(page, response, url)?;
    if !status.is_success() {
        let mut msg = format!("{} answered {status}", url.host_str().unwrap_or("the server"));
        if !body.is_empty() {
            msg.push_str(&format!(": \"{}\"", excerpt(&body)));
        }
        return Err(refuse(page, msg));
    }
    let content_type = response.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("no content type").to_string();
    let value: Value = serde_json::from_slice(&body).map_err(|_| {
        refuse(page, format!("the answer is not JSON: it came back as {content_type}, beginning \"{}\"", excerpt(&body)))
    })?;
    Ok((value, body.len() as u64))
}

/// The `rel="next"` target of a `Link` header, resolved against `base`.
pub fn next_link(headers: &reqwest::header::HeaderMap, base: &Url) -> Option<Url> {
    for value in headers.get_all(reqwest::header::LINK).iter().filter_map(|v| v.to_str().ok()) {
        for part in value.split(',') {
            let mut pieces = part.split(';');
            let Some(target) = pieces.next().and_then(|t| t.trim().strip_prefix('<')?.strip_suffix('>')) else { continue };
            let next = pieces.any(|p| {
                let p = p.trim();
                p.strip_prefix("rel=").is_some_and(|rel| rel.trim_matches('"').split_whitespace().any(|r| r.eq_ignore_ascii_case("next")))
            });
            if next {
                return base.join(target).ok();
            }
        }
    }
    None
}

/// `url` with the query parameter `param` set to `value` (replacing an earlier one).
fn with_param(url: &Url, param: &str, value: &str) -> Url {
    let mut next = url.clone();
    let kept: Vec<(String, String)> = url.query_pairs().filter(|(k, _)| k != param).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    next.query_pairs_mut().clear().extend_pairs(kept).append_pair(param, value);
    next
}

/// The cursor at `path`: a string or a number, none when missing, null or empty.
fn cursor(body: &Value, path: &Path) -> Option<String> {
    match path.find(body)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Asks for every page of `req` and hands each page's records to `each` (its page number
/// from 1 and the records). Answers the bytes read.
pub fn pages(req: &RestRequest, mut each: impl FnMut(usize, Vec<Value>) -> Result<()>) -> Result<u64> {
    let records = req.records()?;
    let client = client()?;
    let first = super::request::check_url(&req.url)?;
    let mut url = first.clone();
    let mut total = 0u64;
    for page in 1..=MAX_PAGES + 1 {
        if page > MAX_PAGES {
            return Err(CoreError::validation(format!("the API has more than {MAX_PAGES} pages, the most a source reads: ask for larger pages or fewer records")));
        }
        let mut response = send(&client, req, &url).map_err(|e| refuse(page, unreachable(&url, &e)))?;
        let (mut body, bytes) = page_json(page, &mut response, &url)?;
        total += bytes;
        if total > MAX_TOTAL_BYTES {
            return Err(CoreError::validation(format!("the API's pages add up to more than {} MiB, the most a source reads", MAX_TOTAL_BYTES / (1024 * 1024))));
        }
        let next = match &req.paging {
            RestPaging::None => None,
            RestPaging::NextLink => next_link(response.headers(), &url),
            RestPaging::Cursor { next_path, cursor_param } => cursor(&body, &Path::parse(next_path)?).map(|c| with_param(&first, cursor_param, &c)),
        };
        let path_text = req.records_path.as_deref().unwrap_or("$");
        let found = records.take(&mut body).ok_or_else(|| refuse(page, format!("the records path {path_text} is not in the answer")))?;
        let Value::Array(items) = found else {
            return Err(refuse(page, format!("the records path {path_text} leads to {}, not an array of records", kind_of(&found))));
        };
        each(page, items)?;
        match next {
            Some(n) if n == url => return Err(refuse(page, "the next page is the page just read (a paging loop)".into())),
            Some(n) if !matches!(n.scheme(), "http" | "https") => return Err(refuse(page, format!("the next page's link is not http(s): {}", validate::truncate_for_message(n.as_str())))),
            Some(n) => url = n,
            None => break,
        }
    }
    Ok(total)
}

/// `an object`, `a string`... for messages.
pub fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue, LINK};

    #[test]
    fn the_next_link_is_found_and_resolved() {
        let base = Url::parse("http://h/api/items?page=1").unwrap();
        let mut h = HeaderMap::new();
        h.insert(LINK, HeaderValue::from_static("<http://h/api/items?page=1>; rel=\"prev\", </api/items?page=3>; rel=\"next\""));
        assert_eq!(next_link(&h, &base).unwrap().as_str(), "http://h/api/items?page=3");
        h.insert(LINK, HeaderValue::from_static("<?page=2>; rel=next"));
        assert_eq!(next_link(&h, &base).unwrap().as_str(), "http://h/api/items?page=2");
        h.insert(LINK, HeaderValue::from_static("<http://h/a?page=9>; rel=\"last\""));
        assert_eq!(next_link(&h, &base), None);
        assert_eq!(with_param(&Url::parse("http://h/a?x=1&cursor=old").unwrap(), "cursor", "n 2").as_str(), "http://h/a?x=1&cursor=n+2");
    }
}
