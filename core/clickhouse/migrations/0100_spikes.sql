-- Spike detection's verdicts (processors/spikes): one live row per (week, scope, key). Re-evaluating
-- a week writes that week's verdicts again with a higher version, and a verdict that no longer holds
-- gets a row with retracted = 1, so ReplacingMergeTree(version) + FINAL always gives the latest
-- judgement. Read through the `spikes` view, which hides retracted rows.
CREATE TABLE IF NOT EXISTS {db}.spike_verdicts (
  week Date,
  scope Enum8('overall' = 1, 'channel' = 2, 'number' = 3),
  key String,
  kind Enum8('SPIKE' = 1, 'LEVEL_SHIFT' = 2),
  observed UInt64,
  expected Float64,
  upper Float64,
  score Float64,
  retracted UInt8,
  evaluated_at DateTime('UTC'),
  version UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(week)
ORDER BY (week, scope, key);

CREATE VIEW IF NOT EXISTS {db}.spikes AS
SELECT week, scope, key, kind, observed, expected, upper, score, evaluated_at
FROM {db}.spike_verdicts FINAL
WHERE retracted = 0;
