//! E-mail through the user's own SMTP server (issue 16 items 1 and 2): reports' files to
//! their recipients, alerts to the user.
//!
//! Contract:
//! - [`settings`]: the server (host, port, STARTTLS / TLS / none for this computer only,
//!   user name, from address) in `app_settings`, the password in the secret store; never
//!   synced, never in SQLite.
//! - [`smtp`]: one message sent through lettre, every failure a kind and a sentence the
//!   user can act on (cannot connect, no STARTTLS, TLS handshake, user name or password
//!   refused, recipient refused, timeout).
//! - [`outbox`]: what other rooms queue inside their own write (`outbox::enqueue`), sent
//!   exactly once across processes with retries and back-off, by the background turn and
//!   the app's own sender thread (never by the reminder scheduler: a slow mail server must
//!   not delay a reminder).
//! - [`send_test`] sends one message at once, outside the outbox, and answers how it went.
//!
//! The room reads `app_settings` through `account::app_settings` and the secret store
//! through `secrets`; it imports no other room, so any room may queue mail.

pub mod outbox;
pub mod rows;
pub mod settings;
pub mod smtp;

use crate::{validate, CoreError, Db, Result};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use smtp::{Outgoing, SendFailure, Smtp, Transport};
use std::path::Path;
use ts_rs::TS;

/// Whether e-mail can be sent (a server and a from address are saved).
pub fn configured(conn: &Connection) -> bool {
    settings::configured(conn)
}

/// The address alerts are e-mailed to: the user's own, the from address of the settings.
pub fn own_address(conn: &Connection) -> Result<Option<String>> {
    Ok(settings::stored(conn)?.map(|s| s.from))
}

/// The saved server as a transport, or None when e-mail is not set up. The settings are
/// read under the database lock and the password after it: the secret store may be a
/// D-Bus round trip (or a prompt to unlock the keyring), and the app's one connection must
/// not wait on it.
pub fn transport(db: &Db, data_dir: &Path) -> Result<Option<Smtp>> {
    let Some(stored) = db.read(settings::stored)? else { return Ok(None) };
    let password = settings::password(&stored, data_dir)?;
    Ok(Some(Smtp::new(stored, password)))
}

/// How a test e-mail went.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct TestSend {
    pub sent: bool,
    pub to: String,
    pub failure: Option<SendFailure>,
}

/// Sends a test message to `to` at once through the saved server.
pub fn send_test(db: &Db, data_dir: &Path, to: &str) -> Result<TestSend> {
    let to = to.trim().to_string();
    if !validate::looks_like_email(&to) {
        return Err(CoreError::validation(format!("\"{}\" is not an e-mail address", validate::truncate_for_message(&to))));
    }
    let Some(smtp) = transport(db, data_dir)? else {
        return Err(CoreError::validation("e-mail is not set up: save your SMTP server first"));
    };
    let message = Outgoing {
        to: vec![to.clone()],
        subject: "Studydesk test e-mail".into(),
        body: "This is a test message from Studydesk: your SMTP settings work.\nStudydesk からのテストメールです。SMTP の設定は正しく動いています。".into(),
        attachment: None,
        date: db.now().into(),
    };
    Ok(match smtp.send(&message) {
        Ok(()) => TestSend { sent: true, to, failure: None },
        Err(f) => TestSend { sent: false, to, failure: Some(f) },
    })
}
