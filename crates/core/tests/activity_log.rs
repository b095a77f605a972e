//! "Your activity" (seed 000's USER_ACTIVITY_LOG) as a user meets it: actions recorded on
//! this device only, the seed's 30-day summary, turning it off, deleting the history, and
//! old rows swept.

mod common;

use chrono::Duration;
use studydesk_core::account::activity_log::{ActionType, AppPage, KEEP_DAYS};
use studydesk_core::db::WriteCtx;
use studydesk_core::focus::sessions::NewSession;
use studydesk_core::planner::tasks::NewTask;

fn counts(f: &common::Fixture) -> Vec<(String, i64)> {
    f.app.activity_log_summary().unwrap().actions.into_iter().map(|a| (a.action_type, a.count)).collect()
}

fn add_task(f: &common::Fixture, text: &str) {
    f.app.task_add(NewTask { description: text.into(), ..Default::default() }).unwrap();
}

#[test]
fn actions_are_recorded_and_summarised_by_type() {
    let f = common::open();
    add_task(&f, "Read chapter 5");
    f.clock.advance(Duration::minutes(1));
    add_task(&f, "Flashcards");
    f.app.activity_log_page_opened(AppPage::Calendar).unwrap();
    f.app.activity_log_page_opened(AppPage::Focus).unwrap();
    f.app.activity_log_page_opened(AppPage::Focus).unwrap();
    f.app.activity_log_page_opened(AppPage::Focus).unwrap();
    f.app.session_start(NewSession { name: Some("Chapter 5".into()), ..Default::default() }).unwrap();
    f.clock.advance(Duration::minutes(25));
    f.app.session_complete().unwrap();

    let s = f.app.activity_log_summary().unwrap();
    assert!(s.enabled);
    assert_eq!(
        counts(&f),
        [("page_opened".to_string(), 4), ("task_added".to_string(), 2), ("session_completed".to_string(), 1), ("session_started".to_string(), 1)],
        "most frequent first, ties by name"
    );
    let completed = s.actions.iter().find(|a| a.action_type == "session_completed").unwrap();
    assert_eq!(completed.last_activity, "2026-11-22T01:26:00.000Z");
    assert_eq!(s.since, "2026-10-23T01:26:00.000Z", "the last 30 days");
    assert_eq!(s.total, 8);
    let (resource_type, resource_id): (String, String) = f
        .app
        .db()
        .read(|c| {
            Ok(c.query_row("SELECT resource_type, resource_id FROM user_activity_log WHERE action_type = 'page_opened' LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?)
        })
        .unwrap();
    assert_eq!((resource_type.as_str(), resource_id.as_str()), ("page", "calendar"));
}

#[test]
fn the_log_never_leaves_the_device_and_writes_no_audit_rows() {
    let f = common::open();
    let before = f.count("audit_logs");
    f.app.activity_log_page_opened(AppPage::Home).unwrap();
    let synced: i64 = f
        .app
        .db()
        .read(|c| Ok(c.query_row("SELECT count(*) FROM sync_changes WHERE table_name = 'user_activity_log'", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(synced, 0);
    assert_eq!(f.count("audit_logs"), before);
    assert!(studydesk_sync::catalog::LOCAL_ONLY.contains(&"user_activity_log"));
}

#[test]
fn turned_off_it_records_nothing_and_the_history_can_be_deleted() {
    let f = common::open();
    add_task(&f, "one");
    let s = f.app.activity_log_set_enabled(false).unwrap();
    assert!(!s.enabled);
    add_task(&f, "two");
    f.app.activity_log_page_opened(AppPage::Home).unwrap();
    assert_eq!(counts(&f), [("task_added".to_string(), 1)], "nothing recorded while off; the old entry stays");
    let f = f.reopen();
    assert!(!f.app.activity_log_summary().unwrap().enabled, "the choice survives a restart");
    f.app.activity_log_set_enabled(true).unwrap();
    add_task(&f, "three");
    assert_eq!(f.app.activity_log_clear().unwrap(), 2);
    let s = f.app.activity_log_summary().unwrap();
    assert!(s.actions.is_empty() && s.total == 0);
    assert_eq!(f.count("tasks"), 3, "deleting the history deletes no task");
}

#[test]
fn the_summary_covers_30_days_and_rows_older_than_a_year_are_swept() {
    let f = common::open();
    let me = f.app.user_id();
    f.app
        .db()
        .write(WriteCtx::local_record(&me, "test.old"), |tx| {
            for (id, days) in [("0190a1b2-c3d4-7e5f-8a9b-000000000001", 31), ("0190a1b2-c3d4-7e5f-8a9b-000000000002", KEEP_DAYS + 1)] {
                tx.execute(
                    "INSERT INTO user_activity_log (id, user_id, action_type, created_at) VALUES (?1, ?2, 'task_added', strftime('%Y-%m-%dT%H:%M:%fZ', '2026-11-22T01:00:00Z', ?3))",
                    rusqlite::params![id, me, format!("-{days} days")],
                )?;
            }
            Ok(())
        })
        .unwrap();
    let s = f.app.activity_log_summary().unwrap();
    assert!(s.actions.is_empty(), "31 days ago is outside the summary: {:?}", s.actions);
    assert_eq!(s.total, 2);
    f.app.activity_log_page_opened(AppPage::Settings).unwrap();
    assert_eq!(f.app.activity_log_summary().unwrap().total, 2, "the year-old row went when a new one came");
    assert_eq!(ActionType::PageOpened.as_str(), "page_opened");
}

#[test]
fn a_calendar_import_is_recorded() {
    let f = common::open();
    let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:a@b\r\nDTSTAMP:20261120T000000Z\r\nDTSTART:20261124T060000Z\r\nDTEND:20261124T070000Z\r\nSUMMARY:Study group\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    f.app.ics_import(ics.as_bytes()).unwrap();
    assert_eq!(counts(&f), [("calendar_imported".to_string(), 1)]);
}
