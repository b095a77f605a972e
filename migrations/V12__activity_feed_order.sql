-- The activity feed (issue 14, seed 000) is read in the seed's order, pinned first, then
-- priority, then newest, and paged by a cursor over that order (not OFFSET): this index
-- gives the order for one user, so the first page of a million rows reads a page of
-- index entries.
CREATE INDEX idx_activity_feed_user_order ON activity_feed (user_id, is_pinned DESC, priority DESC, created_at DESC, id DESC);
