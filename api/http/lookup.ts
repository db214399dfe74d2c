import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { toCsv } from '../csv.ts';
import type { AuditLog } from '../audit.ts';
import { apiMetrics } from '../metrics.ts';
import { badRequest } from '../validation.ts';
import { chooseFormat, type ResponseFormat } from './negotiate.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Investigator look-up: every answer, including refusals, is written to the audit log. */
    audited?: boolean;
  }
  interface FastifyRequest {
    /** The format a look-up was to be answered in, once known (for the audit row of a failure). */
    lookupFormat: ResponseFormat | null;
  }
}

/** What a look-up returns: the JSON body, the same rows for CSV, and the count the audit records. */
export interface LookupAnswer<Body> {
  body: Body;
  csvRows: readonly object[];
  resultCount: number;
  /** All matching rows (paged look-ups): sent as X-Total-Count. */
  total?: number;
}

/**
 * One investigator route, declared once: its inputs and answer as zod schemas (validation, types
 * and the OpenAPI document all come from them) and its handler.
 */
export interface LookupRoute<P extends z.ZodType, Q extends z.ZodType, R extends z.ZodType> {
  operationId: string;
  /** fastify pattern, e.g. /v1/numbers/:number. */
  url: string;
  summary: string;
  description: string;
  params: P;
  /** Must include the optional `format` parameter (formatSchema). */
  query: Q;
  response: R;
  /** CSV header: the keys of `csvRows`, in order. */
  csvColumns: readonly string[];
  handle(input: { params: z.output<P>; query: z.output<Q> }): Promise<LookupAnswer<z.output<R>>>;
}

export type AnyLookupRoute = LookupRoute<z.ZodType, z.ZodType, z.ZodType>;

function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: 'path' | 'query'): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw badRequest(result.error, where);
  return result.data;
}

/**
 * Registers a look-up: validate path and query (400), choose JSON or CSV (406), run it, write the
 * audit row — and only then answer: a look-up that cannot be audited is not answered (503).
 */
export function registerLookup(app: FastifyInstance, route: AnyLookupRoute, deps: { audit: AuditLog; clock: () => number }): void {
  app.get(route.url, { config: { audited: true } }, async (request, reply) => {
    const params = parseInput(route.params, request.params, 'path');
    const query = parseInput(route.query, request.query, 'query');
    const format = chooseFormat((query as { format?: ResponseFormat }).format, request.headers.accept);
    request.lookupFormat = format;
    const answer = await route.handle({ params, query });
    await deps.audit.record({
      at: new Date(deps.clock()),
      requestId: request.id,
      keyName: request.investigator?.name ?? '',
      method: request.method,
      route: route.url,
      params: { path: request.params, query: request.query },
      status: 200,
      resultCount: answer.resultCount,
      format,
    });
    apiMetrics.lookups.inc({ route: route.url, format });
    apiMetrics.rowsReturned.observe({ route: route.url }, answer.resultCount);
    // Evidence about people: never cached by a browser or proxy.
    void reply.header('cache-control', 'no-store');
    if (answer.total !== undefined) void reply.header('x-total-count', String(answer.total));
    if (format === 'csv') {
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${route.operationId}.csv"`)
        .header('x-content-type-options', 'nosniff')
        .send(toCsv(route.csvColumns, answer.csvRows));
    }
    return reply.type('application/json; charset=utf-8').send(answer.body);
  });
}
