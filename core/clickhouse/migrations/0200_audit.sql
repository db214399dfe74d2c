-- Investigators' look-ups (api/audit.ts): one row per authenticated request to an investigator
-- route, written by the API with the writer user before the answer leaves. Plain MergeTree,
-- append-only: the API has no route that changes it, and the read-only ClickHouse user the API
-- serves reads with cannot INSERT, ALTER or DROP (test/api/audit-reader.test.ts).
-- params: the request's path and query parameters as received (JSON object), so a look-up can be
-- replayed and an injection attempt is on record verbatim.
CREATE TABLE IF NOT EXISTS {db}.audit_log (
  at DateTime('UTC'),
  request_id String,
  key_name String,
  method String,
  route String,
  params String,
  status UInt16,
  result_count UInt32,
  format String
) ENGINE = MergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (at, key_name, request_id);
