import type { FastifyReply, FastifyRequest } from 'fastify';
import { CallwatchError } from '../../core/errors.ts';
import type { IngestConfig } from '../../core/config/sections/ingest.ts';
import type { OverloadGuard } from '../limits/overload.ts';
import type { KeyedRateLimiter } from '../../core/limits/token-bucket.ts';
import { ingestMetrics } from '../metrics.ts';
import type { ApiKeyStore, Principal } from '../../core/auth/api-keys.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const SHED_DETAIL = { producer_queue: 'producer queue nearly full', preparation_backlog: 'CDR preparation threads behind', event_loop_lag: 'event loop lagging' } as const;

/**
 * onRequest hook of the authenticated API, run before the body is read: 401 without a known key,
 * 429 past the key's rate, 503 when the collector is overloaded. Scope checks (403) are per route.
 */
export function apiGuard(deps: { keys: ApiKeyStore; limiter: KeyedRateLimiter; overload: OverloadGuard; config: IngestConfig }) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const principal = deps.keys.authenticate(request.headers, { basic: true });
    request.principal = principal;
    const e = principal.entry;
    const limit = deps.limiter.take(principal.name, {
      ratePerSecond: e.rateLimitPerSecond ?? deps.config.rateLimitPerSecond,
      burst: e.rateLimitBurst ?? deps.config.rateLimitBurst,
    });
    if (!limit.ok) {
      ingestMetrics.rateLimited.inc({ limiter: 'api_key' });
      throw new CallwatchError('CW_ERR_RATE_LIMITED', `key ${principal.name}`, { retryAfterSeconds: limit.retryAfterMs / 1000 });
    }
    const verdict = deps.overload.verdict();
    if (verdict.overloaded) {
      ingestMetrics.shed.inc({ reason: verdict.reason });
      throw new CallwatchError('CW_ERR_INGEST_OVERLOADED', SHED_DETAIL[verdict.reason], { reason: verdict.reason });
    }
    await Promise.resolve();
  };
}
