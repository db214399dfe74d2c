import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiConfig } from '../../core/config/sections/api.ts';
import { requireScope, type ApiKeyStore, type Principal } from '../../core/auth/api-keys.ts';
import { CallwatchError } from '../../core/errors.ts';
import type { KeyedRateLimiter } from '../../core/limits/token-bucket.ts';
import { apiMetrics } from '../metrics.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The key holder of an authenticated investigator request (null before the guard ran). */
    investigator: Principal | null;
  }
}

export const INVESTIGATE_SCOPE = 'investigate';

/**
 * onRequest hook of the investigator routes: 401 without a known key, 403 without the
 * `investigate` scope, 429 past the key's rate. Keys are the deployment's one key list
 * (auth.apiKeys), checked by core's ApiKeyStore; the API's reply policy names its failures.
 */
export function investigatorGuard(deps: { keys: ApiKeyStore; limiter: KeyedRateLimiter; config: ApiConfig }) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const principal = deps.keys.authenticate(request.headers);
    request.investigator = principal;
    requireScope(principal, INVESTIGATE_SCOPE);
    const limit = deps.limiter.take(principal.name);
    if (!limit.ok) {
      apiMetrics.rateLimited.inc();
      throw new CallwatchError('CW_ERR_RATE_LIMITED', `key ${principal.name}`, { retryAfterSeconds: limit.retryAfterMs / 1000 });
    }
    await Promise.resolve();
  };
}
