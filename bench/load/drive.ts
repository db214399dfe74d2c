// The load side of the collector benchmark, run as its own process so that generating and sending
// traffic does not share an event loop with the collector it measures. Reads its options as JSON
// from argv[2], writes one JSON result line to stdout.
import { Agent, request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { z } from 'zod';
import { CdrTraffic, DEFAULT_TRAFFIC } from './traffic.ts';

export const driveOptionsSchema = z.strictObject({
  url: z.url(),
  headers: z.record(z.string(), z.string()).default({}),
  records: z.number().int().positive(),
  batchSize: z.number().int().positive(),
  concurrency: z.number().int().positive(),
  /** Records sent before measuring, to warm the collector's JIT and the producer's connections. */
  warmupRecords: z.number().int().nonnegative(),
  seed: z.number().int(),
  idPrefix: z.string(),
  gzip: z.boolean().default(false),
  /** Longest a shed (429/503) request waits before it is sent again. */
  maxRetryWaitMs: z.number().int().positive().default(1000),
  /**
   * Offered load in CDRs/s (open loop): a request starts every batchSize/rate seconds whether or not
   * earlier ones were answered (at most `concurrency` connections; more wait for one, and that wait
   * counts in their time). Absent: closed loop, `concurrency` requests always in flight (the maximum rate).
   */
  rate: z.number().positive().optional(),
});
export type DriveOptions = z.infer<typeof driveOptionsSchema>;

export interface DriveResult {
  records: number;
  requests: number;
  accepted: number;
  rejected: number;
  /** 429/503 answers that were retried. */
  shed: number;
  failed: number;
  statuses: Record<string, number>;
  elapsedMs: number;
  cdrsPerSecond: number;
  /** Per request: from sending the request to the whole answer received (= time to acknowledgement). */
  ackMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  bodyBytesPerRecord: number;
  firstRejection?: string;
}

interface Answer {
  status: number;
  body: string;
  retryAfterS: number | undefined;
}

function post(agent: Agent, url: URL, headers: Record<string, string>, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const ra = Number(res.headers['retry-after']);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), retryAfterS: Number.isFinite(ra) ? ra : undefined });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const countsSchema = z.looseObject({
  accepted: z.union([z.number(), z.array(z.unknown())]),
  rejected: z.union([z.number(), z.array(z.unknown())]).optional(),
});

/** Accepted and rejected counts from the collector's answer (lists of ids or plain counts). */
function counts(body: string): { accepted: number; rejected: number; firstRejection?: string } {
  const parsed = countsSchema.safeParse(JSON.parse(body));
  if (!parsed.success) throw new Error(`unexpected answer: ${body.slice(0, 300)}`);
  const size = (v: number | unknown[] | undefined): number => (v === undefined ? 0 : typeof v === 'number' ? v : v.length);
  const rejected = parsed.data.rejected;
  const first = Array.isArray(rejected) && rejected.length > 0 ? JSON.stringify(rejected[0]) : undefined;
  return { accepted: size(parsed.data.accepted), rejected: size(rejected), ...(first ? { firstRejection: first } : {}) };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

function bodies(traffic: CdrTraffic, records: number, batchSize: number, gzip: boolean): Buffer[] {
  const out: Buffer[] = [];
  for (let done = 0; done < records; done += batchSize) {
    const json = Buffer.from(JSON.stringify(traffic.batch(Math.min(batchSize, records - done))));
    out.push(gzip ? gzipSync(json, { level: 1 }) : json);
  }
  return out;
}

async function send(options: DriveOptions, agent: Agent, batches: readonly Buffer[], latencies: number[] | null): Promise<Omit<DriveResult, 'elapsedMs' | 'cdrsPerSecond' | 'ackMs' | 'bodyBytesPerRecord' | 'records'>> {
  const url = new URL(options.url);
  const headers = {
    'content-type': 'application/json',
    ...(options.gzip ? { 'content-encoding': 'gzip' } : {}),
    ...options.headers,
  };
  const result = { requests: 0, accepted: 0, rejected: 0, shed: 0, failed: 0, statuses: {} as Record<string, number>, firstRejection: undefined as string | undefined };
  let nextBatch = 0;
  const one = async (body: Buffer): Promise<void> => {
    // Retried until acknowledged: every record must be acknowledged once for the figure to count.
    for (;;) {
        const started = process.hrtime.bigint();
        const answer = await post(agent, url, headers, body);
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        result.requests++;
        result.statuses[answer.status] = (result.statuses[answer.status] ?? 0) + 1;
        if (answer.status === 429 || answer.status === 503) {
          result.shed++;
          await new Promise((r) => setTimeout(r, Math.min(options.maxRetryWaitMs, (answer.retryAfterS ?? 0.1) * 1000)));
          continue;
        }
        if (answer.status >= 300) {
          result.failed++;
          result.firstRejection ??= `HTTP ${answer.status}: ${answer.body.slice(0, 300)}`;
          break;
        }
        latencies?.push(ms);
        const c = counts(answer.body);
        result.accepted += c.accepted;
        result.rejected += c.rejected;
        if (c.firstRejection) result.firstRejection ??= c.firstRejection;
        break;
    }
  };
  const worker = async (): Promise<void> => {
    for (let i = nextBatch++; i < batches.length; i = nextBatch++) {
      const body = batches[i];
      if (body) await one(body);
    }
  };
  if (options.rate === undefined || latencies === null) await Promise.all(Array.from({ length: options.concurrency }, worker));
  else {
    // Open loop: request i starts at i × batchSize / rate, answered or not.
    const everyMs = (options.batchSize / options.rate) * 1000;
    const start = performance.now();
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < batches.length; i++) {
      const wait = start + i * everyMs - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const body = batches[i];
      if (body) inFlight.push(one(body));
    }
    await Promise.all(inFlight);
  }
  return { ...result, ...(result.firstRejection ? { firstRejection: result.firstRejection } : {}) };
}

export async function drive(options: DriveOptions): Promise<DriveResult> {
  const traffic = new CdrTraffic({ ...DEFAULT_TRAFFIC, seed: options.seed, idPrefix: options.idPrefix, startMs: Date.now() - 6 * 3_600_000 });
  const warmup = bodies(traffic, options.warmupRecords, options.batchSize, options.gzip);
  const measured = bodies(traffic, options.records, options.batchSize, options.gzip);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  try {
    if (warmup.length > 0) await send(options, agent, warmup, null);
    const latencies: number[] = [];
    const started = process.hrtime.bigint();
    const sent = await send(options, agent, measured, latencies);
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    latencies.sort((a, b) => a - b);
    const round = (n: number): number => Math.round(n * 10) / 10;
    return {
      records: options.records,
      ...sent,
      elapsedMs: round(elapsedMs),
      cdrsPerSecond: Math.round(sent.accepted / (elapsedMs / 1000)),
      ackMs: {
        p50: round(percentile(latencies, 50)),
        p90: round(percentile(latencies, 90)),
        p99: round(percentile(latencies, 99)),
        max: round(latencies[latencies.length - 1] ?? 0),
        mean: round(latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length)),
      },
      bodyBytesPerRecord: round(measured.reduce((a, b) => a + b.length, 0) / options.records),
    };
  } finally {
    agent.destroy();
  }
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const options = driveOptionsSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
  process.stdout.write(`${JSON.stringify(await drive(options))}\n`);
}
