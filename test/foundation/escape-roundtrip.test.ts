import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Clickhouse } from '../../core/clickhouse/client.ts';
import { ident, sql } from '../../core/clickhouse/escape.ts';
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

  it('rows inserted as TabSeparated and sent as an external table come back exactly', async () => {
    const samples = [...NASTY, '\\N', '\\', 'a\tb', '', ...fc.sample(fc.string({ unit: 'binary', maxLength: 30 }).filter((s) => !/[\uD800-\uDFFF]/.test(s)), { numRuns: 150, seed: 11 })];
    const db = ident(ch.database);
    await ch.command(sql`CREATE DATABASE IF NOT EXISTS ${db}`);
    await ch.command(sql`CREATE TABLE ${db}.tsv_rows (i UInt32, v String, n Nullable(UInt64), t DateTime('UTC'), d Date) ENGINE = MergeTree ORDER BY i`);
    const rows = samples.map((v, i) => ({ i, v, n: i % 3 === 0 ? null : i * 1000, t: 1451865600 + i, d: '2016-01-04' }));
    await ch.insertTabSeparated(`${db.text}.tsv_rows`, ['i', 'v', 'n', 't', 'd'], rows);
    const back = await ch.query<{ i: number; v: string; n: number | null; t: number; d: string }>(sql`SELECT i, v, n, toUInt32(t) AS t, toString(d) AS d FROM ${db}.tsv_rows ORDER BY i`);
    expect(back).toEqual(rows);
    // The same strings as an external table: every one found by an exact IN, and read back as sent.
    const found = await ch.queryWithTable<{ i: number; v: string; w: string }>(
      { name: 'probe', columns: [{ name: 'w', type: 'String' }, { name: 'k', type: 'UInt64' }], rows: samples.map((v, i) => [v, i]) },
      (ref) => `SELECT r.i AS i, r.v AS v, p.w AS w FROM ${db.text}.tsv_rows AS r ANY INNER JOIN (SELECT w, toUInt32(k) AS i FROM ${ref.text}) AS p USING i WHERE (r.v) IN (SELECT w FROM ${ref.text}) ORDER BY i`,
    );
    expect(found).toEqual(samples.map((v, i) => ({ i, v, w: v })));
    await ch.command(sql`DROP DATABASE IF EXISTS ${db}`);
  });
});

