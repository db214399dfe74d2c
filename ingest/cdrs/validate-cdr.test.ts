import { describe, expect, it } from 'vitest';
import { NumberNormaliser } from '../validation/numbers.ts';
import { checkCdrBatch } from './check-batch.ts';
import { validateCdr, type CdrContext } from './validate-cdr.ts';

const NOW = Date.UTC(2024, 4, 1, 12);
const ctx: CdrContext = { platform: 'pbx1', nowMs: NOW, futureSkewMs: 300_000, maxTextLength: 50, numbers: new NumberNormaliser('GB') };
const good = { cdr_id: 'c1', setup_time: '2024-05-01T10:00:00+01:00', answer_time: '2024-05-01T10:00:05+01:00', end_time: Date.UTC(2024, 4, 1, 9, 1, 5), caller: '07700 900123', callee: '+44 20 7946 0000', disposition: 'ANSWERED' };

const reasons = (input: unknown): string[] => {
  const v = validateCdr(input, ctx);
  return v.ok ? [] : v.errors.map((e) => `${e.field}:${e.reason}`);
};

describe('validateCdr', () => {
  it('normalises numbers and times, derives durations, and takes platform and received_at from the context', () => {
    const v = validateCdr(good, ctx);
    expect(v).toEqual({
      ok: true,
      warnings: [],
      value: {
        cdr_id: 'c1', platform: 'pbx1', setup_time: Date.UTC(2024, 4, 1, 9), answer_time: Date.UTC(2024, 4, 1, 9, 0, 5), end_time: Date.UTC(2024, 4, 1, 9, 1, 5),
        caller: '+447700900123', caller_raw: '07700 900123', callee: '+442079460000', callee_raw: '+44 20 7946 0000', direction: 'UNKNOWN', disposition: 'ANSWERED',
        duration_ms: 65_000, billable_ms: 60_000, queue: null, queue_wait_ms: null, agent: null, channel: 'VOICE', hangup_cause: null, received_at: NOW,
      },
    });
  });

  it('buckets withheld and impossible numbers with a warning instead of rejecting', () => {
    const v = validateCdr({ ...good, caller: 'Anonymous', callee: '12' }, ctx);
    expect(v.ok && [v.value.caller, v.value.callee, ...v.warnings.map((w) => `${w.field}:${w.reason}`)]).toEqual(['WITHHELD', 'INVALID', 'caller:number_withheld', 'callee:number_invalid']);
  });

  it('gives each bad field its own reason', () => {
    expect(reasons({ ...good, platform: 'other' })).toEqual(['platform:platform_from_key']);
    expect(reasons({ ...good, colour: 'red' })).toEqual(['colour:unknown_field']);
    expect(reasons({ ...good, caller: 447700900123 })).toEqual(['caller:wrong_type']);
    const { callee: _c, ...noCallee } = good;
    expect(reasons(noCallee)).toEqual(['callee:required']);
    expect(reasons({ ...good, disposition: 'MAYBE' })).toEqual(['disposition:unknown_value']);
    expect(reasons({ ...good, end_time: NOW + 3_600_000 })).toEqual(['end_time:future_time']);
    expect(reasons({ ...good, setup_time: 1_714_550_400 })).toEqual(['setup_time:time_out_of_range']);
    expect(reasons({ ...good, setup_time: '2024-05-01 10:00:00' })).toEqual(['setup_time:invalid_time']);
    expect(reasons({ ...good, cdr_id: 'x'.repeat(51) })).toEqual(['cdr_id:too_long']);
    expect(reasons({ ...good, cdr_id: 'a\u0000b' })).toEqual(['cdr_id:control_characters']);
    expect(reasons({ ...good, agent: 'bad\ud800' })).toEqual(['agent:invalid_unicode']);
    expect(reasons({ ...good, answer_time: null })).toEqual(['answer_time:required']);
    expect(reasons({ ...good, end_time: '2024-05-01T09:59:00+01:00' })).toEqual(['end_time:time_order', 'answer_time:time_order']);
    expect(reasons({ ...good, billable_ms: 70_000 })).toEqual(['billable_ms:inconsistent']);
    expect(reasons({ ...good, hangup_cause: 300 })).toEqual(['hangup_cause:out_of_range']);
    expect(reasons([good])).toEqual(['(record):wrong_type']);
  });

  it('reports an unknown field together with every other problem of the record', () => {
    expect(reasons({ ...good, colour: 'red', caller: 447700900123, end_time: NOW + 3_600_000, agent: 'a\u202eb' })).toEqual([
      'colour:unknown_field', 'caller:wrong_type',
    ]);
    expect(reasons({ ...good, colour: 'red', platform: 'x', end_time: NOW + 3_600_000, agent: 'a\u202eb' })).toEqual([
      'colour:unknown_field', 'platform:platform_from_key', 'end_time:future_time', 'agent:format_characters',
    ]);
  });

  it('refuses invisible format characters in ids, names and numbers', () => {
    expect(reasons({ ...good, cdr_id: 'call-\u202e321' })).toEqual(['cdr_id:format_characters']);
    expect(reasons({ ...good, queue: '\ufeffsupport', agent: 'a\u200bb' })).toEqual(['queue:format_characters', 'agent:format_characters']);
    expect(reasons({ ...good, caller: '07700\u202e900123' })).toEqual(['caller:format_characters']);
    expect(reasons({ ...good, agent: 'Dev 👩\u200d💻' })).toEqual([]);
  });

  it('keeps emoji in text fields (they are legal), and accepts odd but legal records', () => {
    const v = validateCdr({ ...good, cdr_id: 'call-📞-1', queue: 'Support 🎧', agent: 'Zoë', direction: 'INTERNAL', channel: 'WEBCHAT', answer_time: good.setup_time, duration_ms: 0, billable_ms: 0, end_time: good.setup_time }, ctx);
    expect(v.ok && [v.value.cdr_id, v.value.queue, v.value.duration_ms]).toEqual(['call-📞-1', 'Support 🎧', 0]);
  });
});

describe('checkCdrBatch', () => {
  it('rejects later records repeating a cdr_id, names the first, and keeps the rest', () => {
    const b = checkCdrBatch(
      [
        { index: 0, input: good },
        { index: 1, input: { ...good, cdr_id: 'c2' } },
        { index: 2, input: { ...good, caller: '07700900999' } },
        { index: 3, line: 9, errors: [{ field: '(record)', reason: 'malformed_json', message: 'x' }] },
      ],
      ctx,
    );
    expect(b.accepted.map((a) => a.index)).toEqual([0, 1]);
    expect(b.rejections.map((r) => [r.index, r.field, r.reason])).toEqual([[2, 'cdr_id', 'duplicate_id'], [3, '(record)', 'malformed_json']]);
    expect(b.rejectedRecords).toBe(2);
  });

  it('names fields in the adapter\'s terms', () => {
    const b = checkCdrBatch([{ index: 0, input: { ...good, setup_time: 'later' }, fieldNames: { setup_time: 'start' } }], ctx);
    expect(b.rejections.map((r) => r.field)).toEqual(['start']);
  });
});
