//! Scheduled refresh of data sources as a user meets it, with a clock the test moves and
//! REST APIs served by a small HTTP server in the test (127.0.0.1): a source is not due
//! before its interval and is after it, a refresh moves the next time, a failing server
//! (or a closed database port) is tried once per interval and keeps the old rows, CSV
//! files are refused, another user's source and a synced source whose connection is not
//! here are never due, and the schedule survives a refresh, a failed refresh and a rename.

mod common;

use chrono::Duration;
use rusqlite::{Connection, OpenFlags};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use studydesk_core::db::{row, WriteCtx};
use studydesk_core::insights::rows::{DataSourceRow, DataSourceStatus, DataSourceType};
use studydesk_core::insights::sources::rest::{RestMethod, RestPaging, RestRequest};
use studydesk_core::insights::sources::{schedule, DataSource};
use studydesk_core::insights::table::Cell;
use studydesk_core::paths;

/// A JSON API on 127.0.0.1 that answers `n` records (`n` goes up by one per good answer)
/// or, while `down` is set, 503; it counts the requests it received.
struct Api {
    url: String,
    requests: Arc<AtomicUsize>,
    down: Arc<AtomicBool>,
}

impl Api {
    fn start() -> Api {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/records", listener.local_addr().unwrap());
        let (requests, down) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicBool::new(false)));
        let (count, broken) = (requests.clone(), down.clone());
        std::thread::spawn(move || {
            let good = AtomicUsize::new(0);
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                }
                count.fetch_add(1, Ordering::SeqCst);
                let (status, body) = if broken.load(Ordering::SeqCst) {
                    ("503 Service Unavailable", "maintenance".to_string())
                } else {
                    let n = good.fetch_add(1, Ordering::SeqCst) + 2;
                    ("200 OK", Value::Array((1..=n).map(|i| json!({ "n": i })).collect()).to_string())
                };
                let answer = format!("HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
                let mut stream = stream;
                let _ = stream.write_all(answer.as_bytes());
            }
        });
        Api { url, requests, down }
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    fn go_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }
}

fn get(url: &str) -> RestRequest {
    RestRequest { url: url.into(), method: RestMethod::Get, body: None, headers: vec![], records_path: None, columns: vec![], paging: RestPaging::None }
}

/// The ids the schedule finds due now.
fn due(f: &common::Fixture) -> Vec<String> {
    let me = f.app.user_id();
    f.app.db().read(|c| schedule::due(c, &me, f.app.db().now())).unwrap()
}

/// Runs what is due: `(name, rows or the error)` of each refresh.
fn run_due(f: &common::Fixture) -> Vec<(String, Result<Option<i64>, String>)> {
    f.app.source_refresh_due().unwrap().into_iter().map(|r| (r.name, r.outcome.map(|s| s.rows).map_err(|e| e.to_string()))).collect()
}

fn listed(f: &common::Fixture, id: &str) -> DataSource {
    f.app.source_list().unwrap().into_iter().find(|s| s.id == id).unwrap()
}

fn stored_metadata(f: &common::Fixture, id: &str) -> Value {
    let c = Connection::open_with_flags(paths::db_path(f.dir.path()), OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let text: String = c.query_row("SELECT metadata FROM data_sources WHERE id = ?1", [id], |r| r.get(0)).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn count_rows(f: &common::Fixture, table: &str) -> Vec<Vec<Cell>> {
    f.app.insights_query(format!("SELECT count(*) FROM sources.{table}"), None::<String>).unwrap().rows
}

/// The stored time `minutes` after the fixture's start (Sunday 22 November 2026, 01:00 UTC).
fn at(minutes: i64) -> String {
    studydesk_core::time::timestamp_text(common::start_time() + Duration::minutes(minutes))
}

/// Inserts a source row as sync or another user would bring it (no cache table here).
fn insert_row(f: &common::Fixture, id: &str, owner: &str, kind: DataSourceType, config: Value, metadata: Value) {
    let owner = owner.to_string();
    f.app
        .db()
        .write(WriteCtx::system("test.arrived"), |tx| {
            row::insert(tx, &DataSourceRow {
                id: id.into(),
                user_id: owner.clone(),
                name: format!("Source {}", &id[id.len() - 2..]),
                r#type: kind,
                connection_config: config.clone(),
                status: DataSourceStatus::Connected,
                last_sync: Some("2026-11-20T00:00:00.000Z".into()),
                metadata: metadata.clone(),
                created_at: "2026-11-20T00:00:00.000Z".into(),
                updated_at: "2026-11-20T00:00:00.000Z".into(),
            })
        })
        .unwrap();
}

#[test]
fn a_source_is_due_one_interval_after_its_last_refresh_and_a_refresh_moves_the_next_time() {
    let api = Api::start();
    let f = common::open();
    let s = f.app.source_add_rest("Counts", get(&api.url)).unwrap();
    assert_eq!((s.refresh_minutes, s.next_refresh_at.as_deref(), s.connection_here), (None, None, true), "by hand only until scheduled");
    let s = f.app.source_set_schedule(&s.id, Some(60)).unwrap();
    assert_eq!((s.refresh_minutes, s.next_refresh_at.as_deref()), (Some(60), Some(at(60).as_str())), "an hour after the add");

    f.clock.advance(Duration::minutes(59));
    assert!(due(&f).is_empty(), "not before the hour");
    assert!(run_due(&f).is_empty());
    assert_eq!(api.requests(), 1, "only the add's request");

    f.clock.advance(Duration::minutes(1));
    assert_eq!(due(&f), [s.id.clone()]);
    assert_eq!(run_due(&f), [("Counts".to_string(), Ok(Some(3)))]);
    assert_eq!(api.requests(), 2);
    let after = listed(&f, &s.id);
    assert_eq!((after.last_sync.as_deref(), after.next_refresh_at.as_deref()), (Some(at(60).as_str()), Some(at(120).as_str())), "the next one an hour later");
    assert_eq!(count_rows(&f, "counts"), [[Cell::Integer(3)]]);

    // A refresh by hand moves it too.
    f.clock.advance(Duration::minutes(30));
    assert_eq!(f.app.source_refresh(&s.id).unwrap().next_refresh_at.as_deref(), Some(at(150).as_str()));
    f.clock.advance(Duration::minutes(59));
    assert!(run_due(&f).is_empty(), "at 02:29, the hand refresh of 01:30 counts");
    f.clock.advance(Duration::minutes(1));
    assert_eq!(run_due(&f), [("Counts".to_string(), Ok(Some(5)))]);

    // Off: never due again.
    let off = f.app.source_set_schedule(&s.id, None::<u32>).unwrap();
    assert_eq!((off.refresh_minutes, off.next_refresh_at), (None, None));
    f.clock.advance(Duration::days(3));
    assert!(due(&f).is_empty());
    assert_eq!(api.requests(), 4);
}

#[test]
fn a_failing_server_is_tried_once_per_interval_and_keeps_its_rows() {
    let api = Api::start();
    let f = common::open();
    let s = f.app.source_add_rest("Counts", get(&api.url)).unwrap();
    f.app.source_set_schedule(&s.id, Some(15)).unwrap();
    api.go_down(true);

    f.clock.advance(Duration::minutes(15));
    let turn = run_due(&f);
    assert_eq!(turn.len(), 1);
    assert!(turn[0].1.as_ref().is_err_and(|e| e.contains("503")), "{turn:?}");
    let failed = listed(&f, &s.id);
    assert_eq!((failed.status, failed.rows, failed.data_here), (DataSourceStatus::Error, Some(2), true));
    assert_eq!(failed.next_refresh_at.as_deref(), Some(at(30).as_str()), "one interval after the failure");
    assert_eq!(stored_metadata(&f, &s.id)["failed_at"], json!(at(15)));
    assert_eq!(count_rows(&f, "counts"), [[Cell::Integer(2)]], "the old rows stay");

    // Checked every minute, as the app does: no request until the interval has passed.
    for _ in 0..14 {
        f.clock.advance(Duration::minutes(1));
        assert!(run_due(&f).is_empty());
    }
    assert_eq!(api.requests(), 2, "the add and one failed try");
    f.clock.advance(Duration::minutes(1));
    assert!(run_due(&f)[0].1.is_err());
    assert_eq!(api.requests(), 3, "tried again 15 minutes after the failure");

    // Back up: the next try reads it, and the failure is forgotten.
    api.go_down(false);
    f.clock.advance(Duration::minutes(15));
    assert_eq!(run_due(&f), [("Counts".to_string(), Ok(Some(3)))]);
    let back = listed(&f, &s.id);
    assert_eq!((back.status, back.error, back.refresh_minutes), (DataSourceStatus::Connected, None, Some(15)));
    assert_eq!(stored_metadata(&f, &s.id).get("failed_at"), None);
}

#[test]
fn a_database_that_cannot_be_reached_and_an_unreadable_request_wait_one_interval_too() {
    let f = common::open();
    let me = f.app.user_id();
    // Port 1 on this machine: the connection is refused at once.
    let db_id = "0190f000-0000-7000-8000-0000000000d1";
    let config = json!({"engine": "postgresql", "host": "127.0.0.1", "port": 1, "database": "school", "user": "reader", "tls": "disable", "query": "SELECT 1"});
    insert_row(&f, db_id, &me, DataSourceType::Postgresql, config, json!({"refresh_minutes": 60}));
    // A stored request this version refuses before sending anything.
    let bad_id = "0190f000-0000-7000-8000-0000000000d2";
    insert_row(&f, bad_id, &me, DataSourceType::RestApi, json!({"url": "ftp://example.com/x", "method": "get", "headers": [], "columns": [], "paging": {"by": "none"}}), json!({"refresh_minutes": 60}));

    assert_eq!(due(&f), [db_id.to_string(), bad_id.to_string()], "overdue since 20 November");
    let turn = run_due(&f);
    assert_eq!(turn.len(), 2);
    assert!(turn.iter().all(|(_, outcome)| outcome.is_err()), "{turn:?}");
    for id in [db_id, bad_id] {
        let s = listed(&f, id);
        assert_eq!((s.status, s.next_refresh_at.as_deref()), (DataSourceStatus::Error, Some(at(60).as_str())), "{id}");
        assert!(s.error.is_some());
    }
    f.clock.advance(Duration::minutes(59));
    assert!(due(&f).is_empty(), "not tried again at every check");
    f.clock.advance(Duration::minutes(1));
    assert_eq!(due(&f).len(), 2);
}

#[test]
fn csv_files_and_other_intervals_are_refused_in_words() {
    let api = Api::start();
    let f = common::open();
    let csv = f.app.source_add_csv("Scores", Some("scores.csv"), b"name,score\nAda,90\n").unwrap();
    let before = (f.count("audit_logs"), f.count("sync_changes"), stored_metadata(&f, &csv.id));
    let e = f.app.source_set_schedule(&csv.id, Some(60)).unwrap_err();
    assert_eq!(e.kind(), "validation");
    assert!(e.to_string().contains("\"Scores\" is a CSV file") && e.to_string().contains("re-import"), "{e}");
    assert_eq!((f.count("audit_logs"), f.count("sync_changes"), stored_metadata(&f, &csv.id)), before, "nothing written");
    assert_eq!(f.app.source_set_schedule(&csv.id, None::<u32>).unwrap().refresh_minutes, None, "off is already so");
    assert!(!csv.connection_here);

    let rest = f.app.source_add_rest("Counts", get(&api.url)).unwrap();
    for minutes in [0, 1, 30, 120, 10_000] {
        let e = f.app.source_set_schedule(&rest.id, Some(minutes)).unwrap_err();
        assert_eq!(e.kind(), "validation");
        assert!(e.to_string().contains("15, 60, 360 or 1440 minutes"), "{e}");
    }
    for minutes in schedule::EVERY {
        assert_eq!(f.app.source_set_schedule(&rest.id, Some(minutes)).unwrap().refresh_minutes, Some(minutes));
    }
    assert_eq!(f.app.source_set_schedule("0190f000-0000-7000-8000-0000000000ff", Some(60)).unwrap_err().kind(), "not_found");
}

#[test]
fn another_users_source_is_not_found_and_never_in_my_due_list() {
    let api = Api::start();
    let f = common::open();
    let other = "0193a0c4-7a1e-7000-8000-0000000000aa";
    f.app
        .db()
        .write(WriteCtx::system("test.other_user"), |tx| {
            tx.execute("INSERT INTO users (id, email, username, password) VALUES (?1, 'o@example.com', 'other', '')", [other])?;
            Ok(())
        })
        .unwrap();
    let theirs = "0190f000-0000-7000-8000-0000000000b1";
    insert_row(&f, theirs, other, DataSourceType::RestApi, serde_json::to_value(get(&api.url)).unwrap(), json!({"refresh_minutes": 15}));
    let now = f.app.db().now();
    assert_eq!(f.app.db().read(|c| schedule::due(c, other, now)).unwrap(), [theirs.to_string()], "due for its owner");
    assert!(due(&f).is_empty(), "never in mine");
    assert!(run_due(&f).is_empty());
    assert_eq!(api.requests(), 0, "nothing fetched for them");
    assert_eq!(f.app.source_set_schedule(theirs, Some(60)).unwrap_err().kind(), "not_found");
    assert_eq!(stored_metadata(&f, theirs), json!({"refresh_minutes": 15}), "their schedule untouched");
}

#[test]
fn a_synced_source_without_its_connection_here_is_never_due() {
    let api = Api::start();
    let f = common::open();
    let me = f.app.user_id();
    // Scheduled on the laptop that keeps the request: the row arrives without it.
    let synced = "0190f000-0000-7000-8000-0000000000c1";
    insert_row(&f, synced, &me, DataSourceType::RestApi, json!({}), json!({"refresh_minutes": 15, "table": "laptop_counts"}));
    let db_synced = "0190f000-0000-7000-8000-0000000000c2";
    insert_row(&f, db_synced, &me, DataSourceType::Mysql, json!({}), json!({"refresh_minutes": 15}));
    // The same kind of row with its request here is due (so the test can fail).
    let here = "0190f000-0000-7000-8000-0000000000c3";
    insert_row(&f, here, &me, DataSourceType::RestApi, serde_json::to_value(get(&api.url)).unwrap(), json!({"refresh_minutes": 15}));

    f.clock.advance(Duration::days(2));
    assert_eq!(due(&f), [here.to_string()]);
    let s = listed(&f, synced);
    assert_eq!((s.refresh_minutes, s.next_refresh_at, s.connection_here), (Some(15), None, false), "shown as scheduled, run elsewhere");
    // Its schedule is a preference: it can be changed here, and still runs there only.
    assert_eq!(f.app.source_set_schedule(synced, Some(1440)).unwrap().refresh_minutes, Some(1440));
    f.clock.advance(Duration::days(2));
    assert_eq!(due(&f), [here.to_string()]);
    assert_eq!(run_due(&f).len(), 1);
    assert_eq!(api.requests(), 1);
}

#[test]
fn the_schedule_survives_a_refresh_a_failed_refresh_a_rename_and_a_restart() {
    let api = Api::start();
    let f = common::open();
    let s = f.app.source_add_rest("Counts", get(&api.url)).unwrap();
    f.app.source_set_schedule(&s.id, Some(360)).unwrap();
    assert_eq!(f.app.source_refresh(&s.id).unwrap().refresh_minutes, Some(360), "a refresh");
    api.go_down(true);
    assert!(f.app.source_refresh(&s.id).is_err());
    assert_eq!(listed(&f, &s.id).refresh_minutes, Some(360), "a failed refresh");
    assert_eq!(f.app.source_rename(&s.id, "Counts (hourly)").unwrap().refresh_minutes, Some(360), "a rename");
    api.go_down(false);
    f.clock.advance(Duration::hours(6));
    assert_eq!(run_due(&f), [("Counts (hourly)".to_string(), Ok(Some(4)))], "a scheduled refresh");
    let f = f.reopen();
    assert_eq!(listed(&f, &s.id).refresh_minutes, Some(360), "after a restart");
    assert_eq!(stored_metadata(&f, &s.id)["refresh_minutes"], json!(360));
}
