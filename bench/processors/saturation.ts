import { AvroSerde } from '../../core/avro/serde.ts';
import type { Clickhouse } from '../../core/clickhouse/client.ts';
import type { Config } from '../../core/config/schema.ts';
import type { Logger } from '../../core/log.ts';
import { metricsRegistry } from '../../core/metrics.ts';
import type { CdrRecord } from '../../core/records.ts';
import { ReadModel } from '../../core/read-model/index.ts';
import { STREAMS } from '../../processors/streams/index.ts';
import { Pipeline } from '../../processors/pipeline.ts';
import { ClickhouseRecordSink } from '../../processors/sinks/clickhouse-records.ts';
import { DeadLetterSink } from '../../processors/sinks/dead-letter.ts';
import { KafkaAvroSource } from '../../processors/sources/kafka-avro.ts';
import { WeekCalendar } from '../../core/weeks.ts';
import { generateCdrs } from '../../test/support/generate.ts';
import type { RecordProducer } from '../../test/processors/support.ts';
import { profiled } from './cpu-profile.ts';
import { cpuSeconds, processCpuSeconds } from './proc-cpu.ts';
import { waitUntilVisible } from './visible.ts';

// The processor at saturation: one instance (the real Pipeline, in this process, with the given
// config: batch size, linger, consume timeout) reads a topic filled beforehand until the weekly
// aggregate shows every record (bench/processors/visible.ts, the same condition as the Kafka
// engine's side); then, off the clock, the read model's per-number series must show them too. Used by bench/processors/throughput.ts and bench/e2e/latency.ts.

/** The benchmark's CDRs: N generated records (seed 7) spread over 26 weeks of 2016. */
export function benchCdrs(n: number): CdrRecord[] {
  return generateCdrs({ seed: 7, count: n, fromMs: Date.parse('2016-01-04T00:00:00Z'), toMs: Date.parse('2016-07-04T00:00:00Z'), callers: 20_000 });
}

export interface SaturationResult {
  records: number;
  batchSize: number;
  lingerMs: number;
  seconds: number;
  recordsPerSecond: number;
  /** Kafka records per processed batch, on average (the pipeline's batch-size histogram). */
  meanBatchRecords: number | null;
  /** In-process: the process's RSS when the processor started (the benchmark's own data is in it); null for the service process, whose RSS is all its own. */
  startRssMb: number | null;
  peakRssMb: number | null;
  cpuSeconds: { node: number; clickhouse: number | null };
}

/**
 * Processes the `records` CDRs already in `topicName(config.kafka, 'cdrs')` (written by `producer`)
 * from the start, with a consumer group of its own, and times it until they are visible in the
 * weekly aggregate. Throws if the aggregate does not show exactly `records` calls.
 */
export async function measureSaturation(o: {
  config: Config;
  ch: Clickhouse;
  producer: RecordProducer;
  records: number;
  groupId: string;
  log: Logger;
  clickhousePid?: string;
  cpuProfile?: string;
}): Promise<SaturationResult> {
  const { config, ch, records } = o;
  const source = await KafkaAvroSource.connect(config.kafka, { ...config.processors, groupId: o.groupId }, AvroSerde.fromConfig(config.registry), STREAMS);
  const context = { weeks: new WeekCalendar(config.processors.timeZone), shortCallSeconds: config.processors.shortCallSeconds };
  const pipeline = new Pipeline(source, new ClickhouseRecordSink(ch), new DeadLetterSink(o.producer.producer, config.kafka), context, config.processors, o.log);
  const agg = new ReadModel(ch, config.processors);
  const startRss = process.memoryUsage().rss;
  let peakRss = startRss;
  const batches0 = await batchHistogram();
  const cpu0 = { node: cpuSeconds(), clickhouse: processCpuSeconds(o.clickhousePid) };
  const t = performance.now();
  let consumed = 0;
  try {
    await profiled(o.cpuProfile, async () => {
      while (consumed < records) {
        consumed += (await pipeline.runOnce()).consumed;
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }
    });
    await waitUntilVisible(ch, records, 60_000);
    const seconds = (performance.now() - t) / 1000;
    const clickhouseCpu = processCpuSeconds(o.clickhousePid);
    const cpuNode = cpuSeconds() - cpu0.node;
    const visible = (await agg.numberCdrWeeks()).reduce((s, w) => s + w.calls, 0);
    if (visible !== records) throw new Error(`the read model's weekly series show ${visible} calls, expected ${records}`);
    const batches = await batchHistogram();
    const batchCount = batches.count - batches0.count;
    return {
      records,
      batchSize: config.processors.batchSize,
      lingerMs: config.processors.lingerMs,
      seconds: round(seconds),
      recordsPerSecond: Math.round(records / seconds),
      meanBatchRecords: batchCount > 0 ? Math.round((batches.sum - batches0.sum) / batchCount) : null,
      startRssMb: Math.round(startRss / 1e6),
      peakRssMb: Math.round(peakRss / 1e6),
      cpuSeconds: { node: round(cpuNode), clickhouse: clickhouseCpu === null || cpu0.clickhouse === null ? null : round(clickhouseCpu - cpu0.clickhouse) },
    };
  } finally {
    await pipeline.settle();
    await source.close();
  }
}

/** Sum and count of the pipeline's batch-size histogram in this process. */
async function batchHistogram(): Promise<{ sum: number; count: number }> {
  const lines = (await metricsRegistry.getSingleMetricAsString('callwatch_processor_batch_records')).split('\n');
  const pick = (suffix: string): number =>
    lines.filter((l) => l.startsWith(`callwatch_processor_batch_records_${suffix}`)).reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  return { sum: pick('sum'), count: pick('count') };
}

export function round(x: number): number {
  return Math.round(x * 100) / 100;
}
