-- A table in the old shape, filled by the test before 0003 back-fills it into calls and drops it.
-- shard_by: cityHash64(caller)
CREATE TABLE IF NOT EXISTS {db}.old_calls (
  caller String,
  platform String,
  cdr_id String,
  week_start Date,
  channel String,
  version UInt64
) ENGINE = MergeTree
ORDER BY (platform, cdr_id);
