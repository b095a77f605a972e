-- Sync bookkeeping (docs/sync.md §5.1). Local to each device, never synced.
-- Runs inside refinery's transaction: no PRAGMA, no BEGIN/COMMIT.

-- Each captured change carries the row's causal length (odd = alive, even = deleted), the
-- batch it was pushed in (stamped before sending, so a resend after a crash is the same
-- batch), and the server's acknowledgement (JSON [{stream, seq}]): the row stays, as the
-- device's own not-yet-seen write, until a pull has passed that seq.
ALTER TABLE sync_changes ADD COLUMN cl INTEGER NOT NULL DEFAULT 1;
ALTER TABLE sync_changes ADD COLUMN batch_id TEXT;
ALTER TABLE sync_changes ADD COLUMN ack TEXT;

-- Causal length of rows ever deleted or re-created (absent: 1 if the row exists, else 0).
-- Kept by the capture triggers whether or not a write is captured, so cascades of a
-- pulled delete are counted too.
CREATE TABLE sync_causal (
    table_name TEXT NOT NULL,
    row_id     TEXT NOT NULL,
    cl         INTEGER NOT NULL CHECK (cl >= 1),
    PRIMARY KEY (table_name, row_id)
) WITHOUT ROWID;

-- Changes the server refused ("could not sync"): kept for the user to retry or discard,
-- so one bad change never blocks the queue nor is silently dropped.
CREATE TABLE sync_refused (
    seq          INTEGER PRIMARY KEY,
    table_name   TEXT NOT NULL,
    row_id       TEXT NOT NULL,
    op           TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    changes      TEXT,
    hlc          TEXT NOT NULL,
    device_id    TEXT NOT NULL,
    cl           INTEGER NOT NULL,
    code         TEXT NOT NULL,
    message      TEXT NOT NULL,
    retryable    INTEGER NOT NULL CHECK (retryable IN (0, 1)),
    server_state TEXT,
    refused_at   TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 1
);

-- Pulled changes this device could not apply (a CHECK or UNIQUE the server did not see):
-- skipped one by one, never wedging the device, and shown to the user.
CREATE TABLE sync_apply_errors (
    id         INTEGER PRIMARY KEY,
    stream     TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    table_name TEXT NOT NULL,
    row_id     TEXT NOT NULL,
    code       TEXT NOT NULL,
    message    TEXT NOT NULL,
    at         TEXT NOT NULL
);

-- Tables that never leave the device were queued by earlier versions; so were built-in
-- activities and the derived counters. Drop those queued copies.
DELETE FROM sync_changes WHERE table_name IN ('user_sessions', 'api_keys', 'app_settings', 'emoji_categories', 'emojis');
DELETE FROM sync_changes WHERE table_name = 'activities'
  AND row_id IN (SELECT id FROM activities WHERE is_builtin = 1);
UPDATE sync_changes SET changes = json_remove(changes, '$.followers_count', '$.following_count', '$.posts_count')
WHERE table_name = 'users' AND changes IS NOT NULL;
UPDATE sync_changes SET changes = json_remove(changes, '$.like_count', '$.comment_count')
WHERE table_name = 'posts' AND changes IS NOT NULL;
DELETE FROM sync_changes WHERE op = 'update' AND (changes IS NULL OR changes = '{}');
