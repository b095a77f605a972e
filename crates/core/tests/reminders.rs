//! Reminder delivery (issue 3 part 4) through the facade with a manual clock: on time to
//! the second, exactly once across reopen, clock jumps, suspend and two racing processes;
//! missed ones grouped; snooze; DST in both directions.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use std::sync::Arc;
use studydesk_core::account::settings::SettingsPatch;
use studydesk_core::api::Studydesk;
use studydesk_core::planner::calendar::delivery::notices_for;
use studydesk_core::planner::calendar::{NewEvent, NewReminder};

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
}

fn event(f: &common::Fixture, title: &str, start: &str, rrule: Option<&str>, minutes: i64) -> String {
    f.app
        .event_add(NewEvent {
            title: title.into(),
            start: start.into(),
            rrule: rrule.map(Into::into),
            reminders: vec![NewReminder { minutes_before: Some(minutes), ..Default::default() }],
            ..Default::default()
        })
        .unwrap()
        .id
}

fn fire_at(f: &common::Fixture, event_id: &str) -> String {
    f.app.event_get(event_id).unwrap().reminders[0].fire_at.clone()
}

#[test]
fn fires_at_its_second_once_with_a_notifications_row() {
    let f = common::open();
    let ev = event(&f, "Exam", "2026-11-24T13:00", None, 30); // 03:30Z
    f.clock.set(utc(2026, 11, 24, 3, 29, 59));
    assert!(f.app.reminders_deliver_due().unwrap().is_empty(), "one second early");
    f.clock.set(utc(2026, 11, 24, 3, 30, 0));
    let got = f.app.reminders_deliver_due().unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].title.as_str(), got[0].item_id.as_str(), got[0].missed), ("Exam", ev.as_str(), false));
    assert_eq!(got[0].message, "2026-11-24 13:00");
    let (kind, title, data): (String, String, String) = f
        .app
        .db()
        .read(|c| Ok(c.query_row("SELECT type, title, data FROM notifications", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?))
        .unwrap();
    assert_eq!((kind.as_str(), title.as_str()), ("reminder", "Exam"));
    let data: serde_json::Value = serde_json::from_str(&data).unwrap();
    assert_eq!(data["reminder_id"], got[0].reminder_id.as_str());
    assert_eq!(data["occurrence_start"], "2026-11-24T04:00:00.000Z");
    let notices = notices_for(&got, false);
    assert_eq!((notices.len(), notices[0].title.as_str()), (1, "Exam"));
    f.clock.advance(Duration::seconds(1));
    assert!(f.app.reminders_deliver_due().unwrap().is_empty(), "never twice");
    assert_eq!(f.count("notifications"), 1);
}

/// A series of RDATEs only (an imported timetable): its reminder moves from one extra
/// date to the next, skipping the one an EXDATE removed.
#[test]
fn a_series_of_rdates_reminds_before_each_date() {
    let f = common::open();
    let file = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:tt@x\r\n\
                DTSTART:20261124T040000Z\r\nDTEND:20261124T050000Z\r\nRDATE:20261126T060000Z,20261201T040000Z\r\n\
                EXDATE:20261126T060000Z\r\nSUMMARY:Tutorial\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT30M\r\n\
                END:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    f.app.ics_import(file.as_bytes()).unwrap();
    let id = f.app.calendar_range("2026-11-24", "2026-11-24").unwrap().items.remove(0).id;
    assert_eq!(fire_at(&f, &id), "2026-11-24T03:30:00.000Z");
    f.clock.set(utc(2026, 11, 24, 3, 30, 0));
    assert_eq!(f.app.reminders_deliver_due().unwrap().len(), 1);
    assert_eq!(fire_at(&f, &id), "2026-12-01T03:30:00.000Z", "the 26th is excluded: the next extra date");
}

#[test]
fn no_repeat_after_reopen() {
    let f = common::open();
    event(&f, "Exam", "2026-11-24T13:00", None, 30);
    f.clock.set(utc(2026, 11, 24, 3, 30, 0));
    assert_eq!(f.app.reminders_deliver_due().unwrap().len(), 1);
    let f = f.reopen();
    f.clock.advance(Duration::minutes(1));
    assert!(f.app.reminders_deliver_due().unwrap().is_empty());
    assert_eq!(f.count("notifications"), 1);
}

#[test]
fn missed_reminders_are_delivered_once_and_grouped() {
    let f = common::open();
    event(&f, "A", "2026-11-23T09:00", None, 10);
    event(&f, "B", "2026-11-23T10:00", None, 10);
    event(&f, "C", "2026-11-23T11:00", None, 10);
    // Nothing ran until the evening.
    f.clock.set(utc(2026, 11, 23, 10, 0, 0));
    let got = f.app.reminders_deliver_due().unwrap();
    assert_eq!(got.iter().map(|d| d.title.as_str()).collect::<Vec<_>>(), vec!["A", "B", "C"]);
    assert!(got.iter().all(|d| d.missed));
    let notices = notices_for(&got, false);
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].title, "3 reminders while you were away");
    assert_eq!(f.count("notifications"), 3, "one row each");
    assert!(f.app.reminders_deliver_due().unwrap().is_empty());
}

#[test]
fn within_the_grace_period_a_late_reminder_is_not_missed() {
    let f = common::open();
    event(&f, "A", "2026-11-24T13:00", None, 30);
    f.clock.set(utc(2026, 11, 24, 3, 31, 59));
    let got = f.app.reminders_deliver_due().unwrap();
    assert!(!got[0].missed);
}

#[test]
fn snooze_fires_again_once_then() {
    let f = common::open();
    event(&f, "Exam", "2026-11-24T13:00", None, 30);
    f.clock.set(utc(2026, 11, 24, 3, 30, 0));
    let got = f.app.reminders_deliver_due().unwrap();
    f.app.reminder_snooze_for(&got[0].reminder_id, 10).unwrap();
    f.clock.set(utc(2026, 11, 24, 3, 39, 59));
    assert!(f.app.reminders_deliver_due().unwrap().is_empty());
    f.clock.set(utc(2026, 11, 24, 3, 40, 0));
    assert_eq!(f.app.reminders_deliver_due().unwrap().len(), 1);
    assert!(f.app.reminders_deliver_due().unwrap().is_empty());
    assert_eq!(f.count("notifications"), 2);
    // Bad values are refused with a validation error.
    assert_eq!(f.app.reminder_snooze_for(&got[0].reminder_id, 0).unwrap_err().kind(), "validation");
    assert_eq!(f.app.reminder_snooze_for("0190f0e0-0000-7000-8000-000000000000", 5).unwrap_err().kind(), "not_found");
}

#[test]
fn dst_both_ways_in_new_york() {
    let f = common::open();
    f.app.settings_update(SettingsPatch { timezone: Some("America/New_York".into()), ..Default::default() }).unwrap();
    // Spring forward: Sunday 14 March 2027.
    let ev = event(&f, "Class", "2027-03-13T09:00", Some("FREQ=DAILY;COUNT=3"), 15);
    assert_eq!(fire_at(&f, &ev), "2027-03-13T13:45:00.000Z", "08:45 EST");
    f.clock.set(utc(2027, 3, 13, 13, 45, 0));
    assert_eq!(f.app.reminders_deliver_due().unwrap().len(), 1);
    assert_eq!(fire_at(&f, &ev), "2027-03-14T12:45:00.000Z", "08:45 EDT");
    // Fall back: Sunday 7 November 2027.
    let ev = event(&f, "Lab", "2027-11-06T09:00", Some("FREQ=DAILY;COUNT=3"), 15);
    assert_eq!(fire_at(&f, &ev), "2027-11-06T12:45:00.000Z", "08:45 EDT");
    f.clock.set(utc(2027, 11, 6, 12, 45, 0));
    let got = f.app.reminders_deliver_due().unwrap();
    assert_eq!(got.iter().filter(|d| d.title == "Lab").count(), 1);
    assert_eq!(fire_at(&f, &ev), "2027-11-07T13:45:00.000Z", "08:45 EST");
    f.clock.set(utc(2027, 11, 7, 13, 45, 0));
    let got = f.app.reminders_deliver_due().unwrap();
    assert_eq!((got.len(), got[0].missed), (1, false));
}

#[test]
fn clock_jumping_back_and_forward_neither_repeats_nor_misses() {
    let f = common::open();
    let ev = event(&f, "Daily", "2026-11-23T09:00", Some("FREQ=DAILY;COUNT=5"), 0); // 00:00Z
    f.clock.set(utc(2026, 11, 23, 0, 0, 0));
    assert_eq!(f.app.reminders_deliver_due().unwrap().len(), 1);
    // The clock goes back an hour (NTP correction): nothing comes back.
    f.clock.set(utc(2026, 11, 22, 23, 0, 0));
    assert!(f.app.reminders_deliver_due().unwrap().is_empty());
    assert_eq!(fire_at(&f, &ev), "2026-11-24T00:00:00.000Z");
    // Forward past the next one: delivered once.
    f.clock.set(utc(2026, 11, 24, 0, 0, 30));
    assert_eq!(f.app.reminders_deliver_due().unwrap().len(), 1);
    assert!(f.app.reminders_deliver_due().unwrap().is_empty());
    // The scheduler's sleep is bounded by the next fire time and by its cap.
    let cap = std::time::Duration::from_secs(30);
    assert_eq!(f.app.reminder_next_wake(cap).unwrap(), cap);
    f.clock.set(utc(2026, 11, 24, 23, 59, 50));
    assert_eq!(f.app.reminder_next_wake(cap).unwrap(), std::time::Duration::from_secs(10));
}

#[test]
fn a_suspend_of_hours_delivers_a_series_once_and_groups_the_rest() {
    let f = common::open();
    let ev = event(&f, "Daily", "2026-11-23T09:00", Some("FREQ=DAILY;COUNT=10"), 5);
    event(&f, "Lunch", "2026-11-23T12:00", None, 0);
    event(&f, "Gym", "2026-11-23T18:00", None, 0);
    f.clock.set(utc(2026, 11, 22, 23, 0, 0));
    assert!(f.app.reminders_deliver_due().unwrap().is_empty());
    // The lid was closed for 30 hours: two occurrences of the series and both events passed.
    f.clock.set(utc(2026, 11, 24, 5, 0, 0));
    let got = f.app.reminders_deliver_due().unwrap();
    assert_eq!(got.len(), 3, "the series once, not twice");
    assert!(got.iter().all(|d| d.missed));
    assert_eq!(got.iter().filter(|d| d.title == "Daily").count(), 1);
    assert_eq!(fire_at(&f, &ev), "2026-11-24T23:55:00.000Z", "the next occurrence still ahead");
    let notices = notices_for(&got, false);
    assert_eq!((notices.len(), notices[0].title.as_str()), (1, "3 reminders while you were away"));
    assert!(f.app.reminders_deliver_due().unwrap().is_empty());
}

#[test]
fn two_instances_racing_deliver_each_reminder_once() {
    let f = common::open();
    for i in 0..20 {
        event(&f, &format!("E{i}"), &format!("2026-11-23T{:02}:00", 9 + i % 10), None, i as i64);
    }
    f.clock.set(utc(2026, 11, 24, 0, 0, 0));
    let path = f.dir.path().to_path_buf();
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let path = path.clone();
            let clock = f.clock.clone();
            std::thread::spawn(move || {
                let app = Studydesk::open(&path, Arc::new(clock)).unwrap();
                let mut n = 0;
                for _ in 0..5 {
                    n += app.reminders_deliver_due().unwrap().len();
                }
                n
            })
        })
        .collect();
    let total: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(total, 20);
    assert_eq!(f.count("notifications"), 20);
}
