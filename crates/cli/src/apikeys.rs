//! `apikey create|list|revoke` (Settings › API keys from a terminal) and `api serve` (the
//! local HTTP API in the foreground, `crates/local-api`). `apikey create` prints the key
//! once: it is not stored, only its hash.

use crate::terminal::{self, field, say};
use clap::Subcommand;
use std::sync::Arc;
use studydesk_core::account::api_keys::{ApiKey, ApiScope, NewApiKey};
use studydesk_core::api::Studydesk;
use studydesk_core::CoreError;

#[derive(Subcommand)]
pub enum ApiKeyCommand {
    /// Create a key; it is printed once and never shown again.
    Create {
        name: String,
        /// What the key may do: tasks:read, tasks:write, calendar:read, focus:read, insights:read.
        #[arg(long = "scope", required = true, num_args = 1.., value_parser = parse_scope)]
        scopes: Vec<ApiScope>,
        /// The last day it works (YYYY-MM-DD, in your time zone) or a time (RFC 3339).
        #[arg(long)]
        expires: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// My keys, newest first (never the key itself).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Revoke a key: the local API refuses it from now on.
    Revoke { id: String },
}

#[derive(Subcommand)]
pub enum ApiCommand {
    /// Run the local HTTP API on 127.0.0.1 until Ctrl+C.
    Serve {
        /// The port (default: the one chosen in Settings › API keys).
        #[arg(long)]
        port: Option<u16>,
    },
}

fn parse_scope(text: &str) -> Result<ApiScope, String> {
    ApiScope::parse(text).ok_or_else(|| {
        let all: Vec<&str> = ApiScope::ALL.iter().map(|s| s.as_str()).collect();
        format!("not a scope; use one of {}", all.join(", "))
    })
}

pub fn apikey(app: &Studydesk, cmd: ApiKeyCommand) -> Result<(), CoreError> {
    match cmd {
        ApiKeyCommand::Create { name, scopes, expires, json } => {
            let created = app.api_key_create(NewApiKey { name, scopes, expires_at: expires })?;
            if json {
                return terminal::json(&created, true);
            }
            say!("{}", created.key);
            eprintln!("{}", terminal::line("this key is shown once: copy it now (only its hash is kept)"));
        }
        ApiKeyCommand::List { json } => {
            let keys = app.api_keys_list()?;
            if json {
                return terminal::json(&keys, true);
            }
            if keys.is_empty() {
                say!("no API keys");
            }
            for k in &keys {
                say!("{}", line(k));
            }
        }
        ApiKeyCommand::Revoke { id } => {
            let k = app.api_key_revoke(id)?;
            say!("revoked {} ({})", k.id, field(&k.name));
        }
    }
    Ok(())
}

fn line(k: &ApiKey) -> String {
    let scopes: Vec<&str> = k.scopes.iter().map(|s| s.as_str()).collect();
    format!(
        "{}  {}  [{}]  {}  expires {}  last used {}",
        k.id,
        field(&k.name),
        scopes.join(" "),
        if k.active { "active" } else { "revoked" },
        k.expires_at.as_deref().unwrap_or("never"),
        k.last_used.as_deref().unwrap_or("never"),
    )
}

/// `api serve`: in the foreground until Ctrl+C.
pub fn serve(app: Arc<Studydesk>, cmd: ApiCommand) -> Result<(), CoreError> {
    let ApiCommand::Serve { port } = cmd;
    let port = match port {
        Some(p) => p,
        None => app.local_api_settings_get()?.port,
    };
    studydesk_local_api::serve_foreground(app, port, |bound| {
        say!("local API listening on http://127.0.0.1:{bound} (Ctrl+C stops it)");
    })
    .map_err(|e| CoreError::io(format!("could not serve the local API on 127.0.0.1:{port}"), e))
}
