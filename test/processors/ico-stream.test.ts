import { afterAll, describe, expect, it } from 'vitest';
import { AvroSerde } from '../../core/avro/serde.ts';
import { Clickhouse } from '../../core/clickhouse/client.ts';
import { migrate } from '../../core/clickhouse/migrate.ts';
import { createLogger } from '../../core/log.ts';
import { ReadModel } from '../../core/read-model/index.ts';
import { STREAMS } from '../../processors/streams/index.ts';
import { Pipeline } from '../../processors/pipeline.ts';
import { ClickhouseRecordSink } from '../../processors/sinks/clickhouse-records.ts';
import { DeadLetterSink } from '../../processors/sinks/dead-letter.ts';
import { KafkaAvroSource } from '../../processors/sources/kafka-avro.ts';
import { WeekCalendar } from '../../core/weeks.ts';
import { channelWeekTruth, icoShapedReports, overallWeekTruth } from '../support/generate.ts';
import { ENGINES, testConfig, uniqueTag } from '../support/env.ts';
import { prepareTopics, RecordProducer } from './support.ts';
import { dropTestDatabase } from '../support/drop-database.ts';

// A stream shaped like the regulator's Q1 2016 report (context/ico-customer-contact-report-q1-2016.txt):
// about 2,350 reports a week until the online (WEB) tool launched on Tuesday 17 May 2016, about
// 4,300 a week after. The weekly totals per channel and overall (by the week of the reported call,
// DESIGN §4) must equal the generated truth. The regulator counts reports by week received; here
// people report within two hours of the call, so both clocks give the same shape.

const reports = icoShapedReports({ seed: 2016, firstWeek: '2016-04-18', weeks: 7, webLaunch: '2016-05-17', before: 2350, after: 4300 });
const truth = channelWeekTruth(reports);
const overallTruth = overallWeekTruth(reports);

describe.each(ENGINES)('regulator-shaped report stream on %s', (engine) => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const f of cleanup.reverse()) await f();
  });

  it('gives weekly totals per channel and overall equal to the truth', { timeout: 90_000 }, async () => {
    const tag = uniqueTag(`ico${engine}`);
    // A group of its own: sharing the default group with other processors would rebalance them all.
    const config = testConfig(tag, engine, { processors: { groupId: `t.${tag}.processors`, batchSize: 5000, consumeTimeoutMs: 300 } });
    await prepareTopics(config);
    const ch = await Clickhouse.connect(config.clickhouse, 'writer');
    cleanup.push(async () => {
      await dropTestDatabase(ch, ch.database);
      await ch.close();
    });
    await migrate(ch);
    const producer = await RecordProducer.connect(config);
    cleanup.push(() => producer.close());
    await producer.sendAll(reports.map((r) => producer.reportMessage(r)));
    const source = await KafkaAvroSource.connect(config.kafka, config.processors, AvroSerde.fromConfig(config.registry), STREAMS);
    cleanup.push(() => source.close());
    const pipeline = new Pipeline(source, new ClickhouseRecordSink(ch), new DeadLetterSink(producer.producer, config.kafka), { weeks: new WeekCalendar('Europe/London'), shortCallSeconds: 6 }, config.processors, createLogger('t', 'silent'));
    let consumed = 0;
    let idle = 0;
    while (consumed < reports.length || idle < 2) {
      const o = await pipeline.runOnce();
      consumed += o.consumed;
      idle = o.consumed === 0 ? idle + 1 : 0;
    }
    expect(consumed).toBe(reports.length);
    await pipeline.settle();

    const agg = new ReadModel(ch, config.processors);
    expect(await agg.channelWeeks()).toEqual(truth);
    const overall = await agg.overallWeeks();
    expect(overall).toEqual(overallTruth);
    // A report has one channel, so per week the channels' reports add up to the overall figure.
    const byWeek = new Map<string, number>();
    for (const t of truth) byWeek.set(t.week, (byWeek.get(t.week) ?? 0) + t.reports);
    expect(overall.map((w) => [w.week, w.reports])).toEqual([...byWeek.entries()]);

    // The shape itself: 4 weeks near 2,350 with no WEB, the launch week partly WEB, then near 4,300.
    const totals = overall.map((w) => w.reports);
    expect(totals).toHaveLength(7);
    for (const t of totals.slice(0, 4)) expect(Math.abs(t - 2350)).toBeLessThan(2350 * 0.05);
    for (const t of totals.slice(5)) expect(Math.abs(t - 4300)).toBeLessThan(4300 * 0.05);
    const web = (await agg.channelWeeks({ channels: ['WEB'] })).map((w) => w.week);
    expect(web).toEqual(['2016-05-16', '2016-05-23', '2016-05-30']);
  });
});
