-- Calendar subscriptions (issue 18): a calendar followed by URL (a university timetable, a
-- shared calendar), fetched in the background by every device on its own, shown read-only
-- in its own colour. Runs inside refinery's transaction: no PRAGMA, no BEGIN/COMMIT.
--
-- The subscription syncs (a second device follows the same URL); its fetch state is the
-- device's own (studydesk_sync::catalog::DEVICE_COLUMNS): each device fetches for itself.
-- Names are unique per user ignoring case, checked by the core
-- (planner/calendar/subscriptions) rather than by an index, so that two devices naming a
-- subscription alike offline do not make a pull fail; such twins are shown side by side.
CREATE TABLE calendar_subscriptions (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name            TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 100),
    -- http:// or https:// (a webcal:// link is stored as https://).
    url             TEXT NOT NULL CHECK (length(url) BETWEEN 8 AND 2000 AND (url LIKE 'http://%' OR url LIKE 'https://%')),
    -- '#rrggbb'.
    colour          TEXT NOT NULL CHECK (length(colour) = 7 AND colour LIKE '#%'),
    refresh_minutes INTEGER NOT NULL DEFAULT 360 CHECK (refresh_minutes BETWEEN 15 AND 10080),
    enabled         INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    -- Device-local fetch state: the validators of the last good copy, when the feed was
    -- last asked and last read, why the last attempt failed (in words; NULL after a
    -- success), failed attempts in a row (the back-off), and when to ask next (NULL: now).
    etag            TEXT CHECK (etag IS NULL OR length(etag) <= 1000),
    last_modified   TEXT CHECK (last_modified IS NULL OR length(last_modified) <= 200),
    last_attempt_at TEXT,
    last_success_at TEXT,
    last_error      TEXT CHECK (last_error IS NULL OR length(last_error) <= 1000),
    failures        INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
    next_fetch_at   TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX idx_calendar_subscriptions_user_id ON calendar_subscriptions (user_id);

-- The events of a feed are the device's copy of the feed (never synced: every device
-- fetches the feed itself); removing the subscription removes them.
ALTER TABLE calendar_events ADD COLUMN subscription_id TEXT REFERENCES calendar_subscriptions (id) ON DELETE CASCADE;
CREATE INDEX idx_calendar_events_subscription_id ON calendar_events (subscription_id) WHERE subscription_id IS NOT NULL;

-- A feed may carry the UID of an event the user imported, or that another feed carries:
-- UIDs are unique per user and calendar (their own, or one subscription).
DROP INDEX idx_calendar_events_user_id_uid;
CREATE UNIQUE INDEX idx_calendar_events_user_id_uid
    ON calendar_events (user_id, coalesce(subscription_id, ''), uid, coalesce(recurrence_id, ''))
    WHERE uid IS NOT NULL;
