//! A widget's data as files: RFC 4180 CSV of a [`Table`] and the files of a dashboard's
//! widgets written into a folder (the CLI's `dashboard export --format csv`).
//!
//! Contract: the CSV is what the app's "Copy as CSV" and CSV export write — a header row of
//! the column names, CRLF line ends, a field holding `,` `"` CR or LF quoted with its `"`
//! doubled, NULL as an empty field, and a text a spreadsheet would run as a formula
//! (starting with `=` `+` `-` `@` tab or CR, but not a negative number) prefixed with `'`.
//! A file is named from its widget's title as the app names it (letters, digits, `_` and
//! `-` kept, every other run of characters one `-`, at most 60 characters), made unique in
//! the folder's export with ` (2)`, ` (3)`...; each is written whole (a temporary file
//! renamed into place), so a file is never left half-written. Charts as pictures are drawn
//! by the app and written with the same names and care ([`super::picture_export`]).

use super::rows::WidgetType;
use super::table::{Cell, Table};
use super::widgets::DashboardWidget;
use crate::{CoreError, Result};
use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The longest file name stem, in characters (as the app's export).
const STEM_MAX: usize = 60;

/// The table as RFC 4180 CSV (see the module contract).
pub fn table_csv(t: &Table) -> String {
    let mut out = String::new();
    let header: Vec<String> = t.columns.iter().map(|c| field(&c.name)).collect();
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for row in &t.rows {
        let cells: Vec<String> = row.iter().map(|c| field(&cell_text(c))).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Null => String::new(),
        Cell::Integer(i) => i.to_string(),
        Cell::Real(r) => r.to_string(),
        Cell::Text(s) => s.clone(),
    }
}

/// One CSV field: formula-like text defused, quoted when it must be.
fn field(s: &str) -> String {
    let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r']) && !is_negative_number_start(s);
    let safe = if formula { format!("'{s}") } else { s.to_string() };
    if safe.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", safe.replace('"', "\"\""))
    } else {
        safe
    }
}

/// `-` followed by a digit: a negative number, not a formula.
fn is_negative_number_start(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next() == Some('-') && chars.next().is_some_and(|c| c.is_ascii_digit())
}

/// A file name stem from a widget's title (see the module contract); `widget` when nothing
/// of the title is left.
pub fn file_stem(title: &str) -> String {
    let mut stem = String::new();
    let mut dash = false;
    for c in title.chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            stem.push(c);
            dash = false;
        } else if !dash {
            stem.push('-');
            dash = true;
        }
    }
    let stem: String = stem.trim_matches('-').chars().take(STEM_MAX).collect();
    let stem = stem.trim_end_matches('-');
    if stem.is_empty() { "widget".to_string() } else { stem.to_string() }
}

/// The widget's name for its file and for messages: its title, else its type.
pub fn widget_title(w: &DashboardWidget) -> String {
    let t = w.config.title.trim();
    if t.is_empty() { w.row.r#type.as_str().to_string() } else { t.to_string() }
}

/// Whether the widget is drawn as a chart (and so has a picture to export).
pub fn is_chart(kind: WidgetType) -> bool {
    matches!(kind, WidgetType::LineChart | WidgetType::BarChart | WidgetType::PieChart | WidgetType::AreaChart)
}

/// Writes each `(title, table)` as `<stem>.csv` into `dir` (made if missing), in order,
/// names made unique within this export; answers the paths written. A file of the same
/// name from an earlier export is replaced.
pub fn write_csv_files(dir: &Path, tables: &[(String, Table)]) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| CoreError::io(format!("could not create the folder {}", dir.display()), e))?;
    let mut taken = HashSet::new();
    let mut written = Vec::with_capacity(tables.len());
    for (title, table) in tables {
        let name = unique_name(&file_stem(title), "csv", &mut taken);
        let path = dir.join(name);
        write_whole(&path, table_csv(table).as_bytes())?;
        written.push(path);
    }
    Ok(written)
}

/// `<stem>.<ext>`, else `<stem> (2).<ext>`, ... (compared ignoring case: a file system may).
pub(super) fn unique_name(stem: &str, ext: &str, taken: &mut HashSet<String>) -> String {
    let mut n = 1;
    loop {
        let name = if n == 1 { format!("{stem}.{ext}") } else { format!("{stem} ({n}).{ext}") };
        if taken.insert(name.to_lowercase()) {
            return name;
        }
        n += 1;
    }
}

/// The bytes written to a temporary file beside `path`, then renamed onto it.
pub(super) fn write_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut part = path.as_os_str().to_owned();
    part.push(".part");
    let part = PathBuf::from(part);
    let failed = |e| CoreError::io(format!("could not write {}", path.display()), e);
    let mut f = std::fs::File::create(&part).map_err(failed)?;
    let done = f.write_all(bytes).and_then(|_| f.sync_all()).and_then(|_| std::fs::rename(&part, path));
    if let Err(e) = done {
        let _ = std::fs::remove_file(&part);
        return Err(failed(e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::table::{Column, ColumnKind};

    fn table() -> Table {
        Table {
            columns: vec![Column::new("day", ColumnKind::Date), Column::with_unit("minutes", ColumnKind::Integer, "minutes"), Column::new("note, \"quoted\"", ColumnKind::Text)],
            rows: vec![
                vec![Cell::Text("2026-11-21".into()), Cell::Integer(30), Cell::Text("line one\nline two".into())],
                vec![Cell::Text("2026-11-22".into()), Cell::Real(-1.5), Cell::Null],
                vec![Cell::Text("=HYPERLINK(\"x\")".into()), Cell::Integer(-7), Cell::Text("-3 days".into())],
                vec![Cell::Text("@SUM(A1)".into()), Cell::Real(2.25), Cell::Text("+1".into())],
            ],
            truncated: false,
        }
    }

    #[test]
    fn a_table_is_rfc_4180_csv_with_formulas_defused() {
        let csv = table_csv(&table());
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(
            lines,
            [
                "day,minutes,\"note, \"\"quoted\"\"\"",
                "2026-11-21,30,\"line one\nline two\"",
                "2026-11-22,-1.5,",
                "\"'=HYPERLINK(\"\"x\"\")\",-7,-3 days",
                "'@SUM(A1),2.25,'+1",
                "",
            ]
        );
        assert!(csv.ends_with("\r\n"));
        let empty = Table { columns: vec![Column::new("only", ColumnKind::Text)], rows: vec![], truncated: false };
        assert_eq!(table_csv(&empty), "only\r\n");
    }

    #[test]
    fn file_names_come_from_titles_and_stay_unique() {
        assert_eq!(file_stem("Minutes studied per day"), "Minutes-studied-per-day");
        assert_eq!(file_stem("日ごとの学習時間"), "日ごとの学習時間");
        assert_eq!(file_stem("../../etc/passwd"), "etc-passwd");
        assert_eq!(file_stem("  ?? "), "widget");
        assert_eq!(file_stem(&"a".repeat(100)).chars().count(), 60);

        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("export");
        let tables = vec![("Per day".to_string(), table()), ("per day".to_string(), table()), ("".to_string(), table())];
        let written = write_csv_files(&out, &tables).unwrap();
        let names: Vec<String> = written.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(names, ["Per-day.csv", "per-day (2).csv", "widget.csv"]);
        assert_eq!(std::fs::read_to_string(&written[0]).unwrap(), table_csv(&table()));
        let mut files: Vec<String> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        files.sort();
        assert_eq!(files, ["Per-day.csv", "per-day (2).csv", "widget.csv"], "no temporary file left");

        let blocked = d.path().join("a-file");
        std::fs::write(&blocked, "x").unwrap();
        let err = write_csv_files(&blocked, &tables).unwrap_err();
        assert!(err.to_string().contains("could not create the folder"), "{err}");
    }
}
