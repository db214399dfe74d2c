// Upper quantiles of count distributions, for the number-level bound. Counts per number and week are
// small (mostly 0–2), where a normal approximation is badly wrong, so the quantile is summed exactly
// from the probability mass function; above EXACT_LIMIT the normal approximation is good and the
// exact sum would underflow.

const EXACT_LIMIT = 200;

/** Standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs 0 < p < 1, got ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const [a0, a1, a2, a3, a4, a5] = a as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = b as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = c as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = d as [number, number, number, number];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) / (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1);
}

/** P(Z > z) for a standard normal Z (erfc by Abramowitz–Stegun 7.1.26: absolute error below 1.5e-7). */
export function normalTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/**
 * Smallest u with P(X ≤ u) ≥ 1 − alpha, for X with the given mean and variance: Poisson when
 * variance ≤ mean, otherwise the negative binomial with that mean and variance (the quasi-Poisson
 * "variance = φ · mean" family). Mean 0 gives 0.
 */
export function countUpperQuantile(mean: number, variance: number, alpha: number): number {
  if (!(mean >= 0) || !(variance >= 0) || !(alpha > 0 && alpha < 1)) {
    throw new RangeError(`countUpperQuantile(mean=${mean}, variance=${variance}, alpha=${alpha})`);
  }
  if (mean === 0) return 0;
  const v = Math.max(variance, mean);
  if (mean > EXACT_LIMIT) return Math.ceil(mean + normalQuantile(1 - alpha) * Math.sqrt(v) - 0.5);
  const target = 1 - alpha;
  const poisson = v <= mean * (1 + 1e-9);
  // Negative binomial as the number of failures before r successes, success probability p = mean / variance.
  const p = mean / v;
  const r = (mean * p) / (1 - p);
  let pmf = poisson ? Math.exp(-mean) : Math.exp(r * Math.log(p));
  let cdf = pmf;
  let k = 0;
  while (cdf < target) {
    pmf *= poisson ? mean / (k + 1) : ((k + r) / (k + 1)) * (1 - p);
    cdf += pmf;
    k += 1;
    // Floating-point sums can stall a hair below the target far out in the tail.
    if (pmf < 1e-300 || k > 100 * (mean + 10)) break;
  }
  return k;
}

/**
 * The lower counterpart of countUpperQuantile: the smallest l with P(X ≤ l) > alpha, so a count below
 * l has probability at most alpha (a fall). Same distributions; 0 when even a count of 0 is not that
 * unlikely, which is always the case for small means: a low series cannot fall significantly.
 */
export function countLowerQuantile(mean: number, variance: number, alpha: number): number {
  if (!(mean >= 0) || !(variance >= 0) || !(alpha > 0 && alpha < 1)) {
    throw new RangeError(`countLowerQuantile(mean=${mean}, variance=${variance}, alpha=${alpha})`);
  }
  if (mean === 0) return 0;
  const v = Math.max(variance, mean);
  if (mean > EXACT_LIMIT) return Math.max(0, Math.floor(mean - normalQuantile(1 - alpha) * Math.sqrt(v) + 0.5));
  const poisson = v <= mean * (1 + 1e-9);
  const p = mean / v;
  const r = (mean * p) / (1 - p);
  let pmf = poisson ? Math.exp(-mean) : Math.exp(r * Math.log(p));
  let cdf = pmf;
  let k = 0;
  while (cdf <= alpha) {
    pmf *= poisson ? mean / (k + 1) : ((k + r) / (k + 1)) * (1 - p);
    cdf += pmf;
    k += 1;
    if (k > 100 * (mean + 10)) break;
  }
  return k;
}

/**
 * P(X ≥ observed) for the distribution countUpperQuantile uses (same family, same normal approximation
 * above EXACT_LIMIT, with the same half-count continuity correction): the tail probability of a count.
 * `observed > countUpperQuantile(mean, variance, alpha)` exactly when this is at most alpha (up to
 * rounding in the last bits), so one tail probability per week gives the alarms at every level.
 */
export function countUpperTail(mean: number, variance: number, observed: number): number {
  if (!(mean >= 0) || !(variance >= 0) || !Number.isInteger(observed)) {
    throw new RangeError(`countUpperTail(mean=${mean}, variance=${variance}, observed=${observed})`);
  }
  if (observed <= 0) return 1;
  if (mean === 0) return 0;
  const v = Math.max(variance, mean);
  if (mean > EXACT_LIMIT) return normalTail((observed - 0.5 - mean) / Math.sqrt(v));
  const poisson = v <= mean * (1 + 1e-9);
  const p = mean / v;
  const r = (mean * p) / (1 - p);
  let pmf = poisson ? Math.exp(-mean) : Math.exp(r * Math.log(p));
  let cdf = pmf;
  for (let k = 0; k < observed - 1; k++) {
    pmf *= poisson ? mean / (k + 1) : ((k + r) / (k + 1)) * (1 - p);
    cdf += pmf;
  }
  return Math.max(0, 1 - cdf);
}
