import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { detectSeriesSpikes, DEFAULT_SERIES_MODEL, seriesBound, seriesTailProbabilities } from './detect-series.ts';
import { FIRST_TEST_WEEK, negativeBinomial, NOUFAILY_SCENARIOS, noufailySeries } from './noufaily.ts';

const P = DEFAULT_SERIES_MODEL;
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
// A deterministic series with Poisson-like spread around `level`: level + round(√level · pattern).
const PATTERN = [0.3, -1.1, 0.8, -0.2, 1.4, -0.7, 0.1, -1.5, 0.9, 0.5, -0.4, 1.1, -0.9];
const noisy = (n: number, level: (t: number) => number): number[] =>
  Array.from({ length: n }, (_, t) => Math.max(0, Math.round(level(t) + Math.sqrt(level(t)) * (PATTERN[t % PATTERN.length] ?? 0))));

describe('seriesBound', () => {
  it('fewer than 10 counts in the window: the mean with a half-count prior, Poisson, no terms', () => {
    const counts = [...new Array<number>(52).fill(0), 3, 0];
    const b = seriesBound(counts, range(0, 54), 54, P);
    expect(b).toMatchObject({ expected: 3.5 / 54, lower: 0, trend: false, season: false, dispersion: 1 });
    expect(seriesBound(counts, [0], 1, P)).toBeNull();
  });

  it('a flat series: the level, a trend term from 52 weeks on, no season before 104 weeks', () => {
    const counts = noisy(80, () => 40);
    const b = seriesBound(counts, range(0, 80), 80, P);
    expect(b?.trend).toBe(true);
    expect(b?.season).toBe(false);
    expect(b?.expected).toBeGreaterThan(37);
    expect(b?.expected).toBeLessThan(43);
    // Upper bound of roughly 40 + 2.58 · √40 ≈ 56, lower bound roughly 40 − 2.58 · √40 ≈ 24.
    expect(b?.upper).toBeGreaterThanOrEqual(54);
    expect(b?.upper).toBeLessThanOrEqual(62);
    expect(b?.lower).toBeGreaterThanOrEqual(20);
    expect(b?.lower).toBeLessThanOrEqual(26);
  });

  it('follows an annual season and a trend: at a peak of a rising series the expected count is the peak, not the mean', () => {
    const level = (t: number): number => 30 * Math.exp(0.002 * t + 0.6 * Math.cos((2 * Math.PI * t) / 52));
    const counts = noisy(260, level);
    const peak = 260; // cos(2π · 5) = 1
    const b = seriesBound(counts, range(0, 260), peak, P);
    expect(b?.season).toBe(true);
    expect(b?.expected).toBeGreaterThan(level(peak) * 0.93);
    expect(b?.expected).toBeLessThan(level(peak) * 1.07);
  });

  it('a past outbreak in the history is downweighted; a huge one needs more than one round (it inflates φ, which hides it)', () => {
    const counts = noisy(156, () => 20);
    counts[100] = (counts[100] ?? 0) + 200;
    counts[101] = (counts[101] ?? 0) + 150;
    counts[102] = (counts[102] ?? 0) + 80;
    const b = seriesBound(counts, range(0, 156), 156, P);
    // The plain mean is pulled up by 430 / 156 = 2.8.
    const plain = counts.reduce((s, v) => s + v, 0) / 156;
    expect(plain).toBeGreaterThan(22.5);
    expect(b?.expected).toBeLessThan(plain);
    const settled = seriesBound(counts, range(0, 156), 156, { ...P, reweightRounds: 3 });
    expect(settled?.expected).toBeGreaterThan(19);
    expect(settled?.expected).toBeLessThan(21);
    // A moderate outbreak (120 cases over 3 weeks): the one round the defaults run removes most of its
    // pull on the fit (measured: clean 19.99, unweighted 22.80, reweighted 20.59).
    const moderate = noisy(156, () => 20);
    moderate[100] = (moderate[100] ?? 0) + 60;
    moderate[101] = (moderate[101] ?? 0) + 40;
    moderate[102] = (moderate[102] ?? 0) + 20;
    const expectedOf = (c: number[], rounds: number): number => seriesBound(c, range(0, 156), 156, { ...P, reweightRounds: rounds })?.expected ?? Number.NaN;
    const clean = expectedOf(noisy(156, () => 20), 1);
    const pull = expectedOf(moderate, 0) - clean;
    expect(pull).toBeGreaterThan(2);
    expect(expectedOf(moderate, 1) - clean).toBeLessThan(0.3 * pull);
  });
});

describe('the dispersion of a reweighted fit', () => {
  // 40 outbreak-free negative-binomial series of 260 weeks at the Noufaily set-4 level (mean 1.65, φ 5),
  // where the reweighting falls on the series' own heavy tail.
  const rng = new Rng(5);
  const series = Array.from({ length: 40 }, () => Array.from({ length: 260 }, () => negativeBinomial(rng, 1.65, 5)));
  const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? Number.NaN;
  const dispersions = (consistency: boolean): number[] =>
    series.map((c) => seriesBound(c, range(0, 260), 260, { ...P, dispersionEstimator: 'pearson', consistentReweighting: consistency })?.dispersion ?? Number.NaN);

  it('is biased low without the consistency correction and close to the truth with it', () => {
    const plain = median(dispersions(false));
    const corrected = median(dispersions(true));
    expect(plain).toBeLessThan(4.3);
    expect(corrected).toBeGreaterThan(4.5);
    expect(corrected).toBeLessThan(5.5);
  });

  it('the correction changes nothing when no week is downweighted (a series under 5 a week with no week of 5 or more)', () => {
    const low = noisy(260, () => 1);
    expect(Math.max(...low)).toBeLessThan(5);
    const off = seriesBound(low, range(0, 260), 260, { ...P, dispersionEstimator: 'pearson', consistentReweighting: false });
    const on = seriesBound(low, range(0, 260), 260, { ...P, dispersionEstimator: 'pearson' });
    expect(on?.dispersion).toBeCloseTo(off?.dispersion ?? Number.NaN, 9);
  });
});

describe('detectSeriesSpikes', () => {
  const base = noisy(200, () => 40);

  it('flags a rise and a fall from `from` on, and leaves a flagged week out of later baselines', () => {
    const counts = [...base];
    counts[180] = 90;
    counts[181] = 88;
    counts[190] = 5;
    const v = detectSeriesSpikes(counts, 150, P);
    expect(v.map((x) => [x.week, x.direction])).toEqual([
      [180, 'up'],
      [181, 'up'],
      [190, 'down'],
    ]);
    expect(v[0]?.observed).toBe(90);
    expect(v[0]?.bound).toBeLessThan(90);
    expect(v[2]?.score).toBeLessThan(0);
  });

  it('no verdict on its own noise, nothing before `from`', () => {
    expect(detectSeriesSpikes(base, 60, P)).toEqual([]);
    const counts = [...base];
    counts[100] = 200;
    expect(detectSeriesSpikes(counts, 120, P)).toEqual([]);
  });

  it("needs 5 counts in the last 4 weeks to alarm (Farrington's limit54): 3 cases on a series of 0.05 a week do not", () => {
    const sparse: number[] = Array.from({ length: 200 }, (_, t) => (t % 20 === 0 ? 1 : 0));
    const three = [...sparse];
    three[190] = 3;
    expect(detectSeriesSpikes(three, 150, P)).toEqual([]);
    const six = [...sparse];
    six[190] = 6;
    expect(detectSeriesSpikes(six, 150, P).map((x) => x.week)).toEqual([190]);
  });
});

describe('seriesTailProbabilities', () => {
  it('alarms at α exactly where detectSeriesSpikes rises (tail ≤ α and limit54), on benchmark series of every scenario', () => {
    for (const scenario of NOUFAILY_SCENARIOS.filter((s) => s.id % 3 === 1)) {
      const { counts } = noufailySeries(scenario, 1, 99);
      const up = detectSeriesSpikes(counts, FIRST_TEST_WEEK, P).filter((v) => v.direction === 'up').map((v) => v.week);
      const tails = seriesTailProbabilities(counts, FIRST_TEST_WEEK, P);
      expect(tails.length).toBe(counts.length - FIRST_TEST_WEEK);
      expect(tails.filter((w) => w.recentEnough && w.tail <= P.alpha).map((w) => w.week)).toEqual(up);
    }
  });

  it('a week far above its history has a tiny tail probability, an ordinary week a large one', () => {
    const counts = noisy(200, () => 40);
    counts[199] = 90;
    const tails = seriesTailProbabilities(counts, 198, P);
    expect(tails[0]?.tail).toBeGreaterThan(0.05);
    expect(tails[1]?.tail).toBeLessThan(1e-6);
  });
});

describe("the likelihood dispersion ('likelihood')", () => {
  // The same 40 heavy-tailed outbreak-free series as above (mean 1.65, φ 5), each with one past outbreak.
  const rng = new Rng(5);
  const series = Array.from({ length: 40 }, () => Array.from({ length: 260 }, () => negativeBinomial(rng, 1.65, 5)));
  const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? Number.NaN;
  const L = { ...P, dispersionEstimator: 'likelihood' as const };

  it('is close to the truth, and spreads less from series to series than the Pearson estimate', () => {
    const spread = (v: number[]): number => {
      const s = [...v].sort((a, b) => a - b);
      return (s[30] ?? 0) - (s[9] ?? 0);
    };
    const pearson = series.map((c) => seriesBound(c, range(0, 260), 260, { ...P, dispersionEstimator: 'pearson' })?.dispersion ?? Number.NaN);
    const likelihood = series.map((c) => seriesBound(c, range(0, 260), 260, L)?.dispersion ?? Number.NaN);
    expect(median(likelihood)).toBeGreaterThan(4.3);
    expect(median(likelihood)).toBeLessThan(5.7);
    expect(spread(likelihood)).toBeLessThan(spread(pearson));
  });

  it('a large past outbreak does not inflate it (the week is censored at its cut)', () => {
    const c = [...(series[0] ?? [])];
    const before = seriesBound(c, range(0, 260), 260, L)?.dispersion ?? Number.NaN;
    c[150] = (c[150] ?? 0) + 60;
    c[151] = (c[151] ?? 0) + 30;
    const after = seriesBound(c, range(0, 260), 260, L)?.dispersion ?? Number.NaN;
    expect(Math.abs(after - before) / before).toBeLessThan(0.15);
  });
});
