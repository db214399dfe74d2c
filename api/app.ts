import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clickhouse } from '../core/clickhouse/client.ts';
import type { Config } from '../core/config/schema.ts';
import { CallwatchError, errorMessage } from '../core/errors.ts';
import { registerHealthRoutes } from '../core/http/health-routes.ts';
import { accessLog, createServiceApp } from '../core/http/service-app.ts';
import { createLogger, type Logger } from '../core/log.ts';
import { enableDefaultMetrics } from '../core/metrics.ts';
import { ApiKeyStore } from '../core/auth/api-keys.ts';
import { KeyedRateLimiter } from '../core/limits/token-bucket.ts';
import { WeeklyAggregates } from '../processors/aggregates/weekly.ts';
import { AuditLog } from './audit.ts';
import { sendApiError, toApiError } from './http/errors.ts';
import { investigatorGuard } from './http/guard.ts';
import { registerLookup, type AnyLookupRoute } from './http/lookup.ts';
import { apiMetrics } from './metrics.ts';
import { buildOpenApi } from './openapi.ts';
import type { LookupContext } from './routes/common.ts';
import { numberProfileRoute } from './routes/number-profile.ts';
import { numbersByPrefixRoute, spikesRoute } from './routes/prefix-and-spikes.ts';
import { newNumbersRoute, topNumbersRoute } from './routes/week-lists.ts';

export interface ApiDeps {
  /** Uses `api`, the key list `auth.apiKeys` and the thresholds in `processors`. */
  config: Config;
  /** Serves every read: the read-only ClickHouse user (Clickhouse.connect(cfg, 'reader')). */
  reader: Clickhouse;
  /** Writes the audit log only. On chdb (no users) the same connection as `reader`. */
  writer: Clickhouse;
  logger?: Logger;
  /** Epoch ms for audit rows and the per-key rate limiter; tests pin it so no answer depends on their speed. */
  clock?: () => number;
}

export const API_VERSION = '1.0.0';

/** The investigator routes, in the order the OpenAPI document lists them. */
export function lookupRoutes(ctx: LookupContext): AnyLookupRoute[] {
  return [numberProfileRoute(ctx), numbersByPrefixRoute(ctx), topNumbersRoute(ctx), newNumbersRoute(ctx), spikesRoute(ctx)];
}

/**
 * The investigator API as a fastify instance (not listening yet): `app.inject()` in tests,
 * `app.listen()` in api/main.ts.
 */
export function buildApiApp(deps: ApiDeps): FastifyInstance {
  const { config } = deps;
  const logger = deps.logger ?? createLogger('api', config.log.level);
  const clock = deps.clock ?? (() => Date.now());
  enableDefaultMetrics('api');

  const { app, closing } = createServiceApp(logger, {
    genReqId: () => randomUUID(),
    // Long enough that an overlong number reaches validation (400 naming the field), not a 404.
    routerOptions: { maxParamLength: 1_000 },
    bodyLimit: 1_024,
  });

  const audit = new AuditLog(deps.writer);
  const ctx: LookupContext = {
    reader: deps.reader,
    aggregates: new WeeklyAggregates(deps.reader, { shortCallSeconds: config.processors.shortCallSeconds, serviceLevelSeconds: config.processors.serviceLevelSeconds }),
    config: config.api,
    shortCallSeconds: config.processors.shortCallSeconds,
  };
  const routes = lookupRoutes(ctx);
  const openApi = buildOpenApi(routes, API_VERSION);

  app.setErrorHandler(async (err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const e = toApiError(err);
    if (e.status === 401 || e.status === 403) apiMetrics.authFailures.inc({ status: String(e.status) });
    if (e.status < 500) apiMetrics.rejected.inc({ code: e.code });
    else request.log.error({ code: e.code, cause: e.cause instanceof Error ? errorMessage(e.cause).split('\n')[0]?.slice(0, 200) : undefined }, 'look-up failed');
    // Refused and failed look-ups are audited too (an injection attempt is on record); a failure to
    // audit them is logged, the client still gets the original error.
    if (request.investigator !== null && request.routeOptions.config.audited === true && e.code !== 'CW_ERR_API_AUDIT_FAILED') {
      try {
        await audit.record({
          at: new Date(clock()),
          requestId: request.id,
          keyName: request.investigator.name,
          method: request.method,
          route: request.routeOptions.url ?? '',
          params: { path: request.params, query: request.query },
          status: e.status,
          resultCount: 0,
          format: request.lookupFormat ?? '',
        });
      } catch (auditErr) {
        request.log.error({ code: isAuditError(auditErr) ? auditErr.code : 'unknown' }, 'audit row of a refused look-up was not written');
      }
    }
    return sendApiError(reply, e, config.api.retryAfterSeconds);
  });
  app.setNotFoundHandler((_request, reply) => sendApiError(reply, new CallwatchError('CW_ERR_API_NOT_FOUND'), config.api.retryAfterSeconds));
  // The id of the audit row, for an investigator to cite.
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  // Access log without URLs: they hold the numbers looked up.
  accessLog(app, { duration: apiMetrics.requestDuration, keyName: (request) => request.investigator?.name });
  registerHealthRoutes(app, {
    checks: async () => {
      const [reader, writer] = await Promise.all([deps.reader.ping(), deps.writer.ping()]);
      return { clickhouse_reader: reader, clickhouse_writer: writer };
    },
    closing,
  });
  app.get('/openapi.json', () => openApi);

  const keys = new ApiKeyStore(config.auth.apiKeys);
  const limiter = new KeyedRateLimiter({ ratePerSecond: config.api.rateLimitPerSecond, burst: config.api.rateLimitBurst }, undefined, clock);
  void app.register((api, _options, done) => {
    api.decorateRequest('investigator', null);
    api.decorateRequest('lookupFormat', null);
    api.addHook('onRequest', investigatorGuard({ keys, limiter, config: config.api }));
    for (const route of routes) registerLookup(api, route, { audit, clock });
    done();
  });
  return app;
}

function isAuditError(err: unknown): err is CallwatchError {
  return err instanceof CallwatchError;
}
