import { ident, raw, type RawSql } from '../clickhouse/escape.ts';

// The tables and views the read side queries (created by core/clickhouse/migrations/0100, 0300, 0320, 0330, 0340, 0350),
// named once. Record tables are written by the processors; the aggregate tables are filled by
// materialized views on the record tables and hold idempotent states (read with -Merge, never FINAL).
export const TABLES = {
  /** One row per CDR, number-first (caller), partitioned by week of setup. */
  cdrRecords: 'cdr_records',
  /** One row per reported call, number-first, partitioned by week of the call. */
  reportCallRecords: 'report_call_records',
  cdrIdentities: 'cdr_identities',
  reportIdentities: 'report_identities',
  /** Per number, reporting channel and week of the call (partitioned by week: a week's lists): uniqExact states of reports, reporters, calls; min/max call time. */
  numberReportWeeks: 'number_report_weeks',
  /** Per number, week, channel, call type and subject (partitioned by year, number first: one number's look-ups): the states of numberReportWeeks. */
  numberReportHistory: 'number_report_history',
  /** Per number: the first week it was reported for a call (minState; buckets excluded). */
  numberFirstReport: 'number_first_report',
  /** Per caller and week (partitioned by week: a week's lists): `changes` (rows inserted, at least the calls); uniqExact states of calls, answered, short calls, callees; min/max setup. */
  numberCdrWeeks: 'caller_weeks',
  /** Per caller and week (partitioned by year, caller first: one number's look-ups): `changes` and the states of numberCdrWeeks. */
  numberCdrWeekHistory: 'caller_week_history',
  /** Per caller, week and hour of the week (partitioned by year, caller first): `changes` and the states of numberCdrWeeks, per hour (busiest hour, calls by hour). */
  numberCdrHistory: 'caller_hour_history',
  /** Finished figures per caller and week for busy callers, with the `changes` of numberCdrWeekHistory and numberCdrHistory they were computed from (migration 0340). */
  numberCdrWeekTotals: 'caller_week_totals',
  /** Per busy caller: the distinct callees of its weeks with totals, one uniqExact state, with the weeks and their `changes` (migration 0350). */
  callerCalleeTotals: 'caller_callee_totals',
  /** Record rows per week of setup (sum state): which weeks the number-totals task looks at again. */
  cdrWeekChanges: 'cdr_week_changes',
  /** The weeks the number-totals task has looked at, with cdrWeekChanges' `changes` then. */
  numberCdrTotalScans: 'caller_total_scans',
  /** Per reporting channel and week of the call: uniqExact states of reports, numbers, calls, and `changes` (a version that moves with every row: 1 plus the high half of its identity hash, migration 0360). */
  channelWeekStates: 'channel_week_states',
  /** Per CDR channel, queue and week: the set of offered contacts (platform, cdr_id, answered, wait ms, billable ms), and `changes`. */
  queueWeekStates: 'queue_week_states',
  /** Finished figures per (week, channel) / week / (week, channel, queue, service level), each with the `changes` it was computed from. */
  channelWeekTotals: 'channel_week_totals',
  overallWeekTotals: 'overall_week_totals',
  queueWeekTotals: 'queue_week_totals',
  /** Spike detection's verdicts (ReplacingMergeTree) and the view of the live ones. */
  spikeVerdicts: 'spike_verdicts',
  spikes: 'spikes',
} as const;

export type TableKey = keyof typeof TABLES;

/** `db.table`, both identifiers quoted. */
export function tableSql(db: string, key: TableKey): RawSql {
  return raw(`${ident(db).text}.${ident(TABLES[key]).text}`);
}

/** What ingest stores in a number column when there is no number: these are not numbers. */
export const NUMBER_BUCKETS = ['WITHHELD', 'INVALID'] as const;

/** `column` holds a phone number, not one of the buckets. */
export function isNumberSql(column: string): RawSql {
  return raw(`${ident(column).text} NOT IN (${NUMBER_BUCKETS.map((b) => `'${b}'`).join(', ')})`);
}
