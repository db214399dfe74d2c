// npm run bench:ingest [-- --records 500000 --batch 2000 --concurrency 8 --cpu-prof --skip-half-rate --tsx]
//
// One collector process, driven by a separate load process with batched native-JSON CDR requests
// (closed loop: the maximum rate; then open loop at half of it, for the acknowledgement latency there),
// next to Kafka's own ProducerPerformance with the same record count and size, in one invocation.
// Figures go to stdout and bench/results/ingest-<time>.json (git-ignored).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../core/config/load.ts';
import { deleteTopic, ensureTopics, projectTopics } from '../../core/kafka/admin.ts';
import { TOPICS, topicName } from '../../core/kafka/topics.ts';
import type { DriveOptions, DriveResult } from '../load/drive.ts';
import { benchCollectorEnv } from './collector-env.ts';
import { startCollector, type CollectorRuntime } from './collector-process.ts';
import { meanMessageBytes } from './message-size.ts';
import { runProducerPerformance } from './producer-performance.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '500000' },
    batch: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '40000' },
    seed: { type: 'string', default: '20160401' },
    port: { type: 'string', default: '18480' },
    gzip: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    'keep-topics': { type: 'boolean', default: false },
    'skip-reference': { type: 'boolean', default: false },
    'skip-half-rate': { type: 'boolean', default: false },
    // Another checkout's collector (e.g. a `git archive` of the commit before a change), driven and
    // measured by this checkout's bench: before/after in the same minutes.
    'collector-root': { type: 'string' },
    // Run the collector from its TypeScript sources through tsx (development) instead of the
    // production build (`npm run build`, node dist/ingest/main.js): for A/B runs of the two.
    tsx: { type: 'boolean', default: false },
    // Extra node flags for the collector process only (e.g. "--max-semi-space-size=8"), space-separated.
    'collector-node-flags': { type: 'string', default: '' },
  },
});
const int = (name: string, v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got ${v}`);
  return n;
};
const records = int('records', args.records);
const batchSize = int('batch', args.batch);
const concurrency = int('concurrency', args.concurrency);
const warmup = Number(args.warmup);
const port = int('port', args.port);
const runId = `${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}${Math.random().toString(36).slice(2, 6)}`;
// Benchmark data stays apart from everything else under its own topic prefix, deleted afterwards.
const topicPrefix = `bench.${runId}.`;

const base = loadConfig();
const kafka = { ...base.kafka, topicPrefix };
const say = (s: string): void => void process.stderr.write(`[bench] ${s}\n`);
const collectorRoot = args['collector-root'] ?? ROOT;
const runtime: CollectorRuntime = args.tsx ? 'tsx' : 'dist';

/**
 * The collector as production runs it: build the checkout being measured (a fresh build, never a
 * stale dist/). A checkout from before the build existed can only run with --tsx.
 */
function buildCollector(root: string): void {
  const script = `${root.replace(/\/?$/, '/')}scripts/build.sh`;
  if (!existsSync(script)) throw new Error(`${root} has no scripts/build.sh (a checkout from before the production build): run it with --tsx`);
  say(`building ${root} (scripts/build.sh)`);
  execFileSync('bash', [script], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

function runLoad(options: DriveOptions): Promise<DriveResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/load/drive.ts', JSON.stringify(options)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`load process exited with ${String(code)}: ${out}`));
      else resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as DriveResult);
    });
  });
}

async function main(): Promise<void> {
  const loadAtStart = loadavg();
  await ensureTopics(kafka, projectTopics(kafka));
  const cdrTopic = topicName(kafka, 'cdrs');
  const referenceTopic = `${topicPrefix}producer-performance`;
  const collectorEnv = benchCollectorEnv({ topicPrefix, port });
  const profDir = `${ROOT}bench/results/prof-${runId}`;
  const nodeFlags = [...(args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []), ...args['collector-node-flags'].split(' ').filter(Boolean)];
  try {
    if (runtime === 'dist') buildCollector(collectorRoot);
    say(`collector (${runtime === 'dist' ? 'node dist/ingest/main.js' : 'node --import tsx ingest/main.ts'}): topic prefix ${topicPrefix}, port ${port}${args['cpu-prof'] ? `, CPU profile to ${profDir}` : ''}`);
    const collector = await startCollector(collectorRoot, collectorEnv.env, port, runtime, nodeFlags);
    let load: DriveResult;
    let halfRate: DriveResult | undefined;
    let collectorPeakRss: number | undefined;
    let peakRssAtMaxRate: number | undefined;
    let cpuUsPerCdr: { maxRate?: number; halfRate?: number } = {};
    try {
      const cpuAtStart = collector.cpuSeconds();
      say(`load: ${records} CDRs (+${warmup} warm-up) in batches of ${batchSize}, ${concurrency} connections`);
      load = await runLoad({
        url: `${collector.baseUrl}/v1/cdrs`,
        headers: collectorEnv.headers,
        records,
        batchSize,
        concurrency,
        warmupRecords: warmup,
        seed: Number(args.seed),
        idPrefix: `${runId}-`,
        gzip: args.gzip,
        maxRetryWaitMs: 1000,
      });
      peakRssAtMaxRate = collector.peakRss();
      const cpuAfterMax = collector.cpuSeconds();
      // CPU per record (warm-up included): what the collector costs, much steadier than its rate on a busy machine.
      const perCdr = (from: number | undefined, to: number | undefined, n: number): number | undefined =>
        from === undefined || to === undefined ? undefined : Math.round(((to - from) * 1e6) / n * 10) / 10;
      cpuUsPerCdr = { maxRate: perCdr(cpuAtStart, cpuAfterMax, records + warmup) };      if (!args['skip-half-rate']) {
        // The same records' shape at half the rate just reached, offered at a steady pace (new ids).
        const rate = Math.max(1, Math.round(load.cdrsPerSecond / 2));
        say(`load: ${records} CDRs at half the maximum rate, ${rate} CDRs/s (open loop)`);
        halfRate = await runLoad({
          url: `${collector.baseUrl}/v1/cdrs`,
          headers: collectorEnv.headers,
          records,
          batchSize,
          concurrency: concurrency * 4,
          warmupRecords: 0,
          seed: Number(args.seed) + 1,
          idPrefix: `${runId}-half-`,
          gzip: args.gzip,
          maxRetryWaitMs: 1000,
          rate,
        });
        cpuUsPerCdr.halfRate = perCdr(cpuAfterMax, collector.cpuSeconds(), records);
      }
    } finally {
      collectorPeakRss = await collector.stop();
    }
    if (load.failed > 0 || load.accepted < load.records) {
      say(`WARNING: ${load.records - load.accepted} of ${load.records} records not accepted; first problem: ${load.firstRejection ?? 'none'}`);
    }
    const size = await meanMessageBytes(kafka, cdrTopic);
    const recordSize = Math.round(size.value);
    say(`collector wrote records of ${size.value.toFixed(1)} bytes on average (+${size.key.toFixed(1)} key bytes), from ${size.sampled} sampled`);

    let reference: Awaited<ReturnType<typeof runProducerPerformance>> | undefined;
    if (!args['skip-reference']) {
      await ensureTopics(kafka, [{ name: referenceTopic, partitions: TOPICS.cdrs.partitions }]);
      say(`reference: Kafka ProducerPerformance, ${records} records of ${recordSize} bytes`);
      reference = await runProducerPerformance({
        // The stack's jars: BENCH_KAFKA_LIB (the cluster stack: .stack-cluster/lib/kafka), else CALLWATCH_STACK_DIR's.
        classpathDir: process.env.BENCH_KAFKA_LIB ?? `${process.env.CALLWATCH_STACK_DIR ?? `${ROOT}.stack`}/lib/kafka`,
        brokers: kafka.brokers,
        topic: referenceTopic,
        records,
        recordSize,
        // Same guarantees and batching as the collector's librdkafka producer (core/kafka/producer.ts).
        producerProps: {
          acks: 'all',
          'enable.idempotence': true,
          'compression.type': kafka.compression,
          'linger.ms': kafka.lingerMs,
          'batch.size': 1_000_000,
        },
      });
    }

    const result = {
      runId,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
      settings: { records, batchSize, concurrency, warmupRecords: warmup, gzip: args.gzip, seed: Number(args.seed), collectorRoot, collectorRuntime: runtime, collectorNodeFlags: nodeFlags },
      loadAverage: { start: loadAtStart, end: loadavg() },
      collector: { ...load, peakRssMiB: collectorPeakRss, peakRssMiBAtMaxRate: peakRssAtMaxRate, cpuUsPerCdr, kafkaRecordBytes: size },
      halfRate,
      reference,
      ratio: reference ? { throughput: Math.round((load.cdrsPerSecond / reference.recordsPerSecond) * 1000) / 1000 } : undefined,
    };
    mkdirSync(`${ROOT}bench/results`, { recursive: true });
    const file = `${ROOT}bench/results/ingest-${runId}.json`;
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    const lines = [
      `collector  ${load.cdrsPerSecond.toLocaleString('en-GB')} CDRs/s acknowledged (${load.accepted}/${load.records} in ${(load.elapsedMs / 1000).toFixed(1)} s; ${load.shed} shed and retried)`,
      `           ack per request p50 ${load.ackMs.p50} ms, p99 ${load.ackMs.p99} ms, max ${load.ackMs.max} ms; peak RSS ${peakRssAtMaxRate ?? '?'} MiB (${collectorPeakRss ?? '?'} MiB after both phases); CPU ${cpuUsPerCdr.maxRate ?? '?'} µs/CDR (${cpuUsPerCdr.halfRate ?? '?'} at half rate)`,
      halfRate
        ? `half rate  ${halfRate.cdrsPerSecond.toLocaleString('en-GB')} CDRs/s acknowledged (offered ${Math.round(load.cdrsPerSecond / 2).toLocaleString('en-GB')}/s; ${halfRate.shed} shed); ack per request p50 ${halfRate.ackMs.p50} ms, p99 ${halfRate.ackMs.p99} ms, max ${halfRate.ackMs.max} ms`
        : '',
      reference
        ? `reference  ProducerPerformance ${Math.round(reference.recordsPerSecond).toLocaleString('en-GB')} records/s of ${recordSize} B; latency p50 ${reference.p50Ms} ms, p99 ${reference.p99Ms} ms; peak RSS ${reference.peakRssMiB ?? '?'} MiB`
        : 'reference  skipped',
      result.ratio ? `ratio      collector / ProducerPerformance throughput = ${result.ratio.throughput}` : '',
      `load avg   ${loadAtStart.map((l) => l.toFixed(2)).join(' ')} at the start, ${result.loadAverage.end.map((l) => l.toFixed(2)).join(' ')} at the end`,
      `written    ${file}`,
    ];
    process.stdout.write(`${lines.filter(Boolean).join('\n')}\n`);
  } finally {
    if (!args['keep-topics']) {
      for (const t of [...projectTopics(kafka).map((s) => s.name), referenceTopic]) await deleteTopic(kafka, t).catch(() => undefined);
    }
  }
}

await main();
