import { cpSync, mkdtempSync, writeFileSync, appendFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Clickhouse } from '../../core/clickhouse/client.ts';
import { migrate, readMigrations } from '../../core/clickhouse/migrate.ts';
import { sql, ident } from '../../core/clickhouse/escape.ts';
import { CallwatchError } from '../../core/errors.ts';
import { ENGINES, testConfig, uniqueTag } from '../support/env.ts';
import { dropTestDatabase } from '../support/drop-database.ts';

const FIXTURE = fileURLToPath(new URL('./migrations-fixture/', import.meta.url));

async function schemaSnapshot(ch: Clickhouse): Promise<unknown[]> {
  return ch.query(sql`SELECT table AS t, name AS c, type AS ty FROM system.columns WHERE database = ${ch.database} ORDER BY t, c`);
}

describe.each(ENGINES)('migrations on %s', (engine) => {
  let ch: Clickhouse;
  const dirs: string[] = [];

  beforeAll(async () => {
    ch = await Clickhouse.connect(testConfig(uniqueTag(`mig${engine}`), engine).clickhouse);
  });
  afterAll(async () => {
    await dropTestDatabase(ch, ch.database);
    await ch.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("the project's migrations apply, and a second run changes nothing", async () => {
    const all = readMigrations();
    expect(all.length).toBeGreaterThan(0);
    const first = await migrate(ch);
    expect(first.applied).toEqual(all.map((m) => m.version));
    const before = await schemaSnapshot(ch);
    expect(before.length).toBeGreaterThan(4);
    const second = await migrate(ch);
    expect(second).toEqual({ applied: [], skipped: all.map((m) => m.version) });
    expect(await schemaSnapshot(ch)).toEqual(before);
    const recorded = await ch.query<{ version: number }>(sql`SELECT version FROM ${ident(ch.database)}.schema_migrations ORDER BY version`);
    expect(recorded.map((r) => r.version)).toEqual(all.map((m) => m.version));
  });

  it('applies in order, records versions, and the tables work', async () => {
    const other = await Clickhouse.connect(testConfig(uniqueTag(`migfx${engine}`), engine).clickhouse);
    try {
      expect(await migrate(other, FIXTURE)).toEqual({ applied: [1, 2], skipped: [] });
      expect(await migrate(other, FIXTURE)).toEqual({ applied: [], skipped: [1, 2] });
      const db = ident(other.database);
      await other.insert(`${other.database}.events`, [
        { id: 'a', at: 1463475600, n: 2 },
        { id: 'a', at: 1463475600, n: 2 },
        { id: 'b', at: 1463562000, n: 3 },
      ]);
      const rows = await other.query<{ day: string; events: number; n: number }>(sql`SELECT day, events, n FROM ${db}.events_by_day ORDER BY day`);
      expect(rows).toEqual([
        { day: '2016-05-17', events: 1, n: 2 },
        { day: '2016-05-18', events: 1, n: 3 },
      ]);
    } finally {
      await dropTestDatabase(other, other.database);
      await other.close();
    }
  });

  it('refuses a migration edited after it was applied, and applies a new one added later', async () => {
    const dir = mkdtempSync(`${tmpdir()}/cw-mig-`);
    dirs.push(dir);
    cpSync(FIXTURE, dir, { recursive: true });
    const other = await Clickhouse.connect(testConfig(uniqueTag(`migedit${engine}`), engine).clickhouse);
    try {
      await migrate(other, `${dir}/`);
      writeFileSync(`${dir}/0003_more.sql`, 'CREATE TABLE IF NOT EXISTS {db}.more (x UInt8) ENGINE = MergeTree ORDER BY x;\n');
      expect(await migrate(other, `${dir}/`)).toEqual({ applied: [3], skipped: [1, 2] });
      appendFileSync(`${dir}/0001_events.sql`, '\n-- edited\n');
      const err = await migrate(other, `${dir}/`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CallwatchError);
      expect((err as CallwatchError).code).toBe('CW_ERR_MIGRATION');
      expect((err as CallwatchError).message).toMatch(/1_events was changed/);
    } finally {
      await dropTestDatabase(other, other.database);
      await other.close();
    }
  });
});
