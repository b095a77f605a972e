//! Derived summaries are kept by the write path (`db::derive`, `crate::rooms::DERIVED`):
//! whatever writes the rows a summary counts (a command, raw SQL inside `Db::write`, a
//! change pulled by sync with capture off), the summary is right when the transaction
//! commits, without anyone calling a refresh.

mod common;

use chrono::Duration;
use common::Fixture;
use studydesk_core::db::{timestamp_text, WriteCtx};
use studydesk_core::planner::tasks::NewTask;

fn day_ring(f: &Fixture) -> i64 {
    f.app.home().unwrap().progress.day.value
}

/// Today's stored day snapshot, if any.
fn day_snapshot(f: &Fixture) -> Option<i64> {
    let today = f.app.home().unwrap().local_date;
    f.app
        .db()
        .read(|c| {
            Ok(c.query_row(
                "SELECT value FROM progress_metrics WHERE scope = 'day' AND captured_at = ?1",
                [today],
                |r| r.get(0),
            )
            .ok())
        })
        .unwrap()
}

/// A completed session of `minutes` written as plain rows, the way a pulled change
/// lands: `capture` off, no service, no refresh.
fn completed_session(f: &Fixture, minutes: i64, capture: bool) {
    let user = f.app.user_id();
    let start = f.app.db().now() - Duration::minutes(minutes);
    let local = f.app.home().unwrap().local_date;
    let ctx = WriteCtx { actor_id: None, action: "test.pulled".into(), capture, audit: true };
    f.app
        .db()
        .write(ctx, |tx| {
            tx.execute(
                "INSERT INTO idle_sessions(id, user_id, status, start_time, end_time, total_duration, local_date, created_at, updated_at)
                 VALUES (?1, ?2, 'completed', ?3, ?4, ?5, ?6, ?3, ?4)",
                rusqlite::params![
                    tx.new_id(),
                    user,
                    timestamp_text(start),
                    timestamp_text(f.app.db().now()),
                    minutes * 60,
                    local
                ],
            )?;
            Ok(())
        })
        .unwrap();
}

#[test]
fn a_pulled_session_moves_the_rings_without_a_refresh_call() {
    let f = common::open();
    assert_eq!(day_ring(&f), 0);
    // Default daily target: 120 minutes (FocusSettings::default); 60 minutes is half of it.
    completed_session(&f, 60, false);
    assert_eq!(day_ring(&f), 50, "a completed session written with capture off must move today's snapshot");
    completed_session(&f, 60, true);
    assert_eq!(day_ring(&f), 100);
}

#[test]
fn a_task_written_as_plain_rows_moves_the_todo_share() {
    let f = common::open();
    let done = f.app.task_add(NewTask { description: "read".into(), ..Default::default() }).unwrap();
    f.app.task_add(NewTask { description: "write".into(), ..Default::default() }).unwrap();
    assert_eq!(day_snapshot(&f), Some(0), "adding tasks keeps the snapshot (two planned, none done)");
    // Completing one with plain SQL, as a pulled change does: half the todo done, no
    // minutes, so the day is the mean of 0 % and 50 %.
    let ctx = WriteCtx { actor_id: None, action: "test.pulled".into(), capture: false, audit: true };
    f.app
        .db()
        .write(ctx, |tx| {
            tx.execute(
                "UPDATE tasks SET is_completed = 1, completed_at = ?2 WHERE id = ?1",
                rusqlite::params![done.id, timestamp_text(tx.now())],
            )?;
            Ok(())
        })
        .unwrap();
    assert_eq!(day_snapshot(&f), Some(25));
}

#[test]
fn renaming_a_task_or_a_running_session_heartbeat_does_not_touch_the_snapshot() {
    let f = common::open();
    let t = f.app.task_add(NewTask { description: "read".into(), ..Default::default() }).unwrap();
    let before = f.count("audit_logs");
    f.app.task_rename(&t.id, "read chapter 2").unwrap();
    // One audit row: the task's own update; no progress_metrics row was rewritten.
    assert_eq!(f.count("audit_logs"), before + 1);
}

#[test]
fn a_failing_write_leaves_no_pending_summary_behind() {
    let f = common::open();
    let user = f.app.user_id();
    let err = f.app.db().write(WriteCtx::by(&user, "test.fails"), |tx| -> studydesk_core::Result<()> {
        tx.execute(
            "INSERT INTO idle_sessions(id, user_id, status, start_time, end_time, total_duration, local_date, created_at, updated_at)
             VALUES (?1, ?2, 'completed', ?3, ?3, 600, '2026-11-22', ?3, ?3)",
            rusqlite::params![tx.new_id(), user, timestamp_text(tx.now())],
        )?;
        Err(studydesk_core::CoreError::validation("stop"))
    });
    assert!(err.is_err());
    // The next write moves nothing: the pending note rolled back with the session.
    f.app.task_add(NewTask { description: "read".into(), ..Default::default() }).unwrap();
    assert_eq!(day_ring(&f), 0);
}
