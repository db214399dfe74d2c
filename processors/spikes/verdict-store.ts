import type { Clickhouse } from '../../core/clickhouse/client.ts';
import { ident, sql } from '../../core/clickhouse/escape.ts';
import type { SpikeKind, SpikeScope, SpikeVerdict } from './verdict.ts';

// The `spike_verdicts` table (migration 0100): ReplacingMergeTree(version) keyed by week, scope and
// key. Re-evaluating weeks writes new and changed verdicts with a higher version and a retraction row
// for each stored verdict that no longer holds; rows that did not change are left alone.

export interface StoredVerdict extends SpikeVerdict {
  version: number;
}

type Row = StoredVerdict;

/** Live (not retracted) verdicts of the weeks in [fromWeek, toWeek], latest version of each. */
export async function readLiveVerdicts(ch: Clickhouse, fromWeek: string, toWeek: string): Promise<StoredVerdict[]> {
  // Aliases differ from the column names: ClickHouse substitutes aliases in WHERE, so `toString(week)
  // AS week` would turn the date filter into a string comparison.
  const rows = await ch.query<Omit<Row, 'week' | 'scope' | 'kind'> & { week_text: string; scope_text: SpikeScope; kind_text: SpikeKind }>(
    sql`SELECT toString(week) AS week_text, toString(scope) AS scope_text, key AS key, toString(kind) AS kind_text,
  observed AS observed, expected AS expected, upper AS upper, score AS score, version AS version
FROM ${ident(ch.database)}.spike_verdicts FINAL
WHERE week >= toDate(${fromWeek}) AND week <= toDate(${toWeek}) AND retracted = 0`,
  );
  return rows.map(({ week_text, scope_text, kind_text, ...r }) => ({ ...r, week: week_text, scope: scope_text, kind: kind_text }));
}

/** The highest version stored, so a new evaluation always supersedes the last (clocks can step back). */
export async function maxVersion(ch: Clickhouse): Promise<number> {
  const rows = await ch.query<{ v: number }>(sql`SELECT max(version) AS v FROM ${ident(ch.database)}.spike_verdicts`);
  return rows[0]?.v ?? 0;
}

export interface VerdictChanges {
  added: SpikeVerdict[];
  /** Kind or observed count changed (late records, or a provisional SPIKE confirmed as a LEVEL_SHIFT). */
  updated: { verdict: SpikeVerdict; previous: StoredVerdict }[];
  /** Only the baseline-derived figures moved (expected, upper, score): stored again, not alerted. */
  refreshed: SpikeVerdict[];
  retracted: StoredVerdict[];
}

const identity = (v: Pick<SpikeVerdict, 'week' | 'scope' | 'key'>): string => `${v.week}\u0000${v.scope}\u0000${v.key}`;
const EPSILON = 1e-9;

export function diffVerdicts(stored: readonly StoredVerdict[], current: readonly SpikeVerdict[]): VerdictChanges {
  const before = new Map(stored.map((s) => [identity(s), s]));
  const changes: VerdictChanges = { added: [], updated: [], refreshed: [], retracted: [] };
  for (const v of current) {
    const previous = before.get(identity(v));
    before.delete(identity(v));
    if (!previous) changes.added.push(v);
    else if (previous.kind !== v.kind || previous.observed !== v.observed) changes.updated.push({ verdict: v, previous });
    else if (Math.abs(previous.expected - v.expected) > EPSILON || Math.abs(previous.upper - v.upper) > EPSILON || Math.abs(previous.score - v.score) > EPSILON) {
      changes.refreshed.push(v);
    }
  }
  changes.retracted.push(...before.values());
  return changes;
}

export async function writeVerdictChanges(ch: Clickhouse, changes: VerdictChanges, version: number, evaluatedAt: Date): Promise<number> {
  const at = Math.floor(evaluatedAt.getTime() / 1000);
  const live = [...changes.added, ...changes.updated.map((u) => u.verdict), ...changes.refreshed];
  const rows = [
    ...live.map((v) => ({ ...v, retracted: 0, evaluated_at: at, version })),
    ...changes.retracted.map((v) => ({
      week: v.week,
      scope: v.scope,
      key: v.key,
      kind: v.kind,
      observed: v.observed,
      expected: v.expected,
      upper: v.upper,
      score: v.score,
      retracted: 1,
      evaluated_at: at,
      version,
    })),
  ];
  await ch.insert(`${ch.database}.spike_verdicts`, rows);
  return rows.length;
}
