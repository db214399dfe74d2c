import { describe, expect, it } from 'vitest';
import { KAMAILIO_ANSWERED, KAMAILIO_BUSY, KAMAILIO_CANCELLED, OPENSIPS_CDR, OPENSIPS_MISSED } from '../../test/ingest/sip-acc-fixtures.ts';
import { adaptKamailioAccCdr, decimalSecondsMs, isKamailioAccCdr } from './kamailio-acc.ts';
import { adaptOpensipsAccCdr, isOpensipsAccCdr } from './opensips-acc.ts';
import { dialogId, q850FromSip, sipDisposition, sipUser } from './sip-codes.ts';
import type { AdaptedRecord } from './types.ts';

const input = (r: AdaptedRecord) => ('input' in r ? r.input : r);
const problems = (r: AdaptedRecord) => ('errors' in r ? r.errors.map((e) => `${e.field}:${e.reason}`) : r);
const BASE = { queue: null, agent: null, channel: 'VOICE' };

describe('Kamailio acc_json dialog CDRs', () => {
  it('an answered call: dialog id, times in ms from "sec.msec", billable from the answer', () => {
    expect(input(adaptKamailioAccCdr(JSON.parse(KAMAILIO_ANSWERED)))).toEqual({
      ...BASE, cdr_id: '3848276298220188511@atlanta.example.com#9fxced76sl#314159', setup_time: 1606832400123, answer_time: 1606832402345, end_time: 1606832467890,
      caller: '07700900123', callee: '02079460000', disposition: 'ANSWERED', billable_ms: 65545, hangup_cause: null,
    });
  });

  it('failed dialogs: disposition and Q.850 cause from the SIP code, no answer, an empty to_tag left out of the id', () => {
    expect(input(adaptKamailioAccCdr(JSON.parse(KAMAILIO_BUSY)))).toMatchObject({ disposition: 'BUSY', hangup_cause: 17, answer_time: null, billable_ms: 0, setup_time: 1606832500456, end_time: 1606832500456 });
    expect(input(adaptKamailioAccCdr(JSON.parse(KAMAILIO_CANCELLED)))).toMatchObject({ cdr_id: 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6@192.0.2.4#5b8a3c', disposition: 'CANCELLED', hangup_cause: null });
  });

  it('a failure code wins over an answer time (dropped with a warning); without any code the answer time decides', () => {
    const failed = adaptKamailioAccCdr({ ...JSON.parse(KAMAILIO_BUSY), answer_time: '1606832500.9' });
    expect(['input' in failed && failed.input.answer_time, 'warnings' in failed && failed.warnings?.map((w) => w.reason)]).toEqual([null, ['answer_dropped']]);
    const { sip_code: _c, ...noCode } = JSON.parse(KAMAILIO_ANSWERED) as Record<string, string>;
    expect(input(adaptKamailioAccCdr(noCode))).toMatchObject({ disposition: 'ANSWERED', answer_time: 1606832402345 });
    expect(input(adaptKamailioAccCdr({ ...noCode, answer_time: '' }))).toMatchObject({ disposition: 'FAILED', answer_time: null });
  });

  it('refuses what acc did not write, naming the Kamailio fields', () => {
    const r = adaptKamailioAccCdr({ ...JSON.parse(KAMAILIO_ANSWERED), start_time: '2020-12-01 14:20:00', callid: '', sip_code: 'OK' });
    expect(problems(r)).toEqual(['callid:required', 'start_time:invalid_time', 'sip_code:unknown_value']);
    expect([isKamailioAccCdr(JSON.parse(KAMAILIO_ANSWERED)), isKamailioAccCdr(JSON.parse(OPENSIPS_CDR)), isKamailioAccCdr({ cdr_id: 'x' })]).toEqual([true, false, false]);
    expect([decimalSecondsMs('1606832400.123'), decimalSecondsMs('12.5'), decimalSecondsMs('0'), decimalSecondsMs('1.2.3'), decimalSecondsMs('-1')]).toEqual([1606832400123, 12500, 0, undefined, undefined]);
  });
});

describe('OpenSIPS acc events', () => {
  it('E_ACC_CDR: created is the setup, time the answer, ms_duration the talk time', () => {
    expect(input(adaptOpensipsAccCdr(JSON.parse(OPENSIPS_CDR)))).toEqual({
      ...BASE, cdr_id: '1-28457@192.0.2.10#8a7e3f2b#b1c2d3e4', setup_time: 1606832600000, answer_time: 1606832602000, end_time: 1606832667432,
      caller: '07700900126', callee: '02079460003', disposition: 'ANSWERED', billable_ms: 65432, hangup_cause: null,
    });
  });

  it('E_ACC_MISSED_EVENT: ends with the final reply, setuptime after the INVITE', () => {
    expect(input(adaptOpensipsAccCdr(JSON.parse(OPENSIPS_MISSED)))).toMatchObject({
      cdr_id: '2-28457@192.0.2.10#77cc01#ee9900', setup_time: 1606832700000, answer_time: null, end_time: 1606832730000, disposition: 'NO_ANSWER', hangup_cause: 18, billable_ms: 0,
    });
  });

  it('duration in whole seconds when ms_duration is missing; refuses what OpenSIPS did not write', () => {
    const { ms_duration: _ms, ...seconds } = JSON.parse(OPENSIPS_CDR) as Record<string, unknown>;
    expect(input(adaptOpensipsAccCdr(seconds))).toMatchObject({ end_time: 1606832667000, billable_ms: 65000 });
    expect(problems(adaptOpensipsAccCdr({ ...JSON.parse(OPENSIPS_CDR), sip_code: '2OO', created: '2020-12-01 14:20:00' }))).toEqual(['sip_code:unknown_value', 'created:wrong_type']);
    expect([isOpensipsAccCdr(JSON.parse(OPENSIPS_MISSED)), isOpensipsAccCdr(JSON.parse(KAMAILIO_BUSY))]).toEqual([true, false]);
  });
});

describe('SIP helpers', () => {
  it('user parts of what a proxy logs', () => {
    expect([
      sipUser('07700900123'), sipUser('sip:+442079460000@example.org;user=phone'), sipUser('"Bob" <sips:bob%2B1@example.org>'),
      sipUser('tel:+44-20-7946-0000;phone-context=example.org'), sipUser('sip:anonymous@anonymous.invalid'),
    ]).toEqual(['07700900123', '+442079460000', 'bob+1', '+44-20-7946-0000', 'anonymous']);
  });

  it('dispositions and causes by SIP code (RFC 3398), dialog ids', () => {
    expect([200, 486, 600, 408, 480, 487, 503, 404, 603].map(sipDisposition)).toEqual(['ANSWERED', 'BUSY', 'BUSY', 'NO_ANSWER', 'NO_ANSWER', 'CANCELLED', 'CONGESTION', 'FAILED', 'FAILED']);
    expect([200, 486, 480, 404, 487, 503, 603, 499].map(q850FromSip)).toEqual([null, 17, 18, 1, null, 41, 21, null]);
    expect([dialogId('c', 'f', 't'), dialogId('c', '', 't'), dialogId('c', 'f', ''), dialogId('c', undefined, undefined)]).toEqual(['c#f#t', 'c##t', 'c#f', 'c']);
  });
});
