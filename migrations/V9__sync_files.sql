-- Attachment files between devices (docs/sync.md §16). Local to each device, never synced.
-- Runs inside refinery's transaction: no PRAGMA, no BEGIN/COMMIT.

-- One row per attachment content this device has offered to the server: the server holds
-- the file (`uploaded_at`: uploaded from here, found there, or downloaded from there), or
-- refused it (`refused_at` with the server's reason: too large for it, over the account's
-- quota, the file changed on disk since it was attached). A refused file is shown, and
-- offered again a day later rather than every round.
CREATE TABLE sync_files (
    content_hash    TEXT PRIMARY KEY CHECK (length(content_hash) = 64),
    uploaded_at     TEXT,
    refused_at      TEXT,
    -- The server's error kind (payload_too_large, quota_exceeded, hash_mismatch...), which
    -- the UI words in the user's language, and its message.
    refused_code    TEXT,
    refused_message TEXT,
    CHECK ((uploaded_at IS NULL) <> (refused_at IS NULL)),
    CHECK ((refused_at IS NULL) = (refused_code IS NULL)),
    CHECK ((refused_at IS NULL) = (refused_message IS NULL))
) WITHOUT ROWID;
