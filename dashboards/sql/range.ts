import { raw } from '../../core/clickhouse/escape.ts';

// Fragments that tie a panel's SQL to Grafana's time range through the ClickHouse plugin's macros
// (see ../macros.ts for their expansion). The data are weekly: a week is shown when it overlaps the
// range, i.e. from the Monday of the range's first day to its last day (UTC dates; weeks themselves
// start Monday 00:00 in the processors' time zone, so a range edge can be off by the zone's offset).

/** `weekExpr` (a Date) lies in a week that overlaps the dashboard's time range. */
export function weekInRange(weekExpr: string): string {
  return `${weekExpr} >= toMonday(toDate($__fromTime)) AND ${weekExpr} <= toDate($__toTime)`;
}

/** The read model's week bounds for the weeks overlapping the range (the same weeks as weekInRange). */
export const RANGE_WEEKS = { fromWeek: raw('toMonday(toDate($__fromTime))'), toWeek: raw('toDate($__toTime)') };

/** "This week": the week holding the range's end (Date). */
export const THIS_WEEK = 'toMonday(toDate($__toTime))';

/** A week column of the aggregate builders ('YYYY-MM-DD') as the DateTime time series panels plot. */
export const WEEK_TIME = "toDateTime(toDate(week), 'UTC')";

/**
 * A number typed into the `number` text box, as a SQL string. Grafana's `percentencode` format leaves
 * only [A-Za-z0-9-_.~%], which cannot end a quoted string, and ClickHouse decodes it back: whatever
 * the user types (quotes, backslashes) stays a value. `sqlstring` would not do: it leaves backslashes.
 */
export const NUMBER_VARIABLE = "decodeURLComponent('${number:percentencode}')";

/** Wraps one of the processors' aggregate queries so an outer query can filter and reshape it. */
export function from(inner: string): string {
  return `(\n${inner}\n)`;
}
