import { raw, sql } from '../clickhouse/escape.ts';
import { CallwatchError } from '../errors.ts';
import { previousWeek } from '../weeks.ts';
import { weekBounds, type WeekBound, type WeekFilter } from './filters.ts';
import { isNumberSql, tableSql } from './tables.ts';
import { numberReportWeeksSql } from './weekly.ts';

// Lists over many numbers: a week's top numbers, its new numbers, and the numbers of a prefix. Each
// reads the week partitions it needs from the aggregate tables (never the whole history), combining
// reports and CDRs with UNION ALL and GROUP BY rather than a JOIN (one shape 18.16 and 26.x both run).

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

/**
 * A week's callers ranked by CDR calls (the order `cdr_calls`): all of them from the week's partition
 * of caller_weeks (one row per caller and week, merging only the calls state), or the callers whose
 * cityHash64 is among `callerHashes` (topCallerBoundsSql's) from their own rows in the week's
 * partition of cdr_records (distinct identities, as the state counts them); the other figures are
 * read for the page's numbers afterwards (ReadModel.topNumbers).
 */
export function topCallersSql(db: string, week: string, callerHashes?: readonly string[]): string {
  // Candidates (ReadModel.topNumbers: 100 to 6,400) are counted on their rows, for the reason
  // numberCdrWeekCountsSql gives: the open week's states are spread over many small parts.
  const calls =
    callerHashes === undefined
      ? sql`SELECT caller AS number, uniqExactMerge(calls) AS m_calls
  FROM ${tableSql(db, 'numberCdrWeeks')}
  WHERE week_start = toDate(${week}) AND ${isNumberSql('caller')}
  GROUP BY caller`
      : sql`SELECT caller AS number, uniqExact(platform, cdr_id) AS m_calls
  FROM ${tableSql(db, 'cdrRecords')}
  PREWHERE week_start = toDate(${week}) AND caller GLOBAL IN (
    SELECT caller FROM ${tableSql(db, 'numberCdrWeeks')}
    WHERE week_start = toDate(${week}) AND cityHash64(caller) IN (${raw(hashList(callerHashes))})
  ) AND ${isNumberSql('caller')}
  GROUP BY caller`;
  return sql`SELECT number AS number, m_calls AS cdr_calls
FROM (
  ${raw(calls)}
)
WHERE cdr_calls > 0
ORDER BY cdr_calls DESC, number`;
}

/** UInt64 literals, checked to be decimal digits (they come back from topCallerBoundsSql as text: JSON would round them). */
function hashList(hashes: readonly string[]): string {
  if (hashes.length === 0) return '0';
  for (const h of hashes) if (!/^\d{1,20}$/.test(h)) throw new CallwatchError('CW_ERR_SQL_LITERAL', `not a caller hash: ${JSON.stringify(h.slice(0, 40))}`);
  return hashes.join(', ');
}

/**
 * Upper bounds of a week's callers' CDR calls, highest first, per cityHash64 of the caller:
 * caller_weeks' `changes` (rows inserted, copies included, so at least the distinct calls; migration
 * 0340), a sum of integers where the calls are a merge of identity sets. Grouped by the hash rather
 * than the caller: the GROUP BY over a week's 655,000 callers at 100M CDRs cost 520–1,120 ms on
 * string keys and ~200 ms on their hashes. Callers that share a hash share a bound, the sum of
 * theirs, which is still an upper bound of each. ReadModel.topNumbers ranks exactly on the callers
 * whose bound could reach the page.
 */
export function topCallerBoundsSql(db: string, week: string): string {
  return sql`SELECT toString(h) AS caller_hash, m_bound AS bound
FROM (
  SELECT cityHash64(caller) AS h, sumMerge(changes) AS m_bound
  FROM ${tableSql(db, 'numberCdrWeeks')}
  WHERE week_start = toDate(${week}) AND ${isNumberSql('caller')}
  GROUP BY h
)
ORDER BY bound DESC, h`;
}

/** The orders a week's report aggregate alone can rank by: every listed number was reported that week (the other order, cdr_calls, ranks on the CDR aggregate alone). */
export type ReportOrder = Exclude<TopOrder, 'cdr_calls'>;

export function isReportOrder(order: TopOrder): order is ReportOrder {
  return order !== 'cdr_calls';
}

/**
 * A week's numbers ranked by a report figure (column `rank`), merging only the state the order needs
 * from the week's partition of number_report_weeks (and the previous week's for `growth`): a number
 * with no report in the week has reports = 0 and growth ≤ 0, so it is never listed. The other figures
 * are read for the page's numbers afterwards (ReadModel.topNumbers), instead of merging every state
 * of every number of the week.
 */
export function topNumbersByReportsSql(db: string, week: WeekBound, order: ReportOrder): string {
  const t = tableSql(db, 'numberReportWeeks');
  if (order === 'growth') {
    const prev = typeof week === 'string' ? previousWeek(week) : raw(`toDate(${week.text}) - 7`);
    return sql`SELECT number AS number, toInt64(sumIf(m, w = toDate(${week}))) - toInt64(sumIf(m, w = toDate(${prev}))) AS rank
FROM (
  SELECT number AS number, call_week AS w, uniqExactMerge(reports) AS m
  FROM ${t}
  WHERE call_week IN (toDate(${prev}), toDate(${week})) AND ${isNumberSql('number')}
  GROUP BY number, call_week
)
GROUP BY number
HAVING rank > 0
ORDER BY rank DESC, number`;
  }
  const merge = order === 'reports' ? raw('uniqExactMerge(reports)') : raw('uniqExactMerge(reporters)');
  return sql`SELECT number AS number, m AS rank
FROM (
  SELECT number AS number, ${merge} AS m
  FROM ${t}
  WHERE call_week = toDate(${week}) AND ${isNumberSql('number')}
  GROUP BY number
)
ORDER BY rank DESC, number`;
}

/**
 * A week's top `limit` numbers by reports, ranked as topNumbersByReportsSql ranks them, with their
 * reports, reporters and reported calls that week and their reports the week before, as one SQL text
 * (the Grafana panel; the API reads the page's figures in a second query, ReadModel.topNumbers). Only
 * the page's numbers' states are merged for the figures. One query level around the ranking: 18.16
 * runs an IN subquery once more for every query wrapped around it (~100 ms each at 100M CDRs).
 */
export function topNumbersWithFiguresSql(db: string, week: WeekBound, limit: number): string {
  const w = raw(sql`toDate(${week})`);
  const n = Math.trunc(limit);
  return sql`SELECT number AS number, uniqExactMergeIf(reports, call_week = ${w}) AS reports_this_week,
  uniqExactMergeIf(reporters, call_week = ${w}) AS reporters_this_week, uniqExactMergeIf(reported_calls, call_week = ${w}) AS calls_this_week,
  uniqExactMergeIf(reports, call_week = ${w} - 7) AS reports_last_week
FROM ${tableSql(db, 'numberReportWeeks')}
WHERE call_week >= ${w} - 7 AND call_week <= ${w}
  AND number IN (SELECT number FROM (${raw(topNumbersByReportsSql(db, week, 'reports'))}) LIMIT ${n})
GROUP BY number
HAVING reports_this_week > 0
ORDER BY reports_this_week DESC, number
LIMIT ${n}`;
}

/**
 * The numbers with a report for a call in the week, or with a CDR set up in it (the callers): every
 * one of them has reports and reporters, or calls, above 0, so this counts the lists ranked by those
 * without merging a state (the aggregates hold a row for a (number, week) only once a record had it).
 */
export function weekNumbersSql(db: string, week: string, from: 'reports' | 'cdrs'): string {
  return from === 'reports'
    ? sql`SELECT number FROM ${tableSql(db, 'numberReportWeeks')} WHERE call_week = toDate(${week}) AND ${isNumberSql('number')} GROUP BY number`
    : sql`SELECT caller FROM ${tableSql(db, 'numberCdrWeeks')} WHERE week_start = toDate(${week}) AND ${isNumberSql('caller')} GROUP BY caller`;
}

export interface NewNumberRow {
  number: string;
  reports: number;
  reporters: number;
  reported_calls: number;
}

/**
 * Numbers reported for a call in the week and never for a call in an earlier week: those whose first
 * reported week (number_first_report, one small row per number ever reported) is this week, with the
 * week's figures from its partition of number_report_weeks.
 */
export function newNumbersSql(db: string, week: WeekBound): string {
  return sql`SELECT number AS number, reports AS reports, reporters AS reporters, reported_calls AS reported_calls
FROM (${raw(numberReportWeeksSql(db, { fromWeek: week, toWeek: week }, 'weeks'))})
WHERE ${isNumberSql('number')} AND number IN (
  SELECT number FROM (
    SELECT number AS number, minMerge(first_week) AS w
    FROM ${tableSql(db, 'numberFirstReport')}
    WHERE number IN (SELECT number FROM ${tableSql(db, 'numberReportWeeks')} WHERE call_week = toDate(${week}))
    GROUP BY number
  )
  WHERE w = toDate(${week})
)
ORDER BY reports DESC, reporters DESC, number`;
}

export interface PrefixNumberRow {
  number: string;
  reports: number;
  reporters: number;
  reported_calls: number;
  cdr_calls: number;
  /** UTC 'YYYY-MM-DD hh:mm:ss', earliest / latest reported call or CDR. */
  first_seen: string;
  last_seen: string;
}

/**
 * Numbers whose E.164 form starts with `prefix` (a block of a range, e.g. +447700900), from reports
 * and CDRs, with distinct counts over the week range. `prefix` is '+' and digits (validated by the
 * caller), so it holds no LIKE wildcard; the history aggregates lead with the number, so LIKE
 * 'prefix%' reads only that block of each year partition.
 */
export function numbersByPrefixSql(db: string, prefix: string, f: WeekFilter): string {
  if (!/^\+[0-9]{1,15}$/.test(prefix)) throw new CallwatchError('CW_ERR_SQL_LITERAL', `prefix must be + and digits, got ${JSON.stringify(prefix.slice(0, 20))}`);
  const pattern = `${prefix}%`;
  return sql`SELECT number AS number, sum(r) AS reports, sum(rp) AS reporters, sum(rc) AS reported_calls, sum(cc) AS cdr_calls,
  toString(min(f)) AS first_seen, toString(max(l)) AS last_seen
FROM (
  SELECT number AS number, uniqExactMerge(reports) AS r, uniqExactMerge(reporters) AS rp, uniqExactMerge(reported_calls) AS rc, toUInt64(0) AS cc,
    minMerge(first_call) AS f, maxMerge(last_call) AS l
  FROM ${tableSql(db, 'numberReportHistory')}
  WHERE number LIKE ${pattern} AND ${weekBounds('call_week', f)}
  GROUP BY number
  UNION ALL
  SELECT caller AS number, toUInt64(0) AS r, toUInt64(0) AS rp, toUInt64(0) AS rc, uniqExactMerge(calls) AS cc,
    minMerge(first_call) AS f, maxMerge(last_call) AS l
  FROM ${tableSql(db, 'numberCdrWeekHistory')}
  WHERE caller LIKE ${pattern} AND ${weekBounds('week_start', f)}
  GROUP BY caller
)
GROUP BY number
ORDER BY number`;
}
