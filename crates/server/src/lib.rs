//! studydesk-server: the sync server (docs/sync.md, docs/openapi/sync-v1.yaml).
//!
//! Contract: stateless between requests (accounts, keys, idempotency records, counters
//! and rows all live in PostgreSQL), so several instances can serve one database. Every
//! answer is JSON but a blob's bytes (`GET /v1/blobs/{content_hash}`); every failure is
//! `{kind, message}` with a 4xx/5xx status, never a panic.
//! Migrations run at start under an advisory lock, so instances may start together.

pub mod auth;
pub mod batch;
pub mod blobs;
pub mod error;
pub mod pull;
pub mod push;
pub mod rights;
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
        }
    }
}

pub struct AppState {
    pub pool: Pool,
    pub config: Config,
    /// Password hashing is the CPU cost of the server: at most two at a time (2 cores).
    pub hashing: tokio::sync::Semaphore,
    /// Pull pages streaming now (`pull::PULL_STREAMS` at most, each on a connection).
    pub pulls: Arc<tokio::sync::Semaphore>,
}

pub type Shared = Arc<AppState>;

pub fn pool(database_url: &str) -> Result<Pool, String> {
    let pg: tokio_postgres::Config = database_url.parse().map_err(|e| format!("bad --database-url: {e}"))?;
    let manager = Manager::from_config(pg, tokio_postgres::NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
    Pool::builder(manager).max_size(16).build().map_err(|e| format!("could not build the pool: {e}"))
}

/// Runs the server's migrations (one instance at a time).
pub async fn migrate(pool: &Pool) -> Result<(), String> {
    let mut client = pool.get().await.map_err(|e| format!("could not reach PostgreSQL: {e}"))?;
    client.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK]).await.map_err(|e| e.to_string())?;
    let report = migrations::runner().run_async(&mut **client).await.map_err(|e| format!("migration failed: {e}"));
    let indexed = match report {
        Ok(_) => index_foreign_keys(&client).await,
        Err(e) => Err(e),
    };
    client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK]).await.map_err(|e| e.to_string())?;
    indexed
}

/// One partial index per foreign key of the catalog (`rows` of the child table by the
/// parent's id), so a delete finds its children and a pull its shares by key instead of
/// scanning every account's rows. Made from the catalog at start, as the catalog grows with
/// the app without a server migration; `IF NOT EXISTS` makes it cheap after the first time.
async fn index_foreign_keys(client: &deadpool_postgres::Client) -> Result<(), String> {
    for table in studydesk_sync::Catalog::current().tables.values() {
        for fk in &table.foreign_keys {
            let sql = format!(
                "CREATE INDEX IF NOT EXISTS \"{}\" ON rows ((columns->>'{}')) WHERE table_name = '{}'",
                fk_index_name(&table.name, &fk.column),
                fk.column,
                table.name
            );
            client.batch_execute(&sql).await.map_err(|e| format!("could not index {}.{}: {e}", table.name, fk.column))?;
        }
    }
    Ok(())
}

/// The name of a foreign key's index; catalog names are lower-case identifiers (checked
/// by the catalog test), so they are safe to write into SQL.
fn fk_index_name(table: &str, column: &str) -> String {
    let name = format!("rows_fk_{table}_{column}");
    name.chars().take(63).collect()
}

pub async fn state(config: Config) -> Result<Shared, String> {
    let pool = pool(&config.database_url)?;
    migrate(&pool).await?;
    Ok(Arc::new(AppState { pool, config, hashing: tokio::sync::Semaphore::new(2), pulls: Arc::new(tokio::sync::Semaphore::new(pull::PULL_STREAMS)) }))
}

pub fn router(state: Shared) -> Router {
    // The JSON endpoints read whole bodies, capped at `max_body_bytes`; the layer is added
    // before the blob routes are merged in, so it does not reach them.
    let json = Router::new()
        .route("/healthz", get(health))
        .route("/v1/accounts", post(auth::signup))
        .route("/v1/sessions", post(auth::login))
        .route("/v1/sessions/current", delete(auth::logout))
        .route("/v1/push", post(push::push))
        .route("/v1/pull", get(pull::pull))
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes));
    // Blobs stream their bodies under their own limit, `max_blob_bytes` (the upload reads
    // its body through this limit and also counts it, answering 413 `payload_too_large`).
    // HEAD has its own handler: axum would otherwise answer it with the GET handler,
    // streaming the whole blob from PostgreSQL only for hyper to drop it.
    let blob_limit = usize::try_from(state.config.max_blob_bytes).unwrap_or(usize::MAX);
    let blobs = Router::new()
        .route("/v1/blobs/{content_hash}", put(blobs::upload).get(blobs::download).head(blobs::head))
        .layer(DefaultBodyLimit::max(blob_limit));
    json.merge(blobs)
        .fallback(|| async { ApiError::new(axum::http::StatusCode::NOT_FOUND, "not_found", "no such endpoint") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(axum::http::StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "this endpoint does not take that method")
        })
        .layer(axum::middleware::from_fn(log_request))
        .with_state(state)
}

async fn health(axum::extract::State(state): axum::extract::State<Shared>) -> axum::response::Response {
    use axum::response::IntoResponse;
    let reachable = match state.pool.get().await {
        Ok(client) => client.simple_query("SELECT 1").await.is_ok(),
        Err(_) => false,
    };
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
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
