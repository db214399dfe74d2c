import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CdrRecord } from '../../core/records.ts';
import { auth, consumeDecoded, startHarness, type Harness } from './harness.ts';

// Each supported format posted through the real collector comes out of the topic, decoded through
// the registry, equal to the record worked out by hand.
let h: Harness;
beforeAll(async () => {
  h = await startHarness('ingestformats');
});
afterAll(async () => h.close());

const base = { platform: 'pbx1', direction: 'UNKNOWN', queue: null, queue_wait_ms: null, agent: null, channel: 'VOICE', hangup_cause: null } as const;

const expected: Record<string, Omit<CdrRecord, 'received_at'>> = {
  'json-1': {
    ...base, cdr_id: 'json-1', setup_time: Date.UTC(2016, 4, 17, 9), answer_time: Date.UTC(2016, 4, 17, 9, 0, 5), end_time: Date.UTC(2016, 4, 17, 9, 1, 5),
    caller: '+447700900123', caller_raw: '07700 900123', callee: '+442079460000', callee_raw: '020 7946 0000', disposition: 'ANSWERED', duration_ms: 65_000, billable_ms: 60_000,
    direction: 'INBOUND', queue: 'helpline', queue_wait_ms: 4_000, agent: 'agent-7', hangup_cause: 16,
  },
  'ndjson-1': {
    ...base, cdr_id: 'ndjson-1', setup_time: Date.UTC(2016, 4, 17, 9, 5), answer_time: null, end_time: Date.UTC(2016, 4, 17, 9, 5, 3),
    caller: 'WITHHELD', caller_raw: 'Anonymous', callee: '+442079460000', callee_raw: '+44 20 7946 0000', disposition: 'NO_ANSWER', duration_ms: 3_000, billable_ms: 0,
  },
  'gzip-1': {
    ...base, cdr_id: 'gzip-1', setup_time: Date.UTC(2016, 4, 17, 9, 6), answer_time: null, end_time: Date.UTC(2016, 4, 17, 9, 6, 1),
    caller: 'INVALID', caller_raw: '12', callee: '+442079460000', callee_raw: '02079460000', disposition: 'BUSY', duration_ms: 1_000, billable_ms: 0, channel: 'SMS',
  },
  // Asterisk ids: uniqueid + a digest of the columns in which the legs of one call differ.
  '1463475600.1#77b3eb7f5001': {
    ...base, cdr_id: '1463475600.1#77b3eb7f5001', setup_time: Date.UTC(2016, 4, 17, 9), answer_time: Date.UTC(2016, 4, 17, 9, 0, 5), end_time: Date.UTC(2016, 4, 17, 9, 1, 5),
    caller: '+447700900123', caller_raw: '07700900123', callee: '+442079460000', callee_raw: '02079460000', disposition: 'ANSWERED', duration_ms: 65_000, billable_ms: 60_000,
  },
  '1463475720.3#cb39a27a2c5d': {
    ...base, cdr_id: '1463475720.3#cb39a27a2c5d', setup_time: Date.UTC(2016, 4, 17, 9, 2), answer_time: null, end_time: Date.UTC(2016, 4, 17, 9, 2, 20),
    caller: 'WITHHELD', caller_raw: '"Anonymous" <anonymous>', callee: '+442079460000', callee_raw: '02079460000', disposition: 'NO_ANSWER', duration_ms: 20_000, billable_ms: 0,
  },
  '3da8bf84-c133-4959-9e24-e72875cb33a1': {
    ...base, cdr_id: '3da8bf84-c133-4959-9e24-e72875cb33a1', setup_time: 1463475600534, answer_time: 1463475603954, end_time: 1463475671494,
    caller: '+447700900123', caller_raw: '07700900123', callee: '+442079460000', callee_raw: '02079460000', direction: 'INBOUND', disposition: 'ANSWERED',
    duration_ms: 70_960, billable_ms: 67_540, hangup_cause: 16,
  },
  'fs-form-1': {
    ...base, cdr_id: 'fs-form-1', setup_time: 1463475600000, answer_time: null, end_time: 1463475620000,
    caller: '+447700900123', caller_raw: '+447700900123', callee: '+448001234567', callee_raw: '0800 123 4567', direction: 'OUTBOUND', disposition: 'BUSY',
    duration_ms: 20_000, billable_ms: 0, hangup_cause: 17,
  },
};

describe('POST /v1/cdrs formats, through Kafka and the registry', () => {
  it('accepts every format and the decoded topic records equal the expected ones', async () => {
    const post = (headers: Record<string, string>, payload: string | Buffer, url = '/v1/cdrs') =>
      h.app.inject({ method: 'POST', url, headers: { ...auth('pbx'), ...headers }, payload });
    // received_at is the collector's clock at the post: between these two readings, however slow the run.
    const postedFrom = Date.now();

    const json = await post({ 'content-type': 'application/json' }, JSON.stringify([
      { cdr_id: 'json-1', setup_time: '2016-05-17T10:00:00+01:00', answer_time: '2016-05-17T09:00:05Z', end_time: Date.UTC(2016, 4, 17, 9, 1, 5), caller: '07700 900123', callee: '020 7946 0000',
        direction: 'INBOUND', disposition: 'ANSWERED', queue: 'helpline', queue_wait_ms: 4000, agent: 'agent-7', hangup_cause: 16 },
    ]));
    expect(json.statusCode).toBe(200);
    expect(json.json()).toMatchObject({ accepted: 1, ids: ['json-1'], rejected: 0, format: 'json' });

    const nd = await post({ 'content-type': 'application/x-ndjson' },
      `\n${JSON.stringify({ cdr_id: 'ndjson-1', setup_time: '2016-05-17T09:05:00Z', end_time: '2016-05-17T09:05:03Z', caller: 'Anonymous', callee: '+44 20 7946 0000', disposition: 'NO_ANSWER' })}\n\n`);
    expect(nd.json()).toMatchObject({ accepted: 1, ids: ['ndjson-1'], warnings: [{ index: 0, field: 'caller', reason: 'number_withheld' }] });

    const gz = await post({ 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' },
      gzipSync(JSON.stringify({ cdr_id: 'gzip-1', setup_time: '2016-05-17T09:06:00Z', end_time: '2016-05-17T09:06:01Z', caller: '12', callee: '02079460000', disposition: 'BUSY', channel: 'SMS' })));
    expect(gz.json()).toMatchObject({ accepted: 1, warnings: [{ field: 'caller', reason: 'number_invalid' }] });

    const csv = await post({ 'content-type': 'text/csv' }, [
      '"","07700900123","02079460000","from-pstn","""Acme"" <07700900123>","SIP/trunk-01","SIP/201-02","Dial","SIP/201,30","2016-05-17 09:00:00","2016-05-17 09:00:05","2016-05-17 09:01:05",65,60,"ANSWERED","DOCUMENTATION","1463475600.1",""',
      '"","","02079460000","from-pstn","""Anonymous"" <anonymous>","SIP/trunk-03","","Dial","SIP/202,20","2016-05-17 09:02:00",,"2016-05-17 09:02:20",20,0,"NO ANSWER","DOCUMENTATION","1463475720.3","vip"',
    ].join('\r\n'));
    expect(csv.json()).toMatchObject({ accepted: 2, format: 'asterisk-csv', ids: ['1463475600.1#77b3eb7f5001', '1463475720.3#cb39a27a2c5d'] });

    const fsDoc = {
      channel_data: { direction: 'inbound' },
      variables: {
        uuid: '3da8bf84-c133-4959-9e24-e72875cb33a1', direction: 'inbound', start_uepoch: '1463475600534355', answer_uepoch: '1463475603954373', end_uepoch: '1463475671494269',
        mduration: '70960', billmsec: '67540', hangup_cause: 'NORMAL_CLEARING', hangup_cause_q850: '16',
      },
      callflow: [{ profile_index: '1', caller_profile: { caller_id_number: '07700900123', destination_number: '02079460000' } }],
    };
    const fs = await post({ 'content-type': 'application/json' }, JSON.stringify(fsDoc), `/v1/cdrs?uuid=${fsDoc.variables.uuid}`);
    expect(fs.json()).toMatchObject({ accepted: 1, format: 'freeswitch-json' });

    const fsForm = { variables: { uuid: 'fs-form-1', direction: 'outbound', caller_id_number: '%2B447700900123', destination_number: '0800%20123%204567', start_epoch: '1463475600', answer_epoch: '0', end_epoch: '1463475620', duration: '20', billsec: '0', hangup_cause: 'USER_BUSY', hangup_cause_q850: '17' } };
    const form = await post({ 'content-type': 'application/x-www-form-urlencoded' }, `cdr=${encodeURIComponent(JSON.stringify(fsForm))}`);
    expect(form.json()).toMatchObject({ accepted: 1, format: 'freeswitch-json' });

    const postedTo = Date.now();
    const out = await consumeDecoded(h.config, h.topics.cdrs, 'cdr', Object.keys(expected).length);
    expect(out).toHaveLength(Object.keys(expected).length);
    const byId = new Map(out.map((o) => [o.value.cdr_id, o]));
    for (const [id, want] of Object.entries(expected)) {
      const got = byId.get(id);
      expect(got?.key).toBe(`pbx1/${id}`);
      const { received_at, ...rest } = got?.value ?? ({} as CdrRecord);
      expect(rest, id).toEqual(want);
      expect(received_at).toBeGreaterThanOrEqual(postedFrom);
      expect(received_at).toBeLessThanOrEqual(postedTo);
    }
  });

  it('serves the same over a real socket', async () => {
    const address = await h.app.listen({ host: '127.0.0.1', port: 0 });
    const res = await fetch(`${address}/v1/cdrs?atomic=true`, {
      method: 'POST',
      headers: { ...auth('pbx'), 'content-type': 'application/json' },
      body: JSON.stringify([{ cdr_id: 'socket-1', setup_time: Date.UTC(2016, 4, 17, 9), end_time: Date.UTC(2016, 4, 17, 9, 0, 1), caller: '07700900123', callee: '02079460000', disposition: 'FAILED' }]),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 1, ids: ['socket-1'] });
    const ready = await fetch(`${address}/readyz`);
    expect(await ready.json()).toEqual({ ready: true, kafka: true, registry: true, preparation: true, closing: false });
    const metrics = await (await fetch(`${address}/metrics`)).text();
    expect(metrics).toMatch(/callwatch_ingest_records_produced_total\{kind="cdr"[^}]*\} \d+/);
    expect(metrics).toMatch(/callwatch_ingest_produce_latency_seconds_bucket/);
  });
});
