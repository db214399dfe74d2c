import { numberCdrWeeksSql, numberReportWeeksSql } from '../../processors/aggregates/weekly.ts';
import { from, NUMBER_VARIABLE, WEEK_TIME, weekInRange } from './range.ts';

// SQL of the "Number investigation" dashboard: everything about the number in the `number` variable
// (canonical E.164 as ingest stores it, e.g. +447700900123, or WITHHELD / INVALID). Weekly figures
// come from the processors' aggregate queries; the hour-of-week, disposition and report breakdowns
// have no aggregate of their own and read the deduplicated records directly (FINAL).

export function numberReportWeeksPanelSql(db: string): string {
  return `SELECT ${WEEK_TIME} AS time, reports AS reports, reporters AS reporters, reported_calls AS reported_calls
FROM ${from(numberReportWeeksSql(db))}
WHERE number = ${NUMBER_VARIABLE} AND ${weekInRange('toDate(week)')}
ORDER BY time`;
}

export function numberCdrWeeksPanelSql(db: string, shortCallSeconds: number): string {
  return `SELECT ${WEEK_TIME} AS time, calls AS calls, callees AS callees, answered_calls AS answered_calls, short_calls AS short_calls
FROM ${from(numberCdrWeeksSql(db, shortCallSeconds))}
WHERE number = ${NUMBER_VARIABLE} AND ${weekInRange('toDate(week)')}
ORDER BY time`;
}

/** The robocaller signature week by week: many callees, few answered, many short calls. */
export function numberCdrPatternSql(db: string, shortCallSeconds: number): string {
  return `SELECT week AS week, calls AS calls, callees AS callees, round(answered_share, 3) AS answered_share,
  round(short_share, 3) AS short_share, busiest_hour AS busiest_hour_of_week, busiest_hour_calls AS busiest_hour_calls,
  first_seen AS first_seen, last_seen AS last_seen
FROM ${from(numberCdrWeeksSql(db, shortCallSeconds))}
WHERE number = ${NUMBER_VARIABLE} AND ${weekInRange('toDate(week)')}
ORDER BY week DESC`;
}

/** Calls made per hour of the week (0 = Monday 00:00 local), over the time range. */
export function numberHourOfWeekSql(db: string): string {
  return `SELECT hour_of_week AS hour_of_week, count() AS calls, sum(is_answered) AS answered
FROM ${db}.cdrs FINAL
WHERE caller = ${NUMBER_VARIABLE} AND $__timeFilter(setup_time)
GROUP BY hour_of_week
ORDER BY hour_of_week`;
}

export function numberDispositionsSql(db: string): string {
  return `SELECT disposition AS disposition, count() AS calls, round(avg(billable_ms) / 1000, 1) AS mean_billable_s
FROM ${db}.cdrs FINAL
WHERE caller = ${NUMBER_VARIABLE} AND $__timeFilter(setup_time)
GROUP BY disposition
ORDER BY calls DESC, disposition`;
}

/** What reporters said about the number: call type and subject (counts only, no identities). */
export function numberReportBreakdownSql(db: string): string {
  return `SELECT call_type AS call_type, subject AS subject, uniqExact(report_id) AS reports, uniqExact(reporter_id) AS reporters
FROM ${db}.report_calls FINAL
WHERE number = ${NUMBER_VARIABLE} AND $__timeFilter(call_time)
GROUP BY call_type, subject
ORDER BY reports DESC, call_type, subject`;
}

/** All-time first and last sighting in reports and CDRs (NULL when never seen). */
export function numberSummarySql(db: string): string {
  return `SELECT
  (SELECT if(count() = 0, NULL, toString(min(call_time))) FROM ${db}.report_calls FINAL WHERE number = ${NUMBER_VARIABLE}) AS first_reported_call,
  (SELECT if(count() = 0, NULL, toString(max(call_time))) FROM ${db}.report_calls FINAL WHERE number = ${NUMBER_VARIABLE}) AS last_reported_call,
  (SELECT uniqExact(report_id) FROM ${db}.report_calls FINAL WHERE number = ${NUMBER_VARIABLE}) AS reports_total,
  (SELECT if(count() = 0, NULL, toString(min(setup_time))) FROM ${db}.cdrs FINAL WHERE caller = ${NUMBER_VARIABLE}) AS first_cdr,
  (SELECT if(count() = 0, NULL, toString(max(setup_time))) FROM ${db}.cdrs FINAL WHERE caller = ${NUMBER_VARIABLE}) AS last_cdr,
  (SELECT count() FROM ${db}.cdrs FINAL WHERE caller = ${NUMBER_VARIABLE}) AS cdr_calls_total`;
}

/** Every spike verdict ever given for the number (not limited to the range). */
export function numberSpikesSql(db: string): string {
  return `SELECT toString(week) AS week_start, toString(kind) AS kind, observed AS observed,
  round(expected, 2) AS expected_reports, round(upper, 2) AS upper_bound, round(score, 2) AS score
FROM ${db}.spikes
WHERE scope = 'number' AND key = ${NUMBER_VARIABLE}
ORDER BY week_start DESC`;
}
