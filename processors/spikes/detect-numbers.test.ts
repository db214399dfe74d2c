import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTOR_PARAMS } from '../../core/config/sections/spikes.ts';
import { baselineWeeks, detectNumberSpikes } from './detect-numbers.ts';

// Defaults: 8 baseline weeks, at least 4, alpha 0.0005, minimum count 5, prior count 0.5.
const P = { ...DEFAULT_DETECTOR_PARAMS };
const flat = (n: number, v: number): number[] => new Array<number>(n).fill(v);

describe('detectNumberSpikes', () => {
  it('a never-reported number with 5 reports fires: μ = 0.5/8, bound = max(NB quantile 2, 5 − 1) = 4', () => {
    const [v, ...rest] = detectNumberSpikes([...flat(8, 0), 5], flat(9, 1000), 0, P);
    expect(rest).toEqual([]);
    expect(v).toBeDefined();
    expect(v?.week).toBe(8);
    expect(v?.expected).toBeCloseTo(0.0625, 12);
    expect(v?.upper).toBe(4);
    // (5 − 0.0625) / sqrt(max(0.0625 · 1.125, 1)) = 4.9375
    expect(v?.score).toBeCloseTo(4.9375, 12);
  });

  it('the minimum-count rule: 4 reports never fire, whatever the baseline', () => {
    expect(detectNumberSpikes([...flat(8, 0), 4], flat(9, 1000), 0, P)).toEqual([]);
  });

  it('is judged relative to the whole stream: 30 after 8 weeks of 10 fires on a flat stream, not when the stream doubled', () => {
    const counts = [...flat(8, 10), 30];
    // μ = 80.5 / 8 = 10.0625, Poisson-like bound 23 → fires.
    const onFlat = detectNumberSpikes(counts, flat(9, 1000), 0, P);
    expect(onFlat.map((v) => [v.week, v.upper])).toEqual([[8, 23]]);
    expect(onFlat[0]?.expected).toBeCloseTo(10.0625, 12);
    // The stream doubled that week (a new reporting channel): μ = 20.125, bound 38 → normal.
    const doubled = [...flat(8, 1000), 2000];
    expect(detectNumberSpikes(counts, doubled, 0, P)).toEqual([]);
    // …but a number rising much faster than the stream still fires.
    expect(detectNumberSpikes([...flat(8, 10), 45], doubled, 0, P).map((v) => v.expected)).toEqual([20.125]);
  });

  it('a stream that fell does not lower the expectation (the rise factor is never below 1)', () => {
    const v = detectNumberSpikes([...flat(8, 10), 30], [...flat(8, 1000), 500], 0, P);
    expect(v[0]?.expected).toBeCloseTo(10.0625, 12);
  });

  it('overdispersion widens the bound: with 1/k = 0.5 the bound for μ = 10.0625 is 58, so 30 is normal', () => {
    expect(detectNumberSpikes([...flat(8, 10), 30], flat(9, 1000), 0.5, P)).toEqual([]);
  });

  it('leaves past spikes out of the baseline: after a 30-report week, 8 reports still fire', () => {
    const v = detectNumberSpikes([...flat(8, 0), 30, 0, 0, 8], flat(12, 1000), 0, P);
    expect(v.map((x) => x.week)).toEqual([8, 11]);
    // Week 11's baseline is weeks 3–10 without week 8: seven zeros, μ = 0.5 / 7. With week 8 in it,
    // μ would be 30.5 / 8 and the bound 13, so 8 would pass unnoticed.
    expect(v[1]?.expected).toBeCloseTo(0.5 / 7, 12);
  });

  it('needs minBaselineWeeks of history', () => {
    expect(detectNumberSpikes([5, 5, 5, 30], flat(4, 1000), 0, P)).toEqual([]);
    expect(detectNumberSpikes([0, 0, 0, 0, 30], flat(5, 1000), 0, P).map((v) => v.expected)).toEqual([0.125]);
  });
});

describe('baselineWeeks', () => {
  it('drops spike weeks while at least minBaselineWeeks remain, else keeps the whole window', () => {
    expect(baselineWeeks(10, new Set([8]), P)).toEqual([2, 3, 4, 5, 6, 7, 9]);
    expect(baselineWeeks(8, new Set([3, 4, 5, 6, 7]), P)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(baselineWeeks(3, new Set(), P)).toBeNull();
  });
});
