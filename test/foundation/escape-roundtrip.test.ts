import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Clickhouse } from '../../core/clickhouse/client.ts';
import { sql } from '../../core/clickhouse/escape.ts';
import { ENGINES, testConfig, uniqueTag } from '../support/env.ts';

const NASTY = ["'", "\\'", "\\", "''", "x' OR '1'='1", "'; DROP TABLE system.one; --", '\u0000', '\n\r\t\b\f', '\u001b[31m', '📞 Ω é', '\u007f', "\\\\'\\", '{x:String}', '$1', '?'];

describe.each(ENGINES)('literal escaping against ClickHouse (%s)', (engine) => {
  let ch: Clickhouse;
  beforeAll(async () => {
    ch = await Clickhouse.connect(testConfig(uniqueTag('esc'), engine).clickhouse);
  });
  afterAll(async () => {
    await ch.close();
  });

  it('every string comes back exactly as it went in', async () => {
    const samples = [...NASTY, ...fc.sample(fc.string({ unit: 'binary', maxLength: 30 }).filter((s) => !/[\uD800-\uDFFF]/.test(s)), { numRuns: 150, seed: 7 })];
    // One query for all samples keeps the test quick; each sample is its own literal.
    const selects = samples.map((s, i) => sql`SELECT ${i} AS i, ${s} AS v`).join(' UNION ALL ');
    const rows = await ch.query<{ i: number; v: string }>(`SELECT i, v FROM (${selects}) ORDER BY i`);
    expect(rows.map((r) => r.v)).toEqual(samples);
  });
});
