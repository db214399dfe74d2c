import type { Clickhouse } from '../../core/clickhouse/client.ts';
import { ident, sql } from '../../core/clickhouse/escape.ts';
import { countSql, limitSql, weekRangeSql, type Page, type WeekRange } from './filters.ts';

// Numbers whose E.164 form starts with a prefix (a block of a range, e.g. +447700900), from reports
// and CDRs, with distinct counts over the week range. The weekly aggregates filter by exact numbers
// only, so the prefix filter lives here, inside the scans.

export interface PrefixNumberRow {
  number: string;
  reports: number;
  reporters: number;
  reported_calls: number;
  cdr_calls: number;
  /** UTC 'YYYY-MM-DD hh:mm:ss', earliest / latest reported call or CDR. */
  first_seen: string;
  last_seen: string;
}

function prefixBodySql(db: string, prefix: string, range: WeekRange): string {
  // prefix is '+' and digits (api/validation.ts), so it holds no LIKE wildcard.
  const pattern = `${prefix}%`;
  return sql`SELECT number AS number, sum(r) AS reports, sum(rp) AS reporters, sum(rc) AS reported_calls, sum(cc) AS cdr_calls,
  toString(min(f)) AS first_seen, toString(max(l)) AS last_seen
FROM (
  SELECT number AS number, uniqExact(report_id) AS r, uniqExact(reporter_id) AS rp, count() AS rc, toUInt64(0) AS cc,
    min(call_time) AS f, max(call_time) AS l
  FROM ${ident(db)}.report_calls FINAL
  WHERE number LIKE ${pattern} AND ${weekRangeSql('call_week', range)}
  GROUP BY number
  UNION ALL
  SELECT caller AS number, toUInt64(0) AS r, toUInt64(0) AS rp, toUInt64(0) AS rc, count() AS cc,
    min(setup_time) AS f, max(setup_time) AS l
  FROM ${ident(db)}.cdrs FINAL
  WHERE caller LIKE ${pattern} AND ${weekRangeSql('week_start', range)}
  GROUP BY caller
)
GROUP BY number
ORDER BY number`;
}

export function numbersByPrefix(ch: Clickhouse, prefix: string, range: WeekRange, page: Page): Promise<PrefixNumberRow[]> {
  return ch.query<PrefixNumberRow>(`${prefixBodySql(ch.database, prefix, range)}\n${limitSql(page).text}`);
}

export async function countNumbersByPrefix(ch: Clickhouse, prefix: string, range: WeekRange): Promise<number> {
  const rows = await ch.query<{ total: number }>(countSql(prefixBodySql(ch.database, prefix, range)));
  return rows[0]?.total ?? 0;
}
