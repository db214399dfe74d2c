import { raw } from '../../core/clickhouse/escape.ts';
import { allTimeSummarySql, callTypeSubjectSql, dispositionsSql, hourOfWeekSql } from '../../core/read-model/number.ts';
import { tableSql } from '../../core/read-model/tables.ts';
import { numberCdrWeeksSql, numberReportWeeksSql } from '../../core/read-model/weekly.ts';
import { from, NUMBER_VARIABLE, RANGE_WEEKS, WEEK_TIME, weekInRange } from './range.ts';

/** The read model's filter for the number in the `number` variable over the weeks of the range. */
const THE_NUMBER_IN_RANGE = { numbers: [raw(NUMBER_VARIABLE)], ...RANGE_WEEKS };

// SQL of the "Number investigation" dashboard: everything about the number in the `number` variable
// (canonical E.164 as ingest stores it, e.g. +447700900123, or WITHHELD / INVALID). Weekly figures
// and the hour-of-week come from the number-first aggregates; the disposition and call-type panels,
// bounded by the exact time range, read the number's own record rows, one row per record identity
// (core/read-model/number.ts).

export function numberReportWeeksPanelSql(db: string): string {
  return `SELECT ${WEEK_TIME} AS time, reports AS reports, reporters AS reporters, reported_calls AS reported_calls
FROM ${from(numberReportWeeksSql(db, THE_NUMBER_IN_RANGE))}
ORDER BY time`;
}

export function numberCdrWeeksPanelSql(db: string): string {
  return `SELECT ${WEEK_TIME} AS time, calls AS calls, callees AS callees, answered_calls AS answered_calls, short_calls AS short_calls
FROM ${from(numberCdrWeeksSql(db, THE_NUMBER_IN_RANGE))}
ORDER BY time`;
}

/** The robocaller signature week by week: many callees, few answered, many short calls. */
export function numberCdrPatternSql(db: string): string {
  return `SELECT week AS week, calls AS calls, callees AS callees, round(answered_share, 3) AS answered_share,
  round(short_share, 3) AS short_share, busiest_hour AS busiest_hour_of_week, busiest_hour_calls AS busiest_hour_calls,
  first_seen AS first_seen, last_seen AS last_seen
FROM ${from(numberCdrWeeksSql(db, THE_NUMBER_IN_RANGE))}
ORDER BY week DESC`;
}

/** Calls made per hour of the week (0 = Monday 00:00 local), over the weeks in the time range. */
export function numberHourOfWeekSql(db: string): string {
  return hourOfWeekSql(db, raw(NUMBER_VARIABLE), raw(weekInRange('week_start')));
}

export function numberDispositionsSql(db: string): string {
  return dispositionsSql(db, raw(NUMBER_VARIABLE), raw('$__timeFilter(setup_time)'));
}

/** What reporters said about the number: call type and subject (counts only, no identities). */
export function numberReportBreakdownSql(db: string): string {
  return callTypeSubjectSql(db, raw(NUMBER_VARIABLE), raw('$__timeFilter(call_time)'));
}

/** All-time first and last sighting in reports and CDRs (NULL when never seen). */
export function numberSummarySql(db: string): string {
  return allTimeSummarySql(db, raw(NUMBER_VARIABLE));
}

/** Every spike verdict ever given for the number (not limited to the range). */
export function numberSpikesSql(db: string): string {
  return `SELECT toString(week) AS week_start, toString(kind) AS kind, observed AS observed,
  round(expected, 2) AS expected_reports, round(upper, 2) AS upper_bound, round(score, 2) AS score
FROM ${tableSql(db, 'spikes').text}
WHERE scope = 'number' AND key = ${NUMBER_VARIABLE}
ORDER BY week_start DESC`;
}
