// Benchmark (not a test): processor throughput with 1, 2, 3… instances (processors/main.ts as child
// processes, one consumer group, static members). The instances start first and settle on the empty
// topic; then N generated CDRs are produced as fast as Kafka takes them, and the time runs from the
// first produce until the weekly aggregates show every record.
// Run (on the cluster: CALLWATCH_STACK_PORTS_FILE=stack/cluster-ports.env):
//   npx tsx bench/processors/scale.ts [records=100000] [instances=1,2,3]
import { Clickhouse } from '../../core/clickhouse/client.ts';
import { ident, sql } from '../../core/clickhouse/escape.ts';
import { migrate } from '../../core/clickhouse/migrate.ts';
import { loadConfig } from '../../core/config/load.ts';
import { ensureTopics, projectTopics } from '../../core/kafka/admin.ts';
import { ReadModel } from '../../core/read-model/index.ts';
import { generateCdrs } from '../../test/support/generate.ts';
import { ProcessorChild, processorEnv, RecordProducer } from '../../test/processors/support.ts';

const [recordsArg = '100000', instancesArg = '1,2,3'] = process.argv.slice(2);
const N = Number(recordsArg);
const counts = instancesArg.split(',').map(Number);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const base = loadConfig();

async function runWith(instances: number): Promise<{ instances: number; seconds: number; recordsPerSecond: number }> {
  const tag = `sc${instances}${Date.now().toString(36)}`;
  const config = loadConfig({
    overrides: {
      log: { level: 'warn' },
      kafka: { ...base.kafka, topicPrefix: `bench.${tag}.` },
      clickhouse: { ...base.clickhouse, engine: 'server', database: `bench_${tag}` },
    },
  });
  const ch = await Clickhouse.connect(config.clickhouse, 'writer');
  const db = ident(ch.database);
  await migrate(ch);
  await ensureTopics(config.kafka, projectTopics(config.kafka, ['cdrs', 'reports', 'deadLetter']));
  const producer = await RecordProducer.connect(config);
  const cdrs = generateCdrs({ seed: 7, count: N, fromMs: Date.parse('2016-01-04T00:00:00Z'), toMs: Date.parse('2016-07-04T00:00:00Z'), callers: 20_000 });
  const messages = cdrs.map((c) => producer.cdrMessage(c));
  const agg = new ReadModel(ch);
  const procs = Array.from(
    { length: instances },
    (_, i) =>
      new ProcessorChild(
        processorEnv(config, {
          CALLWATCH_STACK_PORTS_FILE: process.env.CALLWATCH_STACK_PORTS_FILE ?? '',
          CALLWATCH_PROCESSORS__GROUP_ID: `${config.kafka.topicPrefix}processors`,
          CALLWATCH_PROCESSORS__GROUP_INSTANCE_ID: `p${i}`,
        }),
      ),
  );
  while (!procs.every((p) => p.processing)) await sleep(100);
  await sleep(3000); // the group settles (static members join one after another)
  const t0 = Date.now();
  await producer.sendAll(messages);
  await producer.close();
  for (;;) {
    const stored = (await agg.numberCdrWeeks()).reduce((s, w) => s + w.calls, 0);
    if (stored >= N) break;
    await sleep(500);
  }
  const seconds = (Date.now() - t0) / 1000;
  for (const p of procs) p.kill('SIGTERM');
  await Promise.all(procs.map((p) => p.exited));
  await ch.command(ch.cluster === '' ? sql`DROP DATABASE IF EXISTS ${db}` : `DROP DATABASE IF EXISTS ${db.text} ON CLUSTER ${ident(ch.cluster).text}`);
  await ch.close();
  return { instances, seconds: Math.round(seconds * 10) / 10, recordsPerSecond: Math.round(N / seconds) };
}

async function main(): Promise<void> {
  const results = [];
  for (const n of counts) {
    const r = await runWith(n);
    results.push(r);
    console.log(JSON.stringify(r));
  }
  const one = results[0]?.recordsPerSecond ?? 1;
  console.log(JSON.stringify({ records: N, scaling: results.map((r) => ({ instances: r.instances, ratio: Math.round((r.recordsPerSecond / one) * 100) / 100 })) }));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
