//! `insights/metric_*`: every built-in study metric (`insights::metrics::run`, and
//! `value` for two metric cards) over the user's whole ten years (3,650 local days up to
//! "now" in Tokyo). Target: each under 20 ms (issue 15 item 7).
//!
//! The data: a copy of the ten-year template (10,000 tasks, a third with a due time, 100
//! courses, 2,000 assignments) plus, written in one transaction with change capture off
//! (a sync pull's path, so the build stays short; the capture rows do not touch these reads):
//! 50,000 completed focus sessions of 10-60 minutes spread over the ten years (half with
//! one of the 100 courses, a third with a built-in activity, one in four a 25-minute
//! pomodoro) and 2,000 abandoned ones; 5 favorite activities; one reminder per
//! assignment, each delivered (a notification row; one in 10 late, one in 20 snoozed and
//! shown again); 3,650 posts of mine (one a day) with 36,500 likes and 7,300 comments by
//! 50 other accounts. `PRAGMA optimize` then, as a long-running app would have analysed.

use crate::support::*;
use chrono::{Days, Duration as ChronoDuration, NaiveDate};
use criterion::{BenchmarkId, Criterion};
use rusqlite::params;
use std::hint::black_box;
use std::path::Path;
use std::time::Instant;
use studydesk_core::api::Studydesk;
use studydesk_core::db::{timestamp_text, WriteCtx};
use studydesk_core::insights::metrics::{self, Grain, MetricFilters, MetricId, MetricQuery};
use studydesk_core::time;

const SESSIONS: usize = 50_000;
const ABANDONED: usize = 2_000;
const DAYS: u64 = 3_650;
const OTHERS: usize = 50;

fn add_ten_years_of_everything_else(sd: &Studydesk) {
    let user = sd.user_id().to_string();
    let u = user.as_str();
    let tz = time::parse_tz(TZ).unwrap();
    let today = time::local_date(bench_now(), tz);
    let at = |d: NaiveDate, minutes: i64| timestamp_text(time::start_of_day(d, tz) + ChronoDuration::minutes(minutes));
    let mut rng = Rng(0x1A5_16A7);
    let quiet = WriteCtx { actor_id: Some(user.clone()), action: "bench.insights".into(), capture: false, audit: false };
    let started = Instant::now();
    sd.db()
        .write(quiet, |tx| {
            let courses: Vec<String> =
                tx.prepare("SELECT id FROM courses WHERE user_id = ?1 ORDER BY id")?.query_map([u], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            let activities: Vec<String> = (1..=6).map(|i| format!("01930000-0000-7000-8000-00000000000{i}")).collect();
            let mut session = tx.prepare(
                "INSERT INTO idle_sessions(id, user_id, activity_id, course_id, status, start_time, end_time, total_duration, session_config, local_date, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?6, ?7)",
            )?;
            for i in 0..SESSIONS + ABANDONED {
                let day = today - Days::new(rng.below(DAYS));
                let start = time::start_of_day(day, tz) + ChronoDuration::minutes(8 * 60 + rng.below(14 * 60) as i64);
                let seconds = (10 + rng.below(51) as i64) * 60;
                let pomodoro = i % 4 == 0;
                let config = if pomodoro {
                    r#"{"planned_minutes":null,"pomodoro":{"work_minutes":25,"short_break_minutes":5,"long_break_minutes":15,"cycles_before_long_break":4,"auto_start_next":true}}"#
                } else {
                    r#"{"planned_minutes":null,"pomodoro":null}"#
                };
                session.execute(params![
                    tx.new_id(),
                    u,
                    (i % 3 == 0).then(|| activities[i % 6].clone()),
                    (i % 2 == 0).then(|| courses[i % courses.len()].clone()),
                    if i < SESSIONS { "completed" } else { "abandoned" },
                    timestamp_text(start),
                    timestamp_text(start + ChronoDuration::seconds(seconds)),
                    seconds,
                    config,
                    day.to_string()
                ])?;
            }
            for (k, a) in activities.iter().take(5).enumerate() {
                tx.execute(
                    "INSERT INTO user_activity_favorites(id, user_id, activity_id, created_at) VALUES (?1, ?2, ?3, ?4)",
                    params![tx.new_id(), u, a, at(today - Days::new(300 * k as u64 + 7), 600)],
                )?;
            }
            // One reminder per assignment, 60 minutes before, delivered (a notification).
            let assignments: Vec<(String, String)> = tx
                .prepare("SELECT id, due_at FROM assignments WHERE user_id = ?1 AND due_at < ?2 ORDER BY due_at")?
                .query_map([u, &timestamp_text(bench_now())], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (k, (assignment, due)) in assignments.iter().enumerate() {
                let due_at = time::parse_instant(due).unwrap();
                let fire = due_at - ChronoDuration::minutes(60);
                let shown = if k % 10 == 0 { fire + ChronoDuration::hours(5) } else { fire + ChronoDuration::seconds(20) };
                let reminder = tx.new_id();
                tx.execute(
                    "INSERT INTO item_reminders(id, user_id, assignment_id, minutes_before, fire_at, delivered_at, created_at, updated_at)
                     VALUES (?1, ?2, ?3, 60, ?4, ?5, ?4, ?5)",
                    params![reminder, u, assignment, timestamp_text(fire), timestamp_text(shown)],
                )?;
                let data = serde_json::json!({
                    "reminder_id": reminder, "reminder_table": "item_reminders", "item_kind": "assignment",
                    "item_id": assignment, "due_at": due,
                })
                .to_string();
                let mut times = vec![shown];
                if k % 20 == 1 {
                    times.push(shown + ChronoDuration::minutes(10));
                }
                for t in times {
                    tx.execute(
                        "INSERT INTO notifications(id, user_id, type, title, message, data, is_read, created_at)
                         VALUES (?1, ?2, 'reminder', 'Assignment', 'Due', ?3, 1, ?4)",
                        params![tx.new_id(), u, data, timestamp_text(t)],
                    )?;
                }
            }
            // Others, a post of mine a day, their likes and comments.
            for k in 0..OTHERS {
                tx.execute(
                    "INSERT INTO users(id, username, display_name, status, created_at, updated_at) VALUES (?1, ?2, ?2, 'active', ?3, ?3)",
                    params![format!("01930000-0000-7000-a000-{k:012x}"), format!("peer{k}"), timestamp_text(bench_now())],
                )?;
            }
            for back in 0..DAYS {
                let d = today - Days::new(back);
                let post = tx.new_id();
                tx.execute(
                    "INSERT INTO posts(id, user_id, content, visibility, created_at, updated_at) VALUES (?1, ?2, 'Studied', 'public', ?3, ?3)",
                    params![post, u, at(d, 20 * 60)],
                )?;
                for j in 0..10u64 {
                    let who = format!("01930000-0000-7000-a000-{:012x}", (back + j * 5) % OTHERS as u64);
                    tx.execute(
                        "INSERT OR IGNORE INTO post_likes(id, post_id, user_id, created_at) VALUES (?1, ?2, ?3, ?4)",
                        params![tx.new_id(), post, who, at(d, 20 * 60 + 30 * j as i64 + 5)],
                    )?;
                    if j < 2 {
                        tx.execute(
                            "INSERT INTO post_comments(id, post_id, author_id, body, created_at, updated_at) VALUES (?1, ?2, ?3, 'Nice', ?4, ?4)",
                            params![tx.new_id(), post, who, at(d, 21 * 60 + j as i64)],
                        )?;
                    }
                }
            }
            Ok(())
        })
        .unwrap();
    sd.db().read(|c| Ok(c.execute_batch("PRAGMA optimize")?)).unwrap();
    eprintln!("insights: ten years of sessions, favorites, reminders and posts added in {:.1} s", started.elapsed().as_secs_f64());
}

fn query(metric: MetricId, grain: Grain, from: NaiveDate, to: NaiveDate) -> MetricQuery {
    MetricQuery { metric, grain, from, to, time_zone: None, filters: MetricFilters::default() }
}

pub fn benches(c: &mut Criterion, template: &Path) {
    let dir = crate::copy_of(template);
    let sd = Studydesk::open(dir.path(), manual_clock()).unwrap();
    add_ten_years_of_everything_else(&sd);
    let user = sd.user_id().to_string();
    let now = sd.db().now();
    let today = time::local_date(now, time::parse_tz(TZ).unwrap());
    let from = today - Days::new(DAYS - 1);
    let course = sd.db().read(|c| Ok(c.query_row("SELECT id FROM courses ORDER BY id LIMIT 1", [], |r| r.get::<_, String>(0))?)).unwrap();

    use Grain::*;
    use MetricId::*;
    let mut cases: Vec<(String, MetricQuery)> = vec![
        ("minutes_studied_day".into(), query(MinutesStudied, Day, from, today)),
        ("minutes_studied_week".into(), query(MinutesStudied, Week, from, today)),
        ("minutes_studied_course".into(), query(MinutesStudied, Course, from, today)),
        ("minutes_studied_activity".into(), query(MinutesStudied, Activity, from, today)),
        ("sessions_completed_month".into(), query(SessionsCompleted, Month, from, today)),
        ("pomodoro_cycles_day".into(), query(PomodoroCycles, Day, from, today)),
        ("pomodoro_cycles_course".into(), query(PomodoroCycles, Course, from, today)),
        ("study_days_week".into(), query(StudyDays, Week, from, today)),
        ("streak".into(), query(Streak, Total, from, today)),
        ("tasks_completed_day".into(), query(TasksCompleted, Day, from, today)),
        ("tasks_overdue_day".into(), query(TasksOverdue, Day, from, today)),
        ("assignments_status".into(), query(Assignments, Status, from, today)),
        ("assignments_course".into(), query(Assignments, Course, from, today)),
        ("favorite_activities_activity".into(), query(FavoriteActivities, Activity, from, today)),
        ("reminder_delivery_day".into(), query(ReminderDelivery, Day, from, today)),
        ("feed_engagement_day".into(), query(FeedEngagement, Day, from, today)),
        ("likes_received_day".into(), query(LikesReceived, Day, from, today)),
        ("comments_received_day".into(), query(CommentsReceived, Day, from, today)),
        ("posts_written_day".into(), query(PostsWritten, Day, from, today)),
    ];
    let mut one_course = query(MinutesStudied, Day, from, today);
    one_course.filters.course_id = Some(course);
    cases.push(("minutes_studied_day_one_course".into(), one_course));

    for (name, q) in &cases {
        let t = sd.db().read(|c| metrics::run(c, &user, q, now)).unwrap();
        eprintln!("insights/metric_{name}: {} rows", t.rows.len());
    }
    let mut g = c.benchmark_group("insights");
    for (name, q) in &cases {
        g.bench_function(BenchmarkId::from_parameter(format!("metric_{name}")), |b| {
            b.iter(|| black_box(sd.db().read(|c| metrics::run(c, &user, q, now)).unwrap()))
        });
    }
    // Metric cards: ten years and the ten years before, and the sparkline.
    for (name, q) in [("minutes_studied", query(MinutesStudied, Total, from, today)), ("streak", query(Streak, Total, from, today))] {
        g.bench_function(BenchmarkId::from_parameter(format!("metric_value_{name}")), |b| {
            b.iter(|| black_box(sd.db().read(|c| metrics::value(c, &user, &q, now)).unwrap()))
        });
    }
    // A dashboard of 12 widgets over the whole ten years, opened as the page opens it: the
    // dashboard, then every widget's data through the facade (metrics on the sandbox's
    // read-only connections), one after the other (the page asks for them at once and the
    // two read-only connections answer two at a time, so this is an upper bound).
    let board = twelve_widget_dashboard(&sd, from, today);
    if let Some(keep) = std::env::var_os("STUDYDESK_BENCH_KEEP") {
        keep_data_folder(&sd, Path::new(&keep));
    }
    g.bench_function("dashboard_open_twelve_widgets_ten_years", |b| {
        b.iter(|| {
            let view = sd.dashboard_get(&board).unwrap();
            for w in &view.widgets {
                black_box(sd.insights_widget_data(&w.row.id, 1_000i64).unwrap());
            }
        })
    });
    g.finish();
}

/// `STUDYDESK_BENCH_KEEP=DIR`: this data (ten years, the 12-widget dashboard) kept as a
/// data folder, with the time it was made at in `clock-from.txt`, for measuring the app
/// itself on it (`scripts/bench-insights.sh`).
fn keep_data_folder(sd: &Studydesk, dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let db = dir.join("studydesk.db");
    for f in ["studydesk.db", "studydesk.db-wal", "studydesk.db-shm"] {
        let _ = std::fs::remove_file(dir.join(f));
    }
    sd.db().read(|c| Ok(c.execute("VACUUM INTO ?1", [db.to_string_lossy()])?)).unwrap();
    std::fs::write(dir.join("clock-from.txt"), bench_now().to_rfc3339()).unwrap();
    eprintln!("insights: the data folder is kept in {}", dir.display());
}

/// My study (8 widgets) plus 4 more metric widgets, its range set to the ten years.
fn twelve_widget_dashboard(sd: &Studydesk, from: NaiveDate, to: NaiveDate) -> String {
    use studydesk_core::insights::dashboards::{DashboardEdit, DateRange, InsightsLayout, RangePreset};
    use studydesk_core::insights::rows::WidgetType;
    use studydesk_core::insights::widgets::{WidgetConfig, WidgetDraft, WidgetSource};
    let id = sd.dashboards_list().unwrap().into_iter().find(|d| d.row.name == "My study").unwrap().row.id;
    let range = DateRange { preset: RangePreset::Custom, from: Some(from.to_string()), to: Some(to.to_string()) };
    sd.dashboard_update(&id, DashboardEdit { layout: Some(InsightsLayout { range, ..Default::default() }), ..Default::default() }).unwrap();
    for (kind, metric, grain) in [
        (WidgetType::BarChart, "minutes_studied", "course"),
        (WidgetType::LineChart, "pomodoro_cycles", "week"),
        (WidgetType::PieChart, "assignments", "course"),
        (WidgetType::LineChart, "feed_engagement", "day"),
    ] {
        let source = WidgetSource::Metric { metric: metric.into(), grain: grain.into(), course_id: None, activity_id: None };
        let draft = WidgetDraft { kind, config: WidgetConfig { title: metric.into(), source, ..Default::default() }, query: None, data_source_id: None, position: None };
        sd.insights_widget_add(&id, draft).unwrap();
    }
    let view = sd.dashboard_get(&id).unwrap();
    assert_eq!(view.widgets.len(), 12);
    let started = Instant::now();
    for w in &view.widgets {
        let data = sd.insights_widget_data(&w.row.id, 1_000i64).unwrap();
        eprintln!("insights/dashboard: {} ({}): {} rows", w.config.title, w.row.r#type.as_str(), data.table.rows.len());
    }
    eprintln!("insights/dashboard: 12 widgets read once in {:.1} ms", started.elapsed().as_secs_f64() * 1000.0);
    id
}
