//! Benchmarks of the Focus page's statistics (criterion). Run with
//!
//! ```text
//! cargo bench -p studydesk-core --bench focus_stats
//! ```
//!
//! The dataset: ten years (3,650 days up to "now" = 2026-11-23 12:00 Asia/Tokyo) of one
//! student's focus, 50,000 completed sessions of 10-60 minutes (about 16 a study day),
//! about one day in eight without study (the last 40 days all studied, so the current
//! streak is long), plus 2,000 abandoned sessions that must not count. Written in one
//! transaction through `Db::write` with change capture off (a sync pull's path): the sync
//! and audit rows do not touch the queries measured, and the build stays under a second.
//! A real SQLite file in a temporary folder, opened the way the app opens it.
//!
//! - `focus_stats/ten_years_50k`: `Studydesk::focus_stats()`: heatmap of the last 365
//!   days, totals, current and longest streak over the whole history. Target: < 20 ms.
//! - `focus_stats/seconds_by_day_50k`: the one SQL query under it (GROUP BY local_date
//!   over the covering index).
//! - `focus_stats/streaks_rust_3650_days`: the streak walk alone over the day list.
//! - `focus_stats/progress_refresh_50k`: one `Db::write` running `progress::refresh`
//!   (what every task completion and session completion adds), on the same data.

mod support;
use support::*;
use chrono::{Days, NaiveDate, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::time::{Duration, Instant};
use studydesk_core::account::settings::SettingsPatch;
use studydesk_core::api::Studydesk;
use studydesk_core::db::{timestamp_text, WriteCtx};
use studydesk_core::focus::{progress, stats};
use tempfile::TempDir;

const SESSIONS: usize = 50_000;
const ABANDONED: usize = 2_000;
const DAYS: u64 = 3_650;


fn build() -> (TempDir, Studydesk) {
    let dir = tempfile::tempdir().unwrap();
    let sd = Studydesk::open(dir.path(), manual_clock()).unwrap();
    sd.settings_update(SettingsPatch { timezone: Some("Asia/Tokyo".into()), ..Default::default() }).unwrap();
    let user = sd.user_id().to_string();
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let mut rng = Rng(0x5eed_f0c5);
    let study_days: Vec<NaiveDate> = (0..DAYS)
        .rev()
        .map(|back| today - Days::new(back))
        .filter(|d| (today - *d).num_days() < 40 || rng.below(8) != 0)
        .collect();
    let started = Instant::now();
    let quiet = WriteCtx { actor_id: Some(user.clone()), action: "bench.sessions".into(), capture: false, audit: false };
    sd.db()
        .write(quiet, |tx| {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO idle_sessions(id, user_id, status, start_time, end_time, total_duration, local_date, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?4, ?5)",
            )?;
            for i in 0..SESSIONS + ABANDONED {
                let day = study_days[i % study_days.len()];
                // 08:00-21:59 Tokyo = 23:00 the day before to 12:59 UTC.
                let start = Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap())
                    - chrono::Duration::hours(1)
                    + chrono::Duration::minutes(rng.below(14 * 60) as i64);
                let seconds = (10 + rng.below(51) as i64) * 60;
                let status = if i < SESSIONS { "completed" } else { "abandoned" };
                stmt.execute(rusqlite::params![
                    tx.new_id(),
                    user,
                    status,
                    timestamp_text(start),
                    timestamp_text(start + chrono::Duration::seconds(seconds)),
                    seconds,
                    day.to_string()
                ])?;
            }
            Ok(())
        })
        .unwrap();
    // Analyse as a long-running app would have (ANALYZE runs at open after migrations only).
    sd.db().read(|c| Ok(c.execute_batch("PRAGMA optimize")?)).unwrap();
    eprintln!(
        "focus_stats: {} completed + {ABANDONED} abandoned sessions on {} study days written in {:.2?}",
        SESSIONS,
        study_days.len(),
        started.elapsed()
    );
    (dir, sd)
}

fn benches(c: &mut Criterion) {
    let (_dir, sd) = build();
    let s = sd.focus_stats().unwrap();
    eprintln!(
        "focus_stats: heatmap {} days, year {} min, current streak {}, longest {}",
        s.days.len(),
        s.year_minutes,
        s.current_streak,
        s.longest_streak
    );
    let user = sd.user_id().to_string();
    let mut g = c.benchmark_group("focus_stats");
    g.bench_function("ten_years_50k", |b| b.iter(|| black_box(sd.focus_stats().unwrap())));
    g.bench_function("seconds_by_day_50k", |b| {
        b.iter(|| black_box(sd.db().read(|c| stats::seconds_by_day(c, &user)).unwrap()))
    });
    let days: Vec<NaiveDate> = sd.db().read(|c| stats::seconds_by_day(c, &user)).unwrap().into_iter().map(|(d, _)| d).collect();
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    g.bench_function("streaks_rust_3650_days", |b| b.iter(|| black_box(stats::streaks(black_box(&days), today, 1))));
    g.bench_function("progress_refresh_50k", |b| {
        b.iter(|| sd.db().write(WriteCtx::by(&user, "bench.refresh"), |tx| progress::refresh(tx, &user)).unwrap())
    });
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
}

criterion_group! {
    name = focus;
    config = config();
    targets = benches
}
criterion_main!(focus);
