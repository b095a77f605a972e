//! A small strict iCalendar (RFC 5545) reader that knows the line number of everything.
//!
//! Why our own: the import must refuse a malformed file with the line and the reason,
//! and list what it skipped by line. `icalendar` 0.17's parser and `ical` 0.11 report
//! neither line numbers of errors nor of properties, so a few hundred lines of strict
//! reading are simpler than mapping their errors back to the file.
//!
//! Contract:
//! - [`read`] turns bytes into a tree of [`Component`]s (`VCALENDAR` at the top), each
//!   property with its unescaped-free raw value, parameters and first physical line.
//! - Input limits, all refused with a line number, never a panic or a hang: more than
//!   [`MAX_BYTES`]; not UTF-8; a content line (after unfolding) over [`MAX_LINE`] bytes;
//!   a NUL character; nesting deeper than [`MAX_DEPTH`]; more than [`MAX_EVENTS`] `VEVENT`s; a line that is
//!   not `NAME[;PARAM=VALUE...]:VALUE`; unbalanced `BEGIN`/`END`; anything outside
//!   `BEGIN:VCALENDAR`..`END:VCALENDAR`.
//! - Lenient where real files differ: bare LF line ends, a UTF-8 byte-order mark, blank
//!   lines, lower-case names.
//! - Work is linear in the input size.

pub const MAX_BYTES: usize = 20 * 1024 * 1024;
pub const MAX_LINE: usize = 100 * 1024;
pub const MAX_DEPTH: usize = 8;
pub const MAX_EVENTS: usize = 100_000;

/// A refusal: the line it is about and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub reason: String,
}

impl ParseError {
    pub fn new(line: usize, reason: impl Into<String>) -> Self {
        ParseError { line, reason: reason.into() }
    }
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prop {
    /// Upper-cased name.
    pub name: String,
    /// Upper-cased parameter names with their (unquoted) values.
    pub params: Vec<(String, Vec<String>)>,
    /// The raw value (text escapes still in).
    pub value: String,
    pub line: usize,
}

impl Prop {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(n, _)| n == name).and_then(|(_, v)| v.first()).map(String::as_str)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    /// Upper-cased name (`VEVENT`).
    pub name: String,
    pub line: usize,
    pub end_line: usize,
    pub props: Vec<Prop>,
    pub children: Vec<Component>,
}

impl Component {
    pub fn prop(&self, name: &str) -> Option<&Prop> {
        self.props.iter().find(|p| p.name == name)
    }

    pub fn props_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Prop> + 'a {
        self.props.iter().filter(move |p| p.name == name)
    }
}

/// Reads a whole file into its calendars.
pub fn read(bytes: &[u8]) -> Result<Vec<Component>, ParseError> {
    if bytes.len() > MAX_BYTES {
        return Err(ParseError::new(1, format!("the file is larger than {} MiB", MAX_BYTES / (1024 * 1024))));
    }
    let text = utf8(bytes)?;
    let mut b = TreeBuilder::default();
    for (line, content) in Unfolder::new(text) {
        let content = content?;
        if content.contains('\0') {
            // RFC 5545 allows no control character but tab in a content line; a NUL would
            // cut the text short in C programs and terminals downstream.
            return Err(ParseError::new(line, "the line holds a NUL character (byte 0), which iCalendar does not allow"));
        }
        b.line(line, &content)?;
    }
    b.finish()
}

fn utf8(bytes: &[u8]) -> Result<&str, ParseError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
        ParseError::new(line, "the text is not UTF-8")
    })
}

/// Logical lines (folded lines joined) with the physical line each begins on.
struct Unfolder<'a> {
    lines: std::iter::Peekable<std::iter::Enumerate<std::str::Split<'a, char>>>,
}

impl<'a> Unfolder<'a> {
    fn new(text: &'a str) -> Self {
        Unfolder { lines: text.split('\n').enumerate().peekable() }
    }
}

impl Iterator for Unfolder<'_> {
    type Item = (usize, Result<String, ParseError>);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (i, raw) = self.lines.next()?;
            let line = i + 1;
            let first = raw.strip_suffix('\r').unwrap_or(raw);
            if first.trim().is_empty() {
                continue;
            }
            if first.starts_with([' ', '\t']) {
                return Some((line, Err(ParseError::new(line, "a folded line continues nothing (it starts with a space)"))));
            }
            let mut content = first.to_string();
            while let Some((_, next)) = self.lines.peek() {
                if !next.starts_with([' ', '\t']) {
                    break;
                }
                let (_, cont) = self.lines.next()?;
                let cont = cont.strip_suffix('\r').unwrap_or(cont);
                content.push_str(&cont[1..]);
                if content.len() > MAX_LINE {
                    break;
                }
            }
            if content.len() > MAX_LINE {
                let msg = format!("the content line is longer than {} KiB", MAX_LINE / 1024);
                return Some((line, Err(ParseError::new(line, msg))));
            }
            return Some((line, Ok(content)));
        }
    }
}

/// Splits `NAME;P=V;Q="x,y":value`.
pub fn content_line(line: usize, s: &str) -> Result<Prop, ParseError> {
    let name_end = s.find([';', ':']).ok_or_else(|| ParseError::new(line, "expected NAME:VALUE (no colon found)"))?;
    let name = &s[..name_end];
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(ParseError::new(line, format!("\"{}\" is not a property name", short(name))));
    }
    let mut params = Vec::new();
    let mut rest = &s[name_end..];
    while let Some(after) = rest.strip_prefix(';') {
        let (param, tail) = param(line, after)?;
        params.push(param);
        rest = tail;
    }
    let value = rest.strip_prefix(':').ok_or_else(|| ParseError::new(line, "expected ':' before the value"))?;
    Ok(Prop { name: name.to_ascii_uppercase(), params, value: value.to_string(), line })
}

/// One `NAME=v1,"v2"` parameter; returns it and the text after it.
fn param(line: usize, s: &str) -> Result<((String, Vec<String>), &str), ParseError> {
    let eq = s.find('=').ok_or_else(|| ParseError::new(line, "a parameter has no '='"))?;
    let name = &s[..eq];
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(ParseError::new(line, format!("\"{}\" is not a parameter name", short(name))));
    }
    let mut values = Vec::new();
    let mut rest = &s[eq + 1..];
    loop {
        let (value, tail) = if let Some(q) = rest.strip_prefix('"') {
            let close = q.find('"').ok_or_else(|| ParseError::new(line, "a quoted parameter value is not closed"))?;
            (q[..close].to_string(), &q[close + 1..])
        } else {
            let end = rest.find([',', ';', ':']).unwrap_or(rest.len());
            if rest[..end].contains('"') {
                return Err(ParseError::new(line, "a quote inside a parameter value"));
            }
            (rest[..end].to_string(), &rest[end..])
        };
        values.push(value);
        match tail.strip_prefix(',') {
            Some(t) => rest = t,
            None => return Ok(((name.to_ascii_uppercase(), values), tail)),
        }
    }
}

fn short(s: &str) -> String {
    crate::validate::truncate_for_message(s)
}

#[derive(Default)]
struct TreeBuilder {
    stack: Vec<Component>,
    done: Vec<Component>,
    events: usize,
    ended_calendar_at: Option<usize>,
}

impl TreeBuilder {
    fn line(&mut self, line: usize, content: &str) -> Result<(), ParseError> {
        let prop = content_line(line, content)?;
        match prop.name.as_str() {
            "BEGIN" => self.begin(line, &prop.value),
            "END" => self.end(line, &prop.value),
            _ => match self.stack.last_mut() {
                Some(top) => {
                    top.props.push(prop);
                    Ok(())
                }
                None => Err(ParseError::new(line, format!("{} is outside BEGIN:VCALENDAR … END:VCALENDAR", prop.name))),
            },
        }
    }

    fn begin(&mut self, line: usize, value: &str) -> Result<(), ParseError> {
        let name = component_name(line, value)?;
        if self.stack.is_empty() && name != "VCALENDAR" {
            return Err(ParseError::new(line, format!("BEGIN:{name} outside a calendar (the file must start with BEGIN:VCALENDAR)")));
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(ParseError::new(line, format!("components are nested more than {MAX_DEPTH} deep")));
        }
        if name == "VEVENT" {
            self.events += 1;
            if self.events > MAX_EVENTS {
                return Err(ParseError::new(line, format!("the file has more than {MAX_EVENTS} events")));
            }
        }
        self.stack.push(Component { name, line, end_line: line, props: vec![], children: vec![] });
        Ok(())
    }

    fn end(&mut self, line: usize, value: &str) -> Result<(), ParseError> {
        let name = component_name(line, value)?;
        let Some(mut top) = self.stack.pop() else {
            return Err(ParseError::new(line, format!("END:{name} without a matching BEGIN")));
        };
        if top.name != name {
            return Err(ParseError::new(
                line,
                format!("END:{name} does not close BEGIN:{} (line {})", top.name, top.line),
            ));
        }
        top.end_line = line;
        match self.stack.last_mut() {
            Some(parent) => parent.children.push(top),
            None => {
                self.ended_calendar_at = Some(line);
                self.done.push(top);
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<Vec<Component>, ParseError> {
        if let Some(open) = self.stack.first() {
            let innermost = self.stack.last().unwrap_or(open);
            return Err(ParseError::new(innermost.line, format!("BEGIN:{} is never closed", innermost.name)));
        }
        if self.done.is_empty() {
            return Err(ParseError::new(1, "not an iCalendar file (no BEGIN:VCALENDAR)"));
        }
        Ok(self.done)
    }
}

fn component_name(line: usize, value: &str) -> Result<String, ParseError> {
    let v = value.trim();
    if v.is_empty() || v.len() > 64 || !v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(ParseError::new(line, format!("\"{}\" is not a component name", short(v))));
    }
    Ok(v.to_ascii_uppercase())
}

/// TEXT values: `\n`, `\,`, `\;`, `\\` unescaped.
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') | Some('N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Splits a TEXT list (`CATEGORIES:a,b\,c`) on unescaped commas.
pub fn split_text_list(s: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut cur = String::new();
    let mut escaped = false;
    for c in s.chars() {
        if escaped {
            cur.push('\\');
            cur.push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == ',' {
            items.push(unescape(&std::mem::take(&mut cur)));
        } else {
            cur.push(c);
        }
    }
    items.push(unescape(&cur));
    items.into_iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_is_refused_with_its_line() {
        let err = read(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Read\0ing\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.reason.contains("NUL"), "{}", err.reason);
    }

    #[test]
    fn reads_folded_lines_and_parameters_with_line_numbers() {
        let f = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Long\r\n  title\r\nDTSTART;TZID=\"America/New_York\":20261123T090000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let cals = read(f.as_bytes()).unwrap();
        let ev = &cals[0].children[0];
        assert_eq!(ev.prop("SUMMARY").unwrap().value, "Long title");
        let dt = ev.prop("DTSTART").unwrap();
        assert_eq!((dt.line, dt.param("TZID")), (5, Some("America/New_York")));
    }

    #[test]
    fn refusals_name_the_line() {
        let bad = |s: &str| read(s.as_bytes()).unwrap_err().to_string();
        assert_eq!(bad("BEGIN:VCALENDAR\nBEGIN:VEVENT\nEND:VCALENDAR\n"), "line 3: END:VCALENDAR does not close BEGIN:VEVENT (line 2)");
        assert_eq!(bad("BEGIN:VCALENDAR\nSUMMARY no colon\nEND:VCALENDAR\n"), "line 2: expected NAME:VALUE (no colon found)");
        assert_eq!(bad("BEGIN:VCALENDAR\nBEGIN:VEVENT\n"), "line 2: BEGIN:VEVENT is never closed");
        assert_eq!(bad(""), "line 1: not an iCalendar file (no BEGIN:VCALENDAR)");
        assert!(bad(&"BEGIN:VCALENDAR\n".repeat(20)).contains("nested more than 8 deep"));
        assert!(read(b"BEGIN:VCALENDAR\n\xff\n").unwrap_err().to_string().starts_with("line 2: the text is not UTF-8"));
    }

    #[test]
    fn text_escapes() {
        assert_eq!(unescape(r"a\, b\; c\\d\ne"), "a, b; c\\d\ne");
        assert_eq!(split_text_list(r"Math,Physics\, lab"), vec!["Math", "Physics, lab"]);
    }
}
