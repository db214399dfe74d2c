import { raw } from '../../core/clickhouse/escape.ts';
import { newNumbersSql as readModelNewNumbersSql } from '../../core/read-model/lists.ts';
import { channelWeeksSql, numberReportWeeksSql, overallWeeksSql } from '../../core/read-model/weekly.ts';
import { tableSql } from '../../core/read-model/tables.ts';
import { from, LAST_WEEK_TEXT, NOT_A_NUMBER_BUCKET, RANGE_WEEKS, THIS_WEEK, THIS_WEEK_TEXT, WEEK_TIME, weekInRange } from './range.ts';

// SQL of the "Nuisance reports" dashboard. The weekly counts are the read model's aggregate queries
// (core/read-model/weekly.ts) given the dashboard's time range as their week bounds, so they read
// only the weeks shown; the spike verdicts are read from the `spikes` view (migration 0100).

/** Reports per reporting channel and week of the reported call: time series. */
export function reportsByChannelSql(db: string): string {
  return `SELECT ${WEEK_TIME} AS time, channel AS channel, reports AS reports
FROM ${from(channelWeeksSql(db, RANGE_WEEKS))}
ORDER BY time, channel`;
}

/** All channels together per week: reports, distinct numbers, reported calls. */
export function reportsOverallSql(db: string): string {
  return `SELECT ${WEEK_TIME} AS time, reports AS reports, numbers AS numbers, reported_calls AS reported_calls
FROM ${from(overallWeeksSql(db, RANGE_WEEKS))}
ORDER BY time`;
}

/** The most reported numbers in the week holding the range's end, with last week's count beside. */
export function topNumbersSql(db: string, limit = 20): string {
  return `SELECT number AS number,
  sumIf(reports, week = ${THIS_WEEK_TEXT}) AS reports_this_week,
  sumIf(reporters, week = ${THIS_WEEK_TEXT}) AS reporters_this_week,
  sumIf(reported_calls, week = ${THIS_WEEK_TEXT}) AS calls_this_week,
  sumIf(reports, week = ${LAST_WEEK_TEXT}) AS reports_last_week
FROM ${from(numberReportWeeksSql(db, { fromWeek: raw(`${THIS_WEEK} - 7`), toWeek: raw(THIS_WEEK) }))}
WHERE ${NOT_A_NUMBER_BUCKET}
GROUP BY number
HAVING reports_this_week > 0
ORDER BY reports_this_week DESC, reporters_this_week DESC, number
LIMIT ${Math.trunc(limit)}`;
}

/** Numbers first reported (by call week) in the week holding the range's end. */
export function newNumbersSql(db: string, limit = 50): string {
  return `SELECT number AS number, reports AS reports_this_week, reporters AS reporters_this_week
FROM ${from(readModelNewNumbersSql(db, raw(THIS_WEEK)))}
LIMIT ${Math.trunc(limit)}`;
}

/** Live spike verdicts (all scopes) of the weeks in range, newest and strongest first. */
export function spikesTableSql(db: string): string {
  return `SELECT toString(week) AS week_start, toString(scope) AS scope, key AS key, toString(kind) AS kind,
  observed AS observed, round(expected, 2) AS expected_reports, round(upper, 2) AS upper_bound, round(score, 2) AS score
FROM ${tableSql(db, 'spikes').text}
WHERE ${weekInRange('week')}
ORDER BY week_start DESC, scope, score DESC, key`;
}

/** Channel and whole-stream verdicts as annotations (time, text, tags) on the weekly charts. */
export function spikeAnnotationsSql(db: string): string {
  return `SELECT toDateTime(week, 'UTC') AS time,
  concat(toString(kind), ' ', toString(scope), ' ', key, ': ', toString(observed), ' reports, expected ', toString(round(expected, 1))) AS text,
  concat(toString(scope), ',', toString(kind)) AS tags
FROM ${tableSql(db, 'spikes').text}
WHERE scope != 'number' AND ${weekInRange('week')}
ORDER BY time, text`;
}
