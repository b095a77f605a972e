-- Local bookkeeping owned by the Rust core (not seed tables).
--
-- sync_changes: every insert/update/delete of a user-data row, recorded by the capture
-- triggers inside the writing transaction. The sync module pushes rows with
-- pushed_at IS NULL and marks them; nothing else reads or writes this table.
CREATE TABLE sync_changes (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    table_name  TEXT NOT NULL,
    row_id      TEXT NOT NULL,
    op          TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    changes     TEXT CHECK (changes IS NULL OR json_valid(changes)),
    hlc         TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    pushed_at   TEXT
);
CREATE INDEX idx_sync_changes_pending ON sync_changes (pushed_at, seq);
CREATE INDEX idx_sync_changes_row ON sync_changes (table_name, row_id);
CREATE INDEX idx_sync_changes_hlc ON sync_changes (hlc);

-- local_meta: facts about this installation (device id, the local user, the last
-- hybrid-logical-clock value). Never synced.
CREATE TABLE local_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
