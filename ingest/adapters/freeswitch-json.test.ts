import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { switchUrlEncode } from '../../test/ingest/switch-url-encode.ts';
import { adaptFreeswitchCdr, decodeFreeswitchBody, isFreeswitchCdr, unansweredDisposition } from './freeswitch-json.ts';

// Shaped like mod_json_cdr output: every variable a string; caller/callee only in the callflow.
const answered = {
  'core-uuid': 'eb8bcdd2-0000-4000-8000-1a4042aabe31',
  switchname: 'fs1',
  channel_data: { state: 'CS_REPORTING', direction: 'inbound' },
  variables: {
    direction: 'inbound',
    uuid: '3da8bf84-c133-4959-9e24-e72875cb33a1',
    start_epoch: '1463475600',
    start_uepoch: '1463475600534355',
    answer_epoch: '1463475603',
    answer_uepoch: '1463475603954373',
    end_epoch: '1463475671',
    end_uepoch: '1463475671494269',
    duration: '71',
    billsec: '68',
    mduration: '70960',
    billmsec: '67540',
    hangup_cause: 'NORMAL_CLEARING',
    hangup_cause_q850: '16',
  },
  callflow: [
    { profile_index: '2', caller_profile: { caller_id_number: '1001', destination_number: '1002-transferred', uuid: 'x' } },
    { profile_index: '1', caller_profile: { caller_id_number: '07700900123', destination_number: '02079460000', uuid: 'y' } },
  ],
};

describe('FreeSWITCH mod_json_cdr adapter', () => {
  it('maps an answered call: µs epochs to ms, ms durations, Q.850 cause, the original caller profile', () => {
    const r = adaptFreeswitchCdr(answered);
    expect('input' in r ? r.input : r).toEqual({
      cdr_id: '3da8bf84-c133-4959-9e24-e72875cb33a1',
      setup_time: 1463475600534,
      answer_time: 1463475603954,
      end_time: 1463475671494,
      caller: '07700900123',
      callee: '02079460000',
      direction: 'INBOUND',
      disposition: 'ANSWERED',
      duration_ms: 70960,
      billable_ms: 67540,
      queue: null,
      queue_wait_ms: null,
      agent: null,
      channel: 'VOICE',
      hangup_cause: 16,
    });
  });

  it('reads URL-encoded values (encode-values), seconds-only epochs, cause names without codes', () => {
    const r = adaptFreeswitchCdr({
      variables: {
        uuid: 'u-2', caller_id_number: '%2B447700900123', destination_number: '0800%20123%20456',
        start_epoch: '1463475600', answer_epoch: '0', end_epoch: '1463475620', duration: '20', billsec: '0', hangup_cause: 'USER_BUSY',
      },
    });
    const input = 'input' in r ? r.input : {};
    expect(input).toMatchObject({ caller: '+447700900123', callee: '0800 123 456', setup_time: 1463475600000, answer_time: null, disposition: 'BUSY', hangup_cause: 17, billable_ms: 0, duration_ms: 20_000, direction: 'UNKNOWN' });
  });

  it('turns a mod_callcenter caller who left the queue into ABANDONED with the time waited', () => {
    const r = adaptFreeswitchCdr({
      variables: {
        uuid: 'u-3', caller_id_number: '07700900124', destination_number: '3000', start_epoch: '1463475600', answer_epoch: '1463475601', end_epoch: '1463475700',
        cc_queue: 'support@default', cc_queue_joined_epoch: '1463475601', cc_queue_canceled_epoch: '1463475690', hangup_cause: 'NORMAL_CLEARING',
      },
    });
    expect('input' in r ? r.input : r).toMatchObject({ disposition: 'ABANDONED', queue: 'support@default', queue_wait_ms: 89_000, answer_time: null, billable_ms: 0 });
  });

  it('falls back to ?uuid= and reports missing times on their variables', () => {
    const r = adaptFreeswitchCdr({ variables: { destination_number: '1', start_epoch: 'soon' } }, 'from-query');
    expect('errors' in r ? r.errors.map((e) => `${e.field}:${e.reason}`) : []).toEqual(['variables.start_epoch:invalid_time', 'variables.end_uepoch:required']);
    const ok = adaptFreeswitchCdr({ variables: { destination_number: '1', start_epoch: '1463475600', end_epoch: '1463475601' } }, 'from-query');
    expect('input' in ok ? ok.input.cdr_id : undefined).toBe('from-query');
  });

  it('decodes every body mod_json_cdr can send, base64 with literal + and / included', () => {
    // Values chosen so the base64 of the document holds both '+' and '/' (FreeSWITCH sends them raw).
    const doc = { ...answered, variables: { ...answered.variables, sip_from_display: 'Zoë ~~~ >>> ???', note: '\u00fb\u00ff\u00fe' } };
    const json = JSON.stringify(doc);
    const b64 = Buffer.from(json).toString('base64');
    expect(b64).toMatch(/\+/);
    expect(b64).toMatch(/\//);
    expect(decodeFreeswitchBody('application/json', json)).toEqual(doc);
    expect(decodeFreeswitchBody('application/x-www-form-urlencoded', `cdr=${switchUrlEncode(json)}`)).toEqual(doc);
    expect(decodeFreeswitchBody('application/x-www-form-base64-encoded', `cdr=${b64}`)).toEqual(doc);
    // A proxy that %-escaped the base64 alphabet changes nothing.
    expect(decodeFreeswitchBody('application/x-www-form-base64-encoded', `cdr=${encodeURIComponent(b64)}`)).toEqual(doc);
    expect(() => decodeFreeswitchBody('application/x-www-form-urlencoded', 'other=1')).toThrow(/cdr= field/);
    expect(() => decodeFreeswitchBody('application/x-www-form-base64-encoded', 'cdr=not base64!')).toThrow(/not base64/);
    expect(() => decodeFreeswitchBody('application/x-www-form-urlencoded', 'cdr=%E0%A4%A')).toThrow(/percent-encoding/);
    expect(isFreeswitchCdr(answered)).toBe(true);
    expect(isFreeswitchCdr([answered])).toBe(false);
  });

  it('maps unanswered causes to dispositions', () => {
    expect(unansweredDisposition('ORIGINATOR_CANCEL', 16)).toBe('CANCELLED');
    expect(unansweredDisposition('NO_USER_RESPONSE', 18)).toBe('NO_ANSWER');
    expect(unansweredDisposition('SWITCH_CONGESTION', 42)).toBe('CONGESTION');
    expect(unansweredDisposition('UNALLOCATED_NUMBER', 1)).toBe('FAILED');
    expect(unansweredDisposition(undefined, 17)).toBe('BUSY');
  });

  it('never throws on arbitrary variables, and never makes billable exceed duration (property)', () => {
    const value = fc.oneof(fc.string({ maxLength: 20 }), fc.nat().map(String), fc.constant('0'), fc.integer({ min: 1e15, max: 2e15 }).map(String));
    const keys = fc.constantFrom('uuid', 'start_uepoch', 'start_epoch', 'answer_uepoch', 'end_uepoch', 'end_epoch', 'billmsec', 'mduration', 'billsec', 'duration', 'hangup_cause', 'hangup_cause_q850', 'destination_number', 'caller_id_number', 'cc_queue', 'cc_queue_joined_epoch', 'cc_queue_answered_epoch');
    fc.assert(
      fc.property(fc.dictionary(keys, value), fc.option(fc.string(), { nil: undefined }), (vars, uuid) => {
        const r = adaptFreeswitchCdr({ variables: vars }, uuid);
        if ('input' in r && typeof r.input.duration_ms === 'number' && typeof r.input.billable_ms === 'number') {
          expect(r.input.billable_ms).toBeLessThanOrEqual(r.input.duration_ms);
        }
      }),
    );
  });
});

