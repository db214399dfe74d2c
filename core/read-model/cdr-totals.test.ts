import { describe, expect, it } from 'vitest';
import { raw } from '../clickhouse/escape.ts';
import { cdrTotalsSnapshot, currentCdrTotalsSql, staleWeeksFromRows, withoutCurrentTotalSql, type CdrTotalKey, type CdrTotalsSource } from './cdr-totals.ts';

const key = (caller: string, week: string, weekCurrent: number, hoursCurrent: number): CdrTotalKey => ({
  caller, week, changes: '7', hour_changes: 9, week_current: weekCurrent, hours_current: hoursCurrent,
});
const A = '+447700900001';
const B = '+447700900002';
const where = raw('1');

describe('a snapshot of current totals as literals', () => {
  const snapshot: CdrTotalsSource = {
    kind: 'snapshot',
    callers: [A, B],
    // A: weeks 1, 2 and 4 current for both; week 3's total has stale hours. B: no total.
    keys: [key(A, '2025-01-06', 1, 1), key(A, '2025-01-13', 1, 1), key(A, '2025-01-20', 1, 0), key(A, '2025-02-03', 1, 1)],
  };

  it('merges the weeks around the current totals, as ranges the partition key prunes, and every week of a caller without one', () => {
    expect(withoutCurrentTotalSql('db', where, snapshot, 'all').text).toBe(
      "((caller = '+447700900001' AND (week_start < toDate('2025-01-06') OR (week_start > toDate('2025-01-13') AND week_start < toDate('2025-02-03')) OR week_start > toDate('2025-02-03'))) OR caller = '+447700900002')",
    );
    // For week figures week 3's total is current too: no gap but the one after it.
    expect(withoutCurrentTotalSql('db', where, snapshot, 'week').text).toBe(
      "((caller = '+447700900001' AND (week_start < toDate('2025-01-06') OR (week_start > toDate('2025-01-20') AND week_start < toDate('2025-02-03')) OR week_start > toDate('2025-02-03'))) OR caller = '+447700900002')",
    );
  });

  it('reads the totals whose `changes` are current for the figures used, by their values', () => {
    const sqlText = currentCdrTotalsSql('db', where, snapshot, 'hours').text;
    expect(sqlText).toContain("(caller, week_start, hour_changes) IN (('+447700900001', toDate('2025-01-06'), 9), ('+447700900001', toDate('2025-01-13'), 9), ('+447700900001', toDate('2025-02-03'), 9))");
    expect(sqlText).not.toContain('sumMerge');
    expect(currentCdrTotalsSql('db', where, snapshot, 'all').text).toContain("(caller, week_start, changes) IN (('+447700900001', toDate('2025-01-06'), 7)");
  });

  it('reads no total and merges everything when none is current', () => {
    const none: CdrTotalsSource = { kind: 'snapshot', callers: [A], keys: [key(A, '2025-01-06', 0, 1)] };
    expect(currentCdrTotalsSql('db', where, none, 'week').text).toMatch(/WHERE 0$/);
    expect(withoutCurrentTotalSql('db', where, none, 'week').text).toBe("(caller = '+447700900001')");
    expect(staleWeeksFromRows(none)).toBe(true);
    expect(staleWeeksFromRows({ kind: 'snapshot', callers: [A], keys: [] })).toBe(false);
  });

  it('compares `changes` in the query itself with the check source', () => {
    expect(currentCdrTotalsSql('db', where).text).toContain('sumMerge(changes)');
    expect(withoutCurrentTotalSql('db', where).text).toContain('GLOBAL NOT IN');
    expect(staleWeeksFromRows({ kind: 'check' })).toBe(false);
  });
});

describe('cdrTotalsSnapshot', () => {
  it("marks each total row's week figures and hours current when the states' `changes` equal its own", () => {
    const rows = [
      { caller: A, week: '2025-01-06', changes: '5', hour_changes: '6' },
      { caller: A, week: '2025-01-13', changes: '5', hour_changes: '6' },
      { caller: A, week: '2025-01-13', changes: '4', hour_changes: '6' },
    ];
    const changes = [
      { kind: 'week' as const, caller: A, week: '2025-01-06', n: '5' },
      { kind: 'hours' as const, caller: A, week: '2025-01-06', n: '7' },
      { kind: 'week' as const, caller: A, week: '2025-01-13', n: '5' },
      { kind: 'hours' as const, caller: A, week: '2025-01-13', n: '6' },
    ];
    const snapshot = cdrTotalsSnapshot([A, B], rows, changes);
    expect(snapshot.kind === 'snapshot' && snapshot.keys.map((k) => [k.week, k.changes, k.week_current, k.hours_current])).toEqual([
      ['2025-01-06', '5', 1, 0],
      ['2025-01-13', '5', 1, 1],
      ['2025-01-13', '4', 0, 1],
    ]);
  });
});
