import { raw, sql, type RawSql } from '../../core/clickhouse/escape.ts';
import { weekBounds } from '../../processors/aggregates/weekly.ts';

// Small SQL fragments shared by the API's own queries. Inputs are validated Mondays and canonical
// numbers (api/validation.ts); they still enter SQL only as literals written by escape.ts.

export interface WeekRange {
  from?: string;
  to?: string;
}

/** `column >= toDate(from) AND column <= toDate(to)` for the ends given, else `1`. */
export function weekRangeSql(column: string, range: WeekRange): RawSql {
  return weekBounds(column, { fromWeek: range.from, toWeek: range.to });
}

export interface Page {
  limit: number;
  offset: number;
}

/** `LIMIT offset, limit`: the form both 18.16 and 26.x accept. */
export function limitSql(page: Page): RawSql {
  return raw(sql`LIMIT ${page.offset}, ${page.limit}`);
}

/** The WITHHELD and INVALID buckets are stored in the number columns but are not numbers. */
export const NOT_A_BUCKET = "NOT IN ('WITHHELD', 'INVALID')";

/** Wraps a row query into one that counts its rows (for `page.total`). */
export function countSql(rowsSql: string): string {
  return `SELECT count() AS total FROM (${rowsSql})`;
}
