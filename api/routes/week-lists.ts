import { z } from 'zod';
import { TOP_ORDERS } from '../../core/read-model/lists.ts';
import type { LookupRoute } from '../http/lookup.ts';
import { formatSchema, pageSchemas, weekSchema } from '../validation.ts';
import { previousWeek } from '../../core/weeks.ts';
import { pageInfo, pageInfoSchema, type LookupContext } from './common.ts';

// GET /v1/top-numbers and GET /v1/new-numbers: lists of numbers for one week, paged.

const topItem = z.object({
  rank: z.number().int(),
  number: z.string(),
  reports: z.number().int(),
  reporters: z.number().int(),
  reported_calls: z.number().int(),
  previous_reports: z.number().int().meta({ description: 'reports of calls in the week before' }),
  growth: z.number().int().meta({ description: 'reports − previous_reports' }),
  cdr_calls: z.number().int(),
  callees: z.number().int(),
  answered_share: z.number().nullable(),
});

export const topNumbersSchema = z.object({
  week: z.string(),
  previous_week: z.string(),
  by: z.enum(TOP_ORDERS),
  items: z.array(topItem),
  page: pageInfoSchema,
});

export function topNumbersRoute(ctx: LookupContext) {
  const query = z.strictObject({
    week: weekSchema,
    by: z.enum(TOP_ORDERS).default('reports').meta({ description: 'ranking: reports, distinct reporters, CDR calls, or growth vs the previous week' }),
    ...pageSchemas(ctx.config),
    format: formatSchema.optional(),
  });
  const params = z.strictObject({});
  const route: LookupRoute<typeof params, typeof query, typeof topNumbersSchema> = {
    operationId: 'topNumbers',
    url: '/v1/top-numbers',
    summary: 'Top numbers of a week',
    description:
      'Numbers ranked by one figure of the week (only numbers where it is above 0), ties by number. Reports count reported calls made in the week; CDR figures count calls set up in the week. WITHHELD and INVALID are not numbers and are never listed.',
    params,
    query,
    response: topNumbersSchema,
    csvColumns: Object.keys(topItem.shape),
    async handle({ query: q }) {
      const [rows, total] = await Promise.all([ctx.read.topNumbers(q.week, q.by, q), ctx.read.countTopNumbers(q.week, q.by)]);
      const items = rows.map((r, i) => ({ rank: q.offset + i + 1, ...r }));
      return {
        body: { week: q.week, previous_week: previousWeek(q.week), by: q.by, items, page: pageInfo(q.limit, q.offset, total, items.length) },
        csvRows: items,
        resultCount: items.length,
        total,
      };
    },
  };
  return route;
}

const newItem = z.object({ number: z.string(), reports: z.number().int(), reporters: z.number().int(), reported_calls: z.number().int() });

export const newNumbersSchema = z.object({ week: z.string(), items: z.array(newItem), page: pageInfoSchema });

export function newNumbersRoute(ctx: LookupContext) {
  const query = z.strictObject({ week: weekSchema, ...pageSchemas(ctx.config), format: formatSchema.optional() });
  const params = z.strictObject({});
  const route: LookupRoute<typeof params, typeof query, typeof newNumbersSchema> = {
    operationId: 'newNumbers',
    url: '/v1/new-numbers',
    summary: 'Numbers first reported in a week',
    description: 'Numbers reported for a call in the week and never for a call in an earlier week, most reported first.',
    params,
    query,
    response: newNumbersSchema,
    csvColumns: Object.keys(newItem.shape),
    async handle({ query: q }) {
      const [items, total] = await Promise.all([ctx.read.newNumbers(q.week, q), ctx.read.countNewNumbers(q.week)]);
      return { body: { week: q.week, items, page: pageInfo(q.limit, q.offset, total, items.length) }, csvRows: items, resultCount: items.length, total };
    },
  };
  return route;
}
