import { ident, raw, sql, type RawSql } from '../clickhouse/escape.ts';
import { mondayMs } from '../weeks.ts';

// Filters and paging shared by the read queries. Weeks are Mondays (YYYY-MM-DD), both ends inclusive;
// every value enters SQL only as a literal written by core/clickhouse/escape.ts.

/** A week: its Monday ('YYYY-MM-DD', checked and written as a literal) or, for Grafana panels, a Date expression. */
export type WeekBound = string | RawSql;

export interface WeekFilter {
  fromWeek?: WeekBound;
  toWeek?: WeekBound;
}

/** `column >= toDate(fromWeek) AND column <= toDate(toWeek)` for the ends given, else `1`. */
export function weekBounds(column: string, f: WeekFilter): RawSql {
  const parts: string[] = [];
  for (const [op, v] of [['>=', f.fromWeek], ['<=', f.toWeek]] as const) {
    if (v === undefined) continue;
    if (typeof v === 'string') mondayMs(v);
    parts.push(sql`${ident(column)} ${raw(op)} toDate(${v})`);
  }
  return raw(parts.length ? parts.join(' AND ') : '1');
}

/** `column IN (…)`; `1` when no list is given, `0` for an empty list. Values are literals; a RawSql is an expression. */
export function inList(column: string, values: readonly (string | RawSql)[] | undefined): RawSql {
  if (values === undefined) return raw('1');
  if (values.length === 0) return raw('0');
  return raw(sql`${ident(column)} IN (${raw(values.map((v) => sql`${v}`).join(', '))})`);
}

export interface Page {
  limit: number;
  offset: number;
}

/** `LIMIT offset, limit`: the form both 18.16 and 26.x accept. */
export function limitSql(page: Page): RawSql {
  return raw(sql`LIMIT ${page.offset}, ${page.limit}`);
}

/** Wraps a row query into one that counts its rows (for `page.total`). */
export function countSql(rowsSql: string): string {
  return `SELECT count() AS total FROM (${rowsSql})`;
}
