//! Focus sessions, idle spans, recovery and activities through the facade, on a real
//! database file, with an injected clock (`ManualClock`), idle source (`ManualIdle`) and
//! notifier (`RecordingNotifier`).

mod common;

use chrono::Duration;
use std::sync::Arc;
use std::time::Duration as StdDuration;
use studydesk_core::db::WriteCtx;
use studydesk_core::focus::activities::NewActivity;
use studydesk_core::focus::idle::{ManualIdle, NoIdleSource};
use studydesk_core::focus::rows::ActivityKind;
use studydesk_core::focus::sessions::{FocusSession, NewSession, RecoveryChoice, SessionStatus};
use studydesk_core::focus::ticker::Ticker;
use studydesk_core::focus::timer::{IdleChoice, PhaseKind, PomodoroConfig, SessionConfig};
use studydesk_core::notify::RecordingNotifier;

/// Built-in activities shipped by V1.
const POMODORO: &str = "01930000-0000-7000-8000-000000000001";
const DEEP_WORK: &str = "01930000-0000-7000-8000-000000000002";
const READING: &str = "01930000-0000-7000-8000-000000000005";

fn named(name: &str) -> NewSession {
    NewSession { name: Some(name.into()), ..Default::default() }
}

fn at(min: i64) -> String {
    studydesk_core::db::timestamp_text(common::start_time() + Duration::minutes(min))
}

fn pomodoro(auto: bool) -> SessionConfig {
    SessionConfig {
        planned_minutes: None,
        pomodoro: Some(PomodoroConfig {
            work_minutes: 25,
            short_break_minutes: 5,
            long_break_minutes: 15,
            cycles_before_long_break: 2,
            auto_start_next: auto,
        }),
    }
}

fn current(f: &common::Fixture) -> FocusSession {
    f.app.session_current().unwrap().expect("a running session")
}

fn scalar(f: &common::Fixture, sql: &str) -> i64 {
    f.app.db().read(|c| Ok(c.query_row(sql, [], |r| r.get(0))?)).unwrap()
}

fn text(f: &common::Fixture, sql: &str) -> Option<String> {
    f.app.db().read(|c| Ok(c.query_row(sql, [], |r| r.get(0))?)).unwrap()
}

/// Ticks once a minute for `minutes` minutes (the app ticks every second or two; a
/// minute is enough for everything the ticker decides).
fn tick_for(f: &common::Fixture, t: &mut Ticker, idle: &ManualIdle, minutes: i64) -> Vec<String> {
    let mut titles = Vec::new();
    for _ in 0..minutes {
        f.clock.advance(Duration::minutes(1));
        let r = t.tick(&f.app, idle).unwrap();
        titles.extend(r.notices.into_iter().map(|n| n.title));
    }
    titles
}

// ---- timer arithmetic ----------------------------------------------------------------

#[test]
fn pause_and_resume_leave_the_pause_out_and_complete_writes_seconds() {
    let f = common::open();
    let s = f.app.session_start(named("Chapter 5")).unwrap();
    assert_eq!(s.status, SessionStatus::Active);
    assert_eq!(s.started_at, at(0));
    assert_eq!(s.focused_seconds, 0);

    f.clock.advance(Duration::minutes(10));
    let s = f.app.session_pause().unwrap();
    assert_eq!((s.status, s.focused_seconds), (SessionStatus::Paused, 600));
    f.clock.advance(Duration::minutes(15));
    assert_eq!(current(&f).focused_seconds, 600, "a pause does not count");
    let s = f.app.session_resume().unwrap();
    assert_eq!((s.status, s.focused_seconds), (SessionStatus::Active, 600));
    f.clock.advance(Duration::seconds(20 * 60 + 59));
    assert_eq!(current(&f).focused_seconds, 30 * 60 + 59);

    let done = f.app.session_complete().unwrap();
    assert_eq!(done.status, SessionStatus::Completed);
    assert_eq!(done.ended_at.as_deref(), Some(at(0).replace("01:00:00.000", "01:45:59.000").as_str()));
    assert_eq!(done.focused_seconds, 30 * 60 + 59);
    assert!(f.app.session_current().unwrap().is_none());
    let stored = scalar(&f, "SELECT total_duration FROM idle_sessions");
    assert_eq!(stored, 30 * 60 + 59, "total_duration is in seconds");
    assert_eq!(text(&f, "SELECT local_date FROM idle_sessions").as_deref(), Some("2026-11-22"));

    // One user_activities row per state change, each tied to the session.
    let kinds: Vec<String> = f
        .app
        .db()
        .read(|c| {
            let mut st = c.prepare(
                "SELECT activity_type FROM user_activities WHERE session_id IS NOT NULL ORDER BY occurred_at, rowid",
            )?;
            let v = st.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
            Ok(v)
        })
        .unwrap();
    assert_eq!(kinds, ["focus.session.start", "focus.session.pause", "focus.session.resume", "focus.session.complete"]);
    // Every change went through the write path: the session's row changes are in the sync log.
    assert_eq!(scalar(&f, "SELECT count(*) FROM sync_changes WHERE table_name = 'idle_sessions'"), 4);
    assert_eq!(scalar(&f, "SELECT count(*) FROM sync_changes WHERE table_name = 'user_activities'"), 4);
    assert_eq!(text(&f, "SELECT status FROM user_presence").as_deref(), Some("offline"));
}

#[test]
fn time_is_computed_from_stored_times_not_ticks() {
    // No ticker at all (the CLI, a minimised or throttled window): the count still follows
    // the clock, and survives closing and reopening the database.
    let f = common::open();
    f.app.session_start(named("Essay")).unwrap();
    f.clock.advance(Duration::hours(3));
    assert_eq!(current(&f).focused_seconds, 3 * 3600);
    let f = f.reopen();
    f.clock.advance(Duration::minutes(1));
    assert_eq!(current(&f).focused_seconds, 3 * 3600 + 60);
}

#[test]
fn a_suspend_of_hours_becomes_idle_time_the_user_decides_about() {
    for (choice, focused, breaks) in [
        (IdleChoice::Discard, 10 * 60, 0),
        (IdleChoice::Break, 10 * 60, 5 * 3600),
        (IdleChoice::Keep, 10 * 60 + 5 * 3600, 0),
    ] {
        let f = common::open();
        let idle = ManualIdle::new();
        let mut t = Ticker::start(&f.app, Arc::new(RecordingNotifier::new())).unwrap();
        f.app.session_start(named("Statistics")).unwrap();
        t.tick(&f.app, &idle).unwrap();
        tick_for(&f, &mut t, &idle, 10);
        // The laptop sleeps for five hours; after waking, input is fresh.
        f.clock.advance(Duration::hours(5));
        let r = t.tick(&f.app, &idle).unwrap();
        assert!(r.changed, "the UI is told");
        let s = current(&f);
        assert_eq!(
            s.idle_since.as_deref(),
            Some(at(10).as_str()),
            "counting stopped at the last tick before the sleep"
        );
        assert_eq!(s.focused_seconds, 600);
        assert_eq!(text(&f, "SELECT status FROM user_presence").as_deref(), Some("idle"));

        let s = f.app.session_resolve_idle(choice).unwrap();
        assert_eq!((s.focused_seconds, s.break_seconds), (focused, breaks), "{choice:?}");
        assert!(s.idle_since.is_none());
        assert_eq!(text(&f, "SELECT status FROM user_presence").as_deref(), Some("online"));
        f.clock.advance(Duration::minutes(1));
        assert_eq!(current(&f).focused_seconds, focused + 60, "counting goes on after the choice");
    }
}

#[test]
fn a_clock_going_backwards_never_makes_time_negative_or_counts_twice() {
    let f = common::open();
    f.app.session_start(named("Physics")).unwrap();
    // Set back before the start right away: nothing negative.
    f.clock.set(common::start_time() - Duration::hours(1));
    assert_eq!(current(&f).focused_seconds, 0);

    f.clock.set(common::start_time() + Duration::minutes(30));
    assert_eq!(current(&f).focused_seconds, 1800);
    let paused = f.app.session_pause().unwrap();
    assert_eq!(paused.focused_seconds, 1800);

    // The clock jumps back an hour; the resume is stamped no earlier than the pause.
    f.clock.set(common::start_time() - Duration::minutes(30));
    let s = f.app.session_resume().unwrap();
    assert_eq!(s.focused_seconds, 1800, "the minutes between 00:30 and 01:30 are not counted again");
    assert_eq!(current(&f).focused_seconds, 1800, "held still while the clock is behind");
    // Clock catches up: only time after the last event counts.
    f.clock.set(common::start_time() + Duration::minutes(40));
    assert_eq!(current(&f).focused_seconds, 1800 + 600);
    let done = f.app.session_complete().unwrap();
    assert_eq!(done.focused_seconds, 2400);
    let log = text(&f, "SELECT activity_log FROM idle_sessions").unwrap();
    let events: Vec<serde_json::Value> = serde_json::from_str(&log).unwrap();
    let times: Vec<&str> = events.iter().map(|e| e["at"].as_str().unwrap()).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted, "stored events never go back in time");
}

#[test]
fn a_kill_mid_session_is_offered_for_recovery_at_the_next_launch() {
    for choice in [RecoveryChoice::Complete, RecoveryChoice::Resume] {
        let f = common::open();
        let idle = ManualIdle::new();
        let mut t = Ticker::start(&f.app, Arc::new(RecordingNotifier::new())).unwrap();
        f.app.session_start(NewSession { activity_id: Some(READING.into()), ..Default::default() }).unwrap();
        t.tick(&f.app, &idle).unwrap();
        tick_for(&f, &mut t, &idle, 10); // heartbeat written at least every 30 s
        f.clock.advance(Duration::seconds(20));
        // Killed: no complete, no shutdown. Three hours later the app starts again.
        drop(t);
        let f = f.reopen();
        f.clock.advance(Duration::hours(3));
        assert!(f.app.session_recovery().unwrap().is_none(), "only the app's launch check makes an offer");
        let mut t = Ticker::start(&f.app, Arc::new(RecordingNotifier::new())).unwrap();
        let offer = f.app.session_recovery().unwrap().expect("an offer");
        assert_eq!(offer.last_known_at, at(10));
        assert_eq!(offer.session.focused_seconds, 600, "figures as of the last known moment");
        assert_eq!(offer.session.activity_name.as_deref(), Some("Reading"));
        // Ticks while the user has not chosen change nothing.
        tick_for(&f, &mut t, &idle, 3);
        assert_eq!(f.app.session_recovery().unwrap().unwrap().last_known_at, at(10));

        let s = f.app.session_recover(choice).unwrap();
        assert!(f.app.session_recovery().unwrap().is_none());
        match choice {
            RecoveryChoice::Complete => {
                assert_eq!(s.status, SessionStatus::Completed);
                assert_eq!(s.ended_at.as_deref(), Some(at(10).as_str()));
                assert_eq!(s.focused_seconds, 600);
            }
            RecoveryChoice::Resume => {
                assert_eq!(s.status, SessionStatus::Active);
                assert_eq!(s.focused_seconds, 600, "the gap is a pause");
                f.clock.advance(Duration::minutes(5));
                assert_eq!(current(&f).focused_seconds, 900);
            }
        }
        assert_eq!(f.app.session_recover(choice).unwrap_err().kind(), "conflict");
    }
}

#[test]
fn a_quick_restart_is_not_a_crash_and_a_paused_session_needs_no_recovery() {
    let f = common::open();
    let idle = ManualIdle::new();
    let mut t = Ticker::start(&f.app, Arc::new(RecordingNotifier::new())).unwrap();
    f.app.session_start(named("Maths")).unwrap();
    tick_for(&f, &mut t, &idle, 5);
    drop(t);
    let f = f.reopen();
    f.clock.advance(Duration::seconds(40));
    Ticker::start(&f.app, Arc::new(RecordingNotifier::new())).unwrap();
    assert!(f.app.session_recovery().unwrap().is_none());

    f.app.session_pause().unwrap();
    let f = f.reopen();
    f.clock.advance(Duration::hours(8));
    Ticker::start(&f.app, Arc::new(RecordingNotifier::new())).unwrap();
    assert!(f.app.session_recovery().unwrap().is_none());
    assert_eq!(current(&f).status, SessionStatus::Paused);
}

#[test]
fn pomodoro_with_auto_start_moves_through_phases_and_notifies_once_each() {
    let f = common::open();
    let idle = ManualIdle::new();
    let notes = RecordingNotifier::new();
    let mut t = Ticker::start(&f.app, Arc::new(notes.clone())).unwrap();
    let s = f
        .app
        .session_start(NewSession { name: Some("Pomodoro".into()), config: Some(pomodoro(true)), ..Default::default() })
        .unwrap();
    let p = s.phase.unwrap();
    assert_eq!((p.kind, p.cycle, p.ends_at.as_str(), p.awaiting_start), (PhaseKind::Work, 1, at(25).as_str(), false));
    t.tick(&f.app, &idle).unwrap();

    let titles = tick_for(&f, &mut t, &idle, 60);
    assert_eq!(titles, ["Short break", "Focus: round 2", "Long break"]);
    assert_eq!(notes.notices().len(), 3);
    let s = current(&f);
    // 0-25 work, 25-30 break, 30-55 work, 55-60 long break.
    assert_eq!((s.focused_seconds, s.break_seconds), (50 * 60, 10 * 60));
    let p = s.phase.unwrap();
    assert_eq!(
        (p.kind, p.cycle, p.started_at.as_str(), p.ends_at.as_str()),
        (PhaseKind::LongBreak, 2, at(55).as_str(), at(70).as_str())
    );

    // A pause holds the phase.
    f.app.session_pause().unwrap();
    f.clock.advance(Duration::minutes(30));
    f.app.session_resume().unwrap();
    let p = current(&f).phase.unwrap();
    assert_eq!((p.kind, p.ends_at.as_str()), (PhaseKind::LongBreak, at(100).as_str()));
    // Skipping the rest of the break by hand starts round 3 without a notice.
    f.app.session_next_phase().unwrap();
    let titles = tick_for(&f, &mut t, &idle, 1);
    assert!(titles.is_empty(), "{titles:?}");
    let s = current(&f);
    let p = s.phase.unwrap();
    assert_eq!((p.kind, p.cycle, p.started_at.as_str()), (PhaseKind::Work, 3, at(90).as_str()));
    assert_eq!(s.focused_seconds, 50 * 60 + 60);
}

#[test]
fn pomodoro_without_auto_start_waits_for_the_user_and_counts_nothing_meanwhile() {
    let f = common::open();
    let idle = ManualIdle::new();
    let mut t = Ticker::start(&f.app, Arc::new(RecordingNotifier::new())).unwrap();
    f.app.session_start(NewSession { config: Some(pomodoro(false)), ..Default::default() }).unwrap();
    t.tick(&f.app, &idle).unwrap();
    let titles = tick_for(&f, &mut t, &idle, 27);
    assert_eq!(titles, ["Focus block done"]);
    let s = current(&f);
    let p = s.phase.unwrap();
    assert_eq!((p.kind, p.awaiting_start, p.ends_at.as_str()), (PhaseKind::Work, true, at(25).as_str()));
    assert_eq!((s.focused_seconds, s.break_seconds), (25 * 60, 0), "time past the phase end is not focus");
    // Idle input does not matter while the session waits.
    idle.set(StdDuration::from_secs(20 * 60));
    tick_for(&f, &mut t, &idle, 3);
    assert!(current(&f).idle_since.is_none());
    idle.set(StdDuration::ZERO);

    let s = f.app.session_next_phase().unwrap(); // at 30
    let p = s.phase.unwrap();
    assert_eq!(
        (p.kind, p.cycle, p.started_at.as_str(), p.ends_at.as_str()),
        (PhaseKind::ShortBreak, 1, at(30).as_str(), at(35).as_str())
    );
    let titles = tick_for(&f, &mut t, &idle, 8); // 38
    assert_eq!(titles, ["Break over"]);
    let s = current(&f);
    assert_eq!((s.focused_seconds, s.break_seconds), (25 * 60, 5 * 60));
    f.app.session_next_phase().unwrap();
    f.clock.advance(Duration::minutes(10));
    let s = current(&f);
    let p = s.phase.unwrap();
    assert_eq!((p.kind, p.cycle, p.awaiting_start), (PhaseKind::Work, 2, false));
    assert_eq!(s.focused_seconds, 35 * 60);
    let done = f.app.session_complete().unwrap();
    assert_eq!(done.focused_seconds, 35 * 60);
    assert!(done.phase.is_none());
}

#[test]
fn a_planned_length_gives_an_end_time_and_one_notice() {
    let f = common::open();
    let idle = ManualIdle::new();
    let notes = RecordingNotifier::new();
    let mut t = Ticker::start(&f.app, Arc::new(notes.clone())).unwrap();
    // Deep work plans its default 90 minutes.
    let s = f.app.session_start(NewSession { activity_id: Some(DEEP_WORK.into()), ..Default::default() }).unwrap();
    assert_eq!(s.config.planned_minutes, Some(90));
    assert_eq!(s.planned_end_at.as_deref(), Some(at(90).as_str()));
    t.tick(&f.app, &idle).unwrap();
    f.clock.advance(Duration::minutes(10));
    f.app.session_pause().unwrap();
    f.clock.advance(Duration::minutes(10));
    let s = f.app.session_resume().unwrap();
    assert_eq!(s.planned_end_at.as_deref(), Some(at(100).as_str()));
    let titles = tick_for(&f, &mut t, &idle, 85);
    assert_eq!(titles, ["Planned time reached"]);
    assert_eq!(current(&f).planned_end_at.as_deref(), Some(at(100).as_str()));
}

// ---- idle ------------------------------------------------------------------------------

#[test]
fn idle_time_past_the_threshold_stops_the_count_from_when_input_stopped() {
    for (choice, focused, breaks) in
        [(IdleChoice::Keep, 12 * 60, 0), (IdleChoice::Break, 3 * 60, 9 * 60), (IdleChoice::Discard, 3 * 60, 0)]
    {
        let f = common::open();
        let idle = ManualIdle::new();
        let mut t = Ticker::start(&f.app, Arc::new(RecordingNotifier::new())).unwrap();
        let course = f.app.course_add("Linear Algebra", None::<&str>).unwrap();
        f.app.session_start(NewSession { course_id: Some(course.id.clone()), ..Default::default() }).unwrap();
        assert_eq!(text(&f, "SELECT activity FROM user_presence").as_deref(), Some("Studying Linear Algebra"));
        t.tick(&f.app, &idle).unwrap();
        tick_for(&f, &mut t, &idle, 3);
        // Input stops at minute 3; the default threshold is 5 minutes.
        for m in 1..=4 {
            idle.set(StdDuration::from_secs(m * 60));
            tick_for(&f, &mut t, &idle, 1);
            assert!(current(&f).idle_since.is_none(), "not yet at {m} min");
        }
        idle.set(StdDuration::from_secs(5 * 60));
        f.clock.advance(Duration::minutes(1));
        assert!(t.tick(&f.app, &idle).unwrap().changed);
        let s = current(&f);
        assert_eq!(s.idle_since.as_deref(), Some(at(3).as_str()));
        assert_eq!(s.focused_seconds, 180, "the count stopped when input stopped");
        assert_eq!(text(&f, "SELECT status FROM user_presence").as_deref(), Some("idle"));
        // Still idle: nothing more is recorded.
        let changes = scalar(&f, "SELECT count(*) FROM sync_changes");
        idle.set(StdDuration::from_secs(9 * 60));
        tick_for(&f, &mut t, &idle, 4); // 12
        assert_eq!(scalar(&f, "SELECT count(*) FROM sync_changes"), changes);

        idle.set(StdDuration::ZERO);
        let s = f.app.session_resolve_idle(choice).unwrap();
        assert_eq!((s.focused_seconds, s.break_seconds), (focused, breaks), "{choice:?}");
        assert_eq!(f.app.session_resolve_idle(choice).unwrap_err().kind(), "conflict");
    }
}

#[test]
fn idle_is_not_watched_in_breaks_or_pauses_and_a_missing_source_is_harmless() {
    let f = common::open();
    let idle = ManualIdle::new();
    let mut t = Ticker::start(&f.app, Arc::new(RecordingNotifier::new())).unwrap();
    f.app.session_start(NewSession { config: Some(pomodoro(true)), ..Default::default() }).unwrap();
    t.tick(&f.app, &idle).unwrap();
    tick_for(&f, &mut t, &idle, 26);
    // Away from the keyboard during the break (25-30): not idle.
    idle.set(StdDuration::from_secs(60 * 60));
    tick_for(&f, &mut t, &idle, 3);
    assert!(current(&f).idle_since.is_none());
    // Back in a work phase: idle is clamped to the phase start (30), not the hour before.
    tick_for(&f, &mut t, &idle, 2);
    assert_eq!(current(&f).idle_since.as_deref(), Some(at(30).as_str()));
    f.app.session_pause().unwrap();
    assert!(current(&f).idle_since.is_none(), "a pause drops the waiting idle time");
    tick_for(&f, &mut t, &idle, 10);
    assert!(current(&f).idle_since.is_none());

    // No X display: ticks go on.
    let f = common::open();
    let mut t = Ticker::start(&f.app, Arc::new(RecordingNotifier::new())).unwrap();
    f.app.session_start(named("No display")).unwrap();
    for _ in 0..3 {
        f.clock.advance(Duration::minutes(1));
        t.tick(&f.app, &NoIdleSource("no X display".into())).unwrap();
    }
    assert_eq!(current(&f).focused_seconds, 180);
}

// ---- rules -----------------------------------------------------------------------------

#[test]
fn a_second_running_session_is_refused_as_a_conflict() {
    let f = common::open();
    f.app.session_start(named("First")).unwrap();
    let err = f.app.session_start(named("Second")).unwrap_err();
    assert_eq!(err.kind(), "conflict");
    assert!(err.to_string().contains("already running (\"First\""), "{err}");
    f.app.session_pause().unwrap();
    assert_eq!(f.app.session_start(named("Second")).unwrap_err().kind(), "conflict", "paused still runs");
    assert_eq!(scalar(&f, "SELECT count(*) FROM idle_sessions"), 1);
    f.app.session_abandon().unwrap();
    let s = f.app.session_start(named("Second")).unwrap();
    assert_eq!(s.name.as_deref(), Some("Second"));
    let history = f.app.session_history(10).unwrap();
    assert_eq!(history.iter().map(|s| s.status).collect::<Vec<_>>(), [SessionStatus::Active, SessionStatus::Abandoned]);
}

#[test]
fn state_changes_without_a_matching_state_are_clear_errors() {
    let f = common::open();
    for (what, r) in [
        ("pause", f.app.session_pause()),
        ("resume", f.app.session_resume()),
        ("complete", f.app.session_complete()),
        ("abandon", f.app.session_abandon()),
        ("next_phase", f.app.session_next_phase()),
    ] {
        let e = r.unwrap_err();
        assert_eq!(e.kind(), "conflict", "{what}");
        assert!(e.to_string().contains("no focus session is running"), "{what}: {e}");
    }
    f.app.session_start(named("x")).unwrap();
    assert_eq!(f.app.session_resume().unwrap_err().kind(), "conflict");
    assert_eq!(f.app.session_next_phase().unwrap_err().kind(), "validation", "no pomodoro");
    f.app.session_pause().unwrap();
    assert_eq!(f.app.session_pause().unwrap_err().kind(), "conflict");
    assert_eq!(f.app.session_resolve_idle(IdleChoice::Keep).unwrap_err().kind(), "conflict");
}

#[test]
fn start_validates_its_arguments_and_writes_nothing_when_refused() {
    let f = common::open();
    let before = f.footprint();
    let cases: Vec<(NewSession, &str)> = vec![
        (NewSession { activity_id: Some("nope".into()), ..Default::default() }, "not_found"),
        (NewSession { activity_id: Some(studydesk_core::ids::new_id()), ..Default::default() }, "not_found"),
        (NewSession { course_id: Some(studydesk_core::ids::new_id()), ..Default::default() }, "not_found"),
        (NewSession { name: Some("x".repeat(121)), ..Default::default() }, "validation"),
        (
            NewSession {
                config: Some(SessionConfig { planned_minutes: Some(0), pomodoro: None }),
                ..Default::default()
            },
            "validation",
        ),
        (
            NewSession {
                config: Some(SessionConfig {
                    planned_minutes: None,
                    pomodoro: Some(PomodoroConfig { work_minutes: 0, ..Default::default() }),
                }),
                ..Default::default()
            },
            "validation",
        ),
    ];
    for (input, kind) in cases {
        let e = f.app.session_start(input.clone()).unwrap_err();
        assert_eq!(e.kind(), kind, "{input:?}: {e}");
    }
    assert_eq!(f.footprint(), before);
    assert_eq!(f.count("idle_sessions"), 0);
    // A pomodoro activity without a config runs the classic rhythm.
    let s = f.app.session_start(NewSession { activity_id: Some(POMODORO.into()), ..Default::default() }).unwrap();
    assert_eq!(s.config.pomodoro, Some(PomodoroConfig::default()));
    assert_eq!(s.activity_name.as_deref(), Some("Pomodoro 25/5"));
    assert_eq!(text(&f, "SELECT activity FROM user_presence").as_deref(), Some("Studying Pomodoro 25/5"));
    assert_eq!(f.app.session_history(0).unwrap_err().kind(), "validation");
}

#[test]
fn the_running_session_is_found_through_its_partial_index() {
    let f = common::open();
    let plan: Vec<String> = f
        .app
        .db()
        .read(|c| {
            let mut st =
                c.prepare(&format!("EXPLAIN QUERY PLAN {}", studydesk_core::focus::sessions::running_sql()))?;
            let v =
                st.query_map([f.app.user_id()], |r| r.get::<_, String>(3))?.collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(v)
        })
        .unwrap();
    assert!(plan.iter().any(|p| p.contains("idx_idle_sessions_running")), "{plan:?}");
}

#[test]
fn session_rows_validate_as_typed_rows() {
    use studydesk_core::db::row::{self, Row};
    use studydesk_core::focus::rows::IdleSessionRow;
    let f = common::open();
    let s = f.app.session_start(named("Typed")).unwrap();
    f.clock.advance(Duration::minutes(3));
    f.app.session_complete().unwrap();
    let r: IdleSessionRow = f.app.db().read(|c| row::get(c, &s.id)).unwrap().unwrap();
    r.validate().unwrap();
    assert_eq!(r.total_duration, 180);
}

// ---- activities and favorites ------------------------------------------------------------

#[test]
fn favorites_are_unique_come_first_cascade_and_are_counted() {
    let f = common::open();
    let list = f.app.activity_list().unwrap();
    assert_eq!(list.len(), 6);
    assert!(list.iter().all(|a| a.is_builtin && !a.is_favorite && a.favorite_count == 0));
    assert_eq!(list[0].id, POMODORO, "built-ins in catalog order");

    let own = f
        .app
        .activity_add(NewActivity {
            name: "Anki".into(),
            kind: ActivityKind::Review,
            description: None,
            default_duration_minutes: Some(15),
            emoji: Some("🃏".into()),
        })
        .unwrap();
    assert!(!own.is_builtin);
    assert_eq!(f.app.activity_list().unwrap().last().unwrap().id, own.id, "own activities after the built-ins");

    let a = f.app.activity_favorite(READING).unwrap();
    assert!(a.is_favorite);
    assert_eq!(a.favorite_count, 1);
    f.clock.advance(Duration::seconds(1));
    f.app.activity_favorite(&own.id).unwrap();
    let again = f.app.activity_favorite(&own.id).unwrap();
    assert_eq!(again.favorite_count, 1, "idempotent");
    assert_eq!(f.count("user_activity_favorites"), 2);
    let ids: Vec<String> = f.app.activity_list().unwrap().into_iter().map(|a| a.row.id).collect();
    assert_eq!(&ids[..3], [own.id.as_str(), READING, POMODORO], "favorites first, newest first");

    // The UNIQUE key holds even for a write that skips the service.
    let user = f.app.user_id().to_string();
    let dup = f.app.db().write(WriteCtx::by(&user, "test"), |tx| {
        tx.execute(
            "INSERT INTO user_activity_favorites(id, user_id, activity_id, created_at) VALUES (?1, ?2, ?3, '2026-11-22T01:00:00.000Z')",
            [studydesk_core::ids::new_id(), user.clone(), READING.to_string()],
        )?;
        Ok(())
    });
    assert_eq!(dup.unwrap_err().kind(), "conflict");

    let counts = f.app.activity_favorite_counts().unwrap();
    assert_eq!(counts.len(), 2);
    assert!(counts.iter().all(|c| c.favorite_count == 1));

    // Deleting an own activity removes its favorites; past sessions keep their time.
    f.app.session_start(NewSession { activity_id: Some(own.id.clone()), ..Default::default() }).unwrap();
    f.clock.advance(Duration::minutes(15));
    f.app.session_complete().unwrap();
    f.app.activity_delete(&own.id).unwrap();
    assert_eq!(f.count("user_activity_favorites"), 1);
    assert_eq!(scalar(&f, "SELECT count(*) FROM idle_sessions WHERE activity_id IS NULL AND total_duration = 900"), 1);
    assert_eq!(
        scalar(&f, "SELECT count(*) FROM sync_changes WHERE table_name = 'user_activity_favorites' AND op = 'delete'"),
        1,
        "the cascade is recorded for sync"
    );

    let a = f.app.activity_unfavorite(READING).unwrap();
    assert!(!a.is_favorite);
    assert_eq!(f.app.activity_unfavorite(READING).unwrap().favorite_count, 0, "idempotent");
    assert_eq!(f.app.activity_delete(READING).unwrap_err().kind(), "validation", "built-ins stay");
    assert_eq!(f.app.activity_favorite(&own.id).unwrap_err().kind(), "not_found");
    assert_eq!(f.app.activity_favorite("../etc").unwrap_err().kind(), "not_found");
    let bad = NewActivity {
        name: " ".into(),
        kind: ActivityKind::Custom,
        description: None,
        default_duration_minutes: None,
        emoji: None,
    };
    assert_eq!(f.app.activity_add(bad).unwrap_err().kind(), "validation");
}
