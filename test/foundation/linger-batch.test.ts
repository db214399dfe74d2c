import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaConfig } from '../../core/config/sections/kafka.ts';
import { deleteTopic, ensureTopics } from '../../core/kafka/admin.ts';
import { BatchConsumer } from '../../core/kafka/consumer.ts';
import { KafkaProducer } from '../../core/kafka/producer.ts';
import { testConfig, uniqueTag } from '../support/env.ts';

// BatchConsumer's time-bounded batch on the real broker: a batch far larger than the traffic still
// comes back once its oldest record has waited the linger. Nothing here is timed: each read is set
// up so that node-rdkafka's size-only batch read (its timeout applies per message) would not
// return within the test's timeout at all.

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const FAR_MORE_THAN_THE_TRAFFIC = 100_000;

describe('a batch read bounded by time as well as size (real broker)', () => {
  let kafka: KafkaConfig;
  let producer: KafkaProducer;
  const topics: string[] = [];

  beforeAll(async () => {
    kafka = testConfig(uniqueTag('linger')).kafka;
    producer = await KafkaProducer.connect(kafka);
  });

  afterAll(async () => {
    await producer.close();
    for (const t of topics) await deleteTopic(kafka, t).catch(() => undefined);
  });

  async function topic(label: string): Promise<string> {
    const name = `${kafka.topicPrefix}${label}`;
    await ensureTopics(kafka, [{ name, partitions: 3 }]);
    topics.push(name);
    return name;
  }

  it('hands out a lone record after the linger, with a batch size far above the traffic and an idle timeout of ten minutes', { timeout: 60_000 }, async () => {
    const name = await topic('lone');
    // Size only, this read would end at 100,000 records or after ten minutes without one.
    const consumer = await BatchConsumer.connect(kafka, { groupId: `${name}-g`, topics: [name], consumeTimeoutMs: 600_000, lingerMs: 250 });
    try {
      await producer.send({ topic: name, key: 'only', value: Buffer.from('the only record') });
      const batch = await consumer.consumeBatch(FAR_MORE_THAN_THE_TRAFFIC);
      expect(batch.map((m) => m.value?.toString())).toEqual(['the only record']);
      consumer.commit(batch);
    } finally {
      await consumer.close();
    }
  });

  it('closes a batch during a steady trickle whose gaps are shorter than the consume timeout', { timeout: 90_000 }, async () => {
    const name = await topic('trickle');
    // Records every ~50 ms against a 5 s consume timeout: node-rdkafka's batch read never sees a
    // gap long enough to end, so size only it would return after 100,000 records (about 80 minutes).
    const consumer = await BatchConsumer.connect(kafka, { groupId: `${name}-g`, topics: [name], consumeTimeoutMs: 5_000, lingerMs: 250 });
    const state = { trickling: true, sent: 0 };
    const trickle = (async () => {
      const stopAt = Date.now() + 60_000;
      while (state.trickling && Date.now() < stopAt) {
        await producer.send({ topic: name, key: `k${state.sent}`, value: Buffer.from(`r${state.sent}`) });
        state.sent += 1;
        await sleep(50);
      }
      state.trickling = false;
    })();
    try {
      const batch = await consumer.consumeBatch(FAR_MORE_THAN_THE_TRAFFIC);
      const returnedWhileTrickling = state.trickling;
      state.trickling = false;
      await trickle;
      expect(returnedWhileTrickling).toBe(true);
      expect(batch.length).toBeGreaterThan(0);
      expect(batch.length).toBeLessThanOrEqual(state.sent);
      // Each record once.
      const values = batch.map((m) => m.value?.toString() ?? '');
      expect(new Set(values).size).toBe(values.length);
    } finally {
      state.trickling = false;
      await trickle;
      await consumer.close();
    }
  });
});
