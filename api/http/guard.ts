import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiConfig } from '../../core/config/sections/api.ts';
import { CallwatchError, isCallwatchError } from '../../core/errors.ts';
import { presentedKey, type ApiKeyStore, type Principal } from '../../ingest/http/auth.ts';
import type { KeyedRateLimiter } from '../../ingest/limits/token-bucket.ts';
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
 * (ingest.apiKeys), checked by the collectors' ApiKeyStore.
 */
export function investigatorGuard(deps: { keys: ApiKeyStore; limiter: KeyedRateLimiter; config: ApiConfig }) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    let principal: Principal;
    try {
      principal = deps.keys.authenticate(request.headers);
    } catch (err) {
      // ApiKeyStore speaks in the collector's codes; the API answers in its own.
      if (!isCallwatchError(err, 'CW_ERR_INGEST_UNAUTHORIZED')) throw err;
      const detail = presentedKey(request.headers) === undefined ? 'send Authorization: Bearer <key> or X-API-Key' : 'key not recognised';
      throw new CallwatchError('CW_ERR_API_UNAUTHORIZED', detail, {}, { cause: err });
    }
    request.investigator = principal;
    if (!principal.scopes.has(INVESTIGATE_SCOPE)) throw new CallwatchError('CW_ERR_API_FORBIDDEN', `key ${principal.name} has no ${INVESTIGATE_SCOPE} scope`);
    const limit = deps.limiter.take(principal.name);
    if (!limit.ok) {
      apiMetrics.rateLimited.inc();
      throw new CallwatchError('CW_ERR_API_RATE_LIMITED', `key ${principal.name}`, { retryAfterSeconds: limit.retryAfterMs / 1000 });
    }
    await Promise.resolve();
  };
}
