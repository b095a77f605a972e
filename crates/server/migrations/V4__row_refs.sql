-- Which rows name which parent: one entry per foreign key value of a row (issue 13). A
-- delete finds its children, and a pull the dashboards shared with an account, by key
-- instead of scanning every account's rows of the child table. A side table rather than
-- expression indexes on `rows.columns`: those made every update of a row a non-HOT update
-- with an index entry per foreign key, and cost a quarter of the small-push throughput.
-- Kept by the push path (batch.rs) for the rows it writes; an entry whose row no longer
-- names that parent is harmless (every query joins back to `rows` and checks the value)
-- and is replaced when the row is written again.
CREATE TABLE row_refs (
    parent_table text NOT NULL,
    parent_id    text NOT NULL,
    child_table  text NOT NULL,
    child_column text NOT NULL,
    row_id       text NOT NULL,
    PRIMARY KEY (parent_table, parent_id, child_table, child_column, row_id)
);

-- The server's own notes: `row_refs_catalog` is the set of foreign keys `row_refs` was
-- filled for; the server fills it anew at start when the app's catalog has other ones.
CREATE TABLE server_meta (
    key   text PRIMARY KEY,
    value text NOT NULL
);
