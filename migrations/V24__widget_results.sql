-- The results of a shared or public dashboard's widgets, cached by the owner's device so
-- that they travel with the share (issue 16 item 3, crates/core/src/insights/results.rs):
-- a grantee cannot compute a metric or a data source widget (the data is the owner's),
-- so its devices show the owner's last result "as of" computed_at. The owner's data
-- source credentials never travel (data_sources.connection_config is a secret column).
-- One row per widget, in the dashboard's sync stream (`d:<dashboard>`); only the owner
-- writes it (the app and the server refuse a grantee's write).
-- Runs inside refinery's transaction: no PRAGMA, no BEGIN/COMMIT.
CREATE TABLE widget_results (
    -- The natural id of (widget_id): the owner's two devices write the same row.
    id           TEXT PRIMARY KEY,
    widget_id    TEXT NOT NULL UNIQUE REFERENCES widgets (id) ON DELETE CASCADE,
    dashboard_id TEXT NOT NULL REFERENCES dashboards (id) ON DELETE CASCADE,
    -- The local days the result covers (YYYY-MM-DD, inclusive).
    range_from   TEXT NOT NULL,
    range_to     TEXT NOT NULL,
    computed_at  TEXT NOT NULL,
    -- The widget's data (a JSON object, at most 512 kB); NULL when the widget failed or
    -- its result was too large to share.
    data         TEXT CHECK (data IS NULL OR (json_valid(data) AND json_type(data) = 'object' AND length(data) <= 524288)),
    -- Rows in the result (said when it is too large to share).
    row_count    INTEGER NOT NULL DEFAULT 0 CHECK (row_count >= 0),
    -- Why there is no data: the widget's error in words, or 'too_large'.
    error        TEXT CHECK (error IS NULL OR length(error) <= 2000)
);
CREATE INDEX idx_widget_results_dashboard_id ON widget_results (dashboard_id);
