import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { CallwatchError } from '../errors.ts';
import { errorBody, sendErrorReply, wireCode, type ErrorReplyPolicy } from './error-reply.ts';
import { registerHealthRoutes } from './health-routes.ts';

describe('registerHealthRoutes', () => {
  async function readyz(checks: Record<string, boolean>, closing: boolean): Promise<{ status: number; body: unknown }> {
    const app = Fastify();
    registerHealthRoutes(app, { checks: () => Promise.resolve(checks), closing: () => closing });
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    await app.close();
    return { status: res.statusCode, body: res.json() };
  }

  it('is ready only when every check passes and no shutdown began, naming each check', async () => {
    expect(await readyz({ kafka: true, registry: true }, false)).toEqual({ status: 200, body: { ready: true, kafka: true, registry: true, closing: false } });
    expect(await readyz({ kafka: true, registry: false }, false)).toEqual({ status: 503, body: { ready: false, kafka: true, registry: false, closing: false } });
    expect(await readyz({ kafka: true }, true)).toEqual({ status: 503, body: { ready: false, kafka: true, closing: true } });
  });
});

describe('error replies', () => {
  const policy: ErrorReplyPolicy = {
    safeDetails: new Set(['field']),
    hideServerErrorText: true,
    published: { CW_ERR_BAD_REQUEST: { code: 'CW_ERR_X_BAD_REQUEST', message: 'invalid request parameter' }, CW_ERR_INTERNAL: { code: 'CW_ERR_X_INTERNAL' } },
  };

  it('echoes only safe details and hides 5xx text when the policy says so', () => {
    const bad = new CallwatchError('CW_ERR_BAD_REQUEST', 'week: not a date', { field: 'week', value: 'secret' });
    expect(errorBody(bad, policy)).toEqual({ error: { code: 'CW_ERR_X_BAD_REQUEST', message: 'invalid request parameter: week: not a date', details: { field: 'week' } } });
    const failed = new CallwatchError('CW_ERR_INTERNAL', 'SELECT ... +447700900123');
    expect(errorBody(failed, policy).error).toEqual({ code: 'CW_ERR_X_INTERNAL', message: 'failed unexpectedly' });
    expect(errorBody(failed, { ...policy, hideServerErrorText: false }).error.message).toBe('failed unexpectedly: SELECT ... +447700900123');
  });

  it('sends a failure the policy does not rename under its own code and text', () => {
    const e = new CallwatchError('CW_ERR_WEEK_INVALID', '2026-W54');
    expect(errorBody(e, policy)).toEqual({ error: { code: 'CW_ERR_WEEK_INVALID', message: 'not a week: 2026-W54' } });
    expect(wireCode('CW_ERR_BAD_REQUEST', policy)).toBe('CW_ERR_X_BAD_REQUEST');
    expect(wireCode('CW_ERR_WEEK_INVALID', policy)).toBe('CW_ERR_WEEK_INVALID');
  });

  it('sends Retry-After on 429/503 (the error own seconds, else the default, at least 1)', async () => {
    const app = Fastify();
    app.get('/limited', (_request, reply) => sendErrorReply(reply, new CallwatchError('CW_ERR_RATE_LIMITED', 'k', { retryAfterSeconds: 0.2 }), 5, policy));
    app.get('/overloaded', (_request, reply) => sendErrorReply(reply, new CallwatchError('CW_ERR_INGEST_OVERLOADED'), 5, policy));
    app.get('/bad', (_request, reply) => sendErrorReply(reply, new CallwatchError('CW_ERR_BAD_REQUEST'), 5, policy));
    const limited = await app.inject({ url: '/limited' });
    const overloaded = await app.inject({ url: '/overloaded' });
    const bad = await app.inject({ url: '/bad' });
    await app.close();
    expect([limited.statusCode, limited.headers['retry-after']]).toEqual([429, '1']);
    expect([overloaded.statusCode, overloaded.headers['retry-after']]).toEqual([503, '5']);
    expect([bad.statusCode, bad.headers['retry-after'], bad.headers['content-type']]).toEqual([400, undefined, 'application/json; charset=utf-8']);
  });
});
