//! Focus session benchmarks (criterion). Run with
//!
//! ```text
//! cargo bench -p studydesk-core --bench focus_sessions
//! ```
//!
//! Every benchmark calls the facade (`Studydesk::session_*`), so it measures the full
//! write path: validation, one IMMEDIATE transaction, the session row, the event log,
//! the `user_activities` row, presence, the capture triggers (`sync_changes` and
//! `audit_logs` rows) and the commit; `complete` also refreshes the day's progress.
//! They run on a real SQLite file (WAL, NORMAL sync) holding ten years of focus history
//! ([`build_history`]). Target: under 2 ms each. Results: docs/benchmarks.md.
//!
//! - `focus/session_start`: start a session (the running one of the previous iteration
//!   is completed outside the timing);
//! - `focus/session_pause`, `focus/session_resume`: on a running session, alternating
//!   (the other half of the pair runs outside the timing; a new session every 10 pairs,
//!   so the event log stays as short as in real use);
//! - `focus/session_complete`: complete a session started (outside the timing) a few
//!   minutes earlier.

mod support;
use support::*;
use chrono::Duration as ChronoDuration;
use criterion::{criterion_group, criterion_main, Criterion};
use rusqlite::params;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};
use studydesk_core::api::Studydesk;
use studydesk_core::clock::ManualClock;
use studydesk_core::db::{timestamp_text, WriteCtx};
use studydesk_core::focus::sessions::NewSession;
use studydesk_core::{account, time};
use tempfile::TempDir;

/// Ten years of study: about 13.7 sessions a day over 3,650 days.
const SESSIONS: usize = 50_000;
const DAYS: i64 = 3_650;
const COURSES: usize = 100;
/// Pause/resume pairs per session in the pause and resume benchmarks.
const PAIRS: u64 = 10;

/// Fills the database with ten years of completed sessions, written in one `Db::write`
/// (so `sync_changes` and `audit_logs` hold the matching history): 50,000 sessions of
/// 10-90 minutes with a start/pause/resume/complete log, spread over 3,650 days, a
/// third with a built-in activity, half with one of 100 courses, each with its two
/// `user_activities` rows (start, complete).
fn build_history(sd: &Studydesk) {
    let user = sd.user_id().to_string();
    sd.db()
        .write(WriteCtx::by(&user, "bench.seed"), |tx| {
            let mut courses = Vec::with_capacity(COURSES);
            for i in 0..COURSES {
                courses.push(studydesk_core::planner::assignments::insert_course(tx, &user, &format!("Course {i}"), None)?.id);
            }
            let activities: Vec<String> =
                (1..=6).map(|i| format!("01930000-0000-7000-8000-00000000000{i}")).collect();
            let mut session = tx.prepare(
                "INSERT INTO idle_sessions(id, user_id, activity_id, session_name, status, start_time, end_time,
                   total_duration, session_config, activity_log, created_at, updated_at, course_id, local_date)
                 VALUES (?1, ?2, ?3, ?4, 'completed', ?5, ?6, ?7, ?8, ?9, ?5, ?6, ?10, ?11)",
            )?;
            let mut activity = tx.prepare(
                "INSERT INTO user_activities(id, user_id, session_id, activity_type, activity_data, occurred_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            let tz = time::parse_tz(TZ)?;
            let first_day = bench_now() - ChronoDuration::days(DAYS);
            for k in 0..SESSIONS {
                let day = (k as i64 * DAYS) / SESSIONS as i64;
                let minutes = 10 + (k as i64 * 37) % 81;
                let start = first_day + ChronoDuration::days(day) + ChronoDuration::minutes(((k as i64 * 53) % 700) + 60);
                let pause = start + ChronoDuration::minutes(minutes / 2);
                let resume = pause + ChronoDuration::minutes(5);
                let end = start + ChronoDuration::minutes(minutes + 5);
                let log = format!(
                    r#"[{{"at":"{}","event":"start"}},{{"at":"{}","event":"pause"}},{{"at":"{}","event":"resume"}},{{"at":"{}","event":"complete"}}]"#,
                    timestamp_text(start),
                    timestamp_text(pause),
                    timestamp_text(resume),
                    timestamp_text(end)
                );
                let id = tx.new_id();
                let activity_id = (k % 3 == 0).then(|| activities[k % 6].clone());
                let course_id = (k % 2 == 0).then(|| courses[k % COURSES].clone());
                session.execute(params![
                    id,
                    user,
                    activity_id,
                    format!("Session {k}"),
                    timestamp_text(start),
                    timestamp_text(end),
                    minutes * 60,
                    r#"{"planned_minutes":null,"pomodoro":null}"#,
                    log,
                    course_id,
                    time::local_date(start, tz).to_string(),
                ])?;
                for (kind, at) in [("focus.session.start", start), ("focus.session.complete", end)] {
                    activity.execute(params![
                        tx.new_id(),
                        user,
                        id,
                        kind,
                        format!(r#"{{"session_id":"{id}"}}"#),
                        timestamp_text(at)
                    ])?;
                }
            }
            Ok(())
        })
        .unwrap();
}

fn open_with_history() -> (TempDir, Studydesk, ManualClock) {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(bench_now());
    let sd = Studydesk::open(dir.path(), Arc::new(clock.clone())).unwrap();
    sd.settings_update(account::settings::SettingsPatch { timezone: Some(TZ.into()), ..Default::default() }).unwrap();
    let t = Instant::now();
    build_history(&sd);
    eprintln!("focus history: {SESSIONS} sessions written in {:.1} s", t.elapsed().as_secs_f64());
    // Reopen, as the app would next time: the seed's WAL is checkpointed on close.
    drop(sd);
    let sd = Studydesk::open(dir.path(), Arc::new(clock.clone())).unwrap();
    (dir, sd, clock)
}

fn new_session(i: u64) -> NewSession {
    NewSession {
        name: Some(format!("Bench session {i}")),
        activity_id: i.is_multiple_of(2).then(|| "01930000-0000-7000-8000-000000000002".to_string()),
        ..Default::default()
    }
}

fn benches(c: &mut Criterion) {
    let (_dir, sd, clock) = open_with_history();
    let step = ChronoDuration::seconds(7);
    let mut g = c.benchmark_group("focus");

    g.bench_function("session_start", |b| {
        b.iter_custom(|iters| {
            let mut timed = Duration::ZERO;
            for i in 0..iters {
                clock.advance(step);
                let t = Instant::now();
                black_box(sd.session_start(new_session(i)).unwrap());
                timed += t.elapsed();
                clock.advance(step);
                sd.session_complete().unwrap();
            }
            timed
        })
    });

    // A session is paused and resumed a handful of times in real use, so its event log
    // stays short: every PAIRS pairs the session is completed and a new one started
    // (outside the timing).
    sd.session_start(new_session(0)).unwrap();
    let renew = |i: u64| {
        if i % PAIRS == PAIRS - 1 {
            sd.session_complete().unwrap();
            sd.session_start(new_session(i)).unwrap();
        }
    };
    g.bench_function("session_pause", |b| {
        b.iter_custom(|iters| {
            let mut timed = Duration::ZERO;
            for i in 0..iters {
                clock.advance(step);
                let t = Instant::now();
                black_box(sd.session_pause().unwrap());
                timed += t.elapsed();
                clock.advance(step);
                sd.session_resume().unwrap();
                renew(i);
            }
            timed
        })
    });
    g.bench_function("session_resume", |b| {
        b.iter_custom(|iters| {
            let mut timed = Duration::ZERO;
            for i in 0..iters {
                clock.advance(step);
                sd.session_pause().unwrap();
                clock.advance(step);
                let t = Instant::now();
                black_box(sd.session_resume().unwrap());
                timed += t.elapsed();
                renew(i);
            }
            timed
        })
    });
    sd.session_complete().unwrap();

    g.bench_function("session_complete", |b| {
        b.iter_custom(|iters| {
            let mut timed = Duration::ZERO;
            for i in 0..iters {
                clock.advance(step);
                sd.session_start(new_session(i)).unwrap();
                clock.advance(ChronoDuration::minutes(25));
                let t = Instant::now();
                black_box(sd.session_complete().unwrap());
                timed += t.elapsed();
            }
            timed
        })
    });
    g.finish();
}

fn config() -> Criterion {
    Criterion::default().sample_size(20).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(4))
}

criterion_group! {
    name = focus;
    config = config();
    targets = benches
}
criterion_main!(focus);
