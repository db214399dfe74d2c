// Benchmark (not a test): records/s from a pre-filled topic to ClickHouse-visible weekly aggregates
// for one processor instance, next to ClickHouse 18.16's own Kafka table engine consuming the same
// number of records (as JSON, one row per message) into a MergeTree table, in the same invocation.
// Run: npx tsx bench/processors/throughput.ts [records=200000] [--no-engine] [--clickhouse-url=URL] [--engine-consumers=1]
//   --no-engine           skip the Kafka table engine (processor figures only)
//   --clickhouse-url=URL  another ClickHouse server for both sides (e.g. a private one started
//                         with the stack's config.xml and users.xml), default: the stack's
//   --engine-consumers=N  kafka_num_consumers of the engine table (default 1, like one instance)
//   --clickhouse-pid=PID  also report the ClickHouse server's CPU seconds per phase (from /proc)
//   BENCH_BATCH_SIZE=n    the processor's batch size (default: the processors config default)
//   BENCH_CPU_PROFILE=f   write a CPU profile of the processor phase only to f (.cpuprofile)
import { AvroSerde } from '../../core/avro/serde.ts';
import { Clickhouse } from '../../core/clickhouse/client.ts';
import { ident, raw, sql } from '../../core/clickhouse/escape.ts';
import { migrate } from '../../core/clickhouse/migrate.ts';
import { loadConfig } from '../../core/config/load.ts';
import { deleteTopic, ensureTopics, projectTopics } from '../../core/kafka/admin.ts';
import { createLogger } from '../../core/log.ts';
import { ReadModel } from '../../core/read-model/index.ts';
import { STREAMS } from '../../processors/streams/index.ts';
import { Pipeline } from '../../processors/pipeline.ts';
import { ClickhouseRecordSink } from '../../processors/sinks/clickhouse-records.ts';
import { DeadLetterSink } from '../../processors/sinks/dead-letter.ts';
import { KafkaAvroSource } from '../../processors/sources/kafka-avro.ts';
import { cdrRow } from '../../processors/streams/cdrs.ts';
import { WeekCalendar } from '../../core/weeks.ts';
import { generateCdrs } from '../../test/support/generate.ts';
import { RecordProducer } from '../../test/processors/support.ts';
import { profiled } from './cpu-profile.ts';
import { runKafkaEngine } from './kafka-engine.ts';
import { cpuSeconds, processCpuSeconds } from './proc-cpu.ts';

const args = process.argv.slice(2);
const N = Number(args.find((a) => /^\d+$/.test(a)) ?? 200_000);
const runEngine = !args.includes('--no-engine');
const option = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const clickhouseUrl = option('clickhouse-url');
const engineConsumers = Number(option('engine-consumers') ?? 1);
const clickhousePid = option('clickhouse-pid');
const tag = `b${Date.now().toString(36)}`;
const base = loadConfig();
const config = loadConfig({
  overrides: {
    log: { level: 'warn' },
    kafka: { ...base.kafka, topicPrefix: `bench.${tag}.` },
    clickhouse: { ...base.clickhouse, engine: 'server', database: `bench_${tag}`, ...(clickhouseUrl === undefined ? {} : { url: clickhouseUrl }) },
    processors: { ...base.processors, batchSize: Number(process.env.BENCH_BATCH_SIZE ?? base.processors.batchSize), consumeTimeoutMs: 500 },
  },
});
const log = createLogger('bench', 'info');

async function main(): Promise<void> {
  const ch = await Clickhouse.connect(config.clickhouse, 'writer');
  const db = ident(ch.database);
  await migrate(ch);
  await ensureTopics(config.kafka, projectTopics(config.kafka, ['cdrs', 'reports', 'deadLetter']));
  const jsonTopic = `${config.kafka.topicPrefix}cdrs-json`;
  await ensureTopics(config.kafka, [{ name: jsonTopic, partitions: 6 }]);

  const cdrs = generateCdrs({ seed: 7, count: N, fromMs: Date.parse('2016-01-04T00:00:00Z'), toMs: Date.parse('2016-07-04T00:00:00Z'), callers: 20_000 });
  const producer = await RecordProducer.connect(config);
  const context = { weeks: new WeekCalendar(config.processors.timeZone), shortCallSeconds: config.processors.shortCallSeconds };
  let t = performance.now();
  await producer.sendAll(cdrs.map((c) => producer.cdrMessage(c)));
  // The Kafka engine gets the same records as the flat rows the processor stores, one JSON object per message.
  await producer.sendAll(cdrs.map((c, i) => ({ topic: jsonTopic, key: `${c.platform}/${c.cdr_id}`, value: Buffer.from(JSON.stringify(cdrRow(c, { topic: jsonTopic, partition: 0, offset: i, timestamp: undefined }, context))) })));
  log.info({ records: N, seconds: (performance.now() - t) / 1000 }, 'topics filled (Avro and JSON)');

  // 1. One processor instance, in this process.
  const source = await KafkaAvroSource.connect(config.kafka, { ...config.processors, groupId: `${tag}-processors` }, AvroSerde.fromConfig(config.registry), STREAMS);
  const pipeline = new Pipeline(source, new ClickhouseRecordSink(ch), new DeadLetterSink(producer.producer, config.kafka), context, config.processors, log);
  const agg = new ReadModel(ch, config.processors);
  const rss0 = process.memoryUsage().rss;
  let peakRss = rss0;
  const cpu0 = { node: cpuSeconds(), clickhouse: processCpuSeconds(clickhousePid) };
  t = performance.now();
  let consumed = 0;
  await profiled(process.env.BENCH_CPU_PROFILE, async () => {
    while (consumed < N) {
      consumed += (await pipeline.runOnce()).consumed;
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
  });
  const visible = (await agg.numberCdrWeeks()).reduce((s, w) => s + w.calls, 0);
  const processorSeconds = (performance.now() - t) / 1000;
  const processorCpu = { node: cpuSeconds() - cpu0.node, clickhouse: minus(processCpuSeconds(clickhousePid), cpu0.clickhouse) };
  if (visible !== N) throw new Error(`weekly aggregates show ${visible} calls, expected ${N}`);
  await pipeline.settle();
  await source.close();

  // 2. ClickHouse's Kafka table engine -> materialized view -> MergeTree (bench/processors/kafka-engine.ts).
  let engineSeconds: number | null = null;
  const engineCpu0 = processCpuSeconds(clickhousePid);
  let engineCpu: number | null = null;
  let engineError: string | null = runEngine ? null : 'skipped (--no-engine)';
  // The engine writes into a database of its own, migrated like the processors' (same views).
  const engineCh = await Clickhouse.connect({ ...config.clickhouse, database: `${config.clickhouse.database}_engine` }, 'writer');
  if (runEngine) {
    try {
      await migrate(engineCh);
      engineSeconds = (await runKafkaEngine({ ch: engineCh, brokers: config.kafka.brokers, topic: jsonTopic, group: `${tag}-chkafka`, expected: N, consumers: engineConsumers, timeoutMs: 300_000 })).seconds;
      engineCpu = minus(processCpuSeconds(clickhousePid), engineCpu0);
    } catch (err) {
      engineError = err instanceof Error ? err.message : String(err);
    }
  }

  const result = {
    records: N,
    clickhouse: config.clickhouse.url,
    processor: { batchSize: config.processors.batchSize, seconds: round(processorSeconds), recordsPerSecond: Math.round(N / processorSeconds), peakRssMb: Math.round(peakRss / 1e6),
      cpuSeconds: { node: round(processorCpu.node), clickhouse: processorCpu.clickhouse === null ? null : round(processorCpu.clickhouse) } },
    clickhouseKafkaEngine: engineSeconds === null ? { error: engineError } : { consumers: engineConsumers, seconds: round(engineSeconds), recordsPerSecond: Math.round(N / engineSeconds), cpuSeconds: { clickhouse: engineCpu === null ? null : round(engineCpu) } },
    ratio: engineSeconds === null ? null : round(engineSeconds / processorSeconds),
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);

  await producer.close();
  await ch.command(sql`DROP DATABASE IF EXISTS ${raw(db.text)}`);
  await engineCh.command(sql`DROP DATABASE IF EXISTS ${ident(engineCh.database)}`);
  await ch.close();
  await engineCh.close();
  for (const k of ['cdrs', 'reports', 'deadLetter'] as const) await deleteTopic(config.kafka, projectTopics(config.kafka, [k])[0]?.name ?? '').catch(() => undefined);
  await deleteTopic(config.kafka, jsonTopic).catch(() => undefined);
}

function minus(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a - b;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  },
);
