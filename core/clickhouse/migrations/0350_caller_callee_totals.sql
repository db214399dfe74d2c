-- Distinct callees of a busy caller over all its weeks with totals (migration 0340), as one state,
-- written by the number-totals task (processors/totals/number-cdr-totals.ts). Distinct counts do not
-- add up over weeks, so a look-up over a busy caller's year merged 52 week states of thousands of
-- callees each, or counted its rows in 52 partitions: at 100M CDRs 20-25 ms, the longest read of a
-- robocaller's profile (bench/scale/README.md). `weeks` are the weeks the state covers and
-- `week_changes` the `changes` of caller_week_history for each when the state was computed, read in
-- the same SELECT as the states: a read uses a row only while every one of its weeks still has those
-- `changes` (core/read-model/caller-callees.ts), and counts the other weeks of its range from rows.
-- A granule per row: a busy caller's state holds ~16 bytes per callee (0.6 MB each at 100M CDRs),
-- and a look-up must deserialise its own only (granules of 64 rows made it 150 ms).
-- Several rows may exist for a caller until merged (the newest computation is kept); any current one
-- is exact.
-- shard_by: cityHash64(caller)
CREATE TABLE IF NOT EXISTS {db}.caller_callee_totals (
  caller String,
  weeks Array(Date),
  week_changes Array(UInt64),
  callees AggregateFunction(uniqExact, String),
  computed_at DateTime('UTC')
) ENGINE = ReplacingMergeTree(computed_at)
ORDER BY caller
SETTINGS index_granularity = 1;
