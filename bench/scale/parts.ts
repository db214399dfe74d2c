import type { Clickhouse } from '../../core/clickhouse/client.ts';
import { sql } from '../../core/clickhouse/escape.ts';

// Active parts, rows and bytes on disk per table (system.parts), and waiting for background merges.

export interface TableParts {
  table: string;
  parts: number;
  partitions: number;
  rows: number;
  bytes: number;
  /** Largest number of active parts in one partition. */
  maxPartsInPartition: number;
}

export async function partsSummary(ch: Clickhouse, database: string): Promise<TableParts[]> {
  return ch.query<TableParts>(partsSql(database));
}

// 18.16 has no window functions: per-partition part counts come from a second GROUP BY.
function partsSql(database: string): string {
  return sql`SELECT table AS table, sum(n) AS parts, count() AS partitions, sum(r) AS rows, sum(b) AS bytes, max(n) AS maxPartsInPartition
FROM (
  SELECT table, partition, count() AS n, sum(rows) AS r, sum(bytes_on_disk) AS b
  FROM system.parts
  WHERE database = ${database} AND active
  GROUP BY table, partition
)
GROUP BY table
ORDER BY table`;
}

export interface SettleResult {
  seconds: number;
  /** True when merges were idle for the whole idle window before maxSeconds. */
  idle: boolean;
}

/** Polls system.merges until none has run for `idleSeconds` (or `maxSeconds` have passed). */
export async function waitForMerges(
  ch: Clickhouse,
  database: string,
  o: { maxSeconds: number; idleSeconds: number; log: (m: string) => void },
): Promise<SettleResult> {
  const t0 = performance.now();
  let idleSince = performance.now();
  let lastReport = 0;
  for (;;) {
    const [m] = await ch.query<{ n: number; rows: number }>(sql`SELECT count() AS n, sum(rows_read) AS rows FROM system.merges WHERE database = ${database}`);
    const now = performance.now();
    if ((m?.n ?? 0) > 0) idleSince = now;
    const elapsed = (now - t0) / 1000;
    if (now - idleSince >= o.idleSeconds * 1000) return { seconds: elapsed, idle: true };
    if (elapsed >= o.maxSeconds) return { seconds: elapsed, idle: false };
    if (elapsed - lastReport >= 30) {
      lastReport = elapsed;
      const [p] = await ch.query<{ parts: number }>(sql`SELECT count() AS parts FROM system.parts WHERE database = ${database} AND active`);
      o.log(`merges running: ${m?.n ?? 0}; active parts ${p?.parts ?? 0}; ${Math.round(elapsed)} s`);
    }
    await new Promise((r) => setTimeout(r, 2_000));
  }
}
