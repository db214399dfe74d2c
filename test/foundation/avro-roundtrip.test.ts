import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTopics, deleteTopic } from '../../core/kafka/admin.ts';
import { BatchConsumer } from '../../core/kafka/consumer.ts';
import { KafkaProducer } from '../../core/kafka/producer.ts';
import type { CdrRecord } from '../../core/records.ts';
import { AvroSerde, readHeader } from '../../core/avro/serde.ts';
import { testConfig, uniqueTag } from '../support/env.ts';
import { sampleCdr } from '../support/fixtures.ts';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('./consume-decoded.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

describe('Avro through the registry, across processes', () => {
  const tag = uniqueTag('avro');
  const config = testConfig(tag);
  const topic = `${config.kafka.topicPrefix}roundtrip`;
  let producer: KafkaProducer;

  beforeAll(async () => {
    await ensureTopics(config.kafka, [{ name: topic, partitions: 3 }]);
    producer = await KafkaProducer.connect(config.kafka);
  });
  afterAll(async () => {
    await producer.close();
    await deleteTopic(config.kafka, topic);
  });

  it('a record produced in this process is decoded, equal, in another process', async () => {
    const serde = AvroSerde.fromConfig(config.registry);
    const id = await serde.register('cdr', `${topic}-value`);
    const records = [sampleCdr(0), sampleCdr(1, { answer_time: 1463475605123, queue: 'q\u00e9 \u{1F4DE}', hangup_cause: null }), sampleCdr(2, { channel: 'WEBCHAT' })];
    for (const r of records) {
      const value = serde.encode('cdr', r);
      expect(readHeader(value).schemaId).toBe(id);
      await producer.send({ topic, key: r.cdr_id, value });
    }
    const { stdout } = await run(TSX, [CHILD, topic, `g-${tag}`, String(records.length)], {
      env: { ...process.env, CALLWATCH_LOG__LEVEL: 'silent' },
      timeout: 90_000,
    });
    const decoded = stdout.trim().split('\n').map((l) => JSON.parse(l) as { schemaId: number; value: { cdr_id: string } });
    expect(decoded.map((d) => d.schemaId)).toEqual([id, id, id]);
    const byId = new Map(decoded.map((d) => [d.value.cdr_id, d.value]));
    for (const r of records) expect(byId.get(r.cdr_id)).toEqual(r);
  });

  it('sendFrom writes each record into one reused buffer (grown past 64 KiB for a large one): the topic holds every record byte for byte as encode() makes it, with its key', async () => {
    const serde = AvroSerde.fromConfig(config.registry);
    await serde.register('cdr', `${topic}-value`);
    const own = `${topic}.from`;
    await ensureTopics(config.kafka, [{ name: own, partitions: 3 }]);
    try {
      const records: CdrRecord[] = Array.from({ length: 300 }, (_v, i) => sampleCdr(1000 + i, { agent: i === 150 ? 'x'.repeat(100_000) : `agent ${String(i % 9)}` }));
      const write = serde.framer('cdr');
      await producer.sendFrom(own, { count: records.length, key: (i) => `p/${records[i]?.cdr_id ?? ''}`, writeValue: (i, buf) => write(records[i] as CdrRecord, buf, 0) });
      expect(producer.inFlight).toBe(0);
      const consumer = await BatchConsumer.connect(config.kafka, { groupId: `g-from-${tag}`, topics: [own], consumeTimeoutMs: 500 });
      const got = new Map<string, Buffer>();
      try {
        const deadline = Date.now() + 60_000;
        while (got.size < records.length && Date.now() < deadline) {
          for (const m of await consumer.consumeBatch(500)) got.set(String(m.key), m.value ?? Buffer.alloc(0));
        }
      } finally {
        await consumer.close();
      }
      expect(got.size).toBe(records.length);
      for (const r of records) expect(got.get(`p/${r.cdr_id}`)?.equals(serde.encode('cdr', r)), r.cdr_id).toBe(true);
    } finally {
      await deleteTopic(config.kafka, own);
    }
  });

  it('sendFrom throws what the source throws (an encoding error), and what it handed over before is still confirmed', async () => {
    const serde = AvroSerde.fromConfig(config.registry);
    await serde.register('cdr', `${topic}-value`);
    const write = serde.framer('cdr');
    const records = [sampleCdr(1), { ...sampleCdr(2), channel: 'PIGEON' } as unknown as CdrRecord];
    expect(() => producer.sendFrom(topic, { count: 2, key: (i) => String(i), writeValue: (i, buf) => write(records[i] as CdrRecord, buf, 0) })).toThrow(/channel/);
    // The first record's delivery report still comes (and is counted off), though nobody awaits it.
    const deadline = Date.now() + 10_000;
    while (producer.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(producer.inFlight).toBe(0);
  });

  it('registering the same schema again returns the same id, and the id resolves to the schema', async () => {
    const serde = AvroSerde.fromConfig(config.registry);
    const a = await serde.register('cdr', `${topic}-value`);
    const b = await serde.register('cdr', `${topic}-value`);
    expect(b).toBe(a);
    const text = await serde.registry.schemaById(a);
    expect(JSON.parse(text ?? 'null')).toMatchObject({ name: 'Cdr', namespace: 'io.callwatch.v1' });
  });
});
