//! `studydesk-server --database-url URL --bind ADDR [--signup open|closed]
//! [--blob-quota-mib N] [--request-timeout-secs N] [--max-in-flight N]
//! [--login-failures-per-address N] [--signups-per-address N] [--lookups-per-account N]
//! [--client-address-header NAME]`: runs the migrations (under an advisory lock) and
//! serves the sync API until SIGINT/SIGTERM. The limits are described in docs/sync.md §6.

use clap::Parser;
use studydesk_server::{serve, state, Config};

#[derive(Parser)]
#[command(version, about = "Studydesk sync server (docs/sync.md)")]
struct Args {
    /// PostgreSQL connection string, e.g. postgres://studydesk@localhost/studydesk
    #[arg(long, env = "DATABASE_URL")]
    database_url: String,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8787")]
    bind: String,
    /// Whether new accounts may sign up.
    #[arg(long, default_value = "open", value_parser = ["open", "closed"])]
    signup: String,
    /// Most MiB of attachment files (blobs) one account may store on this server.
    #[arg(long, default_value_t = studydesk_server::DEFAULT_BLOB_QUOTA_BYTES / (1024 * 1024))]
    blob_quota_mib: u64,
    /// Seconds a JSON request may take before it is cut with 503 (blob transfers are not cut).
    #[arg(long, default_value_t = 30)]
    request_timeout_secs: u64,
    /// Requests answered at once; one more is refused with 503.
    #[arg(long, default_value_t = 512)]
    max_in_flight: usize,
    /// Failed sign-ins from one client address in 15 minutes (all emails together) before 429.
    #[arg(long, default_value_t = 100)]
    login_failures_per_address: u32,
    /// Sign-up attempts from one client address in 15 minutes before 429.
    #[arg(long, default_value_t = 20)]
    signups_per_address: u32,
    /// Email lookups (sharing a dashboard) by one account in 15 minutes before 429.
    #[arg(long, default_value_t = 60)]
    lookups_per_account: u32,
    /// Behind a reverse proxy: the header carrying the client's address (its last value),
    /// e.g. x-forwarded-for. Only when the server is reachable through that proxy alone.
    #[arg(long)]
    client_address_header: Option<String>,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let args = Args::parse();
    let mut config = Config::new(&args.database_url);
    config.signup_open = args.signup == "open";
    config.blob_quota_bytes = args.blob_quota_mib.saturating_mul(1024 * 1024);
    config.request_timeout = std::time::Duration::from_secs(args.request_timeout_secs.max(1));
    config.max_in_flight = args.max_in_flight;
    config.login_failures_per_address = args.login_failures_per_address;
    config.signups_per_address = args.signups_per_address;
    config.lookups_per_account = args.lookups_per_account;
    config.client_address_header = args.client_address_header.map(|h| h.to_ascii_lowercase());
    let state = match state(config).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "could not start");
            return std::process::ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(&args.bind).await {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(error = %e, bind = %args.bind, "could not listen");
            return std::process::ExitCode::FAILURE;
        }
    };
    tracing::info!(bind = %args.bind, "studydesk-server listening");
    let shutdown = async {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(t) => t,
                Err(_) => return std::future::pending().await,
            };
            tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
        }
        #[cfg(not(unix))]
        {
            let _ = ctrl_c.await;
        }
    };
    match serve(listener, state, shutdown).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "server stopped");
            std::process::ExitCode::FAILURE
        }
    }
}
