// Benchmark (not a test): how long the records of a SIGKILLed processor instance wait before they
// are stored again. A steady stream of CDRs is produced to Kafka; processors/main.ts runs as child
// processes; one instance is SIGKILLed and, depending on the mode, restarted at once (as a
// supervisor would) or left dead. Sampled every 250 ms: rows stored per Kafka partition; the figure is
// the longest stretch in which some partition that had records waiting got none stored.
// Run (on any stack; on the cluster with CALLWATCH_STACK_PORTS_FILE=stack/cluster-ports.env):
//   npx tsx bench/processors/failover.ts <mode> [rate=2000] [seconds=40]
//   mode: restart-dynamic  one instance, no group.instance.id, SIGKILL + immediate restart
//         restart-static   one instance with group.instance.id, SIGKILL + immediate restart
//         survivor         two instances (static ids), one SIGKILLed and not restarted
import { Clickhouse } from '../../core/clickhouse/client.ts';
import { ident, sql } from '../../core/clickhouse/escape.ts';
import { migrate } from '../../core/clickhouse/migrate.ts';
import { loadConfig } from '../../core/config/load.ts';
import { ensureTopics, projectTopics } from '../../core/kafka/admin.ts';
import { generateCdrs } from '../../test/support/generate.ts';
import { ProcessorChild, processorEnv, RecordProducer } from '../../test/processors/support.ts';

const [mode = 'restart-static', rateArg = '2000', secondsArg = '40'] = process.argv.slice(2);
if (!['restart-dynamic', 'restart-static', 'survivor'].includes(mode)) throw new Error(`unknown mode ${mode}`);
const RATE = Number(rateArg);
const SECONDS = Number(secondsArg);
const KILL_AT_S = 12;
const tag = `fo${Date.now().toString(36)}`;
const base = loadConfig();
const config = loadConfig({
  overrides: {
    log: { level: 'warn' },
    kafka: { ...base.kafka, topicPrefix: `bench.${tag}.` },
    clickhouse: { ...base.clickhouse, engine: 'server', database: `bench_${tag}` },
  },
});
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function instance(id: string): ProcessorChild {
  return new ProcessorChild(
    processorEnv(config, {
      CALLWATCH_STACK_PORTS_FILE: process.env.CALLWATCH_STACK_PORTS_FILE ?? '',
      CALLWATCH_PROCESSORS__GROUP_ID: `${config.kafka.topicPrefix}processors`,
      CALLWATCH_PROCESSORS__BATCH_SIZE: '2000',
      ...(id === '' ? {} : { CALLWATCH_PROCESSORS__GROUP_INSTANCE_ID: id }),
    }),
  );
}

async function waitProcessing(p: ProcessorChild): Promise<void> {
  for (let i = 0; i < 600 && !p.processing; i++) await sleep(100);
  if (!p.processing) throw new Error(`processor did not start:\n${p.log.slice(-2000)}`);
}

async function main(): Promise<void> {
  const ch = await Clickhouse.connect(config.clickhouse, 'writer');
  const db = ident(ch.database);
  await migrate(ch);
  await ensureTopics(config.kafka, projectTopics(config.kafka, ['cdrs', 'reports', 'deadLetter']));
  const producer = await RecordProducer.connect(config);
  const cdrs = generateCdrs({ seed: 9, count: RATE * SECONDS, fromMs: Date.parse('2016-01-04T00:00:00Z'), toMs: Date.parse('2016-07-04T00:00:00Z'), callers: 20_000 });

  const procs = mode === 'survivor' ? [instance('p0'), instance('p1')] : [instance(mode === 'restart-static' ? 'p0' : '')];
  for (const p of procs) await waitProcessing(p);

  // Producer: RATE records/s in 100 ms slices.
  const produced = (async () => {
    const slice = Math.max(1, Math.round(RATE / 10));
    for (let i = 0; i < cdrs.length; i += slice) {
      const t = Date.now();
      await producer.sendAll(cdrs.slice(i, i + slice).map((c) => producer.cdrMessage(c)));
      await sleep(Math.max(0, 100 - (Date.now() - t)));
    }
  })();

  // Sampler: rows per partition (raw rows: a stall shows as no new rows, duplicates only add).
  const samples: { t: number; byPartition: Map<number, number> }[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const rows = await ch.query<{ p: number; n: number }>(sql`SELECT kafka_partition AS p, count() AS n FROM ${db}.cdrs GROUP BY p`).catch(() => []);
      samples.push({ t: Date.now(), byPartition: new Map(rows.map((r) => [r.p, r.n])) });
      await sleep(250);
    }
  })();

  const t0 = Date.now();
  await sleep(KILL_AT_S * 1000);
  const victim = procs[procs.length - 1] as ProcessorChild;
  const killedAt = Date.now();
  victim.kill('SIGKILL');
  await victim.exited;
  if (mode !== 'survivor') {
    const again = instance(mode === 'restart-static' ? 'p0' : '');
    procs[procs.length - 1] = again;
    await waitProcessing(again);
  }
  const restartedAt = Date.now();
  await produced;
  await sleep(15_000); // let the backlog drain
  sampling = false;
  await sampler;

  // Longest stall per partition after the kill (stretches between successive increases).
  const partitions = new Set(samples.flatMap((s) => [...s.byPartition.keys()]));
  let worst = 0;
  for (const p of partitions) {
    let lastIncrease = killedAt;
    let prev = samples.find((s) => s.t >= killedAt)?.byPartition.get(p) ?? 0;
    for (const s of samples) {
      if (s.t < killedAt) continue;
      const n = s.byPartition.get(p) ?? 0;
      if (n > prev) {
        worst = Math.max(worst, s.t - lastIncrease);
        lastIncrease = s.t;
        prev = n;
      }
    }
  }
  const total = (await ch.query<{ n: number }>(sql`SELECT count() AS n FROM ${db}.cdrs FINAL`))[0]?.n ?? 0;
  console.log(
    JSON.stringify({
      mode,
      rate: RATE,
      seconds: SECONDS,
      produced: cdrs.length,
      storedDistinct: total,
      restartMs: restartedAt - killedAt,
      longestPartitionStallAfterKillMs: worst,
      elapsedS: Math.round((Date.now() - t0) / 1000),
    }),
  );
  for (const p of procs) p.kill('SIGTERM');
  await Promise.all(procs.map((p) => p.exited));
  await producer.close();
  await ch.command(ch.cluster === '' ? sql`DROP DATABASE IF EXISTS ${db}` : `DROP DATABASE IF EXISTS ${db.text} ON CLUSTER ${ident(ch.cluster).text}`);
  await ch.close();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
