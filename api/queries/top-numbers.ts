import type { Clickhouse } from '../../core/clickhouse/client.ts';
import { ident, raw, sql } from '../../core/clickhouse/escape.ts';
import { numberCdrWeeksSql, numberReportWeeksSql } from '../../processors/aggregates/weekly.ts';
import { previousWeek } from '../validation.ts';
import { countSql, limitSql, NOT_A_BUCKET, type Page } from './filters.ts';

// Top numbers of one week, ranked by one figure, with every figure beside it. Built on the weekly
// aggregates' own SQL (per number and week, from deduplicated records), combined with UNION ALL and
// GROUP BY rather than a JOIN (one shape that 18.16 and 26.x both run the same way).

export const TOP_ORDERS = ['reports', 'reporters', 'cdr_calls', 'growth'] as const;
export type TopOrder = (typeof TOP_ORDERS)[number];

export interface TopNumberRow {
  number: string;
  /** From reports of calls in the week. */
  reports: number;
  reporters: number;
  reported_calls: number;
  /** Reports of calls in the week before. */
  previous_reports: number;
  /** reports − previous_reports. */
  growth: number;
  /** From CDRs with this caller, set up in the week. */
  cdr_calls: number;
  callees: number;
  /** NULL when there were no CDR calls. */
  answered_share: number | null;
}

function topBodySql(db: string, week: string, shortCallSeconds: number, order: TopOrder): string {
  const prev = previousWeek(week);
  const reportWeeks = numberReportWeeksSql(db, { fromWeek: prev, toWeek: week });
  const cdrWeeks = numberCdrWeeksSql(db, shortCallSeconds, { fromWeek: week, toWeek: week });
  return sql`SELECT number AS number, sum(r) AS reports, sum(rp) AS reporters, sum(rc) AS reported_calls,
  sum(pr) AS previous_reports, toInt64(reports) - toInt64(previous_reports) AS growth,
  sum(cc) AS cdr_calls, sum(ce) AS callees, sum(ca) AS answered,
  if(cdr_calls > 0, answered / cdr_calls, NULL) AS answered_share
FROM (
  SELECT number AS number, toUInt64(if(week = ${week}, reports, 0)) AS r, toUInt64(if(week = ${week}, reporters, 0)) AS rp,
    toUInt64(if(week = ${week}, reported_calls, 0)) AS rc, toUInt64(if(week = ${prev}, reports, 0)) AS pr,
    toUInt64(0) AS cc, toUInt64(0) AS ce, toUInt64(0) AS ca
  FROM (${raw(reportWeeks)})
  UNION ALL
  SELECT number AS number, toUInt64(0) AS r, toUInt64(0) AS rp, toUInt64(0) AS rc, toUInt64(0) AS pr,
    toUInt64(calls) AS cc, toUInt64(callees) AS ce, toUInt64(answered_calls) AS ca
  FROM (${raw(cdrWeeks)})
)
WHERE number ${raw(NOT_A_BUCKET)}
GROUP BY number
HAVING ${ident(order)} > 0
ORDER BY ${ident(order)} DESC, number`;
}

export interface TopNumbersQuery {
  week: string;
  by: TopOrder;
  shortCallSeconds: number;
}

export async function topNumbers(ch: Clickhouse, q: TopNumbersQuery, page: Page): Promise<TopNumberRow[]> {
  const rows = await ch.query<TopNumberRow & { answered: number }>(`${topBodySql(ch.database, q.week, q.shortCallSeconds, q.by)}\n${limitSql(page).text}`);
  return rows.map(({ answered: _answered, ...r }) => r);
}

export async function countTopNumbers(ch: Clickhouse, q: TopNumbersQuery): Promise<number> {
  const rows = await ch.query<{ total: number }>(countSql(topBodySql(ch.database, q.week, q.shortCallSeconds, q.by)));
  return rows[0]?.total ?? 0;
}

// ---------------------------------------------------------------------------------------------
// New numbers: reported for a call in the week and never for a call in any earlier week.

export interface NewNumberRow {
  number: string;
  reports: number;
  reporters: number;
  reported_calls: number;
}

function newBodySql(db: string, week: string): string {
  // Aliases differ from the inner columns (week_reports, not reports): an alias equal to a column it
  // aggregates would be a cyclic alias.
  return sql`SELECT number AS number, min(week) AS first_week, sumIf(reports, week = ${week}) AS week_reports,
  sumIf(reporters, week = ${week}) AS week_reporters, sumIf(reported_calls, week = ${week}) AS week_reported_calls
FROM (${raw(numberReportWeeksSql(db, { toWeek: week }))})
WHERE number ${raw(NOT_A_BUCKET)}
GROUP BY number
HAVING first_week = ${week}
ORDER BY week_reports DESC, week_reporters DESC, number`;
}

interface RawNewNumberRow {
  number: string;
  first_week: string;
  week_reports: number;
  week_reporters: number;
  week_reported_calls: number;
}

export async function newNumbers(ch: Clickhouse, week: string, page: Page): Promise<NewNumberRow[]> {
  const rows = await ch.query<RawNewNumberRow>(`${newBodySql(ch.database, week)}\n${limitSql(page).text}`);
  return rows.map((r) => ({ number: r.number, reports: r.week_reports, reporters: r.week_reporters, reported_calls: r.week_reported_calls }));
}

export async function countNewNumbers(ch: Clickhouse, week: string): Promise<number> {
  const rows = await ch.query<{ total: number }>(countSql(newBodySql(ch.database, week)));
  return rows[0]?.total ?? 0;
}
