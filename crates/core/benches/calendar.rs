//! Calendar benchmarks (criterion). Run with
//!
//! ```text
//! cargo bench -p studydesk-core --bench calendar
//! ```
//!
//! Real SQLite files in a temporary folder, opened as the app opens them. Results and
//! targets: docs/benchmarks.md.
//!
//! - `calendar/month_view_50k`: `Studydesk::calendar_range` over a 6-week month grid of a
//!   calendar of 50,000 events: 47,000 single events over ten years (timed and all-day),
//!   2,000 weekly semester series (BYDAY, UNTIL), 600 daily series (40 endless), 300
//!   monthly and 100 yearly endless series, 200 series with an EXDATE, and 500
//!   assignments. Target: under 10 ms. `..._after_a_write`: the same view right after a
//!   write, when the decoded series are read again (no target of its own).
//! - `calendar/ics_import_10k`: `Studydesk::ics_import` of a 10,000-event file (timed with
//!   TZID, all-day, weekly series with EXDATE and an alarm) into an empty database.
//!   Target: under 2 s.
//! - `calendar/month_view_10k_daily_series` (issue 18): the same month grid over a
//!   calendar imported from a 1.5 MB file of 10,000 endless daily series (generated
//!   here). Target: under 50 ms, whatever it answers. Before it, one timed run each
//!   (printed: time, JSON size, peak memory of the process during the request) of the
//!   month view, a 31-day and a 400-day range, and the whole export.
//! - `calendar/next_due_reminder_100k`: `reminders::next_due` among 100,000 reminders
//!   (half delivered). Target: under 1 ms.

mod support;
use support::*;
use chrono::{DateTime, Duration as ChronoDuration, NaiveDate, Utc};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use rusqlite::params;
use std::hint::black_box;
use std::time::Duration;
use studydesk_core::api::Studydesk;
use studydesk_core::db::{timestamp_text, WriteCtx};
use studydesk_core::planner::assignments::{self, NewAssignment};
use studydesk_core::planner::calendar::{events, reminders, EditScope, NewEvent};
use tempfile::TempDir;



fn open(dir: &TempDir) -> Studydesk {
    let app = Studydesk::open(dir.path(), manual_clock()).expect("open");
    app.settings_update(studydesk_core::account::settings::SettingsPatch { timezone: Some(TZ.into()), ..Default::default() })
        .expect("timezone");
    app
}

fn day(rng: &mut Rng, first: NaiveDate, days: u64) -> NaiveDate {
    first + ChronoDuration::days(rng.below(days) as i64)
}

/// The 50,000-event calendar (see the module docs), written through the core's services.
fn build_calendar(app: &Studydesk) -> Vec<(String, String)> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let first = NaiveDate::from_ymd_opt(2017, 1, 1).unwrap();
    let days = 3_650;
    let u = app.user_id().to_string();
    let mut inputs: Vec<NewEvent> = Vec::with_capacity(50_000);
    for i in 0..47_000 {
        let d = day(&mut rng, first, days);
        let all_day = i % 10 == 0;
        let h = 8 + rng.below(12);
        inputs.push(NewEvent {
            title: format!("Event {i}"),
            start: if all_day { d.to_string() } else { format!("{d}T{h:02}:00") },
            end: (!all_day).then(|| format!("{d}T{h:02}:50")),
            all_day,
            ..Default::default()
        });
    }
    let series = |title: String, start: String, end: Option<String>, rrule: String| NewEvent {
        title,
        start,
        end,
        rrule: Some(rrule),
        ..Default::default()
    };
    for i in 0..2_000 {
        let d = day(&mut rng, first, days);
        let until = (d + ChronoDuration::days(105)).format("%Y%m%d");
        inputs.push(series(format!("Lecture {i}"), format!("{d}T09:00"), Some(format!("{d}T10:30")), format!("FREQ=WEEKLY;BYDAY=MO,WE;UNTIL={until}")));
    }
    for i in 0..600 {
        let d = day(&mut rng, first, days);
        let rule = if i % 15 == 0 { "FREQ=DAILY".to_string() } else { format!("FREQ=DAILY;COUNT={}", 30 + i % 60) };
        inputs.push(series(format!("Habit {i}"), format!("{d}T07:00"), Some(format!("{d}T07:30")), rule));
    }
    for i in 0..300 {
        let d = day(&mut rng, first, days);
        inputs.push(series(format!("Monthly {i}"), format!("{d}T18:00"), None, "FREQ=MONTHLY".into()));
    }
    for i in 0..100 {
        let d = day(&mut rng, first, days);
        inputs.push(series(format!("Yearly {i}"), d.to_string(), None, "FREQ=YEARLY".into()));
    }
    let ids = app
        .db()
        .write(WriteCtx::by(&u, "bench.build"), |tx| {
            let mut ids = Vec::new();
            for input in &inputs {
                let ev = events::add_in(tx, &u, input)?;
                if ev.is_master() {
                    ids.push((ev.row.id.clone(), ev.row.starts_at.clone().unwrap_or_default()));
                }
            }
            for i in 0..500 {
                let d = day(&mut rng, first, days);
                assignments::insert(
                    tx,
                    &u,
                    &NewAssignment { title: format!("Assignment {i}"), due_at: Some(format!("{d}T23:59:00+09:00")), ..Default::default() },
                )?;
            }
            Ok(ids)
        })
        .expect("build");
    ids
}

fn month_view(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let app = open(&dir);
    let masters = build_calendar(&app);
    // 200 lecture series lose their second occurrence (EXDATE).
    for (id, start) in masters.iter().take(200) {
        if let Ok(t) = DateTime::parse_from_rfc3339(start) {
            let second = timestamp_text((t + ChronoDuration::days(2)).with_timezone(&Utc));
            let _ = app.event_delete(id, Some(&second), EditScope::This);
        }
    }
    let n: i64 = app.db().read(|c| Ok(c.query_row("SELECT count(*) FROM calendar_events", [], |r| r.get(0))?)).unwrap();
    assert_eq!(n, 50_000);
    let items = app.calendar_range("2026-10-26", "2026-12-06").unwrap().items.len();
    println!("month view: {items} items in 42 days");
    agenda_pages(&app);
    c.bench_function("calendar/month_view_50k", |b| {
        b.iter(|| black_box(app.calendar_range("2026-10-26", "2026-12-06").unwrap()));
    });
    // The first view after any write reads and decodes the series again (`SeriesCache`):
    // a write (not timed) before each view.
    c.bench_function("calendar/month_view_50k_after_a_write", |b| {
        b.iter_batched(
            || app.task_add(studydesk_core::planner::tasks::NewTask { description: "bench".into(), ..Default::default() }).unwrap(),
            |_| black_box(app.calendar_range("2026-10-26", "2026-12-06").unwrap()),
            BatchSize::PerIteration,
        );
    });
}

/// The 400-day agenda of the 50,000-event calendar read page by page (1,000 items a
/// page, as the CLI reads it): printed with the pages' count and the largest as JSON.
fn agenda_pages(app: &Studydesk) {
    reset_peak();
    let t = std::time::Instant::now();
    let (mut cursor, mut pages, mut items, mut largest) = (None::<String>, 0, 0, 0);
    loop {
        let page = app.calendar_agenda("2026-11-01", "2027-12-05", cursor.as_deref(), Some(1_000u32)).unwrap();
        pages += 1;
        items += page.items.len();
        largest = largest.max(serde_json::to_vec(&page).unwrap().len());
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    println!(
        "400-day agenda of the 50k calendar: {items} items in {pages} pages, {:.2?}, largest page {largest} bytes of JSON, peak {} MB",
        t.elapsed(),
        peak_mb().unwrap_or(0)
    );
}

/// A 10,000-event file shaped like a real export.
fn ics_file() -> String {
    let mut rng = Rng(0xDEAD_BEEF_1234_5678);
    let first = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let mut s = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\nX-WR-TIMEZONE:Asia/Tokyo\r\n");
    for i in 0..10_000 {
        let d = day(&mut rng, first, 1_000).format("%Y%m%d").to_string();
        s.push_str(&format!("BEGIN:VEVENT\r\nUID:bench-{i}@example.org\r\nDTSTAMP:20261101T000000Z\r\nSUMMARY:Event {i}\\, room {}\r\n", i % 40));
        match i % 20 {
            0 => s.push_str(&format!("DTSTART;VALUE=DATE:{d}\r\n")),
            1 => s.push_str(&format!(
                "DTSTART;TZID=Asia/Tokyo:{d}T090000\r\nDTEND;TZID=Asia/Tokyo:{d}T103000\r\nRRULE:FREQ=WEEKLY;COUNT=15\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\n"
            )),
            _ => s.push_str(&format!("DTSTART;TZID=Asia/Tokyo:{d}T{:02}0000\r\nDTEND;TZID=Asia/Tokyo:{d}T{:02}3000\r\nDESCRIPTION:Some notes\\nover two lines\r\n", 8 + i % 10, 8 + i % 10)),
        }
        s.push_str("END:VEVENT\r\n");
    }
    s.push_str("END:VCALENDAR\r\n");
    s
}

fn ics_import(c: &mut Criterion) {
    let file = ics_file();
    let mut g = c.benchmark_group("calendar");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("ics_import_10k", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let app = open(&dir);
                (dir, app)
            },
            |(dir, app)| {
                let r = app.ics_import(file.as_bytes()).unwrap();
                assert_eq!(r.created, 10_000);
                (dir, app)
            },
            BatchSize::PerIteration,
        );
    });
    g.finish();
}

fn next_due(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let app = open(&dir);
    let u = app.user_id().to_string();
    let mut rng = Rng(0x0123_4567_89AB_CDEF);
    app.db()
        .write(WriteCtx::by(&u, "bench.reminders"), |tx| {
            let mut event_ids = Vec::new();
            for i in 0..1_000 {
                let input = NewEvent { title: format!("E{i}"), start: "2026-12-01T09:00".into(), ..Default::default() };
                event_ids.push(events::add_in(tx, &u, &input)?.row.id);
            }
            let mut stmt = tx.prepare(
                "INSERT INTO calendar_event_reminders(id, event_id, user_id, minutes_before, remind_at, channel, fire_at,
                 delivered_at, snoozed_until, created_at, updated_at) VALUES (?1, ?2, ?3, 15, NULL, 'notification', ?4, ?5, NULL, ?6, ?6)",
            )?;
            for i in 0..100_000usize {
                let fire = bench_now() + ChronoDuration::minutes(rng.below(525_600) as i64 - 262_800);
                let delivered = (fire < bench_now() && i % 2 == 0).then(|| tx.now_text());
                stmt.execute(params![tx.new_id(), event_ids[i % 1_000], u, timestamp_text(fire), delivered, tx.now_text()])?;
            }
            Ok(())
        })
        .unwrap();
    let now = bench_now();
    assert!(app.db().read(|c| reminders::next_due(c, now)).unwrap().is_some());
    c.bench_function("calendar/next_due_reminder_100k", |b| {
        b.iter(|| black_box(app.db().read(|c| reminders::next_due(c, now)).unwrap()));
    });
}

/// Issue 18's file: 10,000 daily series with no end, one a VEVENT (about 1.5 MB).
fn daily_series_file() -> String {
    let mut s = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\n");
    for i in 0..10_000 {
        let h = 7 + i % 12;
        s.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:daily-{i}@example.org\r\nDTSTAMP:20261101T000000Z\r\nSUMMARY:Daily habit number {i}\r\nDTSTART;TZID=Asia/Tokyo:20250101T{h:02}0000\r\nDTEND;TZID=Asia/Tokyo:20250101T{h:02}3000\r\nRRULE:FREQ=DAILY\r\nEND:VEVENT\r\n"
        ));
    }
    s.push_str("END:VCALENDAR\r\n");
    s
}

/// Peak resident memory of this process since the last reset, in MB, and a reset (Linux:
/// `clear_refs` 5 resets the high-water mark; elsewhere both do nothing).
fn peak_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse::<u64>().ok().map(|kb| kb / 1024)
}

fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// One timed run of `f`, printed with the size of its answer as JSON and the peak memory.
fn once<T: serde::Serialize, E: std::fmt::Display>(name: &str, f: impl FnOnce() -> Result<T, E>) {
    reset_peak();
    let t = std::time::Instant::now();
    let r = f();
    let took = t.elapsed();
    let answer = match &r {
        Ok(v) => format!("{} bytes of JSON", serde_json::to_vec(v).map_or(0, |b| b.len())),
        Err(e) => format!("refused: {e}"),
    };
    println!("{name}: {took:.2?}, peak {} MB, {answer}", peak_mb().unwrap_or(0));
}

fn bounded(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let app = open(&dir);
    let file = daily_series_file();
    let t = std::time::Instant::now();
    let r = app.ics_import(file.as_bytes()).unwrap();
    println!("10,000 daily series: {} bytes imported in {:.2?} ({} created)", file.len(), t.elapsed(), r.created);
    once("month view (42 days)", || app.calendar_range("2026-10-26", "2026-12-06"));
    once("31-day range", || app.calendar_range("2026-11-01", "2026-12-01"));
    if std::env::var_os("BENCH_SLOW").is_some() {
        once("400-day range", || app.calendar_range("2026-11-01", "2027-12-05"));
    }
    once("31-day agenda, first page", || app.calendar_agenda("2026-11-01", "2026-12-01", None::<String>, None::<u32>));
    once("400-day agenda, first page", || app.calendar_agenda("2026-11-01", "2027-12-05", None::<String>, None::<u32>));
    once("whole export", || app.ics_export(None::<String>, None::<String>));
    c.bench_function("calendar/month_view_10k_daily_series", |b| {
        b.iter(|| black_box(app.calendar_range("2026-10-26", "2026-12-06").ok()));
    });
}

fn config() -> Criterion {
    Criterion::default().sample_size(20).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(4))
}

criterion_group! {
    name = benches;
    config = config();
    targets = month_view, ics_import, next_due, bounded
}
criterion_main!(benches);
