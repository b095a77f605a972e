-- Home's two sorted reads come straight off an index, in order, with no sort step.
--
-- The open assignments (the "Due" card): a partial index holding only assignments whose
-- status does not take them off the due lists (planner/assignments.rs DONE_STATUSES; the
-- WHERE is the query's own expression, so SQLite uses the index), in the card's order.
-- Years of done assignments no longer pass through the read, and nothing is sorted.
CREATE INDEX idx_assignments_open_due ON assignments (user_id, due_at IS NULL, due_at, title)
    WHERE coalesce(status, '') NOT IN ('Done', 'Submitted');

-- Courses by name (Home, the planner's pickers): the index gives the order, and it
-- replaces the user_id index it starts with.
CREATE INDEX idx_courses_user_id_name ON courses (user_id, name COLLATE NOCASE, id);
DROP INDEX idx_courses_user_id;
