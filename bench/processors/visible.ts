import type { Clickhouse } from '../../core/clickhouse/client.ts';
import { ident, sql } from '../../core/clickhouse/escape.ts';
import { tableSql } from '../../core/read-model/tables.ts';

// "Visible", the end condition of both sides of the throughput benchmark (the processor and
// ClickHouse's Kafka engine). Polled every 50 ms, so the poll itself must be cheap: the exact figure
// (distinct CDR calls in the per-caller weekly aggregate, a merge of every caller-week's states,
// tens of ms a query at 200,000 records) polled that often cost a core's share to whichever side
// was still running, which was always the engine, as its run is one long insert. Polls read the
// rows-inserted counters instead (`changes` sum states and count(), a few ms), and the exact figure
// is checked once they show everything.

/** Distinct CDR calls in the per-caller weekly aggregate: each record counts in exactly one caller x week. */
export async function weeklyAggregateCalls(ch: Clickhouse): Promise<number> {
  const rows = await ch.query<{ calls: number }>(
    sql`SELECT sum(n) AS calls FROM (SELECT uniqExactMerge(calls) AS n FROM ${tableSql(ch.database, 'numberCdrWeeks')} GROUP BY week_start, caller)`,
  );
  return rows[0]?.calls ?? 0;
}

/**
 * Rows inserted so far into cdr_records and into each table its materialized views write: the low
 * 32 bits of the table's `changes` where it has one (each row the view got adds 1 there; migration
 * 0360 adds a hash to the high bits of some), else count(). A run has done the processor's whole
 * storage work when every entry reaches the processor's.
 */
export async function storageCounters(ch: Clickhouse): Promise<Record<string, number>> {
  const db = ch.database;
  const tables = ['cdr_records', ...(await viewTargets(ch, 'cdr_records'))];
  const out: Record<string, number> = {};
  for (const table of tables) {
    const columns = await ch.query<{ name: string }>(sql`DESCRIBE TABLE ${ident(db)}.${ident(table)}`);
    const counter = columns.some((c) => c.name === 'changes') ? 'bitAnd(sumMerge(changes), 4294967295)' : 'count()';
    const rows = await ch.query<{ n: number | string }>(`SELECT ${counter} AS n FROM ${ident(db).text}.${ident(table).text}`);
    out[table] = Number(rows[0]?.n ?? 0);
  }
  return out;
}

/** The tables the materialized views reading `source` write into (`CREATE MATERIALIZED VIEW … TO db.table`). */
async function viewTargets(ch: Clickhouse, source: string): Promise<string[]> {
  const db = ch.database;
  const deps = await ch.query<{ views: string[] }>(sql`SELECT dependencies_table AS views FROM system.tables WHERE database = ${db} AND name = ${source}`);
  const targets: string[] = [];
  for (const view of deps[0]?.views ?? []) {
    const rows = await ch.query<{ q: string }>(sql`SELECT create_table_query AS q FROM system.tables WHERE database = ${db} AND name = ${view}`);
    const target = / TO [^.\s]+\.(\S+) /.exec(rows[0]?.q ?? '')?.[1];
    if (target !== undefined) targets.push(target.replace(/^`|`$/g, ''));
  }
  return targets;
}

/** Whether every counter in `now` has reached its value in `expected`. */
export function reached(now: Record<string, number>, expected: Record<string, number>): boolean {
  return Object.entries(expected).every(([table, n]) => (now[table] ?? 0) >= n);
}

/**
 * Polls until the weekly aggregate shows `expected` calls: the cheap counter of caller_weeks first,
 * then the exact figure; throws with the last count after `timeoutMs`.
 */
export async function waitUntilVisible(ch: Clickhouse, expected: number, timeoutMs: number, pollMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const inserted = await ch.query<{ n: number | string }>(sql`SELECT sumMerge(changes) AS n FROM ${tableSql(ch.database, 'numberCdrWeeks')}`);
    const calls = Number(inserted[0]?.n ?? 0) >= expected ? await weeklyAggregateCalls(ch) : 0;
    if (calls >= expected) return;
    if (Date.now() > deadline) throw new Error(`the weekly aggregate shows ${await weeklyAggregateCalls(ch)} of ${expected} calls after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
