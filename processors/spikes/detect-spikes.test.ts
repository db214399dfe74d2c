import { describe, expect, it } from 'vitest';
import { isCallwatchError } from '../../core/errors.ts';
import { detectSpikes } from './detect-spikes.ts';
import { type SpikeInput, type WeeklySeries } from './verdict.ts';
import { addWeeks, weekRange } from '../../core/weeks.ts';

const flat = (n: number, v: number): number[] => new Array<number>(n).fill(v);
const weeks = weekRange('2016-01-04', 10);

function expectInputError(input: SpikeInput, message: RegExp): void {
  try {
    detectSpikes(input);
  } catch (err) {
    expect(isCallwatchError(err, 'CW_ERR_SPIKES_INPUT')).toBe(true);
    expect((err as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected CW_ERR_SPIKES_INPUT');
}

describe('detectSpikes', () => {
  it('joins numbers, channels and overall: a robocaller in one channel is a number SPIKE and that channel SPIKE, not a level shift', () => {
    // 8 quiet weeks at 1000 a week (HELPLINE 600, WEB 400), then one number gets 500 helpline reports for two weeks.
    const robo = [...flat(8, 0), 500, 500];
    const series: WeeklySeries[] = [
      { scope: 'number', key: '+447700900001', counts: robo, channelCounts: { HELPLINE: robo } },
      { scope: 'overall', key: 'ALL', counts: [...flat(8, 1000), 1500, 1500] },
      { scope: 'channel', key: 'HELPLINE', counts: [...flat(8, 600), 1100, 1100] },
      { scope: 'channel', key: 'WEB', counts: flat(10, 400) },
    ];
    const v = detectSpikes({ weeks, series });
    expect(v.map((x) => [x.week, x.scope, x.key, x.kind])).toEqual([
      ['2016-02-29', 'overall', 'ALL', 'SPIKE'],
      ['2016-02-29', 'channel', 'HELPLINE', 'SPIKE'],
      ['2016-02-29', 'number', '+447700900001', 'SPIKE'],
      ['2016-03-07', 'overall', 'ALL', 'SPIKE'],
      ['2016-03-07', 'channel', 'HELPLINE', 'SPIKE'],
      ['2016-03-07', 'number', '+447700900001', 'SPIKE'],
    ]);
    // Without the channel split the channel has only persistence to go on: a level shift.
    const unsplit = series.map((s) => (s.scope === 'number' ? { scope: s.scope, key: s.key, counts: s.counts } : s));
    expect(detectSpikes({ weeks, series: unsplit }).filter((x) => x.scope === 'channel').map((x) => x.kind)).toEqual(['LEVEL_SHIFT']);
  });

  it('a channel launch lifting every number is a level shift of the channel and the stream, not number spikes', () => {
    // 200 numbers at 5 a week; from week 8 a new WEB channel doubles each to 10.
    const numbers: WeeklySeries[] = Array.from({ length: 200 }, (_, i) => ({
      scope: 'number',
      key: `+4477009${String(i).padStart(5, '0')}`,
      counts: [...flat(8, 5), 10, 10],
      channelCounts: { HELPLINE: flat(10, 5), WEB: [...flat(8, 0), 5, 5] },
    }));
    const v = detectSpikes({
      weeks,
      series: [
        ...numbers,
        { scope: 'overall', key: 'ALL', counts: [...flat(8, 1000), 2000, 2000] },
        { scope: 'channel', key: 'HELPLINE', counts: flat(10, 1000) },
        { scope: 'channel', key: 'WEB', counts: [...flat(8, 0), 1000, 1000] },
      ],
    });
    expect(v.map((x) => [x.week, x.scope, x.key, x.kind])).toEqual([
      ['2016-02-29', 'overall', 'ALL', 'LEVEL_SHIFT'],
      ['2016-02-29', 'channel', 'WEB', 'LEVEL_SHIFT'],
    ]);
  });

  it('numbersFrom: numbers are judged from that week on only, exactly as on an input that starts there', () => {
    // 16 weeks; the number series cover weeks 6–15 (the evaluator reads numbers over a shorter history).
    // Week 4 holds a count that would be a spike if it were read; weeks 14–15 are a robocaller.
    const long = weekRange('2015-11-23', 16);
    const number = [0, 1, 0, 1, 40, 0, 1, 0, 1, 0, 1, 0, 1, 0, 300, 300];
    const series: WeeklySeries[] = [
      { scope: 'number', key: '+447700900001', counts: number, channelCounts: { HELPLINE: number } },
      { scope: 'overall', key: 'ALL', counts: number.map((c) => 1000 + c) },
      { scope: 'channel', key: 'HELPLINE', counts: number.map((c) => 600 + c) },
    ];
    const from6 = detectSpikes({ weeks: long, series, numbersFrom: 6 }).filter((v) => v.scope === 'number');
    const sliced = detectSpikes({
      weeks: long.slice(6),
      series: series.map((s) => ({ ...s, counts: s.counts.slice(6), ...(s.channelCounts ? { channelCounts: { HELPLINE: number.slice(6) } } : {}) })),
    }).filter((v) => v.scope === 'number');
    expect(from6.map((v) => v.week)).toEqual([long[14], long[15]]);
    expect(from6).toEqual(sliced);
    // Read from the start, week 2 is a spike too.
    expect(detectSpikes({ weeks: long, series }).filter((v) => v.scope === 'number').map((v) => v.week)).toEqual([long[4], long[14], long[15]]);
    // The robocaller's excess is still attributed to the channel (weeks shifted back to the full axis):
    // a SPIKE, not the level shift persistence alone would make of it.
    expect(detectSpikes({ weeks: long, series, numbersFrom: 6 }).find((v) => v.scope === 'channel' && v.week === long[14])?.kind).toBe('SPIKE');
  });

  it('rejects bad input with the series and the reason', () => {
    const overall: WeeklySeries = { scope: 'overall', key: 'ALL', counts: flat(10, 1) };
    expectInputError({ weeks, series: [] }, /no overall series/);
    expectInputError({ weeks, series: [overall, overall] }, /given twice/);
    expectInputError({ weeks: ['2016-01-05'], series: [] }, /not a Monday/);
    expectInputError({ weeks: ['2016-13-04'], series: [] }, /not a Monday written YYYY-MM-DD/);
    expectInputError({ weeks: ['2016-01-04', '2016-01-18'], series: [] }, /consecutive Mondays: 2016-01-04 then 2016-01-18/);
    expectInputError({ weeks, series: [overall, { scope: 'number', key: '+447700900001', counts: flat(9, 0) }] }, /number "\+447700900001": 9 counts for 10 weeks/);
    expectInputError({ weeks, series: [overall, { scope: 'channel', key: 'WEB', counts: [...flat(9, 0), -1] }] }, /channel "WEB": count at week index 9 is -1/);
    expectInputError(
      { weeks, series: [overall, { scope: 'number', key: 'X', counts: flat(10, 0), channelCounts: { WEB: [...flat(9, 0), 0.5] } }] },
      /number "X" channel WEB: count at week index 9 is 0.5/,
    );
    expectInputError({ weeks, series: [overall, { scope: 'number', key: '', counts: flat(10, 0) }] }, /empty key/);
    expectInputError({ weeks, series: [overall], numbersFrom: 11 }, /numbersFrom 11 is not a week index of the 10-week axis/);
    expectInputError({ weeks, series: [overall], numbersFrom: -1 }, /numbersFrom -1 is not a week index/);
    expectInputError({ weeks, series: [overall], numbersFrom: 1.5 }, /numbersFrom 1.5 is not a week index/);
  });

  it('addWeeks and weekRange step in whole weeks across month and year ends', () => {
    expect(addWeeks('2015-12-28', 1)).toBe('2016-01-04');
    expect(addWeeks('2016-01-04', -1)).toBe('2015-12-28');
    expect(weekRange('2016-02-22', 3)).toEqual(['2016-02-22', '2016-02-29', '2016-03-07']);
  });
});
