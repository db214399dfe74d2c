// npm run bench:ingest [-- --records 500000 --batch 2000 --concurrency 8 --rounds 5 --cpu-prof --skip-half-rate --tsx]
//
// One collector process, driven by a separate load process with batched native-JSON CDR requests
// (closed loop: the maximum rate; then open loop at half of it, for the acknowledgement latency there),
// next to Kafka's own ProducerPerformance with the same record count and size, in one invocation.
// --rounds N alternates the two N times against the same collector process and reports the median
// and range of each figure and of the ratio: on a shared machine one pair of runs mostly measures luck.
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
import { runProducerPerformance, type ProducerPerformanceResult } from './producer-performance.ts';
import type { ThreadGroup } from './proc-status.ts';
import { formatSpread, spread } from './spread.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '500000' },
    batch: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '40000' },
    rounds: { type: 'string', default: '1' },
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
const rounds = int('rounds', args.rounds);
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

/** CPU µs per record between two readings (one decimal). */
function perRecord(from: number | undefined, to: number | undefined, n: number): number | undefined {
  return from === undefined || to === undefined ? undefined : Math.round(((to - from) * 1e6) / n * 10) / 10;
}

/** The same per thread group of the collector (threads that ended between the readings are left out). */
function perRecordByThread(from: Record<ThreadGroup, number> | undefined, to: Record<ThreadGroup, number> | undefined, n: number): Partial<Record<ThreadGroup, number>> {
  if (!from || !to) return {};
  return Object.fromEntries((Object.keys(to) as ThreadGroup[]).map((g) => [g, perRecord(from[g], to[g], n)]));
}

interface Round {
  round: number;
  loadAverage: { start: number[]; end: number[] };
  collector: DriveResult & { cpuUsPerCdr: number | undefined; cpuUsPerCdrByThread: Partial<Record<ThreadGroup, number>> };
  reference?: ProducerPerformanceResult & { cpuUsPerRecord: number | undefined };
  ratio?: { throughput: number; cpu: number | undefined };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

async function main(): Promise<void> {
  const loadAtStart = loadavg();
  await ensureTopics(kafka, projectTopics(kafka));
  const cdrTopic = topicName(kafka, 'cdrs');
  const referenceTopic = `${topicPrefix}producer-performance`;
  const collectorEnv = benchCollectorEnv({ topicPrefix, port });
  const profDir = `${ROOT}bench/results/prof-${runId}`;
  const nodeFlags = [...(args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []), ...args['collector-node-flags'].split(' ').filter(Boolean)];
  const classpathDir = process.env.BENCH_KAFKA_LIB ?? `${process.env.CALLWATCH_STACK_DIR ?? `${ROOT}.stack`}/lib/kafka`;
  // Same guarantees and batching as the collector's librdkafka producer (core/kafka/producer.ts).
  const producerProps = { acks: 'all', 'enable.idempotence': true, 'compression.type': kafka.compression, 'linger.ms': kafka.lingerMs, 'batch.size': 1_000_000 };
  const done: Round[] = [];
  let halfRate: DriveResult | undefined;
  let halfRateCpuUsPerCdr: number | undefined;
  let collectorPeakRss: number | undefined;
  let peakRssAtMaxRate: number | undefined;
  let size: Awaited<ReturnType<typeof meanMessageBytes>> | undefined;
  let referenceStartupCpuSeconds: number | undefined;
  try {
    if (runtime === 'dist') buildCollector(collectorRoot);
    say(`collector (${runtime === 'dist' ? 'node dist/ingest/main.js' : 'node --import tsx ingest/main.ts'}): topic prefix ${topicPrefix}, port ${port}${args['cpu-prof'] ? `, CPU profile to ${profDir}` : ''}`);
    if (!args['skip-reference']) await ensureTopics(kafka, [{ name: referenceTopic, partitions: TOPICS.cdrs.partitions }]);
    const collector = await startCollector(collectorRoot, collectorEnv.env, port, runtime, nodeFlags);
    try {
      for (let r = 1; r <= rounds; r++) {
        const start = loadavg();
        // The warm-up (JIT, number memo, producer connections) only before the first round; later
        // rounds send the same traffic's shape again under new ids, to the same warm process.
        const warm = r === 1 ? warmup : 0;
        const cpu0 = collector.cpuSeconds();
        const threads0 = collector.threadCpuSeconds();
        say(`round ${r}/${rounds}: ${records} CDRs${warm > 0 ? ` (+${warm} warm-up)` : ''} in batches of ${batchSize}, ${concurrency} connections`);
        const load = await runLoad({
          url: `${collector.baseUrl}/v1/cdrs`,
          headers: collectorEnv.headers,
          records,
          batchSize,
          concurrency,
          warmupRecords: warm,
          seed: Number(args.seed),
          idPrefix: `${runId}-r${r}-`,
          gzip: args.gzip,
          maxRetryWaitMs: 1000,
        });
        // CPU per record (the first round's includes its warm-up): what the collector costs, much
        // steadier than its rate on a busy machine. All its threads, and each group of them.
        const n = records + warm;
        const cpuUsPerCdr = perRecord(cpu0, collector.cpuSeconds(), n);
        const cpuUsPerCdrByThread = perRecordByThread(threads0, collector.threadCpuSeconds(), n);
        peakRssAtMaxRate = collector.peakRss();
        if (load.failed > 0 || load.accepted < load.records) {
          say(`WARNING: ${load.records - load.accepted} of ${load.records} records not accepted; first problem: ${load.firstRejection ?? 'none'}`);
        }
        const round: Round = { round: r, loadAverage: { start, end: loadavg() }, collector: { ...load, cpuUsPerCdr, cpuUsPerCdrByThread } };
        if (size === undefined) {
          size = await meanMessageBytes(kafka, cdrTopic);
          say(`collector wrote records of ${size.value.toFixed(1)} bytes on average (+${size.key.toFixed(1)} key bytes), from ${size.sampled} sampled`);
        }
        if (!args['skip-reference']) {
          const recordSize = Math.round(size.value);
          if (referenceStartupCpuSeconds === undefined) {
            // The JVM's start-up and shutdown CPU, from a run of 1,000 records, subtracted from each
            // round's CPU per record (the collector's readings start once it is up).
            referenceStartupCpuSeconds = (await runProducerPerformance({ classpathDir, brokers: kafka.brokers, topic: referenceTopic, records: 1000, recordSize, producerProps })).cpuSeconds;
          }
          say(`round ${r}/${rounds}: Kafka ProducerPerformance, ${records} records of ${recordSize} bytes`);
          const reference = await runProducerPerformance({ classpathDir, brokers: kafka.brokers, topic: referenceTopic, records, recordSize, producerProps });
          const cpuUsPerRecord = perRecord(referenceStartupCpuSeconds, reference.cpuSeconds, records - 1000);
          round.reference = { ...reference, cpuUsPerRecord };
          round.ratio = {
            throughput: round3(load.cdrsPerSecond / reference.recordsPerSecond),
            // ProducerPerformance's CPU per record over the collector's: the throughput ratio two equally fed processes would have.
            cpu: cpuUsPerRecord === undefined || cpuUsPerCdr === undefined ? undefined : round3(cpuUsPerRecord / cpuUsPerCdr),
          };
          round.loadAverage.end = loadavg();
        }
        done.push(round);
        say(`round ${r}/${rounds}: ${load.cdrsPerSecond.toLocaleString('en-GB')} CDRs/s, ${cpuUsPerCdr ?? '?'} µs/CDR${round.reference ? `; ProducerPerformance ${Math.round(round.reference.recordsPerSecond).toLocaleString('en-GB')} records/s, ${round.reference.cpuUsPerRecord ?? '?'} µs/record; ratio ${round.ratio?.throughput ?? '?'} (CPU ${round.ratio?.cpu ?? '?'})` : ''}`);
      }
      if (!args['skip-half-rate']) {
        // The same records' shape at half the (median) rate just reached, offered at a steady pace (new ids).
        const rate = Math.max(1, Math.round((spread(done.map((d) => d.collector.cdrsPerSecond))?.median ?? 2) / 2));
        say(`load: ${records} CDRs at half the maximum rate, ${rate} CDRs/s (open loop)`);
        const cpu0 = collector.cpuSeconds();
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
        halfRateCpuUsPerCdr = perRecord(cpu0, collector.cpuSeconds(), records);
      }
    } finally {
      collectorPeakRss = await collector.stop();
    }

    const median = {
      cdrsPerSecond: spread(done.map((d) => d.collector.cdrsPerSecond)),
      ackP50Ms: spread(done.map((d) => d.collector.ackMs.p50)),
      ackP99Ms: spread(done.map((d) => d.collector.ackMs.p99)),
      cpuUsPerCdr: spread(done.map((d) => d.collector.cpuUsPerCdr)),
      cpuUsPerCdrMainThread: spread(done.map((d) => d.collector.cpuUsPerCdrByThread.main)),
      referenceRecordsPerSecond: spread(done.map((d) => d.reference?.recordsPerSecond)),
      referenceCpuUsPerRecord: spread(done.map((d) => d.reference?.cpuUsPerRecord)),
      ratio: spread(done.map((d) => d.ratio?.throughput)),
      cpuRatio: spread(done.map((d) => d.ratio?.cpu)),
    };
    const result = {
      runId,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
      settings: { records, batchSize, concurrency, warmupRecords: warmup, rounds, gzip: args.gzip, seed: Number(args.seed), collectorRoot, collectorRuntime: runtime, collectorNodeFlags: nodeFlags },
      loadAverage: { start: loadAtStart, end: loadavg() },
      collector: { peakRssMiB: collectorPeakRss, peakRssMiBAtMaxRate: peakRssAtMaxRate, kafkaRecordBytes: size },
      rounds: done,
      median,
      halfRate: halfRate ? { ...halfRate, cpuUsPerCdr: halfRateCpuUsPerCdr } : undefined,
      referenceStartupCpuSeconds,
    };
    mkdirSync(`${ROOT}bench/results`, { recursive: true });
    const file = `${ROOT}bench/results/ingest-${runId}.json`;
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    const threads = (d: Round): string =>
      (Object.entries(d.collector.cpuUsPerCdrByThread) as [string, number | undefined][]).filter(([, v]) => v !== undefined && v > 0).map(([k, v]) => `${k} ${String(v)}`).join(', ');
    const lines = [
      ...done.map((d) => {
        const c = d.collector;
        return [
          `round ${d.round}    collector ${c.cdrsPerSecond.toLocaleString('en-GB')} CDRs/s (${c.accepted}/${c.records} in ${(c.elapsedMs / 1000).toFixed(1)} s; ${c.shed} shed), ack p50 ${c.ackMs.p50} / p99 ${c.ackMs.p99} ms, CPU ${c.cpuUsPerCdr ?? '?'} µs/CDR (${threads(d)})`,
          d.reference
            ? `           ProducerPerformance ${Math.round(d.reference.recordsPerSecond).toLocaleString('en-GB')} records/s (p50 ${d.reference.p50Ms} / p99 ${d.reference.p99Ms} ms), CPU ${d.reference.cpuUsPerRecord ?? '?'} µs/record; ratio ${d.ratio?.throughput ?? '?'}, CPU ratio ${d.ratio?.cpu ?? '?'}; load ${d.loadAverage.start[0]?.toFixed(1) ?? '?'} → ${d.loadAverage.end[0]?.toFixed(1) ?? '?'}`
            : '',
        ].filter(Boolean).join('\n');
      }),
      `collector  ${formatSpread(median.cdrsPerSecond)} CDRs/s acknowledged; ack per request p50 ${formatSpread(median.ackP50Ms)} ms, p99 ${formatSpread(median.ackP99Ms)} ms`,
      `           CPU ${formatSpread(median.cpuUsPerCdr, 1)} µs/CDR, main thread ${formatSpread(median.cpuUsPerCdrMainThread, 1)}; peak RSS ${peakRssAtMaxRate ?? '?'} MiB at the maximum rate (${collectorPeakRss ?? '?'} MiB after all phases)`,
      halfRate
        ? `half rate  ${halfRate.cdrsPerSecond.toLocaleString('en-GB')} CDRs/s acknowledged (${halfRate.shed} shed); ack per request p50 ${halfRate.ackMs.p50} ms, p99 ${halfRate.ackMs.p99} ms, max ${halfRate.ackMs.max} ms; CPU ${halfRateCpuUsPerCdr ?? '?'} µs/CDR`
        : '',
      median.referenceRecordsPerSecond
        ? `reference  ProducerPerformance ${formatSpread(median.referenceRecordsPerSecond)} records/s of ${Math.round(size?.value ?? 0)} B; CPU ${formatSpread(median.referenceCpuUsPerRecord, 1)} µs/record (JVM start-up ${referenceStartupCpuSeconds ?? '?'} s CPU left out)`
        : 'reference  skipped',
      median.ratio ? `ratio      collector / ProducerPerformance records/s in the same round = ${formatSpread(median.ratio, 3)}; by CPU per record ${formatSpread(median.cpuRatio, 3)}` : '',
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
