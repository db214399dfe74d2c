import type { FastifyReply } from 'fastify';
import { ERROR_CODES, type CallwatchError, type ErrorCode } from '../errors.ts';

// The JSON error answer every HTTP service sends: { error: { code, message, details? } }, with
// Retry-After on 429/503. Each service says which details are safe to echo and whether a 5xx
// message may be shown (it may carry internals such as SQL).

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

export interface ErrorReplyPolicy {
  /** Detail keys safe to echo to the client; every other detail stays in the logs. */
  safeDetails: ReadonlySet<string>;
  /** Answer 5xx errors with the code's own text instead of the error's message. */
  hideServerErrorText: boolean;
}

export function errorBody(e: CallwatchError, policy: ErrorReplyPolicy): ErrorBody {
  const message = policy.hideServerErrorText && e.status >= 500 ? ERROR_CODES[e.code].message : e.message;
  const details = Object.fromEntries(Object.entries(e.details).filter(([k, v]) => policy.safeDetails.has(k) && v !== undefined));
  return { error: { code: e.code, message, ...(Object.keys(details).length > 0 ? { details } : {}) } };
}

/** Sends a CallwatchError as JSON with its status, and Retry-After where a retry will help. */
export function sendErrorReply(reply: FastifyReply, e: CallwatchError, retryAfterSeconds: number, policy: ErrorReplyPolicy): FastifyReply {
  if (e.status === 503 || e.status === 429) {
    const seconds = typeof e.details.retryAfterSeconds === 'number' ? e.details.retryAfterSeconds : retryAfterSeconds;
    void reply.header('retry-after', String(Math.max(1, Math.ceil(seconds))));
  }
  return reply.status(e.status).type('application/json; charset=utf-8').send(errorBody(e, policy));
}
