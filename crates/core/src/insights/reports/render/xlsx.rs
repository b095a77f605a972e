//! The Excel report: one sheet per widget (plus a first "Report" sheet naming the report,
//! the dashboard and the period), written by rust_xlsxwriter.
//!
//! Contract: cells are typed: integers and reals are numbers; a date column's
//! `YYYY-MM-DD` is an Excel date (shown `yyyy-mm-dd`), a timestamp column's RFC 3339 text
//! an Excel date-time (UTC, shown `yyyy-mm-dd hh:mm`); anything else, or a value that does
//! not parse as its column says, is text. A chart widget gets a native Excel chart of the
//! same kind (line, column, pie, area) over its sheet's cells, one series per number
//! column. Sheet names are the titles made legal (at most 31 characters, none of
//! `[]:*?/\`, unique ignoring case). A widget whose data could not be read is a sheet
//! saying why.

use super::{ReportData, ReportWidget, Shape};
use crate::insights::table::{Cell, ColumnKind};
use crate::{CoreError, Result};
use rust_xlsxwriter::{Chart, ChartType, Format, Workbook, Worksheet, XlsxError};
use std::collections::HashSet;

fn failed(e: XlsxError) -> CoreError {
    CoreError::io("could not make the Excel report", std::io::Error::other(e.to_string()))
}

/// The workbook's bytes.
pub fn render(data: &ReportData) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let cover = book.add_worksheet();
    cover.set_name("Report").map_err(failed)?;
    cover.write_string_with_format(0, 0, &data.title, &bold).map_err(failed)?;
    for (i, (k, v)) in [("Dashboard", &data.dashboard), ("From", &data.from), ("To", &data.to), ("Made", &data.made_at)].into_iter().enumerate() {
        cover.write_string(i as u32 + 2, 0, k).map_err(failed)?;
        cover.write_string(i as u32 + 2, 1, v.as_str()).map_err(failed)?;
    }
    cover.set_column_width(1, 24).map_err(failed)?;
    let mut taken: HashSet<String> = HashSet::from(["report".to_string()]);
    for w in &data.widgets {
        let name = sheet_name(&w.title, &mut taken);
        let sheet = book.add_worksheet();
        sheet.set_name(&name).map_err(failed)?;
        fill(sheet, w, &name, &bold).map_err(failed)?;
    }
    book.save_to_buffer().map_err(failed)
}

fn fill(sheet: &mut Worksheet, w: &ReportWidget, name: &str, bold: &Format) -> std::result::Result<(), XlsxError> {
    if let Some(why) = &w.error {
        sheet.write_string(0, 0, format!("{}: {why}", w.title))?;
        return Ok(());
    }
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let stamp = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    for (c, col) in w.table.columns.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, &col.name, bold)?;
        sheet.set_column_width(c as u16, if matches!(col.kind, ColumnKind::Timestamp) { 18 } else { 12 })?;
    }
    for (r, row) in w.table.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let kind = w.table.columns.get(c).map(|col| col.kind).unwrap_or(ColumnKind::Text);
            let c = c as u16;
            match cell {
                Cell::Null => {}
                Cell::Integer(i) => _ = sheet.write_number(r, c, *i as f64)?,
                Cell::Real(x) => _ = sheet.write_number(r, c, *x)?,
                Cell::Text(t) => match kind {
                    ColumnKind::Date => match chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d") {
                        Ok(d) => _ = sheet.write_datetime_with_format(r, c, d, &date)?,
                        Err(_) => _ = sheet.write_string(r, c, t)?,
                    },
                    ColumnKind::Timestamp => match chrono::DateTime::parse_from_rfc3339(t) {
                        Ok(d) => _ = sheet.write_datetime_with_format(r, c, d.naive_utc(), &stamp)?,
                        Err(_) => _ = sheet.write_string(r, c, t)?,
                    },
                    _ => _ = sheet.write_string(r, c, t)?,
                },
            }
        }
    }
    if w.shape == Shape::Number {
        if let Some(v) = w.value {
            let at = w.table.rows.len() as u32 + 2;
            sheet.write_string_with_format(at, 0, &w.title, bold)?;
            sheet.write_number(at, 1, v)?;
        }
    }
    if let Some(kind) = chart_type(w.shape) {
        chart(sheet, w, name, kind)?;
    }
    Ok(())
}

fn chart_type(shape: Shape) -> Option<ChartType> {
    Some(match shape {
        Shape::Line => ChartType::Line,
        Shape::Bar => ChartType::Column,
        Shape::Pie => ChartType::Pie,
        Shape::Area => ChartType::Area,
        Shape::Table | Shape::Number => return None,
    })
}

fn chart(sheet: &mut Worksheet, w: &ReportWidget, name: &str, kind: ChartType) -> std::result::Result<(), XlsxError> {
    let last = w.table.rows.len() as u32;
    let series = w.series();
    if last == 0 || series.is_empty() {
        return Ok(());
    }
    let mut chart = Chart::new(kind);
    chart.title().set_name(&w.title);
    // A pie shows one series: its first.
    let take = if kind == ChartType::Pie { 1 } else { series.len() };
    for &s in series.iter().take(take) {
        chart
            .add_series()
            .set_name((name, 0, s as u16))
            .set_categories((name, 1, w.x as u16, last, w.x as u16))
            .set_values((name, 1, s as u16, last, s as u16));
    }
    let right = w.table.columns.len() as u16 + 1;
    sheet.insert_chart(1, right, &chart)?;
    Ok(())
}

/// A legal, unique sheet name from a title (see the module contract).
fn sheet_name(title: &str, taken: &mut HashSet<String>) -> String {
    let clean: String = title.chars().map(|c| if "[]:*?/\\".contains(c) { '-' } else { c }).collect();
    let clean = clean.trim().trim_matches('\'').trim().to_string();
    let base = if clean.is_empty() { "Widget".to_string() } else { clean };
    let mut n = 1;
    loop {
        let suffix = if n == 1 { String::new() } else { format!(" ({n})") };
        let room = 31 - suffix.chars().count();
        let name = format!("{}{suffix}", base.chars().take(room).collect::<String>());
        if taken.insert(name.to_lowercase()) {
            return name;
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::super::sample;
    use super::*;
    use calamine::{Data, Reader, Xlsx};

    #[test]
    fn sheets_hold_typed_cells_and_charts_read_back_by_calamine() {
        let mut data = sample::report(5);
        data.widgets[3].title = "All rows: [draft]".into();
        data.widgets[2].title = "minutes PER day".into();
        let bytes = render(&data).unwrap();
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
        assert_eq!(book.sheet_names(), ["Report", "Minutes per day", "コース別", "minutes PER day (2)", "All rows- -draft-", "Total"]);
        let cover = book.worksheet_range("Report").unwrap();
        assert_eq!(cover.get_value((0, 0)), Some(&Data::String("Weekly study 週報".into())));
        let days = book.worksheet_range("Minutes per day").unwrap();
        assert_eq!(days.get_value((0, 1)), Some(&Data::String("minutes".into())));
        assert_eq!(days.get_value((1, 1)), Some(&Data::Float(10.0)), "numbers are numbers");
        match days.get_value((1, 0)) {
            Some(Data::DateTime(d)) => assert_eq!(d.as_datetime().unwrap().date(), chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()),
            other => panic!("a date cell, got {other:?}"),
        }
        let pie = book.worksheet_range("コース別").unwrap();
        assert_eq!(pie.get_value((1, 0)), Some(&Data::String("数学".into())));
        assert_eq!(pie.get_value((1, 1)), Some(&Data::Float(60.5)));
        // Native charts: one per chart widget (line, pie, column), none for the table or card.
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut charts: Vec<String> = zip.file_names().map(|n| n.unwrap().to_string()).filter(|n| n.starts_with("xl/charts/chart")).collect();
        charts.sort();
        assert_eq!(charts.len(), 3, "{charts:?}");
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("xl/charts/chart2.xml").unwrap(), &mut xml).unwrap();
        assert!(xml.contains("<c:pieChart>"), "the second chart is a pie");
    }

    #[test]
    fn sheet_names_are_legal_and_unique() {
        let mut taken = HashSet::new();
        assert_eq!(sheet_name(&"x".repeat(40), &mut taken).chars().count(), 31);
        assert_eq!(sheet_name(&"x".repeat(40), &mut taken), format!("{} (2)", "x".repeat(27)));
        assert_eq!(sheet_name("'  '", &mut taken), "Widget");
    }
}
