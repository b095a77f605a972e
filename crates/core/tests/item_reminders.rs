//! Reminders before a task's or an assignment's due time, and the notification center,
//! through the facade with a manual clock (issue 3 part 4): on time to the second, moved
//! with the due date, never for the past, silenced by completing the task, exactly once
//! with event reminders racing in two processes; the center lists, marks, clears and
//! snoozes them.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use std::sync::Arc;
use studydesk_core::api::Studydesk;
use studydesk_core::planner::assignments::NewAssignment;
use studydesk_core::planner::calendar::delivery::notices_for;
use studydesk_core::planner::calendar::{NewEvent, NewReminder};
use studydesk_core::planner::item_reminders::ItemRef;
use studydesk_core::planner::tasks::NewTask;

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
}

fn before(minutes: i64) -> NewReminder {
    NewReminder { minutes_before: Some(minutes), ..Default::default() }
}

/// A task due at `due` (RFC 3339) with reminders `minutes` before it.
fn task(f: &common::Fixture, text: &str, due: &str, minutes: &[i64]) -> String {
    let t = f
        .app
        .task_add(NewTask { description: text.into(), due_at: Some(due.into()), ..Default::default() })
        .unwrap();
    let list: Vec<NewReminder> = minutes.iter().map(|m| before(*m)).collect();
    f.app.item_reminders_set(&ItemRef::task(&t.id), &list).unwrap();
    t.id
}

fn delivered_titles(f: &common::Fixture) -> Vec<String> {
    f.app.reminders_deliver_due().unwrap().into_iter().map(|d| d.title).collect()
}

#[test]
fn a_task_reminder_fires_at_its_second_once() {
    let f = common::open();
    task(&f, "Hand in essay", "2026-11-24T12:00:00+09:00", &[30]); // 02:30Z
    f.clock.set(utc(2026, 11, 24, 2, 29, 59));
    assert!(delivered_titles(&f).is_empty(), "one second early");
    f.clock.set(utc(2026, 11, 24, 2, 30, 0));
    let got = f.app.reminders_deliver_due().unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].title, "Hand in essay");
    assert!(got[0].message.contains("2026-11-24 12:00"), "{}", got[0].message);
    assert!(!got[0].missed);
    f.clock.advance(Duration::minutes(5));
    assert!(delivered_titles(&f).is_empty(), "never twice");
    let list = f.app.notifications_list(50).unwrap();
    assert_eq!((list.items.len(), list.unread), (1, 1));
    assert_eq!(list.items[0].title, "Hand in essay");
    assert!(list.items[0].snooze.is_some(), "a reminder can be snoozed from the center");
}

#[test]
fn moving_the_due_date_moves_the_reminder_and_it_fires_again() {
    let f = common::open();
    let id = task(&f, "Lab report", "2026-11-24T12:00:00+09:00", &[60]);
    f.clock.set(utc(2026, 11, 24, 2, 0, 0));
    assert_eq!(delivered_titles(&f), ["Lab report"]);
    // Extended by a day: the reminder is for the new time, and fires once then.
    f.app.task_set_due(&id, Some("2026-11-25T12:00:00+09:00")).unwrap();
    f.clock.set(utc(2026, 11, 25, 1, 59, 0));
    assert!(delivered_titles(&f).is_empty());
    f.clock.set(utc(2026, 11, 25, 2, 0, 0));
    assert_eq!(delivered_titles(&f), ["Lab report"]);
    // No due date: nothing to fire.
    f.app.task_set_due(&id, None::<&str>).unwrap();
    f.clock.set(utc(2026, 12, 1, 0, 0, 0));
    assert!(delivered_titles(&f).is_empty());
    assert_eq!(f.app.item_reminders_get(&ItemRef::task(&id)).unwrap()[0].fire_at, None);
}

#[test]
fn a_reminder_already_past_when_written_never_fires() {
    let f = common::open();
    // The fixture's now is 2026-11-22 01:00Z; a task due an hour ago.
    task(&f, "Yesterday's quiz", "2026-11-22T09:00:00+09:00", &[15]);
    f.clock.advance(Duration::hours(3));
    assert!(delivered_titles(&f).is_empty());
}

#[test]
fn completing_a_task_silences_its_reminders_and_reopening_brings_them_back() {
    let f = common::open();
    let id = task(&f, "Read chapter 5", "2026-11-24T12:00:00+09:00", &[30]);
    f.app.task_set_completed(&id, true).unwrap();
    f.clock.set(utc(2026, 11, 24, 2, 30, 0));
    assert!(delivered_titles(&f).is_empty(), "a done task does not remind");
    f.clock.set(utc(2026, 11, 24, 2, 0, 0));
    f.app.task_set_completed(&id, false).unwrap();
    f.clock.set(utc(2026, 11, 24, 2, 30, 0));
    assert_eq!(delivered_titles(&f), ["Read chapter 5"]);
}

#[test]
fn deleting_a_task_deletes_its_reminders() {
    let f = common::open();
    let id = task(&f, "Gone", "2026-11-24T12:00:00+09:00", &[30, 60]);
    assert_eq!(f.count("item_reminders"), 2);
    f.app.task_delete(&id).unwrap();
    assert_eq!(f.count("item_reminders"), 0);
    f.clock.set(utc(2026, 11, 25, 0, 0, 0));
    assert!(delivered_titles(&f).is_empty());
}

#[test]
fn an_assignment_reminder_names_its_course() {
    let f = common::open();
    let course = f.app.course_add("Linear Algebra", None::<&str>).unwrap();
    let a = f
        .app
        .assignment_add(NewAssignment {
            title: "Problem set 4".into(),
            course_id: Some(course.id.clone()),
            due_at: Some("2026-11-26T23:59:00+09:00".into()),
            ..Default::default()
        })
        .unwrap();
    f.app.item_reminders_set(&ItemRef::assignment(&a.id), &[before(1440)]).unwrap();
    f.clock.set(utc(2026, 11, 25, 14, 59, 0));
    let got = f.app.reminders_deliver_due().unwrap();
    assert_eq!(got.len(), 1);
    assert!(got[0].message.contains("Linear Algebra"), "{}", got[0].message);
}

#[test]
fn the_next_wake_is_the_earliest_of_events_tasks_and_assignments() {
    let f = common::open();
    task(&f, "Task", "2026-11-22T12:00:00+09:00", &[0]); // 03:00Z: two hours away
    f.app
        .event_add(NewEvent {
            title: "Event".into(),
            start: "2026-11-22T14:00".into(),
            reminders: vec![before(0)],
            ..Default::default()
        })
        .unwrap(); // 05:00Z
    let wake = f.app.reminder_next_wake(std::time::Duration::from_secs(86_400)).unwrap();
    assert_eq!(wake, std::time::Duration::from_secs(2 * 3600));
    assert_eq!(f.app.reminder_upcoming().unwrap().unwrap().title, "Task");
}

#[test]
fn missed_task_and_event_reminders_are_grouped_into_one_notice() {
    let f = common::open();
    task(&f, "Essay", "2026-11-23T12:00:00+09:00", &[0]);
    f.app
        .event_add(NewEvent { title: "Seminar".into(), start: "2026-11-23T14:00".into(), reminders: vec![before(0)], ..Default::default() })
        .unwrap();
    // The machine was off all day.
    f.clock.set(utc(2026, 11, 24, 0, 0, 0));
    let got = f.app.reminders_deliver_due().unwrap();
    assert_eq!(got.len(), 2);
    assert!(got.iter().all(|d| d.missed));
    let notices = notices_for(&got, false);
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].title, "2 reminders while you were away");
    assert_eq!(notices_for(&got, true)[0].title, "不在中のリマインダー 2 件");
    assert_eq!(f.app.notifications_list(50).unwrap().items.len(), 2, "each still has its row");
}

#[test]
fn two_processes_racing_deliver_each_reminder_exactly_once() {
    let f = common::open();
    for i in 0..10 {
        task(&f, &format!("Task {i}"), "2026-11-24T12:00:00+09:00", &[i]);
        f.app
            .event_add(NewEvent {
                title: format!("Event {i}"),
                start: "2026-11-24T13:00".into(),
                reminders: vec![before(i)],
                ..Default::default()
            })
            .unwrap();
    }
    f.clock.set(utc(2026, 11, 24, 4, 0, 0));
    let dir = f.dir.path().to_path_buf();
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let dir = dir.clone();
            let clock = f.clock.clone();
            std::thread::spawn(move || {
                let app = Studydesk::open(&dir, Arc::new(clock)).unwrap();
                app.reminders_deliver_due().unwrap().len()
            })
        })
        .collect();
    let total: usize = workers.into_iter().map(|w| w.join().unwrap()).sum();
    assert_eq!(total, 20);
    assert_eq!(f.count("notifications"), 20);
}

#[test]
fn the_center_marks_read_marks_all_and_clears() {
    let f = common::open();
    task(&f, "One", "2026-11-24T12:00:00+09:00", &[0]);
    task(&f, "Two", "2026-11-24T12:00:00+09:00", &[5]);
    f.clock.set(utc(2026, 11, 24, 3, 0, 0));
    assert_eq!(f.app.reminders_deliver_due().unwrap().len(), 2);
    let list = f.app.notifications_list(50).unwrap();
    assert_eq!(list.unread, 2);
    let first = &list.items[0].id;
    assert!(f.app.notification_set_read(first, true).unwrap().is_read);
    assert_eq!(f.app.notifications_list(50).unwrap().unread, 1);
    assert!(!f.app.notification_set_read(first, false).unwrap().is_read);
    assert_eq!(f.app.notifications_mark_all_read().unwrap(), 2);
    assert_eq!(f.app.notifications_list(50).unwrap().unread, 0);
    assert_eq!(f.app.notifications_clear_all().unwrap(), 2);
    assert!(f.app.notifications_list(50).unwrap().items.is_empty());
}

#[test]
fn snoozing_from_the_center_fires_again_once_and_marks_it_read() {
    let f = common::open();
    task(&f, "Snoozy", "2026-11-24T12:00:00+09:00", &[0]);
    f.clock.set(utc(2026, 11, 24, 3, 0, 0));
    assert_eq!(delivered_titles(&f), ["Snoozy"]);
    let id = f.app.notifications_list(50).unwrap().items[0].id.clone();
    let n = f.app.notification_snooze(&id, Some(10), None::<&str>).unwrap();
    assert!(n.is_read);
    f.clock.set(utc(2026, 11, 24, 3, 9, 59));
    assert!(delivered_titles(&f).is_empty());
    f.clock.set(utc(2026, 11, 24, 3, 10, 0));
    assert_eq!(delivered_titles(&f), ["Snoozy"]);
    f.clock.advance(Duration::hours(1));
    assert!(delivered_titles(&f).is_empty(), "once");
    // Until a time, for an event reminder too.
    f.app
        .event_add(NewEvent { title: "Talk".into(), start: "2026-11-24T14:00".into(), reminders: vec![before(0)], ..Default::default() })
        .unwrap();
    f.clock.set(utc(2026, 11, 24, 5, 0, 0));
    assert_eq!(delivered_titles(&f), ["Talk"]);
    let talk = f.app.notifications_list(50).unwrap().items.into_iter().find(|n| n.title == "Talk").unwrap();
    f.app.notification_snooze(&talk.id, None, Some("2026-11-24T15:30:00+09:00")).unwrap();
    f.clock.set(utc(2026, 11, 24, 6, 30, 0));
    assert_eq!(delivered_titles(&f), ["Talk"]);
}

#[test]
fn bad_arguments_are_refused_in_words_and_change_nothing() {
    let f = common::open();
    let id = task(&f, "Valid", "2026-11-24T12:00:00+09:00", &[0]);
    let item = ItemRef::task(&id);
    let refused = |r: Result<Vec<studydesk_core::planner::item_reminders::ItemReminder>, studydesk_core::CoreError>| {
        let e = r.unwrap_err();
        assert!(!e.to_string().is_empty());
        e
    };
    refused(f.app.item_reminders_set(&item, &[before(-5)]));
    refused(f.app.item_reminders_set(&item, &[NewReminder { remind_at: Some("tomorrow".into()), ..Default::default() }]));
    refused(f.app.item_reminders_set(&item, &vec![before(5); 11]));
    refused(f.app.item_reminders_set(&ItemRef::task("not-an-id"), &[before(5)]));
    refused(f.app.item_reminders_set(&ItemRef::task(&uuid_like()), &[before(5)]));
    assert_eq!(f.app.item_reminders_get(&item).unwrap().len(), 1, "the valid one is still there");

    f.clock.set(utc(2026, 11, 24, 3, 0, 0));
    assert_eq!(f.app.reminders_deliver_due().unwrap().len(), 1);
    let nid = f.app.notifications_list(50).unwrap().items[0].id.clone();
    for limit in [0, -1, 501, 10_000] {
        assert!(f.app.notifications_list(limit).is_err(), "limit {limit}");
    }
    assert!(f.app.notification_snooze(&nid, Some(0), None::<&str>).is_err());
    assert!(f.app.notification_snooze(&nid, Some(1441), None::<&str>).is_err());
    assert!(f.app.notification_snooze(&nid, None, None::<&str>).is_err(), "neither");
    assert!(f.app.notification_snooze(&nid, Some(5), Some("2026-11-24T13:00:00+09:00")).is_err(), "both");
    assert!(f.app.notification_snooze(&nid, None, Some("2026-11-24T11:00:00+09:00")).is_err(), "in the past");
    assert!(f.app.notification_snooze(&uuid_like(), Some(5), None::<&str>).is_err(), "unknown");
    assert!(f.app.notification_set_read("x'; DROP TABLE notifications; --", true).is_err());
    assert_eq!(f.app.notifications_list(50).unwrap().unread, 1, "nothing changed");
}

/// A well-formed id that names nothing.
fn uuid_like() -> String {
    "0190f7a4-1c2b-7d3e-8f40-123456789abc".into()
}
