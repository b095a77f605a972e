-- Planner (issue 3): all-day and multi-day events, time zones, recurring series with
-- exceptions and overrides, ICS identity (UID, SEQUENCE), course colours.
--
-- Rows of calendar_events are of three shapes:
--   a single event   rrule IS NULL, series_id IS NULL
--   a series master  rrule IS NOT NULL (the first occurrence is starts_at / event_date)
--   an override      series_id = the master, recurrence_id = the original start of the
--                    occurrence it replaces (an edit of "this event only")
-- event_date .. end_date are the local dates (in the row's own time zone) its (first)
-- occurrence covers; a master's series_end_date is the last date its series covers. A
-- range query therefore reads index ranges instead of every past event.

ALTER TABLE calendar_events ADD COLUMN all_day INTEGER NOT NULL DEFAULT 0 CHECK (all_day IN (0, 1));
-- Last local date the (first) occurrence covers, inclusive; always set by the core.
ALTER TABLE calendar_events ADD COLUMN end_date TEXT
    CHECK (end_date IS NULL OR end_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
-- A master's last covered date (its last occurrence's end_date); NULL for a single event
-- or a series without end (no COUNT or UNTIL).
ALTER TABLE calendar_events ADD COLUMN series_end_date TEXT
    CHECK (series_end_date IS NULL OR series_end_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
-- IANA name the event's wall-clock times (and its recurrence) follow; NULL = the user's.
ALTER TABLE calendar_events ADD COLUMN timezone TEXT CHECK (timezone IS NULL OR length(timezone) BETWEEN 1 AND 64);
-- RFC 5545 RRULE value (without "RRULE:"), as normalised by the core.
ALTER TABLE calendar_events ADD COLUMN rrule TEXT CHECK (rrule IS NULL OR length(rrule) BETWEEN 1 AND 500);
-- Original starts of deleted occurrences: UTC timestamps, or dates for all-day series.
ALTER TABLE calendar_events ADD COLUMN exdates TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(exdates) AND json_type(exdates) = 'array');
ALTER TABLE calendar_events ADD COLUMN series_id TEXT REFERENCES calendar_events (id) ON DELETE CASCADE;
ALTER TABLE calendar_events ADD COLUMN recurrence_id TEXT;
ALTER TABLE calendar_events ADD COLUMN uid TEXT CHECK (uid IS NULL OR length(uid) BETWEEN 1 AND 255);
ALTER TABLE calendar_events ADD COLUMN course_id TEXT REFERENCES courses (id) ON DELETE SET NULL;
ALTER TABLE calendar_events ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0 CHECK (sequence >= 0);

-- Rows written before V5 were one-day events.
UPDATE calendar_events SET end_date = event_date WHERE end_date IS NULL;

-- One event per ICS UID and user (re-importing a file updates instead of duplicating);
-- overrides carry no uid of their own (they share the master's in ICS).
CREATE UNIQUE INDEX idx_calendar_events_user_id_uid ON calendar_events (user_id, uid) WHERE uid IS NOT NULL;
-- One override per occurrence; also the index of the series_id foreign key.
CREATE UNIQUE INDEX idx_calendar_events_series_id_recurrence_id ON calendar_events (series_id, recurrence_id);
CREATE INDEX idx_calendar_events_course_id ON calendar_events (course_id);
-- Range queries: series are few and scanned whole per user; multi-day single events that
-- start before the range are found by their end date.
CREATE INDEX idx_calendar_events_series ON calendar_events (user_id, series_end_date) WHERE rrule IS NOT NULL;
CREATE INDEX idx_calendar_events_multiday ON calendar_events (user_id, end_date)
    WHERE rrule IS NULL AND end_date > event_date;

-- A course's colour, given to its events in the calendar (#rrggbb).
ALTER TABLE courses ADD COLUMN colour TEXT
    CHECK (colour IS NULL OR (length(colour) = 7 AND colour GLOB '#[0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f]'));
