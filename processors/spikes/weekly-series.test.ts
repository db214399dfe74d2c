import { describe, expect, it } from 'vitest';
import { isCallwatchError } from '../../core/errors.ts';
import { mondayOf } from '../../core/weeks.ts';
import { SeriesBuilder } from './weekly-series.ts';

describe('SeriesBuilder', () => {
  it('builds dense series on the window: missing weeks are 0, number counts summed over channels and kept per channel', () => {
    const b = new SeriesBuilder({ fromWeek: '2016-05-02', toWeek: '2016-05-16' });
    expect(b.weeks).toEqual(['2016-05-02', '2016-05-09', '2016-05-16']);
    const input = b.build(
      [
        { week: '2016-05-02', reports: 10 },
        { week: '2016-05-16', reports: 30 },
      ],
      [{ week: '2016-05-16', channel: 'WEB', reports: 12 }],
      [
        { number: '+447700900123', channel: 'WEB', week: '2016-05-16', reports: 5 },
        { number: '+447700900123', channel: 'HELPLINE', week: '2016-05-16', reports: 2 },
        { number: '+447700900123', channel: 'HELPLINE', week: '2016-05-02', reports: 1 },
      ],
    );
    expect(input.series).toEqual([
      { scope: 'overall', key: 'ALL', counts: [10, 0, 30] },
      { scope: 'channel', key: 'WEB', counts: [0, 0, 12] },
      { scope: 'number', key: '+447700900123', counts: [1, 0, 7], channelCounts: { WEB: [0, 0, 5], HELPLINE: [1, 0, 2] } },
    ]);
  });

  it('refuses rows outside the window and windows that end before they start', () => {
    const b = new SeriesBuilder({ fromWeek: '2016-05-02', toWeek: '2016-05-09' });
    expect(() => b.build([{ week: '2016-05-16', reports: 1 }], [], [])).toThrow(/outside the window/);
    try {
      new SeriesBuilder({ fromWeek: '2016-05-09', toWeek: '2016-05-02' });
      expect.unreachable();
    } catch (err) {
      expect(isCallwatchError(err, 'CW_ERR_SPIKES_INPUT')).toBe(true);
    }
  });
});

describe('mondayOf', () => {
  it('gives the Monday of the week, Sunday belonging to the week before', () => {
    expect(mondayOf(new Date('2016-05-17T10:00:00Z'))).toBe('2016-05-16');
    expect(mondayOf(new Date('2016-05-16T00:00:00Z'))).toBe('2016-05-16');
    expect(mondayOf(new Date('2016-05-22T23:59:59Z'))).toBe('2016-05-16');
    expect(mondayOf(new Date('2016-01-03T12:00:00Z'))).toBe('2015-12-28');
  });
});
