-- The e-mail outbox (issue 16 items 1 and 2, crates/core/src/email): every message the app
-- means to send through the user's SMTP server (a report's file, an alert), kept until it
-- is sent or given up, so that a send failure is shown and retried, never lost silently.
-- Device-local: never synced (the sync catalog's LOCAL_ONLY), no capture, no audit.
-- Runs inside refinery's transaction: no PRAGMA, no BEGIN/COMMIT.

CREATE TABLE email_outbox (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- What queued it: 'report:<id>', 'alert:<id>', 'alert-digest' or 'test'.
    source TEXT NOT NULL CHECK (length(source) BETWEEN 1 AND 100),
    -- A JSON array of e-mail addresses (at least one).
    recipients TEXT NOT NULL CHECK (json_valid(recipients) AND json_type(recipients) = 'array' AND json_array_length(recipients) >= 1),
    subject TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 500),
    body TEXT NOT NULL,
    -- The attached file's name and bytes (at most 20 MiB); the bytes are dropped once sent.
    attachment_name TEXT CHECK (attachment_name IS NULL OR length(attachment_name) BETWEEN 1 AND 255),
    attachment BLOB CHECK (attachment IS NULL OR length(attachment) <= 20971520),
    attachment_size INTEGER CHECK (attachment_size IS NULL OR attachment_size >= 0),
    -- pending (waiting for next_attempt_at), sending (claimed by one process at claimed_at),
    -- sent, failed (given up after three days; retried only by the user).
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TEXT,
    claimed_at TEXT,
    -- The last failure in words and its kind (connect, starttls, tls, auth, recipient,
    -- timeout, server, not_configured).
    last_error TEXT,
    last_error_kind TEXT,
    sent_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX idx_email_outbox_due ON email_outbox (user_id, status, next_attempt_at);
CREATE INDEX idx_email_outbox_source ON email_outbox (source, created_at);
