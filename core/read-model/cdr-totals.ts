import { raw, type RawSql } from '../clickhouse/escape.ts';
import { tableSql } from './tables.ts';

// Which of a caller's weeks can be read from their finished figures (migration 0340,
// processors/totals/number-cdr-totals.ts) and which must be merged from their states. A total is
// current while both `changes` it was computed from, of caller_week_history and of
// caller_hour_history, still equal the states' own: any row inserted since, even a copy of a stored
// record, changes them. Only busy callers' closed weeks have totals; every other (caller, week) is
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
 * The current totals of the (caller, week)s in `where`, one row each: caller, week_start and the
 * figures as t_calls, t_answered, t_short, t_callees, t_first, t_last, t_busiest_hour,
 * t_busiest_hour_calls, t_hours, t_hour_calls, t_hour_answered.
 */
export function currentCdrTotalsSql(db: string, where: RawSql, withTotals = true): RawSql {
  if (!withTotals) return noTotalsSql(db);
  return raw(`SELECT caller, week_start, any(calls) AS t_calls, any(answered_calls) AS t_answered, any(short_calls) AS t_short,
    any(callees) AS t_callees, any(first_call) AS t_first, any(last_call) AS t_last, any(busiest_hour) AS t_busiest_hour,
    any(busiest_hour_calls) AS t_busiest_hour_calls, any(hours) AS t_hours, any(hour_calls) AS t_hour_calls, any(hour_answered) AS t_hour_answered
  FROM ${tableSql(db, 'numberCdrWeekTotals').text}
  WHERE ${where.text}
    AND (caller, week_start, changes) GLOBAL IN (${changesSql(db, tableSql(db, 'numberCdrWeekHistory'), where)})
    AND (caller, week_start, hour_changes) GLOBAL IN (${changesSql(db, tableSql(db, 'numberCdrHistory'), where)})
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

/** `(caller, week_start)` is not a (caller, week) with a current total: its states are to be merged. */
export function withoutCurrentTotalSql(db: string, where: RawSql, withTotals = true): RawSql {
  if (!withTotals) return raw('1');
  return raw(`(caller, week_start) GLOBAL NOT IN (SELECT caller, week_start FROM (${currentCdrTotalsSql(db, where).text}))`);
}

/** How many week totals the callers in `where` have (current or not): none means there is nothing to look up. */
export function cdrTotalsCountSql(db: string, where: RawSql): string {
  return `SELECT count() AS n FROM ${tableSql(db, 'numberCdrWeekTotals').text} WHERE ${where.text}`;
}
