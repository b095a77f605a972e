-- Indexes for Home's Today card and the day ring: open tasks of a list in order (a
-- partial index, so years of completed tasks do not slow the card down), and tasks by
-- completion time (for "completed today").
CREATE INDEX idx_tasks_open_list_order ON tasks (list_id, order_index) WHERE is_completed = 0;
CREATE INDEX idx_tasks_user_completed_at ON tasks (user_id, completed_at) WHERE is_completed = 1;
