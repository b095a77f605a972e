-- Local bookkeeping owned by the Rust core (not seed tables).
--
-- sync_changes: every insert/update/delete of a user-data row, recorded by the capture
-- triggers inside the writing transaction. The sync module pushes rows with
-- pushed_at IS NULL and marks them; nothing else reads or writes this table.
CREATE TABLE sync_changes (
    -- No AUTOINCREMENT (it costs a sqlite_sequence update per captured row): a seq can
    -- only be reused after the newest row is deleted, and rows are deleted only once pushed.
    seq         INTEGER PRIMARY KEY,
    table_name  TEXT NOT NULL,
    row_id      TEXT NOT NULL,
    op          TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    -- Built by the capture triggers with json_object(), so always well-formed JSON.
    changes     TEXT,
    hlc         TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    pushed_at   TEXT
);
-- What is waiting to be pushed, in order. Rows leave the index once pushed. Kept to this
-- one index because every captured write pays for each index here (see docs/benchmarks.md).
CREATE INDEX idx_sync_changes_pending ON sync_changes (seq) WHERE pushed_at IS NULL;

-- local_meta: facts about this installation (device id, the local user, the last
-- hybrid-logical-clock value). Never synced.
CREATE TABLE local_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
