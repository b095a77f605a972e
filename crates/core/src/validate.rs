//! Checks at the core boundary. Every service validates its arguments here before any
//! SQL runs, so a bad value gets a sentence naming the field and the rule; the schema's
//! CHECK constraints stay as a backstop.

use crate::error::Rule;
use crate::{CoreError, Result};
use chrono::{DateTime, NaiveDate, Utc};

/// A required text: trimmed, not empty, at most `max` characters.
pub fn text(field: &str, value: &str, max: usize) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(CoreError::rule(Rule::Empty { field: field.to_string() }));
    }
    limit(field, v, max)?;
    Ok(v.to_string())
}

/// An optional text: `None` or blank becomes `None`; otherwise as [`text`].
pub fn opt_text(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => {
            limit(field, v, max)?;
            Ok(Some(v.to_string()))
        }
    }
}

fn limit(field: &str, v: &str, max: usize) -> Result<()> {
    let n = v.chars().count();
    if n > max {
        return Err(too_long(field, n, max));
    }
    Ok(())
}

/// The error of a text longer than `max` characters (`n` given).
pub fn too_long(field: &str, n: usize, max: usize) -> CoreError {
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    CoreError::rule(Rule::TooLong { field: field.to_string(), max: count(max), length: count(n) })
}

/// An id argument: a canonical UUID, or a not-found error (a malformed id cannot exist).
pub fn id(entity: &'static str, value: &str) -> Result<String> {
    if crate::ids::is_uuid(value) {
        Ok(value.to_ascii_lowercase())
    } else {
        Err(CoreError::not_found(entity, truncate_for_message(value)))
    }
}

/// An ISO 8601 / RFC 3339 date-time with an offset (`2026-11-22T15:00:00+09:00`).
pub fn timestamp(field: &str, value: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(value.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| CoreError::rule(Rule::Timestamp { field: field.to_string(), got: truncate_for_message(value) }))
}

pub fn opt_timestamp(field: &str, value: Option<&str>) -> Result<Option<DateTime<Utc>>> {
    value.map(str::trim).filter(|v| !v.is_empty()).map(|v| timestamp(field, v)).transpose()
}

/// A calendar date `YYYY-MM-DD`.
pub fn date(field: &str, value: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map_err(|_| CoreError::rule(Rule::Date { field: field.to_string(), got: truncate_for_message(value) }))
}

/// Well-formed JSON text, returned normalised.
pub fn json(field: &str, value: &str) -> Result<String> {
    let v: serde_json::Value = serde_json::from_str(value)
        .map_err(|e| CoreError::rule(Rule::Json { field: field.to_string(), detail: e.to_string() }))?;
    Ok(v.to_string())
}

/// `ends_at` must not be before `starts_at`.
pub fn ordered(start_field: &str, start: DateTime<Utc>, end_field: &str, end: DateTime<Utc>) -> Result<()> {
    if end < start {
        return Err(CoreError::rule(Rule::Order { start_field: start_field.to_string(), end_field: end_field.to_string() }));
    }
    Ok(())
}

/// An integer within an inclusive range.
pub fn range(field: &str, value: i64, min: i64, max: i64) -> Result<i64> {
    if value < min || value > max {
        return Err(CoreError::rule(Rule::Range { field: field.to_string(), min, max, got: value }));
    }
    Ok(value)
}

/// An http(s) URL, at most 2,048 characters.
pub fn url(field: &str, value: &str) -> Result<String> {
    let v = text(field, value, LINK_MAX)?;
    if link_kind(&v) != Some(LinkKind::Web) {
        return Err(CoreError::rule(Rule::Url { field: field.to_string() }));
    }
    Ok(v)
}

/// The longest link kept or opened.
pub const LINK_MAX: usize = 2048;

/// What a link opens in: a browser or a mail program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkKind {
    /// `http://` or `https://` with a host.
    Web,
    /// `mailto:` with an address.
    Mail,
}

/// The one rule for links the app draws and opens (web addresses of resources, an event's
/// link, `links::open`; the UI's `openableLink` is its copy): `Web` or `Mail` as above, at
/// most [`LINK_MAX`] characters, with no space, control character or bidirectional mark
/// (which makes a link read as another one). `None` for anything else (`javascript:`,
/// `file:`, a custom scheme an imported calendar could name). `link` is taken as given
/// (not trimmed).
pub fn link_kind(link: &str) -> Option<LinkKind> {
    let clean = link.chars().count() <= LINK_MAX && !link.chars().any(|c| c.is_whitespace() || c.is_control() || crate::text::is_bidi_control(c));
    if !clean {
        return None;
    }
    let lower = link.to_ascii_lowercase();
    let web = ["https://", "http://"].iter().find_map(|scheme| lower.strip_prefix(scheme)).is_some_and(|host| !host.is_empty() && !host.starts_with('/'));
    if web {
        return Some(LinkKind::Web);
    }
    lower.strip_prefix("mailto:").is_some_and(|to| to.contains('@')).then_some(LinkKind::Mail)
}

/// Whether `s` looks like an e-mail address (`local@domain.tld`, no spaces, at most 254
/// characters): what a form can check; the mail server has the last word.
pub fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else { return false };
    !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !s.contains(char::is_whitespace) && s.len() <= 254
}

/// Keeps error messages short when the offending input is huge or hostile.
pub fn truncate_for_message(value: &str) -> String {
    const MAX: usize = 60;
    if value.chars().count() <= MAX {
        value.to_string()
    } else {
        format!("{}…", value.chars().take(MAX).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_blank_and_overlong_text_with_the_field_name() {
        assert!(text("description", "   ", 10).unwrap_err().to_string().contains("description must not be empty"));
        let long = "x".repeat(200 * 1024);
        let err = text("description", &long, 10_000).unwrap_err().to_string();
        assert!(err.contains("too long (204800 characters; at most 10000)"), "{err}");
    }

    #[test]
    fn ids_must_be_uuids() {
        assert_eq!(id("task", "nope").unwrap_err().kind(), "not_found");
        assert!(id("task", "0193a1b2-0000-7000-8000-000000000001").is_ok());
    }

    #[test]
    fn timestamps_need_an_offset() {
        assert!(timestamp("due", "2026-11-22T15:00:00+09:00").is_ok());
        assert!(timestamp("due", "2026-11-22 15:00").is_err());
        assert!(timestamp("due", "tomorrow").unwrap_err().to_string().contains("due must be a date and time"));
    }

    #[test]
    fn urls_must_be_web_addresses() {
        assert!(url("url", "https://example.org/a").is_ok());
        assert!(url("url", "javascript:alert(1)").is_err());
    }
}
