import type { FastifyReply } from 'fastify';
import { ERROR_CODES, type CallwatchError, type ErrorCode } from '../errors.ts';

// The JSON error answer every HTTP service sends: { error: { code, message, details? } }, with
// Retry-After on 429/503. The failure, its status and whether a retry helps come from the code table
// (core/errors.ts); what differs between services is only this policy: which details are safe to
// echo, whether a 5xx message may be shown (it may carry internals such as SQL), and the name (and
// text) under which the service published a shared failure — released codes are an API, so the
// collectors keep answering CW_ERR_INGEST_UNAUTHORIZED and the investigator API CW_ERR_API_UNAUTHORIZED.

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/** A service's released wire name for a shared failure, and its own text for it if it has one. */
export interface PublishedError {
  code: string;
  message?: string;
}

export interface ErrorReplyPolicy {
  /** Detail keys safe to echo to the client; every other detail stays in the logs. */
  safeDetails: ReadonlySet<string>;
  /** Answer 5xx errors with the code's own text instead of the error's message. */
  hideServerErrorText: boolean;
  /** Wire names of shared failures (CW_ERR_UNAUTHORIZED, …); a code not listed goes out as it is. */
  published: Readonly<Partial<Record<ErrorCode, PublishedError>>>;
}

/** The code string a client of this service sees for `code`. */
export function wireCode(code: ErrorCode, policy: ErrorReplyPolicy): string {
  return policy.published[code]?.code ?? code;
}

export function errorBody(e: CallwatchError, policy: ErrorReplyPolicy): ErrorBody {
  const published = policy.published[e.code];
  const base = published?.message ?? ERROR_CODES[e.code].message;
  const full = published?.message === undefined ? e.message : e.detail === undefined ? base : `${base}: ${e.detail}`;
  const message = policy.hideServerErrorText && e.status >= 500 ? base : full;
  const details = Object.fromEntries(Object.entries(e.details).filter(([k, v]) => policy.safeDetails.has(k) && v !== undefined));
  return { error: { code: published?.code ?? e.code, message, ...(Object.keys(details).length > 0 ? { details } : {}) } };
}

/** Sends a CallwatchError as JSON with its status, and Retry-After where a retry will help (the table's `retryable`). */
export function sendErrorReply(reply: FastifyReply, e: CallwatchError, retryAfterSeconds: number, policy: ErrorReplyPolicy): FastifyReply {
  if (ERROR_CODES[e.code].retryable) {
    const seconds = typeof e.details.retryAfterSeconds === 'number' ? e.details.retryAfterSeconds : retryAfterSeconds;
    void reply.header('retry-after', String(Math.max(1, Math.ceil(seconds))));
  }
  return reply.status(e.status).type('application/json; charset=utf-8').send(errorBody(e, policy));
}
