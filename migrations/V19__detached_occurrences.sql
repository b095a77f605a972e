-- Calendars from the real world (issue 18): an exception (RECURRENCE-ID) whose series is
-- not in the imported file is kept as a detached occurrence: a single event
-- (series_id IS NULL, rrule IS NULL) with its UID and its original start in
-- recurrence_id, so re-importing updates it and exporting writes it back as it came.
-- One event per UID and user, and one detached occurrence per UID and original start.
DROP INDEX idx_calendar_events_user_id_uid;
CREATE UNIQUE INDEX idx_calendar_events_user_id_uid ON calendar_events (user_id, uid, coalesce(recurrence_id, ''))
    WHERE uid IS NOT NULL;
