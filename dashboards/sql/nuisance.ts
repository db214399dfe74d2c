import { raw } from '../../core/clickhouse/escape.ts';
import { newNumbersSql as readModelNewNumbersSql, topNumbersWithFiguresSql } from '../../core/read-model/lists.ts';
import { channelWeeksSql, overallWeeksSql } from '../../core/read-model/weekly.ts';
import { tableSql } from '../../core/read-model/tables.ts';
import { from, RANGE_WEEKS, THIS_WEEK, WEEK_TIME, weekInRange } from './range.ts';

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

/**
 * The most reported numbers in the week holding the range's end, with last week's count beside,
 * ranked as the investigator API ranks them (GET /v1/weeks/:week/top?by=reports). Merging every
 * number's three states for two weeks and sorting them took ~530 ms at 100M CDRs (bench/scale/README.md).
 */
export function topNumbersSql(db: string, limit = 20): string {
  return topNumbersWithFiguresSql(db, raw(THIS_WEEK), limit);
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
