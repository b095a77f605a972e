//! CSV data sources: a file imported once, kept as a copy in `sources/<id>.csv`, its rows
//! in the sources cache as one typed table ([`super::cache`]).
//!
//! Contract:
//! - [`add`] reads the file ([`detect`]: size, encoding, binary, delimiter, header, names;
//!   [`read`]: ragged rows, each column's kind; [`values`]: the kinds), builds its cache
//!   table, copies the file and writes the `data_sources` row. Everything that can refuse
//!   the file does so before the row is written, and a refusal writes nothing: no row, no
//!   file, no cache table.
//! - [`reimport`] replaces the copy and the rows with a new file (read afresh, kinds
//!   inferred again); the source keeps its id and its table's name. A refused file leaves
//!   the old copy and rows as they were.
//! - [`set_columns`] reads the copy again with the kinds the user chose (and, if given,
//!   whether the first row is a header): a value that does not fit its kind refuses the
//!   change with its line and column, and nothing changes.
//! - [`refresh`] reads the copy again as it was last read (encoding, delimiter, header,
//!   kinds). When that fails, the source's status becomes `error` with the reason in its
//!   metadata, and its rows stay as they were.
//! - A source imported on another device has no copy here: [`set_columns`] and
//!   [`refresh`] refuse it and write nothing; [`reimport`] imports a file here.
//! - Order of the writes: the cache table is built in a cache transaction, the file is
//!   copied beside its final name, the row is written (`Db::write`, the copy renamed into
//!   place as its last step), then the cache transaction commits. Should that last commit
//!   fail, the row and the copy agree and the source shows its data missing here until a
//!   refresh rebuilds it from the copy.
//! - Memory: the file is read as a stream of records, twice (survey, then load), never
//!   held whole; the rows are inserted in one cache transaction with one prepared statement.

mod detect;
mod input;
mod read;
pub mod values;

pub use detect::{DELIMITERS, MAX_BYTES};
pub use input::CsvInput;
pub use read::MAX_COLUMNS;

use super::cache::{self, CacheTx};
use super::{check_name, check_name_free, file_path, file_reference, imported_here, mine, record_failure, DataSource, SourceColumn, SourceMetadata, Target};
use crate::account::settings;
use crate::db::WriteCtx;
use crate::insights::rows::{DataSourceRow, DataSourceStatus, DataSourceType};
use crate::insights::table::ColumnKind;
use crate::{ids, validate, CoreError, Db, Result};
use encoding_rs::Encoding;
use read::Split;
use serde_json::json;
use std::path::{Path, PathBuf};
use values::{DayOrder, Reading};

/// What the user or the last import decided about how to read a file; `None` is detected.
#[derive(Default)]
struct Choices<'k> {
    split: Option<Split>,
    header: Option<bool>,
    kinds: Option<&'k [ColumnKind]>,
}

/// A file read once and planned: how to read it, and its columns.
struct Plan {
    split: Split,
    header: bool,
    columns: Vec<SourceColumn>,
    bytes: u64,
}

impl Plan {
    fn readings(&self) -> Vec<(String, Reading)> {
        self.columns
            .iter()
            .map(|c| (c.name.clone(), Reading { kind: c.kind, order: c.day_order.unwrap_or(DayOrder::DayFirst) }))
            .collect()
    }

    fn metadata(&self, table: &str, rows: u64, now: &str, import_id: &str, file_name: Option<&str>) -> SourceMetadata {
        SourceMetadata {
            table: Some(table.to_string()),
            columns: self.columns.clone(),
            rows: Some(i64::try_from(rows).unwrap_or(i64::MAX)),
            encoding: Some(self.split.encoding.name().to_string()),
            delimiter: Some(char::from(self.split.delimiter).to_string()),
            has_header: Some(self.header),
            bytes: Some(i64::try_from(self.bytes).unwrap_or(i64::MAX)),
            file_name: file_name.map(str::to_string),
            imported_at: Some(now.to_string()),
            import_id: Some(import_id.to_string()),
            ..SourceMetadata::default()
        }
    }
}

/// Reads `input` once and decides how to load it (see the module contract).
fn plan(input: &CsvInput, choices: Choices) -> Result<Plan> {
    let bytes = input.size()?;
    detect::check_size(bytes)?;
    let encoding = match choices.split {
        Some(split) => split.encoding,
        None => detect::encoding(input)?,
    };
    let sample = detect::sample(input, encoding)?;
    detect::check_text(&sample, encoding)?;
    let delimiter = choices.split.map(|s| s.delimiter).unwrap_or_else(|| detect::delimiter(&sample));
    let split = Split { encoding, delimiter };
    let survey = read::survey(input, split)?;
    let header = choices.header.unwrap_or_else(|| detect::has_header(&survey.first, &survey.below, &survey.sample));
    let names = detect::column_names(&survey.first, header);
    let guesses = survey.guesses(header);
    let kinds: Vec<ColumnKind> = match choices.kinds {
        Some(k) if k.len() != survey.width() => {
            return Err(CoreError::validation(format!(
                "the file has {} columns, and {} kinds were given: give one kind per column",
                survey.width(),
                k.len()
            )))
        }
        Some(k) => k.to_vec(),
        None => guesses.iter().map(|g| g.kind()).collect(),
    };
    let columns = names
        .into_iter()
        .zip(kinds)
        .zip(&guesses)
        .map(|((name, kind), guess)| SourceColumn { name, kind, day_order: if kind == ColumnKind::Date { guess.day_order() } else { None } })
        .collect();
    Ok(Plan { split, header, columns, bytes })
}

/// How the last import read the file, from the source's metadata.
fn stored_split(meta: &SourceMetadata) -> Option<Split> {
    let encoding = Encoding::for_label(meta.encoding.as_deref()?.as_bytes())?;
    let delimiter = *meta.delimiter.as_deref()?.as_bytes().first()?;
    DELIMITERS.contains(&delimiter).then_some(Split { encoding, delimiter })
}

/// The file copied beside its final name until the row is written.
struct Staged {
    part: PathBuf,
    dest: PathBuf,
    done: std::cell::Cell<bool>,
}

impl Staged {
    fn copy(data_dir: &Path, id: &str, input: &CsvInput) -> Result<Staged> {
        let dir = crate::paths::sources_dir(data_dir);
        std::fs::create_dir_all(&dir).map_err(|e| CoreError::io(format!("could not create {}", dir.display()), e))?;
        let dest = file_path(data_dir, id);
        let staged = Staged { part: dest.with_extension("csv.part"), dest, done: std::cell::Cell::new(false) };
        input.copy_to(&staged.part)?;
        Ok(staged)
    }

    fn commit(&self) -> Result<()> {
        std::fs::rename(&self.part, &self.dest).map_err(|e| CoreError::io(format!("could not move the file to {}", self.dest.display()), e))?;
        self.done.set(true);
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.done.get() {
            let _ = std::fs::remove_file(&self.part);
        }
    }
}

/// One import of `input` planned as `plan` (see the module contract for the order).
struct Import<'a> {
    target: Target,
    input: CsvInput<'a>,
    plan: Plan,
    file_name: Option<String>,
    /// Copy `input` into `sources/` (it is not the copy already).
    copy: bool,
    action: &'static str,
}


fn run(db: &Db, data_dir: &Path, me: &str, job: Import) -> Result<DataSource> {
    let (id, name, current_table) = job.target.ids();
    let (tz, claimed, mut live) = db.read(|c| {
        Ok((settings::timezone_if_set(c, me)?.unwrap_or(chrono_tz::UTC), super::claimed_tables(c, &id)?, super::all_ids(c)?))
    })?;
    live.insert(id.clone());
    let mut conn = cache::open(data_dir)?;
    let change = CacheTx::begin(&mut conn)?;
    let table = cache::pick_table(&change, claimed, &id, current_table.as_deref(), &name)?;
    let typed: Vec<(&str, ColumnKind)> = job.plan.columns.iter().map(|c| (c.name.as_str(), c.kind)).collect();
    change.build(&typed)?;
    let rows = {
        let mut insert = change.inserter(typed.len())?;
        read::load(&job.input, job.plan.split, job.plan.header, &job.plan.readings(), tz, &mut insert)?
    };
    let import_id = ids::new_id();
    change.drop_orphans(&live)?;
    change.install(&id, &table, &import_id)?;
    let staged = if job.copy { Some(Staged::copy(data_dir, &id, &job.input)?) } else { None };
    let row = db.write(WriteCtx::by(me, job.action), |tx| {
        let now = tx.now_text();
        let mut row = job.target.row(tx, me, &id, DataSourceType::Csv)?;
        let file_name = job.file_name.clone().or_else(|| SourceMetadata::of(&row).file_name);
        if job.copy {
            row.connection_config = json!({ "file": file_reference(&id), "file_name": file_name });
        }
        row.metadata = job.plan.metadata(&table, rows, &now, &import_id, file_name.as_deref()).keeping_schedule_of(&row).to_value();
        row.status = DataSourceStatus::Connected;
        row.last_sync = Some(now.clone());
        row.updated_at = now;
        job.target.save(tx, &row)?;
        // Last: it moves the file into place, after every write that could fail.
        if let Some(staged) = &staged {
            staged.commit()?;
        }
        Ok(row)
    })?;
    change.commit().map_err(|e| {
        CoreError::Database(format!("the rows could not be saved in the sources cache ({e}); refresh the source to read its file again"))
    })?;
    super::view(data_dir, row)
}

/// The name of a new source: `name`, else the file's name without its extension.
fn source_name(name: &str, file_name: Option<&str>) -> Result<String> {
    let stem = file_name.and_then(|f| Path::new(f).file_stem()).and_then(|s| s.to_str()).unwrap_or("");
    check_name(if name.trim().is_empty() { stem } else { name })
}

/// The imported file's own name, as given (its last path component, at most 255 characters).
fn clean_file_name(file_name: Option<&str>) -> Option<String> {
    let base = file_name?.rsplit(['/', '\\']).next()?;
    let clean: String = base.chars().filter(|c| !c.is_control()).take(255).collect();
    let clean = clean.trim();
    (!clean.is_empty()).then(|| clean.to_string())
}

fn csv_only(row: &DataSourceRow) -> Result<()> {
    if row.r#type != DataSourceType::Csv {
        return Err(CoreError::validation(format!("\"{}\" is not a CSV source", validate::truncate_for_message(&row.name))));
    }
    Ok(())
}

/// The refusal for a source imported on another device.
fn elsewhere(row: &DataSourceRow) -> CoreError {
    CoreError::validation(format!(
        "\"{}\" was imported on another device and its file is not on this one: import the file here (re-import) to use it on this device",
        validate::truncate_for_message(&row.name)
    ))
}

/// The copy of the source's file on this device, or why there is none.
fn copy_here(data_dir: &Path, row: &DataSourceRow) -> Result<PathBuf> {
    csv_only(row)?;
    if !imported_here(row) {
        return Err(elsewhere(row));
    }
    let path = file_path(data_dir, &row.id);
    if !path.is_file() {
        return Err(CoreError::validation(format!(
            "the copy of \"{}\"'s file ({}) is missing from the data folder: import the file again",
            validate::truncate_for_message(&row.name),
            file_reference(&row.id)
        )));
    }
    Ok(path)
}

/// Reads `bytes` as [`add`] would (size, encoding, delimiter, header, both passes, every
/// value converted to its column's kind) into a throwaway in-memory table, and writes
/// nothing anywhere: the fuzz harness (`crates/fuzz`) runs the whole reader this way,
/// without a data folder. Answers the planned columns and the number of rows read.
pub fn read_only(bytes: &[u8], tz: chrono_tz::Tz) -> Result<(Vec<SourceColumn>, u64)> {
    let input = CsvInput::Bytes(bytes);
    let plan = plan(&input, Choices::default())?;
    let conn = rusqlite::Connection::open_in_memory()?;
    let names: Vec<String> = (1..=plan.columns.len()).map(|i| format!("c{i}")).collect();
    conn.execute_batch(&format!("CREATE TABLE t({})", names.join(", ")))?;
    let mut insert = conn.prepare(&format!("INSERT INTO t VALUES ({})", vec!["?"; names.len()].join(", ")))?;
    let rows = read::load(&input, plan.split, plan.header, &plan.readings(), tz, &mut insert)?;
    Ok((plan.columns, rows))
}

/// The encoding [`add`] would read `bytes` in (a byte order mark, valid UTF-8, or the
/// detector's guess), or why the file is refused before that (binary, empty). The fuzz
/// harness decodes its input with it to tell the file's own words in a message.
pub fn encoding_of(bytes: &[u8]) -> Result<&'static encoding_rs::Encoding> {
    detect::encoding(&CsvInput::Bytes(bytes))
}

/// Adds a CSV source named `name` (the file's name without extension when blank) from
/// `input`, whose own name is `file_name`.
pub fn add(db: &Db, data_dir: &Path, me: &str, input: CsvInput, name: &str, file_name: Option<&str>) -> Result<DataSource> {
    let file_name = clean_file_name(file_name);
    let name = source_name(name, file_name.as_deref())?;
    db.read(|c| check_name_free(c, me, &name, ""))?;
    let plan = plan(&input, Choices::default())?;
    run(db, data_dir, me, Import { target: Target::new(name), input, plan, file_name, copy: true, action: "source.add" })
}

/// Replaces my CSV source `id`'s file and rows with `input`.
pub fn reimport(db: &Db, data_dir: &Path, me: &str, id: &str, input: CsvInput, file_name: Option<&str>) -> Result<DataSource> {
    let row = db.read(|c| mine(c, me, id))?;
    csv_only(&row)?;
    let plan = plan(&input, Choices::default())?;
    let file_name = clean_file_name(file_name);
    run(db, data_dir, me, Import { target: Target::Existing(row), input, plan, file_name, copy: true, action: "source.reimport" })
}

/// Reads my CSV source `id`'s copy again with `kinds` (one per column, in order) and, when
/// given, `has_header`.
pub fn set_columns(db: &Db, data_dir: &Path, me: &str, id: &str, kinds: &[ColumnKind], has_header: Option<bool>) -> Result<DataSource> {
    let row = db.read(|c| mine(c, me, id))?;
    let path = copy_here(data_dir, &row)?;
    let meta = SourceMetadata::of(&row);
    let input = CsvInput::File(&path);
    let choices = Choices { split: stored_split(&meta), header: has_header.or(meta.has_header), kinds: Some(kinds) };
    let plan = plan(&input, choices)?;
    run(db, data_dir, me, Import { target: Target::Existing(row), input, plan, file_name: None, copy: false, action: "source.set_columns" })
}

/// Reads my CSV source `id`'s copy again as it was last read; a failure is recorded on
/// the source (status `error`, the reason in its metadata) and answered.
pub fn refresh(db: &Db, data_dir: &Path, me: &str, id: &str) -> Result<DataSource> {
    let row = db.read(|c| mine(c, me, id))?;
    csv_only(&row)?;
    if !imported_here(&row) {
        return Err(elsewhere(&row));
    }
    let meta = SourceMetadata::of(&row);
    let kinds: Vec<ColumnKind> = meta.columns.iter().map(|c| c.kind).collect();
    let path = file_path(data_dir, &row.id);
    let attempt = copy_here(data_dir, &row).and_then(|_| {
        let input = CsvInput::File(&path);
        let choices = Choices { split: stored_split(&meta), header: meta.has_header, kinds: (!kinds.is_empty()).then_some(kinds.as_slice()) };
        let plan = plan(&input, choices)?;
        run(db, data_dir, me, Import { target: Target::Existing(row.clone()), input, plan, file_name: None, copy: false, action: "source.refresh" })
    });
    if let Err(e) = &attempt {
        record_failure(db, me, &row.id, &e.to_string())?;
    }
    attempt
}

