//! User text made safe to print in a terminal (the CLI's output, the app's
//! `--remind-once` lines).
//!
//! Contract:
//! - User data (task descriptions, event titles, subscription and report names, messages)
//!   can hold anything a file, a feed or another device wrote: escape sequences that move
//!   the cursor or retitle the window, C1 controls some terminals obey, and bidirectional
//!   controls that make a line read differently from what it holds. [`line`] and
//!   [`field`] let none of them through.
//! - [`line`] keeps newlines and tabs (a whole printed line or block); [`field`] is for
//!   user text placed inside one line (a tab-separated column, a title): its newlines and
//!   tabs become spaces too, so it cannot fake another line or column.
//! - [`is_bidi_control`] is the one definition of the bidirectional controls, also used
//!   by `validate::link_kind` (a link with one reads as another link).
//! - Both borrow when there is nothing to remove.

use std::borrow::Cow;

/// Bidirectional formatting controls (Unicode UAX #9): the marks (ALM, LRM, RLM), the
/// embeddings and overrides (LRE..RLO) and the isolates (LRI..PDI).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters a terminal may act on rather than show, besides newline and tab: control
/// characters (C0, DEL, C1), bidirectional controls, and the line and paragraph separators.
pub fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// `s` without the characters a terminal may act on (newlines and tabs kept).
pub fn line(s: &str) -> Cow<'_, str> {
    if s.chars().any(is_unsafe) {
        Cow::Owned(s.chars().filter(|c| !is_unsafe(*c)).collect())
    } else {
        Cow::Borrowed(s)
    }
}

/// User text for inside one line: unsafe characters removed, newlines and tabs as spaces.
pub fn field(s: &str) -> Cow<'_, str> {
    if s.chars().any(|c| is_unsafe(c) || c == '\n' || c == '\t') {
        Cow::Owned(s.chars().filter(|c| !is_unsafe(*c)).map(|c| if c == '\n' || c == '\t' { ' ' } else { c }).collect())
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_overrides_are_removed_from_lines() {
        assert_eq!(line("a\u{1b}]0;owned\u{7}b\u{9b}2Jc"), "a]0;ownedb2Jc");
        assert_eq!(line("exe.\u{202E}fdp\u{2066}x\u{061C}"), "exe.fdpx");
        assert_eq!(line("one\ttwo\nthree"), "one\ttwo\nthree");
    }

    #[test]
    fn a_field_cannot_fake_another_line_or_column() {
        assert_eq!(field("Read\n[x] fake\ttask\r\u{2028}"), "Read [x] fake task");
        assert!(matches!(field("plain"), Cow::Borrowed(_)));
    }
}
