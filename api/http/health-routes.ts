import type { FastifyInstance } from 'fastify';
import type { Clickhouse } from '../../core/clickhouse/client.ts';
import { metricsRegistry } from '../../core/metrics.ts';

export interface HealthDeps {
  reader: Pick<Clickhouse, 'ping'>;
  writer: Pick<Clickhouse, 'ping'>;
  closing: () => boolean;
}

/** /healthz (the process answers), /readyz (ClickHouse answers for reads and audit writes), /metrics. */
export function registerHealthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  app.get('/healthz', () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const [reader, writer] = await Promise.all([deps.reader.ping(), deps.writer.ping()]);
    const ready = reader && writer && !deps.closing();
    return reply.status(ready ? 200 : 503).send({ ready, clickhouse_reader: reader, clickhouse_writer: writer, closing: deps.closing() });
  });

  app.get('/metrics', async (_request, reply) => {
    const text = await metricsRegistry.metrics();
    return reply.header('content-type', metricsRegistry.contentType).send(text);
  });
}
