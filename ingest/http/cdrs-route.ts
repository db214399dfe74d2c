import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AvroSerde } from '../../core/avro/serde.ts';
import type { IngestConfig } from '../../core/config/sections/ingest.ts';
import { CallwatchError } from '../../core/errors.ts';
import { checkCdrBatch } from '../cdrs/check-batch.ts';
import { deliverAll, type RecordProducer } from '../delivery.ts';
import { ingestMetrics } from '../metrics.ts';
import type { NumberNormaliser } from '../validation/numbers.ts';
import { ingestPlatform } from './scopes.ts';
import { contentTypeOf, decodeContentEncoding } from './body.ts';
import { adaptCdrBody, FORMAT_PARAM_VALUES } from './cdr-formats.ts';

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const cdrQuery = z.object({
  atomic: flag.optional(),
  format: z.enum(FORMAT_PARAM_VALUES).optional(),
  platform: z.string().max(64).optional(),
  uuid: z.string().max(128).optional(),
});

export interface CdrRouteDeps {
  config: IngestConfig;
  topic: string;
  producer: RecordProducer;
  serde: Pick<AvroSerde, 'encodeAll'>;
  numbers: NumberNormaliser;
  clock: () => number;
}

/**
 * POST /v1/cdrs: a batch of CDRs in any supported format. Good records are produced and the answer
 * waits for Kafka's acknowledgement; bad ones are listed (index, field, reason). `?atomic=true`:
 * one bad record and nothing is produced.
 */
export function registerCdrRoute(app: FastifyInstance, deps: CdrRouteDeps): void {
  const { config } = deps;
  app.post('/v1/cdrs', async (request, reply) => {
    const q = cdrQuery.safeParse(request.query);
    if (!q.success) throw new CallwatchError('CW_ERR_BAD_REQUEST', `query: ${q.error.issues.map((i) => i.path.join('.')).join(', ')} invalid`);
    if (!request.principal) throw new CallwatchError('CW_ERR_UNAUTHORIZED');
    const principal = request.principal;
    const platform = ingestPlatform(principal, q.data.platform);
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const { mediaType, charset } = contentTypeOf(request.headers['content-type']);
    const raw = await decodeContentEncoding(body, request.headers['content-encoding'], config.maxDecompressedBytes);
    const key = principal.entry;
    const { format, records } = adaptCdrBody({
      mediaType,
      ...(charset === undefined ? {} : { charset }),
      body: raw,
      ...(q.data.format === undefined ? {} : { format: q.data.format }),
      ...(q.data.uuid === undefined ? {} : { uuid: q.data.uuid }),
      timeZone: key.timeZone ?? key.asteriskTimeZone ?? config.asteriskTimeZone,
      maxRecords: config.maxRecordsPerRequest,
      ...(key.csv === undefined ? {} : { csvMapping: key.csv }),
    });
    if (records.length === 0) throw new CallwatchError('CW_ERR_INGEST_EMPTY_BATCH');
    ingestMetrics.received.inc({ kind: 'cdr', format }, records.length);

    const nowMs = deps.clock();
    const checked = checkCdrBatch(records, {
      platform,
      nowMs,
      futureSkewMs: config.futureSkewSeconds * 1000,
      maxTextLength: config.maxTextLength,
      numbers: deps.numbers.forRegion(key.defaultRegion),
    });
    const seen = new Set<number>();
    for (const r of checked.rejections) {
      if (seen.has(r.index)) continue;
      seen.add(r.index);
      ingestMetrics.rejected.inc({ kind: 'cdr', reason: r.reason });
    }
    const atomic = q.data.atomic ?? false;
    const summary = { format, received: records.length, rejected: checked.rejectedRecords, rejections: checked.rejections, warnings: checked.warnings };
    if (checked.accepted.length === 0 || (atomic && checked.rejectedRecords > 0)) {
      const e = new CallwatchError('CW_ERR_INGEST_REJECTED', atomic ? 'atomic request: nothing was accepted' : 'no record was valid');
      return reply.status(e.status).send({ error: { code: e.code, message: e.message }, accepted: 0, ids: [], ...summary });
    }

    // One buffer for the request's records (AvroSerde.encodeAll), a view per record.
    const values = deps.serde.encodeAll('cdr', checked.accepted.map((a) => a.record));
    const produce = checked.accepted.map(({ record }, i) => ({ topic: deps.topic, key: `${record.platform}/${record.cdr_id}`, value: values[i] as Buffer }));
    await deliverAll(deps.producer, produce, config.ackTimeoutMs, 'cdr');
    ingestMetrics.accepted.inc({ kind: 'cdr' }, produce.length);
    return reply.status(200).send({ accepted: produce.length, ids: checked.accepted.map((a) => a.record.cdr_id), ...summary });
  });
}
