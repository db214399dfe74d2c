-- The records the stream processors store, each once however often it arrives: a ReplacingMergeTree
-- keyed by the record's identity, with the latest receipt (version = received_at in ms) winning.
-- The tables are not partitioned: every copy of a record is in the one partition, so FINAL (or a
-- merge) always sees them together, and an insert writes one part (a hash partitioning made every
-- batch write eight and cost the server 5-7 times the CPU). Every weekly count is computed from these
-- rows after deduplication (processors/aggregates/), never from counters a replay could double.
CREATE TABLE IF NOT EXISTS {db}.cdrs (
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
ORDER BY (platform, cdr_id);

-- One row per reported call; (report_id, call_index) identifies it. call_week is the week of the call
-- (event time: every weekly series counts by it); report_week the week the report was submitted.
CREATE TABLE IF NOT EXISTS {db}.report_calls (
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
ORDER BY (report_id, call_index);
