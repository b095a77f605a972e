//! The local API over a real database file and a real TCP port: every endpoint's answers
//! against `docs/openapi/local-api-v1.yaml`; no key, a wrong key, an expired key, a revoked
//! key and a missing scope refused; a 10 MB body refused with 413; a task added through
//! the app's write path.

#[path = "../../server/tests/support/openapi.rs"]
mod openapi;

/// The document `openapi` checks against.
pub const OPENAPI_DOC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi/local-api-v1.yaml");

use chrono::{Duration, TimeZone, Utc};
use reqwest::blocking::{Client, RequestBuilder};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use studydesk_core::account::api_keys::{ApiScope, NewApiKey};
use studydesk_core::api::Studydesk;
use studydesk_core::clock::ManualClock;

struct Api {
    _dir: tempfile::TempDir,
    app: Arc<Studydesk>,
    clock: ManualClock,
    base: String,
    client: Client,
    /// Every operation answered (and checked) so far.
    seen: Mutex<BTreeSet<String>>,
    _running: studydesk_local_api::Running,
}

struct Answer {
    status: u16,
    body: Value,
}

fn start() -> Api {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 22, 1, 0, 0).unwrap());
    let app = Arc::new(Studydesk::open(dir.path(), Arc::new(clock.clone())).unwrap());
    app.settings_update(studydesk_core::account::settings::SettingsPatch { timezone: Some("Asia/Tokyo".into()), ..Default::default() }).unwrap();
    let running = studydesk_local_api::spawn(app.clone(), 0).unwrap();
    let base = format!("http://127.0.0.1:{}", running.port);
    Api { _dir: dir, app, clock, base, client: Client::new(), seen: Mutex::new(BTreeSet::new()), _running: running }
}

impl Api {
    fn key(&self, scopes: &[ApiScope], expires: Option<&str>) -> String {
        self.app.api_key_create(NewApiKey { name: "test".into(), scopes: scopes.to_vec(), expires_at: expires.map(str::to_string) }).unwrap().key
    }

    /// Sends, checks the answer against the document, and answers it.
    fn send(&self, method: &str, path_and_query: &str, key: Option<&str>, body: Option<Vec<u8>>) -> Answer {
        let url = format!("{}{path_and_query}", self.base);
        let mut request: RequestBuilder = match method {
            "GET" => self.client.get(&url),
            "POST" => self.client.post(&url),
            other => panic!("{other}"),
        };
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        if let Some(body) = body {
            request = request.header("content-type", "application/json").body(body);
        }
        let response = request.send().unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().unwrap();
        let path = path_and_query.split('?').next().unwrap();
        let op = openapi::check(method, path, status, &headers, &bytes).unwrap_or_else(|e| panic!("{e}"));
        self.seen.lock().unwrap().insert(format!("{op} {status}"));
        Answer { status, body: serde_json::from_slice(&bytes).unwrap_or(Value::Null) }
    }

    fn get(&self, path: &str, key: Option<&str>) -> Answer {
        self.send("GET", path, key, None)
    }
}

const ENDPOINTS: [(&str, &str, ApiScope); 7] = [
    ("GET", "/v1/tasks", ApiScope::TasksRead),
    ("POST", "/v1/tasks", ApiScope::TasksWrite),
    ("GET", "/v1/calendar/events?from=2026-11-01&to=2026-11-30", ApiScope::CalendarRead),
    ("GET", "/v1/focus/sessions?limit=10", ApiScope::FocusRead),
    ("GET", "/v1/focus/stats", ApiScope::FocusRead),
    ("GET", "/v1/insights/metrics", ApiScope::InsightsRead),
    ("GET", "/v1/insights/metrics/minutes_studied?from=2026-11-16&to=2026-11-22", ApiScope::InsightsRead),
];

fn task_body() -> Option<Vec<u8>> {
    Some(json!({"description": "from a script"}).to_string().into_bytes())
}

#[test]
fn every_endpoint_answers_as_the_openapi_document_says() {
    let api = start();
    api.app.complete_onboarding(studydesk_core::account::profile::OnboardingChoice::Sample).unwrap();
    let all = api.key(&ApiScope::ALL, None);
    let none_of_them = api.key(&[ApiScope::CalendarRead], None);
    for (method, path, scope) in ENDPOINTS {
        let body = || (method == "POST").then(task_body).flatten();
        let ok = api.send(method, path, Some(&all), body());
        assert!(ok.status == 200 || ok.status == 201, "{method} {path}: {} {}", ok.status, ok.body);
        let refused = api.send(method, path, None, body());
        assert_eq!((refused.status, refused.body["kind"].as_str()), (401, Some("api_key_missing")), "{method} {path}");
        let other = if scope == ApiScope::CalendarRead { api.key(&[ApiScope::TasksRead], None) } else { none_of_them.clone() };
        let forbidden = api.send(method, path, Some(&other), body());
        assert_eq!((forbidden.status, forbidden.body["kind"].as_str()), (403, Some("api_key_scope")), "{method} {path}");
    }
    // What the sample data holds comes back.
    let tasks = api.get("/v1/tasks", Some(&all)).body;
    assert!(tasks.as_array().unwrap().iter().any(|t| t["description"] == "from a script"));
    let catalog = api.get("/v1/insights/metrics", Some(&all)).body;
    assert!(catalog.as_array().unwrap().iter().any(|m| m["id"] == "minutes_studied"));
    // The refusals each endpoint can give with a good key.
    assert_eq!(api.get("/v1/insights/metrics/no_such_metric?from=2026-11-01&to=2026-11-02", Some(&all)).status, 404);
    assert_eq!(api.get("/v1/insights/metrics/minutes_studied?from=2026-11-31&to=2026-11-02", Some(&all)).status, 400);
    assert_eq!(api.get("/v1/insights/metrics/minutes_studied", Some(&all)).status, 400);
    assert_eq!(api.get("/v1/calendar/events?from=yesterday&to=2026-11-02", Some(&all)).status, 400);
    assert_eq!(api.get("/v1/calendar/events", Some(&all)).status, 400);
    assert_eq!(api.get("/v1/focus/sessions?limit=many", Some(&all)).status, 400);
    assert_eq!(api.send("POST", "/v1/tasks", Some(&all), Some(b"{\"description\": \"\"}".to_vec())).status, 400);
    assert_eq!(api.send("POST", "/v1/tasks", Some(&all), Some(b"not json".to_vec())).status, 400);
    let seen = api.seen.lock().unwrap();
    let ids: BTreeSet<&str> = seen.iter().map(|s| s.split(' ').next().unwrap()).collect();
    let documented: BTreeSet<&str> = openapi::document().operations.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, documented, "every documented operation was called");
}

#[test]
fn no_key_a_wrong_key_an_expired_key_and_a_revoked_key_are_refused() {
    let api = start();
    let good = api.key(&[ApiScope::TasksRead], Some("2026-11-30"));
    assert_eq!(api.get("/v1/tasks", Some(&good)).status, 200);
    let refused = |key: Option<&str>, kind: &str| {
        let a = api.get("/v1/tasks", key);
        assert_eq!((a.status, a.body["kind"].as_str()), (401, Some(kind)), "{:?}: {}", key, a.body);
        assert!(!a.body["message"].as_str().unwrap().is_empty());
    };
    refused(None, "api_key_missing");
    let mut wrong = good.clone();
    wrong.replace_range(10..11, if &good[10..11] == "a" { "b" } else { "a" });
    refused(Some(&wrong), "api_key_unknown");
    refused(Some("sdk_nothing"), "api_key_unknown");
    // Not a bearer scheme.
    let basic = api.client.get(format!("{}/v1/tasks", api.base)).header("authorization", format!("Basic {good}")).send().unwrap();
    assert_eq!(basic.status().as_u16(), 401);
    // Expired once 30 November has ended in the user's zone (Tokyo).
    api.clock.set(Utc.with_ymd_and_hms(2026, 11, 30, 15, 0, 0).unwrap());
    refused(Some(&good), "api_key_expired");
    api.clock.set(Utc.with_ymd_and_hms(2026, 11, 22, 2, 0, 0).unwrap());
    let id = api.app.api_keys_list().unwrap()[0].id.clone();
    api.app.api_key_revoke(id).unwrap();
    refused(Some(&good), "api_key_revoked");
}

/// Sends a request whose headers announce `length` bytes of body, then as much of the body
/// as the server takes (it may answer and close before reading it: a client that cannot
/// finish sending still reads the answer), and answers the status, headers and body.
fn raw_post(api: &Api, path: &str, key: &str, length: usize) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    use std::io::{Read, Write};
    let port = api.base.rsplit(':').next().unwrap();
    let mut s = std::net::TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
    write!(s, "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: {length}\r\n\r\n").unwrap();
    let chunk = vec![b'x'; 64 * 1024];
    let mut sent = 0;
    s.set_write_timeout(Some(std::time::Duration::from_secs(2))).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    while sent < length {
        match s.write(&chunk[..chunk.len().min(length - sent)]) {
            Ok(n) => sent += n,
            Err(_) => break,
        }
    }
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    let split = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or_else(|| panic!("no answer: {:?}", String::from_utf8_lossy(&answer)));
    let head = String::from_utf8_lossy(&answer[..split]).to_string();
    let status: u16 = head.split(' ').nth(1).unwrap().parse().unwrap();
    let mut headers = reqwest::header::HeaderMap::new();
    for line in head.lines().skip(1) {
        let (name, value) = line.split_once(':').unwrap();
        headers.insert(reqwest::header::HeaderName::from_bytes(name.trim().as_bytes()).unwrap(), value.trim().parse().unwrap());
    }
    (status, headers, answer[split + 4..].to_vec())
}

#[test]
fn a_10_mb_body_is_refused_with_413_and_adds_nothing() {
    let api = start();
    let key = api.key(&[ApiScope::TasksWrite, ApiScope::TasksRead], None);
    let before = api.app.task_list().unwrap().len();
    let (status, headers, body) = raw_post(&api, "/v1/tasks", &key, 10 * 1024 * 1024);
    openapi::check("POST", "/v1/tasks", status, &headers, &body).unwrap_or_else(|e| panic!("{e}"));
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!((status, body["kind"].as_str()), (413, Some("too_large")), "{body}");
    assert!(body["message"].as_str().unwrap().contains("65536"));
    assert_eq!(api.app.task_list().unwrap().len(), before);
    // Just over the limit is refused too; a body at the limit is read (and refused as JSON).
    assert_eq!(raw_post(&api, "/v1/tasks", &key, studydesk_local_api::BODY_LIMIT + 1).0, 413);
    assert_eq!(raw_post(&api, "/v1/tasks", &key, studydesk_local_api::BODY_LIMIT).0, 400);
}

#[test]
fn a_task_added_through_the_api_goes_through_the_write_path() {
    let api = start();
    let key = api.key(&[ApiScope::TasksWrite], None);
    let before: i64 = api.app.db().read(|c| Ok(c.query_row("SELECT count(*) FROM sync_changes WHERE table_name = 'tasks'", [], |r| r.get(0))?)).unwrap();
    let a = api.send("POST", "/v1/tasks", Some(&key), Some(json!({"description": "read chapter 4", "due_at": "2026-11-23T18:00:00+09:00"}).to_string().into_bytes()));
    assert_eq!(a.status, 201);
    assert_eq!(a.body["description"], "read chapter 4");
    assert_eq!(a.body["due_at"], "2026-11-23T09:00:00.000Z");
    let tasks = api.app.task_list().unwrap();
    assert!(tasks.iter().any(|t| t.id == a.body["id"].as_str().unwrap()));
    let after: i64 = api.app.db().read(|c| Ok(c.query_row("SELECT count(*) FROM sync_changes WHERE table_name = 'tasks'", [], |r| r.get(0))?)).unwrap();
    assert_eq!(after, before + 1, "recorded for sync like any task");
    let audited: i64 = api
        .app
        .db()
        .read(|c| Ok(c.query_row("SELECT count(*) FROM audit_logs WHERE entity_type = 'tasks' AND entity_id = ?1", [a.body["id"].as_str().unwrap()], |r| r.get(0))?))
        .unwrap();
    assert_eq!(audited, 1);
    api.clock.advance(Duration::minutes(2));
    assert!(api.app.api_keys_list().unwrap()[0].last_used.is_some());
}

#[test]
fn it_listens_on_127_0_0_1_only() {
    let api = start();
    let port = api.base.rsplit(':').next().unwrap();
    // Another address of this machine (if it has one) does not answer.
    let addrs: Vec<std::net::IpAddr> = std::net::UdpSocket::bind("0.0.0.0:0")
        .and_then(|s| s.connect("192.0.2.1:9").map(|()| s))
        .and_then(|s| s.local_addr())
        .map(|a| vec![a.ip()])
        .unwrap_or_default();
    for ip in addrs.into_iter().filter(|ip| !ip.is_loopback() && !ip.is_unspecified()) {
        let r = std::net::TcpStream::connect_timeout(&format!("{ip}:{port}").parse().unwrap(), std::time::Duration::from_millis(500));
        assert!(r.is_err(), "answered on {ip}");
    }
    // A path the document does not have answers a JSON 404.
    let r = api.client.get(format!("{}/v1/nothing", api.base)).send().unwrap();
    assert_eq!(r.status().as_u16(), 404);
    assert_eq!(r.json::<Value>().unwrap()["kind"], "not_found");
}
