//! The e-mail room's one table, `email_outbox` (V23): its row type, whole, column for
//! column; `validate()` mirrors the table's CHECKs. The UI never receives the row (it holds
//! the attachment's bytes): it gets `outbox::OutboxEntry`, built from the row without them.

use crate::db::row::{self, sql_enum, table_row};
use crate::{validate, CoreError, Result};
use serde_json::Value;

/// The largest attachment the outbox keeps (20 MiB; most mail servers refuse more than
/// 25 MB once encoded).
pub const MAX_ATTACHMENT_BYTES: usize = 20 * 1024 * 1024;

sql_enum! {
    /// `email_outbox.status`.
    pub enum OutboxStatus {
        Pending = "pending",
        Sending = "sending",
        Sent = "sent",
        Failed = "failed",
    }
}

table_row! {
    /// `email_outbox`: one message to send through the user's SMTP server.
    pub struct OutboxRow in "email_outbox" internal {
        pub id: String,
        pub user_id: String,
        /// What queued it: `report:<id>`, `alert:<id>`, `alert-digest` or `test`.
        pub source: String,
        /// A JSON array of addresses.
        pub recipients: Value,
        pub subject: String,
        pub body: String,
        pub attachment_name: Option<String>,
        /// Dropped once the message is sent.
        pub attachment: Option<Vec<u8>>,
        pub attachment_size: Option<i64>,
        pub status: OutboxStatus,
        pub attempts: i64,
        pub next_attempt_at: Option<String>,
        pub claimed_at: Option<String>,
        pub last_error: Option<String>,
        pub last_error_kind: Option<String>,
        pub sent_at: Option<String>,
        pub created_at: String,
        pub updated_at: String,
    }
}

impl OutboxRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        row::required("source", &self.source, 100)?;
        row::json_array("recipients", &self.recipients)?;
        let addresses = self.recipients.as_array().map(Vec::as_slice).unwrap_or_default();
        if addresses.is_empty() || !addresses.iter().all(|a| a.as_str().is_some_and(validate::looks_like_email)) {
            return Err(CoreError::validation("recipients: a message needs at least one, each an e-mail address"));
        }
        row::required("subject", &self.subject, 500)?;
        if self.attachment.as_ref().is_some_and(|a| a.len() > MAX_ATTACHMENT_BYTES) {
            return Err(CoreError::validation(format!(
                "attachment: the file is too large to e-mail (at most {} MiB); it is still in its folder",
                MAX_ATTACHMENT_BYTES / 1024 / 1024
            )));
        }
        row::opt_non_negative("attachment_size", self.attachment_size)?;
        row::non_negative("attempts", self.attempts)?;
        row::opt_timestamp("next_attempt_at", self.next_attempt_at.as_deref())?;
        row::opt_timestamp("sent_at", self.sent_at.as_deref())?;
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)
    }
}
