-- Custom emoji (issue 14, seed 002): an image with a :shortcode:, made by a user and synced
-- to every account with its file (docs/schema.md, docs/sync.md §16.2).
--
-- emojis holds two kinds of rows. The Unicode catalog: shipped reference data, created_by
-- NULL, installed on each device and never captured for sync. Custom emoji: is_custom = 1,
-- created_by the user who made it, image_url `attachment:<sha256>.<ext>`, shortcode
-- `:name:`; these rows sync (public: every account reads them, only the creator writes
-- them), with the id derived from (created_by, shortcode) so two devices of one user
-- adding :cat_wave: make one row. A shortcode is unique per creator, not across users: a
-- post's :name: is its author's emoji.
ALTER TABLE emojis ADD COLUMN created_by TEXT REFERENCES users (id) ON DELETE CASCADE
    CHECK (created_by IS NULL OR is_custom = 1);
CREATE UNIQUE INDEX idx_emojis_created_by_shortcode ON emojis (created_by, shortcode) WHERE created_by IS NOT NULL;
