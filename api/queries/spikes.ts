import type { Clickhouse } from '../../core/clickhouse/client.ts';
import { ident, raw, sql } from '../../core/clickhouse/escape.ts';
import { countSql, limitSql, weekRangeSql, type Page, type WeekRange } from './filters.ts';

// Reads of spike detection's verdicts through the `spikes` view (migration 0100: latest live
// verdict per week, scope and key). processors/spikes/verdict-store.ts reads whole week ranges for
// the evaluator; the API needs filters and pages.

export interface SpikeFilter extends WeekRange {
  scope?: 'overall' | 'channel' | 'number';
  kind?: 'SPIKE' | 'LEVEL_SHIFT';
  key?: string;
}

export interface SpikeRow {
  week: string;
  scope: string;
  key: string;
  kind: string;
  observed: number;
  expected: number;
  upper: number;
  score: number;
  evaluated_at: string;
}

// Output aliases differ from the view's column names: ClickHouse substitutes aliases into WHERE, so
// `toString(week) AS week` would turn the date filter into a string comparison.
interface RawSpikeRow extends Omit<SpikeRow, 'week' | 'scope' | 'key' | 'kind' | 'evaluated_at'> {
  week_text: string;
  scope_text: string;
  key_text: string;
  kind_text: string;
  evaluated_text: string;
}

function spikesBodySql(db: string, f: SpikeFilter): string {
  const conditions = [weekRangeSql('week', f).text];
  if (f.scope !== undefined) conditions.push(sql`scope = ${f.scope}`);
  if (f.kind !== undefined) conditions.push(sql`kind = ${f.kind}`);
  if (f.key !== undefined) conditions.push(sql`key = ${f.key}`);
  return sql`SELECT toString(week) AS week_text, toString(scope) AS scope_text, key AS key_text, toString(kind) AS kind_text,
  observed AS observed, expected AS expected, upper AS upper, score AS score, toString(evaluated_at) AS evaluated_text
FROM ${ident(db)}.spikes
WHERE ${raw(conditions.join(' AND '))}
ORDER BY week DESC, score DESC, key`;
}

export function spikesSql(db: string, f: SpikeFilter, page?: Page): string {
  return page === undefined ? spikesBodySql(db, f) : `${spikesBodySql(db, f)}\n${limitSql(page).text}`;
}

export async function listSpikes(ch: Clickhouse, f: SpikeFilter, page?: Page): Promise<SpikeRow[]> {
  const rows = await ch.query<RawSpikeRow>(spikesSql(ch.database, f, page));
  return rows.map(({ week_text, scope_text, key_text, kind_text, evaluated_text, ...r }) => ({
    week: week_text,
    scope: scope_text,
    key: key_text,
    kind: kind_text,
    ...r,
    evaluated_at: evaluated_text,
  }));
}

export async function countSpikes(ch: Clickhouse, f: SpikeFilter): Promise<number> {
  const rows = await ch.query<{ total: number }>(countSql(spikesBodySql(ch.database, f)));
  return rows[0]?.total ?? 0;
}
