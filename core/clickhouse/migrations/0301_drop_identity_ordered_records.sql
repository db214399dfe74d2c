-- The record tables of migration 0001 (ordered by record identity, unpartitioned) were copied into
-- the number-first tables by migration 0300 and nothing reads or writes them any more.
DROP TABLE IF EXISTS {db}.cdrs;
DROP TABLE IF EXISTS {db}.report_calls;
