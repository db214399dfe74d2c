import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ApiKeyStore } from '../../core/auth/api-keys.ts';
import type { KeyedRateLimiter } from '../../core/limits/token-bucket.ts';
import type { AuditLog } from '../audit.ts';
import { investigatorGuard } from '../http/guard.ts';
import { apiMetrics } from '../metrics.ts';
import type { LookupContext } from '../routes/common.ts';
import { numberProfileRoute } from '../routes/number-profile.ts';
import { spikesRoute } from '../routes/prefix-and-spikes.ts';
import { topNumbersRoute } from '../routes/week-lists.ts';
import { badRequest, rawNumberSchema, weekSchema } from '../validation.ts';
import { evidencePageBody } from './evidence-page.ts';
import { errorPage, page, type Html } from './html.ts';
import { overviewPageBody } from './overview-page.ts';
import { addWeeks, mondayOf } from '../../core/weeks.ts';

// The investigator pages: GET /pages/numbers/:number (a number's evidence) and GET /pages/overview
// (a week). Same key, scope, rate limit and audit as the JSON look-ups; each page is built from the
// answers of the JSON routes' own handlers (and the weekly aggregates), so a page and the JSON for
// the same request can never disagree. A browser can present the key as the password of HTTP Basic
// authentication (any user name): a 401 here asks for it.

export const OVERVIEW_WEEKS = 12;
const TOP_NUMBERS = 15;

interface PageAnswer {
  title: string;
  body: Html;
  resultCount: number;
}

interface PageRoute<P extends z.ZodType, Q extends z.ZodType> {
  url: string;
  params: P;
  query: Q;
  build(input: { params: z.output<P>; query: z.output<Q> }): Promise<PageAnswer>;
}

export interface PageDeps {
  ctx: LookupContext;
  keys: ApiKeyStore;
  limiter: KeyedRateLimiter;
  audit: AuditLog;
  clock: () => number;
}

/** Infers a page's parameter types from its schemas. */
function definePage<P extends z.ZodType, Q extends z.ZodType>(route: PageRoute<P, Q>): PageRoute<P, Q> {
  return route;
}

function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: 'path' | 'query'): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw badRequest(result.error, where);
  return result.data;
}

export function evidencePage(ctx: LookupContext) {
  const json = numberProfileRoute(ctx);
  return definePage({
    url: '/pages/numbers/:number',
    params: z.strictObject({ number: rawNumberSchema }),
    query: z.strictObject({ from: weekSchema.optional(), to: weekSchema.optional(), week: weekSchema.optional().meta({ description: 'the overview week to link back to' }) }),
    async build({ params, query }) {
      const answer = await json.handle({ params, query: json.query.parse({ ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}) }) });
      return { ...evidencePageBody(answer.body, query.week ?? null), resultCount: answer.resultCount };
    },
  });
}

export function overviewPage(ctx: LookupContext, clock: () => number) {
  const spikes = spikesRoute(ctx);
  const top = topNumbersRoute(ctx);
  return definePage({
    url: '/pages/overview',
    params: z.strictObject({}),
    query: z.strictObject({ week: weekSchema.optional() }),
    async build({ query }) {
      let week = query.week;
      if (week === undefined) {
        // The newest week with reports among the last OVERVIEW_WEEKS (bounded by the clock).
        const thisWeek = mondayOf(new Date(clock()));
        const recent = await ctx.read.channelWeeks({ fromWeek: addWeeks(thisWeek, -(OVERVIEW_WEEKS - 1)), toWeek: thisWeek });
        week = recent.reduce((latest, c) => (c.week > latest ? c.week : latest), '') || thisWeek;
      }
      const fromWeek = addWeeks(week, -(OVERVIEW_WEEKS - 1));
      const weeks = Array.from({ length: OVERVIEW_WEEKS }, (_, i) => addWeeks(fromWeek, i));
      // Verdicts per scope, so that many number verdicts can never crowd the stream's and channels' out of a page.
      const verdicts = (scope: 'overall' | 'channel' | 'number', from: string) =>
        spikes.handle({ params: {}, query: spikes.query.parse({ from, to: week, scope, limit: String(ctx.config.maxPageSize) }) });
      const [channelWeeks, overall, channel, numbers, topAnswer] = await Promise.all([
        ctx.read.channelWeeks({ fromWeek, toWeek: week }),
        verdicts('overall', fromWeek),
        verdicts('channel', fromWeek),
        verdicts('number', week),
        top.handle({ params: {}, query: top.query.parse({ week, by: 'reports', limit: String(TOP_NUMBERS) }) }),
      ]);
      const spikeItems = [...overall.body.items, ...channel.body.items, ...numbers.body.items];
      const body = overviewPageBody({ week, weeks, channelWeeks, spikes: spikeItems, top: topAnswer.body });
      return { ...body, resultCount: channelWeeks.length + spikeItems.length + topAnswer.resultCount };
    },
  });
}

// Pages hold evidence about people and must never run script: nothing is cached, nothing loads
// from elsewhere, and no script may run even if some text slipped through unescaped.
const PAGE_HEADERS = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

/** `Authorization: Basic base64(user:key)` as the Bearer key the guard reads. */
function basicAsBearer(request: FastifyRequest): void {
  const auth = request.headers.authorization;
  if (typeof auth !== 'string') return;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(auth);
  if (!m?.[1]) return;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const key = decoded.slice(decoded.indexOf(':') + 1);
  request.headers.authorization = key === '' || decoded.indexOf(':') < 0 ? undefined : `Bearer ${key}`;
}

function registerPage<P extends z.ZodType, Q extends z.ZodType>(app: FastifyInstance, route: PageRoute<P, Q>, deps: PageDeps): void {
  app.get(route.url, { config: { audited: true } }, async (request, reply) => {
    const params = parseInput(route.params, request.params, 'path');
    const query = parseInput(route.query, request.query, 'query');
    const answer = await route.build({ params, query });
    await deps.audit.record({
      at: new Date(deps.clock()),
      requestId: request.id,
      keyName: request.investigator?.name ?? '',
      method: request.method,
      route: route.url,
      params: { path: request.params, query: request.query },
      status: 200,
      resultCount: answer.resultCount,
      format: 'html',
    });
    apiMetrics.lookups.inc({ route: route.url, format: 'html' });
    apiMetrics.rowsReturned.observe({ route: route.url }, answer.resultCount);
    const html = page({ title: answer.title, body: answer.body, provenance: { keyName: request.investigator?.name ?? '', requestId: request.id, generatedAt: new Date(deps.clock()) } });
    return reply.headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(html);
  });
}

/** The pages as a fastify plugin: Basic-to-Bearer, the investigator guard, then the routes. */
export function pagesPlugin(deps: PageDeps) {
  return (app: FastifyInstance, _options: unknown, done: (err?: Error) => void): void => {
    app.decorateRequest('investigator', null);
    app.decorateRequest('lookupFormat', null);
    app.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, next: () => void) => {
      basicAsBearer(request);
      next();
    });
    app.addHook('onRequest', investigatorGuard({ keys: deps.keys, limiter: deps.limiter, config: deps.ctx.config }));
    // Errors as pages a person can read (the API's JSON error, same status and code), and a browser
    // asks the person for the key only when told how (RFC 7617).
    app.addHook('onSend', async (request, reply, payload) => {
      if (reply.statusCode === 401) void reply.header('www-authenticate', 'Basic realm="callwatch investigator pages", charset="UTF-8"');
      if (reply.statusCode < 400 || typeof payload !== 'string' || !String(reply.getHeader('content-type') ?? '').startsWith('application/json')) return payload;
      const error = (JSON.parse(payload) as { error?: { code?: string; message?: string } }).error;
      void reply.headers(PAGE_HEADERS).type('text/html; charset=utf-8');
      return errorPage(reply.statusCode, error?.code ?? 'CW_ERR_API_INTERNAL', error?.message ?? '', request.id);
    });
    registerPage(app, evidencePage(deps.ctx), deps);
    registerPage(app, overviewPage(deps.ctx, deps.clock), deps);
    done();
  };
}
