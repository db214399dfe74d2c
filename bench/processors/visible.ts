import type { Clickhouse } from '../../core/clickhouse/client.ts';
import { sql } from '../../core/clickhouse/escape.ts';
import { tableSql } from '../../core/read-model/tables.ts';

// "Visible in the weekly aggregate", the end condition of both sides of the throughput benchmark
// (the processor and ClickHouse's Kafka engine): the CDR calls the per-caller weekly aggregate
// (caller_weeks, kept by materialized views as records are inserted) shows, summed over every
// caller and week. Each record counts in exactly one caller x week, so the sum is the
// number of distinct CDRs stored. Cheaper than the read model's full per-number series (~1 s at
// 200,000 records, most of it shipping 200,000 rows of JSON), which is checked after the clock stops.

export async function weeklyAggregateCalls(ch: Clickhouse): Promise<number> {
  const rows = await ch.query<{ calls: number }>(
    sql`SELECT sum(n) AS calls FROM (SELECT uniqExactMerge(calls) AS n FROM ${tableSql(ch.database, 'numberCdrWeeks')} GROUP BY week_start, caller)`,
  );
  return rows[0]?.calls ?? 0;
}

/** Polls until the weekly aggregate shows `expected` calls; throws with the last count after `timeoutMs`. */
export async function waitUntilVisible(ch: Clickhouse, expected: number, timeoutMs: number, pollMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const calls = await weeklyAggregateCalls(ch);
    if (calls >= expected) return;
    if (Date.now() > deadline) throw new Error(`the weekly aggregate shows ${calls} of ${expected} calls after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
