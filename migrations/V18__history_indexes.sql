-- History (issue 16): an item's changes are one index range, newest first (the id is a
-- UUIDv7, in time order, and the primary key every index of this WITHOUT ROWID table
-- ends with). The V1 index starts with entity_type, which an item's history (any table)
-- does not know. The account's date filter and the retention pruning use V1's
-- idx_audit_logs_created_at.
CREATE INDEX idx_audit_logs_entity_id ON audit_logs (entity_id);
