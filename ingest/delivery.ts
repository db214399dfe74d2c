import { CallwatchError } from '../core/errors.ts';
import type { Delivered, ProduceRecord, RecordSource } from '../core/kafka/producer.ts';
import { ingestMetrics } from './metrics.ts';

/** What the collectors need of KafkaProducer (an interface so pure-logic tests can use a fake). */
export interface RecordProducer {
  send(record: ProduceRecord): Promise<Delivered>;
  /** Resolves once every record is acknowledged; rejects at the first failure. */
  sendBatch(records: readonly ProduceRecord[]): Promise<void>;
  /** sendBatch() for records written one at a time by `source` (KafkaProducer.sendFrom); what `source` throws is thrown. */
  sendFrom(topic: string, source: RecordSource): Promise<void>;
  readonly queuePressure: number;
  readonly inFlight: number;
  metadata(timeoutMs?: number): Promise<unknown>;
}

/**
 * Hands every record to the producer and resolves once Kafka confirmed ALL of them, or throws
 * CW_ERR_INGEST_UNAVAILABLE when any failed or the bound passed. The client is then told to retry
 * the whole request; records that were delivered anyway are duplicates the processors drop (same
 * platform + cdr_id, same report_id). So a 2xx always means delivered, never the reverse.
 * The records are handed over before this returns and not kept while the acknowledgement is awaited.
 */
export function deliverAll(producer: RecordProducer, records: readonly ProduceRecord[], ackTimeoutMs: number, kind: 'cdr' | 'report'): Promise<void> {
  if (records.length === 0) return Promise.resolve();
  const started = process.hrtime.bigint();
  let sent: Promise<void>;
  try {
    sent = producer.sendBatch(records);
  } catch (err) {
    sent = Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
  return awaitAcknowledgement(sent, records.length, started, ackTimeoutMs, kind);
}

/**
 * deliverAll() for records the producer writes one at a time from `source` (no Buffer or record
 * object per record). An error `source` throws (encoding) is thrown from here as it is, as an
 * encoding error before anything was produced was before: the request fails with it, and records
 * handed over before it are at most duplicates of the client's retry, which the processors drop.
 */
export function deliverFrom(producer: RecordProducer, topic: string, source: RecordSource, ackTimeoutMs: number, kind: 'cdr' | 'report'): Promise<void> {
  if (source.count === 0) return Promise.resolve();
  const started = process.hrtime.bigint();
  return awaitAcknowledgement(producer.sendFrom(topic, source), source.count, started, ackTimeoutMs, kind);
}

async function awaitAcknowledgement(sent: Promise<void>, count: number, started: bigint, ackTimeoutMs: number, kind: 'cdr' | 'report'): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CallwatchError('CW_ERR_INGEST_UNAVAILABLE', `no acknowledgement within ${ackTimeoutMs} ms`, { ackTimeoutMs })), ackTimeoutMs);
  });
  try {
    await Promise.race([sent, timeout]);
    ingestMetrics.produced.inc({ kind }, count);
    ingestMetrics.produceLatency.observe({ kind }, Number(process.hrtime.bigint() - started) / 1e9);
  } catch (err) {
    ingestMetrics.produceFailed.inc({ kind });
    if (err instanceof CallwatchError && err.code === 'CW_ERR_INGEST_UNAVAILABLE') throw err;
    throw new CallwatchError('CW_ERR_INGEST_UNAVAILABLE', err instanceof CallwatchError ? err.code : 'delivery failed', {}, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}
