//! REST API data sources as a user meets them, against a small HTTP server in the test
//! (127.0.0.1, canned answers): records mapped to typed columns, columns inferred, pages
//! followed by Link header and by cursor, the table read through the SQL sandbox. Every
//! bad answer (HTML, a 500, 60 MiB, records that are not an array) and a credential
//! header are refused in words and write nothing, and a failed refresh keeps the old rows
//! with status `error` and the reason.

mod common;

use rusqlite::{Connection, OpenFlags};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use studydesk_core::insights::rows::{DataSourceStatus, DataSourceType};
use studydesk_core::insights::sources::rest::{RestColumn, RestHeader, RestMethod, RestPaging, RestRequest};
use studydesk_core::insights::sources::DataSource;
use studydesk_core::insights::table::{Cell, ColumnKind};
use studydesk_core::paths;

/// A request the server received: `GET /items?page=2`, its head, its body.
#[derive(Clone, Debug)]
struct Seen {
    line: String,
    head: String,
    body: String,
}

struct Answer {
    status: &'static str,
    content_type: &'static str,
    headers: Vec<String>,
    body: Vec<u8>,
    /// Send a Content-Length (else the body runs to the connection's end).
    length: bool,
}

fn json_answer(v: Value) -> Answer {
    Answer { status: "200 OK", content_type: "application/json", headers: vec![], body: v.to_string().into_bytes(), length: true }
}

type Handler = dyn Fn(&Seen) -> Answer + Send + Sync;

/// A server on 127.0.0.1 answering every request with `handler`; the requests it saw.
struct Server {
    base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    fn start(handler: impl Fn(&Seen) -> Answer + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let handler: Arc<Handler> = Arc::new(handler);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (log, handler) = (log.clone(), handler.clone());
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut head = String::new();
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                            break;
                        }
                        head.push_str(&line);
                    }
                    let length = head.lines().find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|n| n.trim().parse::<usize>().unwrap_or(0))).unwrap_or(0);
                    let mut body = vec![0; length];
                    let _ = reader.read_exact(&mut body);
                    let request = Seen { line: head.lines().next().unwrap_or("").to_string(), head: head.clone(), body: String::from_utf8_lossy(&body).into() };
                    log.lock().unwrap().push(request.clone());
                    let a = handler(&request);
                    let mut out = format!("HTTP/1.1 {}\r\nContent-Type: {}\r\nConnection: close\r\n", a.status, a.content_type);
                    if a.length {
                        out.push_str(&format!("Content-Length: {}\r\n", a.body.len()));
                    }
                    for h in &a.headers {
                        out.push_str(&format!("{h}\r\n"));
                    }
                    out.push_str("\r\n");
                    let mut stream = stream;
                    let _ = stream.write_all(out.as_bytes());
                    let _ = stream.write_all(&a.body);
                });
            }
        });
        Server { base, seen }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn get(url: &str) -> RestRequest {
    RestRequest { url: url.into(), method: RestMethod::Get, body: None, headers: vec![], records_path: None, columns: vec![], paging: RestPaging::None }
}

fn column(name: &str, path: &str, kind: ColumnKind) -> RestColumn {
    RestColumn { name: name.into(), path: path.into(), kind }
}

fn add(f: &common::Fixture, name: &str, request: RestRequest) -> studydesk_core::Result<DataSource> {
    f.app.source_add_rest(name, request)
}

fn query(f: &common::Fixture, sql: &str) -> Vec<Vec<Cell>> {
    f.app.insights_query(sql, None::<String>).unwrap_or_else(|e| panic!("{sql}: {e}")).rows
}

fn text(s: &str) -> Cell {
    Cell::Text(s.into())
}

fn refused(result: studydesk_core::Result<DataSource>) -> String {
    let e = result.expect_err("refused");
    assert_eq!(e.kind(), "validation", "{e}");
    e.to_string()
}

/// Nothing was written: no source, no cache table.
fn nothing_written(f: &common::Fixture) {
    assert!(f.app.source_list().unwrap().is_empty());
    let cache = paths::sources_cache_path(f.dir.path());
    if cache.exists() {
        let c = Connection::open_with_flags(&cache, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        let n: i64 = c.query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\'", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 0, "no cache table");
    }
}

fn connection_config(f: &common::Fixture, id: &str) -> Value {
    let c = Connection::open_with_flags(paths::db_path(f.dir.path()), OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let text: String = c.query_row("SELECT connection_config FROM data_sources WHERE id = ?1", [id], |r| r.get(0)).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn records_are_mapped_to_typed_columns_and_read_in_sql() {
    let server = Server::start(|_| {
        json_answer(json!({"data": {"items": [
            {"id": 1, "score": 90.5, "day": "2024-05-01", "at": "2024-05-01 09:00", "student": {"name": "Alice"}},
            {"id": 2, "score": 85, "day": "2024-05-02", "at": "2024-05-02T10:30:00Z", "student": {"name": "Bob"}},
            {"id": 3, "score": null, "day": null, "at": null, "student": {}}
        ]}}))
    });
    let f = common::open();
    let mut req = get(&format!("{}/exams?term=spring", server.base));
    req.records_path = Some("$.data.items".into());
    req.headers = vec![RestHeader { name: "Accept-Language".into(), value: "ja".into() }];
    req.columns = vec![
        column("id", "$.id", ColumnKind::Integer),
        column("score", "score", ColumnKind::Real),
        column("taken_on", "/day", ColumnKind::Date),
        column("started_at", "$.at", ColumnKind::Timestamp),
        column("student", "$.student.name", ColumnKind::Text),
    ];
    let s = add(&f, "Exam API", req).unwrap();
    assert_eq!((s.source_type, s.status, s.rows, s.table.as_deref(), s.data_here), (DataSourceType::RestApi, DataSourceStatus::Connected, Some(3), Some("exam_api"), true));
    let kinds: Vec<ColumnKind> = s.columns.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [ColumnKind::Integer, ColumnKind::Real, ColumnKind::Date, ColumnKind::Timestamp, ColumnKind::Text]);
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert!(seen[0].line.starts_with("GET /exams?term=spring "), "{}", seen[0].line);
    assert!(seen[0].head.to_ascii_lowercase().contains("accept-language: ja"), "{}", seen[0].head);

    let rows = query(&f, "SELECT id, score, taken_on, started_at, student FROM sources.exam_api ORDER BY id");
    assert_eq!(rows[0], [Cell::Integer(1), Cell::Real(90.5), text("2024-05-01"), text("2024-05-01T00:00:00.000Z"), text("Alice")], "09:00 in Tokyo");
    assert_eq!(rows[1], [Cell::Integer(2), Cell::Real(85.0), text("2024-05-02"), text("2024-05-02T10:30:00.000Z"), text("Bob")]);
    assert_eq!(rows[2], [Cell::Integer(3), Cell::Null, Cell::Null, Cell::Null, Cell::Null]);

    let config = connection_config(&f, &s.id);
    assert_eq!(config["url"], format!("{}/exams?term=spring", server.base));
    assert_eq!((config["records_path"].as_str(), config["paging"]["by"].as_str(), config["method"].as_str()), (Some("$.data.items"), Some("none"), Some("get")));
    assert_eq!(config["headers"][0]["name"], "Accept-Language");
    assert_eq!(config["columns"].as_array().unwrap().len(), 5);
}

#[test]
fn columns_are_inferred_from_the_records() {
    let server = Server::start(|_| {
        json_answer(json!([
            {"title": "Essay", "pages": 3, "due": "2024-06-01", "done": true, "tags": ["a"], "owner": {"id": 1}},
            {"title": "Lab", "pages": 2.5, "due": "2024-06-03", "done": false}
        ]))
    });
    let f = common::open();
    let s = add(&f, "", get(&format!("{}/tasks", server.base))).unwrap();
    assert_eq!(s.name, "127.0.0.1", "named after the host when blank");
    let cols: Vec<(&str, ColumnKind)> = s.columns.iter().map(|c| (c.name.as_str(), c.kind)).collect();
    assert_eq!(cols, [("done", ColumnKind::Text), ("due", ColumnKind::Date), ("pages", ColumnKind::Real), ("title", ColumnKind::Text)], "objects and arrays left out");
    let table = s.table.unwrap();
    let rows = query(&f, &format!("SELECT title, pages, due, done FROM sources.{table} ORDER BY title"));
    assert_eq!(rows, [[text("Essay"), Cell::Real(3.0), text("2024-06-01"), text("true")], [text("Lab"), Cell::Real(2.5), text("2024-06-03"), text("false")]]);
}

#[test]
fn link_header_paging_reads_three_pages() {
    let server = Server::start(|seen| {
        let page: i64 = seen.line.split("page=").nth(1).and_then(|r| r.split(' ').next()).and_then(|n| n.parse().ok()).unwrap_or(1);
        let mut a = json_answer(json!({"items": [{"n": page * 10 + 1}, {"n": page * 10 + 2}]}));
        if page < 3 {
            a.headers.push(format!("Link: </items?page={}>; rel=\"next\", </items?page=3>; rel=\"last\"", page + 1));
        }
        a
    });
    let f = common::open();
    let mut req = get(&format!("{}/items", server.base));
    req.records_path = Some("$.items".into());
    req.paging = RestPaging::NextLink;
    let s = add(&f, "Paged", req).unwrap();
    assert_eq!(s.rows, Some(6));
    let lines: Vec<String> = server.seen().iter().map(|r| r.line.clone()).collect();
    assert_eq!(lines, ["GET /items HTTP/1.1", "GET /items?page=2 HTTP/1.1", "GET /items?page=3 HTTP/1.1"]);
    let rows = query(&f, "SELECT group_concat(n) FROM (SELECT n FROM sources.paged ORDER BY n)");
    assert_eq!(rows, [[text("11,12,21,22,31,32")]]);
}

#[test]
fn cursor_paging_sends_the_cursor_back() {
    let server = Server::start(|seen| {
        let (items, next) = if seen.line.contains("cursor=abc") {
            (json!([{"n": 2}]), json!("def"))
        } else if seen.line.contains("cursor=def") {
            (json!([{"n": 3}]), Value::Null)
        } else {
            (json!([{"n": 1}]), json!("abc"))
        };
        json_answer(json!({"results": items, "meta": {"next": next}}))
    });
    let f = common::open();
    let mut req = get(&format!("{}/log?limit=1", server.base));
    req.method = RestMethod::Post;
    req.body = Some(r#"{"filter": "all"}"#.into());
    req.records_path = Some("$.results".into());
    req.paging = RestPaging::Cursor { next_path: "$.meta.next".into(), cursor_param: "cursor".into() };
    let s = add(&f, "Cursor", req).unwrap();
    assert_eq!(s.rows, Some(3));
    let seen = server.seen();
    let lines: Vec<&str> = seen.iter().map(|r| r.line.as_str()).collect();
    assert_eq!(lines, ["POST /log?limit=1 HTTP/1.1", "POST /log?limit=1&cursor=abc HTTP/1.1", "POST /log?limit=1&cursor=def HTTP/1.1"]);
    assert!(seen.iter().all(|r| r.body == r#"{"filter": "all"}"#));
    assert_eq!(query(&f, "SELECT sum(n) FROM sources.cursor"), [[Cell::Integer(6)]]);
}

#[test]
fn bad_answers_are_refused_in_words_and_write_nothing() {
    let server = Server::start(|seen| {
        let target = seen.line.split(' ').nth(1).unwrap_or("").to_string();
        match target.as_str() {
            "/html" => Answer { status: "200 OK", content_type: "text/html; charset=utf-8", headers: vec![], body: b"<!DOCTYPE html><html><body>Sign in</body></html>".to_vec(), length: true },
            "/fail" => Answer { status: "500 Internal Server Error", content_type: "text/plain", headers: vec![], body: b"database is down".to_vec(), length: true },
            "/huge" | "/huge-unsized" => {
                let mut body = b"[".to_vec();
                body.resize(60 * 1024 * 1024, b' ');
                Answer { status: "200 OK", content_type: "application/json", headers: vec![], body, length: target == "/huge" }
            }
            _ => json_answer(json!({"data": {"count": 2}})),
        }
    });
    let f = common::open();
    let at = |path: &str| get(&format!("{}{path}", server.base));

    let e = refused(add(&f, "Html", at("/html")));
    assert!(e.contains("not JSON") && e.contains("text/html") && e.contains("<!DOCTYPE html>"), "{e}");
    let e = refused(add(&f, "Fail", at("/fail")));
    assert!(e.contains("500 Internal Server Error") && e.contains("database is down"), "{e}");
    for huge in ["/huge", "/huge-unsized"] {
        let e = refused(add(&f, "Huge", at(huge)));
        assert!(e.contains("larger than 50 MiB"), "{huge}: {e}");
    }
    let mut object = at("/obj");
    object.records_path = Some("$.data".into());
    let e = refused(add(&f, "Object", object));
    assert!(e.contains("records path $.data") && e.contains("an object, not an array"), "{e}");
    let mut missing = at("/obj");
    missing.records_path = Some("$.data.items".into());
    let e = refused(add(&f, "Missing", missing));
    assert!(e.contains("records path $.data.items is not in the answer"), "{e}");
    nothing_written(&f);
}

#[test]
fn credentials_are_refused_before_anything_is_sent() {
    let server = Server::start(|_| json_answer(json!([{"a": 1}])));
    let f = common::open();
    for (name, value) in [("Authorization", "Bearer abc"), ("Cookie", "sid=1"), ("X-Api-Key", "k")] {
        let mut req = get(&server.base);
        req.headers = vec![RestHeader { name: name.into(), value: value.into() }];
        let e = refused(add(&f, "Secret", req));
        assert!(e.contains(name) && e.contains("keychain") && e.contains("does not store secrets yet"), "{e}");
    }
    let e = refused(add(&f, "Secret", get(&format!("{}/a?api_key=k", server.base))));
    assert!(e.contains("api_key") && e.contains("keychain"), "{e}");
    let e = refused(add(&f, "Secret", get(&format!("http://user:pw@{}/a", server.base.trim_start_matches("http://")))));
    assert!(e.contains("keychain"), "{e}");
    let e = refused(add(&f, "Ftp", get("ftp://example.com/data.json")));
    assert!(e.contains("only http:// and https://"), "{e}");
    assert!(server.seen().is_empty(), "no request was sent");
    nothing_written(&f);
}

#[test]
fn a_failed_refresh_keeps_the_old_rows_and_says_why() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let server = Server::start(move |_| match counter.fetch_add(1, Ordering::SeqCst) {
        0 => json_answer(json!([{"n": 1}, {"n": 2}])),
        1 => json_answer(json!([{"n": 1}, {"n": 2}, {"n": 3}])),
        _ => Answer { status: "503 Service Unavailable", content_type: "text/plain", headers: vec![], body: b"maintenance".to_vec(), length: true },
    });
    let f = common::open();
    let s = add(&f, "Counts", get(&server.base)).unwrap();
    assert_eq!(s.rows, Some(2));
    let again = f.app.source_refresh(&s.id).unwrap();
    assert_eq!((again.rows, again.status, again.table.as_deref()), (Some(3), DataSourceStatus::Connected, Some("counts")));

    let e = f.app.source_refresh(&s.id).unwrap_err().to_string();
    assert!(e.contains("503 Service Unavailable") && e.contains("maintenance"), "{e}");
    let after = f.app.source_list().unwrap().remove(0);
    assert_eq!(after.status, DataSourceStatus::Error);
    assert!(after.error.as_deref().is_some_and(|r| r.contains("503")), "{:?}", after.error);
    assert_eq!((after.rows, after.data_here), (Some(3), true));
    assert_eq!(query(&f, "SELECT count(*) FROM sources.counts"), [[Cell::Integer(3)]], "the old rows stay");
}
