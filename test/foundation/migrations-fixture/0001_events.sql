-- A fixture for the migrations runner test: two tables, a view, on both engines.
CREATE TABLE IF NOT EXISTS {db}.events (
  id String,
  at DateTime('UTC'),
  n UInt32
) ENGINE = ReplacingMergeTree ORDER BY id;

CREATE TABLE IF NOT EXISTS {db}.totals (
  day Date,
  n UInt64
) ENGINE = SummingMergeTree ORDER BY day;
