-- Who may download a blob besides its uploader (issue 14, docs/sync.md §16.2): the rows
-- that refer to a file by `attachment:<sha256>.<ext>` (studydesk_sync::media): a post's
-- media (`post_media.url`) and a profile's pictures (`users.avatar_url`,
-- `users.banner_image_url`). One entry per (hash, row); kept by the push path (batch.rs)
-- with `row_refs`, for the rows it writes. Every read joins back to `rows` and checks the
-- row is alive and still names the hash, so an entry left by a cascade or an older value
-- is harmless.
CREATE TABLE blob_refs (
    content_hash text NOT NULL,
    table_name   text NOT NULL,
    row_id       text NOT NULL,
    PRIMARY KEY (content_hash, table_name, row_id)
);

INSERT INTO blob_refs(content_hash, table_name, row_id)
SELECT DISTINCT substring(v FROM 12 FOR 64), table_name, row_id
FROM (
    SELECT table_name, row_id, columns->>'url' AS v FROM rows WHERE table_name = 'post_media' AND cl % 2 = 1
    UNION ALL SELECT table_name, row_id, columns->>'avatar_url' FROM rows WHERE table_name = 'users' AND cl % 2 = 1
    UNION ALL SELECT table_name, row_id, columns->>'banner_image_url' FROM rows WHERE table_name = 'users' AND cl % 2 = 1
) r
WHERE v ~ '^attachment:[0-9a-f]{64}\.[a-z0-9]+$'
ON CONFLICT DO NOTHING;
