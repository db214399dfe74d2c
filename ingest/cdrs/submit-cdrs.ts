import type { IngestConfig } from '../../core/config/sections/ingest.ts';
import type { RecordSource } from '../../core/kafka/producer.ts';
import { deliverFrom, type RecordProducer } from '../delivery.ts';
import { ingestMetrics } from '../metrics.ts';
import type { CdrPreparer } from './cdr-preparer.ts';
import type { CdrBodyJob, CdrSummary, PreparedCdrs } from './prepare-cdrs.ts';

export type { CdrSummary } from './prepare-cdrs.ts';

export type CdrSubmitResult =
  /** Every accepted record was acknowledged by Kafka. */
  | { ok: true; accepted: number; ids: string[]; summary: CdrSummary }
  /** Nothing was produced: no record was valid, or the request was atomic and one was not. */
  | { ok: false; atomic: boolean; summary: CdrSummary };

export interface CdrSubmitterDeps {
  config: Pick<IngestConfig, 'ackTimeoutMs'>;
  topic: string;
  producer: RecordProducer;
  /** Reads, checks and encodes a body: on the event loop or on preparation threads. */
  preparer: CdrPreparer;
}

/**
 * Validation, normalisation and delivery of a body of CDRs, whatever format it came in (every
 * adapter's records, ingest/http/cdr-formats.ts): the CDR counterpart of the report submitter.
 * Resolves once Kafka acknowledged every accepted record; throws CallwatchError (the body's format
 * errors, CW_ERR_INGEST_EMPTY_BATCH, CW_ERR_INGEST_UNAVAILABLE) for request-level failures.
 */
export class CdrSubmitter {
  constructor(private readonly deps: CdrSubmitterDeps) {}

  /**
   * The body goes to the preparer, and only the encoded values, their ends and the ids come back:
   * the parsed and validated records never reach the event loop's heap (on preparation threads) or
   * die young there (inline). What waits for Kafka's acknowledgement holds only the ids and the summary.
   */
  submit(job: CdrBodyJob): Promise<CdrSubmitResult> {
    return this.deps.preparer.prepare(job).then((prepared) => this.deliver(prepared, job.platform));
  }

  private deliver(prepared: PreparedCdrs, platform: string): Promise<CdrSubmitResult> {
    const { summary, ids } = prepared;
    ingestMetrics.received.inc({ kind: 'cdr', format: summary.format }, summary.received);
    let lastIndex = -1;
    for (const r of summary.rejections) {
      if (r.index === lastIndex) continue; // one count per record (its problems are listed together)
      lastIndex = r.index;
      ingestMetrics.rejected.inc({ kind: 'cdr', reason: r.reason });
    }
    if (prepared.refused) return Promise.resolve({ ok: false, atomic: prepared.atomic, summary });
    // Each value is copied into the producer's scratch buffer as it is handed over (KafkaProducer.sendFrom).
    const values = Buffer.from(prepared.values.buffer, prepared.values.byteOffset, prepared.values.byteLength);
    const ends = prepared.ends;
    const source: RecordSource = {
      count: ids.length,
      key: (i) => `${platform}/${ids[i] ?? ''}`,
      writeValue: (i, buf) => {
        const start = i === 0 ? 0 : (ends[i - 1] as number);
        const length = (ends[i] as number) - start;
        if (length > buf.length) return buf.length - length;
        values.copy(buf, 0, start, start + length);
        return length;
      },
    };
    let delivered: Promise<void>;
    try {
      delivered = deliverFrom(this.deps.producer, this.deps.topic, source, this.deps.config.ackTimeoutMs, 'cdr');
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return this.acknowledged(delivered, ids, summary);
  }

  private async acknowledged(delivered: Promise<void>, ids: string[], summary: CdrSummary): Promise<CdrSubmitResult> {
    await delivered;
    ingestMetrics.accepted.inc({ kind: 'cdr' }, ids.length);
    return { ok: true, accepted: ids.length, ids, summary };
  }
}
