import { z } from 'zod';
import type { LookupRoute } from '../http/lookup.ts';
import { canonicalPrefix, formatSchema, pageSchemas, prefixSchema, weekSchema } from '../validation.ts';
import { checkedRange, pageInfo, pageInfoSchema, rangeSchema, seenAt, utcIso, weekFilter, type LookupContext } from './common.ts';

// GET /v1/numbers?prefix= (a block of a number range) and GET /v1/spikes (spike verdicts), paged.

const prefixItem = z.object({
  number: z.string(),
  reports: z.number().int(),
  reporters: z.number().int(),
  reported_calls: z.number().int(),
  cdr_calls: z.number().int(),
  first_seen: z.string().nullable(),
  last_seen: z.string().nullable(),
});

export const numbersByPrefixSchema = z.object({ prefix: z.string(), range: rangeSchema, items: z.array(prefixItem), page: pageInfoSchema });

export function numbersByPrefixRoute(ctx: LookupContext) {
  const query = z.strictObject({
    prefix: prefixSchema,
    from: weekSchema.optional(),
    to: weekSchema.optional(),
    ...pageSchemas(ctx.config),
    format: formatSchema.optional(),
  });
  const params = z.strictObject({});
  const route: LookupRoute<typeof params, typeof query, typeof numbersByPrefixSchema> = {
    operationId: 'numbersByPrefix',
    url: '/v1/numbers',
    summary: 'Numbers in a block',
    description: `Numbers whose E.164 form starts with the prefix (at least ${ctx.config.minPrefixDigits} digits), from reports and CDRs (as caller), with distinct counts over the weeks given; ordered by number.`,
    params,
    query,
    response: numbersByPrefixSchema,
    csvColumns: Object.keys(prefixItem.shape),
    async handle({ query: q }) {
      const prefix = canonicalPrefix(q.prefix, ctx.config.defaultRegion, ctx.config.minPrefixDigits);
      const range = checkedRange(q.from, q.to);
      const [rows, total] = await Promise.all([ctx.read.numbersByPrefix(prefix, weekFilter(range), q), ctx.read.countNumbersByPrefix(prefix, weekFilter(range))]);
      const items = rows.map((r) => ({ ...r, first_seen: seenAt(r.first_seen, r.reported_calls + r.cdr_calls), last_seen: seenAt(r.last_seen, r.reported_calls + r.cdr_calls) }));
      return {
        body: { prefix, range: { from: range.from ?? null, to: range.to ?? null }, items, page: pageInfo(q.limit, q.offset, total, items.length) },
        csvRows: items,
        resultCount: items.length,
        total,
      };
    },
  };
  return route;
}

const spikeItem = z.object({
  week: z.string(),
  scope: z.enum(['overall', 'channel', 'number']),
  key: z.string().meta({ description: 'the E.164 number, the channel, or ALL' }),
  kind: z.enum(['SPIKE', 'LEVEL_SHIFT', 'DROP']),
  observed: z.number(),
  expected: z.number(),
  upper: z.number(),
  score: z.number(),
  evaluated_at: z.string(),
});

export const spikesListSchema = z.object({ range: rangeSchema, items: z.array(spikeItem), page: pageInfoSchema });

export function spikesRoute(ctx: LookupContext) {
  const query = z.strictObject({
    from: weekSchema.optional(),
    to: weekSchema.optional(),
    scope: z.enum(['overall', 'channel', 'number']).optional(),
    kind: z.enum(['SPIKE', 'LEVEL_SHIFT', 'DROP']).optional(),
    ...pageSchemas(ctx.config),
    format: formatSchema.optional(),
  });
  const params = z.strictObject({});
  const route: LookupRoute<typeof params, typeof query, typeof spikesListSchema> = {
    operationId: 'spikes',
    url: '/v1/spikes',
    summary: 'Spike verdicts',
    description: "Spike detection's live verdicts (retracted ones hidden), newest week first, then by score.",
    params,
    query,
    response: spikesListSchema,
    csvColumns: Object.keys(spikeItem.shape),
    async handle({ query: q }) {
      const range = checkedRange(q.from, q.to);
      const filter = { ...weekFilter(range), ...(q.scope ? { scope: q.scope } : {}), ...(q.kind ? { kind: q.kind } : {}) };
      const [rows, total] = await Promise.all([ctx.read.spikes(filter, q), ctx.read.countSpikes(filter)]);
      const items = rows.map((r) => spikeItem.parse({ ...r, evaluated_at: utcIso(r.evaluated_at) }));
      return {
        body: { range: { from: range.from ?? null, to: range.to ?? null }, items, page: pageInfo(q.limit, q.offset, total, items.length) },
        csvRows: items,
        resultCount: items.length,
        total,
      };
    },
  };
  return route;
}
