-- Spike detection's DROP verdict (processors/spikes): a channel or the whole stream well below its
-- baseline, e.g. a reporting tool that broke. Adding a value at the end of an Enum8 changes metadata
-- only (no data is rewritten) and works on ClickHouse 18.16 and 26.x; re-running it is harmless.
-- The `spikes` view selects `kind` by name and needs no change.
ALTER TABLE {db}.spike_verdicts MODIFY COLUMN kind Enum8('SPIKE' = 1, 'LEVEL_SHIFT' = 2, 'DROP' = 3);
