import type { KafkaMessage } from '../core/kafka/consumer.ts';
import type { WriteResult } from './sinks/clickhouse-records.ts';
import type { PoisonRecord } from './sinks/dead-letter.ts';
import type { DecodedBatch } from './sources/kafka-avro.ts';
import type { RecordRows } from './transforms/to-rows.ts';

// The contracts the processing loop (pipeline.ts) is written against. The implementations are
// sources/kafka-avro.ts, sinks/clickhouse-records.ts and sinks/dead-letter.ts, each with its metrics
// and tests beside it; the transform between them is transforms/to-rows.ts over the stream
// declarations (streams/). Anything that honours these can replace one of them (tests, a benchmark).

/** Where records come from: batches read at-least-once, decoded, committed only when the caller says. */
export interface RecordSource {
  /** Up to `max` messages (fewer once the batch's time bound passes; none when idle). */
  consume(max: number): Promise<KafkaMessage[]>;
  /** Decodes every message; poison is returned, transient failures are thrown for a retry. */
  decode(messages: readonly KafkaMessage[]): Promise<DecodedBatch>;
  /** Commits the position after `messages`; false if the partitions were taken away meanwhile. */
  commit(messages: readonly KafkaMessage[]): boolean;
  updateLagMetric(): void;
}

/** Where records go: each record written once, conflicting copies handed back for dead-lettering. */
export interface RecordSink {
  write(records: readonly RecordRows[]): Promise<WriteResult>;
}

/** Where records that cannot be stored go, byte for byte; resolves once all are safely sent. */
export interface DeadLetterTarget {
  send(poison: readonly PoisonRecord[]): Promise<void>;
}
