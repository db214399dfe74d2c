// Benchmark (not a test): records/s from a pre-filled topic to ClickHouse-visible weekly aggregates
// for one processor instance, next to ClickHouse 18.16's own Kafka table engine consuming the same
// number of records (as JSON, one row per message) into a MergeTree table, in the same invocation.
// Run: npm run build && npx tsx bench/processors/throughput.ts [records=200000] [--no-engine] [--time-ordered] [--in-process] [--clickhouse-url=URL] [--engine-consumers=1]
//   --in-process          run the processor in this process (the Pipeline driven directly, sharing a
//                         heap with the benchmark's generated records) instead of as the service
//                         (`node dist/processors/main.js`, bench/processors/service-process.ts)
//   --ops-port=P          the service's /metrics port (default 26050)
//   --time-ordered        the records in order of setup time, as a platform emits them (default: in
//                         generation order, i.e. setup times at random over 26 weeks, so every batch
//                         writes a part into each of 26 week partitions of every table)
//   --no-engine           skip the Kafka table engine (processor figures only)
//   --clickhouse-url=URL  another ClickHouse server for both sides (e.g. a private one started
//                         with the stack's config.xml and users.xml), default: the stack's
//   --engine-consumers=N  kafka_num_consumers of the engine table (default 1, like one instance)
//   --clickhouse-pid=PID  also report the ClickHouse server's CPU seconds per phase (from /proc)
//   BENCH_BATCH_SIZE=n    the processor's batch size (default: the processors config default)
//   CALLWATCH_PROCESSORS__LINGER_MS=n  the processor's linger (default 250; 0 = size-only batches)
//   BENCH_CPU_PROFILE=f   with --in-process: a CPU profile of the processor phase only, to f (.cpuprofile)
import { loadavg } from 'node:os';
import { Clickhouse } from '../../core/clickhouse/client.ts';
import { ident, raw, sql } from '../../core/clickhouse/escape.ts';
import { migrate } from '../../core/clickhouse/migrate.ts';
import { loadConfig } from '../../core/config/load.ts';
import { deleteTopic, ensureTopics, projectTopics } from '../../core/kafka/admin.ts';
import { createLogger } from '../../core/log.ts';
import { ReadModel } from '../../core/read-model/index.ts';
import { cdrRow } from '../../processors/streams/cdrs.ts';
import { WeekCalendar } from '../../core/weeks.ts';
import { RecordProducer } from '../../test/processors/support.ts';
import { runKafkaEngine } from './kafka-engine.ts';
import { startProcessorProcess } from './service-process.ts';
import { storageCounters, weeklyAggregateCalls } from './visible.ts';
import { processCpuSeconds } from './proc-cpu.ts';
import { benchCdrs, measureSaturation, round, type SaturationResult } from './saturation.ts';

const args = process.argv.slice(2);
const N = Number(args.find((a) => /^\d+$/.test(a)) ?? 200_000);
const runEngine = !args.includes('--no-engine');
const inProcess = args.includes('--in-process');
const timeOrdered = args.includes('--time-ordered');
const option = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const clickhouseUrl = option('clickhouse-url');
const engineConsumers = Number(option('engine-consumers') ?? 1);
const clickhousePid = option('clickhouse-pid');
const opsPort = Number(option('ops-port') ?? 26050);
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

  const producer = await RecordProducer.connect(config);
  const t = performance.now();
  await fillTopics(producer, jsonTopic);
  log.info({ records: N, seconds: (performance.now() - t) / 1000 }, 'topics filled (Avro and JSON)');

  const load = (): number[] => loadavg().map((x) => round(x));
  const loadAverage = { start: load(), afterProcessor: [] as number[], end: [] as number[] };
  // 1. One processor instance: the service's own process, or in this one (bench/processors/saturation.ts).
  const processor = inProcess
    ? await measureSaturation({ config, ch, producer, records: N, groupId: `${tag}-processors`, log, clickhousePid, cpuProfile: process.env.BENCH_CPU_PROFILE })
    : await measureService(ch);

  loadAverage.afterProcessor = load();
  // 2. ClickHouse's Kafka table engine -> materialized view -> MergeTree (bench/processors/kafka-engine.ts).
  let engineSeconds: number | null = null;
  let engineRecordRows: number | null = null;
  const engineCpu0 = processCpuSeconds(clickhousePid);
  let engineCpu: number | null = null;
  let engineError: string | null = runEngine ? null : 'skipped (--no-engine)';
  // The engine writes into a database of its own, migrated like the processors' (same views).
  const engineCh = await Clickhouse.connect({ ...config.clickhouse, database: `${config.clickhouse.database}_engine` }, 'writer');
  if (runEngine) {
    try {
      await migrate(engineCh);
      const expectedCounters = await storageCounters(ch);
      const run = await runKafkaEngine({ ch: engineCh, brokers: config.kafka.brokers, topic: jsonTopic, group: `${tag}-chkafka`, expected: N, expectedCounters, consumers: engineConsumers, timeoutMs: 180_000 });
      engineSeconds = run.seconds;
      engineRecordRows = run.rows;
      engineCpu = minus(processCpuSeconds(clickhousePid), engineCpu0);
    } catch (err) {
      engineError = err instanceof Error ? err.message : String(err);
    }
  }

  loadAverage.end = load();
  const result = {
    records: N,
    timeOrdered,
    loadAverage,
    clickhouse: config.clickhouse.url,
    processor,
    clickhouseKafkaEngine: engineSeconds === null ? { error: engineError } : { consumers: engineConsumers, seconds: round(engineSeconds), recordTableRows: engineRecordRows, recordsPerSecond: Math.round(N / engineSeconds), cpuSeconds: { clickhouse: engineCpu === null ? null : round(engineCpu) } },
    ratio: engineSeconds === null ? null : round(engineSeconds / processor.seconds),
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

/**
 * One processor service process (`node dist/processors/main.js`) on the filled topic, timed from
 * /readyz until its /metrics count every record inserted into cdr_records (an INSERT returns after
 * every materialized view has written, so that is the whole storage work). The weekly aggregate and
 * the read model's series are checked after the clock stops, and must show exactly N.
 */
async function measureService(ch: Clickhouse): Promise<SaturationResult> {
  const env: Record<string, string> = {
    CALLWATCH_LOG__LEVEL: 'warn',
    CALLWATCH_KAFKA__TOPIC_PREFIX: config.kafka.topicPrefix,
    CALLWATCH_CLICKHOUSE__ENGINE: 'server',
    CALLWATCH_CLICKHOUSE__URL: config.clickhouse.url,
    CALLWATCH_CLICKHOUSE__DATABASE: config.clickhouse.database,
    CALLWATCH_PROCESSORS__GROUP_ID: `${tag}-processors`,
    CALLWATCH_PROCESSORS__BATCH_SIZE: String(config.processors.batchSize),
  };
  const proc = await startProcessorProcess(env, opsPort);
  const cpu0 = { node: proc.cpuSeconds(), clickhouse: processCpuSeconds(clickhousePid) };
  const t = performance.now();
  let seconds = Number.NaN;
  let cpu = { node: Number.NaN, clickhouse: null as number | null };
  let batches = { sum: 0, count: 0 };
  let peakRssMb: number | undefined;
  try {
    const deadline = Date.now() + 600_000;
    // First the record table's count() (a few ms of ClickHouse; every 50 ms of /metrics cost the
    // processor ~0.3 s of CPU per run), then its own counter: the last INSERT has returned.
    const recordRows = async (): Promise<number> => Number((await ch.query<{ n: number | string }>(sql`SELECT count() AS n FROM ${ident(ch.database)}.cdr_records`))[0]?.n ?? 0);
    while ((await recordRows()) < N || (await proc.metric('callwatch_processor_rows_written_total', 'table="cdr_records"')) < N) {
      if (Date.now() > deadline) throw new Error('the processor did not insert every record within 600 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    seconds = (performance.now() - t) / 1000;
    cpu = { node: proc.cpuSeconds() - cpu0.node, clickhouse: minus(processCpuSeconds(clickhousePid), cpu0.clickhouse) };
    batches = { sum: await proc.metric('callwatch_processor_batch_records_sum'), count: await proc.metric('callwatch_processor_batch_records_count') };
  } finally {
    peakRssMb = await proc.stop();
  }
  const calls = await weeklyAggregateCalls(ch);
  const series = (await new ReadModel(ch, config.processors).numberCdrWeeks()).reduce((s2, w) => s2 + w.calls, 0);
  if (calls !== N || series !== N) throw new Error(`after the processor: the weekly aggregate shows ${calls} and the read model's series ${series} calls, expected ${N}`);
  return {
    records: N,
    batchSize: config.processors.batchSize,
    lingerMs: config.processors.lingerMs,
    seconds: round(seconds),
    recordsPerSecond: Math.round(N / seconds),
    meanBatchRecords: batches.count > 0 ? Math.round(batches.sum / batches.count) : null,
    startRssMb: null,
    peakRssMb: peakRssMb ?? null,
    cpuSeconds: { node: round(cpu.node), clickhouse: cpu.clickhouse === null ? null : round(cpu.clickhouse) },
  };
}

/**
 * The same N generated CDRs into both topics: Avro for the processor, and for the Kafka engine the
 * flat rows the processor stores, one JSON object per message. The records are dropped when this
 * returns, so the processor phase does not carry them (its peak RSS is its own plus the runtime's).
 */
async function fillTopics(producer: RecordProducer, jsonTopic: string): Promise<void> {
  const cdrs = benchCdrs(N);
  if (timeOrdered) cdrs.sort((a, b) => a.setup_time - b.setup_time);
  const context = { weeks: new WeekCalendar(config.processors.timeZone), shortCallSeconds: config.processors.shortCallSeconds };
  await producer.sendAll(cdrs.map((c) => producer.cdrMessage(c)));
  await producer.sendAll(cdrs.map((c, i) => ({ topic: jsonTopic, key: `${c.platform}/${c.cdr_id}`, value: Buffer.from(JSON.stringify(cdrRow(c, { topic: jsonTopic, partition: 0, offset: i, timestamp: undefined }, context))) })));
}

function minus(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a - b;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  },
);
