-- `changes` of the four state tables that finished totals are matched on becomes a version that only
-- the same rows can give again: each row adds 1 (the low 32 bits still count the rows) plus the high
-- 32 bits of cityHash64 of its record's identity (the high 32 bits sum those hashes, modulo 2^32).
--
-- Why: a total is read while the `changes` it was computed from equal the states' current ones
-- (migrations 0330, 0340). `changes` only ever grew on one server, but on a ClickHouse 18.16 cluster a
-- part that ZooKeeper never listed (an insert whose commit ended in `Code: 319 Unknown status`) is
-- later detached by the replica that wrote it, and its rows leave the states (processors/README.md,
-- "On a cluster"). A count then falls back and can reach the same value again with rows of other
-- records, and a total computed meanwhile on that replica would be read with figures that miss them.
-- With the hashes, other rows reach the same version only by a 32-bit collision; the same rows again
-- (a replayed copy of what was detached) give the same version and the same figures, so the total
-- is right then.
--
-- Only the views change (the tables, their states and their stored `changes` stay: a version is
-- only ever compared for equality, and sums continue from what is stored). Each new view is created
-- before the old one is dropped: an insert in between adds to `changes` through both, which moves the
-- version as any insert does, and the states are idempotent. caller_weeks and cdr_week_changes keep
-- counting rows: caller_weeks' `changes` is read as an upper bound of calls (lists, the number-totals
-- task), and cdr_week_changes only says which weeks the task looks at again; no total is matched on
-- either.

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.channel_week_states_identity_mv TO {db}.channel_week_states AS
SELECT call_week, channel,
  sumState(toUInt64(1) + bitAnd(cityHash64(report_id, call_index), toUInt64(18446744069414584320))) AS changes,
  uniqExactState(report_id) AS reports,
  uniqExactIfState(number, toUInt8(number NOT IN ('WITHHELD', 'INVALID'))) AS numbers,
  uniqExactState(report_id, call_index) AS reported_calls
FROM {db}.report_call_records
GROUP BY call_week, channel;

DROP TABLE IF EXISTS {db}.channel_week_states_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.queue_week_states_identity_mv TO {db}.queue_week_states AS
SELECT week_start, channel, queue,
  sumState(toUInt64(1) + bitAnd(cityHash64(platform, cdr_id), toUInt64(18446744069414584320))) AS changes,
  groupUniqArrayState(tuple(platform, cdr_id, is_answered, wait_ms, billable_ms)) AS contacts
FROM {db}.cdr_records
WHERE queue != ''
GROUP BY week_start, channel, queue;

DROP TABLE IF EXISTS {db}.queue_week_states_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.caller_week_history_identity_mv TO {db}.caller_week_history AS
SELECT week_start, caller,
  sumState(toUInt64(1) + bitAnd(cityHash64(platform, cdr_id), toUInt64(18446744069414584320))) AS changes,
  uniqExactState(platform, cdr_id) AS calls,
  uniqExactIfState(platform, cdr_id, is_answered) AS answered_calls,
  uniqExactIfState(platform, cdr_id, is_short) AS short_calls,
  uniqExactState(callee) AS callees,
  minState(setup_time) AS first_call,
  maxState(setup_time) AS last_call
FROM {db}.cdr_records
GROUP BY week_start, caller;

DROP TABLE IF EXISTS {db}.caller_week_history_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.caller_hour_history_identity_mv TO {db}.caller_hour_history AS
SELECT week_start, caller, hour_of_week,
  sumState(toUInt64(1) + bitAnd(cityHash64(platform, cdr_id), toUInt64(18446744069414584320))) AS changes,
  uniqExactState(platform, cdr_id) AS calls,
  uniqExactIfState(platform, cdr_id, is_answered) AS answered_calls,
  uniqExactIfState(platform, cdr_id, is_short) AS short_calls,
  uniqExactState(callee) AS callees,
  minState(setup_time) AS first_call,
  maxState(setup_time) AS last_call
FROM {db}.cdr_records
GROUP BY week_start, caller, hour_of_week;

DROP TABLE IF EXISTS {db}.caller_hour_history_mv;
