-- The social core (issue 14): who may see a post, who may follow, whom a user blocks or mutes.
--
-- users.follow_policy: 'open' (anyone may follow) or 'approve' (a follow is a request the
-- user accepts or declines). A public column: a follower's device must know whether its
-- follow is effective.
ALTER TABLE users ADD COLUMN follow_policy TEXT NOT NULL DEFAULT 'open'
    CHECK (follow_policy IN ('open', 'approve'));

-- posts.visibility: 'public' (every account), 'followers' (the author's effective
-- followers), 'only_me' (the author's devices). Chosen when posting and fixed: it decides
-- the sync stream the post, its media, tags, likes and comments live in (docs/sync.md §2).
ALTER TABLE posts ADD COLUMN visibility TEXT NOT NULL DEFAULT 'public'
    CHECK (visibility IN ('public', 'followers', 'only_me'));
-- The feed walks every post newest first and keeps the ones of followed users; the
-- author's own list and the profile page use idx_posts_user_id_created_at.
CREATE INDEX idx_posts_created_at_id ON posts (created_at DESC, id DESC);

-- A follows row is the follower's: a follow of an 'open' profile, or a request to an
-- 'approve' one. The followee answers a request with a follow_decisions row of their own
-- (id derived from (followee_id, follower_id): one answer per pair, the latest wins).
-- A follow is effective when the followee's policy is 'open' or the answer is 'accepted';
-- a 'declined' answer older than the follows row (a new request) no longer counts.
-- Switching to 'approve' writes 'accepted' answers for the followers of that moment.
CREATE TABLE follow_decisions (
    id          TEXT PRIMARY KEY,
    followee_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    follower_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    decision    TEXT NOT NULL CHECK (decision IN ('accepted', 'declined')),
    decided_at  TEXT NOT NULL,
    UNIQUE (followee_id, follower_id),
    CHECK (followee_id <> follower_id)
);
CREATE INDEX idx_follow_decisions_follower_id ON follow_decisions (follower_id);

-- Blocks and mutes are the user's own (private) rows. A block ends both follows between
-- the two and the server then sends the blocked account nothing new of the blocker's; a
-- mute only hides the muted account's posts from the user's feed.
CREATE TABLE user_blocks (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    blocked_user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (user_id, blocked_user_id),
    CHECK (user_id <> blocked_user_id)
);

CREATE TABLE user_mutes (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    muted_user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (user_id, muted_user_id),
    CHECK (user_id <> muted_user_id)
);

-- Every activity item delivered sweeps the user's expired items: by this index, not by a
-- walk over every item of the user (which made receiving many posts quadratic).
CREATE INDEX idx_activity_feed_user_id_expires_at ON activity_feed (user_id, expires_at) WHERE expires_at IS NOT NULL;

-- Follower lists and counters read follows by followee (idx_follows_followee_id) and by
-- follower (the UNIQUE index); comments by post in order (V1); likes by post (UNIQUE).
