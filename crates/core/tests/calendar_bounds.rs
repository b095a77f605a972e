//! Bounded expansion (issue 18): whatever a calendar holds, one range read answers within
//! its caps (recurring series, occurrences, bytes) or is refused in words that say what to
//! do; the agenda reads a long range a page at a time, every item once; an export is capped.

mod common;

use common::refused;
use std::collections::HashSet;
use studydesk_core::planner::calendar::range::{MAX_ITEMS, MAX_SERIES};
use studydesk_core::planner::calendar::{CalendarItem, NewEvent};

/// An .ics file of `n` endless daily series (09:00-09:30 Tokyo from 2026-01-01), titled
/// "Daily i" (`tag` keeps the UIDs of two files apart).
fn daily_series(n: usize, tag: &str) -> String {
    let mut s = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n");
    for i in 0..n {
        s.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:{tag}-{i}@example.org\r\nDTSTAMP:20261101T000000Z\r\nSUMMARY:Daily {i}\r\n\
             DTSTART;TZID=Asia/Tokyo:20260101T090000\r\nDTEND;TZID=Asia/Tokyo:20260101T093000\r\nRRULE:FREQ=DAILY\r\nEND:VEVENT\r\n"
        ));
    }
    s.push_str("END:VCALENDAR\r\n");
    s
}

fn import(f: &common::Fixture, n: usize, tag: &str) {
    let r = f.app.ics_import(daily_series(n, tag).as_bytes()).unwrap();
    assert_eq!(r.created as usize, n);
}

fn key(i: &CalendarItem) -> (String, String, Option<String>) {
    (i.date.clone(), i.id.clone(), i.recurrence_id.clone())
}

/// Every item of the agenda `from..=to`, page by page (`limit` a page); and the pages' sizes.
fn all_pages(f: &common::Fixture, from: &str, to: &str, limit: u32) -> (Vec<CalendarItem>, Vec<usize>) {
    let mut items = Vec::new();
    let mut sizes = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = f.app.calendar_agenda(from, to, cursor.as_deref(), Some(limit)).unwrap();
        sizes.push(page.items.len());
        items.extend(page.items);
        match page.next {
            Some(next) => cursor = Some(next),
            None => return (items, sizes),
        }
        assert!(sizes.len() < 1_000, "the agenda never ends");
    }
}

#[test]
fn more_recurring_series_than_the_cap_are_refused_in_words_before_expanding() {
    let f = common::open();
    import(&f, MAX_SERIES + 1, "a");
    // Even one day: 2,001 series reach it.
    let why = refused(f.app.calendar_range("2026-11-23", "2026-11-23"));
    assert!(why.contains("more than 2000 recurring series"), "{why}");
    assert!(why.contains("choose a shorter range") && why.contains("delete the imported events"), "{why}");
    let why = refused(f.app.calendar_agenda("2026-11-23", "2026-12-22", None::<String>, None::<u32>));
    assert!(why.contains("recurring series"), "{why}");
    let why = refused(f.app.ics_export(Some("2026-11-01"), Some("2026-11-30")));
    assert!(why.contains("recurring series"), "{why}");
    // The whole calendar still exports (rows, not occurrences): every series once.
    let text = f.app.ics_export(None::<String>, None::<String>).unwrap();
    assert_eq!(text.matches("BEGIN:VEVENT").count(), MAX_SERIES + 1);
    // Before the series start nothing reaches the range: the view answers.
    assert!(f.app.calendar_range("2025-12-01", "2025-12-20").unwrap().items.is_empty());
}

#[test]
fn a_range_with_more_occurrences_than_the_cap_is_refused_and_a_shorter_one_answers() {
    let f = common::open();
    import(&f, 300, "b");
    // A 6-week month grid: 300 x 42 = 12,600 occurrences.
    let why = refused(f.app.calendar_range("2026-10-26", "2026-12-06"));
    assert!(why.contains(&format!("more than {MAX_ITEMS} occurrences")), "{why}");
    assert!(why.contains("choose a shorter range (a week or a day)"), "{why}");
    // A week: 2,100, all there.
    let week = f.app.calendar_range("2026-11-23", "2026-11-29").unwrap().items;
    assert_eq!(week.len(), 2_100);
    // An ordinary calendar beside them is unaffected once they are gone.
    let g = common::open();
    g.app.event_add(NewEvent { title: "Lecture".into(), start: "2026-11-24T10:00".into(), rrule: Some("FREQ=WEEKLY".into()), ..Default::default() }).unwrap();
    assert_eq!(g.app.calendar_range("2026-10-26", "2026-12-06").unwrap().items.len(), 2);
}

/// RDATE occurrences count into the item budget like the rule's: 11 series of RDATEs
/// only, each its start and 1,000 extra starts 8 hours apart (2026-01-01 on), are 11,011
/// occurrences in a 334-day range: refused; any week holds 21 of each and answers.
#[test]
fn rdate_occurrences_count_into_the_item_cap() {
    let f = common::open();
    let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
    let mut s = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n");
    for i in 0..11 {
        let rdates: Vec<String> =
            (1..=1_000).map(|k| (start + chrono::Duration::hours(8 * k)).format("%Y%m%dT%H%M%SZ").to_string()).collect();
        s.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:rd-{i}@example.org\r\nSUMMARY:Shift {i}\r\nDTSTART:20260101T000000Z\r\nDTEND:20260101T003000Z\r\nRDATE:{}\r\nEND:VEVENT\r\n",
            rdates.join(",")
        ));
    }
    s.push_str("END:VCALENDAR\r\n");
    let r = f.app.ics_import(s.as_bytes()).unwrap();
    assert_eq!(r.created, 11, "{:?}", r.skipped);
    let why = refused(f.app.calendar_range("2026-01-01", "2026-11-30"));
    assert!(why.contains(&format!("more than {MAX_ITEMS} occurrences")), "{why}");
    let week = f.app.calendar_range("2026-03-02", "2026-03-08").unwrap().items;
    assert_eq!(week.len(), 11 * 21);
    // The agenda pages through the whole range, each occurrence once.
    let (items, _) = all_pages(&f, "2026-01-01", "2026-11-30", 1_000);
    let keys: HashSet<_> = items.iter().map(key).collect();
    assert_eq!((items.len(), keys.len()), (11 * 1_001, 11 * 1_001));
}

#[test]
fn the_agenda_pages_through_a_crowded_range_with_every_item_once() {
    let f = common::open();
    import(&f, 300, "c");
    // A multi-day event that crosses page boundaries, and one from before the range.
    f.app.event_add(NewEvent { title: "Field trip".into(), start: "2026-11-28".into(), end: Some("2026-12-03".into()), all_day: true, ..Default::default() }).unwrap();
    f.app.event_add(NewEvent { title: "Exam week".into(), start: "2026-11-20".into(), end: Some("2026-11-24".into()), all_day: true, ..Default::default() }).unwrap();
    // 60 days: 18,000 occurrences, more than one answer may hold; pages of 1,000 end
    // inside days (300 a day).
    let (items, sizes) = all_pages(&f, "2026-11-22", "2027-01-20", 1_000);
    assert_eq!(items.len(), 18_002);
    assert!(sizes.iter().all(|&n| n <= 1_000), "{sizes:?}");
    let unique: HashSet<_> = items.iter().map(key).collect();
    assert_eq!(unique.len(), items.len(), "an item repeated across pages");
    // The same items, in the same order, as week-long ranges read whole.
    let mut weeks = Vec::new();
    let mut d = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let last = chrono::NaiveDate::from_ymd_opt(2027, 1, 20).unwrap();
    while d <= last {
        let end = (d + chrono::Duration::days(6)).min(last);
        let week = f.app.calendar_range(&d.to_string(), &end.to_string()).unwrap().items;
        // A multi-day item shows in each week it covers; the agenda has it once, on its first page.
        weeks.extend(week.into_iter().filter(|i| i.date >= d.to_string() || d.to_string() == "2026-11-22"));
        d = end + chrono::Duration::days(1);
    }
    assert_eq!(items.iter().map(key).collect::<Vec<_>>(), weeks.iter().map(key).collect::<Vec<_>>());
    assert_eq!(items.iter().filter(|i| i.title == "Field trip").count(), 1);
    assert_eq!(items[0].title, "Exam week", "the first page has what started before the range");
}

#[test]
fn a_sparse_agenda_is_one_page_and_an_empty_one_ends_at_once() {
    let f = common::open();
    f.app.event_add(NewEvent { title: "Seminar".into(), start: "2026-11-25T14:00".into(), rrule: Some("FREQ=WEEKLY;COUNT=3".into()), ..Default::default() }).unwrap();
    let page = f.app.calendar_agenda("2026-11-22", "2026-12-21", None::<String>, None::<u32>).unwrap();
    assert_eq!(page.items.iter().map(|i| i.date.as_str()).collect::<Vec<_>>(), ["2026-11-25", "2026-12-02", "2026-12-09"]);
    assert_eq!(page.next, None);
    let empty = f.app.calendar_agenda("2027-03-01", "2027-03-31", None::<String>, None::<u32>).unwrap();
    assert!(empty.items.is_empty() && empty.next.is_none());
}

#[test]
fn a_bad_cursor_or_page_size_is_refused_in_words() {
    let f = common::open();
    for bad in ["garbage", "2026-11-22", "2026-13-01/0", "2026-11-01/0", "2027-01-01/0", "2026-11-23/x", "2026-11-23/99999999"] {
        let why = refused(f.app.calendar_agenda("2026-11-22", "2026-12-21", Some(bad), None::<u32>));
        assert!(why.contains("start again from the first page"), "{bad}: {why}");
    }
    let why = refused(f.app.calendar_agenda("2026-11-22", "2026-12-21", None::<String>, Some(0u32)));
    assert!(why.contains("limit must be between 1 and 1000"), "{why}");
    let why = refused(f.app.calendar_agenda("2026-11-22", "2026-12-21", None::<String>, Some(1_001u32)));
    assert!(why.contains("limit must be between 1 and 1000"), "{why}");
    let why = refused(f.app.calendar_agenda("2026-11-22", "2028-01-21", None::<String>, None::<u32>));
    assert!(why.contains("at most 400 days"), "{why}");
}

#[test]
fn long_notes_on_many_occurrences_are_refused_before_the_answer_grows_past_its_byte_cap() {
    let f = common::open();
    // 20,000-character notes on 40 daily series: 40 x 42 x 20 kB = 34 MB in a month grid.
    let notes = "n".repeat(20_000);
    for i in 0..40 {
        f.app
            .event_add(NewEvent { title: format!("Long {i}"), start: "2026-01-01T08:00".into(), rrule: Some("FREQ=DAILY".into()), notes: Some(notes.clone()), ..Default::default() })
            .unwrap();
    }
    let week = f.app.calendar_range("2026-11-23", "2026-11-29").unwrap();
    assert_eq!(week.items.len(), 280);
    let why = refused(f.app.calendar_range("2026-10-26", "2026-12-06"));
    assert!(why.contains("megabytes of text"), "{why}");
    // The agenda still reads it, a page at a time.
    let (items, _) = all_pages(&f, "2026-10-26", "2026-12-06", 200);
    assert_eq!(items.len(), 40 * 42);
}
