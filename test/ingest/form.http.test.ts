// The report form over plain HTTP (app.inject) on the real stack: what a browser-less client, a
// double click or a reload does to it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { consumeDecoded, startHarness, type Harness } from './harness.ts';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness('formhttp', { formRateLimitBurst: 20, formRateLimitPerMinute: 60 });
});

afterAll(async () => {
  await harness.close();
});

function post(fields: Record<string, string>): Promise<LightMyRequestResponse> {
  return harness.app.inject({ method: 'POST', url: '/report', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });
}

const reference = (html: string): string | undefined => /id="report-reference">([^<]+)</.exec(html)?.[1];

describe('report form over HTTP', () => {
  it('serves the form as uncached, script-free HTML with a fresh token each time', async () => {
    const a = await harness.app.inject({ method: 'GET', url: '/report' });
    const b = await harness.app.inject({ method: 'GET', url: '/report' });
    expect(a.statusCode).toBe(200);
    expect(a.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(a.headers['cache-control']).toBe('no-store');
    expect(a.headers['content-security-policy']).toContain("default-src 'none'");
    const token = (html: string): string | undefined => /name="token" value="([^"]+)"/.exec(html)?.[1];
    expect(token(a.body)).toMatch(/^[0-9a-f-]{36}$/);
    expect(token(a.body)).not.toBe(token(b.body));
    expect(a.body).not.toContain('<script');
  });

  it('gives a page sent twice (double click, reload) one reference: one report_id, which the processors count once', async () => {
    const fields = {
      token: 'page-token-0001', 'call-count': '1', reporter: 'twice@example.org',
      'call-1-number': '020 7946 0999', 'call-1-date': '2026-02-02', 'call-1-time': '12:00', 'call-1-type': 'LIVE_CALL', action: 'submit',
    };
    const first = await post(fields);
    const second = await post(fields);
    expect([first.statusCode, second.statusCode]).toEqual([201, 201]);
    expect(reference(first.body)).toBeDefined();
    expect(reference(second.body)).toBe(reference(first.body));
    // The same token with different answers is a conflict: the page comes back with a new token.
    const changed = await post({ ...fields, 'call-1-number': '020 7946 0998' });
    expect(changed.statusCode).toBe(409);
    expect(changed.body).toContain('already sent with different answers');
    expect(changed.body).not.toContain('value="page-token-0001"');

    const records = await consumeDecoded(harness.config, harness.topics.reports, 'nuisanceReport', 2);
    const ids = records.map((r) => r.value.report_id).filter((id) => id === reference(first.body));
    // Both sends were delivered (each answer waited for Kafka) under the same report_id.
    expect(ids).toHaveLength(2);
  });

  it('adds and removes call blocks without sending anything, keeping what was typed', async () => {
    const added = await post({ 'call-count': '1', reporter: 'a@example.org', 'call-1-number': '07700 900777', action: 'add-call' });
    expect(added.statusCode).toBe(200);
    expect(added.body).toContain('id="call-2-number"');
    expect(added.body).toContain('value="07700 900777"');
    const removed = await post({ 'call-count': '2', 'call-1-number': 'first', 'call-2-number': 'second', action: 'remove-1' });
    expect(removed.body).not.toContain('id="call-2-number"');
    expect(removed.body).toMatch(/id="call-1-number"[^>]*value="second"|value="second"[^>]*id="call-1-number"/);
  });

  it('lists every problem at once: missing email, future time, unknown subject, over-long description', async () => {
    const res = await post({
      'call-count': '1', reporter: '', 'call-1-number': '07700 900123', 'call-1-date': '2099-01-01', 'call-1-time': '10:00',
      'call-1-subject': 'NOT_A_SUBJECT', 'call-1-description': 'x'.repeat(harness.config.ingest.maxDescriptionLength + 1), action: 'submit',
    });
    expect(res.statusCode).toBe(422);
    const links = [...res.body.matchAll(/<li><a href="#([^"]+)">/g)].map((m) => m[1]);
    expect(links).toEqual(['reporter', 'call-1-date', 'call-1-subject', 'call-1-description']);
    expect(res.body).toContain('must be in the past');
  });
});
