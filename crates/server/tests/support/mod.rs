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
                   "status": "active", "created_at": now, "updated_at": now}),
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

/// The checker: responses against `docs/openapi/sync-v1.yaml` (OpenAPI 3.1, whose schemas
/// are JSON Schema 2020-12). The YAML is read and every response schema compiled once per
/// test binary. The document is registered as one JSON Schema resource, so the
/// `#/components/schemas/...` references inside it resolve locally; nothing is fetched.
pub mod openapi {
    use reqwest::header::{HeaderMap, CONTENT_TYPE};
    use serde_json::{json, Value};
    use std::collections::BTreeMap;
    use std::sync::OnceLock;

    /// Where the document lives, from this crate.
    pub const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi/sync-v1.yaml");
    /// The base URI the document is registered under (a name only: nothing is retrieved).
    const BASE: &str = "urn:studydesk:openapi:sync-v1";
    const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    pub struct Operation {
        pub id: String,
        pub method: String,
        pub path: String,
        /// By status key as written: "200", "4XX", "default".
        pub responses: BTreeMap<String, Response>,
    }

    pub struct Response {
        /// Media type -> the body's schema (its name, for messages, and its validator).
        content: BTreeMap<String, Schema>,
        headers: BTreeMap<String, Header>,
    }

    struct Header {
        required: bool,
        schema: Option<Schema>,
    }

    struct Schema {
        name: String,
        validator: jsonschema::Validator,
    }

    pub struct Document {
        pub operations: Vec<Operation>,
    }

    /// The document, loaded and compiled on first use.
    pub fn document() -> &'static Document {
        static DOC: OnceLock<Document> = OnceLock::new();
        DOC.get_or_init(|| {
            let text = std::fs::read_to_string(PATH).unwrap_or_else(|e| panic!("{PATH}: {e}"));
            let doc: Value = serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{PATH} is not YAML: {e}"));
            Document::compile(doc).unwrap_or_else(|e| panic!("{PATH}: {e}"))
        })
    }

    /// `~` and `/` escaped for a JSON pointer segment.
    fn escape(segment: &str) -> String {
        segment.replace('~', "~0").replace('/', "~1")
    }

    /// Follows a local `$ref` chain from `pointer`: the object it ends at and its pointer.
    fn resolve(doc: &Value, mut pointer: String) -> Result<(&Value, String), String> {
        for _ in 0..16 {
            let value = doc.pointer(&pointer).ok_or_else(|| format!("nothing at #{pointer}"))?;
            match value.get("$ref").and_then(Value::as_str) {
                Some(target) => {
                    pointer = target.strip_prefix('#').ok_or_else(|| format!("#{pointer}: only local $refs are supported, not {target}"))?.to_string();
                }
                None => return Ok((value, pointer)),
            }
        }
        Err(format!("#{pointer}: a $ref cycle"))
    }

    impl Document {
        fn compile(doc: Value) -> Result<Document, String> {
            let registry = jsonschema::Registry::new()
                .draft(jsonschema::Draft::Draft202012)
                .add(BASE, doc.clone())
                .and_then(|r| r.prepare())
                .map_err(|e| format!("cannot register the document as a schema resource: {e}"))?;
            let schema = |pointer: &str| -> Result<Schema, String> {
                let (_, target) = resolve(&doc, pointer.to_string())?;
                let validator = jsonschema::options()
                    .with_draft(jsonschema::Draft::Draft202012)
                    .with_registry(&registry)
                    .should_validate_formats(true)
                    .offline()
                    .build(&json!({ "$ref": format!("{BASE}#{target}") }))
                    .map_err(|e| format!("the schema at #{target} does not compile: {e}"))?;
                let name = target.strip_prefix("/components/schemas/").map_or_else(|| format!("#{target}"), str::to_string);
                Ok(Schema { name, validator })
            };
            let paths = doc.get("paths").and_then(Value::as_object).ok_or("no paths")?;
            let mut operations = vec![];
            for (path, item) in paths {
                for method in METHODS.iter().filter(|m| item.get(**m).is_some()) {
                    let at = format!("/paths/{}/{method}", escape(path));
                    let (op, _) = resolve(&doc, at.clone())?;
                    let id = op.get("operationId").and_then(Value::as_str).ok_or_else(|| format!("#{at}: no operationId"))?;
                    let mut responses = BTreeMap::new();
                    for status in op.get("responses").and_then(Value::as_object).ok_or_else(|| format!("#{at}: no responses"))?.keys() {
                        let (response, at) = resolve(&doc, format!("{at}/responses/{}", escape(status)))?;
                        let mut content = BTreeMap::new();
                        for media in response.get("content").and_then(Value::as_object).into_iter().flat_map(|c| c.keys()) {
                            content.insert(media.to_ascii_lowercase(), schema(&format!("{at}/content/{}/schema", escape(media)))?);
                        }
                        let mut headers = BTreeMap::new();
                        for name in response.get("headers").and_then(Value::as_object).into_iter().flat_map(|h| h.keys()) {
                            let (header, header_at) = resolve(&doc, format!("{at}/headers/{}", escape(name)))?;
                            let schema = header.get("schema").map(|_| schema(&format!("{header_at}/schema"))).transpose()?;
                            let required = header.get("required") == Some(&Value::Bool(true));
                            headers.insert(name.to_ascii_lowercase(), Header { required, schema });
                        }
                        responses.insert(status.clone(), Response { content, headers });
                    }
                    operations.push(Operation { id: id.to_string(), method: method.to_ascii_uppercase(), path: path.clone(), responses });
                }
            }
            Ok(Document { operations })
        }

        /// The operation for a request path (`{name}` segments of a template match any
        /// segment).
        pub fn operation(&self, method: &str, path: &str) -> Option<&Operation> {
            let segments: Vec<&str> = path.split('/').collect();
            self.operations.iter().find(|op| {
                let template: Vec<&str> = op.path.split('/').collect();
                op.method.eq_ignore_ascii_case(method)
                    && template.len() == segments.len()
                    && template.iter().zip(&segments).all(|(t, s)| t == s || (t.starts_with('{') && t.ends_with('}') && !s.is_empty()))
            })
        }
    }

    impl Operation {
        /// The response entry for a status: the code itself, its range (`4XX`), or `default`.
        pub fn response(&self, status: u16) -> Option<(&str, &Response)> {
            let range = format!("{}XX", status / 100);
            [status.to_string(), range, "default".to_string()]
                .into_iter()
                .find_map(|key| self.responses.get_key_value(&key).map(|(k, r)| (k.as_str(), r)))
        }
    }

    /// Checks one answer: the status is listed for the operation (or covered by a range or
    /// `default`), the Content-Type is one the document gives for it (none when it has no
    /// content), each documented header present matches its schema (and a required one is
    /// present), and the body validates against the response schema. Answers the
    /// operationId, or what does not match, naming the operation, status and schema.
    pub fn check(method: &str, path: &str, status: u16, headers: &HeaderMap, body: &[u8]) -> Result<String, String> {
        let doc = document();
        let what = format!("{method} {path} -> {status}");
        let op = doc.operation(method, path).ok_or_else(|| format!("{what}: the OpenAPI document has no operation {method} {path}"))?;
        let what = format!("{what} ({})", op.id);
        let (_, response) = op.response(status).ok_or_else(|| {
            let listed: Vec<&str> = op.responses.keys().map(String::as_str).collect();
            format!("{what}: status {status} is not in the OpenAPI document, which lists {}", listed.join(", "))
        })?;
        for (name, header) in &response.headers {
            let Some(value) = headers.get(name.as_str()) else {
                if header.required {
                    return Err(format!("{what}: the required header {name} is missing"));
                }
                continue;
            };
            let text = value.to_str().map_err(|_| format!("{what}: header {name} is not text"))?;
            // A header is text; as JSON when it reads as a number or boolean, as its schema expects.
            let instance = serde_json::from_str::<Value>(text).ok().filter(|v| v.is_number() || v.is_boolean()).unwrap_or_else(|| Value::from(text));
            if let Some(schema) = &header.schema {
                if let Err(e) = schema.validator.validate(&instance) {
                    return Err(format!("{what}: header {name}: {text:?} does not match {}: {e}", schema.name));
                }
            }
        }
        let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
        if response.content.is_empty() {
            return match (content_type, body.is_empty()) {
                (_, true) => Ok(op.id.clone()),
                (ct, false) => Err(format!("{what}: the document gives this answer no body, but it has {} bytes ({})", body.len(), ct.unwrap_or("no Content-Type"))),
            };
        }
        let media = content_type.and_then(|ct| ct.split(';').next()).map(|m| m.trim().to_ascii_lowercase());
        let schema = media
            .as_deref()
            .and_then(|m| {
                let any_subtype = m.split('/').next().map(|t| format!("{t}/*"));
                response.content.get(m).or_else(|| any_subtype.and_then(|a| response.content.get(&a))).or_else(|| response.content.get("*/*"))
            })
            .ok_or_else(|| {
                let listed: Vec<&str> = response.content.keys().map(String::as_str).collect();
                format!("{what}: Content-Type {:?} is not one the document gives ({})", content_type.unwrap_or("none"), listed.join(", "))
            })?;
        let instance: Value = serde_json::from_slice(body)
            .map_err(|e| format!("{what}: the body is not JSON ({e}): {:?}", String::from_utf8_lossy(&body[..body.len().min(200)])))?;
        let errors: Vec<String> = schema
            .validator
            .iter_errors(&instance)
            .map(|e| format!("at {:?}: {e}", e.instance_path().as_str()))
            .collect();
        if errors.is_empty() {
            Ok(op.id.clone())
        } else {
            let shown: String = instance.to_string().chars().take(2000).collect();
            Err(format!("{what}: the body does not match {}:\n  {}\n  body: {shown}", schema.name, errors.join("\n  ")))
        }
    }
}
