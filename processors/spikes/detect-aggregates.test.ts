import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTOR_PARAMS } from '../../core/config/sections/spikes.ts';
import { aggregateBaselineWeeks, aggregateBound, detectAggregateSpikes, longHistoryBound } from './detect-aggregates.ts';

// Defaults: 8 baseline weeks (at least 4), k = 4, relative floor 5%, minimum count 10, 2 confirming weeks, concentrated share 0.5.
const P = { ...DEFAULT_DETECTOR_PARAMS };
const flat = (n: number, v: number): number[] => new Array<number>(n).fill(v);
const brief = (vs: ReturnType<typeof detectAggregateSpikes>): [number, string][] => vs.map((v) => [v.week, v.kind]);

describe('aggregateBound', () => {
  it('flat 1000: MAD 0, sigma = max(0, √1000 = 31.6, 5% = 50) = 50, bounds 1000 ± 4 · 50 = 800 … 1200', () => {
    expect(aggregateBound(flat(8, 1000), P)).toEqual({ expected: 1000, sigma: 50, upper: 1200, lower: 800 });
  });

  it('uses the MAD when the baseline is noisier than the floors', () => {
    // median 1000; |deviations| sorted 0,0,20,20,50,50,100,100 → median 35 → sigma 35 · 1.4826 = 51.891
    const b = aggregateBound([900, 1100, 1000, 950, 1050, 1000, 980, 1020], P);
    expect(b.sigma).toBeCloseTo(51.891, 10);
    expect(b.upper).toBe(1207);
  });

  it('never below the minimum count − 1; a series below the minimum count has no lower bound', () => {
    expect(aggregateBound(flat(8, 0), P)).toEqual({ expected: 0, sigma: 1, upper: 9, lower: 0 });
    expect(aggregateBound(flat(8, 9), P).lower).toBe(0);
  });
});

describe('detectAggregateSpikes', () => {
  it('a one-week rise is a SPIKE: 1300 over a flat 1000, score (1300 − 1000) / 50 = 6', () => {
    const v = detectAggregateSpikes([...flat(8, 1000), 1300, 1000], null, P);
    expect(v).toEqual([{ week: 8, observed: 1300, expected: 1000, upper: 1200, score: 6, kind: 'SPIKE' }]);
  });

  it('a rise that persists and is not explained by numbers is one LEVEL_SHIFT, then a new level', () => {
    const v = detectAggregateSpikes([...flat(8, 1000), 2000, 2000, 2000, 2000], null, P);
    expect(brief(v)).toEqual([[8, 'LEVEL_SHIFT']]);
    // After the shift, weeks 9–10 confirm it and week 11 is judged against them: 2000 + 4 · 100 = 2400.
    expect(brief(detectAggregateSpikes([...flat(8, 1000), 2000, 2000, 2000, 2600], null, P))).toEqual([
      [8, 'LEVEL_SHIFT'],
      [11, 'SPIKE'],
    ]);
  });

  it('the same persistent rise is a SPIKE every week when spiking numbers explain it (a robocaller)', () => {
    const attributed = [...flat(8, 0), 900, 900, 900, 900];
    const v = detectAggregateSpikes([...flat(8, 1000), 2000, 2000, 2000, 2000], attributed, P);
    expect(brief(v)).toEqual([
      [8, 'SPIKE'],
      [9, 'SPIKE'],
      [10, 'SPIKE'],
      [11, 'SPIKE'],
    ]);
    // Numbers explaining less than half the excess (400 of 1000) leave it a level shift.
    expect(brief(detectAggregateSpikes([...flat(8, 1000), 2000, 2000, 2000], [...flat(8, 0), 400, 400, 400], P))).toEqual([[8, 'LEVEL_SHIFT']]);
  });

  it('at the end of the data a rise is provisional: SPIKE with no following week, LEVEL_SHIFT once one confirms it', () => {
    expect(brief(detectAggregateSpikes([...flat(8, 1000), 2000], null, P))).toEqual([[8, 'SPIKE']]);
    expect(brief(detectAggregateSpikes([...flat(8, 1000), 2000, 2000], null, P))).toEqual([[8, 'LEVEL_SHIFT']]);
  });

  it('a new channel (zero before) is a level shift from 10 a week; 9 is below the minimum count', () => {
    expect(detectAggregateSpikes([...flat(8, 0), 9, 9, 9], null, P)).toEqual([]);
    const v = detectAggregateSpikes([...flat(8, 0), 10, 12, 11], null, P);
    expect(v).toEqual([{ week: 8, observed: 10, expected: 0, upper: 9, score: 10, kind: 'LEVEL_SHIFT' }]);
  });

  it('a collapse is a DROP every week it lasts: 100 under a flat 1000, bound 800, score (100 − 1000) / 50 = −18', () => {
    expect(detectAggregateSpikes([...flat(8, 1000), 100, 100, 100], null, P)).toEqual([8, 9, 10].map((week) => ({ week, observed: 100, expected: 1000, upper: 800, score: -18, kind: 'DROP' })));
    // 800 is still normal; 799 is not.
    expect(detectAggregateSpikes([...flat(8, 1000), 800], null, P)).toEqual([]);
    expect(brief(detectAggregateSpikes([...flat(8, 1000), 799], null, P))).toEqual([[8, 'DROP']]);
  });

  it('a lasting collapse becomes the new normal once the clean weeks are out of reach (two baseline windows)', () => {
    const v = detectAggregateSpikes([...flat(8, 1000), ...flat(20, 100)], null, P);
    // Weeks 8–20: at least 4 of the 1000s (weeks 0–7) lie within 16 weeks back; from week 21 too few remain and the recent weeks are the baseline.
    expect(v.map((x) => x.week)).toEqual(Array.from({ length: 13 }, (_, i) => 8 + i));
  });

  it('a quiet channel (median below the minimum count) never drops', () => {
    expect(detectAggregateSpikes([...flat(8, 8), 0, 0], null, P)).toEqual([]);
  });
});

describe('aggregateBaselineWeeks', () => {
  it('takes the latest non-spike weeks, looking back up to twice the window past a run of spikes', () => {
    // Week 12, window 8: weeks 4–11, of which 6, 8, 9, 10, 11 were spikes → look further back: 0–5 and 7.
    expect(aggregateBaselineWeeks(12, 0, new Set([6, 8, 9, 10, 11]), 4, 8)).toEqual([0, 1, 2, 3, 4, 5, 7]);
    expect(aggregateBaselineWeeks(10, 0, new Set([8]), 4, 8)).toEqual([1, 2, 3, 4, 5, 6, 7, 9]);
  });

  it('stays inside the segment, falls back to the window when the clean weeks are too few, null without history', () => {
    expect(aggregateBaselineWeeks(12, 9, new Set(), 2, 8)).toEqual([9, 10, 11]);
    expect(aggregateBaselineWeeks(12, 9, new Set([10, 11]), 2, 8)).toEqual([9, 10, 11]);
    expect(aggregateBaselineWeeks(3, 0, new Set(), 4, 8)).toBeNull();
  });
});

describe('longHistoryBound (two years of history or more)', () => {
  // A seasonal channel: 1000 · exp(0.3 · cos(2πt/52)), i.e. 741 … 1350 a week, no noise.
  const seasonal = Array.from({ length: 160 }, (_, t) => Math.round(1000 * Math.exp(0.3 * Math.cos((2 * Math.PI * t) / 52))));

  it('is null with less than 104 usable weeks (the 8-week median/MAD bound applies)', () => {
    expect(longHistoryBound(seasonal, 100, 0, new Set(), P)).toBeNull();
    expect(longHistoryBound(seasonal, 120, 20, new Set(), P)).toBeNull();
  });

  it('follows the season: at the trough the bound sits at the trough, where the 8-week median lags above it', () => {
    const trough = 130; // cos(2π · 130/52) = cos(5π) = −1: expected 741
    const b = longHistoryBound(seasonal, trough, 0, new Set(), P);
    expect(b?.expected).toBeGreaterThan(735);
    expect(b?.expected).toBeLessThan(748);
    expect(b?.upper).toBeLessThan(741 * 1.25);
    const median8 = aggregateBound(seasonal.slice(trough - 8, trough), P);
    expect(median8.expected).toBeGreaterThan(770);
  });

  it('a seasonal series gives no verdicts of its own, a 30% rise at the trough is a SPIKE, a collapse a DROP', () => {
    expect(detectAggregateSpikes(seasonal, null, P)).toEqual([]);
    const rise = [...seasonal];
    rise[130] = Math.round((rise[130] ?? 0) * 1.3);
    expect(brief(detectAggregateSpikes(rise, null, P))).toEqual([[130, 'SPIKE']]);
    const fall = [...seasonal];
    fall[130] = 100;
    expect(brief(detectAggregateSpikes(fall, null, P))).toEqual([[130, 'DROP']]);
  });
});
