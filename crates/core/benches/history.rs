//! History benchmark (criterion, issue 16: "the history of an item with 10,000 changes
//! under 20 ms"). Run with
//!
//! ```text
//! cargo bench -p studydesk-core --bench history
//! ```
//!
//! The database is a real SQLite file holding one task renamed 10,000 times and 50,000
//! other tasks each created and renamed once (110,000 audit rows besides), all written
//! through `Db::write` so the capture triggers wrote the audit trail. Measured through the
//! facade (`Studydesk::history_item`, what the History panel and `history ID` call):
//!
//! - `history/item_10k_first_page`: the newest 50 entries of the item, in words;
//! - `history/item_10k_largest_page`: the newest 200 (the most a page holds);
//! - `history/item_10k_whole`: all 10,000, page after page (50 pages of 200).
//!
//! Results: docs/benchmarks.md.

mod support;
use support::*;
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use studydesk_core::api::Studydesk;
use studydesk_core::db::WriteCtx;
use studydesk_core::planner::tasks::NewTask;
use tempfile::TempDir;

const CHANGES: usize = 10_000;
const OTHER_TASKS: usize = 50_000;

/// The item and the noise around it; answers the item's id.
fn seed(sd: &Studydesk) -> String {
    let id = sd.task_add(NewTask { description: "Read chapter 0".into(), ..Default::default() }).expect("task").id;
    let user = sd.user_id();
    let list: String = sd.db().read(|c| Ok(c.query_row("SELECT list_id FROM tasks WHERE id = ?1", [&id], |r| r.get(0))?)).expect("list");
    sd.db()
        .write(WriteCtx::by(&user, "bench.seed"), |tx| {
            let mut rename = tx.prepare("UPDATE tasks SET description = ?2 WHERE id = ?1")?;
            for i in 1..=CHANGES {
                rename.execute(rusqlite::params![id, format!("Read chapter {i}")])?;
            }
            let mut add = tx.prepare(
                "INSERT INTO tasks(id, user_id, list_id, description, order_index) VALUES (uuid7(), ?1, ?2, ?3, ?4) RETURNING id",
            )?;
            for i in 0..OTHER_TASKS {
                let other: String = add.query_row(rusqlite::params![user, list, format!("Task {i}"), i as i64 + 1], |r| r.get(0))?;
                rename.execute(rusqlite::params![other, format!("Task {i} renamed")])?;
            }
            Ok(())
        })
        .expect("seed");
    id
}

fn history(c: &mut Criterion) {
    let dir = TempDir::new().expect("temp dir");
    let sd = open_in_tokyo(dir.path());
    let id = seed(&sd);
    let all = sd.history_item(&id, None::<String>, Some(200)).expect("history");
    assert_eq!(all.entries.len(), 200);
    let mut g = c.benchmark_group("history");
    g.bench_function("item_10k_first_page", |b| b.iter(|| black_box(sd.history_item(&id, None::<String>, Some(50)).expect("page"))));
    g.bench_function("item_10k_largest_page", |b| b.iter(|| black_box(sd.history_item(&id, None::<String>, Some(200)).expect("page"))));
    g.sample_size(10);
    g.bench_function("item_10k_whole", |b| {
        b.iter(|| {
            let (mut before, mut n) = (None, 0);
            loop {
                let page = sd.history_item(&id, before.clone(), Some(200)).expect("page");
                n += page.entries.len();
                match page.next {
                    Some(next) => before = Some(next),
                    None => break,
                }
            }
            assert_eq!(n, CHANGES + 1, "the creation and every rename");
        })
    });
    g.finish();
}

criterion_group!(benches, history);
criterion_main!(benches);
