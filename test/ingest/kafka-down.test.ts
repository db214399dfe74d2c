import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateBroker } from '../support/private-broker.ts';
import { auth, consumeDecoded, startHarness, type Harness } from './harness.ts';

// A broker of the test's own is stopped under the collector: requests get 503 with Retry-After
// within the ack bound, nothing is acknowledged that Kafka did not confirm, and once the broker is
// back ingest resumes and every acknowledged record is in the topic.
const ACK_TIMEOUT_MS = 3_000;
let broker: PrivateBroker;
let h: Harness;

beforeAll(async () => {
  broker = await PrivateBroker.start();
  h = await startHarness('ingestdown', { ackTimeoutMs: ACK_TIMEOUT_MS, retryAfterSeconds: 2 }, broker.brokers);
}, 120_000);

afterAll(async () => {
  await h.close();
  await broker.destroy();
});

const T0 = Date.UTC(2016, 4, 17, 9);
const batch = (prefix: string, n: number) =>
  JSON.stringify(Array.from({ length: n }, (_, i) => ({ cdr_id: `${prefix}-${i}`, setup_time: T0 + i, end_time: T0 + i + 1000, caller: '07700900123', callee: '02079460000', disposition: 'NO_ANSWER' })));
const post = (body: string) => h.app.inject({ method: 'POST', url: '/v1/cdrs', headers: { ...auth('pbx'), 'content-type': 'application/json' }, payload: body });

describe('Kafka stopped during ingest', () => {
  it('answers 503 + Retry-After while down, acknowledges only delivered records, resumes after restart', async () => {
    const acknowledged: string[] = [];
    const before = await post(batch('before', 5));
    expect(before.statusCode).toBe(200);
    acknowledged.push(...(before.json<{ ids: string[] }>()).ids);

    await broker.stop();
    const started = Date.now();
    const during = await post(batch('during', 5));
    const waited = Date.now() - started;
    expect(during.statusCode).toBe(503);
    expect((during.json<{ error: { code: string } }>()).error.code).toBe('CW_ERR_INGEST_UNAVAILABLE');
    expect(during.headers['retry-after']).toBe('2');
    // Bounded by the configured ack timeout (with slack for a loaded CI machine), not by librdkafka's 30 s.
    expect(waited).toBeLessThan(ACK_TIMEOUT_MS + 10_000);
    const ready = await h.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);

    await broker.start();
    let after = await post(batch('after', 5));
    for (let i = 0; i < 20 && after.statusCode === 503; i++) after = await post(batch('after', 5));
    expect(after.statusCode).toBe(200);
    acknowledged.push(...(after.json<{ ids: string[] }>()).ids);
    expect((await h.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);

    // Every acknowledged record is in the topic (the 503'd ones may be too: never acknowledged, so
    // the client retries them and the processors dedupe on platform + cdr_id).
    const out = await consumeDecoded(h.config, h.topics.cdrs, 'cdr', acknowledged.length, 3_000, 60_000);
    const inTopic = new Set(out.map((o) => o.value.cdr_id));
    for (const id of acknowledged) expect(inTopic, id).toContain(id);
    for (const id of inTopic) expect(id).toMatch(/^(before|during|after)-\d$/);
  });
});
