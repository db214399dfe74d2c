import { Writable } from 'node:stream';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { AvroSerde } from '../../core/avro/serde.ts';
import { checkConfig } from '../../core/config/load.ts';
import { ingestServiceSchema, type Config, type IngestServiceConfig } from '../../core/config/schema.ts';
import { ensureTopics, projectTopics } from '../../core/kafka/admin.ts';
import { BatchConsumer } from '../../core/kafka/consumer.ts';
import { KafkaProducer } from '../../core/kafka/producer.ts';
import { topicName } from '../../core/kafka/topics.ts';
import type { RecordOf } from '../../core/records.ts';
import { buildIngestApp } from '../../ingest/app.ts';
import { sha256Hex } from '../../core/auth/api-keys.ts';
import { testConfig, uniqueTag } from '../support/env.ts';

export const HMAC_KEY = 'integration-test-hmac-key-0123';
/** Keys the harness configures: name → [raw key, scopes]. */
export const KEYS = {
  pbx: ['pbx-key-0001', ['ingest:pbx1']],
  helpline: ['helpline-key-0002', ['report:HELPLINE']],
  agents: ['agents-key-0003', ['report:HELPLINE', 'report:LIVE_CHAT']],
  investigator: ['investigator-key-0004', ['investigate']],
} as const;

export function auth(name: keyof typeof KEYS): Record<string, string> {
  return { authorization: `Bearer ${KEYS[name][0]}` };
}

export interface Harness {
  config: IngestServiceConfig;
  app: FastifyInstance;
  producer: KafkaProducer;
  serde: AvroSerde;
  topics: { cdrs: string; reports: string };
  /** Every log line the app wrote, as text. */
  logs: string[];
  close(): Promise<void>;
}

/**
 * A collector on the real stack (its own topic prefix), as buildIngestApp is used by main.ts, with
 * its log lines captured. `ingest` overrides the ingest config section; `brokers` points at another
 * broker; `extraKeys` adds auth.apiKeys entries (per-key settings such as defaultRegion, timeZone).
 */
export async function startHarness(label: string, ingest: Record<string, unknown> = {}, brokers?: string, extraKeys: Record<string, unknown>[] = []): Promise<Harness> {
  // Checked by the collector's own schema, as ingest/main.ts does (the HMAC key required).
  const config = checkConfig(ingestServiceSchema, testConfig(uniqueTag(label), 'server', {
    ingest: { hmacKey: HMAC_KEY, ...ingest },
    auth: { apiKeys: [...Object.entries(KEYS).map(([name, [key, scopes]]) => ({ name, sha256: sha256Hex(key), scopes })), ...extraKeys] },
    ...(brokers ? { kafka: { brokers } } : {}),
  }));
  const topics = { cdrs: topicName(config.kafka, 'cdrs'), reports: topicName(config.kafka, 'reports') };
  await ensureTopics(config.kafka, projectTopics(config.kafka, ['cdrs', 'reports']));
  const serde = AvroSerde.fromConfig(config.registry);
  await serde.register('cdr', `${topics.cdrs}-value`);
  await serde.register('nuisanceReport', `${topics.reports}-value`);
  const producer = await KafkaProducer.connect(config.kafka);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = pino({ level: 'trace' }, sink);
  let app: FastifyInstance;
  try {
    app = buildIngestApp({ config: config.ingest, auth: config.auth, topics, producer, serde, logger });
  } catch (err) {
    await producer.close(1_000);
    throw err;
  }
  await app.ready();
  return {
    config, app, producer, serde, topics, logs,
    async close() {
      await app.close();
      await producer.close(2_000);
    },
  };
}

/**
 * Reads a topic from the beginning and decodes it (plain objects): until `count` records arrived,
 * then `settleMs` longer so records that should NOT be there get the chance to show up.
 */
export async function consumeDecoded<K extends 'cdr' | 'nuisanceReport'>(config: Config, topic: string, key: K, count: number, settleMs = 1_500, timeoutMs = 30_000): Promise<{ key: string; value: RecordOf<K> }[]> {
  const serde = AvroSerde.fromConfig(config.registry);
  // A group of its own (a clock reading could repeat): two readers in one group would split the partitions.
  const consumer = await BatchConsumer.connect(config.kafka, { groupId: `${topic}-reader-${uniqueTag('r')}`, topics: [topic] });
  const out: { key: string; value: RecordOf<K> }[] = [];
  let deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      if (out.length >= count) deadline = Math.min(deadline, Date.now() + settleMs);
      for (const m of await consumer.consumeBatch(1000)) {
        if (!m.value) continue;
        const { value } = await serde.decode(key, m.value);
        out.push({ key: m.key?.toString() ?? '', value: JSON.parse(JSON.stringify(value)) as RecordOf<K> });
      }
    }
  } finally {
    await consumer.close();
  }
  return out;
}
