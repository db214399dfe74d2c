import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Clickhouse } from '../../core/clickhouse/client.ts';
import { ident } from '../../core/clickhouse/escape.ts';
import { migrate } from '../../core/clickhouse/migrate.ts';
import type { NuisanceReportRecord } from '../../core/records.ts';
import { ReadModel } from '../../core/read-model/index.ts';
import { WeekCalendar } from '../../core/weeks.ts';
import { ClickhouseRecordSink } from '../../processors/sinks/clickhouse-records.ts';
import { STREAM } from '../../processors/streams/index.ts';
import { reportRows } from '../../processors/streams/reports.ts';
import type { RecordRows } from '../../processors/transforms/to-rows.ts';
import { auditAggregates } from '../support/aggregate-audit.ts';
import { generateReports, numberReportTruth } from '../support/generate.ts';
import { ENGINES, testConfig, uniqueTag } from '../support/env.ts';
import { dropTestDatabase } from '../support/drop-database.ts';

// A report stored in part. On a cluster a report's calls are sharded by their number, so one report
// can live on two shards, and an INSERT through the Distributed table is not atomic across them: a
// replica killed mid-insert left one shard with its calls (and their identity rows and aggregates)
// and the other without (the cluster replica-kill test). The processor retries the batch; the retry
// must complete the report, not refuse it as a conflict with its own partial copy. Here the partial
// store is made directly (some calls inserted alone), on both engines.

const context = { weeks: new WeekCalendar('Europe/London'), shortCallSeconds: 6 };

function asRecordRows(reports: readonly NuisanceReportRecord[]): RecordRows[] {
  return reports.map((r, offset) => {
    const at = { topic: 'fixture', partition: 0, offset, timestamp: undefined };
    return { stream: STREAM.reports, item: { stream: STREAM.reports, at, raw: { key: null, value: null }, record: r }, rows: reportRows(r, at, context) };
  });
}

describe.each(ENGINES)('a report stored in part, on %s', (engine) => {
  let ch: Clickhouse;

  beforeAll(async () => {
    ch = await Clickhouse.connect(testConfig(uniqueTag(`partial${engine}`), engine).clickhouse, 'writer');
    await migrate(ch);
  });

  afterAll(async () => {
    await dropTestDatabase(ch, ch.database);
    await ch.close();
  });

  // Reports of several calls to different numbers (the ones that span shards on a cluster).
  const reports = generateReports({ seed: 31, count: 400, fromMs: Date.parse('2016-03-07T00:00:00Z'), toMs: Date.parse('2016-04-04T00:00:00Z'), numbers: 50 })
    .filter((r) => new Set(r.calls.map((c) => c.number)).size >= 2)
    .slice(0, 20);

  it('is completed by the next copy (not dead-lettered), and every count is exact', async () => {
    expect(reports.length).toBe(20);
    const sink = new ClickhouseRecordSink(ch);
    const whole = asRecordRows(reports);
    // The calls of one "shard" stored, through the record table, so its views ran for them.
    const part = whole.flatMap((r) => r.rows.filter((_, i) => i % 2 === 0));
    await ch.insert(`${ident(ch.database).text}.report_call_records`, part);
    expect((await auditAggregates(ch)).problems).toEqual([]);

    const result = await sink.write(whole);
    expect(result.conflicts).toEqual([]);
    expect(result.byStream.reports).toEqual({ records: 20, rows: whole.reduce((s, r) => s + r.rows.length, 0), deduplicated: 0 });
    expect(await new ReadModel(ch).numberReportWeeks()).toEqual(numberReportTruth(reports));
    expect((await auditAggregates(ch)).problems).toEqual([]);

    // Now whole: a further copy is the same record, and a copy with one call changed is a conflict.
    const again = await sink.write(whole);
    expect(again.byStream.reports.deduplicated).toBe(20);
    const first = reports[0] as NuisanceReportRecord;
    const changed = asRecordRows([{ ...first, calls: first.calls.map((c, i) => (i === 1 ? { ...c, call_type: c.call_type === 'SILENT' ? 'RECORDED_MESSAGE' : 'SILENT' } : c)) }]);
    expect((await sink.write(changed)).conflicts.map((c) => c.detail)).toEqual([expect.stringMatching(/differs from the stored record in call_type$/)]);
  });
});
