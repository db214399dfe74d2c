import type { FastifyInstance } from 'fastify';
import type { IngestConfig } from '../../core/config/sections/ingest.ts';
import { CallwatchError } from '../../core/errors.ts';
import { parseJsonQuietly } from '../adapters/native.ts';
import { IDEMPOTENCY_KEY_PATTERN } from '../reports/report-id.ts';
import type { ReportSubmitter } from '../reports/submit-report.ts';
import { reportChannel } from './scopes.ts';
import { decodeContentEncoding, mediaTypeOf, utf8Text } from './body.ts';

/**
 * POST /v1/reports: one nuisance report (JSON) from a trusted channel. With an Idempotency-Key a
 * retry gets the same report_id and the same answer; the processors count a report_id once.
 */
export function registerReportRoute(app: FastifyInstance, deps: { config: IngestConfig; reports: ReportSubmitter }): void {
  app.post('/v1/reports', async (request, reply) => {
    if (!request.principal) throw new CallwatchError('CW_ERR_UNAUTHORIZED');
    const header = request.headers['idempotency-key'];
    const idempotencyKey = typeof header === 'string' ? header : undefined;
    if (header !== undefined && (idempotencyKey === undefined || !IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey))) {
      throw new CallwatchError('CW_ERR_BAD_REQUEST', 'Idempotency-Key must be 1 to 255 visible ASCII characters');
    }
    const mediaType = mediaTypeOf(request.headers['content-type']);
    if (mediaType !== 'application/json') throw new CallwatchError('CW_ERR_INGEST_UNSUPPORTED_MEDIA_TYPE', 'reports are application/json');
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const raw = await decodeContentEncoding(body, request.headers['content-encoding'], deps.config.maxDecompressedBytes);
    const parsed = parseJsonQuietly(utf8Text(raw));
    if (!parsed.ok) throw new CallwatchError('CW_ERR_INGEST_MALFORMED_BODY', parsed.detail);
    const requested = typeof parsed.value === 'object' && parsed.value !== null ? (parsed.value as { channel?: unknown }).channel : undefined;
    const channel = reportChannel(request.principal, requested);
    const result = await deps.reports.submit(parsed.value, {
      channel,
      principal: request.principal.name,
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    });
    if (!result.ok) {
      const e = new CallwatchError('CW_ERR_INGEST_REJECTED', 'the report was not accepted');
      return reply.status(e.status).send({ error: { code: e.code, message: e.message }, errors: result.errors });
    }
    return reply.status(201).send({ report_id: result.reportId, calls: result.calls, warnings: result.warnings });
  });
}
