-- Aggregates shaped for their readers (bench/scale/PROPOSALS.md, processors/README.md "Tables").
--
-- One number's look-ups (the investigator profile, the number dashboard, prefix search) read every
-- week of history. In tables partitioned by week that costs at least one granule per week partition
-- and part, whatever the number's own volume: 52+ granules a year per column. The *_history tables
-- hold the same idempotent states ordered by the number and then the week, partitioned by year, so a
-- number's whole year is a few consecutive granules.
--
-- A week's lists (top numbers, new numbers) rank every number of one week: they read tables
-- partitioned by week and ordered by the number, with one row per number and week (no hour, no
-- facet), or, for new numbers, the first week each number was reported.
--
-- Every state is idempotent under re-delivery (uniqExact over record identities, min, max), as in
-- migration 0300, so copies written twice add nothing. Each view is created before its back-fill:
-- records the processors write meanwhile reach the new table through the view and again through the
-- back-fill, which the states absorb. Re-running this migration is safe for the same reason.
-- Back-fills copy states from the 0300 aggregates where the grouping allows (AggregatingMergeTree
-- merges rows with one key later), and otherwise make one state per record row with arrayReduce, so
-- no back-fill needs a GROUP BY over the whole history in memory.

-- Per caller, week of setup and hour of the week, for one caller's look-ups.
-- shard_by: cityHash64(caller)
CREATE TABLE IF NOT EXISTS {db}.number_cdr_history (
  week_start Date,
  caller String,
  hour_of_week UInt8,
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

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.number_cdr_history_mv TO {db}.number_cdr_history AS
SELECT week_start, caller, hour_of_week,
  uniqExactState(platform, cdr_id) AS calls,
  uniqExactIfState(platform, cdr_id, is_answered) AS answered_calls,
  uniqExactIfState(platform, cdr_id, is_short) AS short_calls,
  uniqExactState(callee) AS callees,
  minState(setup_time) AS first_call,
  maxState(setup_time) AS last_call
FROM {db}.cdr_records
GROUP BY week_start, caller, hour_of_week;

INSERT INTO {db}.number_cdr_history
SELECT week_start, caller, hour_of_week, calls, answered_calls, short_calls, callees, first_call, last_call
FROM {db}.number_cdr_hours;

-- Per caller and week of setup, for a week's lists (one row per caller in the week's partition).
-- shard_by: cityHash64(caller)
CREATE TABLE IF NOT EXISTS {db}.number_cdr_weeks (
  week_start Date,
  caller String,
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

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.number_cdr_weeks_mv TO {db}.number_cdr_weeks AS
SELECT week_start, caller,
  uniqExactState(platform, cdr_id) AS calls,
  uniqExactIfState(platform, cdr_id, is_answered) AS answered_calls,
  uniqExactIfState(platform, cdr_id, is_short) AS short_calls,
  uniqExactState(callee) AS callees,
  minState(setup_time) AS first_call,
  maxState(setup_time) AS last_call
FROM {db}.cdr_records
GROUP BY week_start, caller;

-- The hour states of one caller and week become rows of one key, merged in the background.
INSERT INTO {db}.number_cdr_weeks
SELECT week_start, caller, calls, answered_calls, short_calls, callees, first_call, last_call
FROM {db}.number_cdr_hours;

-- Per reported number, week of the call, reporting channel, call type and subject, for one number's
-- look-ups: its weekly series, summary and breakdowns (distinct counts merge across the facets).
-- shard_by: cityHash64(number)
CREATE TABLE IF NOT EXISTS {db}.number_report_history (
  call_week Date,
  number String,
  channel String,
  call_type String,
  subject String,
  reports AggregateFunction(uniqExact, String),
  reporters AggregateFunction(uniqExact, String),
  reported_calls AggregateFunction(uniqExact, String, UInt16),
  first_call AggregateFunction(min, DateTime('UTC')),
  last_call AggregateFunction(max, DateTime('UTC'))
) ENGINE = AggregatingMergeTree
PARTITION BY toYear(call_week)
ORDER BY (number, call_week, channel, call_type, subject)
SETTINGS index_granularity = 256;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.number_report_history_mv TO {db}.number_report_history AS
SELECT call_week, number, channel, call_type, subject,
  uniqExactState(report_id) AS reports,
  uniqExactState(reporter_id) AS reporters,
  uniqExactState(report_id, call_index) AS reported_calls,
  minState(call_time) AS first_call,
  maxState(call_time) AS last_call
FROM {db}.report_call_records
GROUP BY call_week, number, channel, call_type, subject;

INSERT INTO {db}.number_report_history
SELECT call_week, number, channel, call_type, subject,
  arrayReduce('uniqExactState', [report_id]) AS reports,
  arrayReduce('uniqExactState', [reporter_id]) AS reporters,
  arrayReduce('uniqExactState', [report_id], [call_index]) AS reported_calls,
  arrayReduce('minState', [call_time]) AS first_call,
  arrayReduce('maxState', [call_time]) AS last_call
FROM {db}.report_call_records;

-- The first week in which each number (not the WITHHELD / INVALID buckets) was reported for a call:
-- a week's new numbers are those whose first week it is. A late record for an earlier week moves
-- the first week back, as it should.
-- shard_by: cityHash64(number)
CREATE TABLE IF NOT EXISTS {db}.number_first_report (
  number String,
  first_week AggregateFunction(min, Date)
) ENGINE = AggregatingMergeTree
ORDER BY number
SETTINGS index_granularity = 1024;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.number_first_report_mv TO {db}.number_first_report AS
SELECT number, minState(call_week) AS first_week
FROM {db}.report_call_records
WHERE number NOT IN ('WITHHELD', 'INVALID')
GROUP BY number;

INSERT INTO {db}.number_first_report
SELECT number, arrayReduce('minState', [call_week]) AS first_week
FROM {db}.number_report_weeks
WHERE number NOT IN ('WITHHELD', 'INVALID');
