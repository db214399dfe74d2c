-- One caller's weekly CDR figures (profile, number dashboard) merged every hour state of every week
-- from number_cdr_history: 52 × 168 rows of states a year for a busy robocaller. This table holds the
-- same states per caller and week (ordered by the caller, partitioned by year), so the weekly figures
-- and summaries read one row per week; number_cdr_history is still read for the hours (the busiest
-- hour, calls by hour of the week), and then only its calls and answered columns.
-- Idempotent states, view before back-fill, safe to re-run: as migration 0320.
-- Granules of 32 rows: a busy caller's week row holds four sets of thousands of identities, and
-- callers that sort together (a robocaller's block of numbers) would make a 256-row granule tens of
-- MB of states to read for one number (bench/scale: 0.38 s at 256 rows, 0.04 s at 32, for the
-- busiest robocaller at 100M; ClickHouse 19.x+ also caps granules by bytes, 18.16 cannot).

-- shard_by: cityHash64(caller)
CREATE TABLE IF NOT EXISTS {db}.number_cdr_week_history (
  week_start Date,
  caller String,
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

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.number_cdr_week_history_mv TO {db}.number_cdr_week_history AS
SELECT week_start, caller,
  uniqExactState(platform, cdr_id) AS calls,
  uniqExactIfState(platform, cdr_id, is_answered) AS answered_calls,
  uniqExactIfState(platform, cdr_id, is_short) AS short_calls,
  uniqExactState(callee) AS callees,
  minState(setup_time) AS first_call,
  maxState(setup_time) AS last_call
FROM {db}.cdr_records
GROUP BY week_start, caller;

INSERT INTO {db}.number_cdr_week_history
SELECT week_start, caller, calls, answered_calls, short_calls, callees, first_call, last_call
FROM {db}.number_cdr_weeks;
