-- Public dashboards (issue 16, docs/sync.md §9.2): every pull lists the live dashboards
-- whose `is_public` is 1, read by every account; a partial index keeps that one short
-- index scan however many private dashboards the server holds.
CREATE INDEX rows_public_dashboards ON rows (row_id)
    WHERE table_name = 'dashboards' AND columns->>'is_public' = '1' AND cl % 2 = 1;
