import { describe, expect, it } from 'vitest';
import { frame, readHeader } from '../../core/avro/serde.ts';
import { loadSchema } from '../../core/avro/schemas.ts';
import { ingestSection } from '../../core/config/sections/ingest.ts';
import { CallwatchError, isCallwatchError } from '../../core/errors.ts';
import type { ProduceRecord } from '../../core/kafka/producer.ts';
import type { RecordOf } from '../../core/records.ts';
import type { RecordProducer } from '../delivery.ts';
import { NumberNormaliser } from '../validation/numbers.ts';
import { InlineCdrPreparer } from './cdr-preparer.ts';
import type { CdrBodyJob } from './prepare-cdrs.ts';
import { CdrSubmitter } from './submit-cdrs.ts';

// The CDR submitter's decisions (what is produced, with which key, what the answer says, what a
// delivery failure becomes), with a producer that records what it is given. Kafka itself: the
// integration suites (test/ingest) post every format through the real collector.

const NOW = Date.UTC(2024, 4, 1, 12);
const T0 = Date.UTC(2024, 4, 1, 9);
const cdr = (id: string, extra: Record<string, unknown> = {}) => ({ cdr_id: id, setup_time: T0, end_time: T0 + 10_000, caller: '07700900123', callee: '02079460000', disposition: 'NO_ANSWER', ...extra });

function producer(fail?: Error): RecordProducer & { sent: ProduceRecord[] } {
  const sent: ProduceRecord[] = [];
  return {
    sent,
    send: () => Promise.reject(new Error('not used')),
    sendBatch: () => Promise.reject(new Error('not used')),
    sendFrom: (topic, source) => {
      for (let i = 0; i < source.count; i++) {
        // Starting small, so that the submitter's writer is asked again with a larger buffer.
        let buf = Buffer.alloc(16);
        let n: number;
        while ((n = source.writeValue(i, buf)) < 0) buf = Buffer.alloc(buf.length - n);
        sent.push({ topic, key: source.key(i), value: Buffer.from(buf.subarray(0, n)) });
      }
      return fail ? Promise.reject(fail) : Promise.resolve();
    },
    queuePressure: 0,
    inFlight: 0,
    metadata: () => Promise.resolve({}),
  };
}

const serde = {
  framer:
    <K extends 'cdr' | 'nuisanceReport' | 'spikeAlert'>(key: K) =>
    (value: RecordOf<K>, buf: Buffer, pos: number): number => {
      const framed = frame(7, loadSchema(key).type.toBuffer(value));
      if (pos + framed.length > buf.length) return buf.length - pos - framed.length;
      framed.copy(buf, pos);
      return pos + framed.length;
    },
};

function submitter(p: RecordProducer) {
  const config = ingestSection.parse({});
  const preparer = new InlineCdrPreparer({ maxRecordsPerRequest: config.maxRecordsPerRequest, futureSkewSeconds: config.futureSkewSeconds, maxTextLength: config.maxTextLength, numbers: new NumberNormaliser('GB'), write: serde.framer('cdr') });
  return new CdrSubmitter({ config, topic: 't.cdrs', producer: p, preparer });
}

/** A native JSON body (or NDJSON) of these records, as the platform `pbx` posts it. */
const body = (inputs: unknown[], options: { atomic?: boolean; ndjson?: boolean } = {}): CdrBodyJob => ({
  body: Buffer.from(options.ndjson ? inputs.map((i) => JSON.stringify(i)).join('\n') : JSON.stringify(inputs)),
  mediaType: options.ndjson ? 'application/x-ndjson' : 'application/json',
  timeZone: 'UTC',
  platform: 'pbx',
  atomic: options.atomic ?? false,
  nowMs: NOW,
});

describe('CdrSubmitter', () => {
  it('produces the valid records with key platform/cdr_id, lists the rest, and answers after delivery', async () => {
    const p = producer();
    const result = await submitter(p).submit(body([cdr('a'), cdr('b', { caller: 447700900123 }), cdr('c', { caller: 'Anonymous' })]));
    expect(result.ok && result.ids).toEqual(['a', 'c']);
    expect(result.summary).toMatchObject({ format: 'json', received: 3, rejected: 1 });
    expect(result.summary.rejections.map((r) => [r.index, r.field, r.reason, r.cdr_id])).toEqual([[1, 'caller', 'wrong_type', 'b']]);
    expect(result.summary.warnings.map((w) => [w.index, w.field, w.reason])).toEqual([[2, 'caller', 'number_withheld']]);
    expect(p.sent.map((r) => [r.topic, r.key])).toEqual([['t.cdrs', 'pbx/a'], ['t.cdrs', 'pbx/c']]);
    const first = loadSchema('cdr').type.fromBuffer(readHeader(p.sent[0]?.value ?? Buffer.alloc(5)).body) as RecordOf<'cdr'>;
    expect([first.platform, first.caller, first.received_at]).toEqual(['pbx', '+447700900123', NOW]);
  });

  it('produces nothing when nothing is valid, or when an atomic request has one bad record', async () => {
    const p = producer();
    const none = await submitter(p).submit(body([cdr('x', { disposition: 'MAYBE' })]));
    const atomic = await submitter(p).submit(body([cdr('a'), cdr('x', { disposition: 'MAYBE' })], { atomic: true, ndjson: true }));
    expect([none.ok, !none.ok && none.atomic, atomic.ok, !atomic.ok && atomic.atomic]).toEqual([false, false, false, true]);
    expect(p.sent).toEqual([]);
  });

  it('refuses an empty batch, and turns a delivery failure into 503 CW_ERR_INGEST_UNAVAILABLE', async () => {
    const code = (e: unknown) => (isCallwatchError(e) ? `${e.code} ${e.status}` : String(e));
    await expect(submitter(producer()).submit(body([])).catch(code)).resolves.toBe('CW_ERR_INGEST_EMPTY_BATCH 400');
    const failing = producer(new CallwatchError('CW_ERR_KAFKA_PRODUCE', 'broker down'));
    await expect(submitter(failing).submit(body([cdr('a')])).catch(code)).resolves.toBe('CW_ERR_INGEST_UNAVAILABLE 503');
  });
});
