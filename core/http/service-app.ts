import type { Server } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyHttpOptions, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Histogram } from 'prom-client';
import type { Logger } from '../log.ts';
import { HEALTH_ROUTES } from './health-routes.ts';

export interface ServiceApp {
  app: FastifyInstance;
  /** True once the app began closing (readiness turns false, so load balancers stop sending). */
  closing: () => boolean;
}

/**
 * A fastify instance as every HTTP service starts one: the service's pino logger, fastify's own
 * request logging off (it would log client IPs and URLs, which can hold personal data: each
 * service writes its own access log with `accessLog`), and a closing flag set when close() begins.
 */
export function createServiceApp(logger: Logger, options: Omit<FastifyHttpOptions<Server>, 'logger' | 'loggerInstance' | 'logController'> = {}): ServiceApp {
  // Widened to fastify's logger type so the instance is the plain FastifyInstance plugins expect.
  const baseLogger: FastifyBaseLogger = logger;
  const app = Fastify({ ...options, loggerInstance: baseLogger, logController: new LogController({ disableRequestLogging: true }) });
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  return { app, closing: () => closing };
}

/**
 * One access-log line per request (method, route pattern, status, ms, key holder; never the URL or
 * the client IP) and the request-duration histogram (route, status). Health routes are timed, not logged.
 */
export function accessLog(app: FastifyInstance, o: { duration: Histogram<'route' | 'status'>; keyName: (request: FastifyRequest) => string | undefined }): void {
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    o.duration.observe({ route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    if (!HEALTH_ROUTES.has(route)) {
      request.log.info({ method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime), key: o.keyName(request) }, 'request');
    }
    done();
  });
}
