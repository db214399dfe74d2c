// Two Kafka clients handing the same CDRs to the broker as the collector does, to see what the
// hand-over itself costs per record (bench/README.md, issue 13, "Two Kafka clients"):
//
//   npx tsx bench/ingest/producer-clients.ts [--records 300000] [--batch 2000] [--concurrency 8] [--rounds 3]
//
// (a) node-rdkafka through core/kafka/producer.ts, configured as for the collector (idempotent,
//     acks=all, the kafka section's compression, linger and batch settings), fed by sendFrom() with
//     the values copied into its scratch buffer as the collector's framer writes them;
// (b) @platformatic/kafka's Producer, idempotent (which forces acks=all), the same compression, one
//     send() call per batch.
// Both: pre-encoded CDR values in the Confluent wire format (generated CDRs, avsc's bytes, a fixed
// schema id: no registry needed), keys "<platform>/<cdr_id>" as the collector sets them, batches
// of --batch records, --concurrency batches in flight, one topic with the CDR topic's partitions.
// Each round runs in a fresh child process (so neither client inherits the other's heap or
// threads), alternating a, b, a, b...; the child measures records/s and process.cpuUsage() (all
// its threads: librdkafka's included) over the sending only, after a warm-up of 20 batches.
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import { parseArgs } from 'node:util';
import './with-resolvers.ts';
import { Producer as PlatformaticProducer } from '@platformatic/kafka';
import { frame } from '../../core/avro/serde.ts';
import { loadSchema } from '../../core/avro/schemas.ts';
import { loadConfig } from '../../core/config/load.ts';
import type { KafkaConfig } from '../../core/config/sections/kafka.ts';
import { deleteTopic, ensureTopics } from '../../core/kafka/admin.ts';
import { KafkaProducer, type RecordSource } from '../../core/kafka/producer.ts';
import { TOPICS } from '../../core/kafka/topics.ts';
import { threadCpuSeconds, type ThreadGroup } from './proc-status.ts';
import { generateCdrs } from '../../test/support/generate.ts';

const HERE = fileURLToPath(import.meta.url);

// @platformatic/kafka 2.12 declares Node >= 22.22 and calls Promise.withResolvers (Node 22); this
// project runs Node 20. Enough for this measurement, not for a service.
interface WithResolvers { withResolvers?: () => { promise: Promise<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void } }
const promiseCtor = Promise as unknown as WithResolvers;
promiseCtor.withResolvers ??= () => {
  let resolve!: (v: unknown) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<unknown>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};
const WARMUP_BATCHES = 20;

const CLIENTS = ['rdkafka', 'platformatic', 'platformatic-crc32'] as const;
type Client = (typeof CLIENTS)[number];

interface ChildResult {
  client: Client;
  records: number;
  seconds: number;
  recordsPerSecond: number;
  cpuUsPerRecord: number;
  /** The same by thread group (/proc ticks of 10 ms: coarser than process.cpuUsage). */
  cpuUsPerRecordByThread: Partial<Record<ThreadGroup, number>>;
  compression: string;
  meanValueBytes: number;
  meanKeyBytes: number;
}

interface Payloads {
  values: Buffer[];
  keys: string[];
}

/** Distinct pre-encoded CDRs, cycled through by the batches (the broker does not care that keys repeat). */
function payloads(distinct: number): Payloads {
  const { type } = loadSchema('cdr');
  const cdrs = generateCdrs({ seed: 13, count: distinct, fromMs: Date.parse('2026-09-07T00:00:00Z'), toMs: Date.parse('2026-11-30T00:00:00Z'), callers: 20_000, idPrefix: 'bench-r1-' });
  return { values: cdrs.map((c) => frame(1, type.toBuffer(c))), keys: cdrs.map((c) => `${c.platform}/${c.cdr_id}`) };
}

/** Sends `batches` batches of `batch` records (starting at record `from`), `concurrency` at a time. */
async function drive(send: (from: number, count: number) => Promise<void>, batches: number, batch: number, concurrency: number, first = 0): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches) {
      const b = next++;
      await send((first + b) * batch, batch);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function rdkafkaSender(kafka: KafkaConfig, topic: string, p: Payloads): Promise<{ send: (from: number, count: number) => Promise<void>; close: () => Promise<void> }> {
  const producer = await KafkaProducer.connect(kafka, { clientId: 'bench-producer-clients' });
  const n = p.values.length;
  return {
    send: (from, count) => {
      const source: RecordSource = {
        count,
        key: (i) => p.keys[(from + i) % n] as string,
        writeValue: (i, buf) => {
          const v = p.values[(from + i) % n] as Buffer;
          if (v.length > buf.length) return buf.length - v.length;
          return v.copy(buf, 0);
        },
      };
      return producer.sendFrom(topic, source);
    },
    close: () => producer.close(),
  };
}

/**
 * librdkafka's default partitioner (consistent_random): CRC-32 of the key modulo the partition count
 * (the client takes the modulo), so a key lands where node-rdkafka puts it. Without it,
 * @platformatic/kafka hashes keys with murmur2 in JavaScript (Java's partitioner).
 */
function crc32Partitioner(_message: unknown, key: Buffer | undefined): number {
  return key === undefined ? 0 : crc32(key);
}

function platformaticSender(kafka: KafkaConfig, topic: string, p: Payloads, partitioner: 'murmur2' | 'crc32'): { send: (from: number, count: number) => Promise<void>; close: () => Promise<void> } {
  const producer = new PlatformaticProducer({
    clientId: 'bench-producer-clients',
    bootstrapBrokers: kafka.brokers.split(','),
    idempotent: true,
    compression: kafka.compression,
    ...(partitioner === 'crc32' ? { partitioner: crc32Partitioner } : {}),
  });
  const n = p.values.length;
  // Keys as Buffers, made once (the collector would write each key once per record).
  const keys = p.keys.map((k) => Buffer.from(k));
  return {
    send: async (from, count) => {
      const messages = new Array<{ topic: string; key: Buffer; value: Buffer }>(count);
      for (let i = 0; i < count; i++) messages[i] = { topic, key: keys[(from + i) % n] as Buffer, value: p.values[(from + i) % n] as Buffer };
      await producer.send({ messages });
    },
    close: () => producer.close(),
  };
}

async function child(client: Client, records: number, batch: number, concurrency: number, topic: string): Promise<void> {
  const { kafka } = loadConfig();
  const p = payloads(40_000);
  const sender = client === 'rdkafka' ? await rdkafkaSender(kafka, topic, p) : platformaticSender(kafka, topic, p, client === 'platformatic' ? 'murmur2' : 'crc32');
  try {
    await drive(sender.send, WARMUP_BATCHES, batch, concurrency);
    const batches = Math.ceil(records / batch);
    const threads0 = threadCpuSeconds(process.pid);
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await drive(sender.send, batches, batch, concurrency, WARMUP_BATCHES);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    const threads1 = threadCpuSeconds(process.pid);
    const sent = batches * batch;
    const byThread: Partial<Record<ThreadGroup, number>> = {};
    if (threads0 && threads1) {
      for (const g of Object.keys(threads1) as ThreadGroup[]) byThread[g] = Math.round(((threads1[g] - threads0[g]) / sent) * 1e8) / 100;
    }
    const result: ChildResult = {
      client,
      records: sent,
      seconds,
      recordsPerSecond: Math.round(sent / seconds),
      cpuUsPerRecord: Math.round(((cpu.user + cpu.system) / sent) * 100) / 100,
      cpuUsPerRecordByThread: byThread,
      compression: kafka.compression,
      meanValueBytes: Math.round(p.values.reduce((s, v) => s + v.length, 0) / p.values.length),
      meanKeyBytes: Math.round(p.keys.reduce((s, k) => s + Buffer.byteLength(k), 0) / p.keys.length),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await sender.close();
  }
}

function runChild(client: Client, records: number, batch: number, concurrency: number, topic: string, profDir: string | undefined): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [...(profDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profDir}`]), '--import', 'tsx', HERE, '--child', client, '--records', String(records), '--batch', String(batch), '--concurrency', String(concurrency), '--topic', topic], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    c.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`${client} child exited with ${String(code)}: ${out.slice(-500)}`));
      else resolve(JSON.parse(line) as ChildResult);
    });
  });
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      child: { type: 'string' },
      topic: { type: 'string' },
      records: { type: 'string', default: '300000' },
      batch: { type: 'string', default: '2000' },
      concurrency: { type: 'string', default: '8' },
      rounds: { type: 'string', default: '3' },
      /** Writes a CPU profile of each child (V8 --cpu-prof) into this folder. */
      'prof-dir': { type: 'string' },
    },
  });
  const records = Number(args.records);
  const batch = Number(args.batch);
  const concurrency = Number(args.concurrency);
  if (args.child !== undefined) {
    const client = CLIENTS.find((c) => c === args.child);
    if (client === undefined) throw new Error(`unknown client ${args.child}`);
    await child(client, records, batch, concurrency, args.topic ?? '');
    return;
  }
  const { kafka } = loadConfig();
  const topic = `bench-producer-clients-${Date.now().toString(36)}`;
  await ensureTopics(kafka, [{ name: topic, partitions: TOPICS.cdrs.partitions }]);
  const fmt = (n: number): string => n.toLocaleString('en-GB');
  try {
    for (let r = 1; r <= Number(args.rounds); r++) {
      for (const client of CLIENTS) {
        const load0 = loadavg()[0] ?? 0;
        const res = await runChild(client, records, batch, concurrency, topic, args['prof-dir']);
        const load1 = loadavg()[0] ?? 0;
        process.stdout.write(`round ${r} ${client.padEnd(18)} ${fmt(res.recordsPerSecond).padStart(9)} records/s  ${res.cpuUsPerRecord.toFixed(2)} µs CPU/record (main ${res.cpuUsPerRecordByThread.main?.toFixed(2) ?? '?'}, rdk ${res.cpuUsPerRecordByThread.librdkafka?.toFixed(2) ?? '?'}, helpers ${res.cpuUsPerRecordByThread.helpers?.toFixed(2) ?? '?'})  (${res.compression}, ${fmt(res.records)} records of ${res.meanValueBytes} + ${res.meanKeyBytes} key bytes, load ${load0.toFixed(1)} → ${load1.toFixed(1)})\n`);
      }
    }
  } finally {
    await deleteTopic(kafka, topic).catch(() => undefined);
  }
}

await main();
