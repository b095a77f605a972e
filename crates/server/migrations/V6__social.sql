-- The social feed's visibility rules (issue 14, docs/sync.md §9).
--
-- `changes.about`: for a like or a comment (a row living in its post's stream), the
-- post's author, when another account wrote it. A pull leaves out, for a reader the
-- author blocks, what others write about the author's posts after the block, as it
-- leaves out the author's own changes (`changes.author`); else a like on a post the
-- reader never received would reach it without its parent.
ALTER TABLE changes ADD COLUMN about uuid;

-- Who blocks whom, since when (server time), one entry per live `user_blocks` row
-- (the blocker's private row; written in the push transaction that makes it live or
-- deletes it). A pull joins it back to `rows`, so an entry left by a cascade is harmless.
CREATE TABLE blocks (
    row_id  text PRIMARY KEY,
    blocker uuid NOT NULL,
    blocked uuid NOT NULL,
    since   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX blocks_by_blocked ON blocks (blocked);
CREATE INDEX blocks_by_blocker ON blocks (blocker);

INSERT INTO blocks(row_id, blocker, blocked)
SELECT row_id, (columns->>'user_id')::uuid, (columns->>'blocked_user_id')::uuid FROM rows
WHERE table_name = 'user_blocks' AND cl % 2 = 1
  AND columns->>'user_id' ~ '^[0-9a-f-]{36}$' AND columns->>'blocked_user_id' ~ '^[0-9a-f-]{36}$'
ON CONFLICT DO NOTHING;

-- @usernames, one account per confusable skeleton (studydesk_sync::username::skeleton):
-- the primary key is what makes two concurrent pushes of `mika` and `rnika` take one
-- name between them. Written in the push transaction that sets `users.username`: the new
-- skeleton is claimed first (ON CONFLICT ... WHERE the same account), and only then are
-- the account's other skeletons released. Filled from the stored users rows at start
-- (lib.rs `fill_usernames`), since the skeleton is computed in Rust.
CREATE TABLE usernames (
    skeleton text PRIMARY KEY,
    account  uuid NOT NULL,
    name     text NOT NULL
);
CREATE INDEX usernames_by_account ON usernames (account);

-- Pull cursors too long for a query string (pull.rs `Cursor`): an account reads one
-- followers-only stream per author it follows, and past about 30 streams the positions
-- exceed the 4 KiB a cursor may be. They are kept here, immutable, under the SHA-256 of
-- (account, positions), and the cursor names the key. Not cleaned up yet.
CREATE TABLE pull_cursors (
    key        bytea PRIMARY KEY,
    account    uuid NOT NULL,
    positions  jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
