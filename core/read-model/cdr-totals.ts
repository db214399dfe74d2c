import { raw, sql, type RawSql } from '../clickhouse/escape.ts';
import { addWeeks } from '../weeks.ts';
import { tableSql } from './tables.ts';

// Which of a caller's weeks can be read from their finished figures (migration 0340,
// processors/totals/number-cdr-totals.ts) and which must be merged from their states. A total's
// week figures are current while the `changes` of caller_week_history they were computed from still
// equal the states' own, its hours while those of caller_hour_history do: any row inserted since,
// even a copy of a stored record, changes them. Only busy callers' closed weeks have totals; every
// other (caller, week) is merged as before, so a read is exact whether or not the task has run.
// `where` is SQL over `caller` and `week_start`, which all these tables have.
//
// Two ways to know which totals are current (CdrTotalsSource):
// - 'check': each read compares the `changes` itself, in subqueries (a Grafana panel, which is one
//   SQL text, the totals task, the audits). The states' `changes` are read only for the (caller,
//   week)s that have a total, so a quiet number's look-up reads nothing more than before. GLOBAL
//   keeps the subqueries valid through Distributed tables on a cluster.
// - a snapshot: the read model compares them once (cdrTotalsSnapshot) and the reads of one
//   look-up name the current totals as literals. A number profile makes three CDR reads, and each
//   used the comparison twice (the totals to take, the weeks to merge): for the busiest robocaller
//   at 100M that was most of their 110-150 ms (bench/scale/README.md). A total found current is
//   read even if a late record reaches its week between the snapshot and the read: the look-up
//   shows that week as it stood at the snapshot, moments earlier, and the next look-up shows the
//   record (a record is never counted twice: a week is read from its total or its states, never both).

/**
 * Which figures of a total a read uses: a total's week figures (calls, answered, short, callees,
 * first and last) were computed from caller_week_history alone and its hours (busiest hour, calls by
 * hour) from caller_hour_history alone, so each is exact while its own table's `changes` match, and
 * a read that uses one kind checks only that one.
 */
export type TotalFigures = 'week' | 'hours' | 'all';

/** A total's figures, as a snapshot holds them (the columns of caller_week_totals that reads use). */
export interface CdrTotalFigures {
  calls: number;
  answered_calls: number;
  short_calls: number;
  callees: number;
  /** UTC 'YYYY-MM-DD hh:mm:ss'. */
  first_seen: string;
  last_seen: string;
  busiest_hour: number;
  busiest_hour_calls: number;
  /** The hours of the week with calls (0 = Monday 00h local) and their calls, in the same order. */
  hours: number[];
  hour_calls: number[];
}

/** One row of caller_week_totals in a snapshot, with which of its figures are current. */
export interface CdrTotalKey extends Partial<CdrTotalFigures> {
  caller: string;
  week: string;
  /** UInt64 as ClickHouse writes it in JSON (a string) or a number. */
  changes: string | number;
  hour_changes: string | number;
  week_current: number;
  hours_current: number;
}

export type CdrTotalsSource =
  | { readonly kind: 'check' }
  /**
   * Taken for `callers` (every caller a read of it may name): every total row of theirs in the read's
   * weeks (current or not); none means they have no total.
   */
  | {
      readonly kind: 'snapshot';
      readonly callers: readonly string[];
      readonly keys: readonly CdrTotalKey[];
      /** Callers' distinct-callee states (migration 0350) whose every week's `changes` are current. */
      readonly callees?: readonly CallerCalleeState[];
    };

/** A row of caller_callee_totals: the weeks its callee state covers and their `changes` then. */
export interface CallerCalleeState {
  caller: string;
  /** The weeks the state covers and their `changes` when it was computed. */
  covered_weeks: string[];
  covered_changes: string[];
  /** cityHash64(weeks, week_changes), as a decimal string. */
  version: string;
}

export const CHECK_TOTALS: CdrTotalsSource = { kind: 'check' };

function changesSql(db: string, states: RawSql, where: RawSql): string {
  return `SELECT caller, week_start, sumMerge(changes) AS n FROM ${states.text}
    WHERE ${where.text} AND (caller, week_start) GLOBAL IN (SELECT caller, week_start FROM ${tableSql(db, 'numberCdrWeekTotals').text} WHERE ${where.text})
    GROUP BY caller, week_start`;
}

/** The in-query comparisons of `changes` for the figures used (the 'check' source). */
function checksSql(db: string, where: RawSql, figures: TotalFigures): string[] {
  const checks: string[] = [];
  if (figures !== 'hours') checks.push(`(caller, week_start, changes) GLOBAL IN (${changesSql(db, tableSql(db, 'numberCdrWeekHistory'), where)})`);
  if (figures !== 'week') checks.push(`(caller, week_start, hour_changes) GLOBAL IN (${changesSql(db, tableSql(db, 'numberCdrHistory'), where)})`);
  return checks;
}

/**
 * The total rows of the callers and weeks in `where`, with their figures (step 1 of a snapshot): for
 * a quiet number, none. The look-up takes the current ones' figures from here instead of reading the
 * totals again in its queries.
 */
export function cdrTotalRowsSql(db: string, where: RawSql): string {
  return `SELECT caller, toString(week_start) AS week, toString(changes) AS changes, toString(hour_changes) AS hour_changes,
    calls, answered_calls, short_calls, callees, toString(first_call) AS first_seen, toString(last_call) AS last_seen,
    busiest_hour, busiest_hour_calls, hours, hour_calls
  FROM ${tableSql(db, 'numberCdrWeekTotals').text}
  WHERE ${where.text}`;
}

export interface TotalRow extends Partial<CdrTotalFigures> {
  caller: string;
  week: string;
  changes: string;
  hour_changes: string;
}

export interface StateChanges {
  /** 'week': caller_week_history's, 'hours': caller_hour_history's. */
  kind: 'week' | 'hours';
  caller: string;
  week: string;
  n: string;
}

/**
 * The states' `changes` of the callers and weeks in `where` (step 2 of a snapshot, when step 1 found
 * total rows): every week of theirs in range, those without a total too (at 100M CDRs naming the
 * (caller, week)s with totals as a literal list of pairs made this 11 ms instead of 5).
 */
export function stateChangesSql(db: string, where: RawSql): string {
  const of = (kind: StateChanges['kind'], states: RawSql): string =>
    `SELECT '${kind}' AS kind, caller, toString(week_start) AS week, toString(sumMerge(changes)) AS n FROM ${states.text}
  WHERE ${where.text}
  GROUP BY caller, week_start`;
  return `${of('week', tableSql(db, 'numberCdrWeekHistory'))}\nUNION ALL\n${of('hours', tableSql(db, 'numberCdrHistory'))}`;
}

/**
 * The rows of caller_callee_totals of the callers (read with step 2 of a snapshot, when they have
 * totals): their weeks, `changes` and a hash of both that names the row to read its state by (naming
 * it by the two arrays as literals made the read 9 ms longer at 100M CDRs).
 */
export function callerCalleeStatesSql(db: string, callers: readonly string[]): string {
  // Not `AS weeks`: ClickHouse would hash the alias's strings.
  return `SELECT caller, arrayMap(w -> toString(w), weeks) AS covered_weeks, arrayMap(n -> toString(n), week_changes) AS covered_changes,
    toString(cityHash64(weeks, week_changes)) AS version
  FROM ${tableSql(db, 'callerCalleeTotals').text}
  WHERE caller IN (${callers.map((c) => sql`${c}`).join(', ')})`;
}

/**
 * A snapshot for `callers` from their total rows and the states' `changes`: a figure is current when
 * they are equal; a callee state when each of its weeks' `changes` are (only weeks with totals in the
 * read's range have them here, so a state with a week outside the range is never current).
 */
export function cdrTotalsSnapshot(
  callers: readonly string[],
  rows: readonly TotalRow[],
  changes: readonly StateChanges[],
  calleeStates: readonly CallerCalleeState[] = [],
): CdrTotalsSource {
  const now = new Map(changes.map((c) => [`${c.kind} ${c.caller} ${c.week}`, c.n]));
  const keys = rows.map((r) => ({
    ...r,
    week_current: now.get(`week ${r.caller} ${r.week}`) === r.changes ? 1 : 0,
    hours_current: now.get(`hours ${r.caller} ${r.week}`) === r.hour_changes ? 1 : 0,
  }));
  const callees = calleeStates.filter((c) => c.covered_weeks.length > 0 && c.covered_weeks.every((w, i) => now.get(`week ${c.caller} ${w}`) === c.covered_changes[i]));
  return { kind: 'snapshot', callers, keys, callees };
}

const changesLiteral = (n: string | number): string => BigInt(n).toString();

/** The snapshot's conditions for the figures used, as literal lists; undefined when no total is current for them. */
function snapshotChecks(keys: readonly CdrTotalKey[], figures: TotalFigures): string[] | undefined {
  const checks: string[] = [];
  if (figures !== 'hours') {
    const current = keys.filter((k) => k.week_current === 1);
    if (current.length === 0) return undefined;
    checks.push(`(caller, week_start, changes) IN (${current.map((k) => sql`(${k.caller}, toDate(${k.week}), ${raw(changesLiteral(k.changes))})`).join(', ')})`);
  }
  if (figures !== 'week') {
    const current = keys.filter((k) => k.hours_current === 1);
    if (current.length === 0) return undefined;
    checks.push(`(caller, week_start, hour_changes) IN (${current.map((k) => sql`(${k.caller}, toDate(${k.week}), ${raw(changesLiteral(k.hour_changes))})`).join(', ')})`);
  }
  return checks;
}

/**
 * The current totals of the (caller, week)s in `where`, one row each: caller, week_start and the
 * figures as t_calls, t_answered, t_short, t_callees, t_first, t_last, t_busiest_hour,
 * t_busiest_hour_calls, t_hours, t_hour_calls, t_hour_answered (current for the `figures` named:
 * read no other).
 */
export function currentCdrTotalsSql(db: string, where: RawSql, source: CdrTotalsSource = CHECK_TOTALS, figures: TotalFigures = 'all'): RawSql {
  const checks = source.kind === 'check' ? checksSql(db, where, figures) : snapshotChecks(source.keys, figures);
  if (!checks) return noTotalsSql(db);
  return raw(`SELECT caller, week_start, any(calls) AS t_calls, any(answered_calls) AS t_answered, any(short_calls) AS t_short,
    any(callees) AS t_callees, any(first_call) AS t_first, any(last_call) AS t_last, any(busiest_hour) AS t_busiest_hour,
    any(busiest_hour_calls) AS t_busiest_hour_calls, any(hours) AS t_hours, any(hour_calls) AS t_hour_calls, any(hour_answered) AS t_hour_answered
  FROM ${tableSql(db, 'numberCdrWeekTotals').text}
  WHERE ${where.text}
    AND ${checks.join('\n    AND ')}
  GROUP BY caller, week_start`);
}

/**
 * The totals of the (caller, week)s in `where` that are current for their week figures or their
 * hours, read once, one row each: the columns of currentCdrTotalsSql, each kind of figure taken from
 * a row current for it, and t_week_current and t_hours_current (1 when that kind is current).
 */
export function cdrTotalsByFigureSql(db: string, where: RawSql, source: CdrTotalsSource = CHECK_TOTALS): RawSql {
  const week = source.kind === 'check' ? checksSql(db, where, 'week') : snapshotChecks(source.keys, 'week');
  const hours = source.kind === 'check' ? checksSql(db, where, 'hours') : snapshotChecks(source.keys, 'hours');
  if (!week && !hours) return raw(`SELECT *, toUInt8(0) AS t_week_current, toUInt8(0) AS t_hours_current FROM (${noTotalsSql(db).text})`);
  const wc = week?.[0] ?? '0';
  const hc = hours?.[0] ?? '0';
  return raw(`SELECT caller, week_start, anyIf(calls, wc) AS t_calls, anyIf(answered_calls, wc) AS t_answered, anyIf(short_calls, wc) AS t_short,
    anyIf(callees, wc) AS t_callees, anyIf(first_call, wc) AS t_first, anyIf(last_call, wc) AS t_last, anyIf(busiest_hour, hc) AS t_busiest_hour,
    anyIf(busiest_hour_calls, hc) AS t_busiest_hour_calls, anyIf(hours, hc) AS t_hours, anyIf(hour_calls, hc) AS t_hour_calls,
    anyIf(hour_answered, hc) AS t_hour_answered, max(wc) AS t_week_current, max(hc) AS t_hours_current
  FROM (
    SELECT caller, week_start, calls, answered_calls, short_calls, callees, first_call, last_call, busiest_hour, busiest_hour_calls, hours,
      hour_calls, hour_answered, toUInt8(${wc}) AS wc, toUInt8(${hc}) AS hc
    FROM ${tableSql(db, 'numberCdrWeekTotals').text}
    WHERE ${where.text}
  )
  WHERE wc OR hc
  GROUP BY caller, week_start`);
}

/**
 * The columns of currentCdrTotalsSql and no row, read from no part: for a read whose callers have no
 * current total, which then merges their states as before the totals existed.
 */
function noTotalsSql(db: string): RawSql {
  return raw(`SELECT caller, week_start, calls AS t_calls, answered_calls AS t_answered, short_calls AS t_short, callees AS t_callees,
    first_call AS t_first, last_call AS t_last, busiest_hour AS t_busiest_hour, busiest_hour_calls AS t_busiest_hour_calls,
    hours AS t_hours, hour_calls AS t_hour_calls, hour_answered AS t_hour_answered
  FROM ${tableSql(db, 'numberCdrWeekTotals').text} WHERE 0`);
}

/** `(caller, week_start)` is not a (caller, week) with a total current for `figures`: its states are to be merged. */
export function withoutCurrentTotalSql(db: string, where: RawSql, source: CdrTotalsSource = CHECK_TOTALS, figures: TotalFigures = 'all'): RawSql {
  if (source.kind === 'check') return raw(`(caller, week_start) GLOBAL NOT IN (SELECT caller, week_start FROM (${currentCdrTotalsSql(db, where, source, figures).text}))`);
  // Per caller, the weeks around its current totals as ranges of week_start, which the partition key
  // prunes (a NOT IN list is not: at 100M it read a busy caller's rows in all 52 weeks' partitions,
  // 30-66 ms, to keep one week's: 3 ms). A week is current for `figures` when one total row is.
  const current = (k: CdrTotalKey): boolean => (figures === 'hours' || k.week_current === 1) && (figures === 'week' || k.hours_current === 1);
  const perCaller = source.callers.map((caller) => {
    const weeks = [...new Set(source.keys.filter((k) => k.caller === caller && current(k)).map((k) => k.week))].sort();
    return weeks.length === 0 ? sql`caller = ${caller}` : sql`(caller = ${caller} AND (${raw(weeksOutsideSql(weeks))}))`;
  });
  return raw(perCaller.length === 0 ? '0' : `(${perCaller.join(' OR ')})`);
}

/** week_start is none of `weeks` (sorted Mondays), as ranges between them. */
export function weeksOutsideSql(weeks: readonly string[]): string {
  const ranges = [sql`week_start < toDate(${weeks[0] ?? ''})`];
  for (let i = 1; i < weeks.length; i++) {
    const before = weeks[i - 1] ?? '';
    const week = weeks[i] ?? '';
    if (addWeeks(before, 1) !== week) ranges.push(sql`(week_start > toDate(${before}) AND week_start < toDate(${week}))`);
  }
  ranges.push(sql`week_start > toDate(${weeks[weeks.length - 1] ?? ''})`);
  return ranges.join(' OR ');
}

/**
 * Whether a read's weeks without a current total are counted on the callers' record rows rather than
 * merged from their states (./cdr-figures.ts): when the snapshot shows the callers have totals, i.e.
 * they are busy. A busy caller's week states hold thousands of identities each, stored in granules of
 * 32 rows that are deserialised whole, and its rows are ordered by caller in each week's partition: at
 * 100M its open week took 13 ms from states and its 52 weeks' distinct callees 44 ms, against 3 and 19
 * ms from rows. A quiet number has a few rows in each of many partitions and one granule of states.
 * With the 'check' source the rows' filter would evaluate the comparisons again: states.
 */
export function staleWeeksFromRows(source: CdrTotalsSource): boolean {
  return source.kind === 'snapshot' && source.keys.length > 0;
}
