import { createHash } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiApp } from '../../api/app.ts';
import type { AuditRow } from '../../api/audit.ts';
import { Clickhouse } from '../../core/clickhouse/client.ts';
import { ident, sql } from '../../core/clickhouse/escape.ts';
import { migrate } from '../../core/clickhouse/migrate.ts';
import type { Config } from '../../core/config/schema.ts';
import { ENGINES, testConfig, uniqueTag } from '../support/env.ts';
import { A, B, C, D, E, REPORT_CALLS, seed, W0, W1, W2 } from './seed.ts';
import { dropTestDatabase } from '../support/drop-database.ts';

// The investigator API end to end on each ClickHouse engine: hand-made rows (test/api/seed.ts, with
// re-delivered duplicates) in the processors' tables, requests through fastify's inject, answers
// and audit rows checked against figures worked out by hand.

const sha256 = (k: string): string => createHash('sha256').update(k, 'utf8').digest('hex');
const KEYS = { investigator: 'inv-key-0123456789', platform: 'pbx-key-0123456789' };
const AUTH = { authorization: `Bearer ${KEYS.investigator}` };
const NOW = Date.parse('2026-01-05T09:00:00Z');

// The app's clock is pinned (NOW), so its rate limiter never refills: no answer depends on how
// fast the suite runs. The shared app therefore gets a burst no suite reaches; the 429 test builds
// an app with its own small limit on the same pinned clock.
function apiConfig(engine: (typeof ENGINES)[number], overrides: Record<string, Record<string, unknown>> = {}): Config {
  return testConfig(uniqueTag(`api_${engine}`), engine, {
    api: { rateLimitBurst: 1_000_000, rateLimitPerSecond: 20 },
    auth: {
      apiKeys: [
        { name: 'investigator-1', sha256: sha256(KEYS.investigator), scopes: ['investigate'] },
        { name: 'pbx1', sha256: sha256(KEYS.platform), scopes: ['ingest:pbx1'] },
      ],
    },
    ...overrides,
  });
}

interface ErrorJson {
  error: { code: string; message: string; details?: { field?: string; reason?: string } };
}
const errorOf = (res: LightMyRequestResponse): ErrorJson['error'] => res.json<ErrorJson>().error;

describe.each(ENGINES)('investigator API on %s', (engine) => {
  const config = apiConfig(engine);
  let writer: Clickhouse;
  let reader: Clickhouse;
  let app: FastifyInstance;
  const get = (url: string, headers: Record<string, string> = AUTH) => app.inject({ method: 'GET', url, headers });

  async function auditRow(res: LightMyRequestResponse): Promise<AuditRow | undefined> {
    const id = String(res.headers['x-request-id']);
    const rows = await writer.query<AuditRow>(sql`SELECT toString(at) AS at, request_id, key_name, method, route, params, status, result_count, format
FROM ${ident(writer.database)}.audit_log WHERE request_id = ${id}`);
    return rows[0];
  }

  beforeAll(async () => {
    writer = await Clickhouse.connect(config.clickhouse, 'writer');
    await migrate(writer);
    await seed(writer);
    // chdb has no users: one connection serves both roles, as api/main.ts does.
    reader = engine === 'server' ? await Clickhouse.connect(config.clickhouse, 'reader') : writer;
    app = buildApiApp({ config, reader, writer, clock: () => NOW });
  });

  afterAll(async () => {
    await app.close();
    await dropTestDatabase(writer, writer.database);
    if (reader !== writer) await reader.close();
    await writer.close();
  });

  it('answers 401 without a known key and 403 without the investigate scope (audited)', async () => {
    const none = await get(`/v1/numbers/${encodeURIComponent(A)}`, {});
    expect(none.statusCode).toBe(401);
    expect(errorOf(none).code).toBe('CW_ERR_API_UNAUTHORIZED');
    const unknown = await get(`/v1/numbers/${encodeURIComponent(A)}`, { authorization: 'Bearer not-a-key' });
    expect(unknown.statusCode).toBe(401);
    const platform = await get(`/v1/numbers/${encodeURIComponent(A)}`, { 'x-api-key': KEYS.platform });
    expect(platform.statusCode).toBe(403);
    expect(errorOf(platform).code).toBe('CW_ERR_API_FORBIDDEN');
    expect(platform.body).not.toContain('reports');
    expect(await auditRow(platform)).toMatchObject({ key_name: 'pbx1', status: 403, result_count: 0, route: '/v1/numbers/:number' });
    const viaHeader = await get(`/v1/numbers/${encodeURIComponent(A)}`, { 'x-api-key': KEYS.investigator });
    expect(viaHeader.statusCode).toBe(200);
  });

  it('checks the key first on paths the router refuses (bad %-encoding 400, over-long 414), answers in its own format with a request id, and audits them', async () => {
    const badUrl = '/v1/numbers/07700%E0%A4%A';
    const anonymous = await get(badUrl, {});
    expect([anonymous.statusCode, errorOf(anonymous).code]).toEqual([401, 'CW_ERR_API_UNAUTHORIZED']);
    expect(await auditRow(anonymous)).toBeUndefined();
    const platform = await get(badUrl, { 'x-api-key': KEYS.platform });
    expect([platform.statusCode, errorOf(platform).code]).toEqual([403, 'CW_ERR_API_FORBIDDEN']);
    expect(await auditRow(platform)).toMatchObject({ key_name: 'pbx1', status: 403, route: '(unrouted)' });

    const bad = await get(badUrl);
    expect([bad.statusCode, errorOf(bad).code]).toEqual([400, 'CW_ERR_API_BAD_URL']);
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(bad.body).not.toContain('07700');
    expect(await auditRow(bad)).toMatchObject({ key_name: 'investigator-1', method: 'GET', route: '(unrouted)', params: JSON.stringify({ path: badUrl, query: {} }), status: 400, result_count: 0 });

    const long = await get(`/v1/numbers/${'7'.repeat(1_200)}`);
    expect([long.statusCode, errorOf(long).code]).toEqual([414, 'CW_ERR_API_URI_TOO_LONG']);
    expect(long.body).not.toContain('7777');
    expect(await auditRow(long)).toMatchObject({ key_name: 'investigator-1', status: 414, route: '(unrouted)' });
  });

  it("gives a number's profile from deduplicated records, whatever the number's format", async () => {
    const variants = ['+447700900123', '07700 900123', '+44 7700 900123', '447700900123', '0044 7700 900123', '07700-900-123'];
    const bodies = await Promise.all(variants.map((v) => get(`/v1/numbers/${encodeURIComponent(v)}`)));
    for (const res of bodies) expect(res.statusCode).toBe(200);
    const profile = bodies[0]?.json<Record<string, unknown>>();
    for (const res of bodies) expect(res.json()).toEqual(profile);
    expect(profile).toEqual({
      number: A,
      range: { from: null, to: null },
      first_seen: '2016-03-07T12:00:00Z',
      last_seen: '2016-03-20T12:00:00Z',
      reports: { reports: 6, reporters: 4, reported_calls: 7, channels: 2, first_seen: '2016-03-07T12:00:00Z', last_seen: '2016-03-20T12:00:00Z' },
      cdrs: { calls: 4, callees: 3, answered_calls: 1, answered_share: 0.25, first_seen: '2016-03-14T10:00:00Z', last_seen: '2016-03-16T10:00:00Z' },
      weeks: [
        { week: W1, reports: 2, reporters: 2, reported_calls: 3, cdr_calls: 0, callees: 0, answered_share: null, short_share: null, busiest_hour: null, spike: null },
        // 3 of 4 calls unanswered (billable 0 s < 6 s); two calls on Monday 10:00 → hour 10.
        { week: W2, reports: 4, reporters: 3, reported_calls: 4, cdr_calls: 4, callees: 3, answered_share: 0.25, short_share: 0.75, busiest_hour: 10, spike: 'SPIKE' },
      ],
      // Monday, Tuesday and Wednesday of W2 at 10:00 local: hours 10 (twice), 34 and 58.
      calls_by_hour_of_week: Array.from({ length: 168 }, (_, h) => ({ 10: 2, 34: 1, 58: 1 })[h] ?? 0),
      call_types: [
        { value: 'RECORDED_MESSAGE', reports: 4, reported_calls: 5 },
        { value: 'LIVE_CALL', reports: 1, reported_calls: 1 },
        { value: 'SILENT', reports: 1, reported_calls: 1 },
      ],
      subjects: [
        { value: 'ENERGY', reports: 5, reported_calls: 6 },
        { value: 'DEBT', reports: 1, reported_calls: 1 },
      ],
      channels: [
        { value: 'HELPLINE', reports: 5, reported_calls: 5 },
        { value: 'WEB', reports: 1, reported_calls: 2 },
      ],
      spikes: [{ week: W2, kind: 'SPIKE', observed: 4, expected: 0.5, upper: 3, score: 8, evaluated_at: '2016-03-22T12:00:00Z' }],
    });
    // Reporters and callees only as counts: no pseudonym, reporter number or callee in the answer.
    const text = bodies[0]?.body ?? '';
    expect(text).not.toMatch(/pseudo|\+44163296|HYPERLINK|rang again/);
  });

  it('limits the profile to a range of weeks, and knows a number with no records', async () => {
    const res = await get(`/v1/numbers/${encodeURIComponent(A)}?from=${W2}&to=${W2}`);
    const p = res.json<{ reports: { reports: number; reporters: number }; weeks: { week: string }[]; first_seen: string }>();
    expect(p.reports).toMatchObject({ reports: 4, reporters: 3 });
    expect(p.weeks.map((w) => w.week)).toEqual([W2]);
    expect(p.first_seen).toBe('2016-03-14T10:00:00Z');
    const nothing = await get('/v1/numbers/%2B447700900000');
    expect(nothing.statusCode).toBe(200);
    expect(nothing.json()).toMatchObject({ number: '+447700900000', first_seen: null, last_seen: null, weeks: [], spikes: [], reports: { reports: 0, first_seen: null } });
    expect((await auditRow(nothing))?.result_count).toBe(0);
  });

  it('refuses withheld and invalid numbers and bad ranges with specific 400s', async () => {
    const cases: [string, string, string][] = [
      ['/v1/numbers/anonymous', 'CW_ERR_API_NUMBER_WITHHELD', 'number'],
      ['/v1/numbers/Withheld', 'CW_ERR_API_NUMBER_WITHHELD', 'number'],
      ['/v1/numbers/12', 'CW_ERR_API_NUMBER_INVALID', 'number'],
      [`/v1/numbers/${encodeURIComponent(A)}?from=${W2}&to=${W1}`, 'CW_ERR_API_BAD_REQUEST', 'from'],
      [`/v1/numbers/${encodeURIComponent(A)}?from=2016-03-15`, 'CW_ERR_API_BAD_REQUEST', 'from'],
      [`/v1/numbers/${encodeURIComponent(A)}?colour=red`, 'CW_ERR_API_BAD_REQUEST', 'colour'],
      [`/v1/numbers/${encodeURIComponent(A)}?from=${W1}&from=${W2}`, 'CW_ERR_API_BAD_REQUEST', 'from'],
    ];
    for (const [url, code, field] of cases) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(errorOf(res), url).toMatchObject({ code, details: { field } });
    }
  });

  it('ranks the top numbers of a week by each figure; buckets never appear', async () => {
    const order = async (by: string): Promise<string[]> => {
      const res = await get(`/v1/top-numbers?week=${W2}&by=${by}`);
      expect(res.statusCode).toBe(200);
      return res.json<{ items: { number: string }[] }>().items.map((i) => i.number);
    };
    expect(await order('reports')).toEqual([A, D, B, C]);
    expect(await order('reporters')).toEqual([A, D, B, C]);
    expect(await order('cdr_calls')).toEqual([A, E]);
    // B had 1 report in each week: growth 0, not listed.
    expect(await order('growth')).toEqual([A, D, C]);
    for (const [by, total] of [['reports', 4], ['reporters', 4], ['cdr_calls', 2], ['growth', 3]] as const) {
      expect((await get(`/v1/top-numbers?week=${W2}&by=${by}&limit=1`)).json<{ page: { total: number } }>().page.total, by).toBe(total);
    }
    const top = (await get(`/v1/top-numbers?week=${W2}`)).json<{ week: string; previous_week: string; by: string; items: unknown[] }>();
    expect(top).toMatchObject({ week: W2, previous_week: W1, by: 'reports' });
    expect(top.items[0]).toEqual({ rank: 1, number: A, reports: 4, reporters: 3, reported_calls: 4, previous_reports: 2, growth: 2, cdr_calls: 4, callees: 3, answered_share: 0.25 });
    // A reported number that made no call: its CDR figures are zero and no share.
    expect(top.items[1]).toMatchObject({ rank: 2, number: D, cdr_calls: 0, callees: 0, answered_share: null });
    const empty = await get(`/v1/top-numbers?week=${W0}`);
    expect(empty.json()).toMatchObject({ items: [], page: { total: 0, next_offset: null } });
  });

  it('pages with limit and offset, bounded', async () => {
    const first = await get(`/v1/top-numbers?week=${W2}&limit=2`);
    expect(first.headers['x-total-count']).toBe('4');
    expect(first.json()).toMatchObject({ items: [{ rank: 1, number: A }, { rank: 2, number: D }], page: { limit: 2, offset: 0, total: 4, next_offset: 2 } });
    const second = await get(`/v1/top-numbers?week=${W2}&limit=2&offset=2`);
    expect(second.json()).toMatchObject({ items: [{ rank: 3, number: B }, { rank: 4, number: C }], page: { next_offset: null } });
    const beyond = await get(`/v1/top-numbers?week=${W2}&limit=2&offset=4`);
    expect(beyond.json()).toMatchObject({ items: [], page: { total: 4, next_offset: null } });
    for (const q of ['limit=0', 'limit=1001', 'limit=-1', 'limit=2.5', 'offset=100001', 'offset=-1', 'by=score']) {
      const res = await get(`/v1/top-numbers?week=${W2}&${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(errorOf(res).details?.field, q).toBe(q.split('=')[0]);
    }
  });

  it('lists numbers first reported in a week', async () => {
    const w2 = (await get(`/v1/new-numbers?week=${W2}`)).json<{ items: { number: string }[] }>();
    expect(w2.items).toEqual([
      { number: D, reports: 1, reporters: 1, reported_calls: 1 },
      { number: C, reports: 1, reporters: 1, reported_calls: 1 },
    ]);
    const w1 = (await get(`/v1/new-numbers?week=${W1}`)).json<{ items: { number: string }[] }>();
    expect(w1.items.map((i) => i.number)).toEqual([A, B]);
  });

  it('finds numbers by prefix, from reports and CDRs, in any prefix notation', async () => {
    const expected = [
      { number: A, reports: 6, reporters: 4, reported_calls: 7, cdr_calls: 4, first_seen: '2016-03-07T12:00:00Z', last_seen: '2016-03-20T12:00:00Z' },
      { number: B, reports: 2, reporters: 1, reported_calls: 2, cdr_calls: 0, first_seen: '2016-03-10T12:00:00Z', last_seen: '2016-03-17T12:00:00Z' },
      { number: E, reports: 0, reporters: 0, reported_calls: 0, cdr_calls: 2, first_seen: '2016-03-17T10:00:00Z', last_seen: '2016-03-18T10:00:00Z' },
      { number: C, reports: 1, reporters: 1, reported_calls: 1, cdr_calls: 0, first_seen: '2016-03-18T12:00:00Z', last_seen: '2016-03-18T12:00:00Z' },
    ];
    for (const prefix of ['%2B447700900', '07700900', '00447700900', '+447700900' /* unencoded: arrives as a space */]) {
      const res = await get(`/v1/numbers?prefix=${prefix}`);
      expect(res.statusCode, prefix).toBe(200);
      expect(res.json(), prefix).toMatchObject({ prefix: '+447700900', items: expected, page: { total: 4 } });
    }
    const w1 = (await get(`/v1/numbers?prefix=%2B447700900&from=${W1}&to=${W1}`)).json<{ items: { number: string; reports: number }[] }>();
    expect(w1.items.map((i) => [i.number, i.reports])).toEqual([[A, 2], [B, 1]]);
    const london = (await get('/v1/numbers?prefix=%2B4420')).json<{ items: { number: string }[] }>();
    expect(london.items.map((i) => i.number)).toEqual([D]);
    const short = await get('/v1/numbers?prefix=%2B44');
    expect(errorOf(short)).toMatchObject({ code: 'CW_ERR_API_BAD_REQUEST', details: { field: 'prefix', reason: 'too_short' } });
    expect((await get('/v1/numbers')).statusCode).toBe(400);
  });

  it('lists live spike verdicts (retracted ones hidden), filtered and paged', async () => {
    const all = (await get('/v1/spikes')).json<{ items: { scope: string; key: string; kind: string }[]; page: { total: number } }>();
    expect(all.items.map((s) => [s.scope, s.key, s.kind])).toEqual([
      ['channel', 'WEB', 'LEVEL_SHIFT'],
      ['number', A, 'SPIKE'],
    ]);
    const numbers = (await get('/v1/spikes?scope=number')).json<{ items: { key: string }[] }>();
    expect(numbers.items.map((s) => s.key)).toEqual([A]);
    const shifts = (await get(`/v1/spikes?kind=LEVEL_SHIFT&from=${W2}&to=${W2}`)).json<{ items: { key: string }[] }>();
    expect(shifts.items.map((s) => s.key)).toEqual(['WEB']);
    expect((await get(`/v1/spikes?to=${W1}`)).json<{ items: unknown[] }>().items).toEqual([]);
    expect((await get('/v1/spikes?scope=planet')).statusCode).toBe(400);
  });

  it('exports CSV on Accept: text/csv or ?format=csv, safe for spreadsheets', async () => {
    const byAccept = await get(`/v1/top-numbers?week=${W2}`, { ...AUTH, accept: 'text/csv' });
    const byParam = await get(`/v1/top-numbers?week=${W2}&format=csv`);
    for (const res of [byAccept, byParam]) {
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe('attachment; filename="topNumbers.csv"');
      expect(res.headers['x-total-count']).toBe('4');
    }
    expect(byAccept.body).toBe(byParam.body);
    const rows = parseCsv<Record<string, string>>(byAccept.body, { columns: true });
    expect(Object.keys(rows[0] ?? {})).toEqual(['rank', 'number', 'reports', 'reporters', 'reported_calls', 'previous_reports', 'growth', 'cdr_calls', 'callees', 'answered_share']);
    expect(rows.map((r) => r.number)).toEqual([A, D, B, C].map((n) => `'${n}`));
    expect(rows[0]).toMatchObject({ rank: '1', reports: '4', answered_share: '0.25' });
    expect(rows[1]?.answered_share).toBe('');
    const profile = await get(`/v1/numbers/${encodeURIComponent(A)}?format=csv`);
    expect(profile.body.split('\r\n')).toEqual([
      'number,week,reports,reporters,reported_calls,cdr_calls,callees,answered_share,short_share,busiest_hour,spike',
      `'${A},${W1},2,2,3,0,0,,,,`,
      `'${A},${W2},4,3,4,4,3,0.25,0.75,10,SPIKE`,
      '',
    ]);
    expect((await auditRow(profile))?.format).toBe('csv');
    const xml = await get(`/v1/spikes`, { ...AUTH, accept: 'application/xml' });
    expect(xml.statusCode).toBe(406);
    expect(errorOf(xml).code).toBe('CW_ERR_API_NOT_ACCEPTABLE');
  });

  it('writes every look-up to the audit log: key name, route, parameters, time, result count', async () => {
    const res = await get(`/v1/top-numbers?week=${W2}&by=growth&limit=2`);
    expect(await auditRow(res)).toEqual({
      at: '2026-01-05 09:00:00',
      request_id: res.headers['x-request-id'],
      key_name: 'investigator-1',
      method: 'GET',
      route: '/v1/top-numbers',
      params: JSON.stringify({ path: {}, query: { week: W2, by: 'growth', limit: '2' } }),
      status: 200,
      result_count: 2,
      format: 'json',
    });
    const profile = await get('/v1/numbers/07700%20900123');
    expect(await auditRow(profile)).toMatchObject({ route: '/v1/numbers/:number', params: JSON.stringify({ path: { number: '07700 900123' }, query: {} }), result_count: 2 });
    // Unauthenticated requests name no key holder: counted in metrics, not audited.
    const anonymous = await get('/v1/spikes', {});
    expect(await auditRow(anonymous)).toBeUndefined();
  });

  it('does not answer a look-up it cannot audit', async () => {
    // A writer whose database has no audit_log: the insert fails.
    const broken = await Clickhouse.connect({ ...config.clickhouse, database: `${config.clickhouse.database}_missing` }, 'writer');
    const other = buildApiApp({ config, reader, writer: broken });
    try {
      const res = await other.inject({ method: 'GET', url: `/v1/numbers/${encodeURIComponent(A)}`, headers: AUTH });
      expect(res.statusCode).toBe(503);
      expect(errorOf(res).code).toBe('CW_ERR_API_AUDIT_FAILED');
      expect(res.headers['retry-after']).toBe(String(config.api.retryAfterSeconds));
      expect(res.body).not.toContain(A);
    } finally {
      await other.close();
      if (broken !== writer) await broken.close();
    }
  });

  it('keeps injection attempts out of SQL: each is refused, tables intact, the attempt audited verbatim', async () => {
    // [route, parameter, payload, expected code]; a path parameter when the route has :number.
    const attempts: [string, string, string, string][] = [
      ['/v1/numbers/:number', 'number', "07700900123' OR '1'='1", 'CW_ERR_API_NUMBER_INVALID'],
      ['/v1/numbers/:number', 'number', "+447700900123'; DROP TABLE report_call_records; --", 'CW_ERR_API_NUMBER_INVALID'],
      ['/v1/numbers/:number', 'number', '+447700900123\\', 'CW_ERR_API_NUMBER_INVALID'],
      ['/v1/numbers/:number', 'number', '+447700900123 /* x */', 'CW_ERR_API_NUMBER_INVALID'],
      ['/v1/numbers/:number', 'number', "1' UNION ALL SELECT name FROM system.tables --", 'CW_ERR_API_NUMBER_INVALID'],
      ['/v1/numbers/:number', 'number', '＋４４７７００９００１２３', 'CW_ERR_API_NUMBER_INVALID'],
      ['/v1/numbers/:number', 'number', '+44770090012\u0000', 'CW_ERR_API_NUMBER_INVALID'],
      ['/v1/numbers/:number', 'number', '9'.repeat(900), 'CW_ERR_API_BAD_REQUEST'],
      ['/v1/numbers', 'prefix', "+44' OR 1=1 --", 'CW_ERR_API_BAD_REQUEST'],
      ['/v1/numbers', 'prefix', '+447700%', 'CW_ERR_API_BAD_REQUEST'],
      ['/v1/numbers', 'prefix', '+447700_', 'CW_ERR_API_BAD_REQUEST'],
      ['/v1/numbers', 'prefix', '4'.repeat(5000), 'CW_ERR_API_BAD_REQUEST'],
      ['/v1/top-numbers', 'week', `${W2}' UNION SELECT 1 --`, 'CW_ERR_API_BAD_REQUEST'],
      ['/v1/top-numbers', 'by', 'reports; DROP TABLE cdrs', 'CW_ERR_API_BAD_REQUEST'],
      ['/v1/top-numbers', 'limit', '1 UNION SELECT 1', 'CW_ERR_API_BAD_REQUEST'],
      ['/v1/spikes', 'kind', "SPIKE' OR kind != '", 'CW_ERR_API_BAD_REQUEST'],
      ['/v1/spikes', 'from', '2016-03-14\\', 'CW_ERR_API_BAD_REQUEST'],
      ['/v1/spikes', 'to', '2016-03-14\u2028', 'CW_ERR_API_BAD_REQUEST'],
    ];
    for (const [route, name, payload, code] of attempts) {
      const url = route.includes(':number')
        ? route.replace(':number', encodeURIComponent(payload))
        : `${route}?${route === '/v1/top-numbers' && name !== 'week' ? `week=${W2}&` : ''}${name}=${encodeURIComponent(payload)}`;
      const what = `${name}=${payload.slice(0, 60)}`;
      const res = await get(url);
      expect(res.statusCode, what).toBe(400);
      expect(errorOf(res).code, what).toBe(code);
      // The answer names the field, never echoes the payload.
      expect(res.body, what).not.toContain(payload.slice(0, 20));
      const row = await auditRow(res);
      expect(row, what).toMatchObject({ route, status: 400, result_count: 0, key_name: 'investigator-1' });
      const logged = JSON.parse(row?.params ?? '{}') as { path: Record<string, string>; query: Record<string, string> };
      expect((route.includes(':number') ? logged.path : logged.query)[name], what).toBe(payload);
    }
    const db = ident(writer.database);
    const counts = await writer.query<{ n: number }>(sql`SELECT uniqExact(report_id, call_index) AS n FROM ${db}.report_call_records`);
    expect(counts[0]?.n).toBe(new Set(REPORT_CALLS.map((r) => `${String(r.report_id)}/${String(r.call_index)}`)).size);
    const tables = await writer.query<{ name: string }>(sql`SELECT name FROM system.tables WHERE database = ${writer.database} ORDER BY name`);
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['audit_log', 'cdr_records', 'number_report_weeks', 'report_call_records', 'spike_verdicts', 'spikes']));
  });

  it(
    engine === 'server'
      ? 'the read-only ClickHouse user cannot INSERT into, ALTER, TRUNCATE or DROP the audit table, and no route changes it'
      : 'chdb has no users, so there is no read-only user to check here; no route changes the audit table',
    async () => {
      const db = writer.database;
      if (engine === 'server') {
        const readOnly = await Clickhouse.connect(config.clickhouse, 'reader');
        try {
          const statements = [
            `INSERT INTO ${db}.audit_log (key_name) VALUES ('forged')`,
            `ALTER TABLE ${db}.audit_log DELETE WHERE 1`,
            `ALTER TABLE ${db}.audit_log UPDATE key_name = 'x' WHERE 1`,
            `TRUNCATE TABLE ${db}.audit_log`,
            `DROP TABLE ${db}.audit_log`,
          ];
          for (const statement of statements) {
            const err = await readOnly.command(statement).then(() => undefined, (e: unknown) => e);
            expect(err, statement).toBeDefined();
            expect(String(err), statement).toMatch(/Code: 164|readonly/i);
          }
          await expect(readOnly.insert(`${db}.audit_log`, [{ key_name: 'forged' }])).rejects.toThrow(/164|readonly/i);
          // It can still read, which is all the API asks of it.
          expect((await readOnly.query<{ n: number }>(`SELECT count() AS n FROM ${db}.audit_log`))[0]?.n).toBeGreaterThan(0);
        } finally {
          await readOnly.close();
        }
      }
      const before = (await writer.query<{ n: number }>(`SELECT count() AS n FROM ${db}.audit_log`))[0]?.n;
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
        const res = await app.inject({ method, url: '/v1/spikes', headers: AUTH, payload: {} });
        expect(res.statusCode, method).toBe(404);
      }
      expect((await writer.query<{ n: number }>(`SELECT count() AS n FROM ${db}.audit_log`))[0]?.n).toBe(before);
      expect((await writer.query<{ n: number }>(`SELECT count() AS n FROM ${db}.audit_log WHERE key_name = 'forged'`))[0]?.n).toBe(0);
    },
  );

  it('serves the OpenAPI document, health, readiness and metrics without a key', async () => {
    const doc = (await app.inject({ url: '/openapi.json' })).json<{ openapi: string; paths: Record<string, { get: { parameters?: { name: string; in: string; required: boolean }[] } }> }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/numbers/{number}', '/v1/numbers', '/v1/top-numbers', '/v1/new-numbers', '/v1/spikes', '/healthz', '/readyz', '/metrics']));
    expect(doc.paths['/v1/numbers/{number}']?.get.parameters?.map((p) => [p.name, p.in, p.required])).toEqual([
      ['number', 'path', true],
      ['from', 'query', false],
      ['to', 'query', false],
      ['format', 'query', false],
    ]);
    expect(doc.paths['/v1/top-numbers']?.get.parameters?.find((p) => p.name === 'week')?.required).toBe(true);
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.json()).toEqual({ ready: true, clickhouse_reader: true, clickhouse_writer: true, closing: false });
    const metrics = await app.inject({ url: '/metrics' });
    expect(metrics.body).toMatch(/callwatch_api_lookups_total\{[^}]*route="\/v1\/top-numbers"/);
    expect(metrics.body).toMatch(/callwatch_api_audit_writes_total\{[^}]*result="ok"/);
    expect(metrics.body).not.toContain(A);
  });

  it('answers 429 with Retry-After past a key\'s rate', async () => {
    // Pinned clock: no token comes back between the requests, however slow the machine.
    const limited = buildApiApp({ config: { ...config, api: { ...config.api, rateLimitBurst: 2, rateLimitPerSecond: 0.01 } }, reader, writer, clock: () => NOW });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await limited.inject({ url: '/v1/spikes', headers: AUTH })).statusCode);
      expect(statuses).toEqual([200, 200, 429]);
      const res = await limited.inject({ url: '/v1/spikes', headers: AUTH });
      expect(errorOf(res).code).toBe('CW_ERR_API_RATE_LIMITED');
      // 1 token at 0.01/s: 100 s, exactly, since the clock does not move.
      expect(res.headers['retry-after']).toBe('100');
    } finally {
      await limited.close();
    }
  });
});
