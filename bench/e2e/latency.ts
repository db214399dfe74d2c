// End-to-end latency: from the collector's HTTP acknowledgement of a CDR batch to the moment the
// batch is visible in ClickHouse's weekly aggregates (the aggregates are computed from the stored
// records, so "all of a batch's records stored" is "visible in the aggregate").
//
//   npx tsx bench/e2e/latency.ts [batches=120] [batchSize=500] [batchesPerSecond=4]
//
// One collector and one processor, each its own process, on their own topics and database.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../core/config/load.ts';
import { Clickhouse } from '../../core/clickhouse/client.ts';
import { ident, sql } from '../../core/clickhouse/escape.ts';
import { deleteTopic, projectTopics } from '../../core/kafka/admin.ts';
import { CdrTraffic, DEFAULT_TRAFFIC } from '../load/traffic.ts';
import { startCollector } from '../ingest/collector-process.ts';
import { benchCollectorEnv } from '../ingest/collector-env.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const [batches = 120, batchSize = 500, perSecond = 4] = process.argv.slice(2).map(Number);

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

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

async function main(): Promise<void> {
  const run = randomBytes(3).toString('hex');
  const topicPrefix = `bench.e2e.${run}.`;
  const database = `bench_e2e_${run}`;
  const collectorPort = 18_180;
  const processorPort = 18_181;
  const collector = benchCollectorEnv({ topicPrefix, port: collectorPort });
  const shared = {
    ...collector.env,
    CALLWATCH_CLICKHOUSE__DATABASE: database,
    CALLWATCH_PROCESSORS__GROUP_ID: `bench-e2e-${run}`,
    CALLWATCH_PROCESSORS__HTTP_PORT: String(processorPort),
  };
  const config = loadConfig({ env: { ...process.env, ...shared } });
  const ch = await Clickhouse.connect(config.clickhouse);
  const ingest = await startCollector(ROOT, shared, collectorPort);
  const processor = await startProcessor(shared, `http://127.0.0.1:${processorPort}/readyz`);
  console.log(`collector pid ${ingest.child.pid}, processor pid ${processor.pid}; ${batches} batches of ${batchSize} CDRs at ${perSecond} batches/s`);

  const traffic = new CdrTraffic({ ...DEFAULT_TRAFFIC, startMs: Date.now() - 7 * 86_400_000, callsPerSecond: 1 });
  const ackedAt = new Map<number, number>();
  const visibleAt = new Map<number, number>();
  const state = { sending: true };

  // Visibility probe: which batches have all their records stored (batch number = cdr_id prefix).
  const probe = (async () => {
    const db = ident(database);
    while (state.sending || visibleAt.size < ackedAt.size) {
      const rows = await ch
        .query<{ b: number; n: number }>(sql`SELECT toUInt32(substring(cdr_id, 2, position(cdr_id, '-') - 2)) AS b, uniqExact(cdr_id) AS n FROM ${db}.cdrs GROUP BY b`)
        .catch(() => []);
      const now = Date.now();
      for (const r of rows) if (r.n >= batchSize && !visibleAt.has(r.b)) visibleAt.set(r.b, now);
      if (!state.sending && Date.now() - (Math.max(...ackedAt.values()) || 0) > 60_000) break;
      await sleep(50);
    }
  })();

  const sends: Promise<void>[] = [];
  const start = Date.now();
  for (let b = 0; b < batches; b++) {
    await sleep(Math.max(0, start + (b * 1000) / perSecond - Date.now()));
    const body = traffic.batch(batchSize).map((c, j) => ({ ...c, cdr_id: `b${b}-${j}` }));
    sends.push(
      fetch(`${ingest.baseUrl}/v1/cdrs`, { method: 'POST', headers: { ...collector.headers, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (res) => {
        await res.arrayBuffer();
        if (res.ok) ackedAt.set(b, Date.now());
        else console.error(`batch ${b}: HTTP ${res.status}`);
      }),
    );
  }
  await Promise.all(sends);
  state.sending = false;
  await probe;

  const latencies = [...ackedAt].flatMap(([b, acked]) => {
    const seen = visibleAt.get(b);
    return seen === undefined ? [] : [seen - acked];
  });
  latencies.sort((x, y) => x - y);
  console.log(`acknowledged batches: ${ackedAt.size}/${batches}; visible: ${latencies.length}`);
  console.log(`ack → visible in ClickHouse, per batch of ${batchSize}: p50 ${quantile(latencies, 0.5)} ms, p99 ${quantile(latencies, 0.99)} ms, max ${latencies.at(-1)} ms (probe every ~50 ms)`);

  await ingest.stop();
  processor.kill('SIGTERM');
  await new Promise((r) => processor.once('exit', r));
  await ch.command(sql`DROP DATABASE IF EXISTS ${ident(database)}`);
  await ch.close();
  for (const t of projectTopics(config.kafka)) await deleteTopic(config.kafka, t.name).catch(() => undefined);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
