-- Alerts on a widget's value or a data model's field, not only a built-in metric (issue 16
-- item 1, crates/core/src/insights/alerts): an alert watches exactly one of metric_id, a
-- widget (its current single value: a metric card's number or the last point of its
-- series) or a data model's numeric field (summed over the model's rows). The rule (one
-- target) is the row's validate(), as ALTER TABLE cannot add a table CHECK.
-- Runs inside refinery's transaction: no PRAGMA, no BEGIN/COMMIT.

-- The watched widget; the alert goes with it.
ALTER TABLE alerts ADD COLUMN widget_id TEXT REFERENCES widgets(id) ON DELETE CASCADE;
-- The watched data model and its field; the alert goes with the model.
ALTER TABLE alerts ADD COLUMN model_id TEXT REFERENCES data_models(id) ON DELETE CASCADE;
ALTER TABLE alerts ADD COLUMN model_field TEXT CHECK (model_field IS NULL OR length(model_field) BETWEEN 1 AND 200);
