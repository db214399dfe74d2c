import type { AvroSerde } from '../../core/avro/serde.ts';
import type { SchemaKey } from '../../core/avro/schemas.ts';
import type { KafkaConfig } from '../../core/config/sections/kafka.ts';
import type { ProcessorsConfig } from '../../core/config/sections/processors.ts';
import { isCallwatchError, type ErrorCode } from '../../core/errors.ts';
import { BatchConsumer, type KafkaMessage } from '../../core/kafka/consumer.ts';
import { topicName } from '../../core/kafka/topics.ts';
import { counter, gauge } from '../../core/metrics.ts';
import type { CdrRecord, NuisanceReportRecord } from '../../core/records.ts';
import type { SourcePosition } from '../source-position.ts';
import type { PoisonRecord } from '../sinks/dead-letter.ts';

// Reads the CDR and report topics in batches (at-least-once: nothing is committed until the caller
// says the batch is stored) and decodes the Confluent-framed Avro. Messages that can never decode
// become PoisonRecords; a registry outage is not their fault and is thrown for the caller to retry.

const metrics = {
  consumed: counter('callwatch_processor_records_consumed_total', 'Kafka records read', ['topic']),
  lag: gauge('callwatch_processor_consumer_lag', 'Records behind the log end, per assigned partition', ['topic', 'partition']),
};

export type SourceConfig = Pick<ProcessorsConfig, 'groupId' | 'groupInstanceId' | 'consumeTimeoutMs' | 'lingerMs'>;

export type SourceItem =
  | { kind: 'cdr'; at: SourcePosition; record: CdrRecord }
  | { kind: 'report'; at: SourcePosition; record: NuisanceReportRecord };

export interface DecodedBatch {
  items: SourceItem[];
  poison: PoisonRecord[];
}

/** Decode failures that retrying can never fix: the message goes to the dead-letter topic. */
const POISON_CODES: readonly ErrorCode[] = ['CW_ERR_AVRO_SHORT_MESSAGE', 'CW_ERR_AVRO_MAGIC_BYTE', 'CW_ERR_AVRO_UNKNOWN_SCHEMA_ID', 'CW_ERR_AVRO_DECODE'];

export function positionOf(m: KafkaMessage): SourcePosition {
  return { topic: m.topic, partition: m.partition, offset: m.offset, timestamp: m.timestamp };
}

export class KafkaAvroSource {
  private readonly schemaOf: Map<string, SchemaKey>;

  private constructor(
    private readonly consumer: BatchConsumer,
    private readonly serde: AvroSerde,
    kafka: KafkaConfig,
  ) {
    this.schemaOf = new Map<string, SchemaKey>([
      [topicName(kafka, 'cdrs'), 'cdr'],
      [topicName(kafka, 'reports'), 'nuisanceReport'],
    ]);
  }

  static async connect(kafka: KafkaConfig, config: SourceConfig, serde: AvroSerde, clientId?: string): Promise<KafkaAvroSource> {
    const consumer = await BatchConsumer.connect(kafka, {
      groupId: config.groupId,
      topics: [topicName(kafka, 'cdrs'), topicName(kafka, 'reports')],
      consumeTimeoutMs: config.consumeTimeoutMs,
      lingerMs: config.lingerMs,
      ...(clientId === undefined ? {} : { clientId }),
      ...(config.groupInstanceId === '' ? {} : { extra: { 'group.instance.id': config.groupInstanceId } }),
    });
    return new KafkaAvroSource(consumer, serde, kafka);
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
      const key = this.schemaOf.get(m.topic);
      try {
        if (!key) throw new Error(`no schema for topic ${m.topic}`);
        if (!m.value) throw Object.assign(new Error('empty message'), { poisonCode: 'CW_ERR_AVRO_SHORT_MESSAGE' });
        if (key === 'cdr') out.items.push({ kind: 'cdr', at, record: (await this.serde.decode<CdrRecord>(key, m.value)).value });
        else out.items.push({ kind: 'report', at, record: (await this.serde.decode<NuisanceReportRecord>(key, m.value)).value });
      } catch (err) {
        const poisonCode = (err as { poisonCode?: string }).poisonCode;
        if (poisonCode !== undefined) {
          out.poison.push({ at, key: m.key, value: m.value, reason: poisonCode, detail: 'message has no value' });
        } else if (isCallwatchError(err) && POISON_CODES.includes(err.code)) {
          out.poison.push({ at, key: m.key, value: m.value, reason: err.code, detail: err.message });
        } else {
          throw err;
        }
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
