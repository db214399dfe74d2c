import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Clickhouse } from '../../core/clickhouse/client.ts';
import { ident, sql } from '../../core/clickhouse/escape.ts';
import { migrate } from '../../core/clickhouse/migrate.ts';
import { ReadModel } from '../../core/read-model/index.ts';
import { topCallersSql } from '../../core/read-model/lists.ts';
import { CDRS, W2 } from './seed.ts';
import { ENGINES, testConfig, uniqueTag } from '../support/env.ts';
import { dropTestDatabase } from '../support/drop-database.ts';

// A week's top numbers by CDR calls rank exactly on the callers whose upper bound (rows inserted,
// copies included) could reach the page (ReadModel.topCallers). Every page must equal the full
// ranking's, whether the first candidates settle it or not: here re-delivered copies raise more quiet
// callers' bounds above busier callers' calls than the first candidates hold, and ties at a page's
// edge leave the next bound equal to the page's last count.

const caller = (i: number): string => `+4477009${String(10_000 + i).slice(1)}`;

function cdr(i: number, n: number): Record<string, unknown> {
  const base = CDRS[0] ?? {};
  const setup = Math.floor(Date.parse(`${W2}T10:00:00Z`) / 1000) + n * 60;
  return { ...base, cdr_id: `tc-${i}-${n}`, caller: caller(i), caller_raw: caller(i), setup_time: setup, answer_time: null, end_time: setup + 20,
    week_start: W2, hour_of_week: 10, disposition: 'NO_ANSWER', is_answered: 0, is_short: 1, billable_ms: 0, version: 1 };
}

describe.each(ENGINES)('top numbers by CDR calls on %s', (engine) => {
  let ch: Clickhouse;
  let read: ReadModel;

  beforeAll(async () => {
    ch = await Clickhouse.connect(testConfig(uniqueTag(`topcallers${engine}`), engine).clickhouse);
    await migrate(ch);
    read = new ReadModel(ch);
    // The copies stay rows of their own, as before a background merge: counts must not depend on merges.
    await ch.command(sql`SYSTEM STOP MERGES ${ident(ch.database)}.cdr_records`);
    // 20 callers with 100…81 calls; 120 with 1 call, re-delivered 49 times (bound 50, more than
    // the next callers' calls, and more of them than the first candidates); 40 with 30 calls; 100 with 1.
    const rows: Record<string, unknown>[] = [];
    for (let i = 0; i < 20; i++) for (let n = 0; n < 100 - i; n++) rows.push(cdr(i, n));
    for (let i = 20; i < 140; i++) rows.push(cdr(i, 0));
    for (let i = 140; i < 180; i++) for (let n = 0; n < 30; n++) rows.push(cdr(i, n));
    for (let i = 180; i < 280; i++) rows.push(cdr(i, 0));
    await ch.insert(`${ch.database}.cdr_records`, rows);
    for (let copy = 0; copy < 49; copy++) await ch.insert(`${ch.database}.cdr_records`, Array.from({ length: 120 }, (_, k) => cdr(20 + k, 0)));
  });

  afterAll(async () => {
    await dropTestDatabase(ch, ch.database);
    await ch.close();
  });

  it.each([
    ['the first page', 0, 50],
    ['a page across the 30-call ties', 40, 50],
    ['a page inside the 1-call ties', 120, 30],
    ['the last page', 250, 50],
  ])('%s equals the full ranking', async (_what, offset, limit) => {
    const full = await ch.query<{ number: string; cdr_calls: number }>(`${topCallersSql(ch.database, W2)} LIMIT ${offset}, ${limit}`);
    const page = await read.topNumbers(W2, 'cdr_calls', { offset, limit });
    expect(page.map((r) => [r.number, r.cdr_calls])).toEqual(full.map((r) => [r.number, r.cdr_calls]));
    expect(page.length).toBe(Math.min(limit, 280 - offset));
  });

  it('keeps copies out of the counts it ranks by', async () => {
    const first = await read.topNumbers(W2, 'cdr_calls', { offset: 0, limit: 22 });
    expect(first.map((r) => r.cdr_calls)).toEqual([...Array.from({ length: 20 }, (_, i) => 100 - i), 30, 30]);
    expect(first[20]?.number).toBe(caller(140));
  });
});
