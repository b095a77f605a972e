//! Calendar subscriptions as a student meets them (issue 18), against a small HTTP server
//! in the test (127.0.0.1) serving a feed the test changes: the first fetch imports it;
//! a changed feed updates and a removed event disappears; 304 (ETag, Last-Modified)
//! keeps everything and the validators are sent; a 500, a server that never answers, a
//! 50 MB answer, a web page and an invalid file each keep the last good copy with the
//! reason in words and back off; a reminder on a subscribed event fires like any other
//! and survives refreshes; nothing of a feed is queued for sync; a subscribed event is
//! read-only; unsubscribing removes its events. The headless turn (`remind run --once`,
//! the OS timer) fetches the due feeds only after firing what is due, within its budget,
//! and fires what a changed feed made due; a paused subscription is fetched by nobody,
//! says so and keeps its copy; a rename is unique ignoring case. A feed larger than the
//! export cap leaves the user's own export working. A lecture the feed moves earlier, past
//! its reminder's time but not yet started, still reminds once (not when the reminder was
//! shown, nor when it started); an own event moved so keeps the rule of every write.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use studydesk_core::planner::calendar::subscriptions::{self, fetch::FeedLimits, NewSubscription, RefreshOutcome, SubscriptionPatch};
use studydesk_core::planner::calendar::{EditScope, EventPatch, EventUpdate, NewReminder};

/// What the server answers next.
#[derive(Clone)]
enum Serve {
    /// The feed, with an ETag and a Last-Modified; a request sending that ETag gets 304.
    Feed { body: String, etag: String, modified: String },
    Status(&'static str, &'static str),
    Html,
    /// This many bytes of a calendar-looking text, with or without a Content-Length.
    Huge { bytes: usize, length: bool },
    /// Accepts and never answers.
    Hang,
    /// The inner answer after the app's clock has moved on by this much (a slow network).
    Slow(Box<Serve>, studydesk_core::clock::ManualClock, chrono::Duration),
}

struct Server {
    url: String,
    serve: Arc<Mutex<Serve>>,
    heads: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(first: Serve) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/timetable.ics", listener.local_addr().unwrap());
        let serve = Arc::new(Mutex::new(first));
        let heads = Arc::new(Mutex::new(Vec::new()));
        let (s, h) = (serve.clone(), heads.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (s, h) = (s.clone(), h.clone());
                std::thread::spawn(move || answer(stream, &s, &h));
            }
        });
        Server { url, serve, heads }
    }

    fn set(&self, serve: Serve) {
        *self.serve.lock().unwrap() = serve;
    }

    fn last_head(&self) -> String {
        self.heads.lock().unwrap().last().cloned().unwrap_or_default()
    }
}

fn answer(mut stream: TcpStream, serve: &Mutex<Serve>, heads: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    heads.lock().unwrap().push(head.clone());
    let reply = |stream: &mut TcpStream, status: &str, ctype: &str, extra: &str, body: &[u8]| {
        let out = format!("HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n", body.len());
        let _ = stream.write_all(out.as_bytes());
        let _ = stream.write_all(body);
    };
    let mut current = serve.lock().unwrap().clone();
    if let Serve::Slow(inner, clock, by) = current {
        clock.advance(by);
        current = *inner;
    }
    match current {
        Serve::Feed { body, etag, modified } => {
            if head.to_ascii_lowercase().contains(&format!("if-none-match: {}", etag.to_ascii_lowercase())) {
                let _ = stream.write_all(format!("HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nConnection: close\r\n\r\n").as_bytes());
                return;
            }
            reply(&mut stream, "200 OK", "text/calendar; charset=utf-8", &format!("ETag: {etag}\r\nLast-Modified: {modified}\r\n"), body.as_bytes());
        }
        Serve::Status(status, body) => reply(&mut stream, status, "text/plain", "", body.as_bytes()),
        Serve::Html => reply(&mut stream, "200 OK", "text/html", "", b"<!DOCTYPE html><html><body>Please sign in to see your timetable</body></html>"),
        Serve::Huge { bytes, length } => {
            let mut out = String::from("HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\nConnection: close\r\n");
            if length {
                out.push_str(&format!("Content-Length: {bytes}\r\n"));
            }
            out.push_str("\r\n");
            if stream.write_all(out.as_bytes()).is_err() {
                return;
            }
            let chunk = "BEGIN:VCALENDAR\r\nX-FILL:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".repeat(100);
            let mut sent = 0;
            while sent < bytes {
                let n = chunk.len().min(bytes - sent);
                if stream.write_all(&chunk.as_bytes()[..n]).is_err() {
                    return; // the client hung up: what the cap should do
                }
                sent += n;
            }
        }
        Serve::Hang => std::thread::sleep(Duration::from_secs(30)),
        Serve::Slow(..) => unreachable!("one level"),
    }
}

/// A feed of timed events: (UID, start as a UTC basic time, title).
fn feed(events: &[(&str, &str, &str)]) -> String {
    let mut s = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test University//Timetable//EN\r\nX-WR-CALNAME:Timetable\r\n");
    for (uid, start, title) in events {
        s.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:{start}\r\nDURATION:PT1H30M\r\nSUMMARY:{title}\r\n\
             BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT30M\r\nDESCRIPTION:x\r\nEND:VALARM\r\nEND:VEVENT\r\n"
        ));
    }
    s.push_str("END:VCALENDAR\r\n");
    s
}

fn ok_feed(events: &[(&str, &str, &str)], etag: &str) -> Serve {
    Serve::Feed { body: feed(events), etag: format!("\"{etag}\""), modified: "Mon, 23 Nov 2026 08:00:00 GMT".into() }
}

const LIMITS: FeedLimits = FeedLimits { connect: Duration::from_secs(2), total: Duration::from_secs(2), max_bytes: 10 * 1024 * 1024 };

fn subscribe(f: &common::Fixture, url: &str, name: &str) -> String {
    let input = NewSubscription { url: url.into(), name: Some(name.into()), colour: Some("#0B7A6F".into()), refresh_minutes: Some(60) };
    subscriptions::add(f.app.db(), &f.app.user_id(), input).unwrap().row.id
}

fn refresh(f: &common::Fixture, id: &str) -> subscriptions::SubscriptionRefresh {
    subscriptions::refresh(f.app.db(), &f.app.user_id(), id, &LIMITS).unwrap()
}

/// Titles drawn in December 2026, with their colour.
fn december(f: &common::Fixture) -> Vec<(String, Option<String>)> {
    let mut items: Vec<_> = f.app.calendar_range("2026-12-01", "2026-12-31").unwrap().items.into_iter().map(|i| (i.title, i.colour)).collect();
    items.sort();
    items
}

fn titles(f: &common::Fixture) -> Vec<String> {
    december(f).into_iter().map(|(t, _)| t).collect()
}

fn feed_changes(f: &common::Fixture) -> i64 {
    f.app
        .db()
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM sync_changes WHERE table_name IN ('calendar_events', 'calendar_event_reminders')
                 OR (table_name = 'calendar_subscriptions' AND op = 'update')",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap()
}

const LECTURE: (&str, &str, &str) = ("lecture-1@uni.example", "20261207T010000Z", "Linear algebra");
const LAB: (&str, &str, &str) = ("lab-1@uni.example", "20261208T050000Z", "Physics lab");
const SEMINAR: (&str, &str, &str) = ("seminar-1@uni.example", "20261209T060000Z", "History seminar");

#[test]
fn a_feed_is_imported_updated_and_a_removed_event_disappears() {
    let f = common::open();
    let server = Server::start(ok_feed(&[LECTURE, LAB], "v1"));
    let id = subscribe(&f, &server.url, "Timetable");

    let done = refresh(&f, &id);
    assert_eq!(done.result, RefreshOutcome::Updated { created: 2, updated: 0, deleted: 0, unchanged: 0 });
    assert_eq!(done.subscription.events, 2);
    assert!(done.subscription.last_error.is_none());
    assert_eq!(done.subscription.last_success_at.as_deref(), Some("2026-11-22T01:00:00.000Z"));
    assert_eq!(done.subscription.next_fetch_at.as_deref(), Some("2026-11-22T02:00:00.000Z"), "one interval (60 min) later");
    assert_eq!(
        december(&f),
        vec![("Linear algebra".to_string(), Some("#0b7a6f".to_string())), ("Physics lab".to_string(), Some("#0b7a6f".to_string()))],
        "drawn in the subscription's colour"
    );
    let lecture_id = f.app.calendar_range("2026-12-07", "2026-12-07").unwrap().items[0].id.clone();
    // An export is of the user's own calendar: the feed's events are its publisher's.
    let own = f.app.event_quick_add("Study group tomorrow 15:00").unwrap();
    let exported = f.app.ics_export(None::<String>, None::<String>).unwrap();
    assert!(exported.contains(&own.title) && !exported.contains("Linear algebra") && !exported.contains("Physics lab"), "{exported}");
    f.app.event_delete(&own.id, None::<String>, EditScope::All).unwrap();

    // The lecture moves and is renamed, the lab is gone, a seminar is new.
    server.set(ok_feed(&[("lecture-1@uni.example", "20261207T020000Z", "Linear algebra II"), SEMINAR], "v2"));
    let done = refresh(&f, &id);
    assert_eq!(done.result, RefreshOutcome::Updated { created: 1, updated: 1, deleted: 1, unchanged: 0 });
    assert_eq!(titles(&f), vec!["History seminar", "Linear algebra II"]);
    let moved = f.app.calendar_range("2026-12-07", "2026-12-07").unwrap().items;
    assert_eq!(moved[0].id, lecture_id, "the same row, updated in place");
    assert_eq!(moved[0].starts_at.as_deref(), Some("2026-12-07T02:00:00.000Z"));
    assert_eq!(moved[0].subscription_id.as_deref(), Some(id.as_str()));

    // An empty feed empties the calendar: every event was removed at the source.
    server.set(ok_feed(&[], "v3"));
    assert_eq!(refresh(&f, &id).result, RefreshOutcome::Updated { created: 0, updated: 0, deleted: 2, unchanged: 0 });
    assert!(titles(&f).is_empty());
}

#[test]
fn not_modified_keeps_everything_and_the_validators_are_sent() {
    let f = common::open();
    let server = Server::start(ok_feed(&[LECTURE], "v1"));
    let id = subscribe(&f, &server.url, "Timetable");
    refresh(&f, &id);
    assert!(!server.last_head().to_ascii_lowercase().contains("if-none-match"), "nothing to validate the first time");

    f.clock.advance(chrono::Duration::hours(2));
    let done = refresh(&f, &id);
    assert_eq!(done.result, RefreshOutcome::NotModified);
    let head = server.last_head().to_ascii_lowercase();
    assert!(head.contains("if-none-match: \"v1\""), "{head}");
    assert!(head.contains("if-modified-since: mon, 23 nov 2026 08:00:00 gmt"), "{head}");
    assert_eq!(titles(&f), vec!["Linear algebra"]);
    assert_eq!(done.subscription.last_success_at.as_deref(), Some("2026-11-22T03:00:00.000Z"));
    assert_eq!(done.subscription.next_fetch_at.as_deref(), Some("2026-11-22T04:00:00.000Z"));
}

#[test]
fn a_failing_feed_keeps_the_last_good_copy_says_why_and_backs_off() {
    let f = common::open();
    let server = Server::start(ok_feed(&[LECTURE, LAB], "v1"));
    let id = subscribe(&f, &server.url, "Timetable");
    refresh(&f, &id);

    server.set(Serve::Status("500 Internal Server Error", "database unavailable"));
    let mut waits = vec![];
    for _ in 0..3 {
        let done = refresh(&f, &id);
        let RefreshOutcome::Failed { reason } = &done.result else { panic!("{:?}", done.result) };
        assert!(reason.contains("500 Internal Server Error") && reason.contains("database unavailable"), "{reason}");
        assert_eq!(done.subscription.last_error.as_ref(), Some(reason));
        let next = chrono::DateTime::parse_from_rfc3339(done.subscription.next_fetch_at.as_deref().unwrap()).unwrap();
        waits.push((next.with_timezone(&chrono::Utc) - f.app.db().now()).num_minutes());
        assert_eq!(titles(&f), vec!["Linear algebra", "Physics lab"], "the last good copy is kept");
        f.clock.advance(chrono::Duration::minutes(1));
    }
    assert_eq!(waits, vec![5, 10, 20], "exponential back-off");
    assert_eq!(subscriptions::backoff(30), chrono::Duration::hours(24), "at most a day");

    // Not due during the back-off; due after it; a success clears the error.
    let now = f.app.db().now();
    assert!(f.app.db().read(|c| subscriptions::due(c, &f.app.user_id(), now)).unwrap().is_empty());
    assert_eq!(f.app.db().read(|c| subscriptions::due(c, &f.app.user_id(), now + chrono::Duration::minutes(20))).unwrap(), vec![id.clone()]);
    server.set(ok_feed(&[LECTURE], "v2"));
    let done = refresh(&f, &id);
    assert_eq!(done.subscription.failures, 0);
    assert!(done.subscription.last_error.is_none());
    assert_eq!(titles(&f), vec!["Linear algebra"]);
}

#[test]
fn a_web_page_or_an_invalid_file_keeps_the_last_good_copy() {
    let f = common::open();
    let server = Server::start(ok_feed(&[LECTURE], "v1"));
    let id = subscribe(&f, &server.url, "Timetable");
    refresh(&f, &id);

    server.set(Serve::Html);
    let RefreshOutcome::Failed { reason } = refresh(&f, &id).result else { panic!() };
    assert!(reason.contains("web page, not a calendar") && reason.contains("Please sign in"), "{reason}");

    server.set(Serve::Feed { body: "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:garbage\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n".into(), etag: "\"bad\"".into(), modified: "x".into() });
    let done = refresh(&f, &id);
    let RefreshOutcome::Failed { reason } = &done.result else { panic!("{:?}", done.result) };
    assert!(reason.contains("not a valid calendar") && reason.contains("line 4"), "{reason}");
    assert_eq!(done.subscription.failures, 2);
    assert_eq!(titles(&f), vec!["Linear algebra"]);

    // A validator of a refused copy is not kept: the next fetch asks for the whole feed.
    server.set(ok_feed(&[LECTURE, LAB], "v2"));
    refresh(&f, &id);
    assert!(server.last_head().to_ascii_lowercase().contains("if-none-match: \"v1\""));
    assert_eq!(titles(&f), vec!["Linear algebra", "Physics lab"]);
}

#[test]
fn a_server_that_never_answers_is_cut_at_the_limit() {
    let f = common::open();
    let server = Server::start(Serve::Hang);
    let id = subscribe(&f, &server.url, "Timetable");
    let started = Instant::now();
    let done = refresh(&f, &id);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(6), "cut at the 2 s limit, took {took:?}");
    let RefreshOutcome::Failed { reason } = &done.result else { panic!("{:?}", done.result) };
    assert!(reason.contains("127.0.0.1") && reason.contains("within 2 seconds"), "{reason}");
    assert_eq!(done.subscription.events, 0);
}

#[test]
fn a_50_mb_answer_is_refused_while_reading_and_nothing_is_stored() {
    let f = common::open();
    let server = Server::start(ok_feed(&[LECTURE], "v1"));
    let id = subscribe(&f, &server.url, "Timetable");
    refresh(&f, &id);
    for length in [false, true] {
        server.set(Serve::Huge { bytes: 50 * 1024 * 1024, length });
        let started = Instant::now();
        let done = refresh(&f, &id);
        let RefreshOutcome::Failed { reason } = &done.result else { panic!("{:?}", done.result) };
        assert!(reason.contains("larger than 10 MiB"), "{reason}");
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(titles(&f), vec!["Linear algebra"]);
    }
}

#[test]
fn a_reminder_on_a_subscribed_event_fires_and_survives_refreshes_and_nothing_syncs() {
    let f = common::open();
    let server = Server::start(ok_feed(&[LECTURE, LAB], "v1"));
    let id = subscribe(&f, &server.url, "Timetable");
    let subscription_changes = f.count("sync_changes");
    refresh(&f, &id);
    let lecture = f.app.calendar_range("2026-12-07", "2026-12-07").unwrap().items[0].id.clone();
    assert!(f.app.event_get(&lecture).unwrap().reminders.is_empty(), "the feed's VALARMs are not imported");

    let patch = EventPatch { reminders: Some(vec![NewReminder { minutes_before: Some(15), ..Default::default() }]), ..Default::default() };
    let ev = f.app.event_update(EventUpdate { id: lecture.clone(), patch, ..Default::default() }).unwrap();
    assert_eq!(ev.reminders[0].fire_at, "2026-12-07T00:45:00.000Z");

    // The lecture moves an hour later at the source: the reminder follows it.
    server.set(ok_feed(&[("lecture-1@uni.example", "20261207T020000Z", "Linear algebra"), LAB], "v2"));
    refresh(&f, &id);
    let ev = f.app.event_get(&lecture).unwrap();
    assert_eq!(ev.reminders.len(), 1);
    assert_eq!(ev.reminders[0].fire_at, "2026-12-07T01:45:00.000Z");

    f.clock.set(chrono::DateTime::parse_from_rfc3339("2026-12-07T01:46:00Z").unwrap().with_timezone(&chrono::Utc));
    let due = f.app.reminders_due().unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!((due[0].event_id.as_str(), due[0].title.as_str()), (lecture.as_str(), "Linear algebra"));

    assert_eq!(feed_changes(&f), 0, "a feed's events, their reminders and the fetch state never sync");
    assert_eq!(f.count("sync_changes"), subscription_changes, "the subscription's insert only");
    let queued: i64 = f
        .app
        .db()
        .read(|c| Ok(c.query_row("SELECT count(*) FROM sync_changes WHERE table_name = 'calendar_subscriptions' AND row_id = ?1", [&id], |r| r.get(0))?))
        .unwrap();
    assert_eq!(queued, 1, "the subscription itself syncs");

    // Unsubscribing removes the events and their reminders, and queues only the subscription's delete.
    f.app.calendar_unsubscribe(&id).unwrap();
    assert_eq!(f.count("calendar_events"), 0);
    assert_eq!(f.count("calendar_event_reminders"), 0);
    assert_eq!(feed_changes(&f), 0);
}

#[test]
fn a_subscribed_event_is_read_only_in_words() {
    let f = common::open();
    let server = Server::start(ok_feed(&[LECTURE], "v1"));
    let id = subscribe(&f, &server.url, "Uni timetable");
    refresh(&f, &id);
    let lecture = f.app.calendar_range("2026-12-07", "2026-12-07").unwrap().items[0].id.clone();

    let rename = EventPatch { title: Some("Mine now".into()), ..Default::default() };
    let e = f.app.event_update(EventUpdate { id: lecture.clone(), patch: rename, ..Default::default() }).unwrap_err();
    assert!(e.to_string().contains("comes from the subscription \"Uni timetable\"") && e.to_string().contains("at its source"), "{e}");
    let e = f.app.event_delete(&lecture, None::<String>, EditScope::All).unwrap_err();
    assert!(e.to_string().contains("Uni timetable"), "{e}");
    let mv = studydesk_core::planner::calendar::EventMove { id: lecture.clone(), date: Some("2026-12-08".into()), ..Default::default() };
    assert!(f.app.event_move(mv).unwrap_err().to_string().contains("Uni timetable"));
    assert_eq!(titles(&f), vec!["Linear algebra"]);
    assert_eq!(f.app.event_get(&lecture).unwrap().subscription_id.as_deref(), Some(id.as_str()));
}

#[test]
fn subscriptions_are_checked_listed_renamed_and_a_feed_uid_may_match_an_own_event() {
    let f = common::open();
    let server = Server::start(ok_feed(&[LECTURE], "v1"));
    let me = f.app.user_id();
    let add = |url: &str, name: Option<&str>| {
        subscriptions::add(f.app.db(), &me, NewSubscription { url: url.into(), name: name.map(Into::into), ..Default::default() })
    };
    assert!(common::refused(add("ftp://uni.example/t.ics", None)).contains("webcal://"));
    let web = add("webcal://uni.example/t.ics", None).unwrap();
    assert_eq!((web.url.as_str(), web.name.as_str(), web.refresh_minutes), ("https://uni.example/t.ics", "uni.example", 360));
    // No colour given: the first swatch the colour picker offers (the core's one list).
    assert_eq!((web.colour.as_str(), studydesk_core::planner::calendar::colours::SWATCHES[0]), ("#3451c6", ("blue", "#3451c6")));
    assert!(common::refused(add("https://uni.example/t.ics", Some("Other"))).contains("already subscribe to this address as \"uni.example\""));
    assert!(common::refused(add("https://other.example/t.ics", Some("UNI.EXAMPLE"))).contains("already have a subscription named"));
    let bad = SubscriptionPatch { id: web.id.clone(), refresh_minutes: Some(5), ..Default::default() };
    assert!(common::refused(subscriptions::update(f.app.db(), &me, bad)).contains("between 15 minutes and 7 days"));
    let renamed = subscriptions::update(f.app.db(), &me, SubscriptionPatch { id: web.id.clone(), name: Some("Uni".into()), colour: Some("#DC2626".into()), ..Default::default() }).unwrap();
    assert_eq!((renamed.name.as_str(), renamed.colour.as_str()), ("Uni", "#dc2626"));

    // The user imported the same event from a file before: both are kept, each in its calendar.
    f.app.ics_import(feed(&[LECTURE]).as_bytes()).unwrap();
    let timetable = add(&server.url, Some("Timetable")).unwrap();
    assert_eq!(timetable.colour, "#0b7a6f", "the next swatch in turn");
    let id = timetable.row.id;
    assert_eq!(refresh(&f, &id).result, RefreshOutcome::Updated { created: 1, updated: 0, deleted: 0, unchanged: 0 });
    assert_eq!(titles(&f), vec!["Linear algebra", "Linear algebra"]);
    let list = f.app.calendar_subscriptions().unwrap();
    assert_eq!(list.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), vec!["Timetable", "Uni"]);
    f.app.calendar_unsubscribe(&id).unwrap();
    assert_eq!(titles(&f), vec!["Linear algebra"], "the user's own copy stays");
}

/// A subscription to a feed of the lecture, fetched once: the fixture, the feed's
/// server, the subscription's id.
fn lecture_fetched() -> (common::Fixture, Server, String) {
    let f = common::open();
    let server = Server::start(ok_feed(&[LECTURE], "v1"));
    let id = subscribe(&f, &server.url, "Timetable");
    refresh(&f, &id);
    (f, server, id)
}

#[test]
fn a_feed_larger_than_the_export_cap_leaves_the_users_own_export_working() {
    let (f, _server, id) = lecture_fetched();
    // The feed grows past what one export may hold: its one event copied cap times more,
    // written directly (a real feed that size takes minutes to fetch and parse here).
    let cap = studydesk_core::planner::calendar::ics::export::MAX_EXPORT_EVENTS;
    let me = f.app.user_id();
    f.app
        .db()
        .write(studydesk_core::db::WriteCtx::by(&me, "test.huge_feed"), |tx| {
            let columns: Vec<String> =
                tx.prepare("SELECT name FROM pragma_table_info('calendar_events')")?.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
            let values: Vec<String> = columns
                .iter()
                .map(|c| match c.as_str() {
                    "id" => "printf('0193a000-0000-7000-8000-%012d', n.i)".to_string(),
                    "uid" => "printf('copy-%d@uni.example', n.i)".to_string(),
                    other => format!("e.{other}"),
                })
                .collect();
            let sql = format!(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2) \
                 INSERT INTO calendar_events ({}) SELECT {} FROM calendar_events e, n WHERE e.subscription_id = ?1",
                columns.join(", "),
                values.join(", ")
            );
            assert_eq!(tx.execute(&sql, rusqlite::params![id, cap as i64])?, cap);
            Ok(())
        })
        .unwrap();
    f.app.event_quick_add("Study group tomorrow 15:00").unwrap();
    f.app.event_quick_add("Office hours Friday 10:00").unwrap();

    let exported = f.app.ics_export(None::<String>, None::<String>).expect("the user's two events are far under the cap");
    assert_eq!(exported.matches("BEGIN:VEVENT").count(), 2, "{exported}");
    assert!(exported.contains("SUMMARY:Study group") && exported.contains("SUMMARY:Office hours"), "{exported}");
    assert!(!exported.contains("Linear algebra"), "the feed's events are its publisher's");
}

// ---- the headless turn (`remind run --once`, the OS timer) and pausing

use studydesk_core::background::remind::{self, FeedBudget};

/// The headless turn with the test's short limits; notices are counted, not shown.
const TURN: FeedBudget = FeedBudget { limits: LIMITS, budget: Duration::from_secs(10) };

fn at(f: &common::Fixture, time: &str) {
    f.clock.set(chrono::DateTime::parse_from_rfc3339(time).unwrap().with_timezone(&chrono::Utc));
}

fn turn(f: &common::Fixture) -> remind::Turn {
    remind::turn_with(f.app.db(), &f.app.user_id(), &TURN, |_| Ok(())).unwrap()
}

fn remind_15_before(f: &common::Fixture, day: &str) -> String {
    let id = f.app.calendar_range(day, day).unwrap().items[0].id.clone();
    let patch = EventPatch { reminders: Some(vec![NewReminder { minutes_before: Some(15), ..Default::default() }]), ..Default::default() };
    f.app.event_update(EventUpdate { id: id.clone(), patch, ..Default::default() }).unwrap();
    id
}

fn delivered_titles(t: &remind::Turn) -> Vec<String> {
    t.delivered.iter().map(|d| d.title.clone()).collect()
}

#[test]
fn the_headless_turn_refreshes_due_feeds_and_their_moved_reminders_fire() {
    let f = common::open();
    let server = Server::start(ok_feed(&[LECTURE, LAB], "v1"));
    let id = subscribe(&f, &server.url, "Timetable");
    refresh(&f, &id);
    let lecture = remind_15_before(&f, "2026-12-07");
    remind_15_before(&f, "2026-12-08");
    assert_eq!(f.app.event_get(&lecture).unwrap().reminders[0].fire_at, "2026-12-07T00:45:00.000Z");

    // With the app closed, the lecture moves 30 minutes earlier at the source.
    server.set(ok_feed(&[("lecture-1@uni.example", "20261207T003000Z", "Linear algebra"), LAB], "v2"));
    at(&f, "2026-12-07T00:05:00Z");
    let t = turn(&f);
    assert_eq!(t.subscriptions.len(), 1, "the feed was due: fetched by the headless turn");
    assert_eq!(t.subscriptions[0].result, RefreshOutcome::Updated { created: 0, updated: 1, deleted: 0, unchanged: 1 });
    assert!(t.delivered.is_empty(), "nothing is due yet");
    assert_eq!(f.app.event_get(&lecture).unwrap().reminders[0].fire_at, "2026-12-07T00:15:00.000Z", "recomputed from the new copy");

    // The next turn, at 00:16, fires it (the stale copy would have waited until 00:45)
    // and asks no feed: the next fetch is an interval after the last.
    let asked = server.heads.lock().unwrap().len();
    at(&f, "2026-12-07T00:16:00Z");
    let t = turn(&f);
    assert_eq!(delivered_titles(&t), ["Linear algebra"]);
    assert!(t.subscriptions.is_empty());
    assert_eq!(server.heads.lock().unwrap().len(), asked);

    // A turn one minute before the lab's reminder whose fetch takes two: the reminder that
    // came due meanwhile fires in the same turn, not a minute later.
    let v3 = ok_feed(&[("lecture-1@uni.example", "20261207T003000Z", "Linear algebra"), LAB, SEMINAR], "v3");
    server.set(Serve::Slow(Box::new(v3), f.clock.clone(), chrono::Duration::minutes(2)));
    at(&f, "2026-12-08T04:44:00Z");
    let t = turn(&f);
    assert_eq!(t.subscriptions[0].result, RefreshOutcome::Updated { created: 1, updated: 0, deleted: 0, unchanged: 2 });
    assert_eq!(delivered_titles(&t), ["Physics lab"], "due at 04:45, delivered after the fetch that ended at 04:46");
    assert!(delivered_titles(&turn(&f)).is_empty(), "once");
}

#[test]
fn the_turn_fires_what_is_due_before_asking_any_feed_and_keeps_to_its_budget() {
    let f = common::open();
    let slow = Server::start(Serve::Hang);
    let other = Server::start(Serve::Hang);
    let first = subscribe(&f, &slow.url, "Slow");
    let second = subscribe(&f, &other.url, "Also slow");
    f.app
        .event_add(studydesk_core::planner::calendar::NewEvent {
            title: "Exam".into(),
            start: "2026-11-22T10:10:00+09:00".into(),
            reminders: vec![NewReminder { minutes_before: Some(10), ..Default::default() }],
            ..Default::default()
        })
        .unwrap();
    at(&f, "2026-11-22T01:00:30Z");

    let started = Instant::now();
    let mut shown_after = vec![];
    let budget = FeedBudget { limits: LIMITS, budget: Duration::from_secs(3) };
    let t = remind::turn_with(f.app.db(), &f.app.user_id(), &budget, |_| {
        shown_after.push(started.elapsed());
        Ok(())
    })
    .unwrap();
    let took = started.elapsed();
    assert_eq!(delivered_titles(&t), ["Exam"]);
    assert!(shown_after[0] < Duration::from_secs(1), "shown before any feed was asked: {shown_after:?}");
    // One fetch (2 s) fits the 3 s budget; a second would not: it stays due for the next turn.
    assert_eq!(t.subscriptions.len(), 1, "{:?}", t.subscriptions);
    assert!(took >= Duration::from_secs(2) && took < Duration::from_secs(3), "{took:?}");
    let RefreshOutcome::Failed { reason } = &t.subscriptions[0].result else { panic!() };
    assert!(reason.contains("within 2 seconds"), "{reason}");
    let due = f.app.db().read(|c| subscriptions::due(c, &f.app.user_id(), f.app.db().now())).unwrap();
    let fetched = t.subscriptions[0].subscription.id.clone();
    let waiting = if fetched == first { &second } else { &first };
    assert_eq!(due, vec![waiting.clone()]);
}

#[test]
fn a_paused_subscription_is_not_fetched_says_so_and_keeps_its_copy() {
    let f = common::open();
    let me = f.app.user_id();
    let server = Server::start(ok_feed(&[LECTURE], "v1"));
    let id = subscribe(&f, &server.url, "Timetable");
    refresh(&f, &id);
    let paused = f.app.calendar_subscription_update(SubscriptionPatch { id: id.clone(), enabled: Some(false), ..Default::default() }).unwrap();
    assert!(!paused.enabled);
    let asked = server.heads.lock().unwrap().len();

    server.set(ok_feed(&[LECTURE, LAB], "v2"));
    f.clock.advance(chrono::Duration::hours(3));
    assert!(f.app.db().read(|c| subscriptions::due(c, &me, f.app.db().now())).unwrap().is_empty());
    assert!(f.app.calendar_subscriptions_refresh_due().unwrap().is_empty(), "the app's thread passes it over");
    assert!(turn(&f).subscriptions.is_empty(), "and so does the headless turn");
    let e = f.app.calendar_subscription_refresh(&id).unwrap_err();
    assert!(e.to_string().contains("\"Timetable\" is paused") && e.to_string().contains("resume it"), "{e}");
    assert_eq!(server.heads.lock().unwrap().len(), asked, "the feed was not asked");
    assert_eq!(titles(&f), vec!["Linear algebra"], "its last copy stays shown");
    assert_eq!(f.app.calendar_subscriptions().unwrap()[0].events, 1);

    // Renamed while paused (unique ignoring case); resumed, it is due at once.
    let club = Server::start(ok_feed(&[SEMINAR], "c1"));
    subscribe(&f, &club.url, "Club");
    let taken = SubscriptionPatch { id: id.clone(), name: Some("CLUB".into()), ..Default::default() };
    assert!(common::refused(f.app.calendar_subscription_update(taken)).contains("already have a subscription named \"Club\""));
    let edit = SubscriptionPatch { id: id.clone(), name: Some("Uni timetable".into()), enabled: Some(true), refresh_minutes: Some(120), ..Default::default() };
    let resumed = f.app.calendar_subscription_update(edit).unwrap();
    assert_eq!((resumed.name.as_str(), resumed.enabled, resumed.refresh_minutes), ("Uni timetable", true, 120));
    let t = turn(&f);
    let names: Vec<_> = t.subscriptions.iter().map(|r| r.subscription.name.as_str()).collect();
    assert_eq!(names, ["Club", "Uni timetable"], "both due: the new one never fetched, the resumed one past its time");
    assert_eq!(titles(&f), vec!["History seminar", "Linear algebra", "Physics lab"]);
}

// ---- a reminder when the feed moves its event earlier

/// A subscription whose lecture (01:00Z) has a 15-minute reminder (00:45Z), fetched:
/// the fixture, the feed's server, the subscription's id and the lecture's.
struct Reminded {
    f: common::Fixture,
    server: Server,
    id: String,
    lecture: String,
}

impl Reminded {
    fn new() -> Reminded {
        let (f, server, id) = lecture_fetched();
        let lecture = remind_15_before(&f, "2026-12-07");
        assert_eq!(f.app.event_get(&lecture).unwrap().reminders[0].fire_at, "2026-12-07T00:45:00.000Z");
        Reminded { f, server, id, lecture }
    }

    /// At `now`, the feed (version `etag`) moves the lecture to `start`, fetched at once.
    fn moved(&self, now: &str, start: &str, etag: &str) -> RefreshOutcome {
        at(&self.f, now);
        self.server.set(ok_feed(&[("lecture-1@uni.example", start, "Linear algebra")], etag));
        refresh(&self.f, &self.id).result
    }

    fn due(&self) -> Vec<String> {
        self.f.app.reminders_due().unwrap().into_iter().map(|d| d.title).collect()
    }
}

const MOVED: RefreshOutcome = RefreshOutcome::Updated { created: 0, updated: 1, deleted: 0, unchanged: 0 };

#[test]
fn a_lecture_the_feed_moves_earlier_inside_its_reminder_window_still_reminds_once() {
    let r = Reminded::new();
    at(&r.f, "2026-12-07T00:40:00Z");
    assert!(turn(&r.f).delivered.is_empty(), "nothing due yet");

    // At 00:40, before the reminder, the lecture moves to 00:50: its reminder time (00:35)
    // has passed, the lecture has not started.
    assert_eq!(r.moved("2026-12-07T00:40:00Z", "20261207T005000Z", "v2"), MOVED);
    let reminder = r.f.app.event_get(&r.lecture).unwrap().reminders[0].clone();
    assert_eq!((reminder.fire_at.as_str(), reminder.delivered_at.as_deref()), ("2026-12-07T00:35:00.000Z", None));
    assert_eq!(r.due(), ["Linear algebra"], "due now");

    at(&r.f, "2026-12-07T00:41:00Z");
    assert_eq!(delivered_titles(&turn(&r.f)), ["Linear algebra"], "the next turn fires it");
    assert!(delivered_titles(&turn(&r.f)).is_empty(), "once");
    // The same copy fetched again (a new ETag, the same events) brings nothing back.
    r.moved("2026-12-07T00:42:00Z", "20261207T005000Z", "v3");
    assert!(r.due().is_empty());
}

#[test]
fn a_reminder_already_shown_is_not_brought_back_when_the_feed_moves_its_event_earlier() {
    let r = Reminded::new();
    at(&r.f, "2026-12-07T00:46:00Z");
    assert_eq!(delivered_titles(&turn(&r.f)), ["Linear algebra"]);

    // Shown at 00:46; at 00:47 the lecture moves to 00:55 (reminder time 00:40, passed).
    assert_eq!(r.moved("2026-12-07T00:47:00Z", "20261207T005500Z", "v2"), MOVED);
    assert_eq!(r.f.app.event_get(&r.lecture).unwrap().reminders[0].fire_at, "2026-12-07T00:40:00.000Z");
    assert!(r.due().is_empty(), "counted as shown");
    assert!(delivered_titles(&turn(&r.f)).is_empty());
}

#[test]
fn a_lecture_the_feed_moves_after_it_started_does_not_remind() {
    let r = Reminded::new();
    // At 00:40 the feed says it began at 00:30 (a correction after the fact).
    assert_eq!(r.moved("2026-12-07T00:40:00Z", "20261207T003000Z", "v2"), MOVED);
    assert!(r.due().is_empty(), "the lecture is no longer ahead");
}

#[test]
fn an_own_event_moved_earlier_the_same_way_keeps_the_rule_of_every_write() {
    let f = common::open();
    let input: studydesk_core::planner::calendar::NewEvent = serde_json::from_value(serde_json::json!({
        "title": "Study group", "start": "2026-12-07T10:00", "end": "2026-12-07T11:30",
        "reminders": [{"minutes_before": 15}]
    }))
    .unwrap();
    let own = f.app.event_add(input).unwrap();
    assert_eq!(own.reminders[0].fire_at, "2026-12-07T00:45:00.000Z", "10:00 in Tokyo, 15 minutes before");

    at(&f, "2026-12-07T00:40:00Z");
    let patch = EventPatch { start: Some("2026-12-07T09:50".into()), end: Some("2026-12-07T11:20".into()), ..Default::default() };
    let moved = f.app.event_update(EventUpdate { id: own.id.clone(), patch, ..Default::default() }).unwrap();
    assert_eq!(moved.reminders[0].fire_at, "2026-12-07T00:35:00.000Z");
    assert!(moved.reminders[0].delivered_at.is_some(), "a time already passed counts as shown");
    assert!(f.app.reminders_due().unwrap().is_empty());
}
