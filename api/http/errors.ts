import type { FastifyError, FastifyReply } from 'fastify';
import { CallwatchError, isCallwatchError } from '../../core/errors.ts';
import { sendErrorReply, type ErrorReplyPolicy } from '../../core/http/error-reply.ts';

/** Details safe to echo: which parameter and why, never the submitted value or SQL. */
const SAFE_DETAILS = new Set(['field', 'reason']);

/** Any thrown value as a CallwatchError with the API's codes (fastify's own 4xx become 400). */
export function toApiError(err: unknown): CallwatchError {
  if (isCallwatchError(err)) return err;
  const f = err as Partial<FastifyError>;
  if (typeof f.statusCode === 'number' && f.statusCode >= 400 && f.statusCode < 500) {
    return new CallwatchError('CW_ERR_BAD_REQUEST', typeof f.code === 'string' ? f.code : undefined);
  }
  return new CallwatchError('CW_ERR_INTERNAL', undefined, {}, { cause: err });
}

// A 5xx message may carry SQL (and so the number looked up): clients get the code's own text.
// The API's released names and texts for the shared failures (published codes are an API).
export const API_REPLY_POLICY: ErrorReplyPolicy = {
  safeDetails: SAFE_DETAILS,
  hideServerErrorText: true,
  published: {
    CW_ERR_UNAUTHORIZED: { code: 'CW_ERR_API_UNAUTHORIZED' },
    CW_ERR_FORBIDDEN: { code: 'CW_ERR_API_FORBIDDEN', message: 'API key lacks the investigate scope' },
    CW_ERR_BAD_REQUEST: { code: 'CW_ERR_API_BAD_REQUEST', message: 'invalid request parameter' },
    CW_ERR_NOT_FOUND: { code: 'CW_ERR_API_NOT_FOUND' },
    CW_ERR_RATE_LIMITED: { code: 'CW_ERR_API_RATE_LIMITED' },
    CW_ERR_INTERNAL: { code: 'CW_ERR_API_INTERNAL', message: 'investigator API failed unexpectedly' },
  },
};

/** Sends a CallwatchError as the API does (status, JSON body, Retry-After). */
export function sendApiError(reply: FastifyReply, e: CallwatchError, retryAfterSeconds: number): FastifyReply {
  return sendErrorReply(reply, e, retryAfterSeconds, API_REPLY_POLICY);
}
