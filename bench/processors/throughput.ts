// Benchmark (not a test): records/s from a pre-filled topic to ClickHouse-visible weekly aggregates
// for one processor instance, next to ClickHouse 18.16's own Kafka table engine consuming the same
// number of records (as JSON, one row per message) into a MergeTree table, in the same invocation.
// Run: npx tsx bench/processors/throughput.ts [records=200000] [--no-engine] [--time-ordered] [--clickhouse-url=URL] [--engine-consumers=1]
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
//   BENCH_CPU_PROFILE=f   write a CPU profile of the processor phase only to f (.cpuprofile)
import { loadavg } from 'node:os';
import { Clickhouse } from '../../core/clickhouse/client.ts';
import { ident, raw, sql } from '../../core/clickhouse/escape.ts';
import { migrate } from '../../core/clickhouse/migrate.ts';
import { loadConfig } from '../../core/config/load.ts';
import { deleteTopic, ensureTopics, projectTopics } from '../../core/kafka/admin.ts';
import { createLogger } from '../../core/log.ts';
import { cdrRow } from '../../processors/streams/cdrs.ts';
import { WeekCalendar } from '../../core/weeks.ts';
import { RecordProducer } from '../../test/processors/support.ts';
import { runKafkaEngine } from './kafka-engine.ts';
import { processCpuSeconds } from './proc-cpu.ts';
import { benchCdrs, measureSaturation, round } from './saturation.ts';

const args = process.argv.slice(2);
const N = Number(args.find((a) => /^\d+$/.test(a)) ?? 200_000);
const runEngine = !args.includes('--no-engine');
const timeOrdered = args.includes('--time-ordered');
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

  const producer = await RecordProducer.connect(config);
  const t = performance.now();
  await fillTopics(producer, jsonTopic);
  log.info({ records: N, seconds: (performance.now() - t) / 1000 }, 'topics filled (Avro and JSON)');

  const load = (): number[] => loadavg().map((x) => round(x));
  const loadAverage = { start: load(), afterProcessor: [] as number[], end: [] as number[] };
  // 1. One processor instance, in this process (bench/processors/saturation.ts).
  const processor = await measureSaturation({ config, ch, producer, records: N, groupId: `${tag}-processors`, log, clickhousePid, cpuProfile: process.env.BENCH_CPU_PROFILE });

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
      const run = await runKafkaEngine({ ch: engineCh, brokers: config.kafka.brokers, topic: jsonTopic, group: `${tag}-chkafka`, expected: N, consumers: engineConsumers, timeoutMs: 180_000 });
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
