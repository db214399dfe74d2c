import { describe, expect, it } from 'vitest';
import { STREAM } from '../streams/index.ts';
import type { StoredRow } from '../streams/stream.ts';
import { contentDifferences, fromContentColumns, judgeStoredCopy, recordKeyOf } from './conflicts.ts';

const cdr: StoredRow = {
  platform: 'pbx',
  cdr_id: 'c1',
  setup_time: 1_457_344_800,
  answer_time: null,
  end_time: 1_457_344_830,
  caller: '+447700900123',
  caller_raw: '07700 900123',
  callee: '+441632960001',
  callee_raw: '01632 960001',
  direction: 'INBOUND',
  disposition: 'NO_ANSWER',
  duration_ms: 30_000,
  billable_ms: 0,
  queue: '',
  queue_wait_ms: null,
  agent: '',
  channel: 'VOICE',
  hangup_cause: 19,
  // Receipt and derived columns are not content.
  received_at: 1_457_345_000,
  version: 1_457_345_000_000,
  week_start: '2016-03-07',
  is_short: 1,
};

const call = (index: number, over: Partial<Record<string, string | number | null>> = {}): StoredRow => ({
  report_id: 'r1',
  call_index: index,
  call_count: 2,
  submitted_at: 1_457_400_000,
  channel: 'WEB',
  reporter_id: 'pseudo-1',
  reporter_number: '',
  number: '+447700900123',
  number_raw: '07700900123',
  call_time: 1_457_344_800 + index,
  call_type: 'SILENT',
  organisation: '',
  subject: '',
  description: 'rang twice',
  ...over,
});

describe('contentDifferences (copies of one record)', () => {
  it('finds none between copies received at different times or processed under another configuration', () => {
    expect(contentDifferences(STREAM.cdrs, [cdr], [{ ...cdr, received_at: 1, version: 2, week_start: '2016-02-29', is_short: 0 }])).toEqual([]);
  });

  it('names every content column that differs: a moved number, a moved time, a changed outcome', () => {
    const changed = { ...cdr, caller: '+447700900999', setup_time: 1_457_344_800 - 7 * 86_400, billable_ms: 5_000 };
    expect(contentDifferences(STREAM.cdrs, [changed], [cdr]).sort()).toEqual(['billable_ms', 'caller', 'setup_time']);
  });

  it('tells null from an empty string or zero', () => {
    expect(contentDifferences(STREAM.cdrs, [{ ...cdr, queue_wait_ms: 0 }], [cdr])).toEqual(['queue_wait_ms']);
    expect(contentDifferences(STREAM.cdrs, [{ ...cdr, answer_time: null }], [{ ...cdr, answer_time: 0 }])).toEqual(['answer_time']);
  });

  it('matches the rows of a report by call index, whatever their order, and flags a different number of calls', () => {
    expect(contentDifferences(STREAM.reports, [call(0), call(1)], [call(1), call(0)])).toEqual([]);
    expect(contentDifferences(STREAM.reports, [call(0)], [call(0), call(1)])).toContain('call_index');
    expect(contentDifferences(STREAM.reports, [call(0), call(1, { number: '+447700900555' })], [call(0), call(1)])).toEqual(['number']);
  });

  it('compares values read back from ClickHouse (numbers as text on 18.16) with the inserted ones', () => {
    const back = fromContentColumns(STREAM.cdrs, {
      platform: 'pbx',
      cdr_id: 'c1',
      ...Object.fromEntries(STREAM.cdrs.contentColumns.map((c) => [`${c.name}_v`, cdr[c.name] === null ? null : String(cdr[c.name])])),
    });
    expect(contentDifferences(STREAM.cdrs, [cdr], [back])).toEqual([]);
    expect(recordKeyOf(STREAM.cdrs, back)).toBe(recordKeyOf(STREAM.cdrs, cdr));
  });
});

describe('judgeStoredCopy (a copy against what is stored of its record)', () => {
  const c0 = call(0, { call_count: 3 });
  const c1 = call(1, { call_count: 3, number: '+447700900555' });
  const c2 = call(2, { call_count: 3, number: '+447700900777' });
  const report = [c0, c1, c2];

  it('the same record, whatever the order of its rows', () => {
    expect(judgeStoredCopy(STREAM.reports, report, [c2, c0, c1])).toEqual({ kind: 'same' });
  });

  it('stored in part (one shard stored its calls, the other failed): every stored call equal to the copy\'s', () => {
    expect(judgeStoredCopy(STREAM.reports, report, [c0, c2])).toEqual({ kind: 'incomplete' });
    expect(judgeStoredCopy(STREAM.reports, report, [c1])).toEqual({ kind: 'incomplete' });
  });

  it('a conflict when a stored call differs, when the stored record has calls the copy has not, or another call count', () => {
    expect(judgeStoredCopy(STREAM.reports, report, [c0, { ...c1, number: '+447700900999' }])).toEqual({ kind: 'conflict', fields: ['call_index', 'number'] });
    expect(judgeStoredCopy(STREAM.reports, [c0, c1], [c0, c1, c2]).kind).toBe('conflict');
    expect(judgeStoredCopy(STREAM.reports, [c0, c1].map((c) => ({ ...c, call_count: 2 })), [c0]).kind).toBe('conflict');
    expect(judgeStoredCopy(STREAM.reports, report, [c0, { ...c0 }]).kind).toBe('conflict');
  });

  it('a one-row record is the same or a conflict, never in part', () => {
    expect(judgeStoredCopy(STREAM.cdrs, [cdr], [cdr])).toEqual({ kind: 'same' });
    expect(judgeStoredCopy(STREAM.cdrs, [{ ...cdr, callee: '+447700900999' }], [cdr])).toEqual({ kind: 'conflict', fields: ['callee'] });
  });
});
