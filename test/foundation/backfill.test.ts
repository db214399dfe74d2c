import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { Clickhouse } from '../../core/clickhouse/client.ts';
import { ident, sql } from '../../core/clickhouse/escape.ts';
import { migrate, MIGRATIONS_DIR, readMigrations } from '../../core/clickhouse/migrate.ts';
import { ReadModel } from '../../core/read-model/index.ts';
import { refreshNumberCdrTotals } from '../../processors/totals/number-cdr-totals.ts';
import { A, CDRS, REPORT_CALLS, seed, W1, W2 } from '../api/seed.ts';
import { auditAggregates, storedCounts } from '../support/aggregate-audit.ts';
import { ENGINES, testConfig, uniqueTag } from '../support/env.ts';
import { dropTestDatabase } from '../support/drop-database.ts';

// An installation that stored records under migration 0001 (identity-ordered tables read with FINAL)
// upgrades: migration 0300 copies them into the number-first tables, whose materialized views fill
// the aggregates and identity indexes, and 0301 drops the old tables. Nothing is lost or doubled,
// and running 0300 again (a failure half-way) changes no count. Likewise migration 0320, which adds
// the aggregates shaped for their readers (number-first history, a week's callers, first weeks) and
// back-fills them from 0300's storage, and 0321, which drops the aggregate they replace; and 0340, which
// copies the caller states into tables that also count their rows (`changes`), and 0341.

describe.each(ENGINES)('back-fill of migration 0001 data on %s', (engine) => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** The project's migrations up to and including `last`, in a folder of their own. */
  function migrationsUpTo(last: number): string {
    const dir = mkdtempSync(`${tmpdir()}/cw-backfill-`);
    dirs.push(dir);
    for (const f of readdirSync(MIGRATIONS_DIR)) if (Number(f.slice(0, 4)) <= last) cpSync(`${MIGRATIONS_DIR}${f}`, `${dir}/${f}`);
    return `${dir}/`;
  }

  it('keeps every record, fills every aggregate equal to the records, and drops the old tables', async () => {
    const ch = await Clickhouse.connect(testConfig(uniqueTag(`backfill${engine}`), engine).clickhouse);
    try {
      await migrate(ch, migrationsUpTo(200));
      const db = ch.database;
      // The old tables had no is_short; copies (same identity, later version) in separate parts.
      const old = (rows: Record<string, unknown>[]): Record<string, unknown>[] => rows.map(({ is_short: _short, ...r }) => r);
      await ch.insert(`${db}.report_calls`, old(REPORT_CALLS));
      await ch.insert(`${db}.cdrs`, old(CDRS));
      await ch.insert(`${db}.cdrs`, old(CDRS.slice(0, 2)));

      expect((await migrate(ch, migrationsUpTo(300))).applied).toEqual([300]);
      // As if 0300 had died after its inserts and were run again from the start.
      const m300 = readMigrations().find((m) => m.version === 300);
      for (const statement of m300?.statements ?? []) await ch.command(statement.replaceAll('{db}', db));
      expect((await migrate(ch, migrationsUpTo(301))).applied).toEqual([301]);
      const tables = (await ch.query<{ name: string }>(sql`SELECT name FROM system.tables WHERE database = ${db} ORDER BY name`)).map((t) => t.name);
      expect(tables).not.toContain('cdrs');
      expect(tables).not.toContain('report_calls');
      await migrate(ch); // the later migrations, whose aggregates the audit checks too

      const cdrIds = new Set(CDRS.map((c) => `${String(c.platform)}/${String(c.cdr_id)}`));
      const reportIds = new Set(REPORT_CALLS.map((r) => String(r.report_id)));
      expect(await storedCounts(ch)).toEqual({ cdrs: cdrIds.size, reports: reportIds.size });
      expect((await auditAggregates(ch)).problems).toEqual([]);
      // The short-call flag is derived with the default threshold (6 s): the seed's own flags.
      const flags = await ch.query<{ id: string; s: number }>(sql`SELECT cdr_id AS id, any(is_short) AS s FROM ${ident(db)}.cdr_records GROUP BY cdr_id ORDER BY id`);
      const want = new Map(CDRS.map((c) => [String(c.cdr_id), Number(c.is_short)]));
      for (const f of flags) expect([f.id, f.s]).toEqual([f.id, want.get(f.id)]);
      // A hand-worked figure of the API tests: +447700900123 in W2 has 4 reports from 3 reporters.
      const read = new ReadModel(ch);
      const w2 = (await read.numberReportWeeks({ numbers: [A], fromWeek: W2, toWeek: W2 }))[0];
      expect([w2?.reports, w2?.reporters]).toEqual([4, 3]);
    } finally {
      await dropTestDatabase(ch, ch.database);
      await ch.close();
    }
  });

  it('back-fills the aggregates of migration 0320 from the number-first storage, again without change', async () => {
    const ch = await Clickhouse.connect(testConfig(uniqueTag(`backfill320${engine}`), engine).clickhouse);
    try {
      await migrate(ch, migrationsUpTo(301));
      await seed(ch);
      const read = new ReadModel(ch);
      const before = await read.numberReportWeeks();
      expect((await migrate(ch, migrationsUpTo(320))).applied).toEqual([320]);
      // As if 0320 had died after its back-fills and were run again from the start.
      const m320 = readMigrations().find((m) => m.version === 320);
      for (const statement of m320?.statements ?? []) await ch.command(statement.replaceAll('{db}', ch.database));
      expect((await migrate(ch)).applied).toEqual([321, 322, 330, 331, 340, 341, 350, 360]);
      const tables = (await ch.query<{ name: string }>(sql`SELECT name FROM system.tables WHERE database = ${ch.database} ORDER BY name`)).map((t) => t.name);
      for (const gone of ['number_cdr_hours', 'channel_weeks', 'queue_contact_weeks']) expect(tables).not.toContain(gone);
      expect((await auditAggregates(ch)).problems).toEqual([]);
      expect(await read.numberReportWeeks({ numbers: [...new Set(before.map((r) => r.number))] })).toEqual(before);
      const w2 = (await read.numberReportWeeks({ numbers: [A], fromWeek: W2, toWeek: W2 }))[0];
      expect([w2?.reports, w2?.reporters]).toEqual([4, 3]);
    } finally {
      await dropTestDatabase(ch, ch.database);
      await ch.close();
    }
  });

  it('copies the caller states into the counting tables of migration 0340, again without change', async () => {
    const ch = await Clickhouse.connect(testConfig(uniqueTag(`backfill340${engine}`), engine).clickhouse);
    try {
      await migrate(ch, migrationsUpTo(331));
      await seed(ch);
      // A's calls, moved a week back, make W1 a closed week with CDRs.
      const earlier = CDRS.map((c) => {
        const setup = Number(c.setup_time) - 7 * 86_400;
        return { ...c, cdr_id: `w1-${String(c.cdr_id)}`, week_start: W1, setup_time: setup, answer_time: c.answer_time === null ? null : setup + 5, end_time: Number(c.end_time) - 7 * 86_400 };
      });
      await ch.insert(`${ch.database}.cdr_records`, earlier);
      // As if 0340 had died after its back-fills and were run again from the start.
      const m340 = readMigrations().find((m) => m.version === 340);
      for (const statement of m340?.statements ?? []) await ch.command(statement.replaceAll('{db}', ch.database));
      expect((await migrate(ch)).applied).toEqual([340, 341, 350, 360]);
      const tables = (await ch.query<{ name: string }>(sql`SELECT name FROM system.tables WHERE database = ${ch.database} ORDER BY name`)).map((t) => t.name);
      for (const gone of ['number_cdr_weeks', 'number_cdr_week_history', 'number_cdr_history']) expect(tables).not.toContain(gone);
      expect(tables).toContain('caller_weeks');
      const read = new ReadModel(ch);
      const before = { weeks: await read.numberCdrWeeks(), summary: await read.cdrSummary(A), hours: await read.callsByHourOfWeek(A) };
      // A: 4 calls to 3 callees, 1 answered, in each week (E calls too, but is not asked for).
      expect(before.summary).toMatchObject({ calls: 8, callees: 3, answered_calls: 2 });
      expect(await refreshNumberCdrTotals(ch, 1)).toEqual({ weeks: 1, totals: 2, callerCallees: 2 }); // A and E in W1
      expect({ weeks: await read.numberCdrWeeks(), summary: await read.cdrSummary(A), hours: await read.callsByHourOfWeek(A) }).toEqual(before);
      expect((await auditAggregates(ch)).problems).toEqual([]);
      // 0360 again, as if it had died between creating a new view and dropping the old one: one view per
      // state table, nothing read differently, and the totals still current.
      const m360 = readMigrations().find((m) => m.version === 360);
      for (const statement of m360?.statements ?? []) await ch.command(statement.replaceAll('{db}', ch.database));
      const views = (await ch.query<{ name: string }>(sql`SELECT name FROM system.tables WHERE database = ${ch.database} AND engine = 'MaterializedView' AND name LIKE 'caller_%' ORDER BY name`)).map((t) => t.name);
      expect(views).toEqual(['caller_hour_history_identity_mv', 'caller_week_history_identity_mv', 'caller_weeks_mv']);
      expect(await refreshNumberCdrTotals(ch, 1)).toEqual({ weeks: 0, totals: 0, callerCallees: 0 });
      expect({ weeks: await read.numberCdrWeeks(), summary: await read.cdrSummary(A), hours: await read.callsByHourOfWeek(A) }).toEqual(before);
      // A record stored after 0360 onto states counted before it: shown at once, totalled on the next run.
      const late = { ...earlier[0], cdr_id: 'w1-late', callee: '+441632960999', callee_raw: '+441632960999' };
      await ch.insert(`${ch.database}.cdr_records`, [late]);
      expect((await read.cdrSummary(A)).calls).toBe(9);
      expect((await refreshNumberCdrTotals(ch, 1)).totals).toBe(1);
      expect((await read.cdrSummary(A)).calls).toBe(9);
      expect((await auditAggregates(ch)).problems).toEqual([]);
    } finally {
      await dropTestDatabase(ch, ch.database);
      await ch.close();
    }
  });
});
