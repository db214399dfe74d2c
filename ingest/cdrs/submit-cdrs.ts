import type { AvroSerde } from '../../core/avro/serde.ts';
import type { IngestConfig } from '../../core/config/sections/ingest.ts';
import { CallwatchError } from '../../core/errors.ts';
import type { RecordSource } from '../../core/kafka/producer.ts';
import type { CountryCode } from '../../core/phone/normalise.ts';
import type { CdrRecord } from '../../core/records.ts';
import type { AdaptedRecord, CdrFormat } from '../adapters/types.ts';
import { deliverFrom, type RecordProducer } from '../delivery.ts';
import { ingestMetrics } from '../metrics.ts';
import type { NumberNormaliser } from '../validation/numbers.ts';
import { checkCdrBatch, type Rejection, type Warning } from './check-batch.ts';

export interface CdrSubmitOptions {
  /** The platform the API key stands for (every record's `platform`). */
  platform: string;
  /** The format the records were read from (metrics and the answer). */
  format: CdrFormat;
  /** All or nothing: one bad record and nothing is produced. */
  atomic: boolean;
  /** The key's region for national numbers (`defaultRegion`); the collector's when absent. */
  defaultRegion?: CountryCode | undefined;
}

/** What the answer says about the request's records, accepted or not. */
export interface CdrSummary {
  format: CdrFormat;
  received: number;
  /** Distinct records rejected. */
  rejected: number;
  /** One entry per problem. */
  rejections: Rejection[];
  warnings: Warning[];
}

export type CdrSubmitResult =
  /** Every accepted record was acknowledged by Kafka. */
  | { ok: true; accepted: number; ids: string[]; summary: CdrSummary }
  /** Nothing was produced: no record was valid, or the request was atomic and one was not. */
  | { ok: false; atomic: boolean; summary: CdrSummary };

export interface CdrSubmitterDeps {
  config: IngestConfig;
  topic: string;
  producer: RecordProducer;
  serde: Pick<AvroSerde, 'framer'>;
  numbers: NumberNormaliser;
  clock: () => number;
}

/** A request's records ready to produce: only what the acknowledgement and the answer need. */
interface Prepared {
  source: RecordSource;
  ids: string[];
  summary: CdrSummary;
}

/**
 * Validation, normalisation and delivery of a batch of CDRs, whatever format they came in (every
 * adapter's records, ingest/http/cdr-formats.ts): the CDR counterpart of the report submitter.
 * Resolves once Kafka acknowledged every accepted record; throws CallwatchError
 * (CW_ERR_INGEST_EMPTY_BATCH, CW_ERR_INGEST_UNAVAILABLE) for request-level failures.
 */
export class CdrSubmitter {
  constructor(private readonly deps: CdrSubmitterDeps) {}

  /**
   * Not async on purpose: the request's parsed and validated records are dropped before the wait for
   * Kafka's acknowledgement (up to hundreds of ms), so they die young instead of being promoted and
   * kept by every request in flight; only the encoded records' views, keys and ids wait.
   */
  submit(records: readonly AdaptedRecord[], options: CdrSubmitOptions): Promise<CdrSubmitResult> {
    let prepared: Prepared | CdrSubmitResult;
    try {
      prepared = this.prepare(records, options);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    if (!('source' in prepared)) return Promise.resolve(prepared);
    // Encoded and handed to the producer now (an encoding error is thrown as it is); what waits for
    // the acknowledgement holds only the ids and the summary.
    let delivered: Promise<void>;
    try {
      delivered = deliverFrom(this.deps.producer, this.deps.topic, prepared.source, this.deps.config.ackTimeoutMs, 'cdr');
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return this.acknowledged(delivered, prepared.ids, prepared.summary);
  }

  private prepare(records: readonly AdaptedRecord[], options: CdrSubmitOptions): Prepared | CdrSubmitResult {
    const { config } = this.deps;
    if (records.length === 0) throw new CallwatchError('CW_ERR_INGEST_EMPTY_BATCH');
    ingestMetrics.received.inc({ kind: 'cdr', format: options.format }, records.length);
    const checked = checkCdrBatch(records, {
      platform: options.platform,
      nowMs: this.deps.clock(),
      futureSkewMs: config.futureSkewSeconds * 1000,
      maxTextLength: config.maxTextLength,
      numbers: this.deps.numbers.forRegion(options.defaultRegion),
    });
    let lastIndex = -1;
    for (const r of checked.rejections) {
      if (r.index === lastIndex) continue; // one count per record (its problems are listed together)
      lastIndex = r.index;
      ingestMetrics.rejected.inc({ kind: 'cdr', reason: r.reason });
    }
    const summary: CdrSummary = { format: options.format, received: records.length, rejected: checked.rejectedRecords, rejections: checked.rejections, warnings: checked.warnings };
    if (checked.accepted.length === 0 || (options.atomic && checked.rejectedRecords > 0)) return { ok: false, atomic: options.atomic, summary };

    // Each record is encoded into the producer's scratch buffer as it is handed over (KafkaProducer.sendFrom):
    // no Buffer, key object or record object per record.
    const accepted = checked.accepted;
    const ids: string[] = new Array<string>(accepted.length);
    for (let i = 0; i < accepted.length; i++) ids[i] = (accepted[i] as (typeof accepted)[number]).record.cdr_id;
    const write = this.deps.serde.framer('cdr');
    const record = (i: number): CdrRecord => (accepted[i] as (typeof accepted)[number]).record;
    const source: RecordSource = {
      count: accepted.length,
      key: (i) => {
        const r = record(i);
        return `${r.platform}/${r.cdr_id}`;
      },
      writeValue: (i, buf) => write(record(i), buf, 0),
    };
    return { source, ids, summary };
  }

  private async acknowledged(delivered: Promise<void>, ids: string[], summary: CdrSummary): Promise<CdrSubmitResult> {
    await delivered;
    ingestMetrics.accepted.inc({ kind: 'cdr' }, ids.length);
    return { ok: true, accepted: ids.length, ids, summary };
  }
}
