import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { CallwatchError, isCallwatchError, type ErrorCode } from '../../core/errors.ts';
import { sendErrorReply, type ErrorReplyPolicy } from '../../core/http/error-reply.ts';
import { ingestMetrics } from '../metrics.ts';

// Fastify's own request errors, in the collector's codes.
const FASTIFY_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'CW_ERR_INGEST_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'CW_ERR_INGEST_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'CW_ERR_BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'CW_ERR_INGEST_MALFORMED_BODY',
  FST_ERR_CTP_INVALID_JSON_BODY: 'CW_ERR_INGEST_MALFORMED_BODY',
};

/** Details safe to echo to the client: counts, limits, line numbers; never record content. */
const SAFE_DETAILS = new Set(['count', 'max', 'maxDecompressedBytes', 'line', 'format', 'ackTimeoutMs', 'reason']);

export function toCallwatchError(err: unknown): CallwatchError {
  if (isCallwatchError(err)) return err;
  const f = err as Partial<FastifyError>;
  const mapped = f.code === undefined ? undefined : FASTIFY_CODES[f.code];
  if (mapped) return new CallwatchError(mapped);
  if (typeof f.statusCode === 'number' && f.statusCode >= 400 && f.statusCode < 500) return new CallwatchError('CW_ERR_BAD_REQUEST');
  return new CallwatchError('CW_ERR_INTERNAL', undefined, {}, { cause: err });
}

/** The collector's released names for the shared failures (published codes are an API). */
export const INGEST_REPLY_POLICY: ErrorReplyPolicy = {
  safeDetails: SAFE_DETAILS,
  hideServerErrorText: false,
  published: {
    CW_ERR_UNAUTHORIZED: { code: 'CW_ERR_INGEST_UNAUTHORIZED' },
    CW_ERR_FORBIDDEN: { code: 'CW_ERR_INGEST_FORBIDDEN' },
    CW_ERR_BAD_REQUEST: { code: 'CW_ERR_INGEST_BAD_REQUEST' },
    CW_ERR_NOT_FOUND: { code: 'CW_ERR_INGEST_NOT_FOUND' },
    CW_ERR_RATE_LIMITED: { code: 'CW_ERR_INGEST_RATE_LIMITED' },
    CW_ERR_INTERNAL: { code: 'CW_ERR_INGEST_INTERNAL', message: 'collector failed unexpectedly' },
  },
};

/** Sends a CallwatchError as the collector does (status, JSON body, Retry-After). */
export function sendError(reply: FastifyReply, e: CallwatchError, retryAfterSeconds: number): FastifyReply {
  // A challenge, so HTTP clients that wait to be asked before sending credentials (curl with
  // CURLAUTH_ANY: FreeSWITCH's `auth-scheme` "any") send the key as the Basic password.
  if (e.status === 401) void reply.header('www-authenticate', 'Basic realm="callwatch", charset="UTF-8"');
  return sendErrorReply(reply, e, retryAfterSeconds, INGEST_REPLY_POLICY);
}

/** The app's error handler: specific codes for the client, a log line (codes only) for operators. */
export function errorHandler(retryAfterSeconds: number) {
  return (err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const e = toCallwatchError(err);
    if (e.status === 401 || e.status === 403) ingestMetrics.authFailures.inc({ status: String(e.status) });
    // Messages of unexpected errors are logged without stack arguments that could carry data.
    if (e.status >= 500 && e.code === 'CW_ERR_INTERNAL') {
      request.log.error({ code: e.code, cause: e.cause instanceof Error ? e.cause.name : typeof e.cause }, 'unexpected error');
    }
    return sendError(reply, e, retryAfterSeconds);
  };
}
