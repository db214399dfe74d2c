// End-to-end latency at several rates, next to the processor's saturation rate, in one invocation:
// from the collector's HTTP acknowledgement of a CDR batch to the moment the whole batch is visible
// in the weekly aggregate, as the investigator API reads it (the read model's per-number weekly
// series over number_cdr_hours, which materialized views fill as records are inserted). Every POST's
// CDRs share one caller number of their own, so a POST is visible when that number's weekly calls
// add up to the POST's CDRs.
//
//   npx tsx bench/e2e/latency.ts [--seconds=20] [--rates=200,2000,half] [--saturation-records=100000] [--port-base=24000]
//
//   --rates                 CDRs per second, comma-separated; `half` = half the saturation rate measured first
//   --seconds               how long each rate is sent (4 POSTs a second, rate/4 CDRs each)
//   --saturation-records    records for the saturation phase (bench/processors/saturation.ts)
//   --port-base             the collector listens on it, the processor's ops server on the next port
// The processor's batch size and linger come from the environment, as for the service:
// CALLWATCH_PROCESSORS__BATCH_SIZE (20000), CALLWATCH_PROCESSORS__LINGER_MS (250; 0 = size only).
//
// 1. Saturation: one processor (the real Pipeline, in this process, same config) reads a topic
//    filled beforehand with N CDRs until the weekly aggregate shows them all: records/s.
// 2. Rates: one collector and one processor, each its own process, on their own topics and
//    database; at each rate CDR batches are POSTed at a steady pace and a probe polls the read
//    model (~every 50 ms) for the moment all of a batch's calls show in its caller's weekly series.
// Results go to stdout and bench/results/e2e-<run>.json.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Clickhouse } from '../../core/clickhouse/client.ts';
import { ident, sql } from '../../core/clickhouse/escape.ts';
import { migrate } from '../../core/clickhouse/migrate.ts';
import type { Config } from '../../core/config/schema.ts';
import { loadConfig } from '../../core/config/load.ts';
import { deleteTopic, ensureTopics, projectTopics } from '../../core/kafka/admin.ts';
import { createLogger } from '../../core/log.ts';
import { ReadModel } from '../../core/read-model/index.ts';
import { RecordProducer } from '../../test/processors/support.ts';
import { benchCollectorEnv } from '../ingest/collector-env.ts';
import { startCollector } from '../ingest/collector-process.ts';
import { CdrTraffic, DEFAULT_TRAFFIC } from '../load/traffic.ts';
import { benchCdrs, measureSaturation, round, type SaturationResult } from '../processors/saturation.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const SECONDS = Number(option('seconds', '20'));
const RATES = option('rates', '200,2000,half').split(',');
const SATURATION_RECORDS = Number(option('saturation-records', '100000'));
const PORT_BASE = Number(option('port-base', '24000'));
const POSTS_PER_SECOND = 4;

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

const load = (): number[] => loadavg().map((x) => round(x));

async function startProcessor(env: NodeJS.ProcessEnv, readyUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'processors/main.ts'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`processor exited with ${child.exitCode}`);
    try {
      if ((await fetch(readyUrl, { signal: AbortSignal.timeout(1000) })).ok) return child;
    } catch {
      // not up yet
    }
    await sleep(200);
  }
  child.kill('SIGKILL');
  throw new Error('processor not ready within 60 s');
}

/** Phase 1: the processor's records/s from a pre-filled topic, with this invocation's processor config. */
async function saturation(run: string): Promise<SaturationResult> {
  const base = loadConfig();
  const config = loadConfig({
    overrides: {
      log: { level: 'warn' },
      kafka: { ...base.kafka, topicPrefix: `bench.e2esat.${run}.` },
      clickhouse: { ...base.clickhouse, engine: 'server', database: `bench_e2esat_${run}` },
      processors: base.processors,
    },
  });
  const ch = await Clickhouse.connect(config.clickhouse, 'writer');
  await migrate(ch);
  await ensureTopics(config.kafka, projectTopics(config.kafka, ['cdrs', 'reports', 'deadLetter']));
  const producer = await RecordProducer.connect(config);
  try {
    const cdrs = benchCdrs(SATURATION_RECORDS);
    await producer.sendAll(cdrs.map((c) => producer.cdrMessage(c)));
    return await measureSaturation({ config, ch, producer, records: SATURATION_RECORDS, groupId: `bench-e2esat-${run}`, log: createLogger('bench', 'warn') });
  } finally {
    await producer.close();
    await ch.command(sql`DROP DATABASE IF EXISTS ${ident(config.clickhouse.database)}`);
    await ch.close();
    for (const t of projectTopics(config.kafka)) await deleteTopic(config.kafka, t.name).catch(() => undefined);
  }
}

interface RateResult {
  rate: number;
  cdrsPerPost: number;
  posts: number;
  acknowledged: number;
  visible: number;
  achievedRate: number;
  /** Acknowledgement → visible, per POST (negative when the collector acknowledged after the processor had stored the records). */
  latencyMs: { p50: number; p99: number; max: number };
  /** POST sent → acknowledged (the collector's own delay: Kafka acks, and its event loop under load). */
  ackMs: { p50: number; p99: number };
  meanRecordsPerProcessorBatch: number | null;
  loadAverage: number[];
}

/** Sum and count of the processor's batch-size histogram, from its /metrics. */
async function batchSizes(metricsUrl: string): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(metricsUrl)).text();
  // e.g. `callwatch_processor_batch_records_sum{service="processors"} 123`
  const value = (name: string): number => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
    return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
  };
  return { sum: value('callwatch_processor_batch_records_sum'), count: value('callwatch_processor_batch_records_count') };
}

/** Phase 2, one rate: POSTs `rate/4` CDRs every 250 ms for SECONDS, timing each POST's ack → visible. */
async function runRate(o: { index: number; rate: number; ch: Clickhouse; database: string; collectorUrl: string; headers: Record<string, string>; metricsUrl: string }): Promise<RateResult> {
  const perPost = Math.max(1, Math.round(o.rate / POSTS_PER_SECOND));
  const posts = Math.round(SECONDS * POSTS_PER_SECOND);
  const prefix = `r${o.index}-`;
  const id = (b: number, j: number): string => `${prefix}${String(b).padStart(6, '0')}-${j}`;
  // One UK mobile number per POST (+44 79i bbbbbbb: already canonical), the probe's handle on it.
  const caller = (b: number): string => `+4479${o.index}${String(b).padStart(7, '0')}`;
  // Bodies made before the clock starts, so generating them does not compete with the pipeline.
  const traffic = new CdrTraffic({ ...DEFAULT_TRAFFIC, seed: 100 + o.index, startMs: Date.now() - 7 * 86_400_000, callsPerSecond: 1 });
  const bodies = Array.from({ length: posts }, (_, b) => JSON.stringify(traffic.batch(perPost).map((c, j) => ({ ...c, cdr_id: id(b, j), caller: caller(b) }))));
  const ackedAt = new Map<number, number>();
  const ackDelays: number[] = [];
  const visibleAt = new Map<number, number>();
  const state = { sending: true, lastAck: Date.now() };
  const before = await batchSizes(o.metricsUrl);

  // Visibility probe: the weekly calls of the callers of the POSTs acknowledged and not yet seen whole.
  const readModel = new ReadModel(o.ch);
  const probe = (async () => {
    while (state.sending || visibleAt.size < ackedAt.size) {
      const pending = [...ackedAt.keys()].filter((b) => !visibleAt.has(b));
      const weeks = pending.length === 0 ? [] : await readModel.numberCdrWeeks({ numbers: pending.map(caller) }).catch(() => []);
      const now = Date.now();
      const calls = new Map<string, number>();
      for (const w of weeks) calls.set(w.number, (calls.get(w.number) ?? 0) + w.calls);
      for (const b of pending) if ((calls.get(caller(b)) ?? 0) >= perPost) visibleAt.set(b, now);
      if (!state.sending && now - state.lastAck > 60_000) break;
      await sleep(50);
    }
  })();

  const sends: Promise<void>[] = [];
  const start = Date.now();
  for (let b = 0; b < posts; b++) {
    await sleep(Math.max(0, start + (b * 1000) / POSTS_PER_SECOND - Date.now()));
    const sentAt = Date.now();
    sends.push(
      fetch(`${o.collectorUrl}/v1/cdrs`, { method: 'POST', headers: { ...o.headers, 'content-type': 'application/json' }, body: bodies[b] }).then(async (res) => {
        await res.arrayBuffer();
        if (res.ok) {
          state.lastAck = Date.now();
          ackedAt.set(b, state.lastAck);
          ackDelays.push(state.lastAck - sentAt);
        } else {
          console.error(`rate ${o.rate}, POST ${b}: HTTP ${res.status}`);
        }
      }),
    );
  }
  await Promise.all(sends);
  const sendSeconds = (Date.now() - start) / 1000;
  state.sending = false;
  await probe;
  const after = await batchSizes(o.metricsUrl);

  const latencies = [...ackedAt].flatMap(([b, acked]) => {
    const seen = visibleAt.get(b);
    return seen === undefined ? [] : [seen - acked];
  });
  latencies.sort((x, y) => x - y);
  ackDelays.sort((x, y) => x - y);
  const batchesRun = after.count - before.count;
  return {
    rate: o.rate,
    cdrsPerPost: perPost,
    posts,
    acknowledged: ackedAt.size,
    visible: latencies.length,
    achievedRate: Math.round((ackedAt.size * perPost) / sendSeconds),
    latencyMs: { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), max: latencies.at(-1) ?? Number.NaN },
    ackMs: { p50: quantile(ackDelays, 0.5), p99: quantile(ackDelays, 0.99) },
    meanRecordsPerProcessorBatch: batchesRun > 0 ? Math.round((after.sum - before.sum) / batchesRun) : null,
    loadAverage: load(),
  };
}

async function main(): Promise<void> {
  const run = randomBytes(3).toString('hex');
  const processorConfig = loadConfig().processors;
  const startedAt = new Date().toISOString();
  const loadAtStart = load();
  console.log(`run ${run}: batchSize ${processorConfig.batchSize}, lingerMs ${processorConfig.lingerMs}, load average ${loadAtStart.join(' ')}`);

  const sat = await saturation(run);
  console.log(`saturation: ${sat.recordsPerSecond} records/s (${sat.records} in ${sat.seconds} s), load average ${load().join(' ')}`);
  const rates = RATES.map((r) => (r === 'half' ? Math.round(sat.recordsPerSecond / 2) : Number(r)));

  const topicPrefix = `bench.e2e.${run}.`;
  const database = `bench_e2e_${run}`;
  const collectorPort = PORT_BASE;
  const processorPort = PORT_BASE + 1;
  const collector = benchCollectorEnv({ topicPrefix, port: collectorPort });
  const shared = {
    ...collector.env,
    CALLWATCH_CLICKHOUSE__DATABASE: database,
    CALLWATCH_PROCESSORS__GROUP_ID: `bench-e2e-${run}`,
    CALLWATCH_PROCESSORS__HTTP_PORT: String(processorPort),
  };
  const config: Config = loadConfig({ env: { ...process.env, ...shared } });
  const ch = await Clickhouse.connect(config.clickhouse);
  const ingest = await startCollector(ROOT, shared, collectorPort, 'tsx');
  const processor = await startProcessor(shared, `http://127.0.0.1:${processorPort}/readyz`);
  console.log(`collector pid ${ingest.child.pid}, processor pid ${processor.pid}; rates ${rates.join(', ')} CDRs/s for ${SECONDS} s each`);

  const results: RateResult[] = [];
  try {
    for (const [index, rate] of rates.entries()) {
      const r = await runRate({ index, rate, ch, database, collectorUrl: ingest.baseUrl, headers: collector.headers, metricsUrl: `http://127.0.0.1:${processorPort}/metrics` });
      results.push(r);
      console.log(
        `${rate}/s (achieved ${r.achievedRate}/s, ${r.cdrsPerPost} per POST): acknowledged ${r.acknowledged}/${r.posts}, visible ${r.visible}; ack → visible p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, max ${r.latencyMs.max} ms (POST → ack p50 ${r.ackMs.p50}, p99 ${r.ackMs.p99} ms); ${r.meanRecordsPerProcessorBatch ?? '-'} records per processor batch; load ${r.loadAverage.join(' ')}`,
      );
    }
  } finally {
    await ingest.stop();
    processor.kill('SIGTERM');
    await new Promise((r) => processor.once('exit', r));
    await ch.command(sql`DROP DATABASE IF EXISTS ${ident(database)}`);
    await ch.close();
    for (const t of projectTopics(config.kafka)) await deleteTopic(config.kafka, t.name).catch(() => undefined);
  }

  const summary = { run, startedAt, batchSize: processorConfig.batchSize, lingerMs: processorConfig.lingerMs, loadAverage: { start: loadAtStart, end: load() }, saturation: sat, rates: results };
  mkdirSync(`${ROOT}bench/results`, { recursive: true });
  writeFileSync(`${ROOT}bench/results/e2e-${run}.json`, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`written bench/results/e2e-${run}.json`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
