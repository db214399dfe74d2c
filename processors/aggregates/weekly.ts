import type { Clickhouse } from '../../core/clickhouse/client.ts';
import { ident, raw, sql, type RawSql } from '../../core/clickhouse/escape.ts';
import { CallwatchError } from '../../core/errors.ts';
import { KPI_SQL } from '../kpi/definitions.ts';

// The weekly aggregates, as SQL builders (for Grafana panels, which wrap them) and typed query
// functions (for the investigator API, spike detection and tests). Every figure is computed from the
// deduplicated records (`FINAL` on the ReplacingMergeTree tables keyed by record identity), so a
// replayed or re-pushed record never changes a count. The SQL runs on ClickHouse 18.16 and 26.x.
// Columns are documented in processors/README.md.

/** Filters shared by the queries; weeks are Mondays (YYYY-MM-DD), both ends inclusive. */
export interface WeekFilter {
  fromWeek?: string;
  toWeek?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `column >= toDate(fromWeek) AND column <= toDate(toWeek)` for the ends given, else `1` (also used by api/queries). */
export function weekBounds(column: string, f: WeekFilter): RawSql {
  const parts: string[] = [];
  for (const [op, v] of [['>=', f.fromWeek], ['<=', f.toWeek]] as const) {
    if (v === undefined) continue;
    if (!DATE.test(v)) throw new CallwatchError('CW_ERR_SQL_LITERAL', `week must be YYYY-MM-DD, got ${JSON.stringify(v.slice(0, 32))}`);
    parts.push(sql`${ident(column)} ${raw(op)} toDate(${v})`);
  }
  return raw(parts.length ? parts.join(' AND ') : '1');
}

function inList(column: string, values: readonly string[] | undefined): RawSql {
  if (values === undefined) return raw('1');
  if (values.length === 0) return raw('0');
  return raw(sql`${ident(column)} IN (${raw(values.map((v) => sql`${v}`).join(', '))})`);
}

// ---------------------------------------------------------------------------------------------
// Per number and week, from reports (week of the reported call's time).

export interface NumberFilter extends WeekFilter {
  numbers?: readonly string[];
}

export interface NumberReportWeek {
  number: string;
  week: string;
  /** Distinct reports naming the number for a call in this week. */
  reports: number;
  /** Distinct pseudonymous reporters. */
  reporters: number;
  /** Reported calls (a report may list the number more than once). */
  reported_calls: number;
}

export function numberReportWeeksSql(db: string, f: NumberFilter = {}): string {
  return sql`SELECT number AS number, toString(call_week) AS week,
  uniqExact(report_id) AS reports, uniqExact(reporter_id) AS reporters, count() AS reported_calls
FROM ${ident(db)}.report_calls FINAL
WHERE ${weekBounds('call_week', f)} AND ${inList('number', f.numbers)}
GROUP BY number, call_week
ORDER BY number, week`;
}

// ---------------------------------------------------------------------------------------------
// Per number (as caller) and week, from CDRs (week of the setup time).

export interface NumberCdrWeek {
  number: string;
  week: string;
  /** Calls made (distinct CDRs with this caller). */
  calls: number;
  /** Distinct callees. */
  callees: number;
  answered_calls: number;
  answered_share: number;
  /** Calls whose billable time is under the short-call threshold (unanswered calls bill 0, so count). */
  short_calls: number;
  short_share: number;
  /** 0 = Monday 00:00–00:59 local … 167 = Sunday 23:00–23:59; ties go to the earliest hour. */
  busiest_hour: number;
  busiest_hour_calls: number;
  /** UTC, 'YYYY-MM-DD hh:mm:ss'. */
  first_seen: string;
  last_seen: string;
}

export function numberCdrWeeksSql(db: string, shortCallSeconds: number, f: NumberFilter = {}): string {
  const shortMs = Math.trunc(shortCallSeconds * 1000);
  return sql`SELECT number AS number, toString(week) AS week, sum(n) AS calls, uniqExactMerge(callee_state) AS callees,
  sum(a) AS answered_calls, answered_calls / calls AS answered_share,
  sum(s) AS short_calls, short_calls / calls AS short_share,
  argMax(hour, n * 256 + (255 - hour)) AS busiest_hour, max(n) AS busiest_hour_calls,
  toString(min(f)) AS first_seen, toString(max(l)) AS last_seen
FROM (
  SELECT caller AS number, week_start AS week, hour_of_week AS hour, count() AS n,
    uniqExactState(callee) AS callee_state, sum(is_answered) AS a, sum(billable_ms < ${shortMs}) AS s,
    min(setup_time) AS f, max(setup_time) AS l
  FROM ${ident(db)}.cdrs FINAL
  WHERE ${weekBounds('week_start', f)} AND ${inList('caller', f.numbers)}
  GROUP BY caller, week_start, hour_of_week
)
GROUP BY number, week
ORDER BY number, week`;
}

// ---------------------------------------------------------------------------------------------
// Per reporting channel and week, and overall per week, by the week of the reported call (event
// time, DESIGN §4), like the per-number series and the spike detector. A report counts once in each
// week in which one of its calls happened (distinct report_id per call week), so a report whose calls
// span two weeks counts in both and the weekly report counts may sum to more than the reports stored.
// `report_week` (week of submission, the collectors' arrival clock) stays in the table for look-ups.

export interface ChannelWeek {
  /** Monday of the week in which the reported calls happened. */
  week: string;
  channel: string;
  /** Distinct reports with at least one call in this week. */
  reports: number;
  /** Distinct numbers reported (E.164 only: the WITHHELD and INVALID buckets are not numbers). */
  numbers: number;
  /** Reported calls that happened in this week. */
  reported_calls: number;
}

export interface OverallWeek {
  week: string;
  reports: number;
  numbers: number;
  reported_calls: number;
}

const DISTINCT_NUMBERS = "uniqExactIf(number, number NOT IN ('WITHHELD', 'INVALID'))";

export function channelWeeksSql(db: string, f: WeekFilter & { channels?: readonly string[] } = {}): string {
  return sql`SELECT toString(call_week) AS week, channel AS channel, uniqExact(report_id) AS reports,
  ${raw(DISTINCT_NUMBERS)} AS numbers, count() AS reported_calls
FROM ${ident(db)}.report_calls FINAL
WHERE ${weekBounds('call_week', f)} AND ${inList('channel', f.channels)}
GROUP BY call_week, channel
ORDER BY week, channel`;
}

export function overallWeeksSql(db: string, f: WeekFilter = {}): string {
  return sql`SELECT toString(call_week) AS week, uniqExact(report_id) AS reports,
  ${raw(DISTINCT_NUMBERS)} AS numbers, count() AS reported_calls
FROM ${ident(db)}.report_calls FINAL
WHERE ${weekBounds('call_week', f)}
GROUP BY call_week
ORDER BY week`;
}

// ---------------------------------------------------------------------------------------------
// Contact-centre KPIs per channel, queue and week (definitions: processors/kpi/definitions.ts).

export interface KpiWeek {
  channel: string;
  queue: string;
  week: string;
  offered: number;
  answered: number;
  abandoned: number;
  answered_wait_ms: number;
  handle_ms: number;
  answered_within_sl: number;
  /** NULL when nothing was answered. */
  asa_ms: number | null;
  aht_ms: number | null;
  /** 0..1; NULL when nothing was offered (cannot happen for a returned row). */
  service_level: number | null;
  longest_wait_ms: number;
}

export function kpiWeeksSql(db: string, serviceLevelSeconds: number, f: WeekFilter & { channels?: readonly string[]; queues?: readonly string[] } = {}): string {
  return sql`SELECT channel AS channel, queue AS queue, toString(week_start) AS week,
  ${raw(KPI_SQL.offered)} AS offered, ${raw(KPI_SQL.answered)} AS answered, ${raw(KPI_SQL.abandoned)} AS abandoned,
  ${raw(KPI_SQL.answeredWaitMs)} AS answered_wait_ms, ${raw(KPI_SQL.handleMs)} AS handle_ms,
  ${raw(KPI_SQL.answeredWithinSl(serviceLevelSeconds * 1000))} AS answered_within_sl,
  if(answered > 0, answered_wait_ms / answered, NULL) AS asa_ms,
  if(answered > 0, handle_ms / answered, NULL) AS aht_ms,
  if(offered > 0, answered_within_sl / offered, NULL) AS service_level,
  ${raw(KPI_SQL.longestWaitMs)} AS longest_wait_ms
FROM ${ident(db)}.cdrs FINAL
WHERE ${raw(KPI_SQL.offeredWhere)} AND ${weekBounds('week_start', f)} AND ${inList('channel', f.channels)} AND ${inList('queue', f.queues)}
GROUP BY channel, queue, week_start
ORDER BY week, channel, queue`;
}

// ---------------------------------------------------------------------------------------------

/** Typed access for services: thresholds come from the processors' configuration. */
export class WeeklyAggregates {
  constructor(
    private readonly ch: Clickhouse,
    private readonly thresholds: { shortCallSeconds: number; serviceLevelSeconds: number },
  ) {}

  numberReportWeeks(f: NumberFilter = {}): Promise<NumberReportWeek[]> {
    return this.ch.query<NumberReportWeek>(numberReportWeeksSql(this.ch.database, f));
  }

  numberCdrWeeks(f: NumberFilter = {}): Promise<NumberCdrWeek[]> {
    return this.ch.query<NumberCdrWeek>(numberCdrWeeksSql(this.ch.database, this.thresholds.shortCallSeconds, f));
  }

  channelWeeks(f: WeekFilter & { channels?: readonly string[] } = {}): Promise<ChannelWeek[]> {
    return this.ch.query<ChannelWeek>(channelWeeksSql(this.ch.database, f));
  }

  overallWeeks(f: WeekFilter = {}): Promise<OverallWeek[]> {
    return this.ch.query<OverallWeek>(overallWeeksSql(this.ch.database, f));
  }

  kpiWeeks(f: WeekFilter & { channels?: readonly string[]; queues?: readonly string[] } = {}): Promise<KpiWeek[]> {
    return this.ch.query<KpiWeek>(kpiWeeksSql(this.ch.database, this.thresholds.serviceLevelSeconds, f));
  }
}
