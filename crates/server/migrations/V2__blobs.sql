-- Attachment files ("blobs", /v1/blobs/{content_hash} in docs/openapi/sync-v1.yaml):
-- content-addressed per account. A blob is found by (account_id, content_hash), never by the
-- hash alone, so one account can neither read nor overwrite another's copy of the same file.

CREATE TABLE blobs (
    account_id   uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    -- Lower-case hex SHA-256 of the bytes, checked by the server against what it received.
    content_hash text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
    size_bytes   bigint NOT NULL CHECK (size_bytes >= 0),
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, content_hash)
);

-- The bytes, in chunks of 1 MiB (the last one shorter) numbered from 0; a download streams
-- them in idx order, one query per chunk.
--
-- Why a plain (not deferrable) foreign key: an upload inserts its `blobs` row FIRST, in the
-- same transaction as its chunks (with the size set at the end), so the parent exists before
-- any chunk. That row is also the claim two concurrent uploads of one blob meet on: the
-- second one's INSERT ... ON CONFLICT DO NOTHING waits on the first's uncommitted primary key
-- and, once the first commits, inserts nothing, so the second only checks its bytes' hash and
-- answers "already stored" (one copy). A hash mismatch, an oversized or over-quota body or a
-- cut-off upload rolls the whole transaction back, parent and chunks: nothing half-written is
-- ever visible, and nothing needs deleting.
CREATE TABLE blob_chunks (
    account_id   uuid NOT NULL,
    content_hash text NOT NULL,
    idx          integer NOT NULL CHECK (idx >= 0),
    data         bytea NOT NULL,
    PRIMARY KEY (account_id, content_hash, idx),
    FOREIGN KEY (account_id, content_hash) REFERENCES blobs (account_id, content_hash) ON DELETE CASCADE
);

-- Pictures and videos are compressed already: keep chunks out of line (TOAST) without
-- spending CPU on a pglz attempt that would not shrink them.
ALTER TABLE blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
