import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvroSerde, frame } from '../../core/avro/serde.ts';
import { Clickhouse } from '../../core/clickhouse/client.ts';
import { migrate } from '../../core/clickhouse/migrate.ts';
import { ident, sql } from '../../core/clickhouse/escape.ts';
import type { Config } from '../../core/config/schema.ts';
import { createLogger } from '../../core/log.ts';
import { metricsRegistry } from '../../core/metrics.ts';
import { topicName } from '../../core/kafka/topics.ts';
import { ReadModel } from '../../core/read-model/index.ts';
import { STREAM, STREAMS } from '../../processors/streams/index.ts';
import { cdrRow } from '../../processors/streams/cdrs.ts';
import type { RecordRows } from '../../processors/transforms/to-rows.ts';
import type { CdrRecord } from '../../core/records.ts';
import { auditAggregates } from '../support/aggregate-audit.ts';
import { KPI_DUPLICATE, KPI_EXPECTED_SL20, KPI_FIXTURE, KPI_SL10_VOICE_WEEK1 } from '../../core/kpi/fixtures.ts';
import { Pipeline, type BatchOutcome } from '../../processors/pipeline.ts';
import { ClickhouseRecordSink } from '../../processors/sinks/clickhouse-records.ts';
import { DEAD_LETTER_HEADERS, DeadLetterSink } from '../../processors/sinks/dead-letter.ts';
import { KafkaAvroSource } from '../../processors/sources/kafka-avro.ts';
import { WeekCalendar } from '../../core/weeks.ts';
import { channelWeekTruth, generateCdrs, generateReports, numberCdrTruth, numberReportTruth, overallWeekTruth } from '../support/generate.ts';
import { ENGINES, testConfig, uniqueTag } from '../support/env.ts';
import { headerValue, prepareTopics, readDeadLetters, RecordProducer } from './support.ts';
import { dropTestDatabase } from '../support/drop-database.ts';

// The processing pipeline in this process, against the real broker, registry and both ClickHouse
// engines: exact counts, re-pushed duplicates, late records, poison messages, hand-worked KPIs.

const FROM = Date.parse('2016-03-07T00:00:00Z');
const TO = Date.parse('2016-04-18T00:00:00Z');

describe.each(ENGINES)('processing pipeline on %s', (engine) => {
  let config: Config;
  let ch: Clickhouse;
  let producer: RecordProducer;
  let source: KafkaAvroSource;
  let pipeline: Pipeline;
  let aggregates: ReadModel;

  /** Runs batches until `expected` records were consumed and the topics are then empty. */
  async function drain(expected: number): Promise<BatchOutcome[]> {
    const outcomes: BatchOutcome[] = [];
    let consumed = 0;
    let idle = 0;
    const deadline = Date.now() + 60_000;
    while ((consumed < expected || idle < 2) && Date.now() < deadline) {
      const o = await pipeline.runOnce();
      consumed += o.consumed;
      idle = o.consumed === 0 ? idle + 1 : 0;
      if (o.consumed > 0) outcomes.push(o);
    }
    expect(consumed).toBe(expected);
    return outcomes;
  }

  beforeAll(async () => {
    const tag = uniqueTag(`pipe${engine}`);
    // A group of its own: sharing the default group with other processors would rebalance them all.
    config = testConfig(tag, engine, { processors: { groupId: `t.${tag}.processors`, batchSize: 3000, consumeTimeoutMs: 300, retryDelayMs: 100 } });
    await prepareTopics(config);
    ch = await Clickhouse.connect(config.clickhouse, 'writer');
    await migrate(ch);
    producer = await RecordProducer.connect(config);
    source = await KafkaAvroSource.connect(config.kafka, config.processors, AvroSerde.fromConfig(config.registry), STREAMS);
    pipeline = new Pipeline(
      source,
      new ClickhouseRecordSink(ch),
      new DeadLetterSink(producer.producer, config.kafka),
      { weeks: new WeekCalendar(config.processors.timeZone), shortCallSeconds: config.processors.shortCallSeconds },
      config.processors,
      createLogger('test', 'silent'),
    );
    aggregates = new ReadModel(ch, config.processors);
  });

  afterAll(async () => {
    await pipeline.settle();
    await source.close();
    await producer.close();
    await dropTestDatabase(ch, ch.database);
    await ch.close();
  });

  const cdrs = generateCdrs({ seed: 11, count: 4000, fromMs: FROM, toMs: TO, callers: 300 });
  const reports = generateReports({ seed: 12, count: 2500, fromMs: FROM, toMs: TO, numbers: 400 });

  it('stores every record once and computes weekly counts equal to the truth', async () => {
    await producer.sendAll([...cdrs.map((c) => producer.cdrMessage(c)), ...reports.map((r) => producer.reportMessage(r))]);
    await drain(cdrs.length + reports.length);
    expect(await aggregates.channelWeeks()).toEqual(channelWeekTruth(reports));
    expect(await aggregates.numberReportWeeks()).toEqual(numberReportTruth(reports));
    const cdrWeeks = await aggregates.numberCdrWeeks();
    expect(cdrWeeks.map((w) => ({ number: w.number, week: w.week, calls: w.calls, callees: w.callees, answered_calls: w.answered_calls, short_calls: w.short_calls }))).toEqual(numberCdrTruth(cdrs));
    for (const w of cdrWeeks) {
      expect(w.answered_share).toBeCloseTo(w.answered_calls / w.calls, 12);
      expect(w.busiest_hour).toBeGreaterThanOrEqual(0);
      expect(w.busiest_hour).toBeLessThan(168);
      expect(w.first_seen <= w.last_seen).toBe(true);
    }
    const overall = await aggregates.overallWeeks();
    expect(overall).toEqual(overallWeekTruth(reports));
    // Weeks are those of the reported calls: a report whose calls span two weeks counts in both.
    expect(overall.reduce((s, w) => s + w.reports, 0)).toBeGreaterThan(reports.length);
  });

  it('re-pushed CDRs (received again later) and retried reports change no count', async () => {
    const before = { ch: await aggregates.channelWeeks(), nr: await aggregates.numberReportWeeks(), nc: await aggregates.numberCdrWeeks(), kpi: await aggregates.kpiWeeks() };
    const again = [
      ...cdrs.slice(0, 1500).map((c) => producer.cdrMessage({ ...c, received_at: c.received_at + 3_600_000 })),
      ...cdrs.slice(1500, 2000).map((c) => producer.cdrMessage(c)),
      ...reports.slice(0, 800).map((r) => producer.reportMessage(r)),
    ];
    await producer.sendAll(again);
    const outcomes = await drain(again.length);
    // Copies with the same content are recognised as stored, whenever they were received (and written again, harmlessly).
    expect(outcomes.reduce((s, o) => s + o.deduplicated, 0)).toBe(1500 + 500 + 800);
    expect(outcomes.reduce((s, o) => s + o.cdrsWritten + o.reportsWritten + o.conflicts, 0)).toBe(0);
    expect(await aggregates.channelWeeks()).toEqual(before.ch);
    expect(await aggregates.numberReportWeeks()).toEqual(before.nr);
    expect(await aggregates.numberCdrWeeks()).toEqual(before.nc);
    expect(await aggregates.kpiWeeks()).toEqual(before.kpi);
    const stored = await ch.query<{ n: number }>(sql`SELECT uniqExact(platform, cdr_id) AS n FROM ${ident(ch.database)}.cdr_records`);
    expect(stored[0]?.n).toBe(cdrs.length);
    expect((await auditAggregates(ch)).problems).toEqual([]);
  });

  it('puts late records (event time weeks ago) in their own week', async () => {
    const late = generateCdrs({ seed: 13, count: 1, fromMs: Date.parse('2016-01-05T10:00:00Z'), toMs: Date.parse('2016-01-06T12:00:00Z'), idPrefix: 'late' })[0];
    const lateReport = generateReports({ seed: 14, count: 1, fromMs: Date.parse('2016-02-02T10:00:00Z'), toMs: Date.parse('2016-02-02T11:00:00Z'), idPrefix: 'late', channels: ['POST'] })[0];
    const call = lateReport?.calls[0];
    if (!late || !lateReport || !call) throw new Error('generator gave nothing');
    // Submitted in the week of 2016-02-01; its two calls happened in the weeks of 11 and 25 January.
    const calls = [
      { ...call, number: '+447700999998', call_time: Date.parse('2016-01-12T15:00:00Z') },
      { ...call, number: '+447700999997', call_time: Date.parse('2016-01-27T09:30:00Z') },
    ];
    await producer.sendAll([producer.cdrMessage({ ...late, caller: '+447700999999' }), producer.reportMessage({ ...lateReport, calls })]);
    await drain(2);
    const cdrWeeks = await aggregates.numberCdrWeeks({ numbers: ['+447700999999'] });
    expect(cdrWeeks.map((w) => [w.week, w.calls])).toEqual([['2016-01-04', 1]]);
    const posted = await aggregates.channelWeeks({ channels: ['POST'] });
    expect(posted.map((w) => [w.week, w.reports, w.numbers, w.reported_calls])).toEqual([
      ['2016-01-11', 1, 1, 1],
      ['2016-01-25', 1, 1, 1],
    ]);
    const overall = await aggregates.overallWeeks({ fromWeek: '2016-01-04', toWeek: '2016-02-01' });
    expect(overall.map((w) => [w.week, w.reports])).toEqual([
      ['2016-01-11', 1],
      ['2016-01-25', 1],
    ]);
    const numberWeeks = await aggregates.numberReportWeeks({ numbers: ['+447700999998', '+447700999997'] });
    expect(numberWeeks.map((w) => [w.number, w.week])).toEqual([
      ['+447700999997', '2016-01-25'],
      ['+447700999998', '2016-01-11'],
    ]);
    // The submission week is still stored beside each call.
    const stored = await ch.query<{ report_week: string }>(sql`SELECT DISTINCT toString(report_week) AS report_week FROM ${ident(ch.database)}.report_call_records WHERE report_id = ${lateReport.report_id}`);
    expect(stored).toEqual([{ report_week: '2016-02-01' }]);
  });

  it('sends poison messages to the dead-letter topic with reason and position, and carries on', async () => {
    const counted = async (): Promise<number> => {
      const m = await metricsRegistry.getSingleMetric('callwatch_processor_dead_lettered_total')?.get();
      return (m?.values ?? []).filter((v) => String(v.labels.source_topic ?? '').startsWith(config.kafka.topicPrefix)).reduce((s, v) => s + v.value, 0);
    };
    const dlqBefore = await counted();
    const [g0, g1, g2] = generateCdrs({ seed: 15, count: 3, fromMs: FROM, toMs: TO, idPrefix: 'good' });
    if (!g0 || !g1 || !g2) throw new Error('generator gave too few');
    const cdrTopic = topicName(config.kafka, 'cdrs');
    const valid = producer.cdrMessage(g0);
    const invalid = { ...g1, end_time: g1.setup_time - 1000 };
    const poison = [
      { topic: cdrTopic, key: 'garbage', value: Buffer.from('definitely not avro') },
      { topic: cdrTopic, key: 'magic', value: Buffer.from([7, 0, 0, 0, 1, 2, 3]) },
      { topic: cdrTopic, key: 'unknown-id', value: frame(987_654_321, valid.value.subarray(5)) },
      producer.cdrMessage(invalid),
    ];
    // One partition so the positions are predictable and the good records surround the poison.
    const all = [valid, ...poison, producer.cdrMessage(g2)].map((m) => ({ ...m, partition: 0 }));
    await producer.sendAll(all);
    const outcomes = await drain(all.length);
    expect(outcomes.reduce((s, o) => s + o.deadLettered, 0)).toBe(4);
    expect(outcomes.reduce((s, o) => s + o.cdrsWritten, 0)).toBe(2);
    expect((await counted()) - dlqBefore).toBe(4);

    const dead = await readDeadLetters(config, 4);
    expect(dead).toHaveLength(4);
    const reasonOf = (key: string): string | undefined => {
      const m = dead.find((d) => String(d.key) === key);
      return m ? headerValue(m, DEAD_LETTER_HEADERS.reason) : 'missing';
    };
    // "definitely…" starts with 'd' (0x64), not the magic byte 0.
    expect(reasonOf('garbage')).toBe('CW_ERR_AVRO_MAGIC_BYTE');
    expect(reasonOf('magic')).toBe('CW_ERR_AVRO_MAGIC_BYTE');
    expect(reasonOf('unknown-id')).toBe('CW_ERR_AVRO_UNKNOWN_SCHEMA_ID');
    const invalidDead = dead.filter((m) => headerValue(m, DEAD_LETTER_HEADERS.reason) === 'CW_ERR_RECORD_INVALID');
    expect(invalidDead).toHaveLength(1);
    expect(invalidDead.map((m) => headerValue(m, DEAD_LETTER_HEADERS.detail))[0]).toContain('end_time breaks a record invariant: times out of order (end_time before setup_time)');
    for (const m of dead) {
      expect(headerValue(m, DEAD_LETTER_HEADERS.topic)).toBe(cdrTopic);
      expect(headerValue(m, DEAD_LETTER_HEADERS.partition)).toBe('0');
      expect(Number(headerValue(m, DEAD_LETTER_HEADERS.offset))).toBeGreaterThanOrEqual(0);
    }
    // The original bytes travel unchanged.
    expect(dead.find((d) => String(d.key) === 'garbage')?.value?.toString()).toBe('definitely not avro');
    const goodStored = await ch.query<{ n: number }>(sql`SELECT uniqExact(platform, cdr_id) AS n FROM ${ident(ch.database)}.cdr_records WHERE cdr_id LIKE 'good%'`);
    expect(goodStored[0]?.n).toBe(2);
  });

  it('refuses a copy that changes a stored record (number, time, outcome, calls) and keeps the first, on every aggregate', async () => {
    const before = { nr: await aggregates.numberReportWeeks(), nc: await aggregates.numberCdrWeeks(), ch: await aggregates.channelWeeks(), kpi: await aggregates.kpiWeeks() };
    const [c0, c1, c2] = cdrs;
    const [r0] = reports.filter((r) => r.calls.length > 1);
    const [fresh, freshChanged] = generateCdrs({ seed: 16, count: 1, fromMs: FROM, toMs: TO, idPrefix: 'twice' })
      .map((c) => ({ ...c, queue: null, queue_wait_ms: null }))
      .flatMap((c) => [c, { ...c, callee: '+441632960999' }]);
    if (!c0 || !c1 || !c2 || !r0 || !fresh || !freshChanged) throw new Error('generator gave too few');
    const WEEK = 7 * 86_400_000;
    const changed = [
      producer.cdrMessage({ ...c0, caller: c0.caller === '+447700900001' ? '+447700900002' : '+447700900001', received_at: c0.received_at + 1000 }),
      producer.cdrMessage({ ...c1, setup_time: c1.setup_time - WEEK, end_time: c1.end_time - WEEK, answer_time: c1.answer_time === null ? null : c1.answer_time - WEEK }),
      producer.cdrMessage({ ...c2, billable_ms: c2.billable_ms + 1000, duration_ms: c2.duration_ms + 1000 }),
      producer.reportMessage({ ...r0, calls: r0.calls.slice(1) }),
      // A new record and a differing copy of it in the same batch: the first copy stands.
      producer.cdrMessage(fresh),
      producer.cdrMessage(freshChanged),
    ];
    await producer.sendAll(changed);
    const outcomes = await drain(changed.length);
    expect(outcomes.reduce((s, o) => s + o.conflicts, 0)).toBe(5);
    expect(outcomes.reduce((s, o) => s + o.cdrsWritten, 0)).toBe(1);

    const dead = (await readDeadLetters(config, 4 + 5)).filter((m) => headerValue(m, DEAD_LETTER_HEADERS.reason) === 'CW_ERR_RECORD_CONFLICT');
    const detailOf = (key: string): string => headerValue(dead.find((d) => String(d.key) === key) ?? dead[0] ?? { topic: '', partition: 0, offset: 0, value: null, size: 0 }, DEAD_LETTER_HEADERS.detail) ?? '';
    expect(dead).toHaveLength(5);
    expect(detailOf(`${c0.platform}/${c0.cdr_id}`)).toMatch(/differs from the stored record in caller$/);
    expect(detailOf(`${c1.platform}/${c1.cdr_id}`)).toMatch(/setup_time/);
    expect(detailOf(`${c2.platform}/${c2.cdr_id}`)).toMatch(/in duration_ms, billable_ms$/);
    expect(detailOf(r0.report_id)).toMatch(/call_index/);
    expect(detailOf(`${fresh.platform}/${fresh.cdr_id}`)).toMatch(/differs from an earlier copy in the same batch in callee$/);

    // Nothing moved: the fresh record adds one call to its own week, everything else is as before.
    const after = await aggregates.numberCdrWeeks();
    const added = after.filter((w) => !before.nc.some((b) => b.number === w.number && b.week === w.week && b.calls === w.calls));
    expect(added.map((w) => w.number)).toEqual([fresh.caller]);
    expect(await aggregates.numberReportWeeks()).toEqual(before.nr);
    expect(await aggregates.channelWeeks()).toEqual(before.ch);
    expect(await aggregates.kpiWeeks()).toEqual(before.kpi);
    const stored = await ch.query<{ callee: string }>(sql`SELECT callee FROM ${ident(ch.database)}.cdr_records WHERE cdr_id = ${fresh.cdr_id}`);
    expect(stored.map((r) => r.callee)).toEqual([fresh.callee]);
    expect((await auditAggregates(ch)).problems).toEqual([]);
  });

  it('gives the hand-worked KPI answers for the fixture (stored through the sink, duplicate included)', async () => {
    const db = `${ch.database}_kpi`;
    const kpiCh = await Clickhouse.connect({ ...config.clickhouse, database: db }, 'writer');
    try {
      await migrate(kpiCh);
      const context = { weeks: new WeekCalendar('Europe/London'), shortCallSeconds: 6 };
      const sink = new ClickhouseRecordSink(kpiCh);
      const records = (list: readonly CdrRecord[]): RecordRows[] =>
        list.map((c, offset) => {
          const at = { topic: 'fixture', partition: 0, offset, timestamp: undefined };
          return { stream: STREAM.cdrs, item: { stream: STREAM.cdrs, at, raw: { key: null, value: null }, record: c }, rows: [cdrRow(c, at, context)] };
        });
      await sink.write(records(KPI_FIXTURE));
      const again = await sink.write(records([KPI_DUPLICATE]));
      expect(again.byStream.cdrs).toEqual({ records: 0, rows: 1, deduplicated: 1 });
      const got = await new ReadModel(kpiCh, { serviceLevelSeconds: 20 }).kpiWeeks();
      expect(
        got.map((k) => ({ channel: k.channel, queue: k.queue, week: k.week, offered: k.offered, answered: k.answered, abandoned: k.abandoned, asaMs: k.asa_ms, ahtMs: k.aht_ms, serviceLevel: k.service_level, longestWaitMs: k.longest_wait_ms })),
      ).toEqual(KPI_EXPECTED_SL20);
      const sl10 = await new ReadModel(kpiCh, { serviceLevelSeconds: 10 }).kpiWeeks({ channels: ['VOICE'], fromWeek: '2024-01-08', toWeek: '2024-01-08' });
      expect(sl10.map((k) => k.service_level)).toEqual([KPI_SL10_VOICE_WEEK1]);
    } finally {
      await dropTestDatabase(kpiCh, db);
      await kpiCh.close();
    }
  });
});
