//! The outbox: every message the app means to e-mail, kept until it is sent or given up,
//! so a send failure is shown and retried, never lost silently.
//!
//! Contract:
//! - [`enqueue`] adds a message inside the caller's `Db::write` (a report's run, an alert's
//!   triggering), so the message exists exactly when what it tells of does. A file larger
//!   than [`MAX_ATTACHMENT_BYTES`] is not attached: the message says where it is instead.
//! - [`drain`] sends what is due through a [`Transport`], one message at a time. Each is
//!   first claimed by one conditional UPDATE in its own `Db::write` (`pending` and due, or
//!   a `sending` claim older than [`STALE_CLAIM_MINUTES`] whose process died), so of several
//!   processes (the app's sender, `--remind-once`, the CLI) exactly one sends it. Sent:
//!   `sent_at`, and the attachment's bytes dropped. Failed: the reason in words and its
//!   kind, and the next attempt after [`backoff`] (1 min, 5, 30, 2 h, then every 6 h);
//!   after [`GIVE_UP_DAYS`] days of failures the message is `failed`, visible, and sent
//!   again only by [`retry`]. No process holds the database while it talks to the server.
//! - Nothing is sent while e-mail is not set up: messages wait, `pending`.
//! - The table is device-local (never synced) and written without audit rows: the outbox
//!   is itself a record, and its rows hold report files.

use super::rows::{OutboxRow, OutboxStatus, MAX_ATTACHMENT_BYTES};
use super::smtp::{Outgoing, SendFailure, SendFailureKind, Transport};
use crate::db::row;
use crate::db::{timestamp_text, Tx, WriteCtx};
use crate::{CoreError, Db, Result};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A claim older than this is taken to be a process that died while sending.
pub const STALE_CLAIM_MINUTES: i64 = 30;
/// Failures are retried for this long, then the message is `failed`.
pub const GIVE_UP_DAYS: i64 = 3;
/// The most entries [`list`] answers.
pub const LIST_MAX: i64 = 200;
/// The most messages one [`drain`] sends (the next turn sends the rest).
pub const DRAIN_MAX: usize = 50;

/// The wait before the next attempt after `attempts` failed ones.
pub fn backoff(attempts: i64) -> Duration {
    match attempts {
        ..=1 => Duration::minutes(1),
        2 => Duration::minutes(5),
        3 => Duration::minutes(30),
        4 => Duration::hours(2),
        _ => Duration::hours(6),
    }
}

/// A new message.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMessage {
    /// `report:<id>`, `alert:<id>`, `alert-digest`, `test`.
    pub source: String,
    pub to: Vec<String>,
    pub subject: String,
    pub body: String,
    /// The file's name and bytes.
    pub attachment: Option<(String, Vec<u8>)>,
}

/// One message as the UI and the CLI show it (never the attachment's bytes).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct OutboxEntry {
    pub id: String,
    pub source: String,
    pub recipients: Vec<String>,
    pub subject: String,
    pub attachment_name: Option<String>,
    pub attachment_size: Option<i64>,
    /// pending, sending, sent or failed.
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: Option<String>,
    pub last_error: Option<String>,
    pub last_error_kind: Option<SendFailureKind>,
    pub sent_at: Option<String>,
    pub created_at: String,
}

/// What one drain did (the CLI prints it; the UI reads the outbox instead).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct DrainReport {
    pub sent: i64,
    pub failed: i64,
    /// The failures of this drain, in words.
    pub errors: Vec<String>,
}

const ENTRY_COLUMNS: &str = "id, source, recipients, subject, attachment_name, attachment_size, status, attempts, next_attempt_at, last_error, last_error_kind, sent_at, created_at";

fn entry(r: &rusqlite::Row) -> rusqlite::Result<OutboxEntry> {
    let recipients: String = r.get(2)?;
    let kind: Option<String> = r.get(10)?;
    Ok(OutboxEntry {
        id: r.get(0)?,
        source: r.get(1)?,
        recipients: serde_json::from_str(&recipients).unwrap_or_default(),
        subject: r.get(3)?,
        attachment_name: r.get(4)?,
        attachment_size: r.get(5)?,
        status: r.get(6)?,
        attempts: r.get(7)?,
        next_attempt_at: r.get(8)?,
        last_error: r.get(9)?,
        last_error_kind: kind.as_deref().and_then(SendFailureKind::parse),
        sent_at: r.get(11)?,
        created_at: r.get(12)?,
    })
}

/// Queues a message (see the module contract); answers its id.
pub fn enqueue(tx: &Tx, me: &str, m: NewMessage) -> Result<String> {
    let now = tx.now_text();
    let (attachment_name, attachment, size, body) = match m.attachment {
        Some((name, bytes)) if bytes.len() > MAX_ATTACHMENT_BYTES => {
            let body = format!("{}\n\n{name} ({} MiB) is too large to e-mail; it is in the report's folder.", m.body, bytes.len() / 1024 / 1024);
            (None, None, None, body)
        }
        Some((name, bytes)) => {
            let size = bytes.len() as i64;
            (Some(name), Some(bytes), Some(size), m.body)
        }
        None => (None, None, None, m.body),
    };
    let r = OutboxRow {
        id: tx.new_id(),
        user_id: me.to_string(),
        source: m.source,
        recipients: serde_json::json!(m.to),
        subject: m.subject,
        body,
        attachment_name,
        attachment,
        attachment_size: size,
        status: OutboxStatus::Pending,
        attempts: 0,
        next_attempt_at: Some(now.clone()),
        claimed_at: None,
        last_error: None,
        last_error_kind: None,
        sent_at: None,
        created_at: now.clone(),
        updated_at: now,
    };
    row::insert(tx, &r)?;
    Ok(r.id)
}

/// My latest messages, newest first (at most `limit`, bounded by [`LIST_MAX`]).
pub fn list(conn: &Connection, me: &str, limit: i64) -> Result<Vec<OutboxEntry>> {
    let sql = format!("SELECT {ENTRY_COLUMNS} FROM email_outbox WHERE user_id = ?1 ORDER BY created_at DESC, id DESC LIMIT ?2");
    Ok(conn.prepare_cached(&sql)?.query_map(params![me, limit.clamp(1, LIST_MAX)], entry)?.collect::<rusqlite::Result<_>>()?)
}

/// The latest message queued by `source` (a report's or an alert's last e-mail).
pub fn last_for(conn: &Connection, me: &str, source: &str) -> Result<Option<OutboxEntry>> {
    let sql = format!("SELECT {ENTRY_COLUMNS} FROM email_outbox WHERE user_id = ?1 AND source = ?2 ORDER BY created_at DESC, id DESC LIMIT 1");
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query_map(params![me, source], entry)?;
    Ok(rows.next().transpose()?)
}

/// Sends my pending or failed message at the next drain (the UI's "Retry").
pub fn retry(db: &Db, me: &str, id: &str) -> Result<OutboxEntry> {
    let id = crate::validate::id("message", id)?;
    db.write(WriteCtx::local_record(me, "email.retry"), |tx| {
        let n = tx
            .prepare_cached(
                "UPDATE email_outbox SET status = 'pending', next_attempt_at = ?1, updated_at = ?1
                 WHERE id = ?2 AND user_id = ?3 AND status IN ('pending', 'failed')",
            )?
            .execute(params![tx.now_text(), id, me])?;
        if n == 0 {
            let sql = format!("SELECT {ENTRY_COLUMNS} FROM email_outbox WHERE id = ?1 AND user_id = ?2");
            let mut stmt = tx.prepare_cached(&sql)?;
            let found = stmt.query_map(params![id, me], entry)?.next().transpose()?;
            return match found {
                None => Err(CoreError::not_found("message", id.clone())),
                Some(e) => Err(CoreError::validation(format!("this message is {} and cannot be sent again", e.status))),
            };
        }
        Ok(())
    })?;
    db.read(|c| {
        let sql = format!("SELECT {ENTRY_COLUMNS} FROM email_outbox WHERE id = ?1");
        Ok(c.prepare_cached(&sql)?.query_row([&id], entry)?)
    })
}

/// The ids of my messages due at `now` (pending and due, or a stale claim), oldest first.
fn due(conn: &Connection, me: &str, now: DateTime<Utc>) -> Result<Vec<String>> {
    let stale = timestamp_text(now - Duration::minutes(STALE_CLAIM_MINUTES));
    Ok(conn
        .prepare_cached(
            "SELECT id FROM email_outbox WHERE user_id = ?1
               AND ((status = 'pending' AND next_attempt_at <= ?2) OR (status = 'sending' AND claimed_at <= ?3))
             ORDER BY next_attempt_at, created_at, id LIMIT ?4",
        )?
        .query_map(params![me, timestamp_text(now), stale, DRAIN_MAX as i64], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// The claim: this process sends the message, no other.
fn claim(db: &Db, me: &str, id: &str) -> Result<Option<OutboxRow>> {
    db.write(WriteCtx::local_record(me, "email.claim"), |tx| {
        let now = tx.now();
        let stale = timestamp_text(now - Duration::minutes(STALE_CLAIM_MINUTES));
        let n = tx
            .prepare_cached(
                "UPDATE email_outbox SET status = 'sending', claimed_at = ?1, attempts = attempts + 1, updated_at = ?1
                 WHERE id = ?2 AND ((status = 'pending' AND next_attempt_at <= ?1) OR (status = 'sending' AND claimed_at <= ?3))",
            )?
            .execute(params![timestamp_text(now), id, stale])?;
        if n == 0 {
            return Ok(None);
        }
        row::get::<OutboxRow>(tx, id)
    })
}

/// Stores how a claimed send ended.
fn record(db: &Db, me: &str, r: &OutboxRow, outcome: &std::result::Result<(), SendFailure>) -> Result<()> {
    db.write(WriteCtx::local_record(me, "email.send"), |tx| {
        let now = tx.now();
        match outcome {
            Ok(()) => {
                tx.prepare_cached(
                    "UPDATE email_outbox SET status = 'sent', sent_at = ?1, attachment = NULL, claimed_at = NULL,
                        next_attempt_at = NULL, last_error = NULL, last_error_kind = NULL, updated_at = ?1 WHERE id = ?2",
                )?
                .execute(params![timestamp_text(now), r.id])?;
            }
            Err(f) => {
                let created = crate::time::parse_instant(&r.created_at).unwrap_or(now);
                let next = now + backoff(r.attempts);
                let (status, next) = if next > created + Duration::days(GIVE_UP_DAYS) { ("failed", None) } else { ("pending", Some(timestamp_text(next))) };
                tx.prepare_cached(
                    "UPDATE email_outbox SET status = ?1, next_attempt_at = ?2, claimed_at = NULL, last_error = ?3,
                        last_error_kind = ?4, updated_at = ?5 WHERE id = ?6",
                )?
                .execute(params![status, next, f.message, f.kind.as_str(), timestamp_text(now), r.id])?;
            }
        }
        Ok(())
    })
}

fn outgoing(r: &OutboxRow, now: DateTime<Utc>) -> Outgoing {
    Outgoing {
        to: serde_json::from_value(r.recipients.clone()).unwrap_or_default(),
        subject: r.subject.clone(),
        body: r.body.clone(),
        attachment: r.attachment_name.clone().zip(r.attachment.clone()),
        date: now.into(),
    }
}

/// Sends my due messages through `transport` (see the module contract).
pub fn drain(db: &Db, me: &str, transport: &dyn Transport) -> Result<DrainReport> {
    let mut report = DrainReport::default();
    for id in db.read(|c| due(c, me, db.now()))? {
        let Some(r) = claim(db, me, &id)? else { continue };
        let outcome = transport.send(&outgoing(&r, db.now()));
        record(db, me, &r, &outcome)?;
        match outcome {
            Ok(()) => report.sent += 1,
            Err(f) => {
                report.failed += 1;
                report.errors.push(f.message);
            }
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_then_stays_at_six_hours() {
        let waits: Vec<i64> = (1..=7).map(|n| backoff(n).num_minutes()).collect();
        assert_eq!(waits, [1, 5, 30, 120, 360, 360, 360]);
    }
}
