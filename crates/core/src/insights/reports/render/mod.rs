//! Report renderers: pure functions from [`ReportData`] to a file's bytes.
//!
//! Contract: nothing here reads the database, the clock or the disk (except the PDF's
//! font, found by [`pdf::find_font`] and passed in). Each renderer answers the whole file or
//! an error in words; the caller writes it (temporary file, then rename).

pub mod csv_zip;
pub mod pdf;
pub mod xlsx;

use crate::insights::rows::WidgetType;
use crate::insights::table::Table;

/// How a widget is drawn in a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Line,
    Bar,
    Pie,
    Area,
    Table,
    /// One number (a metric card).
    Number,
}

impl Shape {
    /// The shape of a widget type; text and image widgets are not in reports.
    pub fn of(kind: WidgetType) -> Option<Shape> {
        Some(match kind {
            WidgetType::LineChart => Shape::Line,
            WidgetType::BarChart => Shape::Bar,
            WidgetType::PieChart => Shape::Pie,
            WidgetType::AreaChart => Shape::Area,
            WidgetType::Table => Shape::Table,
            WidgetType::MetricCard => Shape::Number,
            WidgetType::Text | WidgetType::Image => return None,
        })
    }

    pub fn is_chart(self) -> bool {
        matches!(self, Shape::Line | Shape::Bar | Shape::Pie | Shape::Area)
    }
}

/// One widget of a report: its title, its shape and its rows (or why it has none).
#[derive(Debug, Clone)]
pub struct ReportWidget {
    pub title: String,
    pub shape: Shape,
    pub table: Table,
    /// The x axis (or slice names) column; the series are every number column but it.
    pub x: usize,
    /// A metric card's number.
    pub value: Option<f64>,
    /// Why the widget's data could not be read (the report still renders the others).
    pub error: Option<String>,
}

/// What a report shows.
#[derive(Debug, Clone)]
pub struct ReportData {
    /// The report's name.
    pub title: String,
    pub dashboard: String,
    /// The local days shown, `YYYY-MM-DD`, inclusive.
    pub from: String,
    pub to: String,
    /// When it was made, in the user's zone, as words for the page (`2026-12-06 08:00 JST`).
    pub made_at: String,
    pub widgets: Vec<ReportWidget>,
}

impl ReportWidget {
    /// The series columns: every number column but x (in order).
    pub fn series(&self) -> Vec<usize> {
        (0..self.table.columns.len())
            .filter(|&i| i != self.x)
            .filter(|&i| matches!(self.table.columns[i].kind, crate::insights::table::ColumnKind::Integer | crate::insights::table::ColumnKind::Real) || self.table.rows.iter().any(|r| r.get(i).and_then(|c| c.as_f64()).is_some()))
            .collect()
    }
}

#[cfg(test)]
pub(crate) mod sample {
    use super::*;
    use crate::insights::table::{Cell, Column, ColumnKind};

    /// A report with a line chart, a pie, a long table and a card (Japanese titles too).
    pub fn report(table_rows: usize) -> ReportData {
        let days = Table {
            columns: vec![Column::new("day", ColumnKind::Date), Column::with_unit("minutes", ColumnKind::Integer, "minutes")],
            rows: (1..=7).map(|d| vec![Cell::Text(format!("2026-11-{:02}", d)), Cell::Integer(d * 10)]).collect(),
            truncated: false,
        };
        let pie = Table {
            columns: vec![Column::new("course", ColumnKind::Text), Column::new("share", ColumnKind::Real)],
            rows: vec![vec![Cell::Text("数学".into()), Cell::Real(60.5)], vec![Cell::Text("English".into()), Cell::Real(39.5)]],
            truncated: false,
        };
        let long = Table {
            columns: vec![Column::new("n", ColumnKind::Integer), Column::new("note", ColumnKind::Text)],
            rows: (0..table_rows as i64).map(|i| vec![Cell::Integer(i), Cell::Text(format!("row {i} 行"))]).collect(),
            truncated: false,
        };
        ReportData {
            title: "Weekly study 週報".into(),
            dashboard: "My study".into(),
            from: "2026-11-01".into(),
            to: "2026-11-07".into(),
            made_at: "2026-11-08 08:00 JST".into(),
            widgets: vec![
                ReportWidget { title: "Minutes per day".into(), shape: Shape::Line, table: days.clone(), x: 0, value: None, error: None },
                ReportWidget { title: "コース別".into(), shape: Shape::Pie, table: pie, x: 0, value: None, error: None },
                ReportWidget { title: "Bars".into(), shape: Shape::Bar, table: days.clone(), x: 0, value: None, error: None },
                ReportWidget { title: "All rows".into(), shape: Shape::Table, table: long, x: 0, value: None, error: None },
                ReportWidget { title: "Total".into(), shape: Shape::Number, table: days, x: 0, value: Some(280.0), error: None },
            ],
        }
    }
}
