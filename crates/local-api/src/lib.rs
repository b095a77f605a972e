//! The local HTTP API (issue 16 item 4): scripts on this computer read tasks, calendar
//! events, focus sessions and stats and Insights metrics, and add tasks, with an API key
//! (Settings › API keys, `studydesk-cli apikey create`). Documented in
//! `docs/openapi/local-api-v1.yaml`; the tests check every endpoint against it.
//!
//! Contract:
//! - Binds 127.0.0.1 only, on the port the user chose; off unless the user turned it on
//!   (the app starts it, [`spawn`]) or ran `studydesk-cli api serve` ([`serve_until`]).
//! - Every request needs `Authorization: Bearer <key>`; the key must have the endpoint's
//!   scope (`Studydesk::api_key_verify`: unknown, revoked, expired and missing-scope keys
//!   are refused with their own kinds; 401, or 403 for the scope).
//! - Every read and write goes through the core facade ([`Host`]), on a blocking thread:
//!   the same validation, services and write path (`Db::write`) as the app.
//! - A request body is at most [`BODY_LIMIT`] bytes (413 otherwise); every error is JSON
//!   `{kind, message}` with the core's stable kinds.

mod routes;

use axum::Router;
use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use studydesk_core::api::Studydesk;
use studydesk_core::CoreError;

pub use routes::BODY_LIMIT;

/// What the API reads and writes through: the opened core (the CLI holds it; the app
/// opens it on a thread and answers its error until then).
pub trait Host: Send + Sync + 'static {
    fn app(&self) -> Result<&Studydesk, CoreError>;
}

impl Host for Studydesk {
    fn app(&self) -> Result<&Studydesk, CoreError> {
        Ok(self)
    }
}

/// The API's routes over `host`.
pub fn router(host: Arc<dyn Host>) -> Router {
    routes::router(host)
}

/// Binds 127.0.0.1:`port` (never another interface).
pub async fn bind(port: u16) -> std::io::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await
}

/// Serves on `listener` until `stop` completes.
pub async fn serve_until(listener: tokio::net::TcpListener, host: Arc<dyn Host>, stop: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
    axum::serve(listener, router(host)).with_graceful_shutdown(stop).await
}

/// The API running on a thread of its own (the app): dropping it stops the API.
pub struct Running {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    pub port: u16,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Serves on 127.0.0.1:`port` in the foreground until Ctrl+C (`studydesk-cli api serve`);
/// `ready` is told the bound port first.
pub fn serve_foreground(host: Arc<dyn Host>, port: u16, ready: impl FnOnce(u16)) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).max_blocking_threads(8).enable_all().build()?;
    runtime.block_on(async move {
        let listener = bind(port).await?;
        ready(listener.local_addr()?.port());
        serve_until(listener, host, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
    })
}

/// Starts the API on 127.0.0.1:`port` (0: any free port) on its own thread and runtime; answers once the
/// port is bound (or why it could not be: in use, not allowed).
pub fn spawn(host: Arc<dyn Host>, port: u16) -> std::io::Result<Running> {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).max_blocking_threads(4).enable_all().build()?;
    let listener = runtime.block_on(bind(port))?;
    let port = listener.local_addr()?.port();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::Builder::new().name("local-api".into()).spawn(move || {
        if let Err(e) = runtime.block_on(serve_until(listener, host, async {
            let _ = stopped.await;
        })) {
            tracing::error!(error = %e, "the local API stopped");
        }
    })?;
    Ok(Running { stop: Some(stop), thread: Some(thread), port })
}
