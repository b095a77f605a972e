//! A real sync server for tests: its own PostgreSQL database (created fresh per server in
//! the cluster `scripts/test-server.sh` starts with pg_virtualenv), served over real HTTP
//! on a free port by a runtime on its own thread, so tests stay synchronous. Requests sent
//! through [`send`] (every helper here does) have their answers checked against the OpenAPI
//! document (`docs/openapi/sync-v1.yaml`, [`openapi::check`]).
#![allow(dead_code)]

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;
use studydesk_server::{serve, state, Config};

pub struct TestServer {
    pub base: String,
    pub database_url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// The cluster's connection settings, from the variables pg_virtualenv exports.
fn cluster(dbname: &str) -> String {
    let var = |k: &str| {
        std::env::var(k).unwrap_or_else(|_| {
            panic!("{k} is not set: run the server tests through scripts/test-server.sh (a throwaway PostgreSQL via pg_virtualenv)")
        })
    };
    format!(
        "host={} port={} user={} password={} dbname={dbname}",
        var("PGHOST"),
        var("PGPORT"),
        var("PGUSER"),
        std::env::var("PGPASSWORD").unwrap_or_default()
    )
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("tokio runtime")
}

pub fn fresh_database() -> String {
    let name = format!("t_{}", uuid::Uuid::now_v7().simple());
    let admin = cluster(&std::env::var("PGDATABASE").unwrap_or_else(|_| "postgres".into()));
    runtime().block_on(async {
        let (client, conn) = tokio_postgres::connect(&admin, tokio_postgres::NoTls).await.expect("connect to the test cluster");
        tokio::spawn(conn);
        client.batch_execute(&format!("CREATE DATABASE {name}")).await.expect("create a test database");
    });
    cluster(&name)
}

impl TestServer {
    pub fn start() -> TestServer {
        Self::start_with(|_| {})
    }

    pub fn start_with(configure: impl FnOnce(&mut Config)) -> TestServer {
        let url = fresh_database();
        let mut config = Config::new(&url);
        configure(&mut config);
        Self::serve(config)
    }

    /// Stops the server (as a kill would: open requests are cut) and starts a new one on
    /// the same database and port.
    pub fn restart(&mut self) {
        let addr = self.base.trim_start_matches("http://").to_string();
        self.shutdown();
        let again = Self::serve_at(Config::new(&self.database_url), &addr);
        *self = again;
    }

    /// A server on an existing database (a restart).
    pub fn serve(config: Config) -> TestServer {
        Self::serve_at(config, "127.0.0.1:0")
    }

    fn serve_at(config: Config, bind: &str) -> TestServer {
        let bind = bind.to_string();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let database_url = config.database_url.clone();
        let thread = std::thread::spawn(move || {
            runtime().block_on(async move {
                let shared = state(config).await.expect("server state");
                let listener = tokio::net::TcpListener::bind(&bind).await.expect("bind");
                ready_tx.send(listener.local_addr().expect("addr")).expect("ready");
                serve(listener, shared, async move {
                    let _ = stop_rx.await;
                })
                .await
                .expect("serve");
            })
        });
        let addr = ready_rx.recv_timeout(Duration::from_secs(60)).expect("the server started");
        TestServer { base: format!("http://{addr}"), database_url, stop: Some(stop_tx), thread: Some(thread) }
    }

    pub fn stop(mut self) -> String {
        self.shutdown();
        self.database_url.clone()
    }

    fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Runs SQL against the server's database (to inspect what was stored).
    pub fn query(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        let url = self.database_url.clone();
        let sql = sql.to_string();
        std::thread::spawn(move || {
            runtime().block_on(async move {
                let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.expect("connect");
                tokio::spawn(conn);
                let rows = client.simple_query(&sql).await.expect("query");
                rows.into_iter()
                    .filter_map(|m| match m {
                        tokio_postgres::SimpleQueryMessage::Row(r) => Some((0..r.len()).map(|i| r.get(i).map(str::to_string)).collect()),
                        _ => None,
                    })
                    .collect()
            })
        })
        .join()
        .expect("query thread")
    }

    pub fn count(&self, sql: &str) -> i64 {
        self.query(sql)[0][0].as_deref().unwrap_or("0").parse().expect("a count")
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// A device signed up or in through the API, with its key.
pub struct Client {
    pub account: String,
    pub device: String,
    pub key: String,
    pub http: reqwest::blocking::Client,
    pub base: String,
}

pub fn http() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder().timeout(Duration::from_secs(60)).build().expect("http client")
}

pub fn signup(server: &TestServer, email: &str) -> Client {
    let device = uuid::Uuid::now_v7().to_string();
    let response = send(
        http()
            .post(server.url("/v1/accounts"))
            .json(&json!({"email": email, "password": "correct horse battery", "device": {"id": device, "name": "test"}})),
    );
    assert_eq!(response.status(), 201, "signup of {email}");
    let session: Value = response.json().expect("session");
    Client {
        account: session["account_id"].as_str().expect("account").into(),
        device,
        key: session["api_key"].as_str().expect("key").into(),
        http: http(),
        base: server.base.clone(),
    }
}

pub fn hlc(offset_ms: i64) -> String {
    format!("{:016}.00000", chrono::Utc::now().timestamp_millis() - 10_000 + offset_ms)
}

impl Client {
    pub fn push(&self, batch_id: &str, changes: Vec<Value>) -> Reply {
        self.push_raw(&json!({"batch_id": batch_id, "device_id": self.device, "changes": changes}).to_string())
    }

    pub fn push_raw(&self, body: &str) -> Reply {
        send(
            self.http
                .post(format!("{}/v1/push", self.base))
                .bearer_auth(&self.key)
                .header("Studydesk-Schema", "8")
                .header("content-type", "application/json")
                .body(body.to_string()),
        )
    }

    pub fn pull(&self, cursor: Option<&str>) -> Value {
        let mut url = format!("{}/v1/pull?limit=1000", self.base);
        if let Some(c) = cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let response = send(self.http.get(url).bearer_auth(&self.key).header("Studydesk-Schema", "8"));
        assert_eq!(response.status(), 200);
        response.json().expect("page")
    }

    /// Every change readable by this account, from the start.
    pub fn pull_all(&self) -> Vec<Value> {
        let mut cursor: Option<String> = None;
        let mut out = vec![];
        loop {
            let page = self.pull(cursor.as_deref());
            out.extend(page["changes"].as_array().cloned().unwrap_or_default());
            cursor = page["next_cursor"].as_str().map(str::to_string);
            if page["has_more"] != true {
                return out;
            }
        }
    }

    /// `PUT /v1/blobs/{hash}` with these bytes (with a Content-Length).
    pub fn put_blob(&self, hash: &str, bytes: Vec<u8>) -> Reply {
        send(self.blob_request(reqwest::Method::PUT, hash).header("content-type", "application/octet-stream").body(bytes))
    }

    /// The same upload without a Content-Length (chunked), so the server counts as it reads.
    pub fn put_blob_chunked(&self, hash: &str, bytes: Vec<u8>) -> Reply {
        let body = reqwest::blocking::Body::new(std::io::Cursor::new(bytes));
        send(self.blob_request(reqwest::Method::PUT, hash).header("content-type", "application/octet-stream").body(body))
    }

    pub fn get_blob(&self, hash: &str) -> Reply {
        send(self.blob_request(reqwest::Method::GET, hash))
    }

    pub fn head_blob(&self, hash: &str) -> Reply {
        send(self.blob_request(reqwest::Method::HEAD, hash))
    }

    fn blob_request(&self, method: reqwest::Method, hash: &str) -> reqwest::blocking::RequestBuilder {
        self.http.request(method, format!("{}/v1/blobs/{hash}", self.base)).bearer_auth(&self.key)
    }

    /// A change of this device.
    pub fn change(&self, table: &str, row_id: &str, op: &str, cl: i64, columns: Value, offset_ms: i64) -> Value {
        json!({"table": table, "row_id": row_id, "op": op, "cl": cl, "columns": columns, "hlc": hlc(offset_ms), "device_id": self.device})
    }

    pub fn user_row(&self) -> Value {
        let now = "2026-11-22T01:00:00.000Z";
        self.change(
            "users",
            &self.account.clone(),
            "insert",
            1,
            json!({"id": self.account, "display_name": "Ada", "email": self.private_email(), "is_active": 1, "role": "business_user",
                   "status": "active", "created_at": now, "updated_at": now, "follow_policy": "open"}),
            0,
        )
    }

    /// The email stored in this account's `users` row (a private column).
    pub fn private_email(&self) -> String {
        format!("private-{}@example.org", self.account)
    }

    pub fn list_row(&self, id: &str) -> Value {
        let now = "2026-11-22T01:00:00.000Z";
        self.change("task_lists", id, "insert", 1, json!({"id": id, "user_id": self.account, "name": "Today", "created_at": now, "updated_at": now}), 1)
    }

    pub fn task_row(&self, id: &str, list: &str, text: &str) -> Value {
        let now = "2026-11-22T01:00:00.000Z";
        self.change(
            "tasks",
            id,
            "insert",
            1,
            json!({"id": id, "list_id": list, "user_id": self.account, "description": text, "is_completed": 0, "order_index": 0,
                   "created_at": now, "updated_at": now}),
            2,
        )
    }
}

pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// An answer of the server, read whole, that matched `docs/openapi/sync-v1.yaml`.
pub struct Reply {
    /// The `operationId` the request was checked against.
    pub operation: String,
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    pub fn json<T: serde::de::DeserializeOwned>(&self) -> serde_json::Result<T> {
        serde_json::from_slice(&self.body)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn bytes(&self) -> &[u8] {
        &self.body
    }

    /// The Content-Length header as a number.
    pub fn content_length(&self) -> Option<u64> {
        self.headers.get(reqwest::header::CONTENT_LENGTH)?.to_str().ok()?.parse().ok()
    }

    /// The `kind` of an error body.
    pub fn kind(&self) -> String {
        self.json::<Value>().ok().and_then(|v| v["kind"].as_str().map(str::to_string)).unwrap_or_default()
    }
}

/// Lower-case hex SHA-256, as blobs are named.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// `len` pseudo-random bytes from `seed` (xorshift64*): incompressible, reproducible.
pub fn random_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        out.extend_from_slice(&state.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes());
    }
    out.truncate(len);
    out
}

/// Sends a request to the server and checks the answer (status, Content-Type, headers and
/// body) against the OpenAPI document; panics with the mismatch. Every request of the API
/// tests goes through here, so each of their answers, refusals included, is checked.
pub fn send(request: reqwest::blocking::RequestBuilder) -> Reply {
    let (client, request) = request.build_split();
    let request = request.expect("a well-formed request");
    let (method, path) = (request.method().to_string(), request.url().path().to_string());
    let response = client.execute(request).unwrap_or_else(|e| {
        let mut chain = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            chain.push_str(&format!(": {s}"));
            source = s.source();
        }
        panic!("{method} {path}: {chain}")
    });
    let (status, headers) = (response.status(), response.headers().clone());
    let body = response.bytes().unwrap_or_else(|e| panic!("{method} {path}: reading the answer: {e}")).to_vec();
    match openapi::check(&method, &path, status.as_u16(), &headers, &body) {
        Ok(operation) => Reply { operation, status, headers, body },
        Err(mismatch) => panic!("{mismatch}"),
    }
}

/// The checker of answers against `docs/openapi/sync-v1.yaml` (`support/openapi.rs`).
pub mod openapi;
/// The document `openapi` checks against.
pub const OPENAPI_DOC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi/sync-v1.yaml");

/// A valid row of every synced table, from the catalog (`support/rows.rs`).
pub mod rows;
pub mod devices;
