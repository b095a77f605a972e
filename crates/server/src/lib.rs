//! studydesk-server: the sync server (docs/sync.md, docs/openapi/sync-v1.yaml).
//!
//! Contract: stateless between requests (accounts, keys, idempotency records, counters
//! and rows all live in PostgreSQL), so several instances can serve one database. Every
//! answer is JSON but a blob's bytes (`GET /v1/blobs/{content_hash}`); every failure is
//! `{kind, message}` with a 4xx/5xx status, never a panic.
//! Migrations run at start under an advisory lock, so instances may start together.
//!
//! Load (docs/sync.md §6, "Limits"): every API request but `/healthz` counts against
//! `max_in_flight` (past it: 503 at once) and the JSON ones against `request_timeout`
//! (past it: 503); a refusal is `{kind: "unavailable", message}` with `Retry-After`.
//! Sign-up and sign-in, the endpoints anyone can call, hold at most
//! `unauthenticated_connections` of the pool's connections at a time and none while a
//! password is hashed, so a flood of them cannot starve authenticated sync; hashing itself
//! has `hash_slots` slots and a queue of `hash_queue` (full, or a wait past `hash_wait`:
//! 503). `/healthz` stays outside these limits and bounds its own database check.

pub mod auth;
pub mod batch;
pub mod blobs;
pub mod error;
pub mod lookup;
pub mod pull;
pub mod push;
pub mod rights;
pub mod usernames;
pub mod validate;

use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post, put};
use axum::Router;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use std::sync::Arc;
use std::time::Duration;

pub use error::ApiError;

refinery::embed_migrations!("migrations");

/// Lock id for "migrations are running" (any constant; the same in every instance).
const MIGRATION_LOCK: i64 = 0x5354_5544_5944_534b;

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub signup_open: bool,
    /// How long a device's key lives.
    pub key_ttl: Duration,
    /// Largest JSON request body (push, sign-up, sign-in).
    pub max_body_bytes: usize,
    /// Largest blob one upload may carry (`PUT /v1/blobs/{content_hash}`), in bytes.
    pub max_blob_bytes: u64,
    /// Most bytes of blobs one account may store, all its blobs together.
    pub blob_quota_bytes: u64,
    /// Most bytes of changes in one pull page (at least one change is always sent).
    pub max_pull_bytes: usize,
    /// Connections in the PostgreSQL pool.
    pub pool_size: usize,
    /// How long a request waits for a pool connection before 503 `unavailable`.
    pub pool_wait: Duration,
    /// Of the pool's connections, the most that sign-up and sign-in (unauthenticated) may
    /// hold at once; the rest are kept for requests with a key.
    pub unauthenticated_connections: usize,
    /// Password hashes computed at once (each takes a core for tens of milliseconds).
    pub hash_slots: usize,
    /// Requests that may wait for a hashing slot; one more is answered 503 at once.
    pub hash_queue: usize,
    /// The longest wait for a hashing slot (or for an unauthenticated connection) before 503.
    pub hash_wait: Duration,
    /// Requests being answered at once (all but `/healthz`); one more is answered 503.
    pub max_in_flight: usize,
    /// The longest a JSON request may take before it is cut with 503 (blob transfers
    /// stream and are not cut: their time grows with their size).
    pub request_timeout: Duration,
    /// The sliding window of the sign-in and sign-up limits.
    pub throttle_window: Duration,
    /// Failed sign-ins for one email in the window; more → 429 `too_many_attempts`.
    pub login_failures_per_email: u32,
    /// Failed sign-ins from one client address in the window, all emails together.
    pub login_failures_per_address: u32,
    /// Sign-up attempts (successful or not) from one client address in the window.
    pub signups_per_address: u32,
    /// Email lookups (`POST /v1/accounts/lookup`) by one account in the window, found or
    /// not; more → 429 `rate_limited`.
    pub lookups_per_account: u32,
    /// Behind a reverse proxy every request comes from the proxy's address, so the
    /// per-address limits would count all clients together: name the header the proxy
    /// sets (e.g. `x-forwarded-for`) and its last value is the client's address. Only for
    /// a server that cannot be reached but through that proxy: a client could set it.
    pub client_address_header: Option<String>,
}

/// The default per-account blob quota: 10 GiB.
pub const DEFAULT_BLOB_QUOTA_BYTES: u64 = 10 * 1024 * 1024 * 1024;

impl Config {
    pub fn new(database_url: &str) -> Config {
        Config {
            database_url: database_url.to_string(),
            signup_open: true,
            key_ttl: Duration::from_secs(365 * 24 * 3600),
            max_body_bytes: studydesk_sync::MAX_BODY_BYTES,
            max_blob_bytes: studydesk_sync::MAX_BLOB_BYTES,
            blob_quota_bytes: DEFAULT_BLOB_QUOTA_BYTES,
            max_pull_bytes: studydesk_sync::MAX_PULL_PAGE_BYTES,
            pool_size: 16,
            pool_wait: Duration::from_secs(5),
            // 4 of 16: a flood of sign-ins leaves 12 connections to syncing devices.
            unauthenticated_connections: 4,
            // All cores but one: hashing can never take the core that answers syncing
            // devices (and PostgreSQL). On 2 cores: one hash at a time, about 25 ms each.
            hash_slots: std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1)),
            // A short queue: a client waits a few hashes at most; past it, it is better
            // told to come back (503 with Retry-After) than kept waiting.
            hash_queue: 8,
            hash_wait: Duration::from_secs(2),
            max_in_flight: 512,
            request_timeout: Duration::from_secs(30),
            throttle_window: Duration::from_secs(15 * 60),
            login_failures_per_email: 10,
            // A school or an office behind one address: well above what its people mistype,
            // far below a spray over every account.
            login_failures_per_address: 100,
            signups_per_address: 20,
            // Sharing with a class is a few dozen addresses; testing an address list is
            // thousands.
            lookups_per_account: 60,
            client_address_header: None,
        }
    }
}

pub struct AppState {
    pub pool: Pool,
    pub config: Config,
    /// Password hashing is the CPU cost of the server: `hash_slots` at a time. Owned
    /// permits move into the blocking task, so a request cut by the timeout does not free
    /// its slot before its hash is done.
    pub hashing: Arc<tokio::sync::Semaphore>,
    /// Admission to hashing: `hash_slots + hash_queue` permits, taken without waiting.
    pub hash_queue: Arc<tokio::sync::Semaphore>,
    /// The pool connections sign-up and sign-in may hold (`unauthenticated_connections`).
    pub unauthenticated: tokio::sync::Semaphore,
    /// Requests being answered (`max_in_flight`).
    pub in_flight: Arc<tokio::sync::Semaphore>,
    /// An Argon2 hash of no one's password: an unknown email is verified against it, so
    /// it costs and answers like a wrong password.
    pub dummy_hash: String,
    /// Pull pages streaming now (`pull::PULL_STREAMS` at most, each on a connection).
    pub pulls: Arc<tokio::sync::Semaphore>,
    /// Device keys verified in the last few seconds (`auth::KeyCache`).
    pub keys: auth::KeyCache,
}

pub type Shared = Arc<AppState>;

pub fn pool(config: &Config) -> Result<Pool, String> {
    let pg: tokio_postgres::Config = config.database_url.parse().map_err(|e| format!("bad --database-url: {e}"))?;
    let manager = Manager::from_config(pg, tokio_postgres::NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
    // A bounded wait: without it a request queues for a connection as long as the pool
    // stays busy, and its client sees a hang instead of a 503 it can retry.
    Pool::builder(manager)
        .max_size(config.pool_size.max(1))
        .wait_timeout(Some(config.pool_wait))
        .runtime(deadpool_postgres::Runtime::Tokio1)
        .build()
        .map_err(|e| format!("could not build the pool: {e}"))
}

/// Runs the server's migrations (one instance at a time).
pub async fn migrate(pool: &Pool) -> Result<(), String> {
    let mut client = pool.get().await.map_err(|e| format!("could not reach PostgreSQL: {e}"))?;
    client.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK]).await.map_err(|e| e.to_string())?;
    let report = migrations::runner().run_async(&mut **client).await.map_err(|e| format!("migration failed: {e}"));
    let filled = match report {
        Ok(_) => match fill_row_refs(&client).await {
            Ok(()) => usernames::fill(&client).await,
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK]).await.map_err(|e| e.to_string())?;
    filled
}

/// Fills `row_refs` from `rows` when the catalog's foreign keys are not the ones it was
/// filled for (the first start after V4, or an app version that adds a foreign key): the
/// push path keeps it from then on. Runs under the migration lock.
async fn fill_row_refs(client: &deadpool_postgres::Client) -> Result<(), String> {
    let catalog = studydesk_sync::Catalog::current();
    let keys: Vec<String> = catalog
        .tables
        .values()
        .flat_map(|t| t.foreign_keys.iter().map(move |fk| format!("{}.{}>{}", t.name, fk.column, fk.parent)))
        .collect();
    let fingerprint = keys.join(",");
    let failed = |e: tokio_postgres::Error| format!("could not fill row_refs: {e}");
    let stored = client.query_opt("SELECT value FROM server_meta WHERE key = 'row_refs_catalog'", &[]).await.map_err(failed)?;
    if stored.map(|r| r.get::<_, String>(0)).as_deref() == Some(fingerprint.as_str()) {
        return Ok(());
    }
    for table in catalog.tables.values() {
        for fk in &table.foreign_keys {
            client
                .execute(
                    "INSERT INTO row_refs(parent_table, parent_id, child_table, child_column, row_id)
                     SELECT $1, columns->>$3, table_name, $3, row_id FROM rows
                     WHERE table_name = $2 AND columns->>$3 IS NOT NULL AND cl % 2 = 1
                     ON CONFLICT DO NOTHING",
                    &[&fk.parent, &table.name, &fk.column],
                )
                .await
                .map_err(failed)?;
        }
    }
    client
        .execute(
            "INSERT INTO server_meta(key, value) VALUES ('row_refs_catalog', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&fingerprint],
        )
        .await
        .map_err(failed)?;
    Ok(())
}

pub async fn state(config: Config) -> Result<Shared, String> {
    let pool = pool(&config)?;
    migrate(&pool).await?;
    let dummy_hash = auth::dummy_hash().await?;
    let slots = config.hash_slots.max(1);
    Ok(Arc::new(AppState {
        pool,
        hashing: Arc::new(tokio::sync::Semaphore::new(slots)),
        hash_queue: Arc::new(tokio::sync::Semaphore::new(slots + config.hash_queue)),
        // Never more than the pool has, else the limit would not limit.
        unauthenticated: tokio::sync::Semaphore::new(config.unauthenticated_connections.clamp(1, config.pool_size.max(1))),
        in_flight: Arc::new(tokio::sync::Semaphore::new(config.max_in_flight.max(1))),
        dummy_hash,
        pulls: Arc::new(tokio::sync::Semaphore::new(pull::PULL_STREAMS)),
        keys: auth::KeyCache::default(),
        config,
    }))
}

pub fn router(state: Shared) -> Router {
    // The JSON endpoints read whole bodies, capped at `max_body_bytes`; the layer is added
    // before the blob routes are merged in, so it does not reach them.
    // The request timeout wraps these only (inside the in-flight limit added below).
    let json = Router::new()
        .route("/v1/accounts", post(auth::signup))
        .route("/v1/sessions", post(auth::login).delete(auth::logout_everywhere))
        .route("/v1/sessions/current", delete(auth::logout))
        .route("/v1/account/password", post(auth::change_password))
        .route("/v1/push", post(push::push))
        .route("/v1/pull", get(pull::pull))
        .route("/v1/usernames/{name}", get(usernames::availability))
        .route("/v1/accounts/lookup", post(lookup::account_by_email))
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
        .layer(axum::middleware::from_fn_with_state(state.clone(), request_timeout));
    // Blobs stream their bodies under their own limit, `max_blob_bytes` (the upload reads
    // its body through this limit and also counts it, answering 413 `payload_too_large`).
    // HEAD has its own handler: axum would otherwise answer it with the GET handler,
    // streaming the whole blob from PostgreSQL only for hyper to drop it.
    let blob_limit = usize::try_from(state.config.max_blob_bytes).unwrap_or(usize::MAX);
    let blobs = Router::new()
        .route("/v1/blobs/{content_hash}", put(blobs::upload).get(blobs::download).head(blobs::head))
        .layer(DefaultBodyLimit::max(blob_limit));
    let api = json.merge(blobs).layer(axum::middleware::from_fn_with_state(state.clone(), limit_in_flight));
    // `/healthz` is outside the limits: a load balancer must still hear about the database
    // when the API is saturated (it bounds its own wait, see `health`).
    Router::new()
        .route("/healthz", get(health))
        .merge(api)
        .fallback(|| async { ApiError::new(axum::http::StatusCode::NOT_FOUND, "not_found", "no such endpoint") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(axum::http::StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "this endpoint does not take that method")
        })
        .layer(axum::middleware::from_fn(log_request))
        .with_state(state)
}

/// Past `max_in_flight` requests being answered, one more is refused at once: queueing it
/// would only make every answer later. The permit lives until the handler has produced its
/// answer (a blob download's body streams after that, outside the count).
async fn limit_in_flight(
    axum::extract::State(state): axum::extract::State<Shared>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let Ok(_permit) = state.in_flight.clone().try_acquire_owned() else {
        return ApiError { retry_after: Some(1), ..ApiError::unavailable("the server is answering too many requests; try again") }
            .into_response();
    };
    next.run(req).await
}

/// Cuts a JSON request that takes longer than `request_timeout` with 503 `unavailable`:
/// the client retries (a push is idempotent by its batch id, so a push cut after its
/// COMMIT replays its stored result). Dropping the handler's future rolls back an open
/// transaction (tokio-postgres sends ROLLBACK when a Transaction is dropped).
async fn request_timeout(
    axum::extract::State(state): axum::extract::State<Shared>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let limit = state.config.request_timeout;
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(timeout_ms = limit.as_millis() as u64, "request timed out");
            ApiError::unavailable(format!("the server did not answer within {} s; try again", limit.as_secs_f32())).into_response()
        }
    }
}

async fn health(axum::extract::State(state): axum::extract::State<Shared>) -> axum::response::Response {
    use axum::response::IntoResponse;
    // Bounded: an answer after seconds is as useless to a probe as none.
    let check = async {
        match state.pool.get().await {
            Ok(client) => client.simple_query("SELECT 1").await.is_ok(),
            Err(_) => false,
        }
    };
    let reachable = tokio::time::timeout(Duration::from_secs(2), check).await.unwrap_or(false);
    let (status, db) = if reachable { (axum::http::StatusCode::OK, "ok") } else { (axum::http::StatusCode::SERVICE_UNAVAILABLE, "unreachable") };
    let body = studydesk_sync::Health {
        status: if reachable { "ok" } else { "unavailable" }.into(),
        database: db.into(),
        version: env!("CARGO_PKG_VERSION").into(),
    };
    (status, axum::Json(body)).into_response()
}

/// One structured log line per request, with an id to find it by.
async fn log_request(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let started = std::time::Instant::now();
    let (method, path) = (req.method().clone(), req.uri().path().to_string());
    let request_id = uuid::Uuid::now_v7();
    let response = next.run(req).await;
    tracing::info!(%request_id, %method, %path, status = response.status().as_u16(), ms = started.elapsed().as_millis() as u64, "request");
    response
}

/// Serves on an already bound listener until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Shared,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    // TCP_NODELAY: a streamed answer (a pull page) is written in pieces; with Nagle's
    // algorithm a small last piece waits for the ACK of the previous one, which the client
    // delays by up to 40 ms, so a two-change pull took 45 ms instead of 2.
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "could not set TCP_NODELAY");
        }
    });
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
