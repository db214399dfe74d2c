import type { FastifyInstance } from 'fastify';
import { metricsRegistry } from '../../core/metrics.ts';
import type { RecordProducer } from '../delivery.ts';

export interface HealthDeps {
  producer: Pick<RecordProducer, 'metadata'>;
  registry: { ping(): Promise<boolean> };
  /** True once shutdown began: stop taking traffic. */
  closing: () => boolean;
}

/** /healthz (the process answers), /readyz (Kafka metadata and the registry answer), /metrics. */
export function registerHealthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  app.get('/healthz', () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const [kafka, registry] = await Promise.all([
      deps.producer.metadata(2_000).then(() => true, () => false),
      deps.registry.ping(),
    ]);
    const ready = kafka && registry && !deps.closing();
    return reply.status(ready ? 200 : 503).send({ ready, kafka, registry, closing: deps.closing() });
  });

  app.get('/metrics', async (_request, reply) => {
    const text = await metricsRegistry.metrics();
    return reply.header('content-type', metricsRegistry.contentType).send(text);
  });
}
