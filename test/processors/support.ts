import { spawn, type ChildProcess } from 'node:child_process';
import { AvroSerde } from '../../core/avro/serde.ts';
import type { Config } from '../../core/config/schema.ts';
import { ensureTopics, projectTopics } from '../../core/kafka/admin.ts';
import { BatchConsumer, type KafkaMessage } from '../../core/kafka/consumer.ts';
import { KafkaProducer, type ProduceRecord } from '../../core/kafka/producer.ts';
import { topicName } from '../../core/kafka/topics.ts';
import type { Clickhouse } from '../../core/clickhouse/client.ts';
import { ReadModel } from '../../core/read-model/index.ts';
import { auditAggregates } from '../support/aggregate-audit.ts';
import type { CdrRecord, NuisanceReportRecord } from '../../core/records.ts';
import { channelWeekTruth, numberCdrTruth, numberReportTruth } from '../support/generate.ts';

// Shared by the processor tests: topics, an Avro producer of generated records, a dead-letter
// reader, and a child-process runner for processors/main.ts.

export const REPO_ROOT = new URL('../../', import.meta.url).pathname;

export async function prepareTopics(config: Config): Promise<void> {
  await ensureTopics(config.kafka, projectTopics(config.kafka, ['cdrs', 'reports', 'deadLetter']));
}

export class RecordProducer {
  private constructor(
    readonly producer: KafkaProducer,
    readonly serde: AvroSerde,
    private readonly config: Config,
  ) {}

  static async connect(config: Config): Promise<RecordProducer> {
    const serde = AvroSerde.fromConfig(config.registry);
    await serde.register('cdr', `${topicName(config.kafka, 'cdrs')}-value`);
    await serde.register('nuisanceReport', `${topicName(config.kafka, 'reports')}-value`);
    return new RecordProducer(await KafkaProducer.connect(config.kafka), serde, config);
  }

  cdrMessage(c: CdrRecord): ProduceRecord {
    return { topic: topicName(this.config.kafka, 'cdrs'), key: `${c.platform}/${c.cdr_id}`, value: this.serde.encode('cdr', c) };
  }

  reportMessage(r: NuisanceReportRecord): ProduceRecord {
    return { topic: topicName(this.config.kafka, 'reports'), key: r.report_id, value: this.serde.encode('nuisanceReport', r) };
  }

  /** Sends in slices so the local queue stays bounded; throws if any record was not confirmed. */
  async sendAll(records: readonly ProduceRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += 20_000) {
      const results = await this.producer.sendAll(records.slice(i, i + 20_000));
      const failed = results.find((r) => r.status === 'rejected');
      if (failed?.status === 'rejected') throw new Error(`produce failed: ${String(failed.reason)}`);
    }
  }

  close(): Promise<void> {
    return this.producer.close();
  }
}

/** Reads `count` messages from the dead-letter topic (from the start), or fails after timeoutMs. */
export async function readDeadLetters(config: Config, count: number, timeoutMs = 20_000): Promise<KafkaMessage[]> {
  const consumer = await BatchConsumer.connect(config.kafka, { groupId: `${config.kafka.topicPrefix}dlq-reader`, topics: [topicName(config.kafka, 'deadLetter')] });
  const out: KafkaMessage[] = [];
  const deadline = Date.now() + timeoutMs;
  try {
    while (out.length < count && Date.now() < deadline) out.push(...(await consumer.consumeBatch(1000)));
  } finally {
    await consumer.close();
  }
  return out;
}

export function headerValue(m: KafkaMessage, name: string): string | undefined {
  for (const h of m.headers ?? []) {
    const v = h[name];
    if (v !== undefined) return Buffer.isBuffer(v) ? v.toString('utf8') : v;
  }
  return undefined;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last === undefined ? '' : ` (last error: ${last instanceof Error ? last.message : JSON.stringify(last)})`}`);
}

/** Environment for a child processors/main.ts that uses the same isolated topics and database. */
export function processorEnv(config: Config, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CALLWATCH_KAFKA__TOPIC_PREFIX: config.kafka.topicPrefix,
    CALLWATCH_CLICKHOUSE__ENGINE: config.clickhouse.engine,
    CALLWATCH_CLICKHOUSE__DATABASE: config.clickhouse.database,
    CALLWATCH_PROCESSORS__HTTP_PORT: '0',
    CALLWATCH_PROCESSORS__CONSUME_TIMEOUT_MS: '200',
    CALLWATCH_PROCESSORS__RETRY_DELAY_MS: '200',
    CALLWATCH_LOG__LEVEL: 'info',
    ...extra,
  };
}

/** A processors/main.ts child: one node process (no npx wrapper), so signals reach it directly. */
export class ProcessorChild {
  readonly child: ChildProcess;
  private output = '';
  port: number | undefined;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'processors/main.ts'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (b: Buffer): void => {
      this.output += b.toString('utf8');
      if (this.port === undefined) {
        const m = /"port":(\d+)[^\n]*ops server listening/.exec(this.output);
        if (m?.[1]) this.port = Number(m[1]);
      }
      if (this.output.length > 2_000_000) this.output = this.output.slice(-1_000_000);
    };
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get log(): string {
    return this.output;
  }

  /** True once the process logged that it is consuming. */
  get processing(): boolean {
    return this.output.includes('"msg":"processing"');
  }

  async metrics(): Promise<string> {
    if (this.port === undefined) throw new Error('no port yet');
    const res = await fetch(`http://127.0.0.1:${this.port}/metrics`);
    return res.text();
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}

/** Sum of a Prometheus metric's samples whose label set contains `labelMatch`. */
export function metricSum(text: string, name: string, labelMatch = ''): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (labelMatch && !line.includes(labelMatch)) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/**
 * Whether the weekly aggregates in `ch` equal the truth computed from the generated records, and
 * equal every aggregate recomputed from the stored record rows (test/support/aggregate-audit.ts).
 */
export async function aggregatesMatchTruth(ch: Clickhouse, cdrs: readonly CdrRecord[], reports: readonly NuisanceReportRecord[]): Promise<{ ok: boolean; diff: string }> {
  const audit = await auditAggregates(ch);
  if (!audit.ok) return { ok: false, diff: audit.problems.join('; ') };
  const agg = new ReadModel(ch);
  const gotCdr = (await agg.numberCdrWeeks()).map((w) => ({ number: w.number, week: w.week, calls: w.calls, callees: w.callees, answered_calls: w.answered_calls, short_calls: w.short_calls }));
  const checks: [string, unknown, unknown][] = [
    ['channel weeks', await agg.channelWeeks(), channelWeekTruth(reports)],
    ['number report weeks', await agg.numberReportWeeks(), numberReportTruth(reports)],
    ['number CDR weeks', gotCdr, numberCdrTruth(cdrs)],
  ];
  for (const [name, got, want] of checks) {
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      const g = got as unknown[];
      const w = want as unknown[];
      return { ok: false, diff: `${name}: ${g.length} rows vs ${w.length} expected; first got ${JSON.stringify(g[0])} want ${JSON.stringify(w[0])}` };
    }
  }
  return { ok: true, diff: '' };
}

/**
 * Waits until a child has nothing left to do: every one of its partitions shows lag 0 and its
 * consumed-records counter has not moved for `quietMs` (it polls every 200 ms, so a backlog would
 * move it). Only a heuristic for "done": the assertions that follow check the exact counts.
 */
export async function waitUntilIdle(child: ProcessorChild, partitions = 12, quietMs = 3000, timeoutMs = 90_000): Promise<void> {
  let lastCount = -1;
  let stableSince = Date.now();
  await waitFor(
    'the processor to drain its partitions',
    async () => {
      const m = await child.metrics();
      const series = m.split('\n').filter((l) => l.startsWith('callwatch_processor_consumer_lag{'));
      const consumed = metricSum(m, 'callwatch_processor_records_consumed_total');
      if (consumed !== lastCount) {
        lastCount = consumed;
        stableSince = Date.now();
      }
      const idle = series.length === partitions && metricSum(m, 'callwatch_processor_consumer_lag') === 0 && Date.now() - stableSince >= quietMs;
      return idle ? true : undefined;
    },
    timeoutMs,
    250,
  );
}
