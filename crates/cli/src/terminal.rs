//! What the CLI prints is safe to show in a terminal.
//!
//! Contract:
//! - User data (task descriptions, event titles, names, messages, ids a user typed) can
//!   hold anything a file or another device wrote: escape sequences that move the cursor
//!   or retitle the window, C1 controls some terminals obey, and bidirectional overrides
//!   that make a line read differently from what it holds. None of them reaches the
//!   terminal.
//! - [`say!`] prints a line with every control character but newline and tab removed,
//!   and every bidirectional control removed. [`field`] is for user text placed inside one
//!   line (a tab-separated column, a title): its newlines and tabs become spaces too, so
//!   it cannot fake another line or column.
//! - [`json`] prints JSON with the same characters escaped as `\uXXXX` (still the same
//!   JSON value: they can only occur inside strings), so `--json` output is safe to show
//!   and reads back unchanged.

use std::borrow::Cow;
use studydesk_core::CoreError;

/// Prints one or more lines made safe by [`line`].
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::terminal::print_line(&$crate::terminal::line(&format!($($arg)*)))
    };
}
pub(crate) use say;

/// Writes `text` and a newline to standard output. A reader that went away (`| head`)
/// ends the program quietly with 0, as ripgrep does (println! would panic); another write
/// error (a full disk behind `>`) is said in one line and ends it with 1.
pub fn print_line(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{text}").and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error (io): could not write the output: {e}");
        std::process::exit(1);
    }
}

/// Bidirectional formatting controls (Unicode UAX #9): marks, embeddings, overrides and
/// isolates.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters a terminal may act on rather than show, besides newline and tab.
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// `s` without the characters a terminal may act on (newline and tab kept).
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
        Cow::Owned(
            s.chars()
                .filter(|c| !is_unsafe(*c))
                .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(s)
    }
}

/// `value` as JSON (indented when `pretty`), unsafe characters escaped, then printed.
pub fn json<T: serde::Serialize + ?Sized>(value: &T, pretty: bool) -> Result<(), CoreError> {
    let text = if pretty { serde_json::to_string_pretty(value) } else { serde_json::to_string(value) }
        .map_err(CoreError::from)?;
    print_line(&escape_json(&text));
    Ok(())
}

/// One element of a JSON array written a line at a time: `value` compact, after a comma
/// unless it is the first, escaped as [`json`] escapes.
pub fn json_element<T: serde::Serialize + ?Sized>(value: &T, first: bool) -> Result<(), CoreError> {
    let text = serde_json::to_string(value).map_err(CoreError::from)?;
    print_line(&format!("{}{}", if first { "" } else { "," }, escape_json(&text)));
    Ok(())
}

/// serde_json escapes C0 controls already; the rest of [`is_unsafe`] can only be inside a
/// JSON string, where `\uXXXX` stands for the same character.
fn escape_json(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_overrides_are_removed_from_lines() {
        assert_eq!(line("a\u{1b}]0;owned\u{7}b\u{9b}2Jc"), "a]0;ownedb2Jc");
        assert_eq!(line("exe.\u{202E}fdp\u{2066}x"), "exe.fdpx");
        assert_eq!(line("one\ttwo\nthree"), "one\ttwo\nthree");
    }

    #[test]
    fn a_field_cannot_fake_another_line_or_column() {
        assert_eq!(field("Read\n[x] fake\ttask\r"), "Read [x] fake task");
        assert!(matches!(field("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_keeps_its_value_and_escapes_what_a_terminal_would_obey() {
        let value = serde_json::json!({"title": "a\u{202E}b\u{9b}c\u{1b}d"});
        let text = escape_json(&serde_json::to_string(&value).unwrap()).into_owned();
        assert!(!text.chars().any(is_unsafe), "{text}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), value);
    }
}
