import type { FastifyInstance } from 'fastify';
import { metricsRegistry } from '../metrics.ts';

export interface HealthDeps {
  /** The service's dependencies, each answering or not, e.g. { kafka: true, registry: false }. */
  checks: () => Promise<Readonly<Record<string, boolean>>>;
  /** True once shutdown began: stop taking traffic. */
  closing: () => boolean;
}

/**
 * /healthz (the process answers), /readyz (every check passes and no shutdown began; the body
 * names each check), /metrics (the shared prom-client registry).
 */
export function registerHealthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  app.get('/healthz', () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const checks = await deps.checks();
    const ready = Object.values(checks).every(Boolean) && !deps.closing();
    return reply.status(ready ? 200 : 503).send({ ready, ...checks, closing: deps.closing() });
  });

  app.get('/metrics', async (_request, reply) => {
    const text = await metricsRegistry.metrics();
    return reply.header('content-type', metricsRegistry.contentType).send(text);
  });
}

/** Routes that are not traffic: left out of access logs. */
export const HEALTH_ROUTES: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);
