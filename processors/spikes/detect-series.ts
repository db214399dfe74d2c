import { countLowerQuantile, countUpperQuantile, countUpperTail } from './count-distributions.ts';
import { censoredDispersion } from './dispersion-likelihood.ts';
import { anscombeResidual, reweightingMoments } from './reweighting-consistency.ts';

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
 * and the model is refitted; the refit is then made consistent (consistentFit): the weights also fall on
 * the series' own tail weeks and would otherwise bias the mean and, more, φ low where the tail is heavy.
 * The trend is always in when the history can carry it, as in Noufaily's settings (pThresholdTrend = 1):
 * dropping a slope that narrowly failed a significance test raised the false-alarm rate of the trend
 * scenarios (a pre-test bias). The predictive distribution of week t's
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
   * The dispersion used for the bound is φ̂ · (1 + dispersionZ · se), se the relative standard error of
   * φ̂ estimated from the spread of the weeks' own Pearson contributions: an upper confidence value
   * rather than the point estimate, because an underestimated φ raises the false-alarm rate more than an
   * overestimated one lowers it (the tail quantile is convex in φ). The empirical se (rather than the
   * chi-square √(2 / df)) is larger exactly where φ̂ is noisiest, the heavy-tailed low-count series.
   */
  dispersionZ: number;
  /**
   * Correct the reweighted fit for what the reweighting removes from the series' own tail when the
   * model holds (consistentFit, reweighting-consistency.ts). Without it the mean comes out low and φ̂
   * more so: 6% for near-normal counts, 30% at a mean of 1.65 with φ = 5 (median φ̂ 3.5 for a true 5).
   */
  consistentReweighting: boolean;
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
  /**
   * How φ is estimated: 'pearson' (the consistent reweighted Pearson statistic, consistentFit) or
   * 'likelihood' (negative-binomial maximum likelihood at the consistent fit's means, the downweighted
   * weeks censored at their cut: dispersion-likelihood.ts), with its own standard error for dispersionZ.
   */
  dispersionEstimator: 'pearson' | 'likelihood';
}

export const DEFAULT_SERIES_MODEL: SeriesModelParams = {
  alpha: 0.005,
  historyWeeks: 260,
  trendMinWeeks: 52,
  seasonMinWeeks: 104,
  minCountsPerTerm: 10,
  reweightThreshold: 2,
  dispersionZ: 0.5,
  consistentReweighting: true,
  dispersionWeightPower: 2,
  reweightMinCount: 5,
  reweightRounds: 1,
  minRecentCount: 5,
  recentWeeks: 4,
  dispersionEstimator: 'likelihood',
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
  /** Σ w^power · (y − μ)²/μ over the weeks (the Pearson statistic φ̂ is estimated from). */
  pearson: number;
  /** Σ of the squares of those contributions, for the empirical standard error of φ̂. */
  pearsonSquares: number;
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
  let pearsonSquares = 0;
  let weightSum = 0;
  for (let i = 0; i < n; i++) {
    const w = (weights[i] ?? 0) ** dispersionPower;
    const m = mu[i] ?? 0;
    weightSum += w;
    if (m > 0) {
      const contribution = (w * ((y[i] ?? 0) - m) ** 2) / m;
      pearson += contribution;
      pearsonSquares += contribution * contribution;
    }
  }
  const df = weightSum - p;
  const dispersion = df > 0 ? Math.max(1, pearson / df) : 1;
  return { mu, beta, inverse, dispersion, df, pearson, pearsonSquares };
}

/**
 * A reweighted fit made consistent (reweighting-consistency.ts): when the model holds, the weights fall
 * on the series' own upper tail, so the weighted score Σ w (y − μ) x has a negative expectation B and
 * the reweighted Pearson statistic keeps only part of φ. The coefficients move by −(X'WX)⁻¹ B (one
 * Newton step of the corrected score Σ w (y − μ) x − B = 0) and φ̂ is the Pearson statistic at the
 * corrected means divided by its expectation per unit φ (Σ keptPearson − parameters) instead of by
 * Σ weights − parameters. Both depend on φ, so a fixed point: three steps from the uncorrected estimate
 * settle it to well under 1%. The weights were computed at the dispersion of the fit before
 * (`weightingDispersion`); at a dispersion φ their threshold is c · √(weightingDispersion / φ), which
 * matters when past outbreaks inflated that first estimate (fewer tail weeks were then downweighted).
 */
function consistentFit(fit: Fit, x: readonly number[][], y: readonly number[], weights: readonly number[], weightingDispersion: number, p: SeriesModelParams): { beta: number[]; dispersion: number } {
  const parameters = fit.beta.length;
  const n = y.length;
  const kept = new Float64Array(n);
  let phi = fit.dispersion;
  let beta = fit.beta;
  for (let step = 0; step < 3; step++) {
    const threshold = p.reweightThreshold * Math.sqrt(weightingDispersion / phi);
    const bias = new Array<number>(parameters).fill(0);
    for (let i = 0; i < n; i++) {
      const m = fit.mu[i] ?? 0;
      const moments = reweightingMoments(m, phi, threshold, p.reweightMinCount, p.dispersionWeightPower);
      kept[i] = moments.keptPearson;
      const row = x[i] as number[];
      for (let a = 0; a < parameters; a++) bias[a] = (bias[a] ?? 0) + m * moments.meanShift * (row[a] ?? 0);
    }
    const shift = bias.map((_, a) => -(fit.inverse[a] ?? []).reduce((s, inv, c) => s + inv * (bias[c] ?? 0), 0));
    beta = fit.beta.map((v, a) => v + (shift[a] ?? 0));
    let pearson = 0;
    let expected = 0;
    for (let i = 0; i < n; i++) {
      const row = x[i] as number[];
      let change = 0;
      for (let a = 0; a < parameters; a++) change += (row[a] ?? 0) * (shift[a] ?? 0);
      const m = (fit.mu[i] ?? 0) * Math.exp(change);
      if (m > 0) pearson += ((weights[i] ?? 0) ** p.dispersionWeightPower * ((y[i] ?? 0) - m) ** 2) / m;
      expected += kept[i] ?? 1;
    }
    phi = Math.max(1, pearson / Math.max(1, expected - parameters));
  }
  return { beta, dispersion: phi };
}

/** The smallest count the reweighting downweights at mean mu and dispersion phi (Anscombe residual above the threshold, at least reweightMinCount). */
function reweightCut(mu: number, phi: number, p: SeriesModelParams): number {
  const edge = (Math.cbrt(mu) ** 2 + (p.reweightThreshold * Math.cbrt(Math.sqrt(mu)) * Math.sqrt(phi)) / 1.5) ** 1.5;
  return Math.max(p.reweightMinCount, Math.floor(edge) + 1);
}

/** Relative standard error of φ̂ from the spread of the weeks' Pearson contributions. */
function dispersionRelativeError(fit: Fit): number {
  const n = fit.mu.length;
  const mean = fit.pearson / n;
  if (!(mean > 0)) return 0;
  return Math.sqrt(Math.max(0, fit.pearsonSquares / n - mean * mean) / n) / mean;
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
      const a = anscombeResidual(v, f.mu[i] ?? 0, f.dispersion);
      return a > p.reweightThreshold && v >= p.reweightMinCount ? (p.reweightThreshold / a) ** 2 : 1;
    });
  let fit = fitPoissonGlm(x, y, ones);
  let weights = ones;
  let weightingDispersion = fit.dispersion;
  let weightingMeans = fit.mu;
  // A large outbreak inflates the first fit's φ and so hides itself from the Anscombe residuals (which
  // are divided by √φ): the reweighting runs until the weights settle (at most reweightRounds times).
  for (let round = 0; round < p.reweightRounds; round++) {
    weightingDispersion = fit.dispersion;
    weightingMeans = fit.mu;
    weights = reweight(fit);
    fit = fitPoissonGlm(x, y, weights, p.dispersionWeightPower);
  }
  const consistent = p.consistentReweighting && p.reweightRounds > 0 && fit.df > 0 ? consistentFit(fit, x, y, weights, weightingDispersion, p) : fit;
  const x0 = design(t, trend);
  let phi = consistent.dispersion;
  let relativeError = fit.df > 0 ? dispersionRelativeError(fit) : 0;
  if (p.dispersionEstimator === 'likelihood' && fit.df > 0) {
    const means = x.map((row) => Math.exp(Math.min(30, row.reduce((s, v, i) => s + v * (consistent.beta[i] ?? 0), 0))));
    const cuts = weights.map((w, i) => (w < 1 ? reweightCut(weightingMeans[i] ?? 0, weightingDispersion, p) : null));
    const estimate = censoredDispersion(y, means, cuts);
    phi = estimate.dispersion;
    relativeError = estimate.relativeError;
  }
  const eta = x0.reduce((s, v, i) => s + v * (consistent.beta[i] ?? 0), 0);
  let etaVariance = 0;
  for (let a = 0; a < x0.length; a++) for (let c = 0; c < x0.length; c++) etaVariance += (x0[a] ?? 0) * (x0[c] ?? 0) * (fit.inverse[a]?.[c] ?? 0);
  etaVariance *= phi;
  const dispersion = phi > 1 && fit.df > 0 ? phi * (1 + p.dispersionZ * relativeError) : phi;
  const expected = Math.exp(Math.min(eta, 30));
  const variance = dispersion * expected + expected * expected * Math.max(0, etaVariance);
  return {
    expected,
    variance,
    upper: countUpperQuantile(expected, variance, p.alpha),
    lower: countLowerQuantile(expected, variance, p.alpha),
    dispersion: phi,
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

interface JudgedWeek {
  week: number;
  observed: number;
  bound: SeriesBound;
  /** The judged week and the `recentWeeks − 1` before it hold at least `minRecentCount` counts. */
  recentEnough: boolean;
}

/**
 * Weeks `from`..end of one series judged in order against their own long history (seriesBound); a week
 * judged a spike or a fall at the model's α is left out of the baselines of later weeks.
 */
function judgeWeeks(counts: readonly number[], from: number, p: SeriesModelParams, visit: (w: JudgedWeek) => void): void {
  const flagged = new Set<number>();
  for (let t = Math.max(from, 2); t < counts.length; t++) {
    const base: number[] = [];
    for (let b = Math.max(0, t - p.historyWeeks); b < t; b++) if (!flagged.has(b)) base.push(b);
    const bound = seriesBound(counts, base, t, p);
    if (!bound) continue;
    const observed = counts[t] ?? 0;
    let recent = 0;
    for (let b = Math.max(0, t - p.recentWeeks + 1); b <= t; b++) recent += counts[b] ?? 0;
    const recentEnough = recent >= p.minRecentCount;
    visit({ week: t, observed, bound, recentEnough });
    if ((observed > bound.upper && recentEnough) || observed < bound.lower) flagged.add(t);
  }
}

/**
 * Judges weeks `from`..end of one series against its own long history (seriesBound), in order: a week
 * judged a spike or a fall is left out of the baselines of later weeks.
 */
export function detectSeriesSpikes(counts: readonly number[], from: number, p: SeriesModelParams = DEFAULT_SERIES_MODEL): SeriesWeekVerdict[] {
  const verdicts: SeriesWeekVerdict[] = [];
  judgeWeeks(counts, from, p, ({ week, observed, bound, recentEnough }) => {
    const score = (observed - bound.expected) / Math.sqrt(Math.max(bound.variance, 1));
    if (observed > bound.upper && recentEnough) verdicts.push({ week, observed, expected: bound.expected, bound: bound.upper, score, direction: 'up' });
    else if (observed < bound.lower) verdicts.push({ week, observed, expected: bound.expected, bound: bound.lower, score, direction: 'down' });
  });
  return verdicts;
}

export interface SeriesWeekTail {
  week: number;
  /** P(count ≥ observed) under the week's predictive distribution. */
  tail: number;
  /** Farrington's limit54 holds: a rise here may alarm. */
  recentEnough: boolean;
}

/**
 * The upper tail probability of every judged week (weeks `from`..end), with the baselines of
 * detectSeriesSpikes at `p.alpha`. A rise alarms at `p.alpha` exactly when `tail ≤ p.alpha` and
 * `recentEnough`; thresholding the same tails at another level a gives the model at a, except that the
 * weeks left out of later baselines stay those of `p.alpha` (bench/spikes uses this for its
 * comparison at equal false-positive rate).
 */
export function seriesTailProbabilities(counts: readonly number[], from: number, p: SeriesModelParams = DEFAULT_SERIES_MODEL): SeriesWeekTail[] {
  const out: SeriesWeekTail[] = [];
  judgeWeeks(counts, from, p, ({ week, observed, bound, recentEnough }) => {
    out.push({ week, tail: countUpperTail(bound.expected, bound.variance, observed), recentEnough });
  });
  return out;
}
