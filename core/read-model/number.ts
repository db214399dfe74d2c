import { raw, sql, type RawSql } from '../clickhouse/escape.ts';
import { weekBounds, type WeekFilter } from './filters.ts';
import { cdrFigures } from './cdr-figures.ts';
import { CHECK_TOTALS, currentCdrTotalsSql, staleWeeksFromRows, weeksOutsideSql, withoutCurrentTotalSql, type CdrTotalsSource } from './cdr-totals.ts';
import { tableSql } from './tables.ts';

// One number's evidence beyond its weekly rows: distinct counts over a whole range of weeks (a
// reporter who reported in two weeks counts once: the weekly states are merged across the range),
// first and last seen, and breakdowns. They read the number-first history aggregates (sorted by the
// number, then the week; partitioned by year: a few granules per number and year), whose facets
// (channel, call type, subject) give the breakdowns as distinct counts of record identities. The two
// Grafana panels bounded by an exact time range (dispositions, call types and subjects) read the
// number's own record rows, one row per record identity (copies of a record are identical, see
// processors/sinks/conflicts.ts).
// `number` is a value (escaped as a literal) or, for Grafana panels, a SQL expression (RawSql).

export type NumberArg = string | RawSql;

export interface ReportSummary {
  reports: number;
  reporters: number;
  reported_calls: number;
  channels: number;
  /** UTC 'YYYY-MM-DD hh:mm:ss' of the earliest / latest reported call; meaningless when reports = 0. */
  first_seen: string;
  last_seen: string;
}

export const BREAKDOWNS = ['call_type', 'subject', 'channel'] as const;
export type BreakdownDimension = (typeof BREAKDOWNS)[number];

export interface BreakdownRow {
  value: string;
  reports: number;
  reported_calls: number;
}

/** Which figure of a number's reports a row of numberReportFacetsSql is: a week, a breakdown's value, or the whole range. */
export type ReportFacet = 'week' | BreakdownDimension | 'range';

/** A row of numberReportFacetsSql: reporters for 'week' and 'range' only, channels and first and last seen for 'range' only (0 elsewhere). */
export interface ReportFacetRow extends ReportSummary {
  facet: ReportFacet;
  /** The week (facet 'week'), the breakdown's value, or '' (facet 'range'). */
  value: string;
}

/**
 * A number's reports over a range of weeks, in one read of its history rows: per week, per call
 * type, subject and channel, and over the whole range (a reporter who reported in two weeks counts
 * once: the states are merged across the range). ARRAY JOIN gives each row once per facet; the
 * states are not copied, and the rows are read and deserialised once instead of once per figure (five
 * queries, each 12-16 ms of a busy robocaller's profile at 100M: bench/scale/README.md). Only the
 * facets that show a figure compute it (a breakdown shows no reporters, channels or first and last
 * seen: they are 0 there).
 */
export function numberReportFacetsSql(db: string, number: string, f: WeekFilter): string {
  return sql`SELECT facet AS facet, value AS value, m_reports AS reports, m_reporters AS reporters, m_calls AS reported_calls, m_channels AS channels,
  toString(m_first) AS first_seen, toString(m_last) AS last_seen
FROM (
  SELECT facet, value, uniqExactMerge(reports) AS m_reports, uniqExactMergeIf(reporters, facet IN ('week', 'range')) AS m_reporters,
    uniqExactMerge(reported_calls) AS m_calls, uniqExactIf(channel, facet = 'range') AS m_channels,
    minMergeIf(first_call, facet = 'range') AS m_first, maxMergeIf(last_call, facet = 'range') AS m_last
  FROM ${tableSql(db, 'numberReportHistory')}
  ARRAY JOIN ['week', 'call_type', 'subject', 'channel', 'range'] AS facet, [toString(call_week), call_type, subject, channel, ''] AS value
  WHERE number = ${number} AND ${weekBounds('call_week', f)}
  GROUP BY facet, value
)
ORDER BY facet, if(facet = 'week', 0, reported_calls) DESC, value`;
}

export interface CdrSummary {
  calls: number;
  callees: number;
  answered_calls: number;
  /** UTC setup time of the earliest / latest CDR with this caller; meaningless when calls = 0. */
  first_seen: string;
  last_seen: string;
}

/**
 * Calls, answered calls and first and last seen over a range come from the weekly series (a CDR is in
 * one week: ReadModel.cdrSummary adds its weeks up); distinct callees do not add up over weeks, so
 * they are counted over the whole range: merged from the week states, or on a busy caller's rows
 * (./cdr-figures.ts; its 52 weeks' states hold ~115,000 callees at 100M), or, when the snapshot holds
 * a current state of the caller's callees over its weeks with totals (migration 0350), that state
 * merged with the rows of the range's other weeks.
 */
export function cdrCalleesSql(db: string, number: NumberArg, f: WeekFilter, source: CdrTotalsSource = CHECK_TOTALS): string {
  const state = source.kind === 'snapshot' ? source.callees?.find((c) => c.caller === number) : undefined;
  if (state && typeof number === 'string') {
    const weeks = [...state.covered_weeks].sort();
    return sql`SELECT uniqExactMerge(st) AS callees FROM (
  SELECT callees AS st FROM ${tableSql(db, 'callerCalleeTotals')}
  PREWHERE caller = ${number} AND cityHash64(weeks, week_changes) = toUInt64(${raw(BigInt(state.version).toString())})
  LIMIT 1
  UNION ALL
  SELECT uniqExactState(callee) AS st FROM ${tableSql(db, 'cdrRecords')}
  PREWHERE caller = ${number} AND ${weekBounds('week_start', f)} AND (${raw(weeksOutsideSql(weeks))})
)`;
  }
  const x = cdrFigures(db, staleWeeksFromRows(source));
  return sql`SELECT ${x.callees} AS callees FROM ${x.table} PREWHERE caller = ${number} AND ${weekBounds('week_start', f)}`;
}

/**
 * All-time calls, first and last seen (`src` 3) of the caller in `where` in one SQL text (a Grafana
 * panel): busy callers' closed weeks from their finished figures where current (./cdr-totals.ts), the
 * other weeks merged from their states.
 */
function cdrRangeSql(db: string, where: RawSql): RawSql {
  return raw(sql`SELECT toUInt8(1) AS src, t_calls AS c, toDateTime(0, 'UTC') AS f, toDateTime(0, 'UTC') AS l
  FROM (${currentCdrTotalsSql(db, where, CHECK_TOTALS, 'week')})
  UNION ALL
  SELECT toUInt8(2) AS src, uniqExactMerge(calls) AS c, toDateTime(0, 'UTC') AS f, toDateTime(0, 'UTC') AS l
  FROM ${tableSql(db, 'numberCdrWeekHistory')}
  PREWHERE ${where} AND ${withoutCurrentTotalSql(db, where, CHECK_TOTALS, 'week')}
  GROUP BY caller, week_start
  UNION ALL
  SELECT toUInt8(3) AS src, toUInt64(0) AS c, minMerge(first_call) AS f, maxMerge(last_call) AS l
  FROM ${tableSql(db, 'numberCdrWeekHistory')}
  PREWHERE ${where}
  GROUP BY caller`);
}

export interface HourOfWeekRow {
  /** 0 = Monday 00:00–00:59 local … 167 = Sunday 23:00–23:59. */
  hour_of_week: number;
  calls: number;
  answered: number;
}

/**
 * Calls a number made per hour of the week, over the weeks for which `weekCondition` (SQL over
 * week_start) holds: busy callers' closed weeks from the hours of their finished figures where current
 * (./cdr-totals.ts), the other weeks from their hour states or rows (./cdr-figures.ts; each CDR is in
 * one week and hour, so the parts add up).
 */
export function hourOfWeekSql(db: string, number: NumberArg, weekCondition: RawSql, source: CdrTotalsSource = CHECK_TOTALS): string {
  const where = raw(sql`caller = ${number} AND (${weekCondition})`);
  const x = cdrFigures(db, staleWeeksFromRows(source), true);
  return sql`SELECT hour_of_week AS hour_of_week, sum(n) AS calls, sum(an) AS answered
FROM (
  SELECT h AS hour_of_week, n, an
  FROM (${currentCdrTotalsSql(db, where, source, 'hours')})
  ARRAY JOIN t_hours AS h, t_hour_calls AS n, t_hour_answered AS an
  UNION ALL
  SELECT hour_of_week AS hour_of_week, ${x.calls} AS n, ${x.answered} AS an
  FROM ${x.table}
  PREWHERE ${where} AND ${withoutCurrentTotalSql(db, where, source, 'hours')}
  GROUP BY hour_of_week
)
GROUP BY hour_of_week
ORDER BY hour_of_week`;
}

export interface DispositionRow {
  disposition: string;
  calls: number;
  mean_billable_s: number;
}

/** A number's calls by disposition, one row per CDR identity, over `timeCondition` (SQL over setup_time). */
export function dispositionsSql(db: string, number: NumberArg, timeCondition: RawSql): string {
  return sql`SELECT disposition AS disposition, count() AS calls, round(avg(billable_ms) / 1000, 1) AS mean_billable_s
FROM (
  SELECT disposition, billable_ms
  FROM ${tableSql(db, 'cdrRecords')}
  WHERE caller = ${number} AND (${timeCondition})
  LIMIT 1 BY platform, cdr_id
)
GROUP BY disposition
ORDER BY calls DESC, disposition`;
}

/** The reported call types and subjects, with distinct reports and reporters, over `timeCondition` (SQL over call_time). */
export function callTypeSubjectSql(db: string, number: NumberArg, timeCondition: RawSql): string {
  return sql`SELECT call_type AS call_type, subject AS subject, uniqExact(report_id) AS reports, uniqExact(reporter_id) AS reporters
FROM ${tableSql(db, 'reportCallRecords')}
WHERE number = ${number} AND (${timeCondition})
GROUP BY call_type, subject
ORDER BY reports DESC, call_type, subject`;
}

/** All-time first and last sighting in reports and CDRs and all-time totals (NULLs when never seen). */
export function allTimeSummarySql(db: string, number: NumberArg): string {
  // One scan of each history table, joined as two one-row subqueries (scalar subqueries referenced
  // several times would each run again).
  return sql`SELECT
  if(r_n = 0, NULL, toString(r_first)) AS first_reported_call, if(r_n = 0, NULL, toString(r_last)) AS last_reported_call, r_n AS reports_total,
  if(c_n = 0, NULL, toString(c_first)) AS first_cdr, if(c_n = 0, NULL, toString(c_last)) AS last_cdr, c_n AS cdr_calls_total
FROM (
  SELECT uniqExactMerge(reports) AS r_n, minMerge(first_call) AS r_first, maxMerge(last_call) AS r_last
  FROM ${tableSql(db, 'numberReportHistory')} WHERE number = ${number}
) AS r
CROSS JOIN (
  SELECT sum(c) AS c_n, anyIf(f, src = 3) AS c_first, anyIf(l, src = 3) AS c_last
  FROM (${cdrRangeSql(db, raw(sql`caller = ${number}`))})
) AS c`;
}
