-- Finished weekly figures for busy callers, read only while their states are unchanged (processors/README.md,
-- "Number totals"). A robocaller's week holds thousands of call identities in each of four states, and
-- its profile, its weekly series and a week's top numbers merged them all on every read (bench/scale:
-- 0.3–0.6 s for the busiest at 100M). The week-totals mechanism of migration 0330, per caller and week:
--
-- * the caller-first states (number_cdr_week_history, number_cdr_history) count the record rows
--   inserted into them (`changes`, a sum state in the same row as the states), as channel_week_states
--   does, and number_cdr_weeks counts them too, so the task can find a week's busy callers without merging
--   their states (`changes` is at least the distinct calls: every call is a row, copies add rows),
-- * cdr_week_changes counts the rows per week of setup, so the task rescans only weeks that changed,
-- * the task (processors/totals/number-cdr-totals.ts) writes a (caller, week)'s finished figures with
--   the `changes` of both states they came from, and the read model takes them only while both still
--   match; every other (caller, week) is merged from its states as before. Exact whether or not the
--   task has run.
--
-- Re-runnable: ADD COLUMN IF NOT EXISTS (the migration runner checks the column first on 18.16, which
-- lacks the clause), each new view is created before the old one is dropped (while both run, a row's
-- states are written twice, which idempotent states absorb, and its `changes` once), and the back-fill
-- of number_cdr_weeks' `changes` runs after the swap (run twice, it only raises an upper bound).
-- Rows stored before the swap keep `changes` 0 in the caller-first tables: a version like any other,
-- raised by the next row.

ALTER TABLE {db}.number_cdr_week_history ADD COLUMN IF NOT EXISTS changes AggregateFunction(sum, UInt64) AFTER caller;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.number_cdr_week_history_counted_mv TO {db}.number_cdr_week_history AS
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

DROP TABLE IF EXISTS {db}.number_cdr_week_history_mv;

ALTER TABLE {db}.number_cdr_history ADD COLUMN IF NOT EXISTS changes AggregateFunction(sum, UInt64) AFTER hour_of_week;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.number_cdr_history_counted_mv TO {db}.number_cdr_history AS
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

DROP TABLE IF EXISTS {db}.number_cdr_history_mv;

ALTER TABLE {db}.number_cdr_weeks ADD COLUMN IF NOT EXISTS changes AggregateFunction(sum, UInt64) AFTER caller;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.number_cdr_weeks_counted_mv TO {db}.number_cdr_weeks AS
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

DROP TABLE IF EXISTS {db}.number_cdr_weeks_mv;

-- Each stored row's distinct calls, as `changes` beside it: the rows stored before the swap.
INSERT INTO {db}.number_cdr_weeks (week_start, caller, changes)
SELECT week_start, caller, arrayReduce('sumState', [toUInt64(finalizeAggregation(calls))])
FROM {db}.number_cdr_weeks;

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

-- Finished figures per caller and week, with the `changes` of number_cdr_week_history (`changes`) and
-- of number_cdr_history (`hour_changes`) they were computed from. Several rows may exist for a key
-- (one per computation); any row whose two `changes` equal the states' current ones is exact.
-- `hours`, `hour_calls` and `hour_answered` list the hours of the week with calls (0 = Monday 00h).
-- Granules of 64 rows: a row holds up to 168 hours (a few kB), and a look-up reads one caller's rows
-- (at 8,192 rows a granule, one caller's look-up read 44 MB of other callers' hours at 100M CDRs).
-- shard_by: cityHash64(caller)
CREATE TABLE IF NOT EXISTS {db}.number_cdr_week_totals (
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
CREATE TABLE IF NOT EXISTS {db}.number_cdr_total_scans (
  week_start Date,
  changes UInt64,
  min_calls UInt64,
  scanned_at DateTime('UTC')
) ENGINE = ReplacingMergeTree(scanned_at)
PARTITION BY toYear(week_start)
ORDER BY (week_start, changes, min_calls);
