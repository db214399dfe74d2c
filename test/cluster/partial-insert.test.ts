import { afterAll, describe, expect, it } from 'vitest';
import { Clickhouse } from '../../core/clickhouse/client.ts';
import { ident, sql } from '../../core/clickhouse/escape.ts';
import { migrate } from '../../core/clickhouse/migrate.ts';
import type { NuisanceReportRecord } from '../../core/records.ts';
import { ReadModel } from '../../core/read-model/index.ts';
import { WeekCalendar } from '../../core/weeks.ts';
import { ClickhouseRecordSink } from '../../processors/sinks/clickhouse-records.ts';
import { STREAM } from '../../processors/streams/index.ts';
import { reportRows } from '../../processors/streams/reports.ts';
import type { RecordRows } from '../../processors/transforms/to-rows.ts';
import { auditAggregates } from '../support/aggregate-audit.ts';
import { testConfig, uniqueTag } from '../support/env.ts';
import { generateReports, numberReportTruth } from '../support/generate.ts';
import { clickhouseNodes, dropDatabase, onNode, replicaDifferences } from './support.ts';

// An INSERT through a Distributed table is not atomic across shards: with insert_distributed_sync
// each shard's rows are written (and their materialized views run) on their own, and the INSERT
// fails if any shard fails. A report's calls are sharded by their number, so one report can live on
// both shards. Seen in the replica-kill test (CI, ch1's log: "Wrote 1 blocks and 411 rows on shard 0
// ... 313 rows on shard 1" then EOF from the killed replica, which left a tmp_insert_ part behind):
// shard 1 stored its calls with their identity rows and aggregates, the shard 2 replica died after
// storing calls but before its views ran, and the retry found those reports "stored" with fewer calls
// than the copy and dead-lettered them as conflicts, leaving identities and aggregates short of the
// stored calls for good. The same state is made here without timing luck: on both shard 2 replicas a
// local view that fails on any row (and runs before the real views: views run in name order) makes
// shard 2's part of one INSERT fail after its calls are stored. The sink then gets the batch again,
// as the processor's retry does: every report must be stored whole, nothing refused.

const context = { weeks: new WeekCalendar('Europe/London'), shortCallSeconds: 6 };
let ch: Clickhouse | undefined;

/** A view on shard 2's replicas that fails every insert after the record table's part is stored. */
const FAILING_VIEW = 'a_shard2_fails_mv';
const shard2 = (): { url: string }[] => clickhouseNodes().filter((n) => n.shard === 2);

afterAll(async () => {
  if (!ch) return;
  for (const n of shard2()) await onNode(n.url, `DROP TABLE IF EXISTS ${ident(ch.database).text}.${FAILING_VIEW}`).catch(() => undefined);
  await dropDatabase(ch).catch(() => undefined);
  await ch.close();
});

function asRecordRows(reports: readonly NuisanceReportRecord[]): RecordRows[] {
  return reports.map((r, offset) => {
    const at = { topic: 'fixture', partition: 0, offset, timestamp: undefined };
    return { stream: STREAM.reports, item: { stream: STREAM.reports, at, raw: { key: null, value: null }, record: r }, rows: reportRows(r, at, context) };
  });
}

describe('an insert that fails on one shard after another stored its rows', () => {
  it('is completed by the retry: reports across both shards stored whole, none refused as a conflict', async () => {
    ch = await Clickhouse.connect(testConfig(uniqueTag('clpartial')).clickhouse);
    expect(ch.cluster).not.toBe('');
    await migrate(ch);
    const db = ident(ch.database).text;
    const reports = generateReports({ seed: 41, count: 300, fromMs: Date.parse('2016-03-07T00:00:00Z'), toMs: Date.parse('2016-04-04T00:00:00Z'), numbers: 60 });
    const records = asRecordRows(reports);
    const rows = records.flatMap((r) => r.rows);
    // Which shard each number goes to, by the Distributed table's own key (slot = hash % 2 with equal weights).
    const shardOf = new Map(
      (await ch.query<{ number: string; shard: number }>(sql`SELECT number, toUInt8(cityHash64(number) % 2) AS shard FROM system.one ARRAY JOIN ${[...new Set(rows.map((r) => String(r.number)))]} AS number`)).map(
        (r) => [r.number, r.shard],
      ),
    );
    const spanning = reports.filter((r) => new Set(r.calls.map((c) => shardOf.get(c.number))).size === 2);
    expect(spanning.length).toBeGreaterThan(10);

    // The processor's first attempt: the lookup found nothing, the INSERT fails on shard 2 after its calls are stored.
    for (const n of shard2()) {
      await onNode(n.url, `CREATE MATERIALIZED VIEW ${db}.${FAILING_VIEW} TO ${db}.report_identities_local AS
        SELECT report_id, call_index, number, call_week, version FROM ${db}.report_call_records_local WHERE throwIf(length(report_id) > 0) = 0`);
    }
    await expect(ch.insert(`${db}.report_call_records`, rows)).rejects.toThrow(/throwIf/);
    for (const n of shard2()) await onNode(n.url, `DROP TABLE ${db}.${FAILING_VIEW}`);
    const count = async (table: string): Promise<number> => (await ch?.query<{ n: number }>(`SELECT uniqExact(report_id, call_index) AS n FROM ${db}.${table}`))?.[0]?.n ?? 0;
    // Every call stored (both shards), the identities of shard 1's calls only.
    expect(await count('report_call_records')).toBe(rows.length);
    const identified = await count('report_identities');
    expect(identified).toBeGreaterThan(0);
    expect(identified).toBeLessThan(rows.length);

    // The retry.
    const result = await new ClickhouseRecordSink(ch).write(records);
    expect(result.conflicts.map((c) => c.detail)).toEqual([]);
    expect(await replicaDifferences(ch.database)).toBe('');
    expect(await new ReadModel(ch).numberReportWeeks()).toEqual(numberReportTruth(reports));
    expect((await auditAggregates(ch)).problems).toEqual([]);
    expect(await count('report_identities')).toBe(rows.length);
  });
});
