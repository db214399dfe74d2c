import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clickhouse } from '../core/clickhouse/client.ts';
import type { Config } from '../core/config/schema.ts';
import { CallwatchError, errorMessage } from '../core/errors.ts';
import { registerHealthRoutes } from '../core/http/health-routes.ts';
import { accessLog, createServiceApp } from '../core/http/service-app.ts';
import { createLogger, type Logger } from '../core/log.ts';
import { enableDefaultMetrics } from '../core/metrics.ts';
import { ApiKeyStore, type Principal } from '../core/auth/api-keys.ts';
import { KeyedRateLimiter } from '../core/limits/token-bucket.ts';
import { ReadModel } from '../core/read-model/index.ts';
import { AuditLog } from './audit.ts';
import { sendApiError, toApiError } from './http/errors.ts';
import { investigatorGuard } from './http/guard.ts';
import { registerLookup, type AnyLookupRoute } from './http/lookup.ts';
import { apiMetrics } from './metrics.ts';
import { buildOpenApi } from './openapi.ts';
import { pagesPlugin } from './pages/routes.ts';
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

  const keys = new ApiKeyStore(config.auth.apiKeys);
  // On the app's clock, so that tests can pin it and no run can refill a token between requests.
  const limiter = new KeyedRateLimiter({ ratePerSecond: config.api.rateLimitPerSecond, burst: config.api.rateLimitBurst }, undefined, clock);
  const guard = investigatorGuard({ keys, limiter, config: config.api });
  const audit = new AuditLog(deps.writer);

  const { app, closing } = createServiceApp(logger, {
    genReqId: () => randomUUID(),
    // Requests the router refuses before any route runs (bad %-encoding, a parameter past
    // maxParamLength) get what every look-up gets: the key checked first, the project's error
    // format with a request id (never fastify's text, which echoes the path and so the number),
    // and an audit row.
    frameworkErrors: (error, request, reply) => {
      void refuseUnroutable(error, request, reply);
    },
    // Long enough that an overlong number reaches validation (400 naming the field), not a 404.
    routerOptions: { maxParamLength: 1_000 },
    bodyLimit: 1_024,
  });

  const ctx: LookupContext = {
    read: new ReadModel(deps.reader, { serviceLevelSeconds: config.processors.serviceLevelSeconds }),
    config: config.api,
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
  async function refuseUnroutable(error: FastifyError, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    void reply.header('x-request-id', request.id);
    const refusal = new CallwatchError(error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'CW_ERR_API_URI_TOO_LONG' : 'CW_ERR_API_BAD_URL');
    let principal: Principal | undefined;
    let e = refusal;
    try {
      // The same checks, in the same order, as a routed look-up: key, scope, rate. (The guard
      // sets request.investigator once the key is known, before scope and rate.)
      await guard(request, reply);
      principal = request.investigator ?? undefined;
    } catch (err) {
      e = toApiError(err);
      principal = request.investigator ?? undefined;
    }
    if (e.status === 401 || e.status === 403) apiMetrics.authFailures.inc({ status: String(e.status) });
    apiMetrics.rejected.inc({ code: e.code });
    if (principal) {
      try {
        await audit.record({
          at: new Date(clock()),
          requestId: request.id,
          keyName: principal.name,
          method: request.method,
          route: '(unrouted)',
          params: { path: request.raw.url ?? '', query: {} },
          status: e.status,
          resultCount: 0,
          format: '',
        });
      } catch (auditErr) {
        e = isAuditError(auditErr) ? auditErr : new CallwatchError('CW_ERR_API_AUDIT_FAILED');
      }
    }
    await sendApiError(reply, e, config.api.retryAfterSeconds);
  }

  app.setNotFoundHandler((_request, reply) => sendApiError(reply, new CallwatchError('CW_ERR_NOT_FOUND'), config.api.retryAfterSeconds));
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

  void app.register((api, _options, done) => {
    api.decorateRequest('investigator', null);
    api.decorateRequest('lookupFormat', null);
    api.addHook('onRequest', guard);
    for (const route of routes) registerLookup(api, route, { audit, clock });
    done();
  });
  // The same look-ups as HTML pages with charts (api/pages/): same keys, limiter and audit log.
  void app.register(pagesPlugin({ ctx, keys, limiter, audit, clock }));
  return app;
}

function isAuditError(err: unknown): err is CallwatchError {
  return err instanceof CallwatchError;
}
