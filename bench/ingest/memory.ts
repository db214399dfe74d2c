// npx tsx bench/ingest/memory.ts [--records 300000 --batch 2000 --concurrency 8 --port 18481 --node-flags "..." --tsx]
//
// Where the collector's resident memory goes under the benchmark's maximum-rate load: starts one
// collector (the production build, or --tsx), drives it closed loop as `npm run bench:ingest` does,
// and samples every 200 ms /proc/<pid>/status (RSS: anonymous and file-backed) and the collector's
// own /metrics (V8 heap spaces, external memory). Prints the sample at the peak RSS, the maxima of
// each part, and V8's garbage collections during the run (count and seconds per kind, from /metrics).
// The sampling costs the collector some CPU: use run.ts for throughput figures, this for the breakdown.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../core/config/load.ts';
import { deleteTopic, ensureTopics, projectTopics } from '../../core/kafka/admin.ts';
import type { DriveOptions, DriveResult } from '../load/drive.ts';
import { benchCollectorEnv } from './collector-env.ts';
import { startCollector } from './collector-process.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '300000' },
    batch: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '40000' },
    port: { type: 'string', default: '18481' },
    'node-flags': { type: 'string', default: '' },
    tsx: { type: 'boolean', default: false },
  },
});

type Sample = Record<string, number>;

function procStatus(pid: number): Sample {
  const out: Sample = {};
  try {
    for (const m of readFileSync(`/proc/${pid}/status`, 'utf8').matchAll(/^(VmRSS|VmHWM|RssAnon|RssFile):\s+(\d+) kB$/gm)) out[m[1] as string] = Number(m[2]) / 1024;
  } catch {
    // gone
  }
  return out;
}

/** Garbage collections so far by kind (minor, major, incremental, weakcb): count and seconds. */
async function gcTotals(baseUrl: string): Promise<Record<string, { count: number; seconds: number }>> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const out: Record<string, { count: number; seconds: number }> = {};
  for (const m of text.matchAll(/^callwatch_nodejs_gc_duration_seconds_(count|sum)\{([^}]*)\} (\S+)$/gm)) {
    const kind = /kind="([a-z]+)"/.exec(m[2] ?? '')?.[1] ?? '?';
    const t = (out[kind] ??= { count: 0, seconds: 0 });
    if (m[1] === 'count') t.count = Number(m[3]);
    else t.seconds = Math.round(Number(m[3]) * 1000) / 1000;
  }
  return out;
}

async function heapMetrics(baseUrl: string): Promise<Sample> {
  const out: Sample = {};
  try {
    const text = await (await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(1000) })).text();
    for (const m of text.matchAll(/^callwatch_nodejs_(heap_space_size_used_bytes|heap_space_size_total_bytes|external_memory_bytes|heap_size_total_bytes)(?:\{([^}]*)\})? (\S+)$/gm)) {
      const space = /space="([a-z_]+)"/.exec(m[2] ?? '')?.[1];
      out[`${m[1] ?? ''}${space ? `:${space}` : ''}`.replace('_bytes', '')] = Number(m[3]) / 2 ** 20;
    }
  } catch {
    // busy
  }
  return out;
}

function runLoad(options: DriveOptions): Promise<DriveResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/load/drive.ts', JSON.stringify(options)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as DriveResult) : reject(new Error(`load exited ${String(code)}`))));
  });
}

const port = Number(args.port);
const runId = `mem${Date.now().toString(36)}`;
const kafka = { ...loadConfig().kafka, topicPrefix: `bench.${runId}.` };
await ensureTopics(kafka, projectTopics(kafka));
const env = benchCollectorEnv({ topicPrefix: kafka.topicPrefix, port });
const collector = await startCollector(ROOT, env.env, port, args.tsx ? 'tsx' : 'dist', args['node-flags'].split(' ').filter(Boolean));
const pid = collector.child.pid ?? -1;
const samples: Sample[] = [];
let sampling = true;
const sampler = (async () => {
  while (sampling) {
    samples.push({ ...procStatus(pid), ...(await heapMetrics(collector.baseUrl)) });
    await new Promise((r) => setTimeout(r, 200));
  }
})();
let load: DriveResult;
try {
  load = await runLoad({
    url: `${collector.baseUrl}/v1/cdrs`,
    headers: env.headers,
    records: Number(args.records),
    batchSize: Number(args.batch),
    concurrency: Number(args.concurrency),
    warmupRecords: Number(args.warmup),
    seed: 20160401,
    idPrefix: `${runId}-`,
    gzip: false,
    maxRetryWaitMs: 1000,
  });
} finally {
  sampling = false;
  await sampler;
}
const gcs = await gcTotals(collector.baseUrl).catch(() => ({}));
try {
  await collector.stop();
} finally {
  for (const t of projectTopics(kafka)) await deleteTopic(kafka, t.name).catch(() => undefined);
}
const peak = samples.reduce((a, b) => ((b.VmRSS ?? 0) > (a.VmRSS ?? 0) ? b : a), {});
const max: Sample = {};
for (const s of samples) for (const [k, v] of Object.entries(s)) max[k] = Math.max(max[k] ?? 0, v);
const fmt = (s: Sample): string =>
  Object.entries(s)
    .filter(([, v]) => v >= 0.5)
    .map(([k, v]) => `${k}=${v.toFixed(0)}`)
    .join(' ');
console.log(`load: ${load.cdrsPerSecond} CDRs/s, ack p50 ${load.ackMs.p50} / p99 ${load.ackMs.p99} ms; GCs since start (count, s): ${JSON.stringify(gcs)}`);
console.log(`at peak RSS (MiB): ${fmt(peak)}`);
console.log(`maxima (MiB):      ${fmt(max)}`);
