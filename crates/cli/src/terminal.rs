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
//!   it cannot fake another line or column. Both are the core's (`studydesk_core::text`),
//!   shared with the app's `--remind-once`.
//! - [`json`] prints JSON with the same characters escaped as `\uXXXX` (still the same
//!   JSON value: they can only occur inside strings), so `--json` output is safe to show
//!   and reads back unchanged.

use std::borrow::Cow;
pub use studydesk_core::text::{field, line};
use studydesk_core::text::is_unsafe;
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
    fn json_keeps_its_value_and_escapes_what_a_terminal_would_obey() {
        let value = serde_json::json!({"title": "a\u{202E}b\u{9b}c\u{1b}d"});
        let text = escape_json(&serde_json::to_string(&value).unwrap()).into_owned();
        assert!(!text.chars().any(is_unsafe), "{text}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), value);
    }
}
