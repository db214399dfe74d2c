import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../core/errors.ts';
import { API_REPLY_POLICY } from './http/errors.ts';
import type { AnyLookupRoute } from './http/lookup.ts';

// The OpenAPI 3.1 document, built from the same zod schemas the routes validate with (JSON Schema
// 2020-12 is OpenAPI 3.1's schema dialect), so the document cannot drift from the code.

type JsonSchema = Record<string, unknown> & { properties?: Record<string, Record<string, unknown>>; required?: string[] };

const inputSchema = (s: z.ZodType): JsonSchema => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
const outputSchema = (s: z.ZodType): JsonSchema => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: 'output', unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

function parameters(schema: z.ZodType, where: 'path' | 'query'): Record<string, unknown>[] {
  const json = inputSchema(schema);
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, { description, ...prop }]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    ...(typeof description === 'string' ? { description } : {}),
    schema: prop,
  }));
}

// The codes the API answers with: its own failures, ClickHouse's, and the shared ones under the names it published.
const API_WIRE_CODES = [
  ...new Set([
    ...(Object.keys(ERROR_CODES) as ErrorCode[]).filter((c) => c.startsWith('CW_ERR_API_') || c.startsWith('CW_ERR_CLICKHOUSE_')),
    ...Object.values(API_REPLY_POLICY.published).map((p) => p.code),
  ]),
].sort();

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: API_WIRE_CODES },
        message: { type: 'string' },
        details: { type: 'object', properties: { field: { type: 'string' }, reason: { type: 'string' } } },
      },
    },
  },
};

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

function lookupPath(route: AnyLookupRoute): Record<string, unknown> {
  return {
    get: {
      operationId: route.operationId,
      summary: route.summary,
      description: `${route.description} Every call is written to the audit log (key name, route, parameters, time, result count).`,
      tags: ['investigate'],
      security: [{ bearerAuth: [] }, { apiKeyHeader: [] }],
      parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
      responses: {
        200: {
          description: 'the answer (text/csv with Accept: text/csv or ?format=csv; cells that a spreadsheet would read as a formula start with an apostrophe)',
          headers: { 'X-Total-Count': { description: 'rows matching over all pages (paged look-ups)', schema: { type: 'integer' } } },
          content: {
            'application/json': { schema: outputSchema(route.response) },
            'text/csv': { schema: { type: 'string', description: `columns: ${route.csvColumns.join(', ')}` } },
          },
        },
        400: errorResponse('invalid parameter (details.field names it), withheld or invalid number'),
        401: errorResponse('missing or unknown API key'),
        403: errorResponse('the key lacks the investigate scope'),
        406: errorResponse('neither JSON nor CSV acceptable'),
        429: errorResponse('rate limit exceeded (Retry-After)'),
        503: errorResponse('ClickHouse or the audit log unavailable (Retry-After)'),
      },
    },
  };
}

const plain = (summary: string, contentType: string) => ({
  get: { summary, tags: ['operations'], security: [], responses: { 200: { description: 'ok', content: { [contentType]: { schema: contentType === 'application/json' ? { type: 'object' } : { type: 'string' } } } } } },
});

export function buildOpenApi(routes: readonly AnyLookupRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const route of routes) paths[route.url.replace(/:([A-Za-z_]+)/g, '{$1}')] = lookupPath(route);
  paths['/healthz'] = plain('the process answers', 'application/json');
  paths['/readyz'] = plain('ClickHouse answers on both connections (503 otherwise)', 'application/json');
  paths['/metrics'] = plain('Prometheus metrics', 'text/plain');
  paths['/openapi.json'] = plain('this document', 'application/json');
  return {
    openapi: '3.1.0',
    info: {
      title: 'callwatch investigator API',
      version,
      description: 'Evidence per phone number from nuisance-call reports and CDRs. Requires an API key with the investigate scope. Reporters and callees appear only as counts.',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer' },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
      schemas: { Error: errorSchema },
    },
  };
}
