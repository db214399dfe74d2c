import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../core/auth/api-keys.ts';
import type { CdrRecord } from '../../core/records.ts';
import { cdrSample } from './cdr-samples.ts';
import { CGRATES_VOICE } from './cgrates-fixture.ts';
import { KAMAILIO_ANSWERED, KAMAILIO_BUSY, KAMAILIO_CANCELLED, OPENSIPS_CDR, OPENSIPS_MISSED } from './sip-acc-fixtures.ts';
import { CDR_CUSTOM_MAPPING } from './csv-mappings.ts';
import { XML_CDR, XML_CDR_UUID } from './freeswitch-xml-fixture.ts';
import { consumeDecoded, KEYS, startHarness, type Harness } from './harness.ts';
import { rawRequest } from './raw-http.ts';
import { switchUrlEncode } from './switch-url-encode.ts';

// Stock switches pointed at the collector, with exactly the requests their CDR modules make, using
// real CDRs from public deployments (../shared/cdr-samples, read in place, never copied): each
// comes out of Kafka, decoded through the registry, equal to the record worked out by hand.
const sample = cdrSample;

// A Russian PBX (Ulan-Ude, UTC+8): national numbers in RU, local times in Asia/Irkutsk.
const STADION_KEY = 'stadion-key-0005';
// An Asterisk writing cdr_custom's layout, configured with a CSV mapping on its key.
const KELY_KEY = 'kely-key-0006';
let h: Harness;
let port: number;
beforeAll(async () => {
  h = await startHarness('ingestplatforms', {}, undefined, [
    { name: 'stadion', sha256: sha256Hex(STADION_KEY), scopes: ['ingest:stadion'], defaultRegion: 'RU', timeZone: 'Asia/Irkutsk' },
    { name: 'kely', sha256: sha256Hex(KELY_KEY), scopes: ['ingest:kely'], csv: CDR_CUSTOM_MAPPING },
  ]);
  const address = await h.app.listen({ host: '127.0.0.1', port: 0 });
  port = Number(new URL(address).port);
});
afterAll(async () => h.close());

const basic = (user: string, key: string): string => `Basic ${Buffer.from(`${user}:${key}`).toString('base64')}`;

/** The request mod_json_cdr / mod_xml_cdr make through libcurl (cred set, auth-scheme basic). */
function freeswitchRequest(module: 'json' | 'xml', contentType: string, body: Buffer, uuid: string, key: string): string {
  return [
    `POST /v1/cdrs?uuid=${uuid} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    `Authorization: ${basic('freeswitch', key)}`,
    `User-Agent: freeswitch-${module}/1.0`,
    'Accept: */*',
    `Content-Type: ${contentType}`,
    `Content-Length: ${body.length}`,
    ...(body.length > 1024 ? ['Expect: 100-continue'] : []),
  ].join('\r\n');
}

const FS_BASE = { platform: 'pbx1', queue: null, queue_wait_ms: null, agent: null, channel: 'VOICE' } as const;
// cgrates engine/fscdr_test.go: internal call 1001 -> 1002 on an FS dev box (extensions: INVALID as E.164).
const FSCDR: Omit<CdrRecord, 'received_at'> = {
  ...FS_BASE, cdr_id: '3da8bf84-c133-4959-9e24-e72875cb33a1', setup_time: 1515666344534, answer_time: 1515666347954, end_time: 1515666415494,
  caller: 'INVALID', caller_raw: '1001', callee: 'INVALID', callee_raw: '1002', direction: 'UNKNOWN', disposition: 'ANSWERED',
  duration_ms: 70_960, billable_ms: 67_540, hangup_cause: 16,
};
const XML: Omit<CdrRecord, 'received_at'> = {
  ...FS_BASE, cdr_id: XML_CDR_UUID, setup_time: 1463475600534, answer_time: 1463475603954, end_time: 1463475671494,
  caller: '+447700900123', caller_raw: '+447700900123', callee: '+442079460000', callee_raw: '02079460000', direction: 'INBOUND', disposition: 'ANSWERED',
  duration_ms: 70_960, billable_ms: 67_540, hangup_cause: 16,
};

const ST = { platform: 'stadion', direction: 'UNKNOWN', queue: null, queue_wait_ms: null, agent: null, channel: 'VOICE', hangup_cause: null, callee: 'INVALID' } as const;
// mineevburyat/dj-asterisk-cdr Master.csv (21 columns): times are Irkutsk wall clock (UTC+8).
const T = (local: string): number => Date.parse(`${local.replace(' ', 'T')}+08:00`);
const ASTERISK: Omit<CdrRecord, 'received_at'>[] = [
  { ...ST, cdr_id: '1706368044.0#0', setup_time: T('2024-01-27 15:07:24'), answer_time: T('2024-01-27 15:07:24'), end_time: T('2024-01-27 15:07:51'),
    caller: '+79245555937', caller_raw: '89245555937', callee_raw: '211474', disposition: 'ANSWERED', duration_ms: 27_000, billable_ms: 27_000 },
  // Two legs of one parallel Dial sharing uniqueid 1706369600.6; Asterisk wrote NO ANSWER with answer time and billsec.
  { ...ST, cdr_id: '1706369600.6#3', setup_time: T('2024-01-27 15:33:20'), answer_time: null, end_time: T('2024-01-27 15:34:20'),
    caller: '+79245555937', caller_raw: '89245555937', callee_raw: '211553', disposition: 'NO_ANSWER', duration_ms: 60_000, billable_ms: 0 },
  { ...ST, cdr_id: '1706369600.6#6', setup_time: T('2024-01-27 15:33:20'), answer_time: null, end_time: T('2024-01-27 15:33:50'),
    caller: '+79245555937', caller_raw: '89245555937', callee_raw: '211553', disposition: 'NO_ANSWER', duration_ms: 30_000, billable_ms: 0 },
  { ...ST, cdr_id: '1706372196.14#10', setup_time: T('2024-01-27 16:16:36'), answer_time: null, end_time: T('2024-01-27 16:16:51'),
    caller: '+79245555937', caller_raw: '89245555937', callee_raw: 'ch1', disposition: 'NO_ANSWER', duration_ms: 15_000, billable_ms: 0 },
  { ...ST, cdr_id: '1706407446.52#42', setup_time: T('2024-01-28 02:04:06'), answer_time: T('2024-01-28 02:04:12'), end_time: T('2024-01-28 02:04:12'),
    caller: '+79025348783', caller_raw: '89025348783', callee_raw: 'ch1', disposition: 'ANSWERED', duration_ms: 6_000, billable_ms: 0 },
  { ...ST, cdr_id: 'mainserverdss-1706443058.100#80', setup_time: T('2024-01-28 11:57:38'), answer_time: null, end_time: T('2024-01-28 11:57:38'),
    caller: '+79021675872', caller_raw: '89021675872', callee_raw: '211553', disposition: 'BUSY', duration_ms: 0, billable_ms: 0 },
  // Lines 41-42: raw 0xA5 bytes in clid (not UTF-8); 810 is Russia's international prefix.
  { ...ST, cdr_id: '1706415046.98#79', setup_time: T('2024-01-28 04:10:46'), answer_time: null, end_time: T('2024-01-28 04:10:52'),
    caller: '+79246516548', caller_raw: '81079246516548', callee_raw: '211553', disposition: 'NO_ANSWER', duration_ms: 5_000, billable_ms: 0 },
  { ...ST, cdr_id: '1706415046.98#82', setup_time: T('2024-01-28 04:10:46'), answer_time: T('2024-01-28 04:10:52'), end_time: T('2024-01-28 04:11:23'),
    caller: '+79246516548', caller_raw: '81079246516548', callee_raw: '211553', disposition: 'ANSWERED', duration_ms: 36_000, billable_ms: 30_000 },
];

describe('stock platforms posting their own CDRs', () => {
  it('FreeSWITCH mod_json_cdr in every encode mode, and mod_xml_cdr in every encode mode, with the key as Basic password', async () => {
    const key = KEYS.pbx[0];
    const json = sample('fs_cgrates_fscdr_test.json');
    const base64Body = sample('fs_cgrates_fscdr_test.base64form.txt');
    // The real base64 holds '+', sent raw (form-decoding would make it a space); '/' is covered by the unit test.
    expect(base64Body.toString().slice(4).includes('+')).toBe(true);
    const posts: [string, 'json' | 'xml', string, Buffer, string][] = [
      ['encode=false', 'json', 'application/json', json, FSCDR.cdr_id],
      ['encode=true', 'json', 'application/x-www-form-urlencoded', sample('fs_cgrates_fscdr_test.urlform.txt'), FSCDR.cdr_id],
      ['encode=base64', 'json', 'application/x-www-form-base64-encoded', base64Body, FSCDR.cdr_id],
      ['encode-values=true', 'json', 'application/json', sample('fs_cgrates_fscdr_test.encvalues.json'), FSCDR.cdr_id],
      ['xml encode=textxml', 'xml', 'text/xml', Buffer.from(XML_CDR), XML_CDR_UUID],
      ['xml encode=false', 'xml', 'application/x-www-form-plaintext', Buffer.from(`cdr=${XML_CDR}`), XML_CDR_UUID],
      ['xml encode=true', 'xml', 'application/x-www-form-urlencoded', Buffer.from(`cdr=${switchUrlEncode(XML_CDR)}`), XML_CDR_UUID],
      ['xml encode=base64', 'xml', 'application/x-www-form-base64-encoded', Buffer.from(`cdr=${Buffer.from(XML_CDR).toString('base64')}`), XML_CDR_UUID],
    ];
    for (const [mode, module, type, body, uuid] of posts) {
      const res = await rawRequest(port, freeswitchRequest(module, type, body, uuid, key), body);
      expect([mode, res.status], res.body).toEqual([mode, 200]); // mod_xml_cdr counts only 200 as delivered
      expect(JSON.parse(res.body)).toMatchObject({ accepted: 1, ids: [uuid], format: `freeswitch-${module}` });
      if (body.length > 1024) expect(res.interim).toEqual([100]);
    }
    // Without credentials curl (auth-scheme any) is challenged, and then sends them.
    const anon = await rawRequest(port, `POST /v1/cdrs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2`, '{}');
    expect([anon.status, anon.headers['www-authenticate']]).toEqual([401, 'Basic realm="callwatch", charset="UTF-8"']);
    const wrong = await rawRequest(port, freeswitchRequest('json', 'application/json', json, FSCDR.cdr_id, 'not-the-key'), json);
    expect(wrong.status).toBe(401);

    const out = await consumeDecoded(h.config, h.topics.cdrs, 'cdr', posts.length);
    const fs = out.filter((o) => o.key.startsWith('pbx1/'));
    expect(fs).toHaveLength(posts.length);
    for (const { key: k, value } of fs) {
      const { received_at: _r, ...rest } = value;
      const want = value.cdr_id === XML_CDR_UUID ? XML : FSCDR;
      expect(k).toBe(`pbx1/${want.cdr_id}`);
      expect(rest).toEqual(want);
    }
  });

  it('Asterisk Master.csv (21 columns): both legs of a parallel Dial, a Latin-1 display name, per-key region and time zone, and a re-sent leg keeps its id', async () => {
    const post = (body: Buffer) =>
      h.app.inject({ method: 'POST', url: '/v1/cdrs', headers: { authorization: `Bearer ${STADION_KEY}`, 'content-type': 'text/csv' }, payload: body });
    const first = await post(sample('ast_mineev_21col.csv'));
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ accepted: 6, rejected: 0, ids: ASTERISK.slice(0, 6).map((r) => r.cdr_id) });
    expect(first.json<{ warnings: { index: number; field: string; reason: string }[] }>().warnings.filter((w) => w.reason === 'answer_dropped').map((w) => w.index)).toEqual([1, 2]);
    // The second leg again, alone, later: the same id, so downstream counts it once.
    const again = await post(sample('ast_mineev_21col.leg2.csv'));
    expect(again.json()).toMatchObject({ accepted: 1, ids: ['1706369600.6#6'] });
    // Non-UTF-8 bytes cost nothing: every row stored, the field read as Latin-1 and flagged.
    const latin = await post(sample('ast_mineev_nonutf8.csv'));
    expect(latin.statusCode).toBe(200);
    expect(latin.json()).toMatchObject({ accepted: 2, rejected: 0 });
    expect(latin.json<{ warnings: { field: string; reason: string }[] }>().warnings.filter((w) => w.reason === 'charset_fallback').map((w) => w.field)).toEqual(['clid', 'clid']);

    // The topic also holds the FreeSWITCH test's 8 records.
    const out = (await consumeDecoded(h.config, h.topics.cdrs, 'cdr', 9 + 8)).filter((o) => o.key.startsWith('stadion/'));
    expect(out).toHaveLength(9);
    expect(out.filter((o) => o.value.cdr_id === '1706369600.6#6')).toHaveLength(2);
    const byId = new Map(out.map((o) => [o.value.cdr_id, o]));
    for (const want of ASTERISK) {
      const got = byId.get(want.cdr_id);
      expect(got?.key).toBe(`stadion/${want.cdr_id}`);
      const { received_at: _r, ...rest } = got?.value ?? ({} as CdrRecord);
      expect(rest, want.cdr_id).toEqual(want);
    }
  });

  it('refuses what it cannot read exactly: a cdr_custom layout and a FreeSWITCH mod_cdr_csv line are rejected row by row, never mis-read', async () => {
    const post = (body: Buffer) => h.app.inject({ method: 'POST', url: '/v1/cdrs', headers: { authorization: `Bearer ${STADION_KEY}`, 'content-type': 'text/csv' }, payload: body });
    const custom = await post(sample('ast_kely_cdr_custom.csv'));
    expect([custom.statusCode, custom.json<{ accepted: number }>().accepted]).toEqual([422, 0]);
    const fsCsv = await post(sample('fs_modcdrcsv_signalwire_doc.csv'));
    expect(fsCsv.json()).toMatchObject({ accepted: 0, rejections: [{ line: 1, reason: 'malformed_row' }, { line: 2, reason: 'malformed_row' }] });
  });

  it('another switch is configuration: the real cdr_custom lines, read with the key\'s CSV mapping, come out field for field', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/v1/cdrs', headers: { authorization: `Basic ${Buffer.from(`asterisk:${KELY_KEY}`).toString('base64')}`, 'content-type': 'text/csv' }, payload: sample('ast_kely_cdr_custom.csv') });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ format: 'csv-mapped', accepted: 2, ids: ['1690325492.2#2', '1690325531.5#4'] });
    const base = { platform: 'kely', direction: 'UNKNOWN', queue: null, queue_wait_ms: null, agent: null, channel: 'VOICE', hangup_cause: null, caller: 'INVALID', callee: 'INVALID' } as const;
    // Local times in the collector's default zone (UTC): this key sets none.
    const want: Omit<CdrRecord, 'received_at'>[] = [
      { ...base, cdr_id: '1690325492.2#2', setup_time: Date.UTC(2023, 6, 26, 1, 51, 32), answer_time: Date.UTC(2023, 6, 26, 1, 51, 50), end_time: Date.UTC(2023, 6, 26, 1, 52, 4),
        caller_raw: 'client1', callee_raw: '6789', disposition: 'ANSWERED', duration_ms: 31_000, billable_ms: 13_000 },
      { ...base, cdr_id: '1690325531.5#4', setup_time: Date.UTC(2023, 6, 26, 1, 52, 11), answer_time: null, end_time: Date.UTC(2023, 6, 26, 1, 52, 42),
        caller_raw: 'client2', callee_raw: '1234', disposition: 'NO_ANSWER', duration_ms: 30_000, billable_ms: 0 },
    ];
    // The topic also holds the earlier tests' 17 records.
    const out = (await consumeDecoded(h.config, h.topics.cdrs, 'cdr', 17 + 2)).filter((o) => o.key.startsWith('kely/'));
    expect(out.map((o) => o.key)).toEqual(want.map((w) => `kely/${w.cdr_id}`));
    expect(out.map(({ value: { received_at: _r, ...rest } }) => rest)).toEqual(want);
  });

  it('CGRateS *http_json_map: one CDR per POST as Go\'s HTTP client sends it, the key in a header field', async () => {
    const body = Buffer.from(JSON.stringify(CGRATES_VOICE));
    const head = [
      'POST /v1/cdrs HTTP/1.1', `Host: 127.0.0.1:${port}`, 'User-Agent: Go-http-client/1.1', `Content-Length: ${body.length}`,
      `Authorization: Bearer ${KEYS.pbx[0]}`, 'Content-Type: application/json', 'Accept-Encoding: gzip',
    ].join('\r\n');
    const res = await rawRequest(port, head, body);
    expect(res.status, res.body).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ format: 'cgrates', accepted: 1, ids: [CGRATES_VOICE.CGRID] });
    const want: Omit<CdrRecord, 'received_at'> = {
      ...FS_BASE, cdr_id: CGRATES_VOICE.CGRID, setup_time: Date.UTC(2013, 10, 7, 8, 42, 25), answer_time: Date.UTC(2013, 10, 7, 8, 42, 26), end_time: Date.UTC(2013, 10, 7, 8, 42, 36),
      caller: 'INVALID', caller_raw: '1001', callee: 'INVALID', callee_raw: '1002', direction: 'UNKNOWN', disposition: 'ANSWERED', duration_ms: 11_000, billable_ms: 10_000, hangup_cause: null,
    };
    // The topic also holds the earlier tests' 19 records.
    const out = (await consumeDecoded(h.config, h.topics.cdrs, 'cdr', 19 + 1)).filter((o) => o.value.cdr_id === CGRATES_VOICE.CGRID);
    expect(out.map((o) => o.key)).toEqual([`pbx1/${CGRATES_VOICE.CGRID}`]);
    expect(out.map(({ value: { received_at: _r, ...rest } }) => rest)).toEqual([want]);
  });

  it('Kamailio acc_json dialog CDRs from the mqueue, POSTed by http_client (libcurl, Basic after the challenge)', async () => {
    // http_connect("callwatch", "", "application/json", $mqv(...)): httpcon with kamailio:<key>@,
    // authmethod 3 (Basic|Digest), so curl first asks without credentials and answers the challenge.
    const request = (body: Buffer, authorization?: string): string => [
      'POST /v1/cdrs HTTP/1.1', `Host: 127.0.0.1:${port}`, ...(authorization ? [`Authorization: ${authorization}`] : []),
      'User-Agent: kamailio (5.7.4 (x86_64/linux))', 'Accept: */*', 'Content-Type: application/json', `Content-Length: ${body.length}`,
    ].join('\r\n');
    const ids: string[] = [];
    for (const cdr of [KAMAILIO_ANSWERED, KAMAILIO_BUSY, KAMAILIO_CANCELLED]) {
      const body = Buffer.from(cdr);
      const challenge = await rawRequest(port, request(body), body);
      expect([challenge.status, challenge.headers['www-authenticate']]).toEqual([401, 'Basic realm="callwatch", charset="UTF-8"']);
      const res = await rawRequest(port, request(body, basic('kamailio', KEYS.pbx[0])), body);
      expect(res.status, res.body).toBe(200);
      const answer = JSON.parse(res.body) as { format: string; accepted: number; ids: string[] };
      expect([answer.format, answer.accepted]).toEqual(['kamailio-acc', 1]);
      ids.push(...answer.ids);
    }
    const sip = { ...FS_BASE, direction: 'UNKNOWN' } as const;
    const want: Omit<CdrRecord, 'received_at'>[] = [
      { ...sip, cdr_id: '3848276298220188511@atlanta.example.com#9fxced76sl#314159', setup_time: 1606832400123, answer_time: 1606832402345, end_time: 1606832467890,
        caller: '+447700900123', caller_raw: '07700900123', callee: '+442079460000', callee_raw: '02079460000', disposition: 'ANSWERED', duration_ms: 67_767, billable_ms: 65_545, hangup_cause: null },
      { ...sip, cdr_id: 'a84b4c76e66710@pc33.atlanta.example.com#1928301774#as7d3e1f09', setup_time: 1606832500456, answer_time: null, end_time: 1606832500456,
        caller: '+447700900124', caller_raw: '07700900124', callee: '+442079460001', callee_raw: '02079460001', disposition: 'BUSY', duration_ms: 0, billable_ms: 0, hangup_cause: 17 },
      { ...sip, cdr_id: 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6@192.0.2.4#5b8a3c', setup_time: 1606832600001, answer_time: null, end_time: 1606832600001,
        caller: '+447700900125', caller_raw: '07700900125', callee: '+442079460002', callee_raw: '02079460002', disposition: 'CANCELLED', duration_ms: 0, billable_ms: 0, hangup_cause: null },
    ];
    expect(ids).toEqual(want.map((w) => w.cdr_id));
    // The topic also holds the earlier tests' 20 records.
    const out = (await consumeDecoded(h.config, h.topics.cdrs, 'cdr', 20 + 3)).filter((o) => ids.includes(o.value.cdr_id))
      .sort((a, b) => ids.indexOf(a.value.cdr_id) - ids.indexOf(b.value.cdr_id)); // one call per key: partitions interleave
    expect(out.map((o) => o.key)).toEqual(want.map((w) => `pbx1/${w.cdr_id}`));
    expect(out.map(({ value: { received_at: _r, ...rest } }) => rest)).toEqual(want);
  });

  it('OpenSIPS acc events (E_ACC_CDR, E_ACC_MISSED_EVENT) POSTed by rest_client from the event_route', async () => {
    // rest_append_hf("Authorization: Bearer <key>"); rest_post(url, $json(cdr), "application/json", ...): libcurl, no User-Agent.
    const request = (body: Buffer): string => [
      'POST /v1/cdrs HTTP/1.1', `Host: 127.0.0.1:${port}`, 'Accept: */*', `Authorization: Bearer ${KEYS.pbx[0]}`,
      'Content-Type: application/json', `Content-Length: ${body.length}`,
    ].join('\r\n');
    const ids: string[] = [];
    for (const event of [OPENSIPS_CDR, OPENSIPS_MISSED]) {
      const body = Buffer.from(event);
      const res = await rawRequest(port, request(body), body);
      expect(res.status, res.body).toBe(200);
      const answer = JSON.parse(res.body) as { format: string; ids: string[] };
      expect(answer.format).toBe('opensips-acc');
      ids.push(...answer.ids);
    }
    const sip = { ...FS_BASE, direction: 'UNKNOWN' } as const;
    const want: Omit<CdrRecord, 'received_at'>[] = [
      { ...sip, cdr_id: '1-28457@192.0.2.10#8a7e3f2b#b1c2d3e4', setup_time: 1606832600000, answer_time: 1606832602000, end_time: 1606832667432,
        caller: '+447700900126', caller_raw: '07700900126', callee: '+442079460003', callee_raw: '02079460003', disposition: 'ANSWERED', duration_ms: 67_432, billable_ms: 65_432, hangup_cause: null },
      { ...sip, cdr_id: '2-28457@192.0.2.10#77cc01#ee9900', setup_time: 1606832700000, answer_time: null, end_time: 1606832730000,
        caller: '+447700900127', caller_raw: '07700900127', callee: '+442079460004', callee_raw: '02079460004', disposition: 'NO_ANSWER', duration_ms: 30_000, billable_ms: 0, hangup_cause: 18 },
    ];
    expect(ids).toEqual(want.map((w) => w.cdr_id));
    // The topic also holds the earlier tests' 23 records.
    const out = (await consumeDecoded(h.config, h.topics.cdrs, 'cdr', 23 + 2)).filter((o) => ids.includes(o.value.cdr_id))
      .sort((a, b) => ids.indexOf(a.value.cdr_id) - ids.indexOf(b.value.cdr_id)); // one call per key: partitions interleave
    expect(out.map((o) => o.key)).toEqual(want.map((w) => `pbx1/${w.cdr_id}`));
    expect(out.map(({ value: { received_at: _r, ...rest } }) => rest)).toEqual(want);
  });
});
