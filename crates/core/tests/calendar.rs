//! The Planner's calendar through the facade: events, quick add, recurrence (with DST in
//! both directions), the three edit scopes, deletes, reminders, and the range query.

mod common;

use common::{agenda, row, tz};

use chrono::{Duration, TimeZone, Utc};
use studydesk_core::planner::assignments::NewAssignment;
use studydesk_core::planner::calendar::{
    CalendarItem, CalendarItemKind, EditScope, EventMove, EventPatch, EventUpdate, NewEvent, NewReminder,
};
use studydesk_core::api::Studydesk;
use studydesk_core::planner::rows::CalendarEventSource;

fn add(f: &common::Fixture, title: &str, start: &str, end: Option<&str>, rrule: Option<&str>) -> String {
    f.app
        .event_add(NewEvent {
            title: title.into(),
            start: start.into(),
            end: end.map(Into::into),
            rrule: rrule.map(Into::into),
            ..Default::default()
        })
        .unwrap()
        .id
}

fn items(f: &common::Fixture, from: &str, to: &str) -> Vec<CalendarItem> {
    f.app.calendar_range(from, to).unwrap().items
}

fn dates(f: &common::Fixture, from: &str, to: &str) -> Vec<String> {
    items(f, from, to).into_iter().map(|i| i.date).collect()
}

#[test]
fn a_timed_event_shows_in_its_range_with_its_course_colour() {
    let f = common::open();
    let course = f.app.course_add("Linear Algebra", None::<&str>).unwrap();
    f.app.course_set_colour(&course.id, Some("#1E40AF")).unwrap();
    let ev = f
        .app
        .event_add(NewEvent {
            title: "Study group".into(),
            start: "2026-11-23T15:00".into(),
            end: Some("2026-11-23T16:30".into()),
            course_id: Some(course.id.clone()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(ev.starts_at.as_deref(), Some("2026-11-23T06:00:00.000Z"), "local time read in Asia/Tokyo");
    assert_eq!((ev.timezone.as_str(), ev.source), ("Asia/Tokyo", CalendarEventSource::Modal));
    assert!(ev.uid.as_deref().unwrap().ends_with("@studydesk"));
    let list = items(&f, "2026-11-23", "2026-11-23");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].colour.as_deref(), Some("#1e40af"));
    assert_eq!(list[0].course_name.as_deref(), Some("Linear Algebra"));
    assert!(items(&f, "2026-11-24", "2026-11-30").is_empty());
    assert!(f.app.course_set_colour(&course.id, Some("blue")).is_err());
}

#[test]
fn quick_add_parses_the_line() {
    let f = common::open();
    let ev = f.app.event_quick_add("Linear algebra study group tomorrow 15:00-16:30").unwrap();
    assert_eq!(ev.title, "Linear algebra study group");
    assert_eq!(ev.source, CalendarEventSource::Quick);
    assert_eq!((ev.starts_at.as_deref(), ev.ends_at.as_deref()), (Some("2026-11-23T06:00:00.000Z"), Some("2026-11-23T07:30:00.000Z")));
    let ja = f.app.event_quick_add("明日 15:00-16:30 線形代数勉強会").unwrap();
    assert_eq!((ja.title.as_str(), ja.event_date.as_str()), ("線形代数勉強会", "2026-11-23"));
    let all_day = f.app.event_quick_add("Library day friday").unwrap();
    assert!(all_day.all_day);
    assert_eq!(all_day.event_date, "2026-11-27");
    assert_eq!(f.app.event_quick_add("tomorrow 15:00").unwrap_err().kind(), "validation");
}

#[test]
fn all_day_and_multi_day_events_and_stable_order_inside_a_day() {
    let f = common::open();
    let trip = add(&f, "Field trip", "2026-11-20", Some("2026-11-25"), None);
    let a = add(&f, "Read", "2026-11-23", None, None);
    let b = add(&f, "Write", "2026-11-23", None, None);
    let titles: Vec<String> = items(&f, "2026-11-23", "2026-11-23").into_iter().map(|i| i.title).collect();
    // Sorted by start date (the trip began on the 20th), then the day's order.
    assert_eq!(titles, vec!["Field trip", "Read", "Write"]);
    // The multi-day event that began earlier is drawn on the range's days.
    let trip_item = items(&f, "2026-11-23", "2026-11-23").into_iter().find(|i| i.id == trip).unwrap();
    assert_eq!((trip_item.date.as_str(), trip_item.end_date.as_str(), trip_item.all_day), ("2026-11-20", "2026-11-25", true));
    // Reorder inside the day: Write before Read.
    f.app
        .event_move(EventMove { id: b.clone(), day_order: Some(vec![b.clone(), a.clone()]), ..Default::default() })
        .unwrap();
    let order: Vec<String> =
        items(&f, "2026-11-23", "2026-11-23").into_iter().filter(|i| i.id != trip).map(|i| i.title).collect();
    assert_eq!(order, vec!["Write", "Read"]);
    assert!(items(&f, "2026-11-26", "2026-11-30").is_empty());
}

#[test]
fn daily_weekly_monthly_yearly_with_interval_count_until() {
    let f = common::open();
    add(&f, "Daily", "2026-12-01T08:00", None, Some("FREQ=DAILY;COUNT=3"));
    assert_eq!(dates(&f, "2026-11-30", "2026-12-10"), ["2026-12-01", "2026-12-02", "2026-12-03"]);
    let f = common::open();
    add(&f, "Lecture", "2026-11-30T09:00", None, Some("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;UNTIL=20261231"));
    assert_eq!(
        dates(&f, "2026-11-30", "2027-01-31"),
        ["2026-11-30", "2026-12-03", "2026-12-14", "2026-12-17", "2026-12-28", "2026-12-31"]
    );
    let f = common::open();
    add(&f, "Last Friday", "2026-11-27T10:00", None, Some("FREQ=MONTHLY;BYDAY=-1FR;COUNT=4"));
    assert_eq!(dates(&f, "2026-11-01", "2027-06-30"), ["2026-11-27", "2026-12-25", "2027-01-29", "2027-02-26"]);
    let f = common::open();
    add(&f, "Rent", "2026-11-30T10:00", None, Some("FREQ=MONTHLY;BYMONTHDAY=30"));
    assert_eq!(dates(&f, "2027-01-01", "2027-04-30"), ["2027-01-30", "2027-03-30", "2027-04-30"], "February has no 30th");
    let f = common::open();
    add(&f, "Birthday", "2026-12-05", None, Some("FREQ=YEARLY"));
    let years: Vec<String> = (2027..=2030).map(|y| format!("{y}-12-05")).collect();
    for (i, y) in (2027..=2030).enumerate() {
        assert_eq!(dates(&f, &format!("{y}-12-01"), &format!("{y}-12-31")), vec![years[i].clone()]);
    }
    // Far in the future, a daily series is still found quickly and exactly.
    let f = common::open();
    add(&f, "Habit", "2026-11-22T07:00", None, Some("FREQ=DAILY;INTERVAL=3"));
    let start = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let expected: Vec<String> = (0..7)
        .map(|i| chrono::NaiveDate::from_ymd_opt(2036, 1, 1).unwrap() + Duration::days(i))
        .filter(|d| (*d - start).num_days() % 3 == 0)
        .map(|d| d.to_string())
        .collect();
    assert_eq!(dates(&f, "2036-01-01", "2036-01-07"), expected);
}

#[test]
fn weekly_at_nine_stays_at_nine_across_dst_in_new_york_and_berlin() {
    for (zone, start, from, to) in [
        ("America/New_York", "2026-10-19T09:00", "2026-10-19", "2026-11-16"), // fall back 1 Nov
        ("America/New_York", "2027-03-01T09:00", "2027-03-01", "2027-03-29"), // spring forward 14 Mar
        ("Europe/Berlin", "2026-10-12T09:00", "2026-10-12", "2026-11-09"),    // fall back 25 Oct
        ("Europe/Berlin", "2027-03-15T09:00", "2027-03-15", "2027-04-12"),    // spring forward 28 Mar
    ] {
        let f = common::open();
        tz(&f, zone);
        add(&f, "Seminar", start, Some(&start.replace("09:00", "10:00")), Some("FREQ=WEEKLY;BYDAY=MO"));
        let a = agenda(&f, from, to);
        assert_eq!(a.len(), 5, "{zone}: {a:?}");
        assert!(a.iter().all(|(_, t, _)| t == "09:00"), "{zone}: {a:?}");
        let offsets: std::collections::BTreeSet<String> =
            items(&f, from, to).iter().map(|i| i.starts_at.clone().unwrap()[11..13].to_string()).collect();
        assert_eq!(offsets.len(), 2, "{zone}: the UTC hour changes with DST");
    }
}

#[test]
fn an_event_at_a_time_that_does_not_exist_moves_forward_by_the_gap() {
    let f = common::open();
    tz(&f, "America/New_York");
    add(&f, "Early", "2027-03-07T02:30", None, Some("FREQ=DAILY;COUNT=3"));
    let a = agenda(&f, "2027-03-07", "2027-03-09");
    assert_eq!(a, vec![row("2027-03-07", "02:30", "Early"), row("2027-03-08", "02:30", "Early"), row("2027-03-09", "02:30", "Early")]);
    let f = common::open();
    tz(&f, "America/New_York");
    add(&f, "Early", "2027-03-13T02:30", None, Some("FREQ=DAILY;COUNT=2"));
    assert_eq!(agenda(&f, "2027-03-13", "2027-03-14")[1], row("2027-03-14", "03:30", "Early"));
}

#[test]
fn all_day_series_are_floating_dates() {
    let f = common::open();
    add(&f, "Gym", "2026-11-23", None, Some("FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4"));
    assert_eq!(dates(&f, "2026-11-01", "2026-12-31"), ["2026-11-23", "2026-11-25", "2026-11-30", "2026-12-02"]);
    tz(&f, "America/Los_Angeles");
    assert_eq!(dates(&f, "2026-11-01", "2026-12-31"), ["2026-11-23", "2026-11-25", "2026-11-30", "2026-12-02"]);
}

fn weekly(f: &common::Fixture) -> String {
    add(f, "Seminar", "2026-11-23T09:00", Some("2026-11-23T10:00"), Some("FREQ=WEEKLY;BYDAY=MO;COUNT=6"))
}

fn occ(f: &common::Fixture, id: &str, date: &str) -> String {
    items(f, date, date).into_iter().find(|i| i.id == id || i.series_id.as_deref() == Some(id)).unwrap().recurrence_id.unwrap()
}

#[test]
fn edit_this_occurrence_makes_an_override() {
    let f = common::open();
    let id = weekly(&f);
    let o = occ(&f, &id, "2026-11-30");
    let patch = EventPatch { title: Some("Seminar (room 204)".into()), start: Some("2026-12-01T14:00".into()), ..Default::default() };
    let ov = f.app.event_update(EventUpdate { id: id.clone(), occurrence: Some(o.clone()), scope: EditScope::This, patch }).unwrap();
    assert_eq!((ov.series_id.as_deref(), ov.recurrence_id.as_deref()), (Some(id.as_str()), Some(o.as_str())));
    assert_eq!(ov.ends_at.as_deref(), Some("2026-12-01T06:00:00.000Z"), "the length is kept");
    let a = agenda(&f, "2026-11-23", "2026-12-14");
    assert_eq!(
        a,
        vec![
            row("2026-11-23", "09:00", "Seminar"),
            row("2026-12-01", "14:00", "Seminar (room 204)"),
            row("2026-12-07", "09:00", "Seminar"),
            row("2026-12-14", "09:00", "Seminar"),
        ]
    );
    // Editing the override again updates it, never a second override.
    let patch = EventPatch { title: Some("Seminar (room 301)".into()), ..Default::default() };
    f.app.event_update(EventUpdate { id: ov.id.clone(), scope: EditScope::This, patch, ..Default::default() }).unwrap();
    assert_eq!(f.count("calendar_events"), 2);
    assert_eq!(agenda(&f, "2026-12-01", "2026-12-01")[0].2, "Seminar (room 301)");
    // An occurrence that is not one is refused.
    let bad = EventUpdate { id: id.clone(), occurrence: Some("2026-11-24T00:00:00.000Z".into()), ..Default::default() };
    assert_eq!(f.app.event_update(bad).unwrap_err().kind(), "not_found");
}

#[test]
fn edit_this_and_following_splits_the_series() {
    let f = common::open();
    let id = weekly(&f);
    let o = occ(&f, &id, "2026-12-07");
    let patch = EventPatch { start: Some("2026-12-07T11:00".into()), title: Some("Seminar II".into()), ..Default::default() };
    let tail = f.app.event_update(EventUpdate { id: id.clone(), occurrence: Some(o), scope: EditScope::Following, patch }).unwrap();
    assert_ne!(tail.id, id);
    assert_eq!(tail.rrule.as_deref(), Some("FREQ=WEEKLY;COUNT=4;BYDAY=MO"), "COUNT continues where the old series stopped");
    let head = f.app.event_get(&id).unwrap();
    assert_eq!(head.rrule.as_deref(), Some("FREQ=WEEKLY;UNTIL=20261206T235959Z;BYDAY=MO"), "the old series ends just before the split (09:00 JST = 00:00 UTC)");
    assert_ne!(head.uid, tail.uid);
    let a = agenda(&f, "2026-11-23", "2027-01-31");
    let times: Vec<(String, String)> = a.iter().map(|(d, t, title)| (format!("{d} {t}"), title.clone())).collect();
    assert_eq!(times.len(), 6);
    assert_eq!(times[1], ("2026-11-30 09:00".into(), "Seminar".into()));
    assert_eq!(times[2], ("2026-12-07 11:00".into(), "Seminar II".into()));
    assert_eq!(times[5], ("2026-12-28 11:00".into(), "Seminar II".into()));
}

#[test]
fn edit_all_shifts_the_series_with_its_exceptions_and_overrides() {
    let f = common::open();
    let id = weekly(&f);
    let o2 = occ(&f, &id, "2026-11-30");
    f.app.event_delete(&id, Some(&o2), EditScope::This).unwrap();
    let o3 = occ(&f, &id, "2026-12-07");
    let patch = EventPatch { title: Some("Moved".into()), ..Default::default() };
    f.app.event_update(EventUpdate { id: id.clone(), occurrence: Some(o3.clone()), scope: EditScope::This, patch }).unwrap();
    // Seen on the 14th: one hour later for all.
    let o4 = occ(&f, &id, "2026-12-14");
    let patch = EventPatch { start: Some("2026-12-14T10:00".into()), ..Default::default() };
    f.app.event_update(EventUpdate { id: id.clone(), occurrence: Some(o4), scope: EditScope::All, patch }).unwrap();
    let a = agenda(&f, "2026-11-23", "2027-01-31");
    assert_eq!(
        a,
        vec![
            row("2026-11-23", "10:00", "Seminar"),
            row("2026-12-07", "09:00", "Moved"),
            row("2026-12-14", "10:00", "Seminar"),
            row("2026-12-21", "10:00", "Seminar"),
            row("2026-12-28", "10:00", "Seminar"),
        ],
        "the deleted occurrence stays deleted; the override keeps its own time"
    );
    assert_eq!(f.app.event_get(&id).unwrap().sequence, 2, "each edit of the series row bumps SEQUENCE (the EXDATE, the shift)");
}

#[test]
fn delete_this_following_and_all() {
    let f = common::open();
    let id = weekly(&f);
    let o = occ(&f, &id, "2026-12-14");
    f.app.event_delete(&id, Some(&o), EditScope::Following).unwrap();
    assert_eq!(dates(&f, "2026-11-01", "2027-02-01"), ["2026-11-23", "2026-11-30", "2026-12-07"]);
    let o = occ(&f, &id, "2026-11-30");
    f.app.event_delete(&id, Some(&o), EditScope::This).unwrap();
    assert_eq!(f.app.event_get(&id).unwrap().exdates, vec![o.clone()]);
    assert_eq!(dates(&f, "2026-11-01", "2027-02-01"), ["2026-11-23", "2026-12-07"]);
    f.app.event_delete(&id, Some(&occ(&f, &id, "2026-12-07")), EditScope::All).unwrap();
    assert!(items(&f, "2026-11-01", "2027-02-01").is_empty());
    assert_eq!(f.count("calendar_events"), 0);
    assert_eq!(f.app.event_delete(&id, None::<&str>, EditScope::All).unwrap_err().kind(), "not_found");
}

#[test]
fn moving_keeps_the_length_and_the_time_of_day() {
    let f = common::open();
    let id = add(&f, "Exam", "2026-11-24T13:00", Some("2026-11-24T15:00"), None);
    let moved = f.app.event_move(EventMove { id: id.clone(), date: Some("2026-11-26".into()), ..Default::default() }).unwrap();
    assert_eq!((moved.starts_at.as_deref(), moved.ends_at.as_deref()), (Some("2026-11-26T04:00:00.000Z"), Some("2026-11-26T06:00:00.000Z")));
    let moved = f.app.event_move(EventMove { id, start: Some("2026-11-26T16:30:00+09:00".into()), ..Default::default() }).unwrap();
    assert_eq!(moved.ends_at.as_deref(), Some("2026-11-26T09:30:00.000Z"));
}

#[test]
fn assignment_due_dates_are_calendar_items() {
    let f = common::open();
    f.app
        .assignment_add(NewAssignment { title: "Problem set 4".into(), due_at: Some("2026-11-25T23:59:00+09:00".into()), ..Default::default() })
        .unwrap();
    add(&f, "Office hours", "2026-11-25T10:00", None, None);
    let list = items(&f, "2026-11-25", "2026-11-25");
    let kinds: Vec<(CalendarItemKind, &str)> = list.iter().map(|i| (i.kind, i.title.as_str())).collect();
    assert_eq!(kinds, vec![(CalendarItemKind::Event, "Office hours"), (CalendarItemKind::Assignment, "Problem set 4")]);
}

#[test]
fn invalid_input_is_refused_and_writes_nothing() {
    let f = common::open();
    let before = f.footprint();
    let try_add = |start: &str, end: Option<&str>, rrule: Option<&str>| {
        f.app
            .event_add(NewEvent { title: "x".into(), start: start.into(), end: end.map(Into::into), rrule: rrule.map(Into::into), ..Default::default() })
            .unwrap_err()
    };
    assert!(try_add("2026-11-23T10:00", Some("2026-11-23T09:00"), None).to_string().contains("end must not be before start"));
    assert!(try_add("tomorrow", None, None).to_string().contains("start must be a date"));
    assert!(try_add("2026-11-23T10:00", None, Some("FREQ=HOURLY")).to_string().contains("FREQ=HOURLY is not supported"));
    assert!(try_add("2026-11-23T10:00", None, Some("FREQ=DAILY;BYHOUR=9")).to_string().contains("BYHOUR=9 is not supported"));
    assert!(try_add("2026-11-23T10:00", None, Some("FREQ=DAILY;COUNT=2;UNTIL=20270101")).to_string().contains("COUNT or UNTIL"));
    assert!(try_add("2026-11-23T10:00", None, Some("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30")).to_string().contains("never produces"));
    assert!(try_add("3026-11-23", None, None).to_string().contains("between the years"));
    assert_eq!(f.footprint(), before);
    assert_eq!(f.count("calendar_events"), 0);
    assert!(f.app.calendar_range("2026-01-01", "2028-01-01").unwrap_err().to_string().contains("at most 400 days"));
}

#[test]
fn reminders_fire_before_the_event_and_follow_it() {
    let f = common::open();
    let ev = f
        .app
        .event_add(NewEvent {
            title: "Exam".into(),
            start: "2026-11-24T13:00".into(),
            reminders: vec![
                NewReminder { minutes_before: Some(30), ..Default::default() },
                NewReminder { remind_at: Some("2026-11-23T20:00:00+09:00".into()), ..Default::default() },
            ],
            ..Default::default()
        })
        .unwrap();
    let fire: Vec<&str> = ev.reminders.iter().map(|r| r.fire_at.as_str()).collect();
    assert_eq!(fire, vec!["2026-11-24T03:30:00.000Z", "2026-11-23T11:00:00.000Z"]);
    // The next one to fire, then the due list when its time comes.
    assert_eq!(f.app.reminder_next().unwrap().unwrap().fire_at, "2026-11-23T11:00:00.000Z");
    f.clock.set(Utc.with_ymd_and_hms(2026, 11, 23, 11, 0, 0).unwrap());
    let due = f.app.reminders_due().unwrap();
    assert_eq!((due.len(), due[0].title.as_str()), (1, "Exam"));
    f.app.reminder_delivered(&due[0].reminder_id).unwrap();
    assert!(f.app.reminders_due().unwrap().is_empty(), "never twice");
    // Moving the event moves its relative reminder.
    let moved = f.app.event_move(EventMove { id: ev.id.clone(), start: Some("2026-11-25T13:00".into()), ..Default::default() }).unwrap();
    let rel = moved.reminders.iter().find(|r| r.minutes_before == Some(30)).unwrap();
    assert_eq!((rel.fire_at.as_str(), rel.delivered_at.as_deref()), ("2026-11-25T03:30:00.000Z", None));
}

#[test]
fn a_series_reminder_is_for_the_next_occurrence_and_advances_when_delivered() {
    let f = common::open();
    let ev = f
        .app
        .event_add(NewEvent {
            title: "Seminar".into(),
            start: "2026-11-16T09:00".into(),
            rrule: Some("FREQ=WEEKLY;BYDAY=MO;COUNT=4".into()),
            reminders: vec![NewReminder { minutes_before: Some(15), ..Default::default() }],
            ..Default::default()
        })
        .unwrap();
    // Now is Sunday 22 Nov: the 16 Nov occurrence is past, so the 23rd's is next.
    assert_eq!(ev.reminders[0].fire_at, "2026-11-22T23:45:00.000Z");
    // Deleting that occurrence moves the reminder to the one after.
    let o = occ(&f, &ev.id, "2026-11-23");
    f.app.event_delete(&ev.id, Some(&o), EditScope::This).unwrap();
    let r = &f.app.event_get(&ev.id).unwrap().reminders[0];
    assert_eq!(r.fire_at, "2026-11-29T23:45:00.000Z");
    // Delivered on time: on to the next (and last) occurrence.
    f.clock.set(Utc.with_ymd_and_hms(2026, 11, 29, 23, 45, 0).unwrap());
    let due = f.app.reminders_due().unwrap();
    assert_eq!(due[0].occurrence_start.as_deref(), Some("2026-11-30T00:00:00.000Z"));
    f.app.reminder_delivered(&due[0].reminder_id).unwrap();
    let r = &f.app.event_get(&ev.id).unwrap().reminders[0];
    assert_eq!((r.fire_at.as_str(), r.delivered_at.is_none()), ("2026-12-06T23:45:00.000Z", true));
    // The last one delivered: nothing left.
    f.clock.set(Utc.with_ymd_and_hms(2026, 12, 6, 23, 50, 0).unwrap());
    f.app.reminder_delivered(&r.id).unwrap();
    assert!(f.app.event_get(&ev.id).unwrap().reminders[0].delivered_at.is_some());
    assert!(f.app.reminder_next().unwrap().is_none());
}

#[test]
fn snooze_moves_the_reminder() {
    let f = common::open();
    let ev = f
        .app
        .event_add(NewEvent {
            title: "Call".into(),
            start: "2026-11-22T11:00".into(),
            reminders: vec![NewReminder { minutes_before: Some(10), ..Default::default() }],
            ..Default::default()
        })
        .unwrap();
    f.clock.advance(Duration::minutes(50));
    let due = f.app.reminders_due().unwrap();
    assert_eq!(due.len(), 1);
    f.app.reminder_snooze(&due[0].reminder_id, "2026-11-22T11:05:00+09:00").unwrap();
    assert!(f.app.reminders_due().unwrap().is_empty());
    assert_eq!(f.app.event_get(&ev.id).unwrap().reminders[0].fire_at, "2026-11-22T02:05:00.000Z");
}

/// The month view keeps decoded series between reads (`SeriesCache`): every kind of
/// change must still show at once: a series added, edited or deleted here, and one
/// written by another process on the same file.
#[test]
fn the_month_view_sees_every_change_to_series() {
    let f = common::open();
    let titles = |f: &common::Fixture| -> Vec<String> {
        let mut t: Vec<String> = items(f, "2026-11-30", "2026-12-06").into_iter().map(|i| i.title).collect();
        t.dedup();
        t
    };
    assert!(titles(&f).is_empty());
    let id = add(&f, "Seminar", "2026-11-02T18:00", None, Some("FREQ=WEEKLY"));
    assert_eq!(titles(&f), ["Seminar"]);
    assert_eq!(titles(&f), ["Seminar"], "a second read (from the cache) is the same");
    f.app
        .event_update(EventUpdate {
            id: id.clone(),
            occurrence: None,
            scope: EditScope::All,
            patch: EventPatch { title: Some("Seminar (room 4)".into()), ..Default::default() },
        })
        .unwrap();
    assert_eq!(titles(&f), ["Seminar (room 4)"]);
    // Another process (the CLI, the headless reminder run) adds a series to the same file.
    let other = Studydesk::open(f.dir.path(), std::sync::Arc::new(f.clock.clone())).unwrap();
    other
        .event_add(NewEvent { title: "Choir".into(), start: "2026-11-03T19:00".into(), rrule: Some("FREQ=WEEKLY".into()), ..Default::default() })
        .unwrap();
    assert_eq!(titles(&f), ["Seminar (room 4)", "Choir"]);
    f.app.event_delete(&id, None::<&str>, EditScope::All).unwrap();
    assert_eq!(titles(&f), ["Choir"]);
}
