import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pseudonymiser } from '../../core/pseudonym.ts';
import { auth, consumeDecoded, HMAC_KEY, startHarness, type Harness } from './harness.ts';

// Nuisance reports: pseudonymised at the edge (raw identity never in Kafka or the logs), and an
// Idempotency-Key retry gives the same report_id and the same answer.
let h: Harness;
beforeAll(async () => {
  h = await startHarness('ingestreports');
});
afterAll(async () => h.close());

const REPORTER = 'Jane.Reporter@example.org';
const REPORTER_NUMBER = '07700 900456';
const report = {
  reporter: REPORTER,
  reporter_number: REPORTER_NUMBER,
  calls: [
    { number: '020 7946 0123', call_time: '2016-05-17T09:00:00Z', call_type: 'RECORDED_MESSAGE', organisation: 'Acme Energy', subject: 'ENERGY', description: 'Robot voice about solar panels ☀️' },
    { number: 'Number withheld', call_time: '2016-05-17T09:30:00Z', call_type: 'SILENT' },
  ],
};
const post = (body: unknown, headers: Record<string, string> = {}, who: 'helpline' | 'agents' = 'helpline') =>
  h.app.inject({ method: 'POST', url: '/v1/reports', headers: { ...auth(who), 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) });

describe('POST /v1/reports', () => {
  it('delivers a pseudonymised report; a retry with the same Idempotency-Key gets the same id and answer', async () => {
    const first = await post(report, { 'idempotency-key': 'ticket-4711' });
    expect(first.statusCode).toBe(201);
    const retry = await post(report, { 'idempotency-key': 'ticket-4711' });
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toEqual(first.json());
    const answer = first.json<{ report_id: string; calls: number; warnings: { field: string; reason: string }[] }>();
    expect(answer.calls).toBe(2);
    expect(answer.warnings.map((w) => `${w.field}:${w.reason}`)).toEqual(['calls[1].number:number_withheld']);

    const conflict = await post({ ...report, calls: [report.calls[0]] }, { 'idempotency-key': 'ticket-4711' });
    expect([conflict.statusCode, (conflict.json<{ error: { code: string } }>()).error.code]).toEqual([409, 'CW_ERR_INGEST_IDEMPOTENCY_CONFLICT']);
    // Another principal's identical key is a different report.
    const other = await post({ ...report, channel: 'LIVE_CHAT' }, { 'idempotency-key': 'ticket-4711' }, 'agents');
    expect(other.statusCode).toBe(201);
    expect((other.json<{ report_id: string }>()).report_id).not.toBe(answer.report_id);
    const noKey = await post(report);
    expect((noKey.json<{ report_id: string }>()).report_id).not.toBe(answer.report_id);

    const out = await consumeDecoded(h.config, h.topics.reports, 'nuisanceReport', 4, 2_000);
    expect(out).toHaveLength(4);
    const mine = out.filter((o) => o.value.report_id === answer.report_id);
    expect(mine).toHaveLength(2);
    const p = new Pseudonymiser(HMAC_KEY);
    const rec = mine[0]?.value;
    expect(mine[0]?.key).toBe(answer.report_id);
    expect(rec).toMatchObject({
      channel: 'HELPLINE',
      reporter_id: p.pseudonym('reporter', REPORTER.toLowerCase()),
      reporter_number: p.pseudonym('reporter-number', '+447700900456'),
      calls: [
        { number: '+442079460123', number_raw: '020 7946 0123', call_time: Date.UTC(2016, 4, 17, 9), call_type: 'RECORDED_MESSAGE', organisation: 'Acme Energy', subject: 'ENERGY', description: 'Robot voice about solar panels ☀️' },
        { number: 'WITHHELD', number_raw: 'Number withheld', call_type: 'SILENT', organisation: null, subject: null, description: null },
      ],
    });
    expect(out.find((o) => o.value.report_id === (other.json<{ report_id: string }>()).report_id)?.value.channel).toBe('LIVE_CHAT');
    const everything = JSON.stringify(out);
    expect(everything).not.toMatch(/jane|reporter@|900456/i);
  });

  it('refuses bad reports field by field, and channels the key does not have', async () => {
    const bad = await post({ reporter: 'x', calls: [{ number: '020 7946 0123', call_time: 'yesterday', subject: 'GOSSIP' }] });
    expect(bad.statusCode).toBe(422);
    expect((bad.json<{ errors: { field: string; reason: string }[] }>()).errors.map((e) => `${e.field}:${e.reason}`)).toEqual(['calls[0].call_time:invalid_time', 'calls[0].subject:unknown_subject']);
    const channel = await post({ ...report, channel: 'LIVE_CHAT' });
    expect(channel.statusCode).toBe(403);
    const ambiguous = await post(report, {}, 'agents');
    expect(ambiguous.statusCode).toBe(400);
    const badKey = await post(report, { 'idempotency-key': 'has space' });
    expect(badKey.statusCode).toBe(400);
  });

  it('writes no personal data to the logs', () => {
    const text = h.logs.join('');
    expect(text).toContain('"route":"/v1/reports"');
    for (const secret of ['Jane', 'example.org', '900456', '7946 0123', '+442079460123', 'Robot voice', '127.0.0.1', 'helpline-key-0002']) {
      expect(text, secret).not.toContain(secret);
    }
  });
});

describe('start-up without an HMAC key', () => {
  it('refuses, naming the key', async () => {
    await expect(startHarness('ingestnokey', { hmacKey: undefined })).rejects.toThrow(/ingest\.hmacKey \(env CALLWATCH_INGEST__HMAC_KEY\): is required/);
  });
});
