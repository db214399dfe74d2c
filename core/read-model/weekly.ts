import { raw, sql, type RawSql } from '../clickhouse/escape.ts';
import { KPI_SQL } from '../kpi/definitions.ts';
import { inList, weekBounds, type WeekFilter } from './filters.ts';
import { cdrFigures } from './cdr-figures.ts';
import { cdrTotalsByFigureSql, CHECK_TOTALS, currentCdrTotalsSql, staleWeeksFromRows, withoutCurrentTotalSql, type CdrTotalsSource } from './cdr-totals.ts';
import { isNumberSql, tableSql } from './tables.ts';

// The weekly aggregates, as SQL builders (Grafana panels wrap them; the typed ReadModel runs them).
// They read the aggregate tables that materialized views keep as records arrive (migrations 0300, 0320):
// states of distinct record identities, merged here, so a replayed or re-pushed record never changes
// a count and no read scans the raw records. Aggregated columns get inner names (m_…) different from
// the state columns they merge: ClickHouse substitutes an alias equal to a column name into its own
// argument. Columns are documented in processors/README.md. SQL runs on ClickHouse 18.16 and 26.x.

export interface NumberFilter extends WeekFilter {
  /** Canonical numbers, or (Grafana) a SQL expression giving one. */
  numbers?: readonly (string | RawSql)[];
}

// ---------------------------------------------------------------------------------------------
// Per number and week, from reports (week of the reported call's time).

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

/**
 * Reads the number-first history (a few granules per number and year) when the numbers are named,
 * and the week-partitioned aggregate (the weeks' partitions only) for every number of a week range;
 * `source` forces one (the aggregate audit checks both). Both hold the same states.
 */
export function numberReportWeeksSql(db: string, f: NumberFilter = {}, source: 'history' | 'weeks' = f.numbers ? 'history' : 'weeks'): string {
  return sql`SELECT number AS number, week AS week, m_reports AS reports, m_reporters AS reporters, m_calls AS reported_calls
FROM (
  SELECT number AS number, toString(call_week) AS week, uniqExactMerge(reports) AS m_reports,
    uniqExactMerge(reporters) AS m_reporters, uniqExactMerge(reported_calls) AS m_calls
  FROM ${tableSql(db, source === 'history' ? 'numberReportHistory' : 'numberReportWeeks')}
  WHERE ${weekBounds('call_week', f)} AND ${inList('number', f.numbers)}
  GROUP BY number, call_week
)
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
  /** Calls whose billable time is under processors.shortCallSeconds when processed (unanswered calls bill 0, so count). */
  short_calls: number;
  short_share: number;
  /** 0 = Monday 00:00–00:59 local … 167 = Sunday 23:00–23:59; ties go to the earliest hour. */
  busiest_hour: number;
  busiest_hour_calls: number;
  /** UTC, 'YYYY-MM-DD hh:mm:ss'. */
  first_seen: string;
  last_seen: string;
}

/** A caller's week with its calls per hour of the week: the hours with calls (0 = Monday 00h local) and their calls, in the same order. */
export interface NumberCdrWeekWithHours extends NumberCdrWeek {
  hours: number[];
  hour_calls: number[];
}

/** A week of numberCdrWeeksSql with `staleOnly`: which of its figures it has (1) or leaves to the snapshot's totals (0). */
export interface StaleCdrWeek extends NumberCdrWeekWithHours {
  has_week_figures: number;
  has_hours: number;
}

export interface CdrWeeksOptions {
  /** Each week also lists its calls per hour (hours, hour_calls). */
  withHours?: boolean;
  /**
   * Only the figures that are not in a current total (a snapshot's look-up has the current totals'
   * figures already: ./cdr-weeks.ts puts them together), with has_week_figures and has_hours.
   */
  staleOnly?: boolean;
}

/**
 * From the caller-first histories: a busy caller's closed weeks from their finished figures where
 * current (./cdr-totals.ts), every other week from its week states (or a busy caller's rows,
 * ./cdr-figures.ts), with the busiest hour from the calls of its hours (calls of different hours are
 * different CDRs, so the hours add up to the week); a week's lists rank on caller_weeks (./lists.ts).
 * Week figures and hours are each taken from a total while its own `changes` for them match.
 * `withHours` adds each week's calls per hour, which the busiest hour is taken from anyway: a number
 * profile's calls by hour of the week add them up instead of reading the caller's hours again.
 */
export function numberCdrWeeksSql(db: string, f: NumberFilter = {}, source: CdrTotalsSource = CHECK_TOTALS, options: CdrWeeksOptions = {}): string {
  const where = raw(`${weekBounds('week_start', f).text} AND ${inList('caller', f.numbers).text}`);
  const fromRows = staleWeeksFromRows(source);
  const hours: HourColumns = (columns) => raw(options.withHours === true || options.staleOnly === true ? `, ${columns}` : '');
  const totals = raw(
    options.staleOnly === true
      ? ''
      : sql`SELECT t_week_current AS wk, t_hours_current AS hr, caller AS number, toString(week_start) AS week, t_calls AS c, t_callees AS ce,
    t_answered AS a, t_short AS s, t_first AS fs, t_last AS ls, t_busiest_hour AS h, t_busiest_hour_calls AS hc${hours('t_hours AS hs, t_hour_calls AS hcs')}
  FROM (${cdrTotalsByFigureSql(db, where, source)})
  UNION ALL
  `,
  );
  // Week figures from a total (wk) while its `changes` for them match, else from the states or rows;
  // hours (hr) likewise. The totals are read once for both.
  const stale = fromRows ? staleFromRowsSql(db, where, source, hours) : staleFromStatesSql(db, where, source, hours);
  return sql`SELECT number AS number, week AS week, anyIf(c, wk) AS calls, anyIf(ce, wk) AS callees,
  anyIf(a, wk) AS answered_calls, answered_calls / calls AS answered_share,
  anyIf(s, wk) AS short_calls, short_calls / calls AS short_share,
  anyIf(h, hr) AS busiest_hour, anyIf(hc, hr) AS busiest_hour_calls,
  toString(anyIf(fs, wk)) AS first_seen, toString(anyIf(ls, wk)) AS last_seen${hours('anyIf(hs, hr) AS hours, anyIf(hcs, hr) AS hour_calls')}${raw(options.staleOnly === true ? ', max(wk) AS has_week_figures, max(hr) AS has_hours' : '')}
FROM (
  ${totals}${stale}
)
GROUP BY number, week
ORDER BY number, week`;
}

/** Adds `, columns` when the read lists hours, else nothing. */
type HourColumns = (columns: string) => RawSql;

/**
 * The weeks without current figures, merged from the week states (wk rows) and the hour states (hr
 * rows): two tables, each read for the weeks its own figures are stale in.
 */
function staleFromStatesSql(db: string, where: RawSql, source: CdrTotalsSource, hours: HourColumns): RawSql {
  const x = cdrFigures(db, false);
  const xh = cdrFigures(db, false, true);
  return raw(sql`SELECT toUInt8(1) AS wk, toUInt8(0) AS hr, caller AS number, toString(week_start) AS week, ${x.calls} AS c, ${x.callees} AS ce,
    ${x.answered} AS a, ${x.short} AS s, ${x.first} AS fs, ${x.last} AS ls, toUInt8(0) AS h, toUInt64(0) AS hc${hours('emptyArrayUInt8() AS hs, emptyArrayUInt64() AS hcs')}
  FROM ${x.table}
  PREWHERE ${where} AND ${withoutCurrentTotalSql(db, where, source, 'week')}
  GROUP BY caller, week_start
  UNION ALL
  SELECT toUInt8(0) AS wk, toUInt8(1) AS hr, number, week, toUInt64(0) AS c, toUInt64(0) AS ce, toUInt64(0) AS a, toUInt64(0) AS s,
    toDateTime(0, 'UTC') AS fs, toDateTime(0, 'UTC') AS ls, toUInt8(argMax(hour, n * 256 + (255 - hour))) AS h, max(n) AS hc${hours('groupArray(hour) AS hs, groupArray(n) AS hcs')}
  FROM (
    SELECT caller AS number, toString(week_start) AS week, hour_of_week AS hour, ${xh.calls} AS n
    FROM ${xh.table}
    PREWHERE ${where} AND ${withoutCurrentTotalSql(db, where, source, 'hours')}
    GROUP BY caller, week_start, hour_of_week
  )
  GROUP BY number, week`);
}

/**
 * The weeks without current figures, counted on a busy caller's record rows in one pass: per hour of
 * the week, the hour's calls and the states of its identities, callees, answered and short calls,
 * merged per week into the week's figures (a copy of a record in another hour counts once in the
 * week, as the week states count it). Each week's row says which of its figures are stale (wk, hr):
 * reading the rows once for both took 5.5 ms for a busy robocaller's open week at 100M, against 8.5
 * ms for two passes (bench/scale/README.md).
 */
function staleFromRowsSql(db: string, where: RawSql, source: CdrTotalsSource, hours: HourColumns): RawSql {
  const weekStale = withoutCurrentTotalSql(db, where, source, 'week');
  const hoursStale = withoutCurrentTotalSql(db, where, source, 'hours');
  const eitherStale = weekStale.text === hoursStale.text ? weekStale : raw(`(${weekStale.text} OR ${hoursStale.text})`);
  return raw(sql`SELECT wk, hr, number, week, uniqExactMerge(c_state) AS c, uniqExactMerge(ce_state) AS ce, uniqExactIfMerge(a_state) AS a,
    uniqExactIfMerge(s_state) AS s, min(h_first) AS fs, max(h_last) AS ls, toUInt8(argMax(hour, n * 256 + (255 - hour))) AS h, max(n) AS hc${hours('groupArray(hour) AS hs, groupArray(n) AS hcs')}
  FROM (
    SELECT toUInt8(${weekStale}) AS wk, toUInt8(${hoursStale}) AS hr, caller AS number, toString(week_start) AS week, hour_of_week AS hour,
      uniqExactState(platform, cdr_id) AS c_state, uniqExactState(callee) AS ce_state, uniqExactIfState(platform, cdr_id, is_answered) AS a_state,
      uniqExactIfState(platform, cdr_id, is_short) AS s_state, min(setup_time) AS h_first, max(setup_time) AS h_last, uniqExact(platform, cdr_id) AS n
    FROM ${tableSql(db, 'cdrRecords')}
    PREWHERE ${where} AND ${eitherStale}
    GROUP BY caller, week_start, hour_of_week
  )
  GROUP BY wk, hr, number, week`);
}

/** What a list shows of a caller's week: calls, distinct callees and answered calls (no hours). */
export type NumberCdrWeekCounts = Pick<NumberCdrWeek, 'number' | 'week' | 'calls' | 'callees' | 'answered_calls' | 'answered_share'>;

/**
 * A list page's callers' weeks (`f.numbers`, a page of them): finished figures where current
 * (./cdr-totals.ts), every other week from the callers' own record rows, counted as the week
 * states count them (distinct identities, distinct callees, distinct answered identities; copies
 * count once). Not from the states: the week without totals is mostly the open week, whose states
 * are spread over the many small parts of the current year's partition, and merging them cost
 * 387–624 ms for the 50 busiest callers at 100M CDRs against 30–36 ms for their 115,000 rows in the
 * week's partition of cdr_records, which is ordered by caller (bench/scale/README.md).
 */
export function numberCdrWeekCountsSql(db: string, f: NumberFilter = {}, source: CdrTotalsSource = CHECK_TOTALS): string {
  const where = raw(`${weekBounds('week_start', f).text} AND ${inList('caller', f.numbers).text}`);
  const x = cdrFigures(db, true);
  return sql`SELECT number AS number, week AS week, c AS calls, ce AS callees, a AS answered_calls, answered_calls / calls AS answered_share
FROM (
  SELECT caller AS number, toString(week_start) AS week, t_calls AS c, t_callees AS ce, t_answered AS a
  FROM (${currentCdrTotalsSql(db, where, source, 'week')})
  UNION ALL
  SELECT caller AS number, toString(week_start) AS week, ${x.calls} AS c, ${x.callees} AS ce, ${x.answered} AS a
  FROM ${x.table}
  PREWHERE ${where} AND ${withoutCurrentTotalSql(db, where, source, 'week')}
  GROUP BY caller, week_start
)
ORDER BY number, week`;
}

// ---------------------------------------------------------------------------------------------
// Per reporting channel and week, and overall per week, by the week of the reported call (event
// time, DESIGN §4), like the per-number series and the spike detector. A report counts once in each
// week in which one of its calls happened (distinct report_id per call week), so a report whose calls
// span two weeks counts in both and the weekly report counts may sum to more than the reports stored.

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

// Closed weeks come from the finished totals that the processors' week-totals task writes
// (processors/totals), where the `changes` they were computed from still equal the states' own;
// every other (week, key) merges its states (migration 0330). Both parts are exact; the totals only
// save merging a whole week's record identities again. GLOBAL IN keeps the subqueries valid through
// Distributed tables on a cluster (on one server it is IN); PREWHERE makes the states part
// deserialize only the rows of the stale keys (one row per granule).

/** The stale keys: (week, keys…) of the states in range whose `changes` no total of `totals` matches. */
function staleKeysSql(current: string, totals: RawSql, cols: readonly string[], totalsWhere: RawSql): RawSql {
  const c = cols.join(', ');
  return raw(`SELECT ${c} FROM (${current}) WHERE (${c}, n) NOT IN (SELECT ${c}, changes FROM ${totals.text} WHERE ${totalsWhere.text})`);
}

/** (week, keys…, n): each key's `changes` in the states. */
function currentChangesSql(states: RawSql, cols: readonly string[], where: RawSql): string {
  const c = cols.join(', ');
  return `SELECT ${c}, sumMerge(changes) AS n FROM ${states.text} WHERE ${where.text} GROUP BY ${c}`;
}

export function channelWeeksSql(db: string, f: WeekFilter & { channels?: readonly string[] } = {}): string {
  const cols = ['call_week', 'channel'];
  const where = raw(`${weekBounds('call_week', f).text} AND ${inList('channel', f.channels).text}`);
  const states = tableSql(db, 'channelWeekStates');
  const totals = tableSql(db, 'channelWeekTotals');
  const current = currentChangesSql(states, cols, where);
  return sql`SELECT week AS week, channel AS channel, m_reports AS reports, m_numbers AS numbers, m_calls AS reported_calls
FROM (
  SELECT toString(call_week) AS week, channel AS channel, any(reports) AS m_reports, any(numbers) AS m_numbers, any(reported_calls) AS m_calls
  FROM ${totals}
  WHERE ${where} AND (call_week, channel, changes) GLOBAL IN (${raw(current)})
  GROUP BY call_week, channel
  UNION ALL
  SELECT toString(call_week) AS week, channel AS channel, uniqExactMerge(reports) AS m_reports,
    uniqExactIfMerge(numbers) AS m_numbers, uniqExactMerge(reported_calls) AS m_calls
  FROM ${states}
  PREWHERE (call_week, channel) GLOBAL IN (${staleKeysSql(current, totals, cols, where)})
  WHERE ${where}
  GROUP BY call_week, channel
)
ORDER BY week, channel`;
}

/** All channels together: the channels' states merged (a report or number in two channels counts once). */
export function overallWeeksSql(db: string, f: WeekFilter = {}): string {
  const cols = ['call_week'];
  const where = weekBounds('call_week', f);
  const states = tableSql(db, 'channelWeekStates');
  const totals = tableSql(db, 'overallWeekTotals');
  const current = currentChangesSql(states, cols, where);
  return sql`SELECT week AS week, m_reports AS reports, m_numbers AS numbers, m_calls AS reported_calls
FROM (
  SELECT toString(call_week) AS week, any(reports) AS m_reports, any(numbers) AS m_numbers, any(reported_calls) AS m_calls
  FROM ${totals}
  WHERE ${where} AND (call_week, changes) GLOBAL IN (${raw(current)})
  GROUP BY call_week
  UNION ALL
  SELECT toString(call_week) AS week, uniqExactMerge(reports) AS m_reports,
    uniqExactIfMerge(numbers) AS m_numbers, uniqExactMerge(reported_calls) AS m_calls
  FROM ${states}
  PREWHERE call_week GLOBAL IN (${staleKeysSql(current, totals, cols, where)})
  WHERE ${where}
  GROUP BY call_week
)
ORDER BY week`;
}

/** The first and the last week with reported calls (null when none), the last not after `notAfter`. */
export function reportWeekSpanSql(db: string, notAfter?: string): string {
  return sql`SELECT toString(min(call_week)) AS first_week, toString(max(call_week)) AS last_week, count() AS n
FROM ${tableSql(db, 'channelWeekStates')}
WHERE ${weekBounds('call_week', notAfter === undefined ? {} : { toWeek: notAfter })}`;
}

// ---------------------------------------------------------------------------------------------
// Contact-centre KPIs per channel, queue and week (definitions: core/kpi/definitions.ts).

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
  const k = KPI_SQL;
  const slMs = Math.trunc(serviceLevelSeconds * 1000);
  const cols = ['week_start', 'channel', 'queue'];
  const where = raw(`${weekBounds('week_start', f).text} AND ${inList('channel', f.channels).text} AND ${inList('queue', f.queues).text}`);
  const states = tableSql(db, 'queueWeekStates');
  const totals = tableSql(db, 'queueWeekTotals');
  const current = currentChangesSql(states, cols, where);
  const totalsWhere = raw(sql`${where} AND service_level_ms = ${slMs}`);
  return sql`SELECT channel AS channel, queue AS queue, week AS week, t_offered AS offered, t_answered AS answered, t_abandoned AS abandoned,
  t_answered_wait_ms AS answered_wait_ms, t_handle_ms AS handle_ms, t_within_sl AS answered_within_sl,
  if(answered > 0, answered_wait_ms / answered, NULL) AS asa_ms,
  if(answered > 0, handle_ms / answered, NULL) AS aht_ms,
  if(offered > 0, answered_within_sl / offered, NULL) AS service_level,
  t_longest_wait_ms AS longest_wait_ms
FROM (
  SELECT channel AS channel, queue AS queue, toString(week_start) AS week, any(offered) AS t_offered, any(answered) AS t_answered,
    any(abandoned) AS t_abandoned, any(answered_wait_ms) AS t_answered_wait_ms, any(handle_ms) AS t_handle_ms,
    any(answered_within_sl) AS t_within_sl, any(longest_wait_ms) AS t_longest_wait_ms
  FROM ${totals}
  WHERE ${totalsWhere} AND (week_start, channel, queue, changes) GLOBAL IN (${raw(current)})
  GROUP BY channel, queue, week_start
  UNION ALL
  SELECT channel, queue, week, ${raw(k.offered)} AS t_offered, ${raw(k.answered)} AS t_answered, ${raw(k.abandoned)} AS t_abandoned,
    ${raw(k.answeredWaitMs)} AS t_answered_wait_ms, ${raw(k.handleMs)} AS t_handle_ms,
    ${raw(k.answeredWithinSl(slMs))} AS t_within_sl, ${raw(k.longestWaitMs)} AS t_longest_wait_ms
  FROM (
    SELECT channel AS channel, queue AS queue, toString(week_start) AS week, groupUniqArrayMerge(contacts) AS contacts_set
    FROM ${states}
    PREWHERE (week_start, channel, queue) GLOBAL IN (${staleKeysSql(current, totals, cols, totalsWhere)})
    WHERE ${where}
    GROUP BY channel, queue, week_start
  )
)
ORDER BY week, channel, queue`;
}

// ---------------------------------------------------------------------------------------------
// What the spike detector reads: reports per number, channel and week, for the numbers that could
// matter (a week at or above the detector's minimum count, or at least one report a week on average,
// which the overdispersion estimate uses); the long tail of once-reported numbers stays in ClickHouse.

export interface NumberChannelWeek {
  number: string;
  channel: string;
  week: string;
  reports: number;
}

export function numberChannelWeeksSql(db: string, f: Required<WeekFilter>, minCount: number, weeks: number): string {
  const t = tableSql(db, 'numberReportWeeks');
  return sql`SELECT number AS number, channel AS channel, week AS week, m_reports AS reports
FROM (
  SELECT number AS number, channel AS channel, toString(call_week) AS week, uniqExactMerge(reports) AS m_reports
  FROM ${t}
  WHERE ${weekBounds('call_week', f)} AND ${isNumberSql('number')} AND number IN (
    SELECT number FROM (
      SELECT number AS number, uniqExactMerge(reports) AS n
      FROM ${t}
      WHERE ${weekBounds('call_week', f)} AND ${isNumberSql('number')}
      GROUP BY number, call_week
    )
    GROUP BY number
    HAVING max(n) >= ${minCount} OR sum(n) >= ${weeks}
  )
  GROUP BY number, channel, call_week
)`;
}
