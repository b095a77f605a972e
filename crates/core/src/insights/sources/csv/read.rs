//! The rows of a CSV, read as a stream of records (never the whole file in memory):
//! [`survey`] reads them once for the width, ragged rows and each column's guess;
//! [`load`] reads them again and inserts each row, converted, with a prepared statement.
//!
//! Contract:
//! - Every row has as many fields as the first. A longer or a shorter one is refused with
//!   its line number and both counts: a short row is as often a value shifted into the
//!   wrong column (a missing delimiter) as a missing value, and nothing would tell the
//!   user which, so it is not padded with NULLs. Empty lines and lines of blanks are skipped.
//! - At most [`MAX_COLUMNS`] columns.
//! - A field that does not fit its column's kind stops the load with its line, its
//!   column's name, the value and what was expected.

use super::detect::{self, NAME_MAX};
use super::input::CsvInput;
use super::values::{convert, Guess, Reading};
use crate::validate::truncate_for_message;
use crate::{CoreError, Result};
use ::csv::{Reader, ReaderBuilder, StringRecord};
use chrono_tz::Tz;
use encoding_rs::Encoding;
use rusqlite::Statement;
use std::io::Read;

/// The most columns a CSV source may have.
pub const MAX_COLUMNS: usize = 1000;
/// How many rows after the first the survey keeps for the header rule.
const SAMPLE_ROWS: usize = 100;

/// What one reading of every row found.
#[derive(Debug)]
pub struct Survey {
    /// The first row's cells (a header or the first data row).
    pub first: Vec<String>,
    /// Each column's guess over every row after the first.
    pub below: Vec<Guess>,
    /// The first rows after the first, for the header rule.
    pub sample: Vec<Vec<String>>,
}

impl Survey {
    pub fn width(&self) -> usize {
        self.first.len()
    }

    /// Each column's guess over its data rows (the first row too when it is not a header).
    pub fn guesses(&self, header: bool) -> Vec<Guess> {
        if header {
            return self.below.clone();
        }
        self.below.iter().zip(&self.first).map(|(g, cell)| g.and(Guess::of(cell))).collect()
    }
}

/// How a file is split: its encoding and delimiter.
#[derive(Debug, Clone, Copy)]
pub struct Split {
    pub encoding: &'static Encoding,
    pub delimiter: u8,
}

/// Reads records off the decoded stream, skipping blank lines.
struct Records<'a> {
    reader: Reader<Box<dyn Read + 'a>>,
    record: StringRecord,
}

impl<'a> Records<'a> {
    fn open(input: &CsvInput<'a>, split: Split) -> Result<Records<'a>> {
        let text = detect::decoded(input, split.encoding)?;
        let reader = ReaderBuilder::new()
            .delimiter(split.delimiter)
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(256 * 1024)
            .from_reader(text);
        Ok(Records { reader, record: StringRecord::new() })
    }

    /// The next record that is not a line of blanks; `false` at the end.
    fn next(&mut self) -> Result<bool> {
        loop {
            let more = self.reader.read_record(&mut self.record).map_err(read_error)?;
            if !more {
                return Ok(false);
            }
            if !(self.record.len() == 1 && self.record[0].trim().is_empty()) {
                return Ok(true);
            }
        }
    }

    fn line(&self) -> u64 {
        self.record.position().map(|p| p.line()).unwrap_or(0)
    }
}

fn read_error(e: ::csv::Error) -> CoreError {
    let line = e.position().map(|p| p.line());
    match e.into_kind() {
        ::csv::ErrorKind::Io(io) => CoreError::io("could not read the file", io),
        ::csv::ErrorKind::Utf8 { .. } => {
            CoreError::validation(format!("line {} is not valid text in the file's encoding", line.unwrap_or(0)))
        }
        other => CoreError::validation(format!("the file could not be read as CSV: {other:?}")),
    }
}

fn ragged(line: u64, found: usize, first_line: u64, width: usize) -> CoreError {
    let fields = |n: usize| if n == 1 { "1 field".to_string() } else { format!("{n} fields") };
    CoreError::validation(format!(
        "line {line} has {}, but the first row (line {first_line}) has {}: every row must have as many fields as the first (a missing or extra delimiter, or an unclosed quote?); nothing was imported",
        fields(found),
        fields(width)
    ))
}

/// Reads every row once (see the module contract).
pub fn survey(input: &CsvInput, split: Split) -> Result<Survey> {
    let mut records = Records::open(input, split)?;
    if !records.next()? {
        return Err(CoreError::validation("the file is empty: there is no row to import"));
    }
    let width = records.record.len();
    if width > MAX_COLUMNS {
        return Err(CoreError::validation(format!(
            "the file has {width} columns, and a CSV source may have at most {MAX_COLUMNS}"
        )));
    }
    let first_line = records.line();
    let first: Vec<String> = records.record.iter().map(|c| c.chars().take(NAME_MAX * 4).collect()).collect();
    let mut below = vec![Guess::new(); width];
    let mut sample = Vec::new();
    while records.next()? {
        let record = &records.record;
        if record.len() != width {
            return Err(ragged(records.line(), record.len(), first_line, width));
        }
        for (guess, field) in below.iter_mut().zip(record.iter()) {
            guess.see(field);
        }
        if sample.len() < SAMPLE_ROWS {
            sample.push(record.iter().map(str::to_string).collect());
        }
    }
    Ok(Survey { first, below, sample })
}

/// Reads every row again and runs `insert` for each (the first one left out when it is
/// the header), its fields bound as the columns' kinds. Answers how many rows it inserted.
pub fn load(input: &CsvInput, split: Split, header: bool, columns: &[(String, Reading)], tz: Tz, insert: &mut Statement) -> Result<u64> {
    let mut records = Records::open(input, split)?;
    let mut skip_first = header;
    let mut first_line = None;
    let mut rows = 0u64;
    while records.next()? {
        let line = records.line();
        let first = *first_line.get_or_insert(line);
        if records.record.len() != columns.len() {
            return Err(ragged(line, records.record.len(), first, columns.len()));
        }
        if std::mem::take(&mut skip_first) {
            continue;
        }
        for (i, (field, (name, how))) in records.record.iter().zip(columns).enumerate() {
            let value = convert(field, *how, tz).map_err(|expected| {
                CoreError::validation(format!(
                    "line {line}, column \"{name}\": \"{}\" is not {expected}; nothing was changed",
                    truncate_for_message(field.trim())
                ))
            })?;
            insert.raw_bind_parameter(i + 1, value)?;
        }
        insert.raw_execute()?;
        rows += 1;
    }
    Ok(rows)
}
