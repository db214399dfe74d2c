import { raw, type RawSql } from '../clickhouse/escape.ts';
import { tableSql } from './tables.ts';

// Which of a caller's weeks can be read from their finished figures (migration 0340,
// processors/totals/number-cdr-totals.ts) and which must be merged from their states. A total's
// week figures are current while the `changes` of caller_week_history they were computed from still
// equal the states' own, its hours while those of caller_hour_history do: any row inserted since,
// even a copy of a stored record, changes them. A read checks the table of each kind of figure it uses. Only busy callers' closed weeks have totals; every other (caller, week) is
// merged as before, so a read is exact whether or not the task has run. `where` is SQL over `caller`
// and `week_start`, which all these tables have. The states' `changes` are read only for the
// (caller, week)s that have a total, so a quiet number's look-up reads nothing more than before. GLOBAL
// keeps the subqueries valid through Distributed tables on a cluster.

function changesSql(db: string, states: RawSql, where: RawSql): string {
  return `SELECT caller, week_start, sumMerge(changes) AS n FROM ${states.text}
    WHERE ${where.text} AND (caller, week_start) GLOBAL IN (SELECT caller, week_start FROM ${tableSql(db, 'numberCdrWeekTotals').text} WHERE ${where.text})
    GROUP BY caller, week_start`;
}

/**
 * Which figures of a total a read uses: a total's week figures (calls, answered, short, callees,
 * first and last) were computed from caller_week_history alone and its hours (busiest hour, calls by
 * hour) from caller_hour_history alone, so each is exact while its own table's `changes` match, and
 * a read that uses one kind checks only that one: half the look-up (for the busiest robocaller at
 * 100M the hour table's `changes` are 16-25 ms of the 40-56 ms that both cost).
 */
export type TotalFigures = 'week' | 'hours' | 'all';

/**
 * The current totals of the (caller, week)s in `where`, one row each: caller, week_start and the
 * figures as t_calls, t_answered, t_short, t_callees, t_first, t_last, t_busiest_hour,
 * t_busiest_hour_calls, t_hours, t_hour_calls, t_hour_answered (current for the `figures` named:
 * read no other).
 */
export function currentCdrTotalsSql(db: string, where: RawSql, withTotals = true, figures: TotalFigures = 'all'): RawSql {
  if (!withTotals) return noTotalsSql(db);
  const checks: string[] = [];
  if (figures !== 'hours') checks.push(`(caller, week_start, changes) GLOBAL IN (${changesSql(db, tableSql(db, 'numberCdrWeekHistory'), where)})`);
  if (figures !== 'week') checks.push(`(caller, week_start, hour_changes) GLOBAL IN (${changesSql(db, tableSql(db, 'numberCdrHistory'), where)})`);
  return raw(`SELECT caller, week_start, any(calls) AS t_calls, any(answered_calls) AS t_answered, any(short_calls) AS t_short,
    any(callees) AS t_callees, any(first_call) AS t_first, any(last_call) AS t_last, any(busiest_hour) AS t_busiest_hour,
    any(busiest_hour_calls) AS t_busiest_hour_calls, any(hours) AS t_hours, any(hour_calls) AS t_hour_calls, any(hour_answered) AS t_hour_answered
  FROM ${tableSql(db, 'numberCdrWeekTotals').text}
  WHERE ${where.text}
    AND ${checks.join('\n    AND ')}
  GROUP BY caller, week_start`);
}

/**
 * The columns of currentCdrTotalsSql and no row, read from no part: for a read whose caller has no
 * total at all (ReadModel checks first), which then merges its states as before the totals existed.
 */
function noTotalsSql(db: string): RawSql {
  return raw(`SELECT caller, week_start, calls AS t_calls, answered_calls AS t_answered, short_calls AS t_short, callees AS t_callees,
    first_call AS t_first, last_call AS t_last, busiest_hour AS t_busiest_hour, busiest_hour_calls AS t_busiest_hour_calls,
    hours AS t_hours, hour_calls AS t_hour_calls, hour_answered AS t_hour_answered
  FROM ${tableSql(db, 'numberCdrWeekTotals').text} WHERE 0`);
}

/** `(caller, week_start)` is not a (caller, week) with a total current for `figures`: its states are to be merged. */
export function withoutCurrentTotalSql(db: string, where: RawSql, withTotals = true, figures: TotalFigures = 'all'): RawSql {
  if (!withTotals) return raw('1');
  return raw(`(caller, week_start) GLOBAL NOT IN (SELECT caller, week_start FROM (${currentCdrTotalsSql(db, where, true, figures).text}))`);
}

/** How many week totals the callers in `where` have (current or not): none means there is nothing to look up. */
export function cdrTotalsCountSql(db: string, where: RawSql): string {
  return `SELECT count() AS n FROM ${tableSql(db, 'numberCdrWeekTotals').text} WHERE ${where.text}`;
}
