import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Clickhouse } from '../../core/clickhouse/client.ts';
import { migrate, readMigrations } from '../../core/clickhouse/migrate.ts';
import { ident, sql, sqlString } from '../../core/clickhouse/escape.ts';
import { testConfig, uniqueTag } from '../support/env.ts';
import { clickhouseNodes, dropDatabase, onNode, replicaDifferences } from './support.ts';

// The migrations on the 2x2 ClickHouse cluster: the project's own (whatever they are when this runs)
// and a fixture in the number-first shape (record table, MV-fed aggregates and identity index, a
// back-fill and a DROP). Every node gets every table; the aggregates are exact across shards.

const FIXTURE = fileURLToPath(new URL('./migrations-fixture/', import.meta.url));
const opened: Clickhouse[] = [];

async function connect(label: string): Promise<Clickhouse> {
  const ch = await Clickhouse.connect(testConfig(uniqueTag(label)).clickhouse);
  opened.push(ch);
  return ch;
}

afterAll(async () => {
  for (const ch of opened) {
    await dropDatabase(ch).catch(() => undefined);
    await ch.close();
  }
});

async function tablesOn(url: string, database: string): Promise<string> {
  return onNode(url, `SELECT name, engine FROM system.tables WHERE database = ${sqlString(database)} ORDER BY name FORMAT TSV`);
}

describe('migrations on the cluster', () => {
  it("the project's migrations create the same tables on every node, record themselves once, and a second run changes nothing", async () => {
    const ch = await connect('clmig');
    expect(ch.cluster).not.toBe('');
    const versions = readMigrations().map((m) => m.version);
    expect(await migrate(ch)).toEqual({ applied: versions, skipped: [] });
    expect(await migrate(ch)).toEqual({ applied: [], skipped: versions });
    const nodes = clickhouseNodes();
    const first = await tablesOn(nodes[0]?.url ?? '', ch.database);
    expect(first).toMatch(/\tDistributed\n/);
    expect(first).toMatch(/_local\tReplicated\w*MergeTree\n/);
    for (const n of nodes.slice(1)) expect(await tablesOn(n.url, ch.database), n.node).toBe(first);
    // The bookkeeping table is one replicated copy on every node: any node knows what was applied.
    for (const n of nodes) {
      await onNode(n.url, `SYSTEM SYNC REPLICA ${ident(ch.database).text}.schema_migrations`);
      expect((await onNode(n.url, `SELECT version FROM ${ident(ch.database).text}.schema_migrations ORDER BY version FORMAT TSV`)).trim().split('\n').map(Number), n.node).toEqual(versions);
    }
  });

  it('number-first fixture: the back-fill runs once, views fire on the shards, aggregates merge exactly across them', async () => {
    const ch = await connect('clmigfx');
    const db = ident(ch.database);
    // 0001 (tables and views) and 0002 (an old-shape table) first, old rows in it, then 0003 back-fills them.
    const dir = mkdtempSync(join(tmpdir(), 'cw-clmig-'));
    try {
      for (const f of ['0001_calls.sql', '0002_old_calls.sql']) copyFileSync(join(FIXTURE, f), join(dir, f));
      expect(await migrate(ch, `${dir}/`)).toEqual({ applied: [1, 2], skipped: [] });
      const rows = (from: number, to: number, version: number) =>
        Array.from({ length: to - from }, (_, k) => {
          const i = from + k;
          return { caller: `+4470000${i % 97}`, platform: 'p', cdr_id: `c${i}`, week_start: i % 2 === 0 ? '2016-02-01' : '2016-02-08', channel: `ch${i % 3}`, version };
        });
      await ch.insert(`${ch.database}.old_calls`, rows(0, 1000, 1));
      copyFileSync(join(FIXTURE, '0003_backfill.sql'), join(dir, '0003_backfill.sql'));
      expect(await migrate(ch, `${dir}/`)).toEqual({ applied: [3], skipped: [1, 2] });
      // New records, and every record (back-filled ones too) again, in differently cut batches
      // (a replicated table's block dedup cannot hide the second copy).
      await ch.insert(`${ch.database}.calls`, rows(1000, 3000, 1));
      const again = rows(0, 3000, 2);
      await ch.insert(`${ch.database}.calls`, again.slice(0, 1234));
      await ch.insert(`${ch.database}.calls`, again.slice(1234));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const gone = await ch.query<{ n: number }>(sql`SELECT count() AS n FROM system.tables WHERE database = ${ch.database} AND name LIKE 'old_calls%'`);
    expect(gone).toEqual([{ n: 0 }]);
    const total = await ch.query<{ calls: number }>(sql`SELECT sum(calls) AS calls FROM ${db}.weekly_calls`);
    expect(total).toEqual([{ calls: 3000 }]);
    const byChannel = await ch.query<{ channel: string; c: number }>(sql`SELECT channel AS channel, uniqExactMerge(calls) AS c FROM ${db}.channel_weeks GROUP BY channel ORDER BY channel`);
    expect(byChannel).toEqual([
      { channel: 'ch0', c: 1000 },
      { channel: 'ch1', c: 1000 },
      { channel: 'ch2', c: 1000 },
    ]);
    const ids = await ch.query<{ n: number }>(sql`SELECT count() AS n FROM (SELECT platform, cdr_id FROM ${db}.call_ids GROUP BY platform, cdr_id)`);
    expect(ids).toEqual([{ n: 3000 }]);
    // Both shards hold records (the key spreads them), and the replicas agree.
    const perShard = await Promise.all(clickhouseNodes().filter((n) => n.node === 'ch1' || n.node === 'ch3').map((n) => onNode(n.url, `SELECT count() FROM ${db.text}.calls_local FORMAT TSV`)));
    for (const c of perShard) expect(Number(c)).toBeGreaterThan(0);
    expect(await replicaDifferences(ch.database)).toBe('');
  });
});
