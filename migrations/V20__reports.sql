-- Scheduled reports (issue 16 item 2, crates/core/src/insights/reports): where a report is
-- written, the widgets it shows, and the state its scheduled runs keep.
-- Runs inside refinery's transaction: no PRAGMA, no BEGIN/COMMIT.

-- The folder the files are written into (an absolute path on the device that runs it).
ALTER TABLE reports ADD COLUMN output_dir TEXT;
-- The widgets shown, a JSON array of widget ids in order; NULL: every widget of the dashboard.
ALTER TABLE reports ADD COLUMN widget_ids TEXT CHECK (widget_ids IS NULL OR (json_valid(widget_ids) AND json_type(widget_ids) = 'array'));
-- The next scheduled run (UTC); the claim of a run moves it, in the same write as last_sent.
ALTER TABLE reports ADD COLUMN next_run_at TEXT;
-- The outcome of the last run: the file written, or why it failed, in words.
ALTER TABLE reports ADD COLUMN last_output TEXT;
ALTER TABLE reports ADD COLUMN last_error TEXT;
CREATE INDEX idx_reports_next_run_at ON reports (next_run_at) WHERE is_active = 1;
