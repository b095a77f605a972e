-- Focus sessions (issue 4): a session can be for a course, and remembers the user's local
-- date it started on, so the year heatmap and streaks sum minutes per day straight from an
-- index instead of converting 50,000 timestamps to the user's time zone at every read.
-- Only one running session per user is a rule of the service (not a UNIQUE index): two
-- devices may each have started one while offline, and sync must still be able to merge.
ALTER TABLE idle_sessions ADD COLUMN course_id TEXT REFERENCES courses (id) ON DELETE SET NULL;
ALTER TABLE idle_sessions ADD COLUMN local_date TEXT
    CHECK (local_date IS NULL OR local_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
CREATE INDEX idx_idle_sessions_course_id ON idle_sessions (course_id);
CREATE INDEX idx_idle_sessions_running ON idle_sessions (user_id) WHERE status IN ('active', 'paused');
CREATE INDEX idx_idle_sessions_completed_by_day ON idle_sessions (user_id, local_date, total_duration)
    WHERE status = 'completed';
