import type { FastifyError, FastifyReply } from 'fastify';
import { CallwatchError, ERROR_CODES, isCallwatchError, type ErrorCode } from '../../core/errors.ts';

/** Details safe to echo: which parameter and why, never the submitted value or SQL. */
const SAFE_DETAILS = new Set(['field', 'reason']);

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

/** Any thrown value as a CallwatchError with the API's codes (fastify's own 4xx become 400). */
export function toApiError(err: unknown): CallwatchError {
  if (isCallwatchError(err)) return err;
  const f = err as Partial<FastifyError>;
  if (typeof f.statusCode === 'number' && f.statusCode >= 400 && f.statusCode < 500) {
    return new CallwatchError('CW_ERR_API_BAD_REQUEST', typeof f.code === 'string' ? f.code : undefined);
  }
  return new CallwatchError('CW_ERR_API_INTERNAL', undefined, {}, { cause: err });
}

export function errorBody(e: CallwatchError): ErrorBody {
  // A 5xx message may carry SQL (and so the number looked up): clients get the code's own text.
  const message = e.status >= 500 ? ERROR_CODES[e.code].message : e.message;
  const details = Object.fromEntries(Object.entries(e.details).filter(([k, v]) => SAFE_DETAILS.has(k) && v !== undefined));
  return { error: { code: e.code, message, ...(Object.keys(details).length > 0 ? { details } : {}) } };
}

/** Sends a CallwatchError as JSON with its status, and Retry-After where a retry will help. */
export function sendApiError(reply: FastifyReply, e: CallwatchError, retryAfterSeconds: number): FastifyReply {
  if (e.status === 503 || e.status === 429) {
    const seconds = typeof e.details.retryAfterSeconds === 'number' ? e.details.retryAfterSeconds : retryAfterSeconds;
    void reply.header('retry-after', String(Math.max(1, Math.ceil(seconds))));
  }
  return reply.status(e.status).type('application/json; charset=utf-8').send(errorBody(e));
}
