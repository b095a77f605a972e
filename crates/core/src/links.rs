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

use crate::validate::{self, LINK_MAX};
use crate::{CoreError, Result};

/// The link, checked (see the module contract): `validate::link_kind`'s rule, trimmed.
pub fn check(link: &str) -> Result<String> {
    let link = link.trim();
    if validate::link_kind(link).is_some() {
        return Ok(link.to_string());
    }
    Err(CoreError::validation(format!(
        "\"{}\" was not opened: a link must start with https://, http:// or mailto:, without spaces, in at most {LINK_MAX} characters",
        validate::truncate_for_message(link)
    )))
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
