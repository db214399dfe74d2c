-- Back-fill, once, through the Distributed tables; then drop the old table (both of its tables).
INSERT INTO {db}.calls (caller, platform, cdr_id, week_start, channel, version)
SELECT caller, platform, cdr_id, week_start, channel, version FROM {db}.old_calls;

DROP TABLE IF EXISTS {db}.old_calls;
