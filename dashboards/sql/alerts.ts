import { tableSql } from '../../core/read-model/tables.ts';
import { weekInRange } from './range.ts';

// SQL of the ClickHouse alert rules. Rules run in Grafana's backend: macros are expanded (over the
// rule's relative time range) but template variables are not, so none appear here. A rule's query
// returns one numeric column; the string columns become the alert instance's labels.

/**
 * Live spike verdicts (every scope and kind) of the weeks overlapping the rule's range, one row per
 * series with its newest week as a label (latest_week): each row is an alert instance, `observed` its value.
 */
export function spikesAlertSql(db: string): string {
  return `SELECT toString(scope) AS scope, key AS key, toString(kind) AS kind, toString(max(week)) AS latest_week,
  toFloat64(argMax(observed, week)) AS observed
FROM ${tableSql(db, 'spikes').text}
WHERE ${weekInRange('week')}
GROUP BY scope, key, kind
ORDER BY scope, key, kind`;
}

/**
 * Records stored whose receipt time (received_at, set by the collector) lies in the rule's range:
 * CDRs plus reported calls. Copies not yet merged count too: this measures the pipeline moving.
 */
export function recordsStoredAlertSql(db: string): string {
  return `SELECT toFloat64(
  (SELECT count() FROM ${tableSql(db, 'cdrRecords').text} WHERE $__timeFilter(received_at))
  + (SELECT count() FROM ${tableSql(db, 'reportCallRecords').text} WHERE $__timeFilter(received_at))) AS records_stored`;
}
