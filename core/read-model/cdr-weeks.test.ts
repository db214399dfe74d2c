import { describe, expect, it } from 'vitest';
import type { CdrTotalKey } from './cdr-totals.ts';
import { cdrWeeksWithTotals } from './cdr-weeks.ts';
import type { StaleCdrWeek } from './weekly.ts';

const A = '+447700900001';
const total = (week: string, weekCurrent: number, hoursCurrent: number, calls: number): CdrTotalKey => ({
  caller: A, week, changes: '1', hour_changes: '1', week_current: weekCurrent, hours_current: hoursCurrent,
  calls, answered_calls: calls / 2, short_calls: 1, callees: 3, first_seen: `${week} 01:00:00`, last_seen: `${week} 02:00:00`,
  busiest_hour: 5, busiest_hour_calls: calls, hours: [5], hour_calls: [calls],
});
const stale = (week: string, hasWeek: number, hasHours: number, calls: number): StaleCdrWeek => ({
  number: A, week, calls, callees: 1, answered_calls: 0, answered_share: 0, short_calls: 0, short_share: 0,
  busiest_hour: 7, busiest_hour_calls: calls, first_seen: `${week} 03:00:00`, last_seen: `${week} 04:00:00`,
  hours: [7], hour_calls: [calls], has_week_figures: hasWeek, has_hours: hasHours,
});

describe('a weekly series from the snapshot and the weeks without current totals', () => {
  it('takes each kind of figure from a current total or the query row, never both, in week order', () => {
    const weeks = cdrWeeksWithTotals(
      { kind: 'snapshot', callers: [A], keys: [total('2025-01-13', 1, 1, 10), total('2025-01-06', 1, 0, 20), total('2025-01-20', 0, 1, 30)] },
      [stale('2025-01-06', 0, 1, 99), stale('2025-01-20', 1, 0, 31), stale('2025-01-27', 1, 1, 4)],
    );
    expect(weeks.map((w) => [w.week, w.calls, w.busiest_hour, w.busiest_hour_calls, w.hour_calls])).toEqual([
      ['2025-01-06', 20, 7, 99, [99]],
      ['2025-01-13', 10, 5, 10, [10]],
      ['2025-01-20', 31, 5, 30, [30]],
      ['2025-01-27', 4, 7, 4, [4]],
    ]);
    expect(weeks[0]).toEqual({
      number: A, week: '2025-01-06', calls: 20, callees: 3, answered_calls: 10, answered_share: 0.5, short_calls: 1, short_share: 0.05,
      busiest_hour: 7, busiest_hour_calls: 99, first_seen: '2025-01-06 01:00:00', last_seen: '2025-01-06 02:00:00', hours: [7], hour_calls: [99],
    });
    // The columns in numberCdrWeeksSql's order (the audits compare JSON texts).
    expect(Object.keys(weeks[0] ?? {})).toEqual(['number', 'week', 'calls', 'callees', 'answered_calls', 'answered_share', 'short_calls', 'short_share',
      'busiest_hour', 'busiest_hour_calls', 'first_seen', 'last_seen', 'hours', 'hour_calls']);
  });

  it('ignores totals current for nothing and keeps the first current row of a week', () => {
    const weeks = cdrWeeksWithTotals(
      { kind: 'snapshot', callers: [A], keys: [total('2025-01-06', 0, 0, 20), total('2025-01-13', 1, 1, 10), total('2025-01-13', 1, 1, 11)] },
      [stale('2025-01-06', 1, 1, 2)],
    );
    expect(weeks.map((w) => [w.week, w.calls])).toEqual([['2025-01-06', 2], ['2025-01-13', 10]]);
  });
});
