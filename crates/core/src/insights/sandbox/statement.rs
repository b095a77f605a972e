//! Reading the user's SQL text before SQLite does: where the first statement ends, whether
//! another follows it, the keyword it starts with, and positions as the editor and a
//! person count them.
//!
//! Contract: [`scan`] skips what SQLite skips (whitespace, `--` and `/* */` comments) and
//! never looks for `;` inside a string or a quoted name (`'...'`, `"..."`, `` `...` ``,
//! `[...]`). Empty statements (`;;`) and comments after the last `;` are not a second
//! statement. The scan is advice for the messages and the one-statement rule; the
//! authorizer (`guard`) is what refuses.

/// What the text holds, by byte offsets into it.
#[derive(Debug, PartialEq, Eq)]
pub struct Scanned<'a> {
    /// The first statement, without its `;`.
    pub first: &'a str,
    /// The first statement's first word (`SELECT`, `delete`...) and where it starts, when
    /// it starts with a word.
    pub keyword: Option<(&'a str, usize)>,
    /// Where a second statement starts, when there is one.
    pub second_at: Option<usize>,
}

pub fn scan(sql: &str) -> Scanned<'_> {
    let bytes = sql.as_bytes();
    let start = skip_blank(bytes, 0);
    let keyword = word_at(sql, start).map(|w| (w, start));
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b';' => {
                let mut next = skip_blank(bytes, i + 1);
                while next < bytes.len() && bytes[next] == b';' {
                    next = skip_blank(bytes, next + 1);
                }
                let second_at = (next < bytes.len()).then_some(next);
                return Scanned { first: &sql[..i], keyword, second_at };
            }
            b'\'' | b'"' | b'`' => i = closing(bytes, i, bytes[i]),
            b'[' => i = closing(bytes, i, b']'),
            b'-' | b'/' if comment_end(bytes, i).is_some() => i = comment_end(bytes, i).unwrap_or(bytes.len()),
            _ => i += 1,
        }
    }
    Scanned { first: sql, keyword, second_at: None }
}

/// Whether the text holds no statement at all (only whitespace, comments and `;`).
pub fn is_blank(sql: &str) -> bool {
    let bytes = sql.as_bytes();
    let mut i = skip_blank(bytes, 0);
    while i < bytes.len() && bytes[i] == b';' {
        i = skip_blank(bytes, i + 1);
    }
    i >= bytes.len()
}

/// The offset just past the quote that closes the one at `open` (`''` inside a string is a
/// quote, not its end), or the end of the text when it is never closed.
fn closing(bytes: &[u8], open: usize, quote: u8) -> usize {
    let mut i = open + 1;
    while i < bytes.len() {
        if bytes[i] == quote {
            if quote != b']' && bytes.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    bytes.len()
}

/// The offset just past the comment starting at `i`, when one starts there.
fn comment_end(bytes: &[u8], i: usize) -> Option<usize> {
    match (bytes[i], bytes.get(i + 1)) {
        (b'-', Some(b'-')) => Some(bytes[i..].iter().position(|b| *b == b'\n').map_or(bytes.len(), |n| i + n + 1)),
        (b'/', Some(b'*')) => Some(bytes[i + 2..].windows(2).position(|w| w == b"*/").map_or(bytes.len(), |n| i + 2 + n + 2)),
        _ => None,
    }
}

/// The offset of the first byte at or after `i` that is neither whitespace nor a comment.
fn skip_blank(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
        } else if let Some(end) = comment_end(bytes, i) {
            i = end;
        } else {
            break;
        }
    }
    i
}

/// The word (letters, digits, `_`) starting at `i`, when one starts with a letter there.
fn word_at(sql: &str, i: usize) -> Option<&str> {
    let rest = sql.get(i..)?;
    if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
    Some(&rest[..end])
}

/// Where `name` first appears in `sql` as a whole word outside strings and comments (any
/// case), for the caret on a refused function or table.
pub fn find_word(sql: &str, name: &str) -> Option<usize> {
    let bytes = sql.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => i = closing(bytes, i, b'\''),
            b'-' | b'/' if comment_end(bytes, i).is_some() => i = comment_end(bytes, i).unwrap_or(bytes.len()),
            b if is_word(b) => {
                let end = bytes[i..].iter().position(|b| !is_word(*b)).map_or(bytes.len(), |n| i + n);
                if sql[i..end].eq_ignore_ascii_case(name) {
                    return Some(i);
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    None
}

/// A byte offset of `sql` as the editor counts (UTF-16 code units, as JavaScript strings).
pub fn utf16_offset(sql: &str, byte: usize) -> i64 {
    let byte = (0..=byte.min(sql.len())).rev().find(|b| sql.is_char_boundary(*b)).unwrap_or(0);
    i64::try_from(sql[..byte].encode_utf16().count()).unwrap_or(i64::MAX)
}

/// A byte offset of `sql` as a person reads it: `line L, column C` (from 1, in characters).
pub fn line_column(sql: &str, byte: usize) -> String {
    let byte = (0..=byte.min(sql.len())).rev().find(|b| sql.is_char_boundary(*b)).unwrap_or(0);
    let before = &sql[..byte];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("line {line}, column {column}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_statement_ends_at_a_semicolon_outside_strings_and_comments() {
        let s = scan("SELECT ';' AS a, \"x;y\" -- ; here\n/* ; */ FROM t; DELETE FROM t");
        assert_eq!(s.first, "SELECT ';' AS a, \"x;y\" -- ; here\n/* ; */ FROM t");
        assert_eq!(s.keyword, Some(("SELECT", 0)));
        assert_eq!(s.second_at, Some(49));
    }

    #[test]
    fn trailing_semicolons_and_comments_are_not_a_second_statement() {
        let s = scan("  /* hi */ select 1 ;  ;\n -- bye\n /* end */ ");
        assert_eq!(s.keyword, Some(("select", 11)));
        assert_eq!(s.second_at, None);
        assert!(is_blank(" ; -- nothing\n /* */ ;"));
        assert!(!is_blank("-- x\nSELECT 1"));
    }

    #[test]
    fn an_unclosed_string_or_comment_runs_to_the_end() {
        assert_eq!(scan("SELECT 'a;b").second_at, None);
        assert_eq!(scan("SELECT 1 /* ; SELECT 2").second_at, None);
        assert_eq!(scan("SELECT [a;b] FROM t").second_at, None);
    }

    #[test]
    fn words_are_found_outside_strings_and_positions_count_like_the_editor() {
        assert_eq!(find_word("SELECT 'load_extension', LOAD_EXTENSION('x')", "load_extension"), Some(25));
        assert_eq!(find_word("SELECT loaded FROM t", "load"), None);
        let sql = "SELECT '😀',\n  oops";
        let at = sql.find("oops").unwrap();
        assert_eq!(utf16_offset(sql, at), 15);
        assert_eq!(line_column(sql, at), "line 2, column 3");
    }
}
