//! ICS import and export: vendor-shaped fixtures, re-import by UID, import -> export ->
//! import, RFC 5545 output rules, malformed / partly unsupported / hostile files, and a
//! proptest fuzz of the reader and of the whole import.

mod common;

use common::{agenda, row, tz};

use proptest::prelude::*;
use studydesk_core::planner::calendar::ics::{self, parse};
use studydesk_core::planner::calendar::{EditScope, NewEvent, NewReminder};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/ics/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn reasons(r: &ics::IcsImportReport) -> Vec<String> {
    r.skipped.iter().map(|n| format!("{}: {}", n.line, n.reason)).collect()
}

// ---- vendor fixtures -------------------------------------------------------------------

#[test]
fn google_calendar_shaped_file() {
    let f = common::open();
    tz(&f, "America/New_York");
    let r = f.app.ics_import(&fixture("google.ics")).unwrap();
    assert_eq!((r.created, r.updated, r.unchanged), (4, 0, 0), "{:?}", reasons(&r));
    assert!(r.skipped.is_empty(), "{:?}", reasons(&r));
    let a = agenda(&f, "2026-10-19", "2026-10-28");
    assert_eq!(
        a,
        vec![
            row("2026-10-19", "09:00", "Linear Algebra lecture"),
            row("2026-10-21", "14:00", "Linear Algebra lecture (moved to the afternoon)"),
            row("2026-10-26", "09:00", "Linear Algebra lecture"),
        ],
        "the cancelled occurrence of the 28th is gone"
    );
    // After the DST change (1 Nov) still 09:00; the EXDATE of 25 Nov and the all-day break.
    let a = agenda(&f, "2026-11-23", "2026-11-27");
    assert_eq!(
        a,
        vec![
            row("2026-11-23", "09:00", "Linear Algebra lecture"),
            row("2026-11-26", "all-day", "Thanksgiving break"),
        ]
    );
    // UNTIL 10 Dec 23:59:59 local: the 9th is the last.
    let last = agenda(&f, "2026-12-01", "2026-12-31");
    assert_eq!(last.iter().filter(|x| x.2 == "Linear Algebra lecture").count(), 3, "{last:?}");
    assert!(last.contains(&row("2026-12-03", "14:00", "Final review session (online)")));
    let lecture = f.app.calendar_range("2026-11-23", "2026-11-23").unwrap().items.remove(0);
    let ev = f.app.event_get(&lecture.id).unwrap();
    assert_eq!(ev.notes.as_deref(), Some("Bring the textbook, chapter 4\nand a calculator"));
    assert_eq!(ev.location.as_deref(), Some("Hall B"), "LOCATION has its own field, not the notes");
    assert_eq!((ev.reminders.len(), ev.reminders[0].minutes_before), (1, Some(15)));
    assert_eq!(ev.sequence, 2);
}

#[test]
fn apple_calendar_shaped_file() {
    let f = common::open();
    tz(&f, "Europe/Berlin");
    let r = f.app.ics_import(&fixture("apple.ics")).unwrap();
    assert_eq!(r.created, 2, "{:?}", reasons(&r));
    let notes = reasons(&r);
    assert!(notes.iter().any(|n| n.contains("X-APPLE-TRAVEL-ADVISORY-BEHAVIOR ignored")), "{notes:?}");
    let a = agenda(&f, "2026-10-20", "2026-11-03");
    assert_eq!(
        a,
        vec![
            row("2026-10-20", "10:00", "Lerngruppe Analysis"),
            row("2026-10-27", "10:00", "Lerngruppe Analysis"),
            row("2026-11-03", "10:00", "Lerngruppe Analysis"),
        ],
        "10:00 before and after the 25 Oct change"
    );
    assert_eq!(agenda(&f, "2026-12-08", "2026-12-31"), vec![row("2026-12-08", "10:00", "Lerngruppe Analysis")]);
    let deadline = f.app.calendar_range("2026-11-15", "2026-11-15").unwrap().items.remove(0);
    let ev = f.app.event_get(&deadline.id).unwrap();
    assert!(ev.all_day);
    assert_eq!(ev.reminders[0].remind_at.as_deref(), Some("2026-11-14T08:00:00.000Z"));
}

#[test]
fn outlook_shaped_file_with_windows_zone_names() {
    let f = common::open();
    let r = f.app.ics_import(&fixture("outlook.ics")).unwrap();
    assert_eq!(r.created, 2, "{:?}", reasons(&r));
    assert!(!reasons(&r).iter().any(|n| n.contains("time zone")), "Windows names are known: {:?}", reasons(&r));
    let a = agenda(&f, "2026-12-01", "2027-03-31");
    assert_eq!(
        a,
        vec![
            row("2026-12-01", "15:00", "Thesis meeting"),
            row("2026-12-10", "18:00", "Call with exchange office (Berlin)"),
            row("2027-01-05", "15:00", "Thesis meeting"),
            row("2027-02-02", "15:00", "Thesis meeting"),
        ]
    );
    let id = f.app.calendar_range("2026-12-01", "2026-12-01").unwrap().items.remove(0).id;
    let ev = f.app.event_get(&id).unwrap();
    assert!(ev.uid.as_deref().unwrap().ends_with("012345678901234567890123456789012"), "the folded UID is whole");
    assert_eq!(ev.timezone, "Asia/Tokyo");
}

#[test]
fn thunderbird_shaped_file_skips_the_todo_and_sets_the_course() {
    let f = common::open();
    tz(&f, "Europe/London");
    let chem = f.app.course_add("Chemistry", None::<&str>).unwrap();
    let r = f.app.ics_import(&fixture("thunderbird.ics")).unwrap();
    assert_eq!(r.created, 1);
    let notes = reasons(&r);
    assert!(notes.contains(&"41: VTODO skipped (only events are imported)".to_string()), "{notes:?}");
    assert!(notes.iter().any(|n| n.contains("X-MOZ-GENERATION ignored")), "{notes:?}");
    let items = f.app.calendar_range("2026-10-01", "2026-12-31").unwrap().items;
    let dates: Vec<&str> = items.iter().map(|i| i.date.as_str()).collect();
    assert_eq!(dates, ["2026-10-15", "2026-10-22", "2026-10-29", "2026-11-05", "2026-11-12", "2026-11-26", "2026-12-03"], "8 minus the EXDATE");
    assert!(items.iter().all(|i| i.course_id.as_deref() == Some(chem.id.as_str())));
}

// ---- re-import, round trip, output rules ------------------------------------------------

#[test]
fn reimporting_the_same_file_updates_by_uid_and_never_duplicates() {
    let f = common::open();
    for name in ["google.ics", "apple.ics", "outlook.ics", "thunderbird.ics"] {
        f.app.ics_import(&fixture(name)).unwrap();
    }
    let rows = f.count("calendar_events");
    let reminders = f.count("calendar_event_reminders");
    let changes = f.count("sync_changes");
    for name in ["google.ics", "apple.ics", "outlook.ics", "thunderbird.ics"] {
        let r = f.app.ics_import(&fixture(name)).unwrap();
        assert_eq!((r.created, r.updated), (0, 0), "{name}: {:?}", reasons(&r));
    }
    assert_eq!((f.count("calendar_events"), f.count("calendar_event_reminders")), (rows, reminders));
    assert_eq!(f.count("sync_changes"), changes, "an unchanged import writes nothing");
    // A changed title with a higher SEQUENCE updates the one event.
    let changed = String::from_utf8(fixture("thunderbird.ics")).unwrap().replace("SUMMARY:Chemistry lab", "SUMMARY:Chem lab").replace("SEQUENCE:1", "SEQUENCE:2");
    let r = f.app.ics_import(changed.as_bytes()).unwrap();
    assert_eq!((r.created, r.updated), (0, 1));
    assert_eq!(f.count("calendar_events"), rows);
}

#[test]
fn a_local_edit_wins_over_an_older_file() {
    let f = common::open();
    f.app.ics_import(&fixture("thunderbird.ics")).unwrap();
    let id = f.app.calendar_range("2026-10-15", "2026-10-15").unwrap().items.remove(0).id;
    let patch = studydesk_core::planner::calendar::EventPatch { title: Some("Chem lab (my notes)".into()), ..Default::default() };
    f.app
        .event_update(studydesk_core::planner::calendar::EventUpdate { id: id.clone(), scope: EditScope::All, patch, ..Default::default() })
        .unwrap();
    let r = f.app.ics_import(&fixture("thunderbird.ics")).unwrap();
    assert!(reasons(&r).iter().any(|n| n.contains("changed here since")), "{:?}", reasons(&r));
    assert_eq!(f.app.event_get(&id).unwrap().title, "Chem lab (my notes)");
}

/// Everything that must survive a round trip, per event.
fn snapshot(f: &common::Fixture) -> Vec<String> {
    let mut out = Vec::new();
    let items = f.app.calendar_range("2026-09-01", "2027-09-30").unwrap().items;
    for i in items {
        let ev = f.app.event_get(&i.id).unwrap();
        let mut rem: Vec<String> =
            ev.reminders.iter().map(|r| format!("{:?}/{:?}", r.minutes_before, r.remind_at)).collect();
        rem.sort();
        out.push(format!(
            "{} {:?} {:?} {} {} | {} | {:?} {:?} | {:?} | {:?} {:?} {:?} | {}",
            i.date, i.starts_at, i.ends_at, i.all_day, i.title, ev.notes.unwrap_or_default(), ev.location, ev.url, ev.rrule,
            ev.exdates, ev.rdates, ev.recurrence_id, rem.join(",")
        ));
    }
    out
}

#[test]
fn import_export_import_gives_the_same_events() {
    for name in ["google.ics", "apple.ics", "outlook.ics", "thunderbird.ics"] {
        let a = common::open();
        tz(&a, "America/New_York");
        a.app.ics_import(&fixture(name)).unwrap();
        let exported = a.app.ics_export(None::<&str>, None::<&str>).unwrap();
        let b = common::open();
        tz(&b, "America/New_York");
        let r = b.app.ics_import(exported.as_bytes()).unwrap();
        assert!(r.skipped.is_empty(), "{name}: our own export imports cleanly: {:?}", reasons(&r));
        assert_eq!(snapshot(&a), snapshot(&b), "{name}");
        // And exporting again gives the same file (apart from the timestamps of this run).
        let strip = |s: &str| s.lines().filter(|l| !l.starts_with("CREATED") && !l.starts_with("LAST-MODIFIED")).collect::<Vec<_>>().join("\n");
        assert_eq!(strip(&exported), strip(&b.app.ics_export(None::<&str>, None::<&str>).unwrap()), "{name}");
    }
}

#[test]
fn export_follows_rfc_5545() {
    let f = common::open();
    tz(&f, "America/New_York");
    f.app
        .event_add(NewEvent {
            title: "Review; chapters 1, 2 \\ 3 — 線形代数の復習をする長いタイトルです".into(),
            notes: Some("line one\nline two".into()),
            start: "2026-11-23T09:00".into(),
            end: Some("2026-11-23T10:00".into()),
            rrule: Some("FREQ=WEEKLY;BYDAY=MO;UNTIL=20270301".into()),
            reminders: vec![NewReminder { minutes_before: Some(10), ..Default::default() }],
            ..Default::default()
        })
        .unwrap();
    f.app.event_add(NewEvent { title: "Holiday".into(), start: "2026-12-24".into(), end: Some("2026-12-26".into()), ..Default::default() }).unwrap();
    let text = f.app.ics_export(None::<&str>, None::<&str>).unwrap();
    assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Studydesk//"));
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    assert!(!text.replace("\r\n", "").contains('\n'), "every line ends with CRLF");
    assert!(text.split("\r\n").all(|l| l.len() <= 75), "folded at 75 octets");
    let unfolded = text.replace("\r\n ", "");
    assert!(unfolded.contains("SUMMARY:Review\\; chapters 1\\, 2 \\\\ 3 — 線形代数"), "{unfolded}");
    assert!(unfolded.contains("DESCRIPTION:line one\\nline two"));
    assert!(unfolded.contains("DTSTART;TZID=America/New_York:20261123T090000"));
    assert!(unfolded.contains("RRULE:FREQ=WEEKLY;UNTIL=20270302T045959Z;BYDAY=MO"));
    assert!(unfolded.contains("BEGIN:VTIMEZONE\r\nTZID:America/New_York"));
    assert!(unfolded.contains("TZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nTZNAME:EDT"));
    assert!(unfolded.contains("DTSTART;VALUE=DATE:20261224\r\nDTEND;VALUE=DATE:20261227"), "exclusive DTEND");
    assert!(unfolded.contains("TRIGGER:-PT10M"));
    assert_eq!(unfolded.matches("DTSTAMP:20261122T010000Z").count(), 2);
    assert_eq!(unfolded.matches("\r\nUID:").count(), 2);
    // A range exports only what happens in it.
    let dec = f.app.ics_export(Some("2026-12-24"), Some("2026-12-24")).unwrap();
    assert!(dec.contains("SUMMARY:Holiday") && !dec.contains("SUMMARY:Review"));
    let nov = f.app.ics_export(Some("2026-11-30"), Some("2026-11-30")).unwrap();
    assert!(nov.contains("SUMMARY:Review") && !nov.contains("SUMMARY:Holiday"));
}

// ---- RDATE, LOCATION, URL (issue 18) -------------------------------------------------------

/// Every RDATE form on three series (user zone Berlin, CET in November):
/// - "Field trip", all-day, weekly twice from Mon 2 Nov, plus the dates 5 and 9 Nov (the
///   9th is also the rule's: shown once);
/// - "Seminar", 10:00-11:30 Berlin, weekly twice from Mon 2 Nov, plus a DATE-TIME with
///   TZID (4 Nov 14:00), in UTC (6 Nov 13:00Z = 14:00), floating (7 Nov 09:00, read in the
///   user's zone), a PERIOD with an end two hours later (10 Nov 15:00Z: another length,
///   noted), a PERIOD with a duration equal to the event's (11 Nov 15:00Z), and a DATE (12
///   Nov, at the series' 10:00);
/// - "Office hour", RDATEs only (no RRULE), 09:00Z on 20 Nov, 27 Nov and 4 Dec, with an
///   EXDATE on 27 Nov.
const RDATE_FILE: &str = concat!(
    "BEGIN:VEVENT\r\nUID:trip@x\r\nDTSTART;VALUE=DATE:20261102\r\nDTEND;VALUE=DATE:20261103\r\n",
    "RRULE:FREQ=WEEKLY;COUNT=2\r\nRDATE;VALUE=DATE:20261105,20261109\r\nSUMMARY:Field trip\r\nEND:VEVENT\r\n",
    "BEGIN:VEVENT\r\nUID:seminar@x\r\nDTSTART;TZID=Europe/Berlin:20261102T100000\r\nDTEND;TZID=Europe/Berlin:20261102T113000\r\n",
    "RRULE:FREQ=WEEKLY;COUNT=2\r\nRDATE;TZID=Europe/Berlin:20261104T140000\r\nRDATE:20261106T130000Z\r\nRDATE:20261107T090000\r\n",
    "RDATE;VALUE=PERIOD:20261110T150000Z/20261110T170000Z\r\nRDATE;VALUE=PERIOD:20261111T150000Z/PT1H30M\r\n",
    "RDATE;VALUE=DATE:20261112\r\nSUMMARY:Seminar\r\nEND:VEVENT\r\n",
    "BEGIN:VEVENT\r\nUID:office@x\r\nDTSTART:20261120T090000Z\r\nDTEND:20261120T100000Z\r\n",
    "RDATE:20261127T090000Z,20261204T090000Z\r\nEXDATE:20261127T090000Z\r\nSUMMARY:Office hour\r\nEND:VEVENT\r\n",
);

fn rdate_agenda() -> Vec<(String, String, String)> {
    vec![
        row("2026-11-02", "all-day", "Field trip"),
        row("2026-11-02", "10:00", "Seminar"),
        row("2026-11-04", "14:00", "Seminar"),
        row("2026-11-05", "all-day", "Field trip"),
        row("2026-11-06", "14:00", "Seminar"),
        row("2026-11-07", "09:00", "Seminar"),
        row("2026-11-09", "all-day", "Field trip"),
        row("2026-11-09", "10:00", "Seminar"),
        row("2026-11-10", "16:00", "Seminar"),
        row("2026-11-11", "16:00", "Seminar"),
        row("2026-11-12", "10:00", "Seminar"),
        row("2026-11-20", "10:00", "Office hour"),
        row("2026-12-04", "10:00", "Office hour"),
    ]
}

#[test]
fn every_rdate_form_is_imported_expanded_and_exported() {
    let f = common::open();
    tz(&f, "Europe/Berlin");
    let file = cal(RDATE_FILE);
    let r = f.app.ics_import(file.as_bytes()).unwrap();
    assert_eq!(r.created, 3, "{:?}", reasons(&r));
    // Only the period of another length is noted, on its own line.
    let period_line = file.lines().position(|l| l.contains("20261110T150000Z/")).unwrap() + 1;
    assert_eq!(
        reasons(&r),
        vec![format!("{period_line}: RDATE period with another length than the event's: its start was kept, with the event's length")]
    );
    assert_eq!(agenda(&f, "2026-11-01", "2026-12-10"), rdate_agenda());
    // Every occurrence keeps the event's length (the 2-hour period too).
    let tenth = f.app.calendar_range("2026-11-10", "2026-11-10").unwrap().items.remove(0);
    assert_eq!((tenth.starts_at.as_deref(), tenth.ends_at.as_deref()), (Some("2026-11-10T15:00:00.000Z"), Some("2026-11-10T16:30:00.000Z")));
    assert!(tenth.recurring && tenth.series_id.is_some(), "an RDATE occurrence is an occurrence of the series");
    // The RDATE-only event is a series: its occurrences can be edited one at a time.
    let office = f.app.calendar_range("2026-12-04", "2026-12-04").unwrap().items.remove(0);
    assert!(office.recurring, "{office:?}");
    // Importing the same file again changes nothing.
    let again = f.app.ics_import(file.as_bytes()).unwrap();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 3));

    let exported = f.app.ics_export(None::<&str>, None::<&str>).unwrap();
    let unfolded = exported.replace("\r\n ", "");
    assert!(unfolded.contains("RDATE;VALUE=DATE:20261105,20261109\r\n"), "{unfolded}");
    assert!(
        unfolded.contains("RDATE;TZID=Europe/Berlin:20261104T140000,20261106T140000,20261107T090000,20261110T160000,20261111T160000,20261112T100000\r\n"),
        "{unfolded}"
    );
    let office_vevent = unfolded.split("BEGIN:VEVENT").find(|v| v.contains("SUMMARY:Office hour")).unwrap();
    assert!(office_vevent.contains("RDATE:20261127T090000Z,20261204T090000Z\r\n"), "{office_vevent}");
    assert!(office_vevent.contains("EXDATE:20261127T090000Z\r\n"), "{office_vevent}");
    assert!(!office_vevent.contains("RRULE"), "a series of RDATEs only is written without a rule: {office_vevent}");
    assert!(unfolded.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin"));

    let b = common::open();
    tz(&b, "Europe/Berlin");
    let r = b.app.ics_import(exported.as_bytes()).unwrap();
    assert!(r.skipped.is_empty(), "our own export imports cleanly: {:?}", reasons(&r));
    assert_eq!(agenda(&b, "2026-11-01", "2026-12-10"), rdate_agenda());
    assert_eq!(snapshot(&f), snapshot(&b));
}

#[test]
fn an_rdate_occurrence_is_edited_and_deleted_like_the_rule_s() {
    let f = common::open();
    tz(&f, "Europe/Berlin");
    f.app.ics_import(cal(RDATE_FILE).as_bytes()).unwrap();
    let at = |d: &str, title: &str| {
        f.app.calendar_range(d, d).unwrap().items.into_iter().find(|i| i.title == title).unwrap()
    };
    // Deleting "this" RDATE occurrence excludes it (an EXDATE).
    let fourth = at("2026-11-04", "Seminar");
    f.app.event_delete(&fourth.id, fourth.recurrence_id.as_deref(), EditScope::This).unwrap();
    assert!(agenda(&f, "2026-11-04", "2026-11-04").is_empty());
    assert_eq!(f.app.event_get(&fourth.id).unwrap().exdates, vec!["2026-11-04T13:00:00.000Z".to_string()]);
    // "This and following" from an extra date the weekly rule does not give is refused in words.
    let sixth = at("2026-11-06", "Seminar");
    let patch = studydesk_core::planner::calendar::EventPatch { title: Some("Seminar (new room)".into()), ..Default::default() };
    let up = studydesk_core::planner::calendar::EventUpdate {
        id: sixth.id.clone(),
        occurrence: sixth.recurrence_id.clone(),
        scope: EditScope::Following,
        patch: patch.clone(),
    };
    let why = common::refused(f.app.event_update(up));
    assert!(why.contains("cannot start at an extra date"), "{why}");
    // On a series of RDATEs only it splits there: the later dates go to the new series.
    let nov = at("2026-11-20", "Office hour");
    let series_id = nov.series_id.clone().unwrap();
    let ev = f.app.event_get(&series_id).unwrap();
    assert_eq!(ev.rdates, vec!["2026-11-27T09:00:00.000Z".to_string(), "2026-12-04T09:00:00.000Z".to_string()]);
    let dec = at("2026-12-04", "Office hour");
    let up = studydesk_core::planner::calendar::EventUpdate {
        id: dec.id.clone(),
        occurrence: dec.recurrence_id.clone(),
        scope: EditScope::Following,
        patch: studydesk_core::planner::calendar::EventPatch { title: Some("Office hour (moved)".into()), ..Default::default() },
    };
    f.app.event_update(up).unwrap();
    assert_eq!(
        agenda(&f, "2026-11-15", "2026-12-10"),
        vec![row("2026-11-20", "10:00", "Office hour"), row("2026-12-04", "10:00", "Office hour (moved)")]
    );
    // "All" moving the start by a day moves the extra dates with it.
    let trip = at("2026-11-02", "Field trip");
    let up = studydesk_core::planner::calendar::EventUpdate {
        id: trip.id.clone(),
        occurrence: trip.recurrence_id.clone(),
        scope: EditScope::All,
        patch: studydesk_core::planner::calendar::EventPatch { start: Some("2026-11-03".into()), ..Default::default() },
    };
    f.app.event_update(up).unwrap();
    let trips: Vec<String> = agenda(&f, "2026-11-01", "2026-11-30").into_iter().filter(|a| a.2 == "Field trip").map(|a| a.0).collect();
    assert_eq!(trips, vec!["2026-11-03", "2026-11-06", "2026-11-10"]);
}

#[test]
fn rdates_past_the_limit_are_noted_and_the_first_ones_kept() {
    let f = common::open();
    let max = studydesk_core::planner::calendar::model::MAX_RDATES;
    let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let dates: Vec<String> = (1..=max as i64 + 5).map(|i| (start + chrono::Duration::days(i)).format("%Y%m%d").to_string()).collect();
    let file = cal(&format!(
        "BEGIN:VEVENT\r\nUID:many@x\r\nDTSTART;VALUE=DATE:20260101\r\nRDATE;VALUE=DATE:{}\r\nSUMMARY:Many\r\nEND:VEVENT\r\n",
        dates.join(",")
    ));
    let r = f.app.ics_import(file.as_bytes()).unwrap();
    assert_eq!(reasons(&r), vec![format!("4: only the first {max} RDATE values of the event were kept (5 dropped)")]);
    let id = f.app.calendar_range("2026-01-01", "2026-01-01").unwrap().items.remove(0).id;
    let ev = f.app.event_get(&id).unwrap();
    assert_eq!(ev.rdates.len(), max);
    assert_eq!(ev.rdates.last().map(String::as_str), Some("2028-09-27"), "the first {max} in date order");
    // An RDATE before DTSTART is dropped with a note (the range finds a series from its start).
    let early = cal("BEGIN:VEVENT\r\nUID:early@x\r\nDTSTART:20261110T090000Z\r\nRDATE:20261101T090000Z,20261120T090000Z\r\nSUMMARY:Early\r\nEND:VEVENT\r\n");
    let r = f.app.ics_import(early.as_bytes()).unwrap();
    assert_eq!(reasons(&r), vec!["4: 1 RDATE value(s) before DTSTART dropped".to_string()]);
}

#[test]
fn location_and_url_are_kept_edited_and_exported() {
    let f = common::open();
    tz(&f, "Europe/Berlin");
    let file = cal(concat!(
        "BEGIN:VEVENT\r\nUID:loc@x\r\nDTSTART:20261123T090000Z\r\nSUMMARY:Lab\r\nDESCRIPTION:Bring goggles\r\n",
        "LOCATION:Building 5\\, room 2.14\r\nURL:https://example.org/lab?week=3&group=b\r\nEND:VEVENT\r\n",
    ));
    f.app.ics_import(file.as_bytes()).unwrap();
    let item = f.app.calendar_range("2026-11-23", "2026-11-23").unwrap().items.remove(0);
    assert_eq!(item.location.as_deref(), Some("Building 5, room 2.14"));
    assert_eq!(item.url.as_deref(), Some("https://example.org/lab?week=3&group=b"));
    let ev = f.app.event_get(&item.id).unwrap();
    assert_eq!(ev.notes.as_deref(), Some("Bring goggles"));
    let exported = f.app.ics_export(None::<&str>, None::<&str>).unwrap().replace("\r\n ", "");
    assert!(exported.contains("DESCRIPTION:Bring goggles\r\n"), "{exported}");
    assert!(exported.contains("LOCATION:Building 5\\, room 2.14\r\n"), "{exported}");
    assert!(exported.contains("URL:https://example.org/lab?week=3&group=b\r\n"), "{exported}");
    let b = common::open();
    tz(&b, "Europe/Berlin");
    b.app.ics_import(exported.as_bytes()).unwrap();
    assert_eq!(snapshot(&f), snapshot(&b));

    // Typed in the app: kept, changed, cleared; a link must be http, https or mailto.
    let added = f
        .app
        .event_add(NewEvent {
            title: "Office hour".into(),
            start: "2026-11-24T15:00".into(),
            location: Some(" Room 101 ".into()),
            url: Some("mailto:ta@example.org".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!((added.location.as_deref(), added.url.as_deref()), (Some("Room 101"), Some("mailto:ta@example.org")));
    for (bad, field) in [
        (NewEvent { location: Some("x".repeat(501)), ..office() }, "location"),
        (NewEvent { url: Some("javascript:alert(1)".into()), ..office() }, "url"),
        (NewEvent { url: Some("https://exa mple.org".into()), ..office() }, "url"),
        (NewEvent { url: Some(format!("https://example.org/{}", "a".repeat(2100))), ..office() }, "url"),
    ] {
        let e = f.app.event_add(bad).unwrap_err();
        assert!(e.to_string().contains(field), "{e}");
    }
    let patch = studydesk_core::planner::calendar::EventPatch { location: Some("Room 202".into()), url: Some(String::new()), ..Default::default() };
    let up = studydesk_core::planner::calendar::EventUpdate { id: added.id.clone(), patch, ..Default::default() };
    let ev = f.app.event_update(up).unwrap();
    assert_eq!((ev.location.as_deref(), ev.url.as_deref()), (Some("Room 202"), None));
}

fn office() -> NewEvent {
    NewEvent { title: "Office hour".into(), start: "2026-11-24T15:00".into(), ..Default::default() }
}

// ---- several RRULEs, RANGE=THISANDFUTURE ----------------------------------------------

/// A weekly rule and a monthly one (the 10th and 17th), each with its own COUNT; the 10th
/// of November 2026 is a Tuesday both give; an exception on a date only the monthly rule
/// gives.
const TWO_RULES: &str = concat!(
    "BEGIN:VEVENT\r\nUID:two@x\r\nDTSTART:20261103T090000Z\r\nDTEND:20261103T100000Z\r\n",
    "RRULE:FREQ=WEEKLY;COUNT=4\r\nRRULE:FREQ=MONTHLY;BYMONTHDAY=10,17;COUNT=3\r\nSUMMARY:Seminar\r\nEND:VEVENT\r\n",
    "BEGIN:VEVENT\r\nUID:two@x\r\nRECURRENCE-ID:20261210T090000Z\r\nDTSTART:20261210T130000Z\r\nDTEND:20261210T140000Z\r\nSUMMARY:Seminar (afternoon)\r\nEND:VEVENT\r\n",
);

fn two_rules_agenda() -> Vec<(String, String, String)> {
    vec![
        row("2026-11-03", "09:00", "Seminar"),
        row("2026-11-10", "09:00", "Seminar"),
        row("2026-11-17", "09:00", "Seminar"),
        row("2026-11-24", "09:00", "Seminar"),
        row("2026-12-10", "13:00", "Seminar (afternoon)"),
    ]
}

#[test]
fn several_rrules_are_one_series_of_their_union() {
    let f = common::open();
    tz(&f, "UTC");
    let r = f.app.ics_import(cal(TWO_RULES).as_bytes()).unwrap();
    assert!(r.skipped.is_empty(), "{:?}", reasons(&r));
    assert_eq!(r.created, 2);
    // 10 and 17 November come once though both rules give them; the monthly rule's third
    // is 10 December (moved by its exception).
    assert_eq!(agenda(&f, "2026-11-01", "2027-03-01"), two_rules_agenda());
    let id = f.app.calendar_range("2026-11-03", "2026-11-03").unwrap().items.remove(0).id;
    let ev = f.app.event_get(&id).unwrap();
    assert_eq!(ev.rrule.as_deref(), Some("FREQ=WEEKLY;COUNT=4\nFREQ=MONTHLY;COUNT=3;BYMONTHDAY=10,17"));
    // Importing it again changes nothing.
    let rows = f.count("calendar_events");
    let r = f.app.ics_import(cal(TWO_RULES).as_bytes()).unwrap();
    assert_eq!((r.created, r.updated, f.count("calendar_events")), (0, 0, rows), "{:?}", reasons(&r));
    // Exported with one RRULE line each, and read back the same.
    let exported = f.app.ics_export(None::<&str>, None::<&str>).unwrap();
    assert!(exported.contains("RRULE:FREQ=WEEKLY;COUNT=4\r\nRRULE:FREQ=MONTHLY;COUNT=3;BYMONTHDAY=10,17\r\n"), "{exported}");
    let b = common::open();
    tz(&b, "UTC");
    let r = b.app.ics_import(exported.as_bytes()).unwrap();
    assert!(r.skipped.is_empty(), "{:?}", reasons(&r));
    assert_eq!(agenda(&b, "2026-11-01", "2027-03-01"), two_rules_agenda());
    // The rest of the event stays editable; the rules are kept by an edit of all.
    let patch = studydesk_core::planner::calendar::EventPatch { title: Some("Reading group".into()), ..Default::default() };
    f.app.event_update(studydesk_core::planner::calendar::EventUpdate { id: id.clone(), scope: EditScope::All, patch, ..Default::default() }).unwrap();
    let titles: Vec<String> = agenda(&f, "2026-11-01", "2027-03-01").into_iter().map(|a| a.2).collect();
    assert_eq!(titles, ["Reading group", "Reading group", "Reading group", "Reading group", "Seminar (afternoon)"]);
    // "This and following" from the 17th (both rules): the weekly rule goes on for its
    // last two, the monthly one for its last (10 December, still moved).
    let patch = studydesk_core::planner::calendar::EventPatch { title: Some("Reading group II".into()), ..Default::default() };
    let up = studydesk_core::planner::calendar::EventUpdate {
        id: id.clone(),
        occurrence: Some("2026-11-17T09:00:00Z".into()),
        scope: EditScope::Following,
        patch,
    };
    f.app.event_update(up).unwrap();
    assert_eq!(
        agenda(&f, "2026-11-01", "2027-03-01"),
        vec![
            row("2026-11-03", "09:00", "Reading group"),
            row("2026-11-10", "09:00", "Reading group"),
            row("2026-11-17", "09:00", "Reading group II"),
            row("2026-11-24", "09:00", "Reading group II"),
            row("2026-12-10", "13:00", "Seminar (afternoon)"),
        ]
    );
}

/// A daily series of ten; from the 5th on it moves to 11:00 and gets a new title
/// (THISANDFUTURE); the 7th is moved on its own (named by its original 09:00 start); the
/// 8th is excluded; an extra date on the 6th at 15:00 moves with the rest (to 17:00).
const SPLIT: &str = concat!(
    "BEGIN:VEVENT\r\nUID:split@x\r\nDTSTART:20261102T090000Z\r\nDTEND:20261102T100000Z\r\n",
    "RRULE:FREQ=DAILY;COUNT=10\r\nEXDATE:20261108T090000Z\r\nRDATE:20261106T150000Z\r\nSUMMARY:Lecture\r\nEND:VEVENT\r\n",
    "BEGIN:VEVENT\r\nUID:split@x\r\nRECURRENCE-ID;RANGE=THISANDFUTURE:20261105T090000Z\r\nDTSTART:20261105T110000Z\r\n",
    "DTEND:20261105T123000Z\r\nSEQUENCE:1\r\nSUMMARY:Lecture (new room)\r\nEND:VEVENT\r\n",
    "BEGIN:VEVENT\r\nUID:split@x\r\nRECURRENCE-ID:20261107T090000Z\r\nDTSTART:20261107T140000Z\r\nDTEND:20261107T150000Z\r\n",
    "SUMMARY:Lecture (moved)\r\nEND:VEVENT\r\n",
);

fn split_agenda() -> Vec<(String, String, String)> {
    let new_room = "Lecture (new room)";
    vec![
        row("2026-11-02", "09:00", "Lecture"),
        row("2026-11-03", "09:00", "Lecture"),
        row("2026-11-04", "09:00", "Lecture"),
        row("2026-11-05", "11:00", new_room),
        row("2026-11-06", "11:00", new_room),
        row("2026-11-06", "17:00", new_room),
        row("2026-11-07", "14:00", "Lecture (moved)"),
        row("2026-11-09", "11:00", new_room),
        row("2026-11-10", "11:00", new_room),
        row("2026-11-11", "11:00", new_room),
    ]
}

#[test]
fn a_this_and_future_override_changes_every_later_occurrence() {
    let f = common::open();
    tz(&f, "UTC");
    let r = f.app.ics_import(cal(SPLIT).as_bytes()).unwrap();
    assert!(r.skipped.is_empty(), "{:?}", reasons(&r));
    assert_eq!(agenda(&f, "2026-11-01", "2026-12-31"), split_agenda());
    // The later part keeps the override's length (1 h 30).
    let part = f.app.calendar_range("2026-11-09", "2026-11-09").unwrap().items.remove(0);
    assert_eq!((part.starts_at.as_deref(), part.ends_at.as_deref()), (Some("2026-11-09T11:00:00.000Z"), Some("2026-11-09T12:30:00.000Z")));
    assert_eq!(f.app.event_get(&part.id).unwrap().uid.as_deref(), Some("split@x~from-20261105T090000Z"));
    // The same file again: nothing new, nothing changed.
    let rows = f.count("calendar_events");
    assert_eq!(rows, 3, "the series, its later part and the moved occurrence");
    let r = f.app.ics_import(cal(SPLIT).as_bytes()).unwrap();
    assert_eq!((r.created, r.updated, f.count("calendar_events")), (0, 0, rows), "{:?}", reasons(&r));
    assert_eq!(agenda(&f, "2026-11-01", "2026-12-31"), split_agenda());
    // Exported as two series; read back (and imported again there) the same.
    let exported = f.app.ics_export(None::<&str>, None::<&str>).unwrap();
    assert!(exported.contains("UID:split@x~from-20261105T090000Z"), "{exported}");
    let b = common::open();
    tz(&b, "UTC");
    let r = b.app.ics_import(exported.as_bytes()).unwrap();
    assert!(r.skipped.is_empty(), "{:?}", reasons(&r));
    assert_eq!(agenda(&b, "2026-11-01", "2026-12-31"), split_agenda());
    let r = b.app.ics_import(exported.as_bytes()).unwrap();
    assert_eq!((r.created, r.updated, b.count("calendar_events")), (0, 0, 3), "{:?}", reasons(&r));
    // The publisher drops the change: the series is whole again, with no leftover part.
    let series_only = &SPLIT[..SPLIT[1..].find("BEGIN:VEVENT").unwrap() + 1];
    f.app.ics_import(cal(series_only).as_bytes()).unwrap();
    assert_eq!(f.count("calendar_events"), 1);
    let a = agenda(&f, "2026-11-01", "2026-12-31");
    assert_eq!(a.len(), 10, "nine of ten (the 8th excluded) and the extra date: {a:?}");
    assert!(a.iter().all(|x| x.2 == "Lecture") && a.contains(&row("2026-11-06", "15:00", "Lecture")), "{a:?}");
}

#[test]
fn a_cancelled_this_and_future_override_ends_the_series() {
    let f = common::open();
    tz(&f, "Europe/Berlin");
    // Weekly on Monday 10:00 Berlin; from 23 Nov on the class moves a day later, to
    // Tuesday 12:00 (its weekday moves with it, across the DST change of 25 Oct);
    // cancelled from 14 December on.
    let file = cal(concat!(
        "BEGIN:VEVENT\r\nUID:w@x\r\nDTSTART;TZID=Europe/Berlin:20261019T100000\r\nDTEND;TZID=Europe/Berlin:20261019T110000\r\n",
        "RRULE:FREQ=WEEKLY\r\nSUMMARY:Class\r\nEND:VEVENT\r\n",
        "BEGIN:VEVENT\r\nUID:w@x\r\nRECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Berlin:20261123T100000\r\n",
        "DTSTART;TZID=Europe/Berlin:20261124T120000\r\nDTEND;TZID=Europe/Berlin:20261124T130000\r\nSUMMARY:Class (Tuesdays)\r\nEND:VEVENT\r\n",
        "BEGIN:VEVENT\r\nUID:w@x\r\nRECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Berlin:20261214T100000\r\n",
        "DTSTART;TZID=Europe/Berlin:20261214T100000\r\nSTATUS:CANCELLED\r\nSUMMARY:Class\r\nEND:VEVENT\r\n",
    ));
    let r = f.app.ics_import(file.as_bytes()).unwrap();
    assert!(r.skipped.is_empty(), "{:?}", reasons(&r));
    assert_eq!(
        agenda(&f, "2026-11-09", "2027-01-31"),
        vec![
            row("2026-11-09", "10:00", "Class"),
            row("2026-11-16", "10:00", "Class"),
            row("2026-11-24", "12:00", "Class (Tuesdays)"),
            row("2026-12-01", "12:00", "Class (Tuesdays)"),
            row("2026-12-08", "12:00", "Class (Tuesdays)"),
        ]
    );
}

#[test]
fn a_this_and_future_override_that_cannot_apply_says_so() {
    let f = common::open();
    tz(&f, "UTC");
    // Monthly on the second Monday; from 14 December the meeting moves a day later, which
    // a "second Monday" rule cannot follow; a THISANDFUTURE naming no occurrence (the 15th
    // is no second Monday) is read as that one only, and skipped as every such exception.
    let file = cal(concat!(
        "BEGIN:VEVENT\r\nUID:m@x\r\nDTSTART:20261109T090000Z\r\nRRULE:FREQ=MONTHLY;BYDAY=2MO;COUNT=4\r\nSUMMARY:Board\r\nEND:VEVENT\r\n",
        "BEGIN:VEVENT\r\nUID:m@x\r\nRECURRENCE-ID;RANGE=THISANDFUTURE:20261214T090000Z\r\nDTSTART:20261215T090000Z\r\nSUMMARY:Board (Tuesday)\r\nEND:VEVENT\r\n",
        "BEGIN:VEVENT\r\nUID:m@x\r\nRECURRENCE-ID;RANGE=THISANDFUTURE:20270115T090000Z\r\nDTSTART:20270115T100000Z\r\nSUMMARY:Nothing\r\nEND:VEVENT\r\n",
    ));
    let r = f.app.ics_import(file.as_bytes()).unwrap();
    let notes = reasons(&r);
    assert!(notes.iter().any(|n| n.starts_with("10: RANGE=THISANDFUTURE moves the occurrences by whole days")), "{notes:?}");
    assert!(notes.iter().any(|n| n.starts_with("16: RECURRENCE-ID;RANGE=THISANDFUTURE names no later occurrence")), "{notes:?}");
    // The moved one is on its Tuesday; the later ones keep the rule's Mondays.
    assert_eq!(
        agenda(&f, "2026-11-01", "2027-03-31"),
        vec![
            row("2026-11-09", "09:00", "Board"),
            row("2026-12-15", "09:00", "Board (Tuesday)"),
            row("2027-01-11", "09:00", "Board (Tuesday)"),
            row("2027-02-08", "09:00", "Board (Tuesday)"),
        ]
    );
}

// ---- malformed, partly unsupported, hostile ----------------------------------------------

const OK_EVENT: &str = "BEGIN:VEVENT\r\nUID:a@x\r\nDTSTART:20261123T090000Z\r\nSUMMARY:A\r\nEND:VEVENT\r\n";

fn cal(body: &str) -> String {
    format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{body}END:VCALENDAR\r\n")
}

fn refused(f: &common::Fixture, bytes: &[u8]) -> String {
    let before = f.footprint();
    let events = f.count("calendar_events");
    let err = f.app.ics_import(bytes).unwrap_err();
    assert_eq!(err.kind(), "validation");
    assert_eq!((f.footprint(), f.count("calendar_events")), (before, events), "nothing imported");
    err.to_string()
}

#[test]
fn malformed_files_are_refused_with_the_line_and_import_nothing() {
    let f = common::open();
    let cases: Vec<(String, &str)> = vec![
        (cal(&format!("{OK_EVENT}BEGIN:VEVENT\r\nUID:b@x\r\nDTSTART:20261345T090000Z\r\nEND:VEVENT\r\n")), "line 11: DTSTART has a bad date-time \"20261345T090000Z\""),
        (cal(&format!("{OK_EVENT}BEGIN:VEVENT\r\nUID:b@x\r\nDTSTART:20261123T090000Z\r\nRRULE:FREQ=SOMETIMES\r\nEND:VEVENT\r\n")), "line 12: RRULE: FREQ must be DAILY"),
        (cal(&format!("{OK_EVENT}BEGIN:VEVENT\r\nUID:b@x\r\nDTSTART:20261123T090000Z\r\nDTEND:20261123T080000Z\r\nEND:VEVENT\r\n")), "line 12: DTEND is before DTSTART"),
        (cal(&format!("{OK_EVENT}BEGIN:VEVENT\r\nSUMMARY without a colon\r\nEND:VEVENT\r\n")), "line 10: expected NAME:VALUE"),
        (cal(&format!("{OK_EVENT}BEGIN:VEVENT\r\nUID:b@x\r\nDTSTART:20261123T090000Z\r\n")), "line 12: END:VCALENDAR does not close BEGIN:VEVENT (line 9)"),
        (cal("BEGIN:VEVENT\r\nUID:b@x\r\nEND:VTODO\r\n"), "line 6: END:VTODO does not close BEGIN:VEVENT (line 4)"),
        (cal(&format!("{OK_EVENT}BEGIN:VEVENT\r\nUID:b@x\r\nDTSTART:20261123T090000Z\r\nBEGIN:VALARM\r\nTRIGGER:-PT15X\r\nEND:VALARM\r\nEND:VEVENT\r\n")), "line 13: TRIGGER has a bad duration"),
        ("BEGIN:VCALENDAR\r\nVERSION:1.0\r\nEND:VCALENDAR\r\n".into(), "line 2: iCalendar version 1.0 is not supported"),
        ("hello\r\n".into(), "line 1: expected NAME:VALUE"),
        ("SUMMARY:x\r\n".into(), "line 1: SUMMARY is outside BEGIN:VCALENDAR"),
        (cal(&format!("{OK_EVENT}BEGIN:VEVENT\r\nUID:b@x\r\nDTSTART:18000101T090000Z\r\nEND:VEVENT\r\n")), "line 11: DTSTART \"18000101T090000Z\" is outside the years"),
    ];
    for (file, expected) in cases {
        let err = refused(&f, file.as_bytes());
        assert!(err.starts_with(expected), "expected \"{expected}\", got \"{err}\"");
    }
}

#[test]
fn partly_unsupported_files_import_what_they_can_and_list_the_rest() {
    let f = common::open();
    let file = cal(concat!(
        "X-WR-CALNAME:Mixed\r\n",
        "BEGIN:VTODO\r\nUID:t@x\r\nSUMMARY:todo\r\nEND:VTODO\r\n",
        "BEGIN:VJOURNAL\r\nUID:j@x\r\nEND:VJOURNAL\r\n",
        "BEGIN:VEVENT\r\nUID:e1@x\r\nDTSTART:20261123T090000Z\r\nRRULE:FREQ=DAILY;BYHOUR=9,17\r\nSUMMARY:Twice a day\r\nX-FOO:bar\r\nEND:VEVENT\r\n",
        "BEGIN:VEVENT\r\nUID:e2@x\r\nDTSTART;TZID=Mars/Olympus_Mons:20261124T090000\r\nSUMMARY:Mars time\r\nEXRULE:FREQ=WEEKLY\r\nEND:VEVENT\r\n",
        "BEGIN:VEVENT\r\nUID:e3@x\r\nDTSTART:20261125T090000Z\r\nSUMMARY:Late alarm\r\nBEGIN:VALARM\r\nTRIGGER:PT5M\r\nACTION:DISPLAY\r\nEND:VALARM\r\nEND:VEVENT\r\n",
        "BEGIN:VEVENT\r\nUID:e4@x\r\nSUMMARY:No start\r\nEND:VEVENT\r\n",
        "BEGIN:VEVENT\r\nUID:e5@x\r\nRECURRENCE-ID:20261201T090000Z\r\nDTSTART:20261201T100000Z\r\nSUMMARY:Orphan exception\r\nEND:VEVENT\r\n",
    ));
    let r = f.app.ics_import(file.as_bytes()).unwrap();
    assert_eq!(r.created, 4, "{:?}", reasons(&r));
    assert_eq!(
        reasons(&r),
        vec![
            "5: VTODO skipped (only events are imported)",
            "9: VJOURNAL skipped (only events are imported)",
            "17: property X-FOO ignored",
            "15: RRULE part BYHOUR=9,17 is not supported; the event was imported without repeating",
            "23: EXRULE ignored (not supported)",
            "30: alarm after the event's start skipped",
            "34: event without DTSTART skipped",
            "21: time zone \"Mars/Olympus_Mons\" is unknown; its times were read as UTC",
        ]
    );
    let titles: Vec<String> = agenda(&f, "2026-11-23", "2026-12-31").into_iter().map(|a| a.2).collect();
    assert_eq!(titles, vec!["Twice a day", "Mars time", "Late alarm", "Orphan exception"]);
}

#[test]
fn an_exception_without_its_series_is_kept_until_the_series_arrives() {
    let f = common::open();
    tz(&f, "Europe/Berlin");
    let moved = |title: &str| {
        cal(&format!(
            "BEGIN:VEVENT\r\nUID:lecture@uni\r\nRECURRENCE-ID;TZID=Europe/Berlin:20261207T100000\r\nDTSTART;TZID=Europe/Berlin:20261208T140000\r\nDTEND;TZID=Europe/Berlin:20261208T153000\r\nSEQUENCE:1\r\nSUMMARY:{title}\r\nEND:VEVENT\r\n"
        ))
    };
    let r = f.app.ics_import(moved("Lecture (moved)").as_bytes()).unwrap();
    assert_eq!((r.created, r.skipped.len()), (1, 0), "{:?}", reasons(&r));
    assert_eq!(agenda(&f, "2026-12-07", "2026-12-13"), vec![row("2026-12-08", "14:00", "Lecture (moved)")]);
    // Re-importing updates it in place.
    let r = f.app.ics_import(moved("Lecture (moved, room 2)").as_bytes()).unwrap();
    assert_eq!((r.created, r.updated), (0, 1));
    assert_eq!(agenda(&f, "2026-12-07", "2026-12-13"), vec![row("2026-12-08", "14:00", "Lecture (moved, room 2)")]);
    // The export writes it back as it came: its UID and its original start.
    let out = f.app.ics_export(None::<String>, None::<String>).unwrap();
    assert!(out.contains("UID:lecture@uni\r\n"), "{out}");
    assert!(out.contains("RECURRENCE-ID;TZID=Europe/Berlin:20261207T100000\r\n"), "{out}");
    // The whole series arrives: the occurrence becomes its exception, not a second event.
    let series = cal(concat!(
        "BEGIN:VEVENT\r\nUID:lecture@uni\r\nDTSTART;TZID=Europe/Berlin:20261130T100000\r\nDTEND;TZID=Europe/Berlin:20261130T113000\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\nSUMMARY:Lecture\r\nEND:VEVENT\r\n",
        "BEGIN:VEVENT\r\nUID:lecture@uni\r\nRECURRENCE-ID;TZID=Europe/Berlin:20261207T100000\r\nDTSTART;TZID=Europe/Berlin:20261208T140000\r\nDTEND;TZID=Europe/Berlin:20261208T153000\r\nSEQUENCE:1\r\nSUMMARY:Lecture (moved)\r\nEND:VEVENT\r\n",
    ));
    f.app.ics_import(series.as_bytes()).unwrap();
    assert_eq!(
        agenda(&f, "2026-11-30", "2026-12-20"),
        vec![
            row("2026-11-30", "10:00", "Lecture"),
            row("2026-12-08", "14:00", "Lecture (moved)"),
            row("2026-12-14", "10:00", "Lecture"),
        ]
    );
    assert_eq!(f.count("calendar_events"), 2, "the series and its one exception");
}

#[test]
fn a_zone_defined_only_by_its_vtimezone_keeps_daylight_saving() {
    let f = common::open();
    tz(&f, "America/New_York");
    let file = cal(concat!(
        "BEGIN:VTIMEZONE\r\nTZID:custom_America/New_York\r\n",
        "BEGIN:STANDARD\r\nDTSTART:20071104T020000\r\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nEND:STANDARD\r\n",
        "BEGIN:DAYLIGHT\r\nDTSTART:20070311T020000\r\nRRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nEND:DAYLIGHT\r\n",
        "END:VTIMEZONE\r\n",
        "BEGIN:VEVENT\r\nUID:w@x\r\nDTSTART;TZID=custom_America/New_York:20270104T090000\r\nRRULE:FREQ=MONTHLY;COUNT=8\r\nSUMMARY:Seminar\r\nEND:VEVENT\r\n",
    ));
    let r = f.app.ics_import(file.as_bytes()).unwrap();
    assert!(r.skipped.is_empty(), "{:?}", reasons(&r));
    // 09:00 in winter and in summer: the zone's daylight saving is kept.
    assert_eq!(agenda(&f, "2027-01-04", "2027-01-04"), vec![row("2027-01-04", "09:00", "Seminar")]);
    assert_eq!(agenda(&f, "2027-07-04", "2027-07-04"), vec![row("2027-07-04", "09:00", "Seminar")]);
    let july = f.app.calendar_range("2027-07-04", "2027-07-04").unwrap().items.remove(0);
    assert_eq!(july.starts_at.as_deref(), Some("2027-07-04T13:00:00.000Z"));
}

#[test]
fn an_exdate_with_a_zone_on_an_all_day_series_removes_that_day() {
    let f = common::open();
    tz(&f, "UTC");
    let file = cal(concat!(
        "BEGIN:VEVENT\r\nUID:bins@x\r\nDTSTART;VALUE=DATE:20261201\r\nDTEND;VALUE=DATE:20261202\r\n",
        "RRULE:FREQ=DAILY;COUNT=4\r\nEXDATE;TZID=Asia/Tokyo:20261202T000000\r\nSUMMARY:Bins\r\nEND:VEVENT\r\n",
    ));
    f.app.ics_import(file.as_bytes()).unwrap();
    let days: Vec<String> = agenda(&f, "2026-12-01", "2026-12-07").into_iter().map(|a| a.0).collect();
    // Through UTC, Tokyo's midnight of the 2nd is the 1st: the 2nd must be the day removed.
    assert_eq!(days, vec!["2026-12-01", "2026-12-03", "2026-12-04"]);
}

#[test]
fn an_unknown_zone_with_a_whole_hour_vtimezone_keeps_its_offset() {
    let f = common::open();
    let file = cal(concat!(
        "BEGIN:VTIMEZONE\r\nTZID:Campus Time\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0300\r\nTZOFFSETTO:+0300\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n",
        "BEGIN:VEVENT\r\nUID:c@x\r\nDTSTART;TZID=Campus Time:20261123T090000\r\nSUMMARY:Campus\r\nEND:VEVENT\r\n",
    ));
    let r = f.app.ics_import(file.as_bytes()).unwrap();
    assert_eq!(reasons(&r), vec!["14: time zone \"Campus Time\" is unknown; read as Etc/GMT-3 (without daylight saving)"]);
    let item = f.app.calendar_range("2026-11-23", "2026-11-23").unwrap().items.remove(0);
    assert_eq!(item.starts_at.as_deref(), Some("2026-11-23T06:00:00.000Z"));
}

#[test]
fn hostile_files_get_clean_errors() {
    let f = common::open();
    // A 200 KiB line.
    let huge = cal(&format!("BEGIN:VEVENT\r\nUID:h@x\r\nDTSTART:20261123T090000Z\r\nSUMMARY:{}\r\nEND:VEVENT\r\n", "x".repeat(200 * 1024)));
    assert!(refused(&f, huge.as_bytes()).starts_with("line 7: the content line is longer than 100 KiB"));
    // The same, folded into thousands of short lines.
    let folded = cal(&format!("BEGIN:VEVENT\r\nUID:h@x\r\nSUMMARY:{}\r\nEND:VEVENT\r\n", "x\r\n ".repeat(120 * 1024)));
    assert!(refused(&f, folded.as_bytes()).starts_with("line 6: the content line is longer"));
    // More than 20 MiB.
    let big = vec![b'A'; 21 * 1024 * 1024];
    assert!(refused(&f, &big).starts_with("line 1: the file is larger than 20 MiB"));
    // Deep nesting and unbalanced components.
    let deep = format!("BEGIN:VCALENDAR\r\n{}", "BEGIN:X-A\r\n".repeat(10_000));
    assert!(refused(&f, deep.as_bytes()).contains("nested more than 8 deep"));
    assert!(refused(&f, b"END:VCALENDAR\r\n").starts_with("line 1: END:VCALENDAR without a matching BEGIN"));
    // More than 100,000 events.
    let many = cal(&"BEGIN:VEVENT\r\nEND:VEVENT\r\n".repeat(100_001));
    assert!(refused(&f, many.as_bytes()).starts_with("line 200004: the file has more than 100000 events"));
    // Binary garbage and bad UTF-8.
    assert!(refused(&f, &[0xff, 0xfe, 0x00, 0x42]).starts_with("line 1: the text is not UTF-8"));
    assert!(refused(&f, b"\x00\x01\x02").starts_with("line 1:"));
    // A rule that never matches, an absurd COUNT: no hang.
    let never = cal("BEGIN:VEVENT\r\nUID:n@x\r\nDTSTART:20261123T090000Z\r\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31\r\nSUMMARY:Never\r\nEND:VEVENT\r\n");
    let r = f.app.ics_import(never.as_bytes()).unwrap();
    assert!(reasons(&r)[0].contains("never produces an occurrence"), "{:?}", reasons(&r));
    let count = cal("BEGIN:VEVENT\r\nUID:m@x\r\nDTSTART:20261123T090000Z\r\nRRULE:FREQ=DAILY;COUNT=999999999\r\nEND:VEVENT\r\n");
    assert!(refused(&f, count.as_bytes()).starts_with("line 7: RRULE: COUNT must be between 1 and 10000"));
}

// ---- fuzz --------------------------------------------------------------------------------

fn is_line_error(msg: &str) -> bool {
    msg.strip_prefix("line ").and_then(|r| r.split_once(": ")).is_some_and(|(n, _)| n.parse::<usize>().is_ok())
}

fn mutate(base: &[u8], ops: &[(u8, usize, u8)]) -> Vec<u8> {
    let mut v = base.to_vec();
    for (op, at, byte) in ops {
        if v.is_empty() {
            break;
        }
        let i = at % v.len();
        match op % 5 {
            0 => v[i] = *byte,
            1 => {
                v.remove(i);
            }
            2 => v.insert(i, *byte),
            3 => {
                // Duplicate a line.
                let start = v[..i].iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
                let end = v[i..].iter().position(|b| *b == b'\n').map_or(v.len(), |p| i + p + 1);
                let line = v[start..end].to_vec();
                v.splice(start..start, line);
            }
            _ => v.insert(i, [b':', b';', b'\n', b' ', b'"', b','][*byte as usize % 6]),
        }
    }
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn the_reader_never_panics_on_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        if let Err(e) = parse::read(&bytes) {
            prop_assert!(e.line >= 1);
        }
    }

    #[test]
    fn the_reader_never_panics_on_mutated_files(file in 0usize..4, ops in proptest::collection::vec((any::<u8>(), any::<usize>(), any::<u8>()), 1..12)) {
        let base = fixture(["google.ics", "apple.ics", "outlook.ics", "thunderbird.ics"][file]);
        let bytes = mutate(&base, &ops);
        if let Err(e) = parse::read(&bytes) {
            prop_assert!(e.line >= 1);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// The whole import on mutated vendor files: either imported or one `line N: reason`.
    #[test]
    fn the_import_is_ok_or_a_line_numbered_error(file in 0usize..4, ops in proptest::collection::vec((any::<u8>(), any::<usize>(), any::<u8>()), 1..8)) {
        let f = common::open();
        let base = fixture(["google.ics", "apple.ics", "outlook.ics", "thunderbird.ics"][file]);
        let bytes = mutate(&base, &ops);
        let before = f.count("calendar_events");
        match f.app.ics_import(&bytes) {
            Ok(_) => {}
            Err(e) => {
                prop_assert!(is_line_error(&e.to_string()), "{}", e);
                prop_assert_eq!(f.count("calendar_events"), before);
            }
        }
    }
}
