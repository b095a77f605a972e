-- Planner reminders (issue 3): reminders before a task's or an assignment's due time, and
-- what a snoozed series reminder needs to remember. Shapes and rules: docs/schema.md §10
-- and crates/core/src/planner/item_reminders.rs.
-- Runs inside refinery's transaction: no PRAGMA, no BEGIN/COMMIT.

-- One reminder of one task or one assignment (exactly one of the two), relative
-- (minutes_before the due time) or absolute (remind_at), exactly one of the two.
-- fire_at is the absolute UTC instant it is due, computed by the core: remind_at, or
-- due_at - minutes_before; NULL while a relative reminder's item has no due date (nothing
-- to fire). The scheduler reads it like calendar_event_reminders: WHERE delivered_at IS
-- NULL AND fire_at <= :now ORDER BY fire_at, one range of the (delivered_at, fire_at)
-- index. A reminder suppressed because its task was completed is stored as delivered.
CREATE TABLE item_reminders (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    task_id        TEXT REFERENCES tasks (id) ON DELETE CASCADE,
    assignment_id  TEXT REFERENCES assignments (id) ON DELETE CASCADE,
    minutes_before INTEGER CHECK (minutes_before IS NULL OR minutes_before >= 0),
    remind_at      TEXT,
    fire_at        TEXT,
    delivered_at   TEXT,
    snoozed_until  TEXT,
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK ((task_id IS NULL) <> (assignment_id IS NULL)),
    CHECK ((minutes_before IS NULL) <> (remind_at IS NULL))
);
CREATE INDEX idx_item_reminders_delivered_at_fire_at ON item_reminders (delivered_at, fire_at);
CREATE INDEX idx_item_reminders_task_id ON item_reminders (task_id);
CREATE INDEX idx_item_reminders_assignment_id ON item_reminders (assignment_id);
CREATE INDEX idx_item_reminders_user_id ON item_reminders (user_id);

-- A series reminder snoozed from the notification center fires again for the occurrence
-- it was shown for (its fire_at already moved on to the next one): the start of that
-- occurrence (UTC timestamp), cleared when it is delivered or the event changes.
ALTER TABLE calendar_event_reminders ADD COLUMN snoozed_occurrence TEXT;
