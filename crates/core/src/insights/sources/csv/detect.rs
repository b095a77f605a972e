//! What a CSV file is, before its rows are read: small enough, text, in which encoding,
//! with which delimiter, whether its first row names the columns, and the names.
//!
//! Contract:
//! - A file over [`MAX_BYTES`] is refused by its size alone, before a byte is read.
//! - Encoding: a byte order mark decides (UTF-8, UTF-16LE, UTF-16BE); else a file that is
//!   valid UTF-8 is UTF-8; else chardetng guesses from its first [`DETECT_BYTES`] (the
//!   legacy encodings of the Web: Shift_JIS, EUC-JP, GBK, windows-1252...), and the text
//!   is decoded from it (a byte that does not decode becomes U+FFFD).
//! - Binary: a NUL byte anywhere (outside UTF-16), or more than 1 % control characters or
//!   undecodable bytes in the first [`SAMPLE_BYTES`] of text, refuses the file, saying why.
//!   An empty file (or one of blanks) is refused.
//! - Delimiter: among `,` `;` tab `|`, the one that splits the first lines into the same
//!   number (two or more) of fields, the most fields winning; `,` when none does.
//! - Header: the first row names the columns when its cells are all words (no number,
//!   date or empty cell) and some column below holds numbers or dates; when every column
//!   is text, when its cells differ from each other and none of them appears again in its
//!   column in the next 100 rows.
//! - Names: the header's cells, trimmed, without control characters, at most
//!   [`NAME_MAX`] characters; a blank one is `column_N`; a repeated one (ignoring case,
//!   as SQL does) gets `_2`, `_3`. Without a header: `column_1`...

use super::input::CsvInput;
use super::values::Guess;
use crate::{CoreError, Result};
use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_8};
use encoding_rs_io::DecodeReaderBytesBuilder;
use std::collections::HashSet;
use std::io::Read;

/// The largest CSV file imported: 256 MiB.
pub const MAX_BYTES: u64 = 256 * 1024 * 1024;
/// How much of a file that is not UTF-8 the encoding is guessed from.
pub const DETECT_BYTES: usize = 4 * 1024 * 1024;
/// How much decoded text the binary check and the delimiter are decided on.
pub const SAMPLE_BYTES: usize = 64 * 1024;
/// The longest column name, in characters.
pub const NAME_MAX: usize = 100;
/// The delimiters tried, in order of preference.
pub const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];
/// How many rows after the first the all-text header rule looks at.
const HEADER_SAMPLE: usize = 100;
const CHUNK: usize = 256 * 1024;

fn size_text(bytes: u64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    if bytes >= 1024 * 1024 * 1024 {
        format!("{:.1} GiB", bytes as f64 / (MIB * 1024.0))
    } else {
        format!("{:.1} MiB", bytes as f64 / MIB)
    }
}

/// Refuses a file larger than [`MAX_BYTES`], naming its size.
pub fn check_size(size: u64) -> Result<()> {
    if size > MAX_BYTES {
        return Err(CoreError::validation(format!(
            "the file is too large: {} ({size} bytes), and a CSV source may be at most {}",
            size_text(size),
            size_text(MAX_BYTES)
        )));
    }
    Ok(())
}

fn bom(head: &[u8]) -> Option<&'static Encoding> {
    Encoding::for_bom(head).map(|(e, _)| e)
}

/// Reads until `buf` is full or the input ends.
fn fill(r: &mut dyn Read, buf: &mut [u8]) -> Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(CoreError::io("could not read the file", e)),
        }
    }
    Ok(n)
}

/// Checks UTF-8 across chunk boundaries: `carry` holds a character cut at a chunk's end.
struct Utf8Check {
    valid: bool,
    carry: Vec<u8>,
}

impl Utf8Check {
    fn feed(&mut self, chunk: &[u8]) {
        if !self.valid {
            return;
        }
        let joined;
        let data = if self.carry.is_empty() {
            chunk
        } else {
            joined = [self.carry.as_slice(), chunk].concat();
            &joined
        };
        match std::str::from_utf8(data) {
            Ok(_) => self.carry.clear(),
            Err(e) if e.error_len().is_none() => self.carry = data[e.valid_up_to()..].to_vec(),
            Err(_) => self.valid = false,
        }
    }

    fn finish(&self) -> bool {
        self.valid && self.carry.is_empty()
    }
}

fn binary(offset: u64, head: &[u8]) -> CoreError {
    let nul_at = |parity: usize| head.iter().skip(parity).step_by(2).filter(|b| **b == 0).count();
    let half = head.len() / 2;
    let utf16 = half > 0 && (nul_at(0) * 10 > half * 4 || nul_at(1) * 10 > half * 4);
    let hint = if utf16 {
        "; it looks like UTF-16 text without a byte order mark: save it as UTF-8, or as UTF-16 with a BOM"
    } else {
        " (a binary file, such as a spreadsheet or an image, named .csv?)"
    };
    CoreError::validation(format!("the file is not CSV text: it holds a NUL byte at byte {offset}{hint}"))
}

/// The file's encoding, after refusing a binary or empty file (see the module contract).
/// One pass over the file.
pub fn encoding(input: &CsvInput) -> Result<&'static Encoding> {
    let mut r = input.open()?;
    let mut buf = vec![0u8; CHUNK];
    let mut head: Option<Vec<u8>> = None;
    let (mut offset, mut blank) = (0u64, true);
    let mut utf8 = Utf8Check { valid: true, carry: Vec::new() };
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    let mut fed = 0usize;
    loop {
        let n = fill(&mut *r, &mut buf)?;
        if n == 0 {
            break;
        }
        let mut chunk = &buf[..n];
        if head.is_none() {
            head = Some(chunk[..n.min(4096)].to_vec());
            if let Some(enc) = bom(chunk) {
                if enc != UTF_8 {
                    return Ok(enc);
                }
                chunk = &chunk[3..];
                offset += 3;
            }
        }
        if let Some(i) = chunk.iter().position(|b| *b == 0) {
            return Err(binary(offset + i as u64, head.as_deref().unwrap_or_default()));
        }
        blank = blank && chunk.iter().all(u8::is_ascii_whitespace);
        utf8.feed(chunk);
        if fed < DETECT_BYTES {
            let take = chunk.len().min(DETECT_BYTES - fed);
            detector.feed(&chunk[..take], false);
            fed += take;
        }
        offset += chunk.len() as u64;
    }
    if blank {
        return Err(CoreError::validation("the file is empty: there is no row to import"));
    }
    if head.as_deref().and_then(bom) == Some(UTF_8) || utf8.finish() {
        return Ok(UTF_8);
    }
    if fed < DETECT_BYTES {
        detector.feed(&[], true);
    }
    Ok(detector.guess(None, Utf8Detection::Deny))
}

/// The file as UTF-8 text, streamed (a byte order mark left out).
pub fn decoded<'a>(input: &CsvInput<'a>, encoding: &'static Encoding) -> Result<Box<dyn Read + 'a>> {
    let raw = input.open()?;
    let mut builder = DecodeReaderBytesBuilder::new();
    builder.strip_bom(true).bom_override(true);
    if encoding == UTF_8 {
        // Checked whole by `encoding` (or marked UTF-8 by its BOM): no need to transcode.
        builder.encoding(None).utf8_passthru(true);
    } else {
        builder.encoding(Some(encoding));
    }
    Ok(Box::new(builder.build(raw)))
}

/// The first [`SAMPLE_BYTES`] of decoded text, cut after its last whole line unless the
/// text ends there.
pub fn sample(input: &CsvInput, encoding: &'static Encoding) -> Result<String> {
    let mut r = decoded(input, encoding)?;
    let mut buf = vec![0u8; SAMPLE_BYTES];
    let n = fill(&mut *r, &mut buf)?;
    buf.truncate(n);
    if n == SAMPLE_BYTES {
        if let Some(end) = buf.iter().rposition(|b| *b == b'\n') {
            buf.truncate(end + 1);
        }
    }
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// Refuses text that is mostly not text (see the module contract).
pub fn check_text(sample: &str, encoding: &'static Encoding) -> Result<()> {
    let (mut total, mut odd) = (0usize, 0usize);
    for c in sample.chars() {
        total += 1;
        if c == '\0' {
            return Err(CoreError::validation("the file is not CSV text: it holds a NUL character (a binary file named .csv?)"));
        }
        if (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c')) || c == '\u{FFFD}' {
            odd += 1;
        }
    }
    if odd > 0 && odd * 100 > total {
        return Err(CoreError::validation(format!(
            "the file does not look like CSV text: {odd} of its first {total} characters are control characters or bytes that are not {} (a binary file named .csv?)",
            encoding.name()
        )));
    }
    Ok(())
}

/// The delimiter (see the module contract).
pub fn delimiter(sample: &str) -> u8 {
    let mut best: Option<(usize, u8)> = None;
    for d in DELIMITERS {
        let mut reader = ::csv::ReaderBuilder::new().delimiter(d).has_headers(false).flexible(true).from_reader(sample.as_bytes());
        let mut widths = reader.byte_records().take(50).map(|r| r.map(|r| r.len()).unwrap_or(0));
        let Some(first) = widths.next() else { continue };
        if first >= 2 && widths.all(|w| w == first) && best.is_none_or(|(n, _)| first > n) {
            best = Some((first, d));
        }
    }
    best.map(|(_, d)| d).unwrap_or(b',')
}

/// Whether the first row is a header (see the module contract): `first` its cells,
/// `below` the guesses of each column over every other row, `sample` the next rows.
pub fn has_header(first: &[String], below: &[Guess], sample: &[Vec<String>]) -> bool {
    let words = first.iter().all(|c| !c.trim().is_empty() && !Guess::of(c).typed());
    if !words {
        return false;
    }
    if below.iter().any(|g| g.seen() && g.kind() != crate::insights::table::ColumnKind::Text) {
        return true;
    }
    let key = |s: &str| s.trim().to_lowercase();
    let distinct = first.iter().map(|c| key(c)).collect::<HashSet<_>>().len() == first.len();
    let once = sample.iter().take(HEADER_SAMPLE).all(|row| row.iter().zip(first).all(|(cell, head)| key(cell) != key(head)));
    distinct && once
}

/// The columns' names (see the module contract): from `first` when it is a header.
pub fn column_names(first: &[String], header: bool) -> Vec<String> {
    let mut taken = HashSet::new();
    let mut names = Vec::with_capacity(first.len());
    for (i, cell) in first.iter().enumerate() {
        let cleaned: String = if header { cell.chars().filter(|c| !c.is_control()).collect() } else { String::new() };
        let trimmed: String = cleaned.trim().chars().take(NAME_MAX).collect();
        let base = if trimmed.is_empty() { format!("column_{}", i + 1) } else { trimmed };
        let mut name = base.clone();
        let mut n = 2;
        while !taken.insert(name.to_lowercase()) {
            name = format!("{base}_{n}");
            n += 1;
        }
        names.push(name);
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delimiter_is_the_one_that_splits_every_line_alike() {
        assert_eq!(delimiter("a;b;c\n1;2,5;3\n"), b';');
        assert_eq!(delimiter("a,b\n1,2\n"), b',');
        assert_eq!(delimiter("a\tb|c\n1\t2|3\n"), b'\t');
        assert_eq!(delimiter("one column\nonly\n"), b',');
        assert_eq!(delimiter("\"a;x\",b\n\"1;2\",3\n"), b',', "quoted delimiters do not count");
    }

    #[test]
    fn names_are_unique_and_never_blank() {
        let cells = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(column_names(&cells(&["Score", " ", "score", "Score_2"]), true), ["Score", "column_2", "score_2", "Score_2_2"]);
        assert_eq!(column_names(&cells(&["1", "2"]), false), ["column_1", "column_2"]);
    }

    #[test]
    fn a_header_is_words_above_values() {
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let guesses = |rows: &[Vec<String>]| {
            let mut g = vec![Guess::new(); rows[0].len()];
            for r in rows {
                for (g, c) in g.iter_mut().zip(r) {
                    g.see(c);
                }
            }
            g
        };
        let rows = vec![s(&["Alice", "90"]), s(&["Bob", "85"])];
        assert!(has_header(&s(&["name", "score"]), &guesses(&rows), &rows));
        assert!(!has_header(&s(&["Carol", "70"]), &guesses(&rows), &rows));
        let text = vec![s(&["Alice", "Tokyo"]), s(&["Bob", "Osaka"])];
        assert!(has_header(&s(&["name", "city"]), &guesses(&text), &text));
        let repeated = vec![s(&["Alice", "Tokyo"]), s(&["Carol", "Osaka"])];
        assert!(!has_header(&s(&["Alice", "Kyoto"]), &guesses(&repeated), &repeated));
    }
}
