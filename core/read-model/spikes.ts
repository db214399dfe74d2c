import { raw, sql } from '../clickhouse/escape.ts';
import { limitSql, weekBounds, type Page, type WeekFilter } from './filters.ts';
import { tableSql } from './tables.ts';

// Reads of spike detection's verdicts through the `spikes` view (migration 0100: latest live
// verdict per week, scope and key), with filters and pages. (processors/spikes/verdict-store.ts, the
// detector's own state, reads the verdict table it writes.)

export interface SpikeFilter extends WeekFilter {
  scope?: 'overall' | 'channel' | 'number';
  kind?: 'SPIKE' | 'LEVEL_SHIFT' | 'DROP';
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
export interface RawSpikeRow extends Omit<SpikeRow, 'week' | 'scope' | 'key' | 'kind' | 'evaluated_at'> {
  week_text: string;
  scope_text: string;
  key_text: string;
  kind_text: string;
  evaluated_text: string;
}

function spikesBodySql(db: string, f: SpikeFilter): string {
  const conditions = [weekBounds('week', f).text];
  if (f.scope !== undefined) conditions.push(sql`scope = ${f.scope}`);
  if (f.kind !== undefined) conditions.push(sql`kind = ${f.kind}`);
  if (f.key !== undefined) conditions.push(sql`key = ${f.key}`);
  return sql`SELECT toString(week) AS week_text, toString(scope) AS scope_text, key AS key_text, toString(kind) AS kind_text,
  observed AS observed, expected AS expected, upper AS upper, score AS score, toString(evaluated_at) AS evaluated_text
FROM ${tableSql(db, 'spikes')}
WHERE ${raw(conditions.join(' AND '))}
ORDER BY week DESC, score DESC, key`;
}

export function spikesSql(db: string, f: SpikeFilter, page?: Page): string {
  return page === undefined ? spikesBodySql(db, f) : `${spikesBodySql(db, f)}\n${limitSql(page).text}`;
}

/** A row of spikesSql with its columns renamed back. */
export function spikeRow({ week_text, scope_text, key_text, kind_text, evaluated_text, ...r }: RawSpikeRow): SpikeRow {
  return { week: week_text, scope: scope_text, key: key_text, kind: kind_text, ...r, evaluated_at: evaluated_text };
}
