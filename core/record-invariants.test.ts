import { describe, expect, it } from 'vitest';
import { cdrDurationBreaches, cdrTimeBreaches, MAX_CALLS_PER_REPORT, reportCallCountBreaches } from './record-invariants.ts';

const T = Date.UTC(2026, 0, 5, 9);

describe('record invariants', () => {
  it('passes a CDR whose times are in order and an ANSWERED call with its answer time', () => {
    expect(cdrTimeBreaches({ setup_time: T, answer_time: T + 5, end_time: T + 60, disposition: 'ANSWERED' })).toEqual([]);
    expect(cdrTimeBreaches({ setup_time: T, answer_time: null, end_time: T, disposition: 'NO_ANSWER' })).toEqual([]);
  });

  it('names every breach of the time order and a missing answer time', () => {
    expect(cdrTimeBreaches({ setup_time: T, answer_time: T + 90, end_time: T - 1, disposition: 'ANSWERED' })).toEqual([
      { field: 'end_time', rule: 'time_order', detail: 'end_time before setup_time' },
      { field: 'answer_time', rule: 'time_order', detail: 'answer_time after end_time' },
    ]);
    expect(cdrTimeBreaches({ setup_time: T, answer_time: T - 1, end_time: T + 1, disposition: 'BUSY' })).toEqual([{ field: 'answer_time', rule: 'time_order', detail: 'answer_time before setup_time' }]);
    expect(cdrTimeBreaches({ setup_time: T, answer_time: null, end_time: T + 1, disposition: 'ANSWERED' })).toEqual([{ field: 'answer_time', rule: 'required', detail: 'an ANSWERED call needs answer_time' }]);
  });

  it('judges no rule on a time that could not be read (undefined), and an unreadable answer time is not a missing one', () => {
    expect(cdrTimeBreaches({ setup_time: undefined, answer_time: T - 10, end_time: undefined, disposition: 'ANSWERED' })).toEqual([]);
    expect(cdrTimeBreaches({ setup_time: T, answer_time: undefined, end_time: T - 1, disposition: 'ANSWERED' })).toEqual([{ field: 'end_time', rule: 'time_order', detail: 'end_time before setup_time' }]);
  });

  it('refuses billable time beyond the duration', () => {
    expect(cdrDurationBreaches({ duration_ms: 10, billable_ms: 10 })).toEqual([]);
    expect(cdrDurationBreaches({ duration_ms: 10, billable_ms: 11 })).toEqual([{ field: 'billable_ms', rule: 'inconsistent', detail: 'billable_ms exceeds duration_ms' }]);
  });

  it('holds a report to one call at least and the lower of a collector limit and the contract limit at most', () => {
    expect(reportCallCountBreaches(0).map((b) => b.rule)).toEqual(['no_calls']);
    expect(reportCallCountBreaches(MAX_CALLS_PER_REPORT)).toEqual([]);
    expect(reportCallCountBreaches(MAX_CALLS_PER_REPORT + 1)).toEqual([{ field: 'calls', rule: 'too_many_calls', detail: `at most ${MAX_CALLS_PER_REPORT}` }]);
    expect(reportCallCountBreaches(21, 20)).toEqual([{ field: 'calls', rule: 'too_many_calls', detail: 'at most 20' }]);
    expect(reportCallCountBreaches(1001, 5000).map((b) => b.detail)).toEqual([`at most ${MAX_CALLS_PER_REPORT}`]);
  });
});
