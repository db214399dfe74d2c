import { topicName } from '../../core/kafka/topics.ts';
import type { KafkaConfig } from '../../core/config/sections/kafka.ts';
import type { KafkaProducer, ProduceRecord } from '../../core/kafka/producer.ts';
import { counter } from '../../core/metrics.ts';
import type { SourcePosition } from '../source-position.ts';
import type { RawMessage } from '../sources/kafka-avro.ts';

// Records that cannot be stored (undecodable bytes, wrong magic byte, unknown schema id, failed
// validation, a copy that conflicts with the stored record) go, byte for byte, to the dead-letter topic, with why and where from in headers, so
// the batch carries on and an operator can inspect or replay them. Sent before the source offsets
// are committed: a crash in between sends a record to the dead-letter topic twice, never zero times.

const deadLettered = counter('callwatch_processor_dead_lettered_total', 'Records sent to the dead-letter topic', ['source_topic', 'reason']);

export interface PoisonRecord {
  at: SourcePosition;
  /** The message as read from Kafka. */
  raw: RawMessage;
  /** Stable error code (CW_ERR_*). */
  reason: string;
  detail: string;
}

export const DEAD_LETTER_HEADERS = {
  reason: 'callwatch-dlq-reason',
  detail: 'callwatch-dlq-detail',
  topic: 'callwatch-dlq-source-topic',
  partition: 'callwatch-dlq-source-partition',
  offset: 'callwatch-dlq-source-offset',
  timestamp: 'callwatch-dlq-source-timestamp',
} as const;

export class DeadLetterSink {
  readonly topic: string;

  constructor(
    private readonly producer: KafkaProducer,
    kafka: Pick<KafkaConfig, 'topicPrefix'>,
  ) {
    this.topic = topicName(kafka, 'deadLetter');
  }

  /** Resolves once the broker has every record; rejects if any was not confirmed. */
  async send(poison: readonly PoisonRecord[]): Promise<void> {
    if (poison.length === 0) return;
    const results = await this.producer.sendAll(
      poison.map((p): ProduceRecord => ({
        topic: this.topic,
        value: p.raw.value ?? Buffer.alloc(0),
        key: p.raw.key ?? null,
        headers: [
          { [DEAD_LETTER_HEADERS.reason]: p.reason },
          { [DEAD_LETTER_HEADERS.detail]: p.detail.slice(0, 1000) },
          { [DEAD_LETTER_HEADERS.topic]: p.at.topic },
          { [DEAD_LETTER_HEADERS.partition]: String(p.at.partition) },
          { [DEAD_LETTER_HEADERS.offset]: String(p.at.offset) },
          ...(p.at.timestamp === undefined ? [] : [{ [DEAD_LETTER_HEADERS.timestamp]: String(p.at.timestamp) }]),
        ],
      })),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
    for (const p of poison) deadLettered.inc({ source_topic: p.at.topic, reason: p.reason });
  }
}
