//! Progress rings (study minutes and tasks against the user's targets), the year heatmap
//! per local day and streaks with the rest-day allowance (docs/focus.md).
//!
//! Completed sessions are written here the way the sessions service writes them: a row
//! with status `completed`, `total_duration` in seconds and `local_date` = the user's
//! local date at the start, then `progress::refresh` in the same transaction.

mod common;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use common::Fixture;
use studydesk_core::account::settings::SettingsPatch;
use studydesk_core::db::{timestamp_text, WriteCtx};
use studydesk_core::focus::{progress, stats};
use studydesk_core::focus::settings::FocusSettings;
use studydesk_core::planner::tasks::NewTask;

/// A completed session of `minutes` that started at `start` (local date in the user's
/// time zone at that instant, as the sessions service records it).
fn session_at(f: &Fixture, start: DateTime<Utc>, seconds: i64, status: &str) {
    let user = f.app.user_id().to_string();
    let tz = f.app.state().unwrap().settings.timezone.parse::<chrono_tz::Tz>().unwrap();
    let local = start.with_timezone(&tz).date_naive().to_string();
    f.app
        .db()
        .write(WriteCtx::by(&user, "test.session"), |tx| {
            tx.execute(
                "INSERT INTO idle_sessions(id, user_id, status, start_time, end_time, total_duration, local_date, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?4, ?5)",
                rusqlite::params![
                    tx.new_id(),
                    user,
                    status,
                    timestamp_text(start),
                    timestamp_text(start + Duration::seconds(seconds)),
                    seconds,
                    local
                ],
            )?;
            progress::refresh(tx, &user)
        })
        .unwrap();
}

/// A completed session of `minutes` that started now.
fn study(f: &Fixture, minutes: i64) {
    session_at(f, f.app.db().now(), minutes * 60, "completed");
}

fn task(f: &Fixture, text: &str) -> String {
    f.app.task_add(NewTask { description: text.into(), ..Default::default() }).unwrap().id
}

fn rings(f: &Fixture) -> [i64; 4] {
    let r = f.app.home().unwrap().progress;
    [r.day.value, r.week.value, r.month.value, r.year.value]
}

fn targets(f: &Fixture, daily_minutes: i64, weekly_hours: i64, rest: i64) {
    f.app
        .focus_settings_update(FocusSettings {
            daily_target_minutes: daily_minutes,
            weekly_target_hours: weekly_hours,
            rest_days_per_week: rest,
            idle_threshold_minutes: 5,
        })
        .unwrap();
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// 10:00 in Tokyo on `day`.
fn tokyo_morning(day: &str) -> DateTime<Utc> {
    let d = date(day);
    Utc.from_utc_datetime(&d.and_hms_opt(1, 0, 0).unwrap())
}

#[test]
fn rings_measure_study_minutes_and_tasks_against_the_targets() {
    // Sunday 2026-11-22 10:00 Tokyo; defaults: 120 min a day, 10 h a week.
    let f = common::open();
    assert_eq!(f.app.focus_settings_get().unwrap(), FocusSettings::default());
    assert_eq!(rings(&f), [0, 0, 0, 0]);

    study(&f, 60);
    // No task planned: minutes alone. 60/120 = 50 %, 60/600 = 10 %.
    assert_eq!(rings(&f), [50, 10, 50, 50]);

    let a = task(&f, "Read chapter 5");
    task(&f, "Exercises 1-10");
    f.app.task_set_completed(&a, true).unwrap();
    // Day: mean(50 % minutes, 50 % todo) = 50; week: mean(10 %, 50 %) = 30.
    assert_eq!(rings(&f), [50, 30, 50, 50]);

    study(&f, 30);
    // 90/120 = 75 % -> mean(75, 50) = 63 (62.5 rounded up); 90/600 = 15 % -> mean(15, 50) = 33.
    assert_eq!(rings(&f)[..2], [63, 33]);

    // Changing the targets recomputes today's snapshots at once.
    targets(&f, 90, 1, 1);
    assert_eq!(rings(&f), [75, 75, 75, 75], "90/90 min and 90/60 min (capped) blended with 50 % of the todo");
    targets(&f, 180, 10, 1);
    assert_eq!(rings(&f)[..2], [50, 33], "mean(50, 50) and mean(15, 50)");

    // Targets are validated.
    let err = f
        .app
        .focus_settings_update(FocusSettings { daily_target_minutes: 0, ..FocusSettings::default() })
        .unwrap_err();
    assert_eq!(err.kind(), "validation");
    assert!(err.to_string().contains("daily_target_minutes"), "{err}");
    assert_eq!(f.app.focus_settings_get().unwrap().daily_target_minutes, 180);
}

#[test]
fn month_and_year_are_the_mean_of_the_days_so_far_with_idle_days_at_zero() {
    let f = common::open();
    targets(&f, 60, 10, 1);
    study(&f, 60); // Sun 22: 100 %
    f.clock.advance(Duration::days(1)); // Mon 23: nothing (no snapshot)
    f.clock.advance(Duration::days(1)); // Tue 24: 30 min = 50 %
    study(&f, 30);
    let [day, week, month, year] = rings(&f);
    assert_eq!(day, 50);
    assert_eq!(week, 5, "a new week started on Monday: 30 of 600 minutes");
    assert_eq!(month, 50, "(100 + 0 + 50) / 3 days, counted from the first day with a snapshot");
    assert_eq!(year, 50);

    // A new day without any write: the day ring is empty, not yesterday's.
    f.clock.advance(Duration::days(1));
    assert_eq!(rings(&f)[0], 0);
}

#[test]
fn abandoned_and_running_sessions_do_not_count() {
    let f = common::open();
    let now = f.app.db().now();
    session_at(&f, now, 3600, "abandoned");
    session_at(&f, now, 3600, "active");
    assert_eq!(rings(&f)[0], 0);
    let stats = f.app.focus_stats().unwrap();
    assert_eq!((stats.today_minutes, stats.days.len(), stats.current_streak), (0, 0, 0));
}

#[test]
fn the_heatmap_sums_minutes_per_local_day_in_the_users_time_zone() {
    // Now: 2026-11-22 01:00 UTC = 10:00 Tokyo (Sunday) = 17:00 on the 21st in Los Angeles.
    let f = common::open();
    // 23:30 Tokyo on the 21st = 14:30 UTC on the 21st: local date 2026-11-21 in Tokyo.
    session_at(&f, Utc.with_ymd_and_hms(2026, 11, 21, 14, 30, 0).unwrap(), 25 * 60, "completed");
    // 00:30 Tokyo on the 22nd = 15:30 UTC on the 21st: local date 2026-11-22 in Tokyo.
    session_at(&f, Utc.with_ymd_and_hms(2026, 11, 21, 15, 30, 0).unwrap(), 50 * 60, "completed");
    session_at(&f, Utc.with_ymd_and_hms(2026, 11, 22, 0, 0, 0).unwrap(), 10 * 60 + 29, "completed");
    // Under half a minute rounds to no minute: not a study day.
    session_at(&f, tokyo_morning("2026-11-10"), 29, "completed");
    // 31 s rounds up to one minute.
    session_at(&f, tokyo_morning("2026-11-11"), 31, "completed");
    // The first day of the window and the day before it.
    session_at(&f, tokyo_morning("2025-11-23"), 45 * 60, "completed");
    session_at(&f, tokyo_morning("2025-11-22"), 45 * 60, "completed");

    let stats = f.app.focus_stats().unwrap();
    assert_eq!((stats.from.as_str(), stats.to.as_str()), ("2025-11-23", "2026-11-22"), "the last 365 days");
    let days: Vec<(&str, i64)> = stats.days.iter().map(|d| (d.date.as_str(), d.minutes)).collect();
    assert_eq!(days, [("2025-11-23", 45), ("2026-11-11", 1), ("2026-11-21", 25), ("2026-11-22", 60)]);
    assert_eq!(stats.today_minutes, 60, "50 min + 10.5 min, summed in seconds then rounded");
    assert_eq!(stats.week_minutes, 25 + 60, "Monday 16th to Sunday 22nd");
    assert_eq!(stats.year_minutes, 45 + 1 + 25 + 60);
    assert_eq!(stats.settings, FocusSettings::default());
    assert_eq!((stats.current_streak, stats.longest_streak), (2, 2));

    // In Los Angeles it is still the 21st: today is the 21st and the 22nd's minutes
    // (stored with the local date at their start) are in the future, so not shown.
    f.app.settings_update(SettingsPatch { timezone: Some("America/Los_Angeles".into()), ..Default::default() }).unwrap();
    let stats = f.app.focus_stats().unwrap();
    assert_eq!((stats.from.as_str(), stats.to.as_str()), ("2025-11-22", "2026-11-21"));
    assert_eq!(stats.today_minutes, 25);
    assert_eq!(stats.days.first().map(|d| d.date.as_str()), Some("2025-11-22"));
    assert_eq!(stats.days.last().map(|d| d.date.as_str()), Some("2026-11-21"));
}

#[test]
fn other_users_sessions_are_not_counted() {
    let f = common::open();
    let other = "0193a1b2-0000-7000-8000-0000000000aa";
    f.app
        .db()
        .write(WriteCtx::system("test.other_user"), |tx| {
            tx.execute(
                "INSERT INTO users(id, display_name, status, joined_at, created_at, updated_at)
                 VALUES (?1, 'Other', 'active', '2026-01-01', ?2, ?2)",
                rusqlite::params![other, tx.now_text()],
            )?;
            tx.execute(
                "INSERT INTO idle_sessions(id, user_id, status, start_time, total_duration, local_date, created_at, updated_at)
                 VALUES (?1, ?2, 'completed', ?3, 7200, '2026-11-22', ?3, ?3)",
                rusqlite::params![tx.new_id(), other, tx.now_text()],
            )?;
            Ok(())
        })
        .unwrap();
    study(&f, 12);
    let stats = f.app.focus_stats().unwrap();
    assert_eq!(stats.today_minutes, 12);
    assert_eq!(rings(&f)[0], 10);
}

/// Study days from a compact calendar: `x` studied, `.` not, from `first`.
fn study_calendar(f: &Fixture, first: &str, pattern: &str) {
    let first = date(first);
    for (i, c) in pattern.chars().enumerate() {
        if c == 'x' {
            let day = first + chrono::Days::new(i as u64);
            session_at(f, tokyo_morning(&day.to_string()), 30 * 60, "completed");
        }
    }
}

fn streaks(f: &Fixture) -> (i64, i64) {
    let s = f.app.focus_stats().unwrap();
    (s.current_streak, s.longest_streak)
}

#[test]
fn streaks_allow_rest_days_per_calendar_week() {
    // Today: Sunday 2026-11-22. Weeks start on Mondays: Oct 26, Nov 2, 9, 16.
    // No rest day allowed: Wed 11 breaks a run of 16 (Oct 26 - Nov 10); Nov 12-22 is 11.
    let f = common::open();
    targets(&f, 120, 10, 0);
    study_calendar(&f, "2026-10-26", &format!("{}.{}", "x".repeat(16), "x".repeat(11)));
    assert_eq!(streaks(&f), (11, 16));
    // One rest day a week: Wed 11 is that week's rest day, nothing breaks; it adds nothing.
    targets(&f, 120, 10, 1);
    assert_eq!(streaks(&f), (27, 27));

    // One a week: Tue 3 and Fri 13 are rest days in two different weeks.
    let f = common::open();
    targets(&f, 120, 10, 1);
    study_calendar(&f, "2026-11-02", "x.xxxxxxxxx.xxxxxxxxx");
    assert_eq!(streaks(&f), (19, 19), "rest days do not add to the streak");

    // Two days off in the week of the 9th (Wed 11, Fri 13) with one allowed: Fri breaks.
    let f = common::open();
    targets(&f, 120, 10, 1);
    study_calendar(&f, "2026-11-09", "xx.x.xxxxxxxx"); // 9 .. 21; today (22nd) not yet
    assert_eq!(streaks(&f), (8, 8), "9, 10, 12 then broken; 14 to 21");
    targets(&f, 120, 10, 2);
    assert_eq!(streaks(&f), (11, 11), "two allowed: one streak of 11 study days");
    targets(&f, 120, 10, 0);
    assert_eq!(streaks(&f), (8, 8));
}

#[test]
fn today_not_studied_yet_keeps_the_current_streak() {
    let f = common::open();
    targets(&f, 120, 10, 0);
    // Studied the 19th, 20th, 21st; today (Sunday 22nd) not yet.
    study_calendar(&f, "2026-11-19", "xxx");
    assert_eq!(streaks(&f), (3, 3));
    study(&f, 1);
    assert_eq!(streaks(&f), (4, 4));
    // Monday without study yet: still 4. Tuesday without Monday: broken (no rest days).
    f.clock.advance(Duration::days(1));
    assert_eq!(streaks(&f), (4, 4));
    f.clock.advance(Duration::days(1));
    assert_eq!(streaks(&f), (0, 4));
    // With one rest day a week, Monday was a rest day: the streak is back, and Tuesday is pending.
    targets(&f, 120, 10, 1);
    assert_eq!(streaks(&f), (4, 4));
    // Wednesday: Tuesday was a second day off in the same week.
    f.clock.advance(Duration::days(1));
    assert_eq!(streaks(&f), (0, 4), "Monday and Tuesday are two days off in one week");
}

#[test]
fn no_sessions_means_no_streak_and_an_empty_heatmap() {
    let f = common::open();
    let s = f.app.focus_stats().unwrap();
    assert!(s.days.is_empty());
    assert_eq!((s.today_minutes, s.week_minutes, s.year_minutes, s.current_streak, s.longest_streak), (0, 0, 0, 0, 0));
}

#[test]
fn minutes_per_day_are_read_from_the_covering_index() {
    let f = common::open();
    let plan: Vec<String> = f
        .app
        .db()
        .read(|c| {
            let mut stmt = c.prepare(&format!("EXPLAIN QUERY PLAN {}", stats::SECONDS_BY_DAY_SQL))?;
            let rows = stmt.query_map([f.app.user_id()], |r| r.get::<_, String>(3))?.collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .unwrap();
    let plan = plan.join(" | ");
    assert!(plan.contains("COVERING INDEX idx_idle_sessions_completed_by_day"), "{plan}");
    assert!(!plan.contains("TEMP B-TREE"), "grouped in index order, no sort: {plan}");
}

#[test]
fn a_real_session_moves_the_rings_and_the_heatmap() {
    use studydesk_core::focus::sessions::NewSession;
    use studydesk_core::focus::timer::SessionConfig;
    let f = common::open();
    f.app.session_start(NewSession { config: Some(SessionConfig::default()), ..Default::default() }).unwrap();
    f.clock.advance(Duration::minutes(45));
    f.app.session_complete().unwrap();
    let stats = f.app.focus_stats().unwrap();
    assert_eq!(stats.today_minutes, 45);
    assert_eq!(stats.days.len(), 1);
    assert_eq!((stats.current_streak, stats.longest_streak), (1, 1));
    assert_eq!(rings(&f)[0], 38, "45 of 120 minutes, no task planned (37.5 rounded)");
}
