-- Indexes for Insights' built-in study metrics (issue 15 item 3, crates/core/src/insights/metrics).
-- Each metric reads ten years of a user's data in under 20 ms (docs/benchmarks.md,
-- "Insights metrics"); these are the reads that did not, each now answered from one index.
-- Runs inside refinery's transaction: no PRAGMA, no BEGIN/COMMIT.

-- Minutes and sessions per course and per activity, and either narrowed to one course or
-- activity: completed sessions in course (activity) order, each with its local date and
-- focus seconds. The index by day (V4) has neither column: grouping by them read all of
-- ten years' 50,000 sessions from the table (70 ms, now 5); adding them to it still sorted the
-- 50,000 rows per read (25-30 ms) and made the heatmap's index twice as wide. The
-- metrics name these indexes (INDEXED BY), since the planner would pick the one by day.
CREATE INDEX idx_idle_sessions_completed_by_course ON idle_sessions (user_id, course_id, local_date, total_duration)
    WHERE status = 'completed';
CREATE INDEX idx_idle_sessions_completed_by_activity ON idle_sessions (user_id, activity_id, local_date, total_duration)
    WHERE status = 'completed';

-- Pomodoro cycles: only completed pomodoro sessions, with their work phase's length from
-- session_config (the JSON read once at write time, not for every session at every read:
-- 45 ms), their day, focus seconds, course and activity. The WHERE is the query's own, and
-- the query names the index too.
CREATE INDEX idx_idle_sessions_pomodoro_by_day ON idle_sessions
    (user_id, local_date, json_extract(session_config, '$.pomodoro.work_minutes'), total_duration, course_id, activity_id)
    WHERE status = 'completed' AND json_extract(session_config, '$.pomodoro.work_minutes') > 0;

-- Likes my posts received, per day: each post's likes in time order with who liked (the
-- UNIQUE (post_id, user_id) index has no time, so ten years of 36,500 likes were read
-- from the table one by one: 27 ms for the feed engagement metric).
CREATE INDEX idx_post_likes_post_id_created_at ON post_likes (post_id, created_at, user_id);

-- Comments my posts received, per day: V1's index of comments by post and time gains the
-- author (comments of mine do not count), so the read does not visit 7,300 rows of the
-- table. Same name and leading columns: a post's comments are listed from it as before.
DROP INDEX idx_post_comments_post_id_created_at;
CREATE INDEX idx_post_comments_post_id_created_at ON post_comments (post_id, created_at, author_id);

-- Both reads start from my posts and need each one's id: V1's index of a user's posts by
-- time gains it, so 3,650 posts are not looked up in the table twice per read. Same name
-- and leading columns (the profile page names this index).
DROP INDEX idx_posts_user_id_created_at;
CREATE INDEX idx_posts_user_id_created_at ON posts (user_id, created_at, id);
