-- A fixture in the shape of the number-first storage: a record table sharded by number, an
-- aggregate fed by a materialized view (idempotent states), an identity index, a view, a back-fill.
-- shard_by: cityHash64(caller)
CREATE TABLE IF NOT EXISTS {db}.calls (
  caller String,
  platform String,
  cdr_id String,
  week_start Date,
  channel String,
  version UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY week_start
ORDER BY (caller, platform, cdr_id);

-- shard_by: cityHash64(number)
CREATE TABLE IF NOT EXISTS {db}.number_weeks (
  number String,
  week Date,
  calls AggregateFunction(uniqExact, String, String),
  first_version AggregateFunction(min, UInt64)
) ENGINE = AggregatingMergeTree
PARTITION BY week
ORDER BY (number, week);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.number_weeks_mv TO {db}.number_weeks AS
SELECT caller AS number, week_start AS week, uniqExactState(platform, cdr_id) AS calls, minState(version) AS first_version
FROM {db}.calls
GROUP BY number, week;

-- shard_by: cityHash64(channel)
CREATE TABLE IF NOT EXISTS {db}.channel_weeks (
  channel String,
  week Date,
  calls AggregateFunction(uniqExact, String, String)
) ENGINE = AggregatingMergeTree
ORDER BY (channel, week);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.channel_weeks_mv TO {db}.channel_weeks AS
SELECT channel, week_start AS week, uniqExactState(platform, cdr_id) AS calls
FROM {db}.calls
GROUP BY channel, week;

-- shard_by: cityHash64(platform, cdr_id)
CREATE TABLE IF NOT EXISTS {db}.call_ids (
  platform String,
  cdr_id String,
  version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (platform, cdr_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.call_ids_mv TO {db}.call_ids AS
SELECT platform, cdr_id, version FROM {db}.calls;

CREATE VIEW IF NOT EXISTS {db}.weekly_calls AS
SELECT number, week, uniqExactMerge(calls) AS calls FROM {db}.number_weeks GROUP BY number, week;
