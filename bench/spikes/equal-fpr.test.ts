import { describe, expect, it } from 'vitest';
import { bootstrapDifference, cutFor, equalFpr, pairedDifference, seriesScores, tallyBelow, type PairedReplicate, type SeriesScores } from './equal-fpr.ts';
import { FIRST_TEST_WEEK, TEST_WEEKS } from '../../processors/spikes/noufaily.ts';

// A series whose test weeks 0–2 are an outbreak, week 3 holds a past outbreak's tail, the rest are free.
function labelled(): { outbreak: number[]; pastOutbreaks: number[] } {
  const outbreak = new Array<number>(FIRST_TEST_WEEK + TEST_WEEKS).fill(0);
  const pastOutbreaks = [...outbreak];
  outbreak[FIRST_TEST_WEEK] = 2;
  outbreak[FIRST_TEST_WEEK + 2] = 1; // week 1 holds none of its cases
  pastOutbreaks[FIRST_TEST_WEEK + 3] = 1;
  return { outbreak, pastOutbreaks };
}
const scoresWith = (free: number[], outbreakWeeks: [number, number, number]): number[] => {
  const s = new Array<number>(TEST_WEEKS).fill(Number.POSITIVE_INFINITY);
  [s[0], s[1], s[2]] = outbreakWeeks;
  s[3] = 1e-9; // past outbreak: neither free nor the outbreak
  free.forEach((v, i) => (s[4 + i] = v));
  return s;
};

describe('seriesScores', () => {
  it('splits the test weeks into free weeks and the outbreak (best and first score over its weeks with cases)', () => {
    const s = seriesScores(labelled(), 3, scoresWith([0.2, 0.01], [0.3, 1e-6, 0.004]));
    expect(s.replicate).toBe(3);
    // Week 1 holds no case of any outbreak: a free week, although it lies inside the outbreak's span.
    expect(s.free.length).toBe(TEST_WEEKS - 3);
    expect(s.free.slice(0, 3)).toEqual([1e-6, 0.2, 0.01]);
    expect(s.outbreakFirst).toBe(0.3);
    expect(s.outbreak).toBe(0.004);
  });
});

describe('cutFor and equalFpr', () => {
  const series = (replicate: number, free: number[], outbreak: number): SeriesScores => ({ replicate, free, outbreak, outbreakFirst: outbreak });

  it('the cut lies between the k-th and (k+1)-th smallest free score (geometric mean), half the smallest for 0', () => {
    const all = [series(1, [0.001, 0.04, Number.POSITIVE_INFINITY], 0.002), series(2, [0.01], 0.02)];
    expect(cutFor(all, 0)).toBeCloseTo(0.0005, 12);
    expect(cutFor(all, 1)).toBeCloseTo(Math.sqrt(0.001 * 0.01), 12);
    expect(cutFor(all, 3)).toBe(Number.POSITIVE_INFINITY);
    const t = tallyBelow(all, cutFor(all, 1));
    expect(t).toEqual({ freeWeeks: 4, falseAlarms: 1, outbreaks: 2, detected: 1, detectedFirstWeek: 1 });
  });

  it('in-sample never exceeds the reference false alarms; cross-fitted takes each half’s cut from the other half', () => {
    const all = [series(1, [0.001, 0.5], 0.003), series(2, [0.1, 0.5], 0.05), series(3, [0.02, 0.5], 0.01), series(4, [0.2, 0.5], 0.15)];
    const e = equalFpr(all, (half) => (half === 'all' ? 1 : 0));
    expect(e.inSample.falseAlarms).toBeLessThanOrEqual(1);
    expect(e.inSampleCut).toBeCloseTo(Math.sqrt(0.001 * 0.02), 12);
    // Odd replicates (1, 3) are judged at the even half's cut for 0 false alarms (0.1 / 2) and vice versa (0.001 / 2).
    expect(e.crossFitted).toEqual({ freeWeeks: 8, falseAlarms: 2, outbreaks: 4, detected: 2, detectedFirstWeek: 2 });
    expect(e.crossFittedCuts).toEqual([0.0005, 0.05]);
  });
});

describe('pairedDifference', () => {
  it('is the mean of (first − second) per outbreak with the Wald error of paired proportions', () => {
    // 10 outbreaks: 4 both, 3 first only, 1 second only, 2 neither. d has mean 0.2 and variance (over n)
    // 4/10 − 0.2² = 0.36, so the error is √(0.36 / 10).
    const pairs: [boolean, boolean][] = [
      ...Array.from({ length: 4 }, (): [boolean, boolean] => [true, true]),
      ...Array.from({ length: 3 }, (): [boolean, boolean] => [true, false]),
      [false, true],
      [false, false],
      [false, false],
    ];
    const p = pairedDifference(pairs);
    expect(p).toMatchObject({ outbreaks: 10, onlyFirst: 3, onlySecond: 1 });
    expect(p.difference).toBeCloseTo(0.2, 12);
    expect(p.standardError).toBeCloseTo(Math.sqrt(0.036), 12);
  });

  it('has no error when the methods agree on every outbreak, and none at all without outbreaks', () => {
    expect(pairedDifference([[true, true], [false, false]])).toEqual({ outbreaks: 2, onlyFirst: 0, onlySecond: 0, difference: 0, standardError: 0 });
    expect(pairedDifference([]).standardError).toBeNaN();
  });
});

describe('bootstrapDifference', () => {
  const replicate = (free: number[], outbreak: number | null, referenceFalseAlarms: number, referenceDetected: boolean | null): PairedReplicate => ({
    scores: { replicate: 1, free, outbreak, outbreakFirst: outbreak },
    referenceFalseAlarms,
    referenceDetected,
  });
  let state = 1;
  const random = (): number => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };

  it('is 0 when every resample gives the same difference', () => {
    // Both methods detect every outbreak at any cut callwatch can get (outbreak scores below every free score).
    const all = [replicate([0.1, 0.2], 1e-6, 0, true), replicate([0.3], 1e-5, 1, true)];
    expect(bootstrapDifference(all, 200, random)).toBe(0);
  });

  it('counts the cut moving with the resample, which a fixed-cut error does not', () => {
    // Replicate A: callwatch detects its outbreak only if the cut lies above 0.05, i.e. only when the
    // resample holds a reference false alarm (replicate B's) to spend (cut 0.03 for {A, A}: half the
    // smallest free score; √(0.06 · 0.1) ≈ 0.077 for {A, B}). farringtonFlexible never detects.
    const a = replicate([0.06], 0.05, 0, false);
    const b = replicate([0.1], null, 1, null);
    const sd = bootstrapDifference([a, b], 2000, random);
    // Resamples with A: {A, A} (difference 0), {A, B} twice (A detected: +1). SD of 0 w.p. 1/3, 1 w.p. 2/3: about 0.47.
    expect(sd).toBeGreaterThan(0.4);
    expect(sd).toBeLessThan(0.55);
  });
});
