import type { AvroSerde } from '../../core/avro/serde.ts';
import type { KafkaConfig } from '../../core/config/sections/kafka.ts';
import type { ProcessorsConfig } from '../../core/config/sections/processors.ts';
import { isPoison } from '../../core/errors.ts';
import { BatchConsumer, type KafkaMessage } from '../../core/kafka/consumer.ts';
import { topicName } from '../../core/kafka/topics.ts';
import { counter, gauge } from '../../core/metrics.ts';
import type { SourcePosition } from '../source-position.ts';
import type { PoisonRecord } from '../sinks/dead-letter.ts';
import type { StreamDeclaration } from '../streams/stream.ts';

// Reads the topics of the declared streams (processors/streams) in batches (at-least-once: nothing
// is committed until the caller says the batch is stored) and decodes the Confluent-framed Avro.
// Messages that can never decode become PoisonRecords; a registry outage is not their fault and is
// thrown for the caller to retry. Every decoded record keeps its message's key and bytes, so any
// later stage can dead-letter it byte for byte.

const metrics = {
  consumed: counter('callwatch_processor_records_consumed_total', 'Kafka records read', ['topic']),
  lag: gauge('callwatch_processor_consumer_lag', 'Records behind the log end, per assigned partition', ['topic', 'partition']),
};

export type SourceConfig = Pick<ProcessorsConfig, 'groupId' | 'groupInstanceId' | 'consumeTimeoutMs' | 'lingerMs'>;

/** The message a record came from, as read: what a dead letter carries. */
export interface RawMessage {
  key: Buffer | string | null | undefined;
  value: Buffer | null | undefined;
}

export interface DecodedRecord {
  stream: StreamDeclaration;
  at: SourcePosition;
  raw: RawMessage;
  record: unknown;
}

export interface DecodedBatch {
  items: DecodedRecord[];
  poison: PoisonRecord[];
}

export function positionOf(m: KafkaMessage): SourcePosition {
  return { topic: m.topic, partition: m.partition, offset: m.offset, timestamp: m.timestamp };
}

export class KafkaAvroSource {
  private constructor(
    private readonly consumer: BatchConsumer,
    private readonly serde: AvroSerde,
    private readonly streamOf: ReadonlyMap<string, StreamDeclaration>,
  ) {}

  static async connect(kafka: KafkaConfig, config: SourceConfig, serde: AvroSerde, streams: readonly StreamDeclaration[], clientId?: string): Promise<KafkaAvroSource> {
    const streamOf = new Map(streams.map((s) => [topicName(kafka, s.topic), s]));
    const consumer = await BatchConsumer.connect(kafka, {
      groupId: config.groupId,
      topics: [...streamOf.keys()],
      consumeTimeoutMs: config.consumeTimeoutMs,
      lingerMs: config.lingerMs,
      ...(clientId === undefined ? {} : { clientId }),
      ...(config.groupInstanceId === '' ? {} : { extra: { 'group.instance.id': config.groupInstanceId } }),
    });
    return new KafkaAvroSource(consumer, serde, streamOf);
  }

  async consume(max: number): Promise<KafkaMessage[]> {
    const messages = await this.consumer.consumeBatch(max);
    for (const m of messages) metrics.consumed.inc({ topic: m.topic });
    return messages;
  }

  /** Decodes every message; throws only for transient failures (registry unreachable). */
  async decode(messages: readonly KafkaMessage[]): Promise<DecodedBatch> {
    const out: DecodedBatch = { items: [], poison: [] };
    for (const m of messages) {
      const at = positionOf(m);
      const raw: RawMessage = { key: m.key, value: m.value };
      const stream = this.streamOf.get(m.topic);
      try {
        if (!stream) throw new Error(`no stream reads topic ${m.topic}`);
        if (!m.value || m.value.length === 0) {
          out.poison.push({ at, raw, reason: 'CW_ERR_AVRO_SHORT_MESSAGE', detail: 'message has no value' });
          continue;
        }
        out.items.push({ stream, at, raw, record: (await this.serde.decode(stream.schema, m.value)).value });
      } catch (err) {
        // Failures retrying can never fix (the code table's `poison`) go to the dead-letter topic.
        if (!isPoison(err)) throw err;
        out.poison.push({ at, raw, reason: err.code, detail: err.message });
      }
    }
    return out;
  }

  /** Commits the position after `messages`; false if the group took the partitions away meanwhile. */
  commit(messages: readonly KafkaMessage[]): boolean {
    try {
      this.consumer.commit(messages);
      return true;
    } catch {
      // Rebalanced away (or the coordinator moved): the new owner re-reads from the last commit, and
      // the idempotent sink makes that re-read harmless.
      return false;
    }
  }

  updateLagMetric(): void {
    for (const l of this.consumer.lag()) metrics.lag.set({ topic: l.topic, partition: String(l.partition) }, l.lag);
  }

  assignments(): { topic: string; partition: number }[] {
    return this.consumer.assignments();
  }

  close(): Promise<void> {
    return this.consumer.close();
  }
}
