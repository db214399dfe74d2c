-- Finished weekly figures for busy callers, read only while their states are unchanged (processors/README.md,
-- "Number totals"). A robocaller's week holds thousands of call identities in each of four states, and
-- its profile, its weekly series and a week's top numbers merged them all on every read (bench/scale:
-- 0.3–0.6 s for the busiest at 100M). The week-totals mechanism of migration 0330, per caller and week.
--
-- The caller tables of 0320/0322 are made again with `changes` (CDR rows inserted, a sum state in the
-- same row as the states, as in channel_week_states): caller_weeks (was number_cdr_weeks),
-- caller_week_history (was number_cdr_week_history) and caller_hour_history (was number_cdr_history).
-- New tables, not ALTER … ADD COLUMN: ClickHouse 18.16 runs an ALTER … ON CLUSTER of a replicated
-- table on both replicas of a shard when they were created moments before (the second fails, "column
-- already exists", and the DDL task never finishes), and it has no ADD COLUMN IF NOT EXISTS for a
-- re-run. Migration 0341 drops the old tables.
--
-- * caller_weeks' `changes` is at least the distinct calls (every call is a row, copies add rows), so
--   the task finds a week's busy callers without merging their states; its back-fill sets each copied
--   row's `changes` to that row's distinct calls.
-- * cdr_week_changes counts the rows per week of setup, so the task rescans only weeks that changed.
-- * The task (processors/totals/number-cdr-totals.ts) writes a (caller, week)'s finished figures with
--   the `changes` of caller_week_history and of caller_hour_history they were computed from, and the
--   read model takes them only while both still match; every other (caller, week) is merged from its
--   states. Exact whether or not the task has run. The history tables' copied rows get `changes` 0, a
--   version like any other, raised by the next row.
--
-- As 0320: idempotent states, each view created before its back-fill (a record written meanwhile
-- reaches the new table through the view and perhaps also through the copy: idempotent states absorb
-- it, and `changes` only counts higher), safe to re-run.

-- shard_by: cityHash64(caller)
CREATE TABLE IF NOT EXISTS {db}.caller_weeks (
  week_start Date,
  caller String,
  changes AggregateFunction(sum, UInt64),
  calls AggregateFunction(uniqExact, String, String),
  answered_calls AggregateFunction(uniqExactIf, String, String, UInt8),
  short_calls AggregateFunction(uniqExactIf, String, String, UInt8),
  callees AggregateFunction(uniqExact, String),
  first_call AggregateFunction(min, DateTime('UTC')),
  last_call AggregateFunction(max, DateTime('UTC'))
) ENGINE = AggregatingMergeTree
PARTITION BY week_start
ORDER BY caller
SETTINGS index_granularity = 256;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.caller_weeks_mv TO {db}.caller_weeks AS
SELECT week_start, caller,
  sumState(toUInt64(1)) AS changes,
  uniqExactState(platform, cdr_id) AS calls,
  uniqExactIfState(platform, cdr_id, is_answered) AS answered_calls,
  uniqExactIfState(platform, cdr_id, is_short) AS short_calls,
  uniqExactState(callee) AS callees,
  minState(setup_time) AS first_call,
  maxState(setup_time) AS last_call
FROM {db}.cdr_records
GROUP BY week_start, caller;

INSERT INTO {db}.caller_weeks
SELECT week_start, caller, arrayReduce('sumState', [toUInt64(finalizeAggregation(calls))]), calls, answered_calls, short_calls, callees, first_call, last_call
FROM {db}.number_cdr_weeks;

-- Granules of 32 rows: a busy caller's week row holds four sets of thousands of identities (0322).
-- shard_by: cityHash64(caller)
CREATE TABLE IF NOT EXISTS {db}.caller_week_history (
  week_start Date,
  caller String,
  changes AggregateFunction(sum, UInt64),
  calls AggregateFunction(uniqExact, String, String),
  answered_calls AggregateFunction(uniqExactIf, String, String, UInt8),
  short_calls AggregateFunction(uniqExactIf, String, String, UInt8),
  callees AggregateFunction(uniqExact, String),
  first_call AggregateFunction(min, DateTime('UTC')),
  last_call AggregateFunction(max, DateTime('UTC'))
) ENGINE = AggregatingMergeTree
PARTITION BY toYear(week_start)
ORDER BY (caller, week_start)
SETTINGS index_granularity = 32;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.caller_week_history_mv TO {db}.caller_week_history AS
SELECT week_start, caller,
  sumState(toUInt64(1)) AS changes,
  uniqExactState(platform, cdr_id) AS calls,
  uniqExactIfState(platform, cdr_id, is_answered) AS answered_calls,
  uniqExactIfState(platform, cdr_id, is_short) AS short_calls,
  uniqExactState(callee) AS callees,
  minState(setup_time) AS first_call,
  maxState(setup_time) AS last_call
FROM {db}.cdr_records
GROUP BY week_start, caller;

INSERT INTO {db}.caller_week_history
SELECT week_start, caller, arrayReduce('sumState', [toUInt64(0)]), calls, answered_calls, short_calls, callees, first_call, last_call
FROM {db}.number_cdr_week_history;

-- shard_by: cityHash64(caller)
CREATE TABLE IF NOT EXISTS {db}.caller_hour_history (
  week_start Date,
  caller String,
  hour_of_week UInt8,
  changes AggregateFunction(sum, UInt64),
  calls AggregateFunction(uniqExact, String, String),
  answered_calls AggregateFunction(uniqExactIf, String, String, UInt8),
  short_calls AggregateFunction(uniqExactIf, String, String, UInt8),
  callees AggregateFunction(uniqExact, String),
  first_call AggregateFunction(min, DateTime('UTC')),
  last_call AggregateFunction(max, DateTime('UTC'))
) ENGINE = AggregatingMergeTree
PARTITION BY toYear(week_start)
ORDER BY (caller, week_start, hour_of_week)
SETTINGS index_granularity = 256;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.caller_hour_history_mv TO {db}.caller_hour_history AS
SELECT week_start, caller, hour_of_week,
  sumState(toUInt64(1)) AS changes,
  uniqExactState(platform, cdr_id) AS calls,
  uniqExactIfState(platform, cdr_id, is_answered) AS answered_calls,
  uniqExactIfState(platform, cdr_id, is_short) AS short_calls,
  uniqExactState(callee) AS callees,
  minState(setup_time) AS first_call,
  maxState(setup_time) AS last_call
FROM {db}.cdr_records
GROUP BY week_start, caller, hour_of_week;

INSERT INTO {db}.caller_hour_history
SELECT week_start, caller, hour_of_week, arrayReduce('sumState', [toUInt64(0)]), calls, answered_calls, short_calls, callees, first_call, last_call
FROM {db}.number_cdr_history;

-- Record rows per week of setup: which weeks the task must look at again.
-- shard_by: cityHash64(week_start)
CREATE TABLE IF NOT EXISTS {db}.cdr_week_changes (
  week_start Date,
  changes AggregateFunction(sum, UInt64)
) ENGINE = AggregatingMergeTree
PARTITION BY toYear(week_start)
ORDER BY week_start;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.cdr_week_changes_mv TO {db}.cdr_week_changes AS
SELECT week_start, sumState(toUInt64(1)) AS changes
FROM {db}.cdr_records
GROUP BY week_start;

-- Every week already stored, so that the task looks at it once.
INSERT INTO {db}.cdr_week_changes
SELECT week_start, arrayReduce('sumState', [toUInt64(1)])
FROM (SELECT DISTINCT week_start FROM {db}.number_cdr_weeks);

-- Finished figures per caller and week, with the `changes` of caller_week_history (`changes`) and of
-- caller_hour_history (`hour_changes`) they were computed from. Several rows may exist for a key (one
-- per computation); any row whose two `changes` equal the states' current ones is exact.
-- `hours`, `hour_calls` and `hour_answered` list the hours of the week with calls (0 = Monday 00h).
-- Granules of 64 rows: a row holds up to 168 hours (a few kB), and a look-up reads one caller's rows
-- (at 8,192 rows a granule, one caller's look-up read 44 MB of other callers' hours at 100M CDRs).
-- shard_by: cityHash64(caller)
CREATE TABLE IF NOT EXISTS {db}.caller_week_totals (
  week_start Date,
  caller String,
  changes UInt64,
  hour_changes UInt64,
  calls UInt64,
  answered_calls UInt64,
  short_calls UInt64,
  callees UInt64,
  first_call DateTime('UTC'),
  last_call DateTime('UTC'),
  busiest_hour UInt8,
  busiest_hour_calls UInt64,
  hours Array(UInt8),
  hour_calls Array(UInt64),
  hour_answered Array(UInt64),
  computed_at DateTime('UTC')
) ENGINE = ReplacingMergeTree(computed_at)
PARTITION BY toYear(week_start)
ORDER BY (caller, week_start, changes, hour_changes)
SETTINGS index_granularity = 64;

-- The weeks the task has looked at, with cdr_week_changes' `changes` when it did.
-- shard_by: cityHash64(week_start)
CREATE TABLE IF NOT EXISTS {db}.caller_total_scans (
  week_start Date,
  changes UInt64,
  min_calls UInt64,
  scanned_at DateTime('UTC')
) ENGINE = ReplacingMergeTree(scanned_at)
PARTITION BY toYear(week_start)
ORDER BY (week_start, changes, min_calls);
