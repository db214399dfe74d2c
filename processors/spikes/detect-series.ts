import { countLowerQuantile, countUpperQuantile } from './count-distributions.ts';

/**
 * A long-history baseline for one weekly count series: a quasi-Poisson log-linear model fitted to the
 * series' own past, with the terms the history can carry:
 *
 *   log μ_b = β0 + β1 · (b − t)/52 [trend] + β2 · cos(2πb/52) + β3 · sin(2πb/52) [annual season]
 *
 * Why this and not Farrington's: the seasonal pair uses every past week (Farrington-Noufaily's
 * 10-period step function spends 9 parameters on the same job), the trend is centred on the judged
 * week (so its uncertainty enters the bound only through the slope's own error, never as an
 * extrapolated level), and recent weeks are used (Noufaily leaves out the last 26 to keep an ongoing
 * outbreak out): weeks already judged spikes are left out by the caller and the remaining outbreak
 * weeks are downweighted here.
 *
 * Fit: iteratively reweighted least squares with prior weights; dispersion φ from the Pearson
 * residuals (never below 1); then past outbreaks are downweighted (Farrington's reweighting: weight
 * (c / a)² for a standardised Anscombe residual a above c, here 2, only for weeks of 5 counts or more)
 * and the model is refitted. The trend is always in when the history can carry it, as in Noufaily's
 * settings (pThresholdTrend = 1): dropping a slope that narrowly failed a significance test raised the
 * false-alarm rate of the trend scenarios (a pre-test bias). The predictive distribution of week t's
 * count has mean μ_t and variance φ'·μ_t + μ_t²·Var(η_t) (count noise plus the uncertainty of the
 * fit), φ' a cautious dispersion (see dispersionZ); the bounds are its exact negative-binomial (or
 * Poisson) quantiles, count-distributions.ts.
 *
 * The settings were chosen on the benchmark's seed 7 (bench/spikes/README.md) and measured on seed 2013.
 */
export interface SeriesModelParams {
  /** One-sided tail probability of each bound. */
  alpha: number;
  /** At most this many past weeks (5 years, as Farrington-Noufaily's b = 4 plus windows reach about as far). */
  historyWeeks: number;
  /** A trend term needs at least this many usable weeks. */
  trendMinWeeks: number;
  /** The seasonal pair needs at least this many usable weeks (two full years). */
  seasonMinWeeks: number;
  /** Each term beyond the intercept needs this many counts in the window, or the fit is too noisy to carry it. */
  minCountsPerTerm: number;
  /** Anscombe residual above which a past week is downweighted as an outbreak. */
  reweightThreshold: number;
  /**
   * The dispersion used for the bound is φ̂ · (1 + dispersionZ · √(2 / df)): an upper confidence value
   * rather than the point estimate, because an underestimated φ raises the false-alarm rate more than an
   * overestimated one lowers it (the tail quantile is convex in φ), which showed on the heavy-tailed
   * Noufaily scenarios (φ = 5).
   */
  dispersionZ: number;
  /**
   * Power of the outlier weights in the dispersion estimate. A downweighted outbreak week with weight
   * (c/a)² still adds c² to the Pearson sum, so 8 outbreak weeks in 5 years inflated φ by about 15%
   * and made the bound needlessly high; with the squared weight it adds c⁴/a², little for a real outbreak.
   */
  dispersionWeightPower: number;
  /** Weeks with fewer counts than this are never downweighted. */
  reweightMinCount: number;
  /** Rounds of reweighting (Farrington: 1). */
  reweightRounds: number;
  /**
   * A rise alarms only when the judged week and the `recentWeeks − 1` before it hold at least this
   * many counts together (Farrington's limit54, default 5 in 4 weeks): at a baseline of 0.1 a week,
   * 3 or 4 cases are "significant" and nothing anyone would act on.
   */
  minRecentCount: number;
  recentWeeks: number;
}

export const DEFAULT_SERIES_MODEL: SeriesModelParams = {
  alpha: 0.005,
  historyWeeks: 260,
  trendMinWeeks: 52,
  seasonMinWeeks: 104,
  minCountsPerTerm: 10,
  reweightThreshold: 2,
  dispersionZ: 0.5,
  dispersionWeightPower: 2,
  reweightMinCount: 5,
  reweightRounds: 1,
  minRecentCount: 5,
  recentWeeks: 4,
};

export interface SeriesBound {
  expected: number;
  variance: number;
  /** Largest count still judged normal. */
  upper: number;
  /** Smallest count still judged normal (0: a fall cannot be significant). */
  lower: number;
  dispersion: number;
  trend: boolean;
  season: boolean;
}

const TWO_PI_52 = (2 * Math.PI) / 52;

/** Solves the symmetric positive (semi)definite system A x = b in place (Gaussian elimination with a small ridge); returns x and A⁻¹. */
function solve(a: number[][], b: number[]): { x: number[]; inverse: number[][] } {
  const n = b.length;
  const m = a.map((row, i) => [...row.map((v, j) => v + (i === j ? 1e-9 * (Math.abs(row[i] ?? 0) + 1) : 0)), ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)), b[i] ?? 0]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]?.[c] ?? 0) > Math.abs(m[pivot]?.[c] ?? 0)) pivot = r;
    const tmp = m[c] as number[];
    m[c] = m[pivot] as number[];
    m[pivot] = tmp;
    const rowC = m[c] as number[];
    const d = rowC[c] ?? 0;
    if (d === 0) continue;
    for (let j = 0; j < rowC.length; j++) rowC[j] = (rowC[j] ?? 0) / d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const row = m[r] as number[];
      const f = row[c] ?? 0;
      if (f !== 0) for (let j = 0; j < row.length; j++) row[j] = (row[j] ?? 0) - f * (rowC[j] ?? 0);
    }
  }
  return { x: m.map((row) => row[2 * n] ?? 0), inverse: m.map((row) => row.slice(n, 2 * n)) };
}

interface Fit {
  mu: number[];
  beta: number[];
  /** (X'WX)⁻¹ without φ. */
  inverse: number[][];
  dispersion: number;
  /** Residual degrees of freedom (sum of weights − parameters). */
  df: number;
}

function fitPoissonGlm(x: readonly number[][], y: readonly number[], weights: readonly number[], dispersionPower = 1): Fit {
  const n = y.length;
  const p = x[0]?.length ?? 1;
  let eta = y.map((v) => Math.log(v + 0.5));
  let beta = new Array<number>(p).fill(0);
  let inverse: number[][] = [];
  for (let iter = 0; iter < 30; iter++) {
    const xtwx = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    const xtwz = new Array<number>(p).fill(0);
    for (let i = 0; i < n; i++) {
      const mu = Math.exp(eta[i] ?? 0);
      const w = (weights[i] ?? 0) * mu;
      if (w === 0) continue;
      const z = (eta[i] ?? 0) + ((y[i] ?? 0) - mu) / mu;
      const row = x[i] as number[];
      for (let a = 0; a < p; a++) {
        const wa = w * (row[a] ?? 0);
        xtwz[a] = (xtwz[a] ?? 0) + wa * z;
        const line = xtwx[a] as number[];
        for (let c = a; c < p; c++) line[c] = (line[c] ?? 0) + wa * (row[c] ?? 0);
      }
    }
    for (let a = 0; a < p; a++) for (let c = 0; c < a; c++) (xtwx[a] as number[])[c] = (xtwx[c] as number[])[a] ?? 0;
    const solved = solve(xtwx, xtwz);
    inverse = solved.inverse;
    const change = solved.x.reduce((s, v, i) => Math.max(s, Math.abs(v - (beta[i] ?? 0))), 0);
    beta = solved.x;
    eta = x.map((row) => Math.min(30, row.reduce((s, v, i) => s + v * (beta[i] ?? 0), 0)));
    if (change < 1e-8) break;
  }
  const mu = eta.map((e) => Math.exp(e));
  let pearson = 0;
  let weightSum = 0;
  for (let i = 0; i < n; i++) {
    const w = (weights[i] ?? 0) ** dispersionPower;
    const m = mu[i] ?? 0;
    weightSum += w;
    if (m > 0) pearson += (w * ((y[i] ?? 0) - m) ** 2) / m;
  }
  const df = weightSum - p;
  const dispersion = df > 0 ? Math.max(1, pearson / df) : 1;
  return { mu, beta, inverse, dispersion, df };
}

function anscombe(y: number, mu: number, dispersion: number): number {
  if (mu <= 0) return 0;
  return (1.5 * (Math.cbrt(y) ** 2 - Math.cbrt(mu) ** 2)) / (Math.cbrt(Math.sqrt(mu)) * Math.sqrt(dispersion));
}

/**
 * The bound for week t of `counts`, fitted on the baseline weeks `base` (indices < t, already free of
 * the weeks the caller judged spikes). null when fewer than 2 baseline weeks.
 */
export function seriesBound(counts: readonly number[], base: readonly number[], t: number, p: SeriesModelParams): SeriesBound | null {
  if (base.length < 2) return null;
  const y = base.map((b) => counts[b] ?? 0);
  const total = y.reduce((s, v) => s + v, 0);
  if (total < p.minCountsPerTerm) {
    // Too few counts for a regression: the mean with a half-count prior, Poisson, plus its own uncertainty.
    const expected = (total + 0.5) / base.length;
    const variance = expected * (1 + 1 / base.length);
    return { expected, variance, upper: countUpperQuantile(expected, variance, p.alpha), lower: 0, dispersion: 1, trend: false, season: false };
  }
  const season = base.length >= p.seasonMinWeeks && total >= 3 * p.minCountsPerTerm;
  const trend = base.length >= p.trendMinWeeks && total >= (season ? 4 : 2) * p.minCountsPerTerm;
  const design = (b: number, withTrend: boolean): number[] => {
    const row = [1];
    if (withTrend) row.push((b - t) / 52);
    if (season) row.push(Math.cos(TWO_PI_52 * b), Math.sin(TWO_PI_52 * b));
    return row;
  };
  const ones = y.map(() => 1);
  const x = base.map((b) => design(b, trend));
  const reweight = (f: Fit): number[] =>
    y.map((v, i) => {
      const a = anscombe(v, f.mu[i] ?? 0, f.dispersion);
      return a > p.reweightThreshold && v >= p.reweightMinCount ? (p.reweightThreshold / a) ** 2 : 1;
    });
  let fit = fitPoissonGlm(x, y, ones);
  // A large outbreak inflates the first fit's φ and so hides itself from the Anscombe residuals (which
  // are divided by √φ): the reweighting runs until the weights settle (at most reweightRounds times).
  for (let round = 0; round < p.reweightRounds; round++) fit = fitPoissonGlm(x, y, reweight(fit), p.dispersionWeightPower);
  const x0 = design(t, trend);
  const eta = x0.reduce((s, v, i) => s + v * (fit.beta[i] ?? 0), 0);
  let etaVariance = 0;
  for (let a = 0; a < x0.length; a++) for (let c = 0; c < x0.length; c++) etaVariance += (x0[a] ?? 0) * (x0[c] ?? 0) * (fit.inverse[a]?.[c] ?? 0);
  etaVariance *= fit.dispersion;
  const dispersion = fit.dispersion > 1 && fit.df > 0 ? fit.dispersion * (1 + p.dispersionZ * Math.sqrt(2 / fit.df)) : fit.dispersion;
  const expected = Math.exp(Math.min(eta, 30));
  const variance = dispersion * expected + expected * expected * Math.max(0, etaVariance);
  return {
    expected,
    variance,
    upper: countUpperQuantile(expected, variance, p.alpha),
    lower: countLowerQuantile(expected, variance, p.alpha),
    dispersion: fit.dispersion,
    trend,
    season,
  };
}

export interface SeriesWeekVerdict {
  week: number;
  observed: number;
  expected: number;
  /** The bound crossed: the upper bound for a SPIKE, the lower one for a DROP. */
  bound: number;
  score: number;
  direction: 'up' | 'down';
}

/**
 * Judges weeks `from`..end of one series against its own long history (seriesBound), in order: a week
 * judged a spike or a fall is left out of the baselines of later weeks.
 */
export function detectSeriesSpikes(counts: readonly number[], from: number, p: SeriesModelParams = DEFAULT_SERIES_MODEL): SeriesWeekVerdict[] {
  const flagged = new Set<number>();
  const verdicts: SeriesWeekVerdict[] = [];
  for (let t = Math.max(from, 2); t < counts.length; t++) {
    const base: number[] = [];
    for (let b = Math.max(0, t - p.historyWeeks); b < t; b++) if (!flagged.has(b)) base.push(b);
    const bound = seriesBound(counts, base, t, p);
    if (!bound) continue;
    const observed = counts[t] ?? 0;
    const score = (observed - bound.expected) / Math.sqrt(Math.max(bound.variance, 1));
    let recent = 0;
    for (let b = Math.max(0, t - p.recentWeeks + 1); b <= t; b++) recent += counts[b] ?? 0;
    if (observed > bound.upper && recent >= p.minRecentCount) verdicts.push({ week: t, observed, expected: bound.expected, bound: bound.upper, score, direction: 'up' });
    else if (observed < bound.lower) verdicts.push({ week: t, observed, expected: bound.expected, bound: bound.lower, score, direction: 'down' });
    else continue;
    flagged.add(t);
  }
  return verdicts;
}
