import type { KafkaConfig } from '../../core/config/sections/kafka.ts';
import { BatchConsumer } from '../../core/kafka/consumer.ts';

/**
 * Mean size in bytes of the records a topic holds (value, and key when present), from a sample
 * read from the beginning: what the collector really wrote, so Kafka's ProducerPerformance can be
 * run with the same record size.
 */
export async function meanMessageBytes(config: KafkaConfig, topic: string, sample = 5_000, timeoutMs = 30_000): Promise<{ value: number; key: number; sampled: number }> {
  const consumer = await BatchConsumer.connect(config, { groupId: `bench-size-${Date.now().toString(36)}`, topics: [topic], consumeTimeoutMs: 200 });
  let values = 0;
  let keys = 0;
  let n = 0;
  const deadline = Date.now() + timeoutMs;
  try {
    while (n < sample && Date.now() < deadline) {
      for (const m of await consumer.consumeBatch(Math.min(1000, sample - n))) {
        values += m.value?.length ?? 0;
        keys += typeof m.key === 'string' ? Buffer.byteLength(m.key) : (m.key?.length ?? 0);
        n++;
      }
    }
  } finally {
    await consumer.close();
  }
  if (n === 0) throw new Error(`no records could be read from ${topic}`);
  return { value: values / n, key: keys / n, sampled: n };
}
