import { describe, expect, it } from 'vitest';
import { CGRATES_VOICE } from '../../test/ingest/cgrates-fixture.ts';
import { adaptCgratesCdr, isCgratesCdr, usageMs } from './cgrates.ts';

describe('CGRateS *http_json_map CDR adapter', () => {
  it('maps a templated (all-string) voice CDR: CGRID as id, Usage as billable time after the answer', () => {
    const r = adaptCgratesCdr(CGRATES_VOICE);
    expect('input' in r ? r.input : r).toEqual({
      cdr_id: CGRATES_VOICE.CGRID, setup_time: Date.UTC(2013, 10, 7, 8, 42, 25), answer_time: Date.UTC(2013, 10, 7, 8, 42, 26), end_time: Date.UTC(2013, 10, 7, 8, 42, 36),
      caller: '1001', callee: '1002', disposition: 'ANSWERED', billable_ms: 10_000, queue: null, agent: null, channel: 'VOICE', hangup_cause: null,
    });
  });

  it('reads the untemplated event too (Usage in ns), Go\'s zero time as never answered, and the cause', () => {
    const r = adaptCgratesCdr({ ...CGRATES_VOICE, ToR: '*sms', AnswerTime: '0001-01-01T00:00:00Z', Usage: 0, DisconnectCause: 'USER_BUSY' });
    expect('input' in r ? [r.input.answer_time, r.input.disposition, r.input.hangup_cause, r.input.billable_ms, r.input.channel] : r).toEqual([null, 'BUSY', 17, 0, 'SMS']);
    expect([usageMs('1m10.96s'), usageMs('1h2m'), usageMs(70_960_000_000), usageMs('70960000000'), usageMs('10 parsecs'), usageMs(-1)]).toEqual([70_960, 3_720_000, 70_960, 70_960, undefined, undefined]);
  });

  it('refuses what it cannot read, naming CGRateS fields; data sessions are not calls', () => {
    const r = adaptCgratesCdr({ ...CGRATES_VOICE, SetupTime: 'yesterday', Usage: 'long', ToR: '*data' });
    expect('errors' in r ? r.errors.map((e) => `${e.field}:${e.reason}`) : r).toEqual(['SetupTime:invalid_time', 'Usage:wrong_type', 'ToR:unknown_value']);
    expect([isCgratesCdr(CGRATES_VOICE), isCgratesCdr({ cdr_id: 'x' }), isCgratesCdr([CGRATES_VOICE])]).toEqual([true, false, false]);
  });
});
