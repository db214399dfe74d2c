import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { auth, consumeDecoded, startHarness, type Harness } from './harness.ts';

// Bad input of every kind gets its specific error; good records in the same batch are kept, and
// atomic mode keeps none. Limits are small here so they are cheap to hit.
let h: Harness;
beforeAll(async () => {
  h = await startHarness('ingestbad', {
    maxBodyBytes: 64 * 1024, maxDecompressedBytes: 256 * 1024, maxRecordsPerRequest: 50, maxTextLength: 64, rateLimitPerSecond: 1000, rateLimitBurst: 1000,
    requestTimeoutMs: 1_000, formRateLimitBurst: 50, formRateLimitPerMinute: 600,
  });
});
afterAll(async () => h.close());

const T0 = Date.UTC(2016, 4, 17, 9);
const KEYS_PBX = 'pbx-key-0001';
const cdr = (id: string, extra: Record<string, unknown> = {}) => ({ cdr_id: id, setup_time: T0, end_time: T0 + 10_000, caller: '07700900123', callee: '02079460000', disposition: 'NO_ANSWER', ...extra });
const post = (payload: string | Buffer, headers: Record<string, string> = {}, url = '/v1/cdrs') =>
  h.app.inject({ method: 'POST', url, headers: { ...auth('pbx'), 'content-type': 'application/json', ...headers }, payload });
const code = (res: { json: () => unknown }): string | undefined => (res.json() as { error?: { code?: string } }).error?.code;

describe('request-level errors', () => {
  it('401 without or with a wrong key, 403 with the wrong scope', async () => {
    const none = await h.app.inject({ method: 'POST', url: '/v1/cdrs', headers: { 'content-type': 'application/json' }, payload: '[]' });
    expect([none.statusCode, code(none)]).toEqual([401, 'CW_ERR_INGEST_UNAUTHORIZED']);
    const wrong = await post('[]', { authorization: 'Bearer nope' });
    expect([wrong.statusCode, code(wrong)]).toEqual([401, 'CW_ERR_INGEST_UNAUTHORIZED']);
    const viaHeader = await h.app.inject({ method: 'POST', url: '/v1/cdrs', headers: { 'x-api-key': 'helpline-key-0002', 'content-type': 'application/json' }, payload: JSON.stringify([cdr('scope')]) });
    expect([viaHeader.statusCode, code(viaHeader)]).toEqual([403, 'CW_ERR_INGEST_FORBIDDEN']);
    const platform = await post(JSON.stringify([cdr('p')]), {}, '/v1/cdrs?platform=other');
    expect([platform.statusCode, code(platform)]).toEqual([403, 'CW_ERR_INGEST_FORBIDDEN']);
    const report = await h.app.inject({ method: 'POST', url: '/v1/reports', headers: { ...auth('investigator'), 'content-type': 'application/json' }, payload: '{}' });
    expect([report.statusCode, code(report)]).toEqual([403, 'CW_ERR_INGEST_FORBIDDEN']);
  });

  it('malformed JSON and CSV: 400 without echoing the body', async () => {
    const json = await post('[{"cdr_id": "secret-value", ');
    expect([json.statusCode, code(json)]).toEqual([400, 'CW_ERR_INGEST_MALFORMED_BODY']);
    expect(json.body).not.toContain('secret-value');
    const csv = await post('"a","b\n', { 'content-type': 'text/csv' });
    expect([csv.statusCode, code(csv)]).toEqual([400, 'CW_ERR_INGEST_MALFORMED_BODY']);
    const utf = await post(Buffer.from([0x5b, 0xff, 0x5d]));
    expect([utf.statusCode, code(utf)]).toEqual([400, 'CW_ERR_INGEST_MALFORMED_BODY']);
    const badGzip = await post(Buffer.from('not gzip'), { 'content-encoding': 'gzip' });
    expect([badGzip.statusCode, code(badGzip)]).toEqual([400, 'CW_ERR_INGEST_MALFORMED_BODY']);
  });

  it('wrong or missing content type and encoding: 415', async () => {
    const text = await post('call,me', { 'content-type': 'text/plain' });
    expect([text.statusCode, code(text)]).toEqual([415, 'CW_ERR_INGEST_UNSUPPORTED_MEDIA_TYPE']);
    const latin = await post('[]', { 'content-type': 'application/json; charset=iso-8859-1' });
    expect([latin.statusCode, code(latin)]).toEqual([415, 'CW_ERR_INGEST_UNSUPPORTED_MEDIA_TYPE']);
    const br = await post('[]', { 'content-encoding': 'br' });
    expect([br.statusCode, code(br)]).toEqual([415, 'CW_ERR_INGEST_UNSUPPORTED_ENCODING']);
    const csvReport = await h.app.inject({ method: 'POST', url: '/v1/reports', headers: { ...auth('helpline'), 'content-type': 'text/csv' }, payload: 'a,b' });
    expect([csvReport.statusCode, code(csvReport)]).toEqual([415, 'CW_ERR_INGEST_UNSUPPORTED_MEDIA_TYPE']);
  });

  it('oversize body, gzip bomb and too many records: 413', async () => {
    const big = await post(JSON.stringify([cdr('big', { agent: 'x'.repeat(70 * 1024) })]));
    expect([big.statusCode, code(big)]).toEqual([413, 'CW_ERR_INGEST_BODY_TOO_LARGE']);
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const exploded = await post(bomb, { 'content-encoding': 'gzip' });
    expect([exploded.statusCode, code(exploded)]).toEqual([413, 'CW_ERR_INGEST_BODY_TOO_LARGE']);
    const many = await post(JSON.stringify(Array.from({ length: 51 }, (_, i) => cdr(`m${i}`))));
    expect([many.statusCode, code(many)]).toEqual([413, 'CW_ERR_INGEST_TOO_MANY_RECORDS']);
    const manyLines = await post(Array.from({ length: 51 }, (_, i) => JSON.stringify(cdr(`n${i}`))).join('\n'), { 'content-type': 'application/x-ndjson' });
    expect(manyLines.statusCode).toBe(413);
  });

  it('an empty batch is 400; unknown routes are 404', async () => {
    expect(code(await post('[]'))).toBe('CW_ERR_INGEST_EMPTY_BATCH');
    const nf = await h.app.inject({ method: 'GET', url: '/v1/nothing' });
    expect([nf.statusCode, code(nf)]).toEqual([404, 'CW_ERR_INGEST_NOT_FOUND']);
  });
});

describe('record-level rejections in one mixed batch', () => {
  it('keeps the good records, lists each bad one with index, field and reason; atomic keeps none', async () => {
    const batch = [
      cdr('good-1'),
      cdr('bad-type', { caller: 447700900123 }),
      cdr('bad-future', { end_time: Date.now() + 86_400_000 }),
      cdr('bad-long', { agent: 'x'.repeat(65) }),
      cdr('bad-control', { queue: 'line\u0007bell' }),
      cdr('good-emoji', { queue: 'Support 🎧', agent: 'Zoë' }),
      cdr('good-withheld', { caller: 'Private', callee: 'call me maybe' }),
      cdr('good-1', { caller: '07700900999' }),
      cdr('bad-platform', { platform: 'evil' }),
      'not an object',
    ];
    const atomic = await post(JSON.stringify(batch), {}, '/v1/cdrs?atomic=true');
    expect([atomic.statusCode, code(atomic)]).toEqual([422, 'CW_ERR_INGEST_REJECTED']);
    expect(atomic.json()).toMatchObject({ accepted: 0, ids: [] });

    const res = await post(JSON.stringify(batch));
    expect(res.statusCode).toBe(200);
    const body = res.json<{ accepted: number; ids: string[]; rejected: number; rejections: { index: number; field: string; reason: string }[]; warnings: { index: number; field: string; reason: string }[] }>();
    expect(body.ids).toEqual(['good-1', 'good-emoji', 'good-withheld']);
    expect(body.rejected).toBe(7);
    expect(body.rejections.map((r) => [r.index, r.field, r.reason])).toEqual([
      [1, 'caller', 'wrong_type'],
      [2, 'end_time', 'future_time'],
      [3, 'agent', 'too_long'],
      [4, 'queue', 'control_characters'],
      [7, 'cdr_id', 'duplicate_id'],
      [8, 'platform', 'platform_from_key'],
      [9, '(record)', 'not_an_object'],
    ]);
    expect(body.warnings.map((w) => [w.index, w.field, w.reason])).toEqual([[6, 'caller', 'number_withheld'], [6, 'callee', 'number_invalid']]);

    const allBad = await post(JSON.stringify([cdr('x', { disposition: 'MAYBE' })]));
    expect([allBad.statusCode, code(allBad)]).toEqual([422, 'CW_ERR_INGEST_REJECTED']);

    // Only the three good records of the non-atomic request reached Kafka: nothing from the atomic one.
    const out = await consumeDecoded(h.config, h.topics.cdrs, 'cdr', 3, 2_000);
    expect(out.map((o) => o.value.cdr_id).sort()).toEqual(['good-1', 'good-emoji', 'good-withheld']);
    const emoji = out.find((o) => o.value.cdr_id === 'good-emoji')?.value;
    expect([emoji?.queue, emoji?.agent]).toEqual(['Support 🎧', 'Zoë']);
    expect(out.find((o) => o.value.cdr_id === 'good-1')?.value.caller).toBe('+447700900123');
  });

  it('CSV rows that are wrong keep their line numbers and do not sink the others', async () => {
    const ok = '"","07700900123","02079460000","ctx","","","","Dial","","2016-05-17 09:00:00",,"2016-05-17 09:00:10",10,0,"BUSY","DOCUMENTATION","csv-ok",""';
    const res = await post(`${ok}\n"too","few"\n${ok.replace('csv-ok', 'csv-bad').replace('"BUSY"', '"ON HOLD"')}\n`, { 'content-type': 'text/csv' });
    expect(res.json()).toMatchObject({
      accepted: 1,
      ids: ['csv-ok#02296387cade'],
      rejections: [{ index: 1, line: 2, field: '(row)', reason: 'malformed_row' }, { index: 2, line: 3, field: 'disposition', reason: 'unknown_value' }],
    });
  });
});

describe('Kamailio and OpenSIPS acc records that are wrong', () => {
  type Rejections = { format: string; rejections: { field: string; reason: string }[] };
  const fields = (res: { json: () => unknown }) => (res.json() as Rejections).rejections.map((r) => `${r.field}:${r.reason}`);

  it('are refused with the reason, naming the proxy\'s own fields', async () => {
    // acc's DATETIME text where acc_json writes seconds, an unset Call-ID dlg_var, a reason phrase as the code.
    const kamailio = await post('{"start_time": "2020-12-01 14:20:00", "end_time": "1606832467.890", "duration": "67.767", "callid": "", "caller": "07700900123", "callee": "02079460000", "sip_code": "OK"}');
    expect([kamailio.statusCode, code(kamailio), kamailio.json<Rejections>().format]).toEqual([422, 'CW_ERR_INGEST_REJECTED', 'kamailio-acc']);
    expect(fields(kamailio)).toEqual(['callid:required', 'start_time:invalid_time', 'sip_code:unknown_value']);
    // A Call-ID longer than the collector keeps (64 here) and a BYE time before the INVITE.
    const long = await post(`{"start_time": "1606832400.123", "end_time": "1606832300.000", "duration": "0", "callid": "${'c'.repeat(70)}@example.org", "from_tag": "a", "caller": "07700900123", "callee": "02079460000", "sip_code": "200", "answer_time": "1606832401.000000"}`);
    expect(fields(long)).toEqual(['callid:too_long', 'end_time:time_order', 'answer_time:time_order']);
    // The acc table's DATETIME in created (a db export posted as it is) and a letter O in the code.
    const opensips = await post('{ "method": "INVITE", "from_tag": "8a7e3f2b", "to_tag": "b1c2d3e4", "callid": "1-28457@192.0.2.10", "sip_code": "2OO", "sip_reason": "OK", "time": 1606832602, "duration": 65, "ms_duration": 65432, "setuptime": 2, "created": "2020-12-01 14:20:00", "caller": "07700900126", "callee": "02079460003" }');
    expect([opensips.statusCode, opensips.json<Rejections>().format]).toEqual([422, 'opensips-acc']);
    expect(fields(opensips)).toEqual(['sip_code:unknown_value', 'created:wrong_type']);
    // Named formats take one object per POST, as the proxies send them.
    const batch = await post('[{"start_time": "1606832400.123"}]', {}, '/v1/cdrs?format=kamailio-acc');
    expect(fields(batch)).toEqual(['(record):not_an_object']);
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After past the key\'s burst', async () => {
    // One token a million seconds: none comes back between the requests, however slow the machine.
    const limited = await startHarness('ingestrate', { rateLimitPerSecond: 1e-6, rateLimitBurst: 2 });
    try {
      const go = () => limited.app.inject({ method: 'POST', url: '/v1/cdrs', headers: { ...auth('pbx'), 'content-type': 'application/json' }, payload: '[]' });
      const statuses = [(await go()).statusCode, (await go()).statusCode];
      const third = await go();
      expect(statuses).toEqual([400, 400]);
      expect([third.statusCode, code(third)]).toEqual([429, 'CW_ERR_INGEST_RATE_LIMITED']);
      expect(Number(third.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    } finally {
      await limited.close();
    }
  });
});

// The bad-input probe of issue 9 (items 9-16): one case each.
describe('defects found by the bad-input probe', () => {
  const call = (i: number) => ({
    [`call-${i}-number`]: '020 7946 0123', [`call-${i}-date`]: '2016-05-17', [`call-${i}-time`]: '09:00', [`call-${i}-type`]: 'SILENT',
  });
  const form = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    h.app.inject({ method: 'POST', url: '/report', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload: new URLSearchParams(fields).toString() });
  const report = (body: unknown, headers: Record<string, string> = {}) =>
    h.app.inject({ method: 'POST', url: '/v1/reports', headers: { ...auth('helpline'), 'content-type': 'application/json', ...headers }, payload: typeof body === 'string' ? body : JSON.stringify(body) });
  type Errors = { errors: { field: string; reason: string }[] };

  it('9: the public form refuses a report with more calls than allowed (422, like the API), never drops the extra ones', async () => {
    const fields: Record<string, string> = { token: 'form-too-many-0001', reporter: 'many@example.org', action: 'submit', 'call-count': '21' };
    for (let i = 1; i <= 21; i++) Object.assign(fields, call(i));
    const res = await form(fields);
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('Too many calls in one report');
    // A hand-made post that only fills a call block past the limit is refused the same way.
    const sneaky = await form({ token: 'form-too-many-0002', reporter: 'many@example.org', action: 'submit', 'call-count': '1', ...call(1), ...call(21) });
    expect(sneaky.statusCode).toBe(422);
    const api = await report({ reporter: 'many@example.org', calls: Array.from({ length: 21 }, () => ({ number: '020 7946 0123', call_time: T0 })) });
    expect([api.statusCode, api.json<Errors>().errors[0]]).toMatchObject([422, { field: 'calls', reason: 'too_many_calls' }]);
  });

  it('10: a lone surrogate in a report\'s call number is refused with field and reason, as in a CDR', async () => {
    const res = await report(`{"reporter":"s@example.org","calls":[{"number":"020 7946 \\ud800","call_time":${T0}}]}`);
    expect(res.statusCode).toBe(422);
    expect(res.json<Errors>().errors.map((e) => `${e.field}:${e.reason}`)).toEqual(['calls[0].number:invalid_unicode']);
    const cdrRes = await post(`[{"cdr_id":"sur","setup_time":${T0},"end_time":${T0 + 1000},"caller":"07700 \\ud800","callee":"02079460000","disposition":"FAILED"}]`);
    expect(cdrRes.json<{ rejections: { field: string; reason: string }[] }>().rejections.map((e) => `${e.field}:${e.reason}`)).toEqual(['caller:invalid_unicode']);
  });

  it('11: a retry with the same Idempotency-Key and the same content in another member order is the same report', async () => {
    const body = { reporter: 'order@example.org', calls: [{ number: '020 7946 0124', call_time: T0, call_type: 'SILENT' }] };
    const first = await report(body, { 'idempotency-key': 'reorder-1' });
    const reordered = await report('{"calls":[{"call_type":"SILENT","call_time":' + String(T0) + ',"number":"020 7946 0124"}],"reporter":"order@example.org"}', { 'idempotency-key': 'reorder-1' });
    expect([first.statusCode, reordered.statusCode]).toEqual([201, 201]);
    expect(reordered.json()).toEqual(first.json());
    const changed = await report({ ...body, reporter: 'other@example.org' }, { 'idempotency-key': 'reorder-1' });
    expect(changed.statusCode).toBe(409);
  });

  it('12: a record with an unknown field gets every one of its problems, not only unknown_field', async () => {
    const res = await post(JSON.stringify([cdr('u-1', { colour: 'red', end_time: Date.now() + 86_400_000, queue: 'q\u0007' }), cdr('u-2')]));
    expect(res.json<{ rejections: { index: number; field: string; reason: string }[] }>().rejections.map((r) => [r.index, r.field, r.reason])).toEqual([
      [0, 'colour', 'unknown_field'], [0, 'end_time', 'future_time'], [0, 'queue', 'control_characters'],
    ]);
    const rep = await report({ reporter: 'x@example.org', mood: 'angry', calls: [{ number: '020 7946 0123', call_time: T0, subject: 'GOSSIP' }] });
    expect(rep.json<Errors>().errors.map((e) => `${e.field}:${e.reason}`)).toEqual(['mood:unknown_field', 'calls[0].subject:unknown_subject']);
  });

  it('14: the public form refuses posts from another site (Origin, else Referer), and takes its own', async () => {
    const fields = { token: 'form-origin-0001', reporter: 'origin@example.org', action: 'submit', 'call-count': '1', ...call(1) };
    const evil = await form(fields, { host: 'collector.example', origin: 'https://evil.example' });
    expect(evil.statusCode).toBe(403);
    expect(evil.body).toContain('can only be sent from its own page');
    const evilReferer = await form(fields, { host: 'collector.example', referer: 'https://evil.example/page' });
    expect(evilReferer.statusCode).toBe(403);
    const sandboxed = await form(fields, { host: 'collector.example', origin: 'null' });
    expect(sandboxed.statusCode).toBe(403);
    const own = await form(fields, { host: 'collector.example', origin: 'http://collector.example' });
    expect(own.statusCode).toBe(201);
  });

  it('15: a body that stalls after the headers is cut off (408) instead of holding the connection', async () => {
    const address = await h.app.listen({ host: '127.0.0.1', port: 0 });
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(address).port), '127.0.0.1');
      let got = '';
      socket.on('connect', () => {
        socket.write(`POST /v1/cdrs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEYS_PBX}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[{"cdr_id":`);
      });
      socket.on('data', (d: Buffer) => (got += d.toString('latin1')));
      socket.on('close', () => resolve(got));
      socket.on('error', reject);
    });
    // In the collector's own error format (not fastify's), with a request id, and closed.
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    expect(head.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
    expect(head).toMatch(/\r\nX-Request-Id: [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\r\n/);
    expect(head).toContain('\r\nContent-Type: application/json; charset=utf-8\r\n');
    expect(head).toContain(`\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`);
    expect(JSON.parse(body)).toEqual({ error: { code: 'CW_ERR_INGEST_REQUEST_TIMEOUT', message: 'the request was not received in time' } });
  });

  it('16: invisible format characters are refused in ids and names, and kept verbatim in free text', async () => {
    const res = await post(JSON.stringify([cdr('call-\u202e321'), cdr('fc-ok', { agent: 'a\u200bb' }), cdr('fc-emoji', { agent: 'Dev 👩\u200d💻' })]));
    expect(res.json<{ ids: string[]; rejections: { index: number; field: string; reason: string }[] }>()).toMatchObject({
      ids: ['fc-emoji'],
      rejections: [{ index: 0, field: 'cdr_id', reason: 'format_characters' }, { index: 1, field: 'agent', reason: 'format_characters' }],
    });
    const description = 'He said \u202eevlos\u202c and \ufeffhung up\u200b';
    const rep = await report({ reporter: 'fmt@example.org', calls: [{ number: '020 7946 0125', call_time: T0, description, organisation: 'Acme\u200b' }] });
    expect(rep.statusCode).toBe(201);
    const id = rep.json<{ report_id: string }>().report_id;
    const stored = (await consumeDecoded(h.config, h.topics.reports, 'nuisanceReport', 1, 500)).find((r) => r.value.report_id === id);
    expect([stored?.value.calls[0]?.description, stored?.value.calls[0]?.organisation]).toEqual([description, 'Acme\u200b']);
  });
});
