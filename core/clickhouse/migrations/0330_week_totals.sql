-- Weekly totals computed once per change, not on every read (processors/README.md, "Week totals").
--
-- The per-channel and overall series and the contact-centre KPIs are distinct counts over a whole
-- week's records: their states hold every record identity of the week, so merging them costs as much
-- as the week's volume, on every dashboard refresh and spike evaluation. Here each state row also
-- counts the record rows inserted into it (`changes`, a sum state in the same row, so the count and
-- the states are in the same part and any one read sees both or neither). The processors' week-totals
-- task writes each (week, key)'s finished figures with the `changes` they were computed from; a read
-- uses those figures where `changes` still match and merges the states only for the rest (the open
-- week, a week a late record reached). Any insert, even of a copy already stored, changes `changes`,
-- so a stale total is never served; the states stay the exact truth.
--
-- The tables replace channel_weeks and queue_contact_weeks (same states, plus `changes`, and one row
-- per granule: a read then deserializes only the states of the weeks it needs).

-- Per reporting channel and week of the reported call.
-- shard_by: cityHash64(channel)
CREATE TABLE IF NOT EXISTS {db}.channel_week_states (
  call_week Date,
  channel String,
  changes AggregateFunction(sum, UInt64),
  reports AggregateFunction(uniqExact, String),
  numbers AggregateFunction(uniqExactIf, String, UInt8),
  reported_calls AggregateFunction(uniqExact, String, UInt16)
) ENGINE = AggregatingMergeTree
PARTITION BY toYear(call_week)
ORDER BY (call_week, channel)
SETTINGS index_granularity = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.channel_week_states_mv TO {db}.channel_week_states AS
SELECT call_week, channel,
  sumState(toUInt64(1)) AS changes,
  uniqExactState(report_id) AS reports,
  uniqExactIfState(number, toUInt8(number NOT IN ('WITHHELD', 'INVALID'))) AS numbers,
  uniqExactState(report_id, call_index) AS reported_calls
FROM {db}.report_call_records
GROUP BY call_week, channel;

INSERT INTO {db}.channel_week_states
SELECT call_week, channel, arrayReduce('sumState', [toUInt64(1)]) AS changes, reports, numbers, reported_calls
FROM {db}.channel_weeks;

-- Contact-centre contacts per CDR channel, queue and week of setup (core/kpi/definitions.ts).
-- shard_by: cityHash64(channel, queue)
CREATE TABLE IF NOT EXISTS {db}.queue_week_states (
  week_start Date,
  channel String,
  queue String,
  changes AggregateFunction(sum, UInt64),
  contacts AggregateFunction(groupUniqArray, Tuple(String, String, UInt8, UInt64, UInt64))
) ENGINE = AggregatingMergeTree
PARTITION BY toYear(week_start)
ORDER BY (week_start, channel, queue)
SETTINGS index_granularity = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.queue_week_states_mv TO {db}.queue_week_states AS
SELECT week_start, channel, queue,
  sumState(toUInt64(1)) AS changes,
  groupUniqArrayState(tuple(platform, cdr_id, is_answered, wait_ms, billable_ms)) AS contacts
FROM {db}.cdr_records
WHERE queue != ''
GROUP BY week_start, channel, queue;

INSERT INTO {db}.queue_week_states
SELECT week_start, channel, queue, arrayReduce('sumState', [toUInt64(1)]) AS changes, contacts
FROM {db}.queue_contact_weeks;

-- Finished figures per channel and week, with the `changes` of the states they were computed from.
-- Several rows may exist for one key (one per computation); any row whose `changes` equals the
-- states' current one is exact.
-- shard_by: cityHash64(channel)
CREATE TABLE IF NOT EXISTS {db}.channel_week_totals (
  call_week Date,
  channel String,
  changes UInt64,
  reports UInt64,
  numbers UInt64,
  reported_calls UInt64,
  computed_at DateTime('UTC')
) ENGINE = ReplacingMergeTree(computed_at)
PARTITION BY toYear(call_week)
ORDER BY (call_week, channel, changes);

-- All channels together (a report or number in two channels counts once); `changes` is the sum over
-- the week's channels.
-- shard_by: cityHash64(call_week)
CREATE TABLE IF NOT EXISTS {db}.overall_week_totals (
  call_week Date,
  changes UInt64,
  reports UInt64,
  numbers UInt64,
  reported_calls UInt64,
  computed_at DateTime('UTC')
) ENGINE = ReplacingMergeTree(computed_at)
PARTITION BY toYear(call_week)
ORDER BY (call_week, changes);

-- The contact-centre KPIs' sums per channel, queue and week, for one service-level threshold.
-- shard_by: cityHash64(channel, queue)
CREATE TABLE IF NOT EXISTS {db}.queue_week_totals (
  week_start Date,
  channel String,
  queue String,
  service_level_ms UInt64,
  changes UInt64,
  offered UInt64,
  answered UInt64,
  abandoned UInt64,
  answered_wait_ms UInt64,
  handle_ms UInt64,
  answered_within_sl UInt64,
  longest_wait_ms UInt64,
  computed_at DateTime('UTC')
) ENGINE = ReplacingMergeTree(computed_at)
PARTITION BY toYear(week_start)
ORDER BY (week_start, channel, queue, service_level_ms, changes);
