//! `calendar subscribe URL [--name N] [--colour #RRGGBB] [--every MINUTES] [--json]`,
//! `calendar subscriptions [--json]`, `calendar refresh [ID] [--json]` and `calendar
//! unsubscribe ID` as a script uses them, against a small HTTP server on 127.0.0.1 whose
//! feed the test changes: the feed's events show in `agenda`, a refresh after a change
//! drops the removed event, a failing feed keeps them and says why, and unsubscribing
//! removes them. A bad address is refused in one line with nothing written.
//! `calendar subscription-edit ID [--name] [--colour] [--every]`, `calendar pause ID` and
//! `calendar resume ID`: a paused one is not fetched by `remind run --once` (the headless
//! turn of the OS timer), which after the resume fetches the change.

mod run;

use run::{fails, json, ok};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// Serves `body` (None: a 500) at any path.
fn serve(body: Arc<Mutex<Option<String>>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/timetable.ics", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
            }
            let (status, text) = match body.lock().unwrap().clone() {
                Some(b) => ("200 OK", b),
                None => ("500 Internal Server Error", "maintenance".to_string()),
            };
            let head = format!("HTTP/1.1 {status}\r\nContent-Type: text/calendar\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", text.len());
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(text.as_bytes());
        }
    });
    url
}

fn feed(events: &[(&str, &str)]) -> String {
    let mut s = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n");
    for (uid, title) in events {
        s.push_str(&format!("BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261207T010000Z\r\nDTEND:20261207T023000Z\r\nSUMMARY:{title}\r\nEND:VEVENT\r\n"));
    }
    s.push_str("END:VCALENDAR\r\n");
    s
}

fn agenda_titles(dir: &std::path::Path) -> Vec<String> {
    let items = json(dir, &["agenda", "--from", "2026-12-01", "--to", "2026-12-31", "--json"]);
    let mut titles: Vec<String> = items.as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap().to_string()).collect();
    titles.sort();
    titles
}

#[test]
fn a_calendar_is_subscribed_refreshed_listed_and_unsubscribed() {
    let d = tempfile::tempdir().unwrap();
    let body = Arc::new(Mutex::new(Some(feed(&[("a@uni", "Linear algebra"), ("b@uni", "Physics lab")]))));
    let url = serve(body.clone());

    let done = json(d.path(), &["calendar", "subscribe", &url, "--name", "Timetable", "--colour", "#0B7A6F", "--every", "60", "--json"]);
    assert_eq!(done["result"]["outcome"], "updated");
    assert_eq!(done["result"]["created"], 2);
    assert_eq!(done["subscription"]["colour"], "#0b7a6f");
    assert_eq!(done["subscription"]["refresh_minutes"], 60);
    let id = done["subscription"]["id"].as_str().unwrap().to_string();
    assert_eq!(agenda_titles(d.path()), ["Linear algebra", "Physics lab"]);
    let err = fails(d.path(), &["calendar", "subscribe", "ftp://uni.example/t.ics"]);
    assert!(err.starts_with("error (validation)") && err.contains("webcal://"), "{err}");
    assert_eq!(json(d.path(), &["calendar", "subscriptions", "--json"]).as_array().unwrap().len(), 1, "nothing written");

    *body.lock().unwrap() = Some(feed(&[("a@uni", "Linear algebra")]));
    let line = ok(d.path(), &["calendar", "refresh", &id]);
    assert_eq!(line.trim_end(), "Timetable: created 0, updated 0, deleted 1, unchanged 1");
    assert_eq!(agenda_titles(d.path()), ["Linear algebra"]);

    *body.lock().unwrap() = None;
    let line = ok(d.path(), &["calendar", "refresh", &id]);
    assert!(line.starts_with("Timetable: failed: ") && line.contains("500 Internal Server Error") && line.contains("maintenance"), "{line}");
    assert_eq!(agenda_titles(d.path()), ["Linear algebra"], "the last good copy is kept");
    let list = json(d.path(), &["calendar", "subscriptions", "--json"]);
    assert_eq!(list[0]["failures"], 1);
    assert!(list[0]["last_error"].as_str().unwrap().contains("500"));
    let text = ok(d.path(), &["calendar", "subscriptions"]);
    assert!(text.contains("Timetable") && text.contains("1 events") && text.contains("failed: ") && text.contains("; next "), "{text}");
    assert_eq!(ok(d.path(), &["calendar", "refresh"]), "", "nothing is due during the back-off");

    assert_eq!(ok(d.path(), &["calendar", "unsubscribe", &id]).trim_end(), format!("unsubscribed {id}"));
    assert!(agenda_titles(d.path()).is_empty());
    assert_eq!(json(d.path(), &["calendar", "subscriptions", "--json"]).as_array().unwrap().len(), 0);
}

fn at(time: &str, args: &[&str]) -> Vec<String> {
    let mut all = vec!["--clock-from".to_string(), time.to_string()];
    all.extend(args.iter().map(|a| a.to_string()));
    all
}

fn ok_at(dir: &std::path::Path, time: &str, args: &[&str]) -> String {
    let all = at(time, args);
    ok(dir, &all.iter().map(String::as_str).collect::<Vec<_>>())
}

#[test]
fn a_subscription_is_edited_paused_resumed_and_the_headless_turn_refreshes_it() {
    let d = tempfile::tempdir().unwrap();
    let body = Arc::new(Mutex::new(Some(feed(&[("a@uni", "Linear algebra")]))));
    let url = serve(body.clone());
    let t0 = "2026-12-01T00:00:00Z";
    let added = ok_at(d.path(), t0, &["calendar", "subscribe", &url, "--name", "Timetable", "--every", "60", "--json"]);
    let added: serde_json::Value = serde_json::from_str(&added).unwrap();
    let id = added["subscription"]["id"].as_str().unwrap().to_string();
    let club = ok_at(d.path(), t0, &["calendar", "subscribe", "http://127.0.0.1:9/club.ics", "--name", "Club", "--json"]);
    let club: serde_json::Value = serde_json::from_str(&club).unwrap();
    // Without --colour each takes the next swatch the app's colour picker offers (blue, teal).
    assert_eq!((added["subscription"]["colour"].as_str(), club["subscription"]["colour"].as_str()), (Some("#3451c6"), Some("#0b7a6f")));
    ok(d.path(), &["calendar", "pause", club["subscription"]["id"].as_str().unwrap()]);

    // Rename, recolour and a new interval; a taken name (ignoring case) is refused.
    let edited = json(d.path(), &["calendar", "subscription-edit", &id, "--name", "Uni", "--colour", "#DC2626", "--every", "120", "--json"]);
    assert_eq!((edited["name"].as_str(), edited["colour"].as_str(), edited["refresh_minutes"].as_i64()), (Some("Uni"), Some("#dc2626"), Some(120)));
    assert_eq!(edited["events"], 1, "the row and what the view adds, side by side");
    let err = fails(d.path(), &["calendar", "subscription-edit", &id, "--name", "CLUB"]);
    assert!(err.starts_with("error (validation)") && err.contains("already have a subscription named \"Club\""), "{err}");
    let err = fails(d.path(), &["calendar", "subscription-edit", &id]);
    assert!(err.contains("--name, --colour or --every"), "{err}");

    // Paused: the headless turn does not fetch it; the list says so; the copy stays.
    let line = ok(d.path(), &["calendar", "pause", &id]);
    assert!(line.contains("Uni") && line.contains("(paused)"), "{line}");
    *body.lock().unwrap() = Some(feed(&[("a@uni", "Linear algebra"), ("b@uni", "Physics lab")]));
    let later = "2026-12-01T03:00:00Z";
    assert_eq!(ok_at(d.path(), later, &["remind", "run", "--once"]), "");
    assert_eq!(agenda_titles(d.path()), ["Linear algebra"]);
    let err = fails(d.path(), &["calendar", "refresh", &id]);
    assert!(err.starts_with("error (conflict)") && err.contains("\"Uni\" is paused"), "{err}");
    let text = ok(d.path(), &["calendar", "subscriptions"]);
    assert!(text.lines().all(|l| l.contains("(paused)")), "{text}");

    // Resumed: with the app closed, `remind run --once` fetches the change.
    assert!(!ok(d.path(), &["calendar", "resume", &id]).contains("(paused)"));
    let out = ok_at(d.path(), later, &["remind", "run", "--once"]);
    assert_eq!(out.trim_end(), "subscription\tUni: created 1, updated 0, deleted 0, unchanged 1");
    assert_eq!(agenda_titles(d.path()), ["Linear algebra", "Physics lab"]);
    assert_eq!(ok_at(d.path(), later, &["remind", "run", "--once"]), "", "not due again until its interval has passed");
}
