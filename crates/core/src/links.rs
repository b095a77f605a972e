//! Links that leave the app: a web page or a mail address, opened in the system's own
//! browser or mail program. The webview opens no second window, so a `target="_blank"`
//! link in it would do nothing: the UI hands every such click to [`open`].
//!
//! Contract: only `http`, `https` and `mailto` links (what the app shows as links: study
//! resources, playlists, an event's link, Markdown in a text widget), at most 2,048
//! characters, without spaces or control characters. Anything else (`file:`,
//! `javascript:`, a custom scheme an imported calendar could name) is refused in words and
//! never handed to the system, whose handler would run it. The system's opener (xdg-open,
//! `open`, ShellExecute, through the `open` crate) is started detached: the call answers
//! once it started, not when the browser did.

use crate::{validate, CoreError, Result};

/// The longest link opened (as `validate::url`).
pub const LINK_MAX: usize = 2048;

/// The link, checked (see the module contract).
pub fn check(link: &str) -> Result<String> {
    let link = link.trim();
    let lower = link.to_ascii_lowercase();
    let web = ["https://", "http://"].iter().find_map(|scheme| lower.strip_prefix(scheme)).is_some_and(|host| !host.is_empty() && !host.starts_with('/'));
    let mail = lower.strip_prefix("mailto:").is_some_and(|to| to.contains('@'));
    let clean = link.chars().count() <= LINK_MAX && !link.chars().any(|c| c.is_whitespace() || c.is_control() || is_bidi_control(c));
    if (web || mail) && clean {
        return Ok(link.to_string());
    }
    Err(CoreError::validation(format!(
        "\"{}\" was not opened: a link must start with https://, http:// or mailto:, without spaces, in at most {LINK_MAX} characters",
        validate::truncate_for_message(link)
    )))
}

/// Bidirectional overrides and isolates: they make a link read as another one.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// Opens `link` in the system's browser or mail program.
pub fn open(link: &str) -> Result<()> {
    let link = check(link)?;
    open::that_detached(&link).map_err(|e| CoreError::io("this computer has no program to open links with (no browser or mail program is set up)", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_and_mail_links_are_opened_and_nothing_else() {
        for ok in ["https://example.org/a?b=c#d", "HTTP://example.org", "mailto:ann@example.org", "mailto:ann@example.org?subject=Hi"] {
            assert_eq!(check(ok).unwrap(), ok);
        }
        assert_eq!(check("  https://example.org  ").unwrap(), "https://example.org");
        for bad in [
            "",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "smb://server/share",
            "https://",
            "https:///x",
            "mailto:",
            "mailto:nobody",
            "https://exa mple.org",
            "https://example.org/\u{0}",
            "https://example.org/\u{202e}",
            "example.org",
        ] {
            let err = check(bad).expect_err(bad).to_string();
            assert!(err.contains("link"), "{bad}: {err}");
        }
        assert!(check(&format!("https://example.org/{}", "a".repeat(LINK_MAX))).is_err());
    }
}
