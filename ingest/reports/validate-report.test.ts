import { describe, expect, it } from 'vitest';
import { Pseudonymiser } from '../../core/pseudonym.ts';
import { NumberNormaliser } from '../validation/numbers.ts';
import { reportId } from './report-id.ts';
import { canonicalJson } from './submit-report.ts';
import { validateReport, type ReportContext } from './validate-report.ts';

const NOW = Date.UTC(2024, 4, 1, 12);
const pseudonymiser = new Pseudonymiser('unit-test-key-0123456789');
const ctx: ReportContext = {
  channel: 'HELPLINE', reportId: 'r-1', nowMs: NOW, futureSkewMs: 60_000, maxCallsPerReport: 3, maxDescriptionLength: 40, maxTextLength: 30,
  numbers: new NumberNormaliser('GB'), pseudonymiser,
};
const call = { number: '020 7946 0000', call_time: '2024-05-01T09:30:00Z', call_type: 'RECORDED_MESSAGE', subject: 'ENERGY', organisation: 'Green Homes', description: 'Said I won a boiler 🎉\nTwice.' };
const report = { reporter: ' Alice@Example.org ', reporter_number: '07700 900999', calls: [call, { number: 'withheld', call_time: NOW - 1000 }] };

describe('validateReport', () => {
  it('pseudonymises reporter and reporter number, canonicalises calls, buckets withheld numbers', () => {
    const v = validateReport(report, ctx);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.value).toEqual({
      report_id: 'r-1', submitted_at: NOW, received_at: NOW, channel: 'HELPLINE',
      reporter_id: pseudonymiser.pseudonym('reporter', 'alice@example.org'),
      reporter_number: pseudonymiser.pseudonym('reporter-number', '+447700900999'),
      calls: [
        { number: '+442079460000', number_raw: '020 7946 0000', call_time: Date.UTC(2024, 4, 1, 9, 30), call_type: 'RECORDED_MESSAGE', organisation: 'Green Homes', subject: 'ENERGY', description: 'Said I won a boiler 🎉\nTwice.' },
        { number: 'WITHHELD', number_raw: 'withheld', call_time: NOW - 1000, call_type: 'OTHER', organisation: null, subject: null, description: null },
      ],
    });
    expect(v.warnings.map((w) => `${w.field}:${w.reason}`)).toEqual(['calls[1].number:number_withheld']);
    expect(JSON.stringify(v.value)).not.toMatch(/alice|900999/i);
  });

  it('lists every bad field with its path', () => {
    const v = validateReport(
      {
        reporter: '',
        reporter_number: 'not a number',
        calls: [{ ...call, subject: 'GOSSIP', description: 'x'.repeat(41), call_time: NOW + 3_600_000 }, { ...call, organisation: 'Tab\there' }, call, call],
      },
      ctx,
    );
    expect(v.ok ? [] : v.errors.map((e) => `${e.field}:${e.reason}`)).toEqual([
      'calls:too_many_calls', 'reporter:empty', 'reporter_number:invalid_number', 'calls[0].call_time:future_time', 'calls[0].subject:unknown_subject',
      'calls[0].description:too_long', 'calls[1].organisation:control_characters',
    ]);
    const none = validateReport({ reporter: 'a', calls: [] }, ctx);
    expect(none.ok ? [] : none.errors.map((e) => `${e.field}:${e.reason}`)).toEqual(['calls:no_calls']);
    const typed = validateReport({ reporter: 'a', calls: [{ number: 7, call_time: true, call_type: 'SPAM' }], extra: 1 }, ctx);
    expect(typed.ok ? [] : typed.errors.map((e) => `${e.field}:${e.reason}`).sort()).toEqual(['calls[0].call_time:wrong_type', 'calls[0].call_type:unknown_value', 'calls[0].number:wrong_type', 'extra:unknown_field']);
  });
});

describe('validateReport, bad input found by the probe', () => {
  it('refuses a lone surrogate or a format character in a call number, as a CDR does', () => {
    const v = validateReport({ ...report, calls: [{ ...call, number: '020 7946 \ud800' }, { ...call, number: '020\u202e 7946 0000' }] }, ctx);
    expect(v.ok ? [] : v.errors.map((e) => `${e.field}:${e.reason}`)).toEqual(['calls[0].number:invalid_unicode', 'calls[1].number:format_characters']);
  });

  it('reports an unknown field together with the other problems, nested ones included', () => {
    const v = validateReport({ ...report, extra: 1, calls: [{ ...call, colour: 'red', subject: 'GOSSIP', call_time: NOW + 3_600_000 }] }, ctx);
    expect(v.ok ? [] : v.errors.map((e) => `${e.field}:${e.reason}`)).toEqual([
      'calls[0].colour:unknown_field', 'extra:unknown_field', 'calls[0].call_time:future_time', 'calls[0].subject:unknown_subject',
    ]);
  });

  it('keeps format characters in free text (they are evidence as written)', () => {
    const v = validateReport({ ...report, calls: [{ ...call, description: 'said \u202eeno\u200b', organisation: 'Acme\ufeff' }] }, ctx);
    expect(v.ok && [v.value.calls[0]?.description, v.value.calls[0]?.organisation]).toEqual(['said \u202eeno\u200b', 'Acme\ufeff']);
  });
});

describe('canonicalJson', () => {
  it('is the same for the same content in any member order', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: null }], c: undefined })).toBe(canonicalJson({ a: [{ x: null, y: 2 }], b: 1 }));
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
  });
});

describe('reportId', () => {
  it('is stable per principal and Idempotency-Key, different across principals, random without a key', () => {
    const a = reportId('k'.repeat(20), 'helpline', 'abc');
    expect(a).toBe(reportId('k'.repeat(20), 'helpline', 'abc'));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a).not.toBe(reportId('k'.repeat(20), 'livechat', 'abc'));
    expect(reportId('k'.repeat(20), 'helpline', undefined)).not.toBe(reportId('k'.repeat(20), 'helpline', undefined));
  });
});
