import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTopics } from '../../core/kafka/admin.ts';
import { KafkaProducer } from '../../core/kafka/producer.ts';
import { BatchConsumer } from '../../core/kafka/consumer.ts';
import type { KafkaConfig } from '../../core/config/sections/kafka.ts';
import { PrivateBroker } from '../support/private-broker.ts';
import { testConfig, uniqueTag } from '../support/env.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function readAll(kafka: KafkaConfig, topic: string, groupId: string, expectAtLeast: number): Promise<string[]> {
  const consumer = await BatchConsumer.connect(kafka, { groupId, topics: [topic] });
  const ids: string[] = [];
  let idle = 0;
  try {
    // Stop after the expected count has been seen and the topic has stayed quiet for a while.
    while (idle < 6 || ids.length < expectAtLeast) {
      const batch = await consumer.consumeBatch(5000);
      if (batch.length === 0) idle++;
      else idle = 0;
      for (const m of batch) ids.push(m.value?.toString() ?? '');
      if (idle > 60) break;
    }
  } finally {
    await consumer.close();
  }
  return ids;
}

describe('a broker killed and restarted while a producer sends', () => {
  let broker: PrivateBroker;
  let kafka: KafkaConfig;
  const topic = 'restart.test';

  beforeAll(async () => {
    broker = await PrivateBroker.start();
    kafka = { ...testConfig(uniqueTag('restart')).kafka, brokers: broker.brokers, deliveryTimeoutMs: 60_000 };
    await ensureTopics(kafka, [{ name: topic, partitions: 3 }]);
  });
  afterAll(async () => {
    await broker.destroy();
  });

  it('keeps every confirmed record, none twice', async () => {
    const producer = await KafkaProducer.connect(kafka, { extra: { 'retry.backoff.ms': 200, 'reconnect.backoff.max.ms': 1000 } });
    const confirmed = new Set<string>();
    const failed = new Set<string>();
    const sends: Promise<void>[] = [];
    let next = 0;
    let sending = true;
    const loop = (async () => {
      while (sending) {
        for (let i = 0; i < 200; i++) {
          const id = `r${next++}`;
          sends.push(
            producer.send({ topic, key: id, value: Buffer.from(id) }).then(
              () => void confirmed.add(id),
              () => void failed.add(id),
            ),
          );
        }
        await sleep(20);
      }
    })();

    await sleep(1500);
    await broker.kill();
    await sleep(2000);
    await broker.start();
    await sleep(2000);
    sending = false;
    await loop;
    await Promise.all(sends);
    await producer.close();

    expect(confirmed.size).toBeGreaterThan(1000);
    expect(confirmed.size + failed.size).toBe(next);
    const ids = await readAll(kafka, topic, `check-${uniqueTag('g')}`, confirmed.size);
    const counts = new Map<string, number>();
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    const missing = [...confirmed].filter((id) => !counts.has(id));
    const twice = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    expect(missing).toEqual([]);
    expect(twice).toEqual([]);
  });
});
