-- Threshold alerts that notify (issue 16 item 1, crates/core/src/insights/alerts): what an
-- alert watches beyond the seed's metric_id, and the state its evaluation keeps.
-- Runs inside refinery's transaction: no PRAGMA, no BEGIN/COMMIT.

-- The metric's period: the value compared is the metric over the current local day, week
-- (Monday first) or month so far; change_percent compares it with the whole previous one.
ALTER TABLE alerts ADD COLUMN grain TEXT NOT NULL DEFAULT 'day' CHECK (grain IN ('day', 'week', 'month'));
-- The metric's filters ({"course_id"} or {"activity_id"}), as insights::metrics takes them.
ALTER TABLE alerts ADD COLUMN filters TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(filters) AND json_type(filters) = 'object');
-- Digest alerts: the local time ('HH:MM') of the day's one summary.
ALTER TABLE alerts ADD COLUMN digest_time TEXT CHECK (digest_time IS NULL OR digest_time GLOB '[0-2][0-9]:[0-5][0-9]');
-- A snoozed alert is neither evaluated nor delivered before this instant.
ALTER TABLE alerts ADD COLUMN snoozed_until TEXT;
-- What moved the status last ('created', 'evaluation', 'user', 'snooze', 'snooze_ended') and when.
ALTER TABLE alerts ADD COLUMN status_reason TEXT;
ALTER TABLE alerts ADD COLUMN status_changed_at TEXT;
-- The last evaluation: when, the value and the previous period's value (NULL: none yet).
ALTER TABLE alerts ADD COLUMN last_evaluated_at TEXT;
ALTER TABLE alerts ADD COLUMN last_value REAL;
ALTER TABLE alerts ADD COLUMN last_previous REAL;
-- The last triggering (active/resolved → triggered).
ALTER TABLE alerts ADD COLUMN last_triggered_at TEXT;
-- Digest alerts: triggerings not yet summarised, and the local date of the last summary.
ALTER TABLE alerts ADD COLUMN digest_pending INTEGER NOT NULL DEFAULT 0 CHECK (digest_pending >= 0);
ALTER TABLE alerts ADD COLUMN last_digest_on TEXT;
