//! The SMTP server the app sends e-mail through (Settings › Email; `studydesk-cli smtp set`).
//!
//! Contract:
//! - The settings are an installation setting in `app_settings` (key [`SMTP_KEY`]): host,
//!   port, security, user name, from address, and the reference of the password. They
//!   never sync (`app_settings` is local-only): a server and its password belong to the
//!   device that was told them.
//! - The password lives in the secret store (`crate::secrets`: the OS keychain, else the
//!   encrypted file) under `smtp/<id>`, as a data source's does; never in SQLite, never in
//!   a change, an audit row, an error or a log. Saving without a password keeps the saved
//!   one; `clear_password` forgets it.
//! - [`check`] refuses, in words and before anything is written: a blank or malformed host,
//!   port 0, a from address that is not an e-mail address, and `none` (no TLS) for any
//!   host but this computer's own (`localhost`, 127.0.0.0/8, ::1): a password or a report
//!   is never sent in clear over a network.
//! - E-mail is configured ([`configured`]) once a host and a from address are saved.

use crate::account::app_settings;
use crate::db::WriteCtx;
use crate::secrets::{self, SecretStore};
use crate::{validate, CoreError, Db, Result};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::path::Path;
use ts_rs::TS;

/// The `app_settings` key.
pub const SMTP_KEY: &str = "email.smtp";
/// The longest host name (DNS).
pub const HOST_MAX: usize = 253;
pub const USER_MAX: usize = 255;

/// How the connection is secured.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SmtpSecurity {
    /// Plain connect, then STARTTLS, required (port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No TLS: only to this computer's own server.
    None,
}

impl SmtpSecurity {
    /// The usual port of each.
    pub fn default_port(self) -> u16 {
        match self {
            SmtpSecurity::Starttls => 587,
            SmtpSecurity::Tls => 465,
            SmtpSecurity::None => 25,
        }
    }

    pub fn parse(text: &str) -> Result<SmtpSecurity> {
        match text.trim() {
            "starttls" => Ok(SmtpSecurity::Starttls),
            "tls" => Ok(SmtpSecurity::Tls),
            "none" => Ok(SmtpSecurity::None),
            other => Err(CoreError::validation(format!(
                "security is starttls, tls or none (got \"{}\")",
                validate::truncate_for_message(other)
            ))),
        }
    }
}

/// What is stored in `app_settings` (no password: its reference).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StoredSmtp {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub from: String,
    /// `smtp/<id>` in the secret store, when a password is saved.
    pub password_ref: Option<String>,
}

/// The settings as the form shows them: whether a password is saved, never the password.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct SmtpSettings {
    pub configured: bool,
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub from: String,
    pub password_saved: bool,
    /// Where a password is kept.
    pub password_store: Option<secrets::SecretStoreKind>,
}

/// What the form or the CLI saves.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Default)]
#[ts(export)]
pub struct SmtpSettingsInput {
    pub host: String,
    /// None: the security's usual port.
    #[ts(optional)]
    pub port: Option<u16>,
    pub security: SmtpSecurity,
    #[ts(optional)]
    pub username: Option<String>,
    pub from: String,
    /// A new password; None keeps the saved one.
    #[ts(optional)]
    pub password: Option<String>,
    /// Forget the saved password.
    #[ts(optional)]
    pub clear_password: Option<bool>,
}

/// Whether `host` is this computer (where `none` is allowed).
pub fn is_loopback(host: &str) -> bool {
    let h = host.trim().trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost") || h.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn check_host(host: &str) -> Result<String> {
    let host = validate::text("host", host, HOST_MAX)?;
    let fine = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']' | '_');
    if !host.chars().all(fine) {
        return Err(CoreError::validation(format!(
            "\"{}\" is not a server name; write its name or address, such as smtp.example.com",
            validate::truncate_for_message(&host)
        )));
    }
    Ok(host)
}

/// The input checked whole (see the module contract), as it will be stored.
pub fn check(input: &SmtpSettingsInput) -> Result<StoredSmtp> {
    let host = check_host(&input.host)?;
    let port = input.port.unwrap_or(input.security.default_port());
    if port == 0 {
        return Err(CoreError::validation("the port must be between 1 and 65535"));
    }
    if input.security == SmtpSecurity::None && !is_loopback(&host) {
        return Err(CoreError::validation(format!(
            "without TLS the password and the messages would cross the network in clear: choose STARTTLS or TLS for {host} (no TLS is allowed only for a server on this computer)"
        )));
    }
    let from = input.from.trim().to_string();
    if !validate::looks_like_email(&from) {
        return Err(CoreError::validation(format!("the from address \"{}\" is not an e-mail address", validate::truncate_for_message(&from))));
    }
    let username = validate::opt_text("user name", input.username.as_deref(), USER_MAX)?;
    if input.password.as_deref().is_some_and(|p| p.len() > 1024) {
        return Err(CoreError::validation("the password has at most 1024 characters"));
    }
    Ok(StoredSmtp { host, port, security: input.security, username, from, password_ref: None })
}

/// The stored settings, if any.
pub fn stored(conn: &Connection) -> Result<Option<StoredSmtp>> {
    app_settings::get(conn, SMTP_KEY)
}

/// Whether e-mail can be sent: a server and a from address are saved.
pub fn configured(conn: &Connection) -> bool {
    stored(conn).ok().flatten().is_some_and(|s| !s.host.is_empty() && !s.from.is_empty())
}

/// The settings as the form shows them.
pub fn view(conn: &Connection, data_dir: &Path) -> Result<SmtpSettings> {
    let store = secrets::open(data_dir).ok().map(|s| s.kind());
    Ok(match stored(conn)? {
        Some(s) => SmtpSettings {
            configured: true,
            password_saved: s.password_ref.is_some(),
            host: s.host,
            port: s.port,
            security: s.security,
            username: s.username,
            from: s.from,
            password_store: store,
        },
        None => SmtpSettings {
            configured: false,
            host: String::new(),
            port: SmtpSecurity::default().default_port(),
            security: SmtpSecurity::default(),
            username: None,
            from: String::new(),
            password_saved: false,
            password_store: store,
        },
    })
}

/// Saves the settings (see the module contract); a password given goes to the secret
/// store first, and back as it was if the settings cannot be written.
pub fn set(db: &Db, data_dir: &Path, me: &str, input: &SmtpSettingsInput) -> Result<SmtpSettings> {
    let mut next = check(input)?;
    let before = db.read(stored)?;
    let kept = before.as_ref().and_then(|b| b.password_ref.clone());
    let clear = input.clear_password.unwrap_or(false);
    let new_password = input.password.as_deref().filter(|p| !p.is_empty());
    next.password_ref = if clear && new_password.is_none() { None } else { kept.clone() };
    let mut restore: Option<(Box<dyn SecretStore>, String, Option<String>)> = None;
    if let Some(password) = new_password {
        let store = secrets::open(data_dir)?;
        let reference = kept.clone().unwrap_or_else(|| format!("smtp/{}", crate::ids::new_id()));
        let previous = store.get(&reference)?;
        store.put(&reference, password)?;
        next.password_ref = Some(reference.clone());
        restore = Some((store, reference, previous));
    }
    let saved = db.write(WriteCtx::by(me, "email.settings"), |tx| {
        app_settings::set(tx, SMTP_KEY, "email", "The SMTP server e-mail is sent through (the password is in the secret store)", &next)
    });
    if let Err(e) = saved {
        if let Some((store, reference, previous)) = restore {
            match previous {
                Some(old) => store.put(&reference, &old)?,
                None => store.delete(&reference)?,
            }
        }
        return Err(e);
    }
    if clear && new_password.is_none() {
        if let Some(reference) = kept {
            secrets::open(data_dir)?.delete(&reference)?;
        }
    }
    db.read(|c| view(c, data_dir))
}

/// The saved password of `s`, from the secret store (call it outside any database lock).
pub fn password(s: &StoredSmtp, data_dir: &Path) -> Result<Option<String>> {
    match &s.password_ref {
        Some(reference) => secrets::open(data_dir)?.get(reference),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(host: &str, security: SmtpSecurity) -> SmtpSettingsInput {
        SmtpSettingsInput { host: host.into(), security, from: "me@example.com".into(), ..Default::default() }
    }

    #[test]
    fn no_tls_only_for_this_computer() {
        for host in ["localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]"] {
            assert!(check(&input(host, SmtpSecurity::None)).is_ok(), "{host}");
        }
        let err = check(&input("smtp.example.com", SmtpSecurity::None)).unwrap_err().to_string();
        assert!(err.contains("in clear") && err.contains("choose STARTTLS or TLS"), "{err}");
        assert!(check(&input("10.0.0.1", SmtpSecurity::None)).is_err());
    }

    #[test]
    fn ports_default_by_security_and_bad_input_is_refused() {
        assert_eq!(check(&input("smtp.example.com", SmtpSecurity::Starttls)).unwrap().port, 587);
        assert_eq!(check(&input("smtp.example.com", SmtpSecurity::Tls)).unwrap().port, 465);
        assert!(check(&SmtpSettingsInput { port: Some(0), ..input("smtp.example.com", SmtpSecurity::Tls) }).is_err());
        assert!(check(&input("smtp example.com", SmtpSecurity::Tls)).unwrap_err().to_string().contains("not a server name"));
        assert!(check(&input(" ", SmtpSecurity::Tls)).is_err());
        let bad_from = SmtpSettingsInput { from: "me".into(), ..input("smtp.example.com", SmtpSecurity::Tls) };
        assert!(check(&bad_from).unwrap_err().to_string().contains("is not an e-mail address"));
    }
}
