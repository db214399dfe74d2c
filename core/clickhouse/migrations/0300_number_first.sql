-- Storage that serves a number and a week directly (processors/README.md, "Tables").
--
-- Record tables lead with the number and are partitioned by the week of the event, so one number's
-- history reads a few granules per week and a week's lists read one partition. Every copy of a
-- record lands in the same partition and sort position (both derive from the record's own number and
-- event time), and records are immutable: the processors refuse a copy whose content differs from
-- the stored one (processors/sinks/conflicts.ts), so copies are identical and ReplacingMergeTree
-- only has to drop repeats.
--
-- Weekly aggregates are kept as records arrive: materialized views turn every insert into
-- AggregatingMergeTree states that are idempotent under re-delivery (uniqExact over record
-- identities, min, max, a set of contacts), so a replayed batch, a re-pushed duplicate or a copy
-- written twice after a SIGKILL adds nothing. They are read with -Merge and GROUP BY, never FINAL.
--
-- Identity indexes (one row per record identity, ordered by it) let the processors find whether an
-- incoming record is already stored, and where.
--
-- `-- shard_by:` lines name each table's sharding key in cluster mode (core/clickhouse/migrate.ts):
-- record tables and number aggregates by the number, so every copy of a record and every state of a
-- number live on one shard.

-- shard_by: cityHash64(caller)
CREATE TABLE IF NOT EXISTS {db}.cdr_records (
  platform String,
  cdr_id String,
  setup_time DateTime('UTC'),
  answer_time Nullable(DateTime('UTC')),
  end_time DateTime('UTC'),
  week_start Date,
  hour_of_week UInt8,
  caller String,
  caller_raw String,
  callee String,
  callee_raw String,
  direction String,
  disposition String,
  is_answered UInt8,
  is_short UInt8,
  duration_ms UInt64,
  billable_ms UInt64,
  queue String,
  queue_wait_ms Nullable(UInt64),
  wait_ms UInt64,
  agent String,
  channel String,
  hangup_cause Nullable(Int32),
  received_at DateTime('UTC'),
  version UInt64,
  kafka_partition UInt16,
  kafka_offset UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY week_start
ORDER BY (caller, platform, cdr_id)
SETTINGS index_granularity = 1024;

-- shard_by: cityHash64(number)
CREATE TABLE IF NOT EXISTS {db}.report_call_records (
  report_id String,
  call_index UInt16,
  call_count UInt16,
  submitted_at DateTime('UTC'),
  report_week Date,
  channel String,
  reporter_id String,
  reporter_number String,
  number String,
  number_raw String,
  call_time DateTime('UTC'),
  call_week Date,
  call_hour_of_week UInt8,
  call_type String,
  organisation String,
  subject String,
  description String,
  received_at DateTime('UTC'),
  version UInt64,
  kafka_partition UInt16,
  kafka_offset UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY call_week
ORDER BY (number, report_id, call_index)
SETTINGS index_granularity = 1024;

-- Where each stored record is: the processors look identities up here before writing.
-- shard_by: cityHash64(caller)
CREATE TABLE IF NOT EXISTS {db}.cdr_identities (
  platform String,
  cdr_id String,
  caller String,
  week_start Date,
  version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (platform, cdr_id)
SETTINGS index_granularity = 1024;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.cdr_identities_mv TO {db}.cdr_identities AS
SELECT platform, cdr_id, caller, week_start, version
FROM {db}.cdr_records;

-- shard_by: cityHash64(number)
CREATE TABLE IF NOT EXISTS {db}.report_identities (
  report_id String,
  call_index UInt16,
  number String,
  call_week Date,
  version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (report_id, call_index)
SETTINGS index_granularity = 1024;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.report_identities_mv TO {db}.report_identities AS
SELECT report_id, call_index, number, call_week, version
FROM {db}.report_call_records;

-- Per number, reporting channel and week of the reported call.
-- shard_by: cityHash64(number)
CREATE TABLE IF NOT EXISTS {db}.number_report_weeks (
  call_week Date,
  number String,
  channel String,
  reports AggregateFunction(uniqExact, String),
  reporters AggregateFunction(uniqExact, String),
  reported_calls AggregateFunction(uniqExact, String, UInt16),
  first_call AggregateFunction(min, DateTime('UTC')),
  last_call AggregateFunction(max, DateTime('UTC'))
) ENGINE = AggregatingMergeTree
PARTITION BY call_week
ORDER BY (number, channel)
SETTINGS index_granularity = 256;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.number_report_weeks_mv TO {db}.number_report_weeks AS
SELECT call_week, number, channel,
  uniqExactState(report_id) AS reports,
  uniqExactState(reporter_id) AS reporters,
  uniqExactState(report_id, call_index) AS reported_calls,
  minState(call_time) AS first_call,
  maxState(call_time) AS last_call
FROM {db}.report_call_records
GROUP BY call_week, number, channel;

-- Per caller, week of setup and hour of the week.
-- shard_by: cityHash64(caller)
CREATE TABLE IF NOT EXISTS {db}.number_cdr_hours (
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
PARTITION BY week_start
ORDER BY (caller, hour_of_week)
SETTINGS index_granularity = 256;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.number_cdr_hours_mv TO {db}.number_cdr_hours AS
SELECT week_start, caller, hour_of_week,
  uniqExactState(platform, cdr_id) AS calls,
  uniqExactIfState(platform, cdr_id, is_answered) AS answered_calls,
  uniqExactIfState(platform, cdr_id, is_short) AS short_calls,
  uniqExactState(callee) AS callees,
  minState(setup_time) AS first_call,
  maxState(setup_time) AS last_call
FROM {db}.cdr_records
GROUP BY week_start, caller, hour_of_week;

-- Per reporting channel and week of the reported call; the overall series merges the channels.
-- shard_by: cityHash64(channel)
CREATE TABLE IF NOT EXISTS {db}.channel_weeks (
  call_week Date,
  channel String,
  reports AggregateFunction(uniqExact, String),
  numbers AggregateFunction(uniqExactIf, String, UInt8),
  reported_calls AggregateFunction(uniqExact, String, UInt16)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(call_week)
ORDER BY (call_week, channel);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.channel_weeks_mv TO {db}.channel_weeks AS
SELECT call_week, channel,
  uniqExactState(report_id) AS reports,
  uniqExactIfState(number, toUInt8(number NOT IN ('WITHHELD', 'INVALID'))) AS numbers,
  uniqExactState(report_id, call_index) AS reported_calls
FROM {db}.report_call_records
GROUP BY call_week, channel;

-- Contact-centre contacts per CDR channel, queue and week of setup (processors/kpi/definitions.ts):
-- the set of offered contacts with what the KPIs need, so any service-level threshold applies at
-- read time and a contact stored twice is still one element.
-- shard_by: cityHash64(channel, queue)
CREATE TABLE IF NOT EXISTS {db}.queue_contact_weeks (
  week_start Date,
  channel String,
  queue String,
  contacts AggregateFunction(groupUniqArray, Tuple(String, String, UInt8, UInt64, UInt64))
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(week_start)
ORDER BY (week_start, channel, queue);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.queue_contact_weeks_mv TO {db}.queue_contact_weeks AS
SELECT week_start, channel, queue,
  groupUniqArrayState(tuple(platform, cdr_id, is_answered, wait_ms, billable_ms)) AS contacts
FROM {db}.cdr_records
WHERE queue != ''
GROUP BY week_start, channel, queue;

-- Back-fill from the tables of migration 0001 (an existing installation keeps its data). The views
-- above fill the aggregates and indexes from these inserts. Re-running this migration after a
-- failure is safe: repeated rows are merged away and the aggregate states are idempotent.
-- is_short uses the default short-call threshold (6 s) of processors.shortCallSeconds.
INSERT INTO {db}.cdr_records
SELECT platform, cdr_id, setup_time, answer_time, end_time, week_start, hour_of_week, caller, caller_raw,
  callee, callee_raw, direction, disposition, is_answered, toUInt8(billable_ms < 6000) AS is_short,
  duration_ms, billable_ms, queue, queue_wait_ms, wait_ms, agent, channel, hangup_cause, received_at,
  version, kafka_partition, kafka_offset
FROM {db}.cdrs FINAL;

INSERT INTO {db}.report_call_records
SELECT report_id, call_index, call_count, submitted_at, report_week, channel, reporter_id, reporter_number,
  number, number_raw, call_time, call_week, call_hour_of_week, call_type, organisation, subject,
  description, received_at, version, kafka_partition, kafka_offset
FROM {db}.report_calls FINAL;
