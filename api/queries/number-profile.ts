import type { Clickhouse } from '../../core/clickhouse/client.ts';
import { ident, sql } from '../../core/clickhouse/escape.ts';
import { weekRangeSql, type WeekRange } from './filters.ts';

// A number's evidence over a range of weeks, for the figures the weekly aggregates
// (processors/aggregates/weekly.ts) do not give: distinct counts over the whole range (a reporter
// who reported in two weeks counts once), first/last seen, and breakdowns of the reports.

export interface ReportSummary {
  reports: number;
  reporters: number;
  reported_calls: number;
  channels: number;
  /** UTC 'YYYY-MM-DD hh:mm:ss' of the earliest / latest reported call; meaningless when reports = 0. */
  first_seen: string;
  last_seen: string;
}

export function reportSummarySql(db: string, number: string, range: WeekRange): string {
  return sql`SELECT uniqExact(report_id) AS reports, uniqExact(reporter_id) AS reporters, count() AS reported_calls,
  uniqExact(channel) AS channels, toString(min(call_time)) AS first_seen, toString(max(call_time)) AS last_seen
FROM ${ident(db)}.report_calls FINAL
WHERE number = ${number} AND ${weekRangeSql('call_week', range)}`;
}

export interface CdrSummary {
  calls: number;
  callees: number;
  answered_calls: number;
  /** UTC setup time of the earliest / latest CDR with this caller; meaningless when calls = 0. */
  first_seen: string;
  last_seen: string;
}

export function cdrSummarySql(db: string, number: string, range: WeekRange): string {
  return sql`SELECT count() AS calls, uniqExact(callee) AS callees, sum(is_answered) AS answered_calls,
  toString(min(setup_time)) AS first_seen, toString(max(setup_time)) AS last_seen
FROM ${ident(db)}.cdrs FINAL
WHERE caller = ${number} AND ${weekRangeSql('week_start', range)}`;
}

export const BREAKDOWNS = ['call_type', 'subject', 'channel'] as const;
export type BreakdownDimension = (typeof BREAKDOWNS)[number];

export interface BreakdownRow {
  value: string;
  reports: number;
  reported_calls: number;
}

export function breakdownSql(db: string, dimension: BreakdownDimension, number: string, range: WeekRange): string {
  return sql`SELECT ${ident(dimension)} AS value, uniqExact(report_id) AS reports, count() AS reported_calls
FROM ${ident(db)}.report_calls FINAL
WHERE number = ${number} AND ${weekRangeSql('call_week', range)}
GROUP BY ${ident(dimension)}
ORDER BY reported_calls DESC, value`;
}

export async function reportSummary(ch: Clickhouse, number: string, range: WeekRange): Promise<ReportSummary | undefined> {
  const rows = await ch.query<ReportSummary>(reportSummarySql(ch.database, number, range));
  return rows[0];
}

export async function cdrSummary(ch: Clickhouse, number: string, range: WeekRange): Promise<CdrSummary | undefined> {
  const rows = await ch.query<CdrSummary>(cdrSummarySql(ch.database, number, range));
  return rows[0];
}

export function breakdown(ch: Clickhouse, dimension: BreakdownDimension, number: string, range: WeekRange): Promise<BreakdownRow[]> {
  return ch.query<BreakdownRow>(breakdownSql(ch.database, dimension, number, range));
}
