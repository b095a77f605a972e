//! Report rendering benchmark (criterion). Run with
//!
//! ```text
//! cargo bench -p studydesk-core --bench reports
//! ```
//!
//! - `reports/pdf_10_widgets`: one PDF report of 10 widgets rendered whole (layout, the
//!   CJK font subset and embedded, every chart as vector paths, the bytes of the file):
//!   3 line charts of 365 days with two series, 2 bar charts of 52 weeks, 2 pie charts of
//!   12 slices, 2 metric cards and a table of 1,000 rows (about 25 pages). The font file is
//!   read once, as the report run does per report. Target: under 2 s (issue 16).
//!   Results: docs/benchmarks.md.

use criterion::{criterion_group, criterion_main, Criterion};
use std::time::Duration;
use studydesk_core::insights::reports::render::pdf;
use studydesk_core::insights::reports::render::{ReportData, ReportWidget, Shape};
use studydesk_core::insights::table::{Cell, Column, ColumnKind, Table};

fn series(rows: usize, label: impl Fn(usize) -> String, columns: &[&str]) -> Table {
    let mut cols = vec![Column::new("x", ColumnKind::Text)];
    cols.extend(columns.iter().map(|c| Column::new(c, ColumnKind::Real)));
    let rows = (0..rows).map(|i| {
        let mut r = vec![Cell::Text(label(i))];
        r.extend((0..columns.len()).map(|k| Cell::Real(((i * 37 + k * 11) % 120) as f64)));
        r
    });
    Table { columns: cols, rows: rows.collect(), truncated: false }
}

fn widget(title: &str, shape: Shape, table: Table, value: Option<f64>) -> ReportWidget {
    ReportWidget { title: title.into(), shape, table, x: 0, value, error: None }
}

fn ten_widgets() -> ReportData {
    let days = |i: usize| format!("2026-{:02}-{:02}", i / 31 % 12 + 1, i % 28 + 1);
    let mut widgets = Vec::new();
    for n in 0..3 {
        widgets.push(widget(&format!("Minutes per day {n} 日ごと"), Shape::Line, series(365, days, &["minutes", "goal"]), None));
    }
    for n in 0..2 {
        widgets.push(widget(&format!("Sessions per week {n}"), Shape::Bar, series(52, |i| format!("W{i}"), &["sessions"]), None));
    }
    for n in 0..2 {
        widgets.push(widget(&format!("By course {n} コース別"), Shape::Pie, series(12, |i| format!("Course {i} 数学"), &["minutes"]), None));
    }
    widgets.push(widget("Minutes studied", Shape::Number, series(1, days, &["v"]), Some(1850.0)));
    widgets.push(widget("Streak", Shape::Number, series(1, days, &["v"]), Some(30.0)));
    widgets.push(widget("All sessions すべて", Shape::Table, series(1000, |i| format!("Session {i} 勉強"), &["minutes", "pages", "score"]), None));
    ReportData { title: "Weekly study 週報".into(), dashboard: "My study".into(), from: "2026-01-01".into(), to: "2026-12-31".into(), made_at: "2026-12-06 08:00 JST".into(), widgets }
}

fn bench(c: &mut Criterion) {
    let data = ten_widgets();
    let font = pdf::find_font().expect("a CJK font (fonts-noto-cjk)");
    let pages = pdf::layout(&data).expect("layout").len();
    eprintln!("reports/pdf_10_widgets: {pages} pages, {} bytes", pdf::render(&data, font.clone()).expect("render").len());
    let mut g = c.benchmark_group("reports");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("pdf_10_widgets", |b| b.iter(|| pdf::render(&data, font.clone()).expect("render")));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
