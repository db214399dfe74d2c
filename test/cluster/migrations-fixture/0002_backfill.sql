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

INSERT INTO {db}.calls (caller, platform, cdr_id, week_start, channel, version)
SELECT caller, platform, cdr_id, week_start, channel, version FROM {db}.old_calls;

DROP TABLE IF EXISTS {db}.old_calls;
