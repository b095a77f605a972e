//! Built-in study metrics (issue 15 item 3) over known data written through the app's own
//! services (focus sessions timed by the clock, tasks, assignments, favorites, reminders
//! delivered and snoozed, posts with others' likes and comments), on a real database
//! file: exact numbers per local day, week, month, course, activity and status; a time
//! zone whose days are not UTC's and both DST changes; zero-filled periods; the previous
//! period's change; the streak; and the refusals.

mod common;

use chrono::{DateTime, NaiveDate, Utc};
use common::Fixture;
use studydesk_core::focus::sessions::NewSession;
use studydesk_core::focus::settings::FocusSettings;
use studydesk_core::focus::timer::{PomodoroConfig, SessionConfig};
use studydesk_core::insights::metrics::{self, Grain, MetricFilters, MetricId, MetricQuery, MetricValue};
use studydesk_core::insights::table::{Cell, ColumnKind, Table};
use studydesk_core::planner::assignments::NewAssignment;
use studydesk_core::planner::calendar::delivery;
use studydesk_core::planner::item_reminders::ItemRef;
use studydesk_core::planner::reminder_defs::NewReminder;
use studydesk_core::planner::tasks::NewTask;
use studydesk_core::social::posts::{self, PostDraft};
use studydesk_core::db::WriteCtx;

const POMODORO: &str = "01930000-0000-7000-8000-000000000001";
const DEEP_WORK: &str = "01930000-0000-7000-8000-000000000002";
const FLASHCARDS: &str = "01930000-0000-7000-8000-000000000003";
const READING: &str = "01930000-0000-7000-8000-000000000005";
const LECTURE: &str = "01930000-0000-7000-8000-000000000006";

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn q(metric: MetricId, grain: Grain, from: &str, to: &str) -> MetricQuery {
    MetricQuery { metric, grain, from: d(from), to: d(to), time_zone: None, filters: MetricFilters::default() }
}

fn run(f: &Fixture, query: &MetricQuery) -> studydesk_core::Result<Table> {
    let me = f.app.user_id().to_string();
    let now = f.app.db().now();
    f.app.db().read(|c| metrics::run(c, &me, query, now))
}

fn value(f: &Fixture, query: &MetricQuery) -> studydesk_core::Result<MetricValue> {
    let me = f.app.user_id().to_string();
    let now = f.app.db().now();
    f.app.db().read(|c| metrics::value(c, &me, query, now))
}

fn text(c: &Cell) -> String {
    match c {
        Cell::Text(t) => t.clone(),
        Cell::Null => "NULL".into(),
        other => format!("{other:?}"),
    }
}

fn int(c: &Cell) -> i64 {
    match c {
        Cell::Integer(i) => *i,
        other => panic!("not an integer: {other:?}"),
    }
}

/// `(label, first value)` of each row.
fn pairs(t: &Table) -> Vec<(String, i64)> {
    t.rows.iter().map(|r| (text(&r[0]), int(&r[1]))).collect()
}

/// The first value column of each row (a time series).
fn values(t: &Table) -> Vec<i64> {
    t.rows.iter().map(|r| int(&r[1])).collect()
}

/// The one row of a `total` table.
fn total(f: &Fixture, metric: MetricId, from: &str, to: &str) -> Vec<i64> {
    let t = run(f, &q(metric, Grain::Total, from, to)).unwrap();
    assert_eq!(t.rows.len(), 1);
    t.rows[0].iter().map(int).collect()
}

/// A session started at `start` and completed `seconds` later, through the sessions service.
fn study(f: &Fixture, start: &str, seconds: i64, input: NewSession) {
    f.clock.set(at(start));
    f.app.session_start(input).unwrap();
    f.clock.set(at(start) + chrono::Duration::seconds(seconds));
    f.app.session_complete().unwrap();
}

fn pomodoro(work_minutes: i64) -> SessionConfig {
    SessionConfig { planned_minutes: None, pomodoro: Some(PomodoroConfig { work_minutes, ..Default::default() }) }
}

fn refusal(r: studydesk_core::Result<impl std::fmt::Debug>) -> String {
    let e = r.unwrap_err();
    assert_eq!(e.kind(), "validation", "{e}");
    e.to_string()
}

#[test]
fn focus_minutes_sessions_and_cycles_count_per_tokyo_day_course_and_activity() {
    let f = common::open(); // Asia/Tokyo
    let chem = f.app.course_add("Chemistry", None::<String>).unwrap();
    // Mon 16 23:30 UTC is Tue 17 08:30 in Tokyo: the session counts on the 17th.
    study(&f, "2026-11-16T23:30:00Z", 50 * 60, NewSession { course_id: Some(chem.id.clone()), ..Default::default() });
    // An hour of pomodoro 25/5 on Wed 18: two full work phases, 50 minutes of focus.
    study(&f, "2026-11-18T01:00:00Z", 60 * 60, NewSession { activity_id: Some(POMODORO.into()), config: Some(pomodoro(25)), ..Default::default() });
    // Abandoned: never counts.
    f.clock.set(at("2026-11-19T01:00:00Z"));
    f.app.session_start(NewSession::default()).unwrap();
    f.clock.set(at("2026-11-19T01:40:00Z"));
    f.app.session_abandon().unwrap();
    // Fri 20: 10 min 29 s is 10 minutes.
    study(&f, "2026-11-20T03:00:00Z", 629, NewSession::default());

    let t = run(&f, &q(MetricId::MinutesStudied, Grain::Day, "2026-11-16", "2026-11-22")).unwrap();
    assert_eq!(t.columns[0].name, "day");
    assert_eq!(t.columns[0].kind, ColumnKind::Date);
    assert_eq!(t.columns[1].unit.as_deref(), Some("minutes"));
    assert_eq!(
        pairs(&t),
        vec![
            ("2026-11-16".into(), 0),
            ("2026-11-17".into(), 50),
            ("2026-11-18".into(), 50),
            ("2026-11-19".into(), 0),
            ("2026-11-20".into(), 10),
            ("2026-11-21".into(), 0),
            ("2026-11-22".into(), 0)
        ],
        "every day of the range, zeros included"
    );
    // Weeks start on Monday; the first is cut by the range (from Wednesday the 4th).
    let weeks = run(&f, &q(MetricId::MinutesStudied, Grain::Week, "2026-11-04", "2026-11-22")).unwrap();
    assert_eq!(pairs(&weeks), vec![("2026-11-02".into(), 0), ("2026-11-09".into(), 0), ("2026-11-16".into(), 110)]);
    let months = run(&f, &q(MetricId::MinutesStudied, Grain::Month, "2026-10-15", "2026-11-22")).unwrap();
    assert_eq!(pairs(&months), vec![("2026-10-01".into(), 0), ("2026-11-01".into(), 110)]);
    assert_eq!(total(&f, MetricId::MinutesStudied, "2026-11-16", "2026-11-22"), vec![110]);
    assert_eq!(total(&f, MetricId::MinutesStudied, "2026-11-18", "2026-11-18"), vec![50]);
    assert_eq!(total(&f, MetricId::SessionsCompleted, "2026-11-16", "2026-11-22"), vec![3]);
    assert_eq!(total(&f, MetricId::PomodoroCycles, "2026-11-16", "2026-11-22"), vec![2]);

    let by_course = run(&f, &q(MetricId::SessionsCompleted, Grain::Course, "2026-11-16", "2026-11-22")).unwrap();
    assert_eq!(by_course.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["course", "sessions", "course_id"]);
    assert_eq!(pairs(&by_course), vec![("No course".into(), 2), ("Chemistry".into(), 1)]);
    assert_eq!(by_course.rows[0][2], Cell::Null);
    assert_eq!(by_course.rows[1][2], Cell::Text(chem.id.clone()));
    let by_activity = run(&f, &q(MetricId::MinutesStudied, Grain::Activity, "2026-11-16", "2026-11-22")).unwrap();
    assert_eq!(pairs(&by_activity), vec![("No activity".into(), 60), ("Pomodoro 25/5".into(), 50)]);
    let cycles = run(&f, &q(MetricId::PomodoroCycles, Grain::Activity, "2026-11-16", "2026-11-22")).unwrap();
    assert_eq!(pairs(&cycles), vec![("Pomodoro 25/5".into(), 2)]);

    let mut only_chem = q(MetricId::MinutesStudied, Grain::Total, "2026-11-16", "2026-11-22");
    only_chem.filters.course_id = Some(chem.id.clone());
    assert_eq!(int(&run(&f, &only_chem).unwrap().rows[0][0]), 50);
    let mut only_pomodoro = q(MetricId::MinutesStudied, Grain::Day, "2026-11-16", "2026-11-22");
    only_pomodoro.filters.activity_id = Some(POMODORO.into());
    assert_eq!(values(&run(&f, &only_pomodoro).unwrap()), vec![0, 0, 50, 0, 0, 0, 0]);
}

#[test]
fn a_metric_card_compares_with_the_period_before_and_draws_a_sparkline() {
    let f = common::open();
    study(&f, "2026-11-10T01:00:00Z", 44 * 60, NewSession::default()); // the week before
    study(&f, "2026-11-17T01:00:00Z", 50 * 60, NewSession::default());
    study(&f, "2026-11-18T01:00:00Z", 50 * 60, NewSession::default());
    study(&f, "2026-11-20T01:00:00Z", 10 * 60, NewSession::default());
    f.clock.set(at("2026-11-22T03:00:00Z"));
    let v = value(&f, &q(MetricId::MinutesStudied, Grain::Total, "2026-11-16", "2026-11-22")).unwrap();
    assert_eq!(v.value, 110.0);
    assert_eq!(v.previous, Some(44.0));
    assert_eq!(v.change_percent, Some(150.0));
    assert_eq!(v.sparkline, vec![0.0, 50.0, 50.0, 0.0, 10.0, 0.0, 0.0]);
    assert_eq!(v.sparkline_grain, Grain::Day);
    assert_eq!(v.unit, "minutes");
    // Nothing before: no change to speak of.
    let v = value(&f, &q(MetricId::SessionsCompleted, Grain::Total, "2026-11-09", "2026-11-22")).unwrap();
    assert_eq!((v.value, v.previous, v.change_percent), (4.0, Some(0.0), None));
    // A long range draws a point per week (Mondays), then per month.
    let v = value(&f, &q(MetricId::MinutesStudied, Grain::Total, "2026-06-01", "2026-11-22")).unwrap();
    assert_eq!(v.sparkline_grain, Grain::Week);
    assert_eq!(v.sparkline.len(), 25);
    assert_eq!(v.sparkline[v.sparkline.len() - 2..], [44.0, 110.0]);
    let v = value(&f, &q(MetricId::MinutesStudied, Grain::Total, "2020-01-01", "2026-11-22")).unwrap();
    assert_eq!(v.sparkline_grain, Grain::Month);
    assert_eq!(v.sparkline.len(), 7 * 12 - 1);
    assert_eq!(v.sparkline.last(), Some(&154.0));
}

#[test]
fn the_streak_counts_study_days_in_a_row_as_the_focus_page_does() {
    let f = common::open();
    // Tokyo 10:00 on Nov 2, 3, 4, 6, 7, 8, 9, 20, 21; not today (Sun 22).
    for day in ["02", "03", "04", "06", "07", "08", "09", "20", "21"] {
        study(&f, &format!("2026-11-{day}T01:00:00Z"), 30 * 60, NewSession::default());
    }
    f.clock.set(at("2026-11-22T03:00:00Z"));
    let streak = |from: &str, to: &str| total(&f, MetricId::Streak, from, to);
    // The default allows one rest day a week: Thu 5 is one, Tue 10 another, Wed 11 breaks.
    assert_eq!(streak("2026-11-01", "2026-11-22"), vec![2, 7], "today not studied yet keeps the streak");
    f.app
        .focus_settings_update(FocusSettings { daily_target_minutes: 120, weekly_target_hours: 10, rest_days_per_week: 0, idle_threshold_minutes: 5 })
        .unwrap();
    assert_eq!(streak("2026-11-01", "2026-11-22"), vec![2, 4]);
    assert_eq!(streak("2026-11-01", "2026-11-09"), vec![4, 4], "as of the range's end");
    assert_eq!(streak("2026-11-01", "2026-11-04"), vec![3, 3]);
    assert_eq!(streak("2026-11-20", "2026-12-31"), vec![2, 4], "a range past today ends today");
    let t = run(&f, &q(MetricId::Streak, Grain::Total, "2026-11-01", "2026-11-22")).unwrap();
    assert_eq!(t.columns.iter().map(|c| (c.name.as_str(), c.unit.as_deref())).collect::<Vec<_>>(), [("current_streak", Some("days")), ("longest_streak", Some("days"))]);

    let v = value(&f, &q(MetricId::Streak, Grain::Total, "2026-11-16", "2026-11-22")).unwrap();
    assert_eq!((v.value, v.previous, v.change_percent), (2.0, Some(0.0), None));
    assert_eq!(v.sparkline, vec![0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 2.0]);
    let v = value(&f, &q(MetricId::Streak, Grain::Total, "2026-11-10", "2026-11-22")).unwrap();
    assert_eq!((v.value, v.previous), (2.0, Some(4.0)), "the previous range ended on the 9th");
    assert_eq!(v.change_percent, Some(-50.0));

    let weeks = run(&f, &q(MetricId::StudyDays, Grain::Week, "2026-11-02", "2026-11-22")).unwrap();
    assert_eq!(values(&weeks), vec![6, 1, 2]);
}

#[test]
fn tasks_count_on_their_local_day_across_both_dst_changes() {
    let f = common::open();
    common::tz(&f, "America/New_York");
    let done_at = |text: &str, when: &str| {
        f.clock.set(at("2026-01-01T00:00:00Z"));
        let t = f.app.task_add(NewTask { description: text.into(), ..Default::default() }).unwrap();
        f.clock.set(at(when));
        f.app.task_set_completed(&t.id, true).unwrap();
    };
    // Autumn: New York falls back on Sun 1 November (a 25-hour day).
    done_at("a", "2026-10-31T03:30:00Z"); // Fri 30 Oct 23:30 EDT
    done_at("b", "2026-11-01T04:30:00Z"); // Sun 1 Nov 00:30 EDT
    done_at("c", "2026-11-02T04:30:00Z"); // Sun 1 Nov 23:30 EST (the UTC date is the 2nd)
    done_at("d", "2026-11-02T05:30:00Z"); // Mon 2 Nov 00:30 EST
    // Spring: it springs forward on Sun 8 March (a 23-hour day).
    done_at("e", "2026-03-08T04:59:00Z"); // Sat 7 Mar 23:59 EST
    done_at("f", "2026-03-08T05:00:00Z"); // Sun 8 Mar 00:00 EST
    done_at("g", "2026-03-09T03:59:00Z"); // Sun 8 Mar 23:59 EDT
    let undone = f.app.task_add(NewTask { description: "undone".into(), ..Default::default() }).unwrap();
    f.app.task_set_completed(&undone.id, true).unwrap();
    f.app.task_set_completed(&undone.id, false).unwrap();

    let days = |from: &str, to: &str, zone: Option<&str>| {
        let mut query = q(MetricId::TasksCompleted, Grain::Day, from, to);
        query.time_zone = zone.map(str::to_string);
        pairs(&run(&f, &query).unwrap())
    };
    let ny = days("2026-10-30", "2026-11-03", None);
    assert_eq!(
        ny,
        vec![("2026-10-30".into(), 1), ("2026-10-31".into(), 0), ("2026-11-01".into(), 2), ("2026-11-02".into(), 1), ("2026-11-03".into(), 0)]
    );
    let utc = days("2026-10-30", "2026-11-03", Some("UTC"));
    assert_eq!(
        utc,
        vec![("2026-10-30".into(), 0), ("2026-10-31".into(), 1), ("2026-11-01".into(), 1), ("2026-11-02".into(), 2), ("2026-11-03".into(), 0)]
    );
    assert_eq!(days("2026-03-07", "2026-03-09", None), vec![("2026-03-07".into(), 1), ("2026-03-08".into(), 2), ("2026-03-09".into(), 0)]);
    let weeks = run(&f, &q(MetricId::TasksCompleted, Grain::Week, "2026-10-26", "2026-11-08")).unwrap();
    assert_eq!(pairs(&weeks), vec![("2026-10-26".into(), 3), ("2026-11-02".into(), 1)], "Sunday the 1st ends the week of the 26th");
    assert_eq!(total(&f, MetricId::TasksCompleted, "2026-01-01", "2026-12-31"), vec![7], "an un-completed task no longer counts");
}

#[test]
fn a_task_is_overdue_on_its_due_day_when_it_was_not_done_by_its_due_time() {
    let f = common::open();
    common::tz(&f, "America/New_York");
    f.clock.set(at("2026-11-01T12:00:00Z"));
    let task = |text: &str, due: Option<&str>| {
        f.app.task_add(NewTask { description: text.into(), due_at: due.map(str::to_string), ..Default::default() }).unwrap().id
    };
    let late = task("late", Some("2026-11-03T17:00:00-05:00"));
    let on_time = task("on time", Some("2026-11-03T17:00:00-05:00"));
    task("open, past due", Some("2026-11-04T09:00:00-05:00"));
    task("open, due after now", Some("2026-11-06T09:00:00-05:00"));
    task("no due date", None);
    f.clock.set(at("2026-11-03T21:00:00Z")); // 16:00 EST
    f.app.task_set_completed(&on_time, true).unwrap();
    f.clock.set(at("2026-11-04T01:00:00Z")); // 20:00 EST, three hours late
    f.app.task_set_completed(&late, true).unwrap();
    f.clock.set(at("2026-11-05T12:00:00Z"));

    let t = run(&f, &q(MetricId::TasksOverdue, Grain::Day, "2026-11-02", "2026-11-06")).unwrap();
    assert_eq!(values(&t), vec![0, 1, 1, 0, 0]);
    assert_eq!(total(&f, MetricId::TasksOverdue, "2026-11-01", "2026-11-30"), vec![2]);
    // Once now passes the last due time, that task is overdue too.
    f.clock.set(at("2026-11-06T15:00:00Z"));
    assert_eq!(total(&f, MetricId::TasksOverdue, "2026-11-01", "2026-11-30"), vec![3]);
}

#[test]
fn assignments_due_in_the_range_by_status_course_and_day() {
    let f = common::open(); // Tokyo
    let chem = f.app.course_add("Chemistry", None::<String>).unwrap();
    let hist = f.app.course_add("History", None::<String>).unwrap();
    let add = |course: Option<&str>, title: &str, status: Option<&str>, due: Option<&str>| {
        f.app
            .assignment_add(NewAssignment {
                course_id: course.map(str::to_string),
                title: title.into(),
                status: status.map(str::to_string),
                due_at: due.map(str::to_string),
                notes: None,
            })
            .unwrap()
    };
    add(Some(&chem.id), "Lab report", Some("Done"), Some("2026-11-20T17:00:00+09:00"));
    add(Some(&chem.id), "Problem set", Some("In progress"), Some("2026-11-21T09:00:00+09:00"));
    add(Some(&hist.id), "Essay", None, Some("2026-11-20T23:30:00+09:00"));
    add(Some(&hist.id), "Later essay", Some("Done"), Some("2026-12-05T09:00:00+09:00"));
    add(None, "Undated", Some("Not started"), None);
    // 08:00 on the 16th in Tokyo is still the 15th in UTC.
    add(None, "Reading notes", Some("Submitted"), Some("2026-11-16T08:00:00+09:00"));

    let status = run(&f, &q(MetricId::Assignments, Grain::Status, "2026-11-16", "2026-11-22")).unwrap();
    assert_eq!(status.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["status", "assignments"]);
    assert_eq!(pairs(&status), vec![("Done".into(), 1), ("In progress".into(), 1), ("Submitted".into(), 1), ("No status".into(), 1)]);
    let course = run(&f, &q(MetricId::Assignments, Grain::Course, "2026-11-16", "2026-11-22")).unwrap();
    assert_eq!(pairs(&course), vec![("Chemistry".into(), 2), ("History".into(), 1), ("No course".into(), 1)]);
    let days = run(&f, &q(MetricId::Assignments, Grain::Day, "2026-11-16", "2026-11-22")).unwrap();
    assert_eq!(values(&days), vec![1, 0, 0, 0, 2, 1, 0]);
    let mut chem_only = q(MetricId::Assignments, Grain::Status, "2026-11-01", "2026-12-31");
    chem_only.filters.course_id = Some(chem.id.clone());
    assert_eq!(pairs(&run(&f, &chem_only).unwrap()), vec![("Done".into(), 1), ("In progress".into(), 1)]);
    assert_eq!(total(&f, MetricId::Assignments, "2026-11-01", "2026-12-31"), vec![5]);
}

#[test]
fn favorite_activities_per_activity_and_per_day() {
    let f = common::open();
    let fav = |id: &str, when: &str| {
        f.clock.set(at(when));
        f.app.activity_favorite(id).unwrap();
    };
    fav(LECTURE, "2026-11-01T02:00:00Z");
    fav(READING, "2026-11-17T02:00:00Z");
    fav(FLASHCARDS, "2026-11-18T02:00:00Z");
    f.app.activity_unfavorite(FLASHCARDS).unwrap();
    fav(DEEP_WORK, "2026-11-19T02:00:00Z");

    let t = run(&f, &q(MetricId::FavoriteActivities, Grain::Activity, "2026-11-16", "2026-11-22")).unwrap();
    assert_eq!(pairs(&t), vec![("Deep work".into(), 1), ("Reading".into(), 1)]);
    assert_eq!(t.rows[0][2], Cell::Text(DEEP_WORK.into()));
    let days = run(&f, &q(MetricId::FavoriteActivities, Grain::Day, "2026-11-16", "2026-11-22")).unwrap();
    assert_eq!(values(&days), vec![0, 1, 0, 1, 0, 0, 0]);
    assert_eq!(total(&f, MetricId::FavoriteActivities, "2026-01-01", "2026-12-31"), vec![3]);
}

#[test]
fn reminder_delivery_counts_delivered_missed_and_snoozed_reminders() {
    let f = common::open(); // Tokyo
    let me = f.app.user_id().to_string();
    f.clock.set(at("2026-11-19T00:00:00Z"));
    let task_due = |text: &str, due: &str, minutes: i64| {
        let t = f.app.task_add(NewTask { description: text.into(), due_at: Some(due.into()), ..Default::default() }).unwrap();
        f.app.item_reminders_set(ItemRef::task(&t.id), vec![NewReminder { minutes_before: Some(minutes), ..Default::default() }]).unwrap();
    };
    task_due("on time", "2026-11-20T18:00:00+09:00", 10); // fires 08:50 UTC on the 20th
    task_due("missed", "2026-11-21T18:00:00+09:00", 10); // fires 08:50 UTC on the 21st
    task_due("snoozed then shown", "2026-11-22T18:00:00+09:00", 30); // 08:30 UTC on the 22nd
    task_due("snoozed, waiting", "2026-11-22T20:00:00+09:00", 5); // 10:55 UTC on the 22nd
    let deliver = |when: &str| {
        f.clock.set(at(when));
        delivery::deliver_due(f.app.db(), &me).unwrap()
    };
    assert_eq!(deliver("2026-11-20T08:51:00Z").len(), 1);
    assert!(deliver("2026-11-21T11:50:00Z")[0].missed, "three hours late");
    let shown = deliver("2026-11-22T08:30:30Z");
    f.app.notification_snooze(&shown[0].notification_id, Some(10), None::<String>).unwrap();
    assert_eq!(deliver("2026-11-22T08:41:00Z").len(), 1, "shown again after the snooze");
    let shown = deliver("2026-11-22T10:55:30Z");
    f.app.notification_snooze(&shown[0].notification_id, None, Some("2026-11-23T00:00:00Z".to_string())).unwrap();

    let t = run(&f, &q(MetricId::ReminderDelivery, Grain::Day, "2026-11-20", "2026-11-22")).unwrap();
    assert_eq!(t.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["day", "delivered", "missed", "snoozed"]);
    let rows: Vec<Vec<i64>> = t.rows.iter().map(|r| r[1..].iter().map(int).collect()).collect();
    assert_eq!(rows, vec![vec![1, 0, 0], vec![1, 1, 0], vec![3, 0, 2]]);
    assert_eq!(total(&f, MetricId::ReminderDelivery, "2026-11-01", "2026-11-30"), vec![5, 1, 2]);
    let v = value(&f, &q(MetricId::ReminderDelivery, Grain::Total, "2026-11-20", "2026-11-22")).unwrap();
    assert_eq!(v.value, 5.0, "a card shows the reminders delivered");
}

/// Another account, as a sync pull writes it.
fn someone(f: &Fixture, id: &str, name: &str) -> String {
    f.app
        .db()
        .write(WriteCtx::system("test.pull"), |tx| {
            tx.execute(
                "INSERT INTO users(id, username, display_name, status, joined_at, created_at, updated_at)
                 VALUES (?1, ?2, ?2, 'active', '2026-01-01', ?3, ?3)",
                rusqlite::params![id, name, tx.now_text()],
            )?;
            Ok(())
        })
        .unwrap();
    id.to_string()
}

#[test]
fn feed_engagement_counts_others_likes_and_comments_on_my_posts_and_my_posts() {
    let f = common::open(); // Tokyo
    let me = f.app.user_id().to_string();
    let ada = someone(&f, "0193a1b2-0000-7000-8000-0000000000aa", "ada");
    let bo = someone(&f, "0193a1b2-0000-7000-8000-0000000000bb", "bo");
    f.clock.set(at("2026-11-17T01:00:00Z"));
    let mine = f.app.post_create(PostDraft { content: "Finished chapter 4".into(), ..Default::default() }).unwrap();
    // 15:30 UTC on the 19th is 00:30 on the 20th in Tokyo.
    f.clock.set(at("2026-11-19T15:30:00Z"));
    posts::like(f.app.db(), &ada, &mine.row.id).unwrap();
    f.clock.set(at("2026-11-20T02:00:00Z"));
    posts::comment(f.app.db(), &ada, &mine.row.id, "Nice!").unwrap();
    posts::comment(f.app.db(), &bo, &mine.row.id, "Well done").unwrap();
    // Mine on my own post are not engagement.
    posts::like(f.app.db(), &me, &mine.row.id).unwrap();
    posts::comment(f.app.db(), &me, &mine.row.id, "Thanks").unwrap();
    f.clock.set(at("2026-11-21T01:00:00Z"));
    f.app.post_create(PostDraft { content: "Chapter 5".into(), ..Default::default() }).unwrap();

    let t = run(&f, &q(MetricId::FeedEngagement, Grain::Day, "2026-11-16", "2026-11-22")).unwrap();
    assert_eq!(t.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["day", "likes_received", "comments_received", "posts_written"]);
    let column = |c: usize| t.rows.iter().map(|r| int(&r[c])).collect::<Vec<_>>();
    assert_eq!(column(1), vec![0, 0, 0, 0, 1, 0, 0]);
    assert_eq!(column(2), vec![0, 0, 0, 0, 2, 0, 0]);
    assert_eq!(column(3), vec![0, 1, 0, 0, 0, 1, 0]);
    assert_eq!(total(&f, MetricId::LikesReceived, "2026-11-16", "2026-11-22"), vec![1]);
    assert_eq!(total(&f, MetricId::CommentsReceived, "2026-11-16", "2026-11-22"), vec![2]);
    assert_eq!(total(&f, MetricId::PostsWritten, "2026-11-16", "2026-11-22"), vec![2]);
}

#[test]
fn bad_queries_are_refused_in_words() {
    let f = common::open();
    let e = refusal(run(&f, &q(MetricId::MinutesStudied, Grain::Day, "2026-11-22", "2026-11-01")));
    assert!(e.contains("from (2026-11-22) is after to (2026-11-01)"), "{e}");
    let e = refusal(run(&f, &q(MetricId::TasksCompleted, Grain::Course, "2026-11-01", "2026-11-22")));
    assert!(e.contains("tasks_completed cannot be shown per course; its grains are day, week, month, total"), "{e}");
    let e = refusal(run(&f, &q(MetricId::Streak, Grain::Day, "2026-11-01", "2026-11-22")));
    assert!(e.contains("streak cannot be shown per day"), "{e}");
    let e = refusal(run(&f, &q(MetricId::MinutesStudied, Grain::Month, "2000-01-01", "2026-11-22")));
    assert!(e.contains("at most 20 years"), "{e}");
    let e = refusal(run(&f, &q(MetricId::MinutesStudied, Grain::Month, "1800-01-01", "1800-02-01")));
    assert!(e.contains("between the years 1900 and 9998"), "{e}");
    let mut narrowed = q(MetricId::TasksCompleted, Grain::Day, "2026-11-01", "2026-11-22");
    narrowed.filters.course_id = Some("0193a1b2-0000-7000-8000-000000000001".into());
    let e = refusal(run(&f, &narrowed));
    assert!(e.contains("tasks_completed cannot be narrowed to a course"), "{e}");
    let mut zone = q(MetricId::TasksCompleted, Grain::Day, "2026-11-01", "2026-11-22");
    zone.time_zone = Some("Mars/Olympus".into());
    assert!(refusal(run(&f, &zone)).contains("unknown time zone"));
    let e = refusal(value(&f, &q(MetricId::FeedEngagement, Grain::Total, "2026-11-01", "2026-11-22")));
    assert!(e.contains("no single value"), "{e}");
    // A range of exactly 20 years is fine, and an empty one answers zeros.
    let t = run(&f, &q(MetricId::TasksCompleted, Grain::Month, "2006-11-23", "2026-11-22")).unwrap();
    assert_eq!(t.rows.len(), 241);
    assert!(values(&t).iter().all(|v| *v == 0));
}

#[test]
fn the_catalog_says_what_each_metric_takes() {
    let catalog = metrics::catalog();
    assert_eq!(catalog.len(), MetricId::ALL.len());
    let minutes = catalog.iter().find(|m| m.id == MetricId::MinutesStudied).unwrap();
    assert_eq!(minutes.grains, vec![Grain::Day, Grain::Week, Grain::Month, Grain::Course, Grain::Activity, Grain::Total]);
    assert_eq!(minutes.unit, "minutes");
    assert!(minutes.has_value);
    let json = serde_json::to_value(minutes).unwrap();
    assert_eq!(json["id"], "minutes_studied");
    assert_eq!(json["widget"], "bar_chart");
    assert_eq!(json["filters"], serde_json::json!(["course", "activity"]));
    let feed = catalog.iter().find(|m| m.id == MetricId::FeedEngagement).unwrap();
    assert!(!feed.has_value);
    assert_eq!(feed.columns.len(), 3);
    // A query arrives from the UI as JSON.
    let query: MetricQuery = serde_json::from_value(serde_json::json!({
        "metric": "tasks_overdue", "grain": "week", "from": "2026-11-01", "to": "2026-11-30"
    }))
    .unwrap();
    assert_eq!((query.metric, query.grain, query.time_zone, query.filters), (MetricId::TasksOverdue, Grain::Week, None, MetricFilters::default()));
}
