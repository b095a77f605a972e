-- Real-world calendars (issue 18): the extra dates of a series (RFC 5545 RDATE) and the
-- place and link every calendar app shows (LOCATION, URL), kept on import and exported.
-- Runs inside refinery's transaction: no PRAGMA, no BEGIN/COMMIT.
-- Original starts added to a series beside its rule: UTC timestamps, or dates for
-- all-day series (the same keys as exdates); at most 1,000 (planner/calendar/model.rs).
ALTER TABLE calendar_events ADD COLUMN rdates TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(rdates) AND json_type(rdates) = 'array' AND json_array_length(rdates) <= 1000);
-- Where the event happens, as written (a room, an address); at most 500 characters.
ALTER TABLE calendar_events ADD COLUMN location TEXT CHECK (location IS NULL OR length(location) BETWEEN 1 AND 500);
-- A link about the event (a meeting, a course page); at most 2,048 characters.
ALTER TABLE calendar_events ADD COLUMN url TEXT CHECK (url IS NULL OR length(url) BETWEEN 1 AND 2048);
