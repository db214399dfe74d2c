import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTopics, deleteTopic } from '../../core/kafka/admin.ts';
import { KafkaProducer } from '../../core/kafka/producer.ts';
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

  it('registering the same schema again returns the same id, and the id resolves to the schema', async () => {
    const serde = AvroSerde.fromConfig(config.registry);
    const a = await serde.register('cdr', `${topic}-value`);
    const b = await serde.register('cdr', `${topic}-value`);
    expect(b).toBe(a);
    const text = await serde.registry.schemaById(a);
    expect(JSON.parse(text ?? 'null')).toMatchObject({ name: 'Cdr', namespace: 'io.callwatch.v1' });
  });
});
