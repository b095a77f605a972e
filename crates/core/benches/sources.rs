//! Data source benchmarks (criterion). Run with
//!
//! ```text
//! cargo bench -p studydesk-core --bench sources
//! ```
//!
//! Real files in a temporary folder, the database opened as the app opens it. Results:
//! docs/benchmarks.md.
//!
//! - `sources/csv_import_100k`: `Studydesk::source_add_csv_file` of a 100,000-row CSV
//!   (7 columns: id, student, course, score, minutes, a date and a local timestamp; 6.5 MB,
//!   UTF-8) into a fresh database: detection, both passes over the file, the typed cache
//!   table, the copy and the row. No target in the issue; it must stream (one cache
//!   transaction, one prepared statement).
//! - `sources/csv_import_100k_shift_jis`: the same rows with Japanese names, in Shift_JIS
//!   (decoded while streaming).
//! - `sources/preview_100`: `source_preview` of the first 100 rows of that source.

mod support;
use support::*;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

const ROWS: usize = 100_000;

fn write_csv(dir: &Path, name: &str, japanese: bool) -> PathBuf {
    let mut rng = Rng(0x5EED_CAFE_F00D_0001);
    let mut text = String::from(if japanese { "番号,氏名,科目,点数,分,日付,開始\n" } else { "id,student,course,score,minutes,taken_on,started_at\n" });
    for i in 0..ROWS {
        let student = if japanese { format!("学生{}", i % 5000) } else { format!("student {}", i % 5000) };
        let course = if japanese { format!("科目{}", i % 40) } else { format!("course {}", i % 40) };
        text.push_str(&format!(
            "{i},{student},{course},{},{:.2},2024-{:02}-{:02},2024-05-01 10:{:02}\n",
            rng.below(101),
            rng.below(12_000) as f64 / 100.0,
            i % 12 + 1,
            i % 28 + 1,
            i % 60
        ));
    }
    let bytes = if japanese { encoding_rs::SHIFT_JIS.encode(&text).0.into_owned() } else { text.into_bytes() };
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write the CSV");
    path
}

fn bench_sources(c: &mut Criterion) {
    let files = tempfile::tempdir().expect("temp dir");
    let utf8 = write_csv(files.path(), "scores.csv", false);
    let sjis = write_csv(files.path(), "scores_sjis.csv", true);
    let mut g = c.benchmark_group("sources");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    for (name, file) in [("csv_import_100k", &utf8), ("csv_import_100k_shift_jis", &sjis)] {
        g.bench_function(name, |b| {
            b.iter_batched(
                || {
                    let dir = tempfile::tempdir().expect("temp dir");
                    let app = open_in_tokyo(dir.path());
                    (dir, app)
                },
                |(dir, app)| {
                    let s = app.source_add_csv_file(file, Some("Scores")).expect("import");
                    assert_eq!(s.rows, Some(ROWS as i64));
                    (dir, app)
                },
                BatchSize::PerIteration,
            )
        });
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let app = open_in_tokyo(dir.path());
    let source = app.source_add_csv_file(&utf8, Some("Scores")).expect("import");
    g.bench_function("preview_100", |b| b.iter(|| black_box(app.source_preview(&source.id, 100).expect("preview"))));
    g.finish();
}

criterion_group!(benches, bench_sources);
criterion_main!(benches);
