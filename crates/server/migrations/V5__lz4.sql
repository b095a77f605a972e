-- The large JSON values (a push's stored result, a change's or a row's columns once over
-- about 2 KB) are compressed with lz4 instead of PostgreSQL's default pglz: a batch of
-- 1,000 changes stores a result of about 150 KB, and pglz was among the top costs of the
-- push of 10,000 changes in a profile (docs/benchmarks.md). Only new values are affected.
ALTER TABLE push_batches ALTER COLUMN result SET COMPRESSION lz4;
ALTER TABLE changes ALTER COLUMN columns SET COMPRESSION lz4;
ALTER TABLE rows ALTER COLUMN columns SET COMPRESSION lz4;
