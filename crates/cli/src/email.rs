//! `smtp set|show|test` (Settings › Email from a terminal) and `outbox list|retry|send`
//! (the messages reports and alerts queued, their state, a retry, a send now). The
//! password is read from standard input (`--password-stdin`), never from an argument,
//! which other users of the computer could see.

use crate::terminal::{self, field, say};
use clap::Subcommand;
use std::io::Read;
use studydesk_core::api::Studydesk;
use studydesk_core::email::outbox::OutboxEntry;
use studydesk_core::email::settings::{SmtpSecurity, SmtpSettings, SmtpSettingsInput};
use studydesk_core::CoreError;

#[derive(Subcommand)]
pub enum SmtpCommand {
    /// Save the SMTP server e-mail is sent through.
    Set {
        #[arg(long)]
        host: String,
        /// Default: 587 for starttls, 465 for tls, 25 for none.
        #[arg(long)]
        port: Option<u16>,
        /// starttls (default), tls (implicit, port 465), or none (a server on this computer only).
        #[arg(long, default_value = "starttls", value_parser = parse_security)]
        security: SmtpSecurity,
        #[arg(long)]
        user: Option<String>,
        /// The from address (alerts are e-mailed to it too).
        #[arg(long)]
        from: String,
        /// Read the password from standard input (kept in the OS keychain, never in the database).
        #[arg(long)]
        password_stdin: bool,
    },
    /// The saved settings (whether a password is saved, never the password).
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Send a test e-mail to TO now.
    Test {
        to: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum OutboxCommand {
    /// The latest queued e-mails, newest first, with their state.
    List {
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
    /// Send a pending or failed message again at the next send.
    Retry { id: String },
    /// Send what is due now.
    Send {
        #[arg(long)]
        json: bool,
    },
}

fn parse_security(text: &str) -> Result<SmtpSecurity, String> {
    SmtpSecurity::parse(text).map_err(|e| e.to_string())
}

fn read_password() -> Result<String, CoreError> {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text).map_err(|e| CoreError::io("could not read the password from standard input", e))?;
    let password = text.trim_end_matches(['\r', '\n']).to_string();
    if password.is_empty() {
        return Err(CoreError::validation("--password-stdin was given, but standard input was empty"));
    }
    Ok(password)
}

fn describe(s: &SmtpSettings) -> String {
    if !s.configured {
        return "e-mail is not set up".into();
    }
    format!(
        "{}:{} ({:?}) from {} user {} password {}",
        s.host,
        s.port,
        s.security,
        field(&s.from),
        s.username.as_deref().map(field).unwrap_or_else(|| "-".into()),
        if s.password_saved { "saved" } else { "none" }
    )
}

pub fn smtp(app: &Studydesk, cmd: SmtpCommand) -> Result<(), CoreError> {
    match cmd {
        SmtpCommand::Set { host, port, security, user, from, password_stdin } => {
            let password = if password_stdin { Some(read_password()?) } else { None };
            let saved = app.smtp_settings_set(SmtpSettingsInput { host, port, security, username: user, from, password, clear_password: None })?;
            say!("saved: {}", describe(&saved));
        }
        SmtpCommand::Show { json } => {
            let s = app.smtp_settings_get()?;
            if json {
                return terminal::json(&s, true);
            }
            say!("{}", describe(&s));
        }
        SmtpCommand::Test { to, json } => {
            let t = app.smtp_test_send(to)?;
            if json {
                return terminal::json(&t, true);
            }
            match t.failure {
                None => say!("sent a test e-mail to {}", t.to),
                Some(f) => return Err(CoreError::validation(f.message)),
            }
        }
    }
    Ok(())
}

fn line(e: &OutboxEntry) -> String {
    let state = match e.status.as_str() {
        "sent" => format!("sent {}", e.sent_at.as_deref().unwrap_or("")),
        "pending" if e.last_error.is_some() => format!("failed: {}; retrying at {}", e.last_error.as_deref().unwrap_or(""), e.next_attempt_at.as_deref().unwrap_or("")),
        "failed" => format!("not sent: {}", e.last_error.as_deref().unwrap_or("")),
        other => other.to_string(),
    };
    format!("{}  {}  to {}  {}  [{}]", e.id, field(&e.subject), e.recipients.join(", "), e.source, state)
}

pub fn outbox(app: &Studydesk, cmd: OutboxCommand) -> Result<(), CoreError> {
    match cmd {
        OutboxCommand::List { limit, json } => {
            let list = app.outbox_list(Some(limit))?;
            if json {
                return terminal::json(&list, true);
            }
            if list.is_empty() {
                say!("the outbox is empty");
            }
            for e in &list {
                say!("{}", line(e));
            }
        }
        OutboxCommand::Retry { id } => {
            let e = app.outbox_retry(id)?;
            say!("{}", line(&e));
        }
        OutboxCommand::Send { json } => {
            let d = app.outbox_send_due()?;
            if json {
                return terminal::json(&d, true);
            }
            say!("sent {}, failed {}", d.sent, d.failed);
            for e in &d.errors {
                say!("  {e}");
            }
        }
    }
    Ok(())
}
