-- The emoji picker (issue 14, seed 002).
--
-- emojis.sort_order: Unicode's order within a category. The catalog is reference data
-- refreshed in place when a newer Unicode version ships (ids are derived from the code
-- points, so favorites survive); an order column keeps a new emoji in its Unicode place
-- instead of after the others.
ALTER TABLE emojis ADD COLUMN sort_order INTEGER NOT NULL DEFAULT 0;
CREATE INDEX idx_emojis_category_id_sort_order ON emojis (category_id, sort_order);
DROP INDEX idx_emojis_category_id;

-- user_emoji_favorites holds every emoji the user used (usage_count, last_used: the
-- picker's "recently used") and the ones they starred: favorited_at is when they starred
-- it, NULL for an emoji only used.
ALTER TABLE user_emoji_favorites ADD COLUMN favorited_at TEXT;
CREATE INDEX idx_user_emoji_favorites_user_id_last_used ON user_emoji_favorites (user_id, last_used DESC);
