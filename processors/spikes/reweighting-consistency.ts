// The long-history model (detect-series.ts) downweights past outbreaks the way Farrington's method
// does: a week whose Anscombe residual a exceeds a threshold c gets the weight (c/a)². That weight also
// falls on the series' own upper tail, so when the model is right the weighted fit's mean comes out low
// and, more so, its dispersion φ (which the tail weeks carry much of): on the heavy-tailed Noufaily
// scenarios (mean 1.65, φ 5) the median φ̂ was 3.5 for a true 5, and the bound low with both. This
// file holds what the reweighting is expected to remove when the model is right, so that the fit can
// be made consistent (Fisher consistency, as for any M-estimator with a bounded influence function).

/** Anscombe residual of count y against mean mu under variance dispersion · mu (Farrington's reweighting). */
export function anscombeResidual(y: number, mu: number, dispersion: number): number {
  if (mu <= 0) return 0;
  return (1.5 * (Math.cbrt(y) ** 2 - Math.cbrt(mu) ** 2)) / (Math.cbrt(Math.sqrt(mu)) * Math.sqrt(dispersion));
}

/** Above this mean the Anscombe residual is close enough to a standard normal that its limit is used. */
const NORMAL_LIMIT = 200;
/**
 * Means, dispersions and thresholds are rounded to this step (of log mean, log dispersion and the
 * threshold) and the shares cached: the fits of one series ask for nearly the same values week after
 * week, and the share changes by well under 1% across a step.
 */
const STEP = 0.02;
const CACHE_LIMIT = 100_000;
const cache = new Map<number, ReweightingMoments>();

/**
 * For Y negative binomial with mean μ and variance φ·μ (Poisson when φ ≤ 1) and the reweighting's
 * weight w(Y) = (c/a)² when Y ≥ minCount and Y's Anscombe residual a (at μ and φ) exceeds c, 1 otherwise:
 */
export interface ReweightingMoments {
  /**
   * E[w(Y)^power · (Y − μ)²/μ] / φ: the expected share of a week's Pearson contribution that survives the
   * reweighting (1 when nothing is downweighted). φ̂ = Σ w^power · r² / (Σ share − parameters) is consistent.
   */
  keptPearson: number;
  /**
   * E[w(Y) · (Y − μ)] / μ (≤ 0): the expected residual of the weighted score per unit mean. The weighted
   * fit solves Σ w (y − μ) x = 0; subtracting this expectation makes its mean consistent.
   */
  meanShift: number;
}

export function reweightingMoments(mean: number, dispersion: number, threshold: number, minCount: number, power: number): ReweightingMoments {
  if (!(mean >= 0) || !(dispersion > 0) || !(threshold > 0) || !(power > 0)) {
    throw new RangeError(`reweightingMoments(mean=${mean}, dispersion=${dispersion}, threshold=${threshold}, power=${power})`);
  }
  if (mean === 0) return { keptPearson: 1, meanShift: 0 };
  const lm = Math.round(Math.log(mean) / STEP);
  const lp = Math.round(Math.log(Math.max(dispersion, 1)) / STEP);
  const lc = Math.round(threshold / STEP);
  // One number (exact below 2⁵³): a string key cost as much as the fit itself.
  const key = ((((lm + 5000) * 2000 + lp) * 2000 + lc) * 64 + Math.min(63, Math.max(0, Math.round(minCount)))) * 16 + Math.min(15, Math.round(power * 4));
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const mu = Math.exp(lm * STEP);
  const phi = Math.exp(lp * STEP);
  const c = lc * STEP;
  const moments = mu > NORMAL_LIMIT ? normalMoments(mu, phi, c, power) : countMoments(mu, phi, c, minCount, power);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, moments);
  return moments;
}

/** Summed exactly from the probability mass function, over the weeks the weight is below 1. */
function countMoments(mu: number, phi: number, c: number, minCount: number, power: number): ReweightingMoments {
  const poisson = phi <= 1 + 1e-9;
  // Negative binomial as failures before r successes, success probability 1/φ (as in count-distributions.ts).
  const p = 1 / phi;
  const r = poisson ? 0 : (mu * p) / (1 - p);
  let pmf = poisson ? Math.exp(-mu) : Math.exp(r * Math.log(p));
  let lostPearson = 0;
  let shift = 0;
  let previous = Number.POSITIVE_INFINITY;
  const last = mu + 60 * Math.sqrt(phi * mu) + 60;
  for (let y = 0; y <= last; y++) {
    if (y >= minCount) {
      const a = anscombeResidual(y, mu, phi);
      if (a > c) {
        const w = (c / a) ** 2;
        const term = (pmf * (y - mu) ** 2) / mu;
        lostPearson += (1 - w ** power) * term;
        shift -= (1 - w) * pmf * (y - mu);
        // Far enough into the tail: the terms are negligible and falling.
        if (term < 1e-12 && term < previous) break;
        previous = term;
      }
    }
    pmf *= poisson ? mu / (y + 1) : ((y + r) / (y + 1)) * (1 - p);
  }
  return { keptPearson: 1 - lostPearson / phi, meanShift: shift / mu };
}

/** The limit for a standard normal residual z (Y − μ = z·√(φμ)): ∫_c^∞ (1 − w(z)^k) z^j dΦ(z). */
function normalMoments(mu: number, phi: number, c: number, power: number): ReweightingMoments {
  const h = 1e-3;
  let lostPearson = 0;
  let lostMean = 0;
  for (let z = c + h / 2; z < c + 12; z += h) {
    const density = Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI);
    const w = (c / z) ** 2;
    lostPearson += h * density * (1 - w ** power) * z * z;
    lostMean += h * density * (1 - w) * z;
  }
  return { keptPearson: 1 - lostPearson, meanShift: (-lostMean * Math.sqrt(phi * mu)) / mu };
}
