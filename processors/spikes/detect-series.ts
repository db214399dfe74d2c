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
 * (c / a)² for a standardised Anscombe residual a above c = 2.58) and the model is refitted. The trend
 * is kept only when its slope is significant (|z| ≥ trendZ), so a flat series does not pay for a
 * slope it does not have. The predictive distribution of week t's count has mean μ_t and variance
 * φ·μ_t + μ_t²·Var(η_t) (count noise plus the uncertainty of the fit); the bounds are its exact
 * negative-binomial (or Poisson) quantiles, count-distributions.ts.
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
  /** Trend kept only when |slope / SE| reaches this. */
  trendZ: number;
}

export const DEFAULT_SERIES_MODEL: SeriesModelParams = {
  alpha: 0.005,
  historyWeeks: 260,
  trendMinWeeks: 52,
  seasonMinWeeks: 104,
  minCountsPerTerm: 10,
  reweightThreshold: 2.58,
  trendZ: 1.96,
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
}

function fitPoissonGlm(x: readonly number[][], y: readonly number[], weights: readonly number[]): Fit {
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
    const w = weights[i] ?? 0;
    const m = mu[i] ?? 0;
    weightSum += w;
    if (m > 0) pearson += (w * ((y[i] ?? 0) - m) ** 2) / m;
  }
  const dispersion = weightSum > p ? Math.max(1, pearson / (weightSum - p)) : 1;
  return { mu, beta, inverse, dispersion };
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
  let trend = base.length >= p.trendMinWeeks && total >= (season ? 4 : 2) * p.minCountsPerTerm;
  const design = (b: number, withTrend: boolean): number[] => {
    const row = [1];
    if (withTrend) row.push((b - t) / 52);
    if (season) row.push(Math.cos(TWO_PI_52 * b), Math.sin(TWO_PI_52 * b));
    return row;
  };
  const ones = y.map(() => 1);
  let x = base.map((b) => design(b, trend));
  let fit = fitPoissonGlm(x, y, ones);
  const reweight = (f: Fit): number[] =>
    y.map((v, i) => {
      const a = anscombe(v, f.mu[i] ?? 0, f.dispersion);
      return a > p.reweightThreshold ? (p.reweightThreshold / a) ** 2 : 1;
    });
  let weights = reweight(fit);
  fit = fitPoissonGlm(x, y, weights);
  if (trend) {
    const se = Math.sqrt(fit.dispersion * (fit.inverse[1]?.[1] ?? 0));
    if (!(se > 0) || Math.abs((fit.beta[1] ?? 0) / se) < p.trendZ) {
      trend = false;
      x = base.map((b) => design(b, false));
      fit = fitPoissonGlm(x, y, ones);
      weights = reweight(fit);
      fit = fitPoissonGlm(x, y, weights);
    }
  }
  const x0 = design(t, trend);
  const eta = x0.reduce((s, v, i) => s + v * (fit.beta[i] ?? 0), 0);
  let etaVariance = 0;
  for (let a = 0; a < x0.length; a++) for (let c = 0; c < x0.length; c++) etaVariance += (x0[a] ?? 0) * (x0[c] ?? 0) * (fit.inverse[a]?.[c] ?? 0);
  etaVariance *= fit.dispersion;
  const expected = Math.exp(Math.min(eta, 30));
  const variance = fit.dispersion * expected + expected * expected * Math.max(0, etaVariance);
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
    if (observed > bound.upper) verdicts.push({ week: t, observed, expected: bound.expected, bound: bound.upper, score, direction: 'up' });
    else if (observed < bound.lower) verdicts.push({ week: t, observed, expected: bound.expected, bound: bound.lower, score, direction: 'down' });
    else continue;
    flagged.add(t);
  }
  return verdicts;
}
