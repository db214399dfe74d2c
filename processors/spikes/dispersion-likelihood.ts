// The long-history model's dispersion by maximum likelihood (detect-series.ts, dispersionEstimator
// 'likelihood'): counts negative binomial with mean μ_i (the fitted means) and variance φ·μ_i, the weeks
// the reweighting downweighted entering only as "at least their cut" (a censored likelihood).
//
// Why: on low, heavy-tailed series (mean 1.6 with φ = 5: a negative binomial of size 0.4) the Pearson
// estimate of φ rests on the squares of a few tail weeks and is very noisy from one series to the next,
// and the bound is the tail quantile, where φ matters most. The likelihood uses the whole shape of the
// counts (how many zeros, ones, …), not their squares. Why censored: a week with y at or above its cut c
// (the smallest count the reweighting would downweight, fixed by the fit before) contributes
// P(Y ≥ c) instead of P(Y = y), so a past outbreak cannot inflate φ however large it was, and since
// every week at or above its cut is treated alike, the likelihood stays exact when the model holds
// (unlike downweighting, which needs reweighting-consistency.ts's correction).

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Γ(x) for x > 0 (Lanczos, g = 7: relative error about 1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0] ?? 0;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += (LANCZOS[i] ?? 0) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** log Γ(y + r) − log Γ(r), summed for small y (exact, and cheaper than two log-gammas). */
function logRising(r: number, y: number): number {
  if (y <= 30) {
    let s = 0;
    for (let j = 0; j < y; j++) s += Math.log(r + j);
    return s;
  }
  return logGamma(y + r) - logGamma(r);
}

/** Above this mean the censored tail uses the normal approximation (the pmf sum from 0 would underflow). */
const NORMAL_LIMIT = 200;

function normalTailProbability(z: number): number {
  // erfc by Abramowitz–Stegun 7.1.26, as count-distributions.ts.
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/** Log-likelihood (up to terms free of φ) of the counts at dispersion φ > 1. */
function logLikelihood(y: readonly number[], mu: readonly number[], cut: readonly (number | null)[], phi: number): number {
  const logP = -Math.log(phi); // success probability 1/φ
  const logQ = Math.log((phi - 1) / phi);
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    const m = mu[i] ?? 0;
    if (!(m > 0)) continue;
    const r = m / (phi - 1);
    const c = cut[i];
    if (c === null || c === undefined) {
      const v = y[i] ?? 0;
      total += logRising(r, v) - logGamma(v + 1) + r * logP + v * logQ;
      continue;
    }
    // log P(Y ≥ c) = log(1 − P(Y ≤ c − 1)).
    let below: number;
    if (m > NORMAL_LIMIT) below = 1 - normalTailProbability((c - 0.5 - m) / Math.sqrt(phi * m));
    else {
      let pmf = Math.exp(r * logP);
      below = 0;
      for (let k = 0; k < c; k++) {
        below += pmf;
        pmf *= ((k + r) / (k + 1)) * Math.exp(logQ);
      }
    }
    total += Math.log(Math.max(1e-300, 1 - below));
  }
  return total;
}

export interface DispersionEstimate {
  /** φ̂ (1 when the likelihood is largest at the Poisson limit). */
  dispersion: number;
  /** Relative standard error of φ̂ from the likelihood's curvature (0 at the Poisson limit). */
  relativeError: number;
}

const LOW = Math.log(1e-3); // φ − 1 searched on a log scale from 0.001 …
const HIGH = Math.log(200); // … to 200

/**
 * φ̂ maximising the censored negative-binomial likelihood of `y` given the means `mu`; `cut[i]` non-null
 * makes week i "at least cut[i]" (it must then hold y[i] ≥ cut[i]). Golden-section search on log(φ − 1).
 */
export function censoredDispersion(y: readonly number[], mu: readonly number[], cut: readonly (number | null)[]): DispersionEstimate {
  const f = (s: number): number => logLikelihood(y, mu, cut, 1 + Math.exp(s));
  const ratio = (Math.sqrt(5) - 1) / 2;
  let a = LOW;
  let b = HIGH;
  let x1 = b - ratio * (b - a);
  let x2 = a + ratio * (b - a);
  let f1 = f(x1);
  let f2 = f(x2);
  while (b - a > 0.01) {
    if (f1 < f2) {
      a = x1;
      x1 = x2;
      f1 = f2;
      x2 = a + ratio * (b - a);
      f2 = f(x2);
    } else {
      b = x2;
      x2 = x1;
      f2 = f1;
      x1 = b - ratio * (b - a);
      f1 = f(x1);
    }
  }
  const s = (a + b) / 2;
  if (s <= LOW + 0.05) return { dispersion: 1, relativeError: 0 };
  const phi = 1 + Math.exp(s);
  // Curvature in φ by central differences: se(φ̂) = 1 / √(−ℓ''(φ̂)).
  const h = 0.01 * (phi - 1);
  const g = (p: number): number => logLikelihood(y, mu, cut, p);
  const second = (g(phi + h) - 2 * g(phi) + g(phi - h)) / (h * h);
  const relativeError = second < 0 ? 1 / Math.sqrt(-second) / phi : 0;
  return { dispersion: phi, relativeError };
}
