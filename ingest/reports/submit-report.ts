import { createHash } from 'node:crypto';
import type { AvroSerde } from '../../core/avro/serde.ts';
import { CallwatchError } from '../../core/errors.ts';
import type { Pseudonymiser } from '../../core/pseudonym.ts';
import type { IngestConfig } from '../../core/config/sections/ingest.ts';
import { deliverAll, type RecordProducer } from '../delivery.ts';
import { ingestMetrics } from '../metrics.ts';
import type { ReportChannel } from '../../core/records.ts';
import type { NumberNormaliser } from '../validation/numbers.ts';
import type { FieldError, FieldWarning } from '../validation/reasons.ts';
import { reportId } from './report-id.ts';
import { validateReport } from './validate-report.ts';

export interface SubmitOptions {
  channel: ReportChannel;
  /** Who submits: the API key's name, or e.g. "public-form". Scopes the Idempotency-Key. */
  principal: string;
  idempotencyKey?: string;
}

export type SubmitResult =
  | { ok: true; reportId: string; calls: number; warnings: FieldWarning[] }
  | { ok: false; errors: FieldError[] };

export interface ReportSubmitterDeps {
  config: IngestConfig & { hmacKey: string };
  topic: string;
  producer: RecordProducer;
  serde: Pick<AvroSerde, 'encode'>;
  pseudonymiser: Pseudonymiser;
  numbers: NumberNormaliser;
  clock: () => number;
}

/** Idempotency keys seen recently, with a fingerprint of what they were used for (bounded). */
class RecentIdempotencyKeys {
  private readonly seen = new Map<string, string>();
  constructor(private readonly max = 50_000) {}

  /** Throws when the id was used for a different request; records it otherwise. */
  check(id: string, fingerprint: string): void {
    const prior = this.seen.get(id);
    if (prior !== undefined && prior !== fingerprint) {
      throw new CallwatchError('CW_ERR_INGEST_IDEMPOTENCY_CONFLICT', 'this Idempotency-Key was used for a different report');
    }
    if (prior === undefined) {
      if (this.seen.size >= this.max) this.seen.delete(this.seen.keys().next().value ?? '');
      this.seen.set(id, fingerprint);
    }
  }
}

/** The parsed content in a canonical text: members sorted, so a retry that orders them otherwise is the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value === undefined ? null : value);
}

function fingerprint(input: unknown): string {
  return createHash('sha256').update(canonicalJson(input)).digest('hex');
}

/**
 * Validation, pseudonymisation and delivery of one nuisance report: what POST /v1/reports and the
 * public form share. Resolves only once Kafka confirmed the record; throws CallwatchError
 * (CW_ERR_INGEST_UNAVAILABLE, CW_ERR_INGEST_IDEMPOTENCY_CONFLICT) for request-level failures.
 */
export class ReportSubmitter {
  private readonly recent = new RecentIdempotencyKeys();

  constructor(private readonly deps: ReportSubmitterDeps) {}

  async submit(input: unknown, options: SubmitOptions): Promise<SubmitResult> {
    const { config } = this.deps;
    ingestMetrics.received.inc({ kind: 'report', format: options.channel === 'WEB' ? 'form' : 'json' });
    const id = reportId(config.hmacKey, options.principal, options.idempotencyKey);
    const v = validateReport(input, {
      channel: options.channel,
      reportId: id,
      nowMs: this.deps.clock(),
      futureSkewMs: config.futureSkewSeconds * 1000,
      maxCallsPerReport: config.maxCallsPerReport,
      maxDescriptionLength: config.maxDescriptionLength,
      maxTextLength: config.maxTextLength,
      numbers: this.deps.numbers,
      pseudonymiser: this.deps.pseudonymiser,
    });
    if (!v.ok) {
      ingestMetrics.rejected.inc({ kind: 'report', reason: v.errors[0]?.reason ?? 'unknown' });
      return { ok: false, errors: v.errors };
    }
    if (options.idempotencyKey !== undefined) this.recent.check(id, fingerprint(input));
    const value = this.deps.serde.encode('nuisanceReport', v.value);
    await deliverAll(this.deps.producer, [{ topic: this.deps.topic, key: id, value }], config.ackTimeoutMs, 'report');
    ingestMetrics.accepted.inc({ kind: 'report' });
    return { ok: true, reportId: id, calls: v.value.calls.length, warnings: v.warnings };
  }
}
