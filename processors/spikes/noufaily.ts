import { Rng } from '../../core/rng.ts';

/**
 * The outbreak-detection simulation design of Noufaily et al. (2013), "An improved algorithm for
 * outbreak detection in multiple surveillance systems", Statistics in Medicine 32(7):1206–1222, as used
 * by later comparisons (Bédubourg & Le Strat 2017, PLoS ONE 12(7):e0181227): weekly negative-binomial
 * counts with mean μ_t = exp(θ + βt + γ1·cos(2πt/52) + γ2·sin(2πt/52)) and variance φ·μ_t, 624 weeks,
 * the last 49 the test period. 7 parameter sets × trend (β or 0) × seasonality (none or annual) = 28
 * scenarios. Outbreaks: 4 in the baseline weeks 313–575 with k drawn from {2, 3, 5, 10}, one in the
 * test period with k drawn from 1–10; an outbreak's size is Poisson(k × SD of the baseline count at its
 * first week) and each case lands floor(LogNormal(0, 0.5)) weeks after the start.
 *
 * Pure and seeded (core/rng.ts): a series is a function of (seed, scenario, replicate) only, so any
 * subset (the CI test's) gives exactly the series of the full benchmark.
 */

export interface NoufailyParameterSet {
  theta: number;
  beta: number;
  gamma1: number;
  gamma2: number;
  phi: number;
}

/**
 * The 7 parameter sets. Source: the reproduction of Noufaily et al. (2013) in telkamp7/AEDDO,
 * src/simulation/simulation.R (`refPar`), checked against the design described in the paper's own
 * text (7 sets × trend × seasonality = 28 scenarios, 624 weeks, 49 test weeks). Baselines run from
 * about 0.14 (θ = −2) to 148 (θ = 5) cases a week.
 */
export const NOUFAILY_PARAMETER_SETS: readonly NoufailyParameterSet[] = [
  { theta: 0.1, beta: 0.0025, gamma1: 0.6, gamma2: 0.6, phi: 1.5 },
  { theta: -2, beta: 0.005, gamma1: 0.1, gamma2: 0.3, phi: 2 },
  { theta: 1.5, beta: 0.003, gamma1: 0.2, gamma2: -0.4, phi: 1 },
  { theta: 0.5, beta: 0.002, gamma1: 0.5, gamma2: 0.5, phi: 5 },
  { theta: 2.5, beta: 0.001, gamma1: 1, gamma2: 0.1, phi: 3 },
  { theta: 3.75, beta: 0.001, gamma1: 0.1, gamma2: -0.1, phi: 1.1 },
  { theta: 5, beta: 0.0001, gamma1: 0.05, gamma2: 0.01, phi: 1.2 },
];

export interface NoufailyScenario extends NoufailyParameterSet {
  /** 1–28: parameter set (slowest), then trend off/on, then seasonality off/on. */
  id: number;
  set: number;
  trend: boolean;
  seasonal: boolean;
}

export const NOUFAILY_SCENARIOS: readonly NoufailyScenario[] = NOUFAILY_PARAMETER_SETS.flatMap((s, i) =>
  [false, true].flatMap((trend) =>
    [false, true].map((seasonal) => ({
      ...s,
      beta: trend ? s.beta : 0,
      gamma1: seasonal ? s.gamma1 : 0,
      gamma2: seasonal ? s.gamma2 : 0,
      set: i + 1,
      trend,
      seasonal,
    })),
  ),
).map((s, i) => ({ ...s, id: i + 1 }));

export const SERIES_WEEKS = 624;
export const TEST_WEEKS = 49;
/** 0-based index of the first test week (week 576 in the paper's 1-based numbering). */
export const FIRST_TEST_WEEK = SERIES_WEEKS - TEST_WEEKS;
/** 0-based range of past outbreaks' first weeks (weeks 313–575). */
const PAST_OUTBREAK_STARTS = [312, 574] as const;
const PAST_OUTBREAK_K = [2, 3, 5, 10] as const;
const PAST_OUTBREAKS = 4;

/** One simulated series with its labels: cases of the test-period outbreak and of the past outbreaks, per week. */
export interface LabelledSeries {
  scenario: number;
  replicate: number;
  counts: number[];
  /** Cases of the test-period outbreak per week (0 outside it). */
  outbreak: number[];
  /** Cases of past outbreaks per week (they can spill into the first test weeks). */
  pastOutbreaks: number[];
  /** k of the test-period outbreak. */
  k: number;
}

/** Poisson by summing exact Knuth draws of at most 30 each: exact at any mean (core/rng.ts switches to a normal above 60). */
export function poissonExact(rng: Rng, mean: number): number {
  let left = mean;
  let total = 0;
  while (left > 0) {
    const part = Math.min(left, 30);
    total += rng.poisson(part);
    left -= part;
  }
  return total;
}

/** Gamma(shape, 1) for any shape > 0 (shape < 1 by boosting: Gamma(a) = Gamma(a + 1) · U^(1/a)). */
function gamma(rng: Rng, shape: number): number {
  if (shape >= 1) return rng.gammaMeanOne(shape) * shape;
  return rng.gammaMeanOne(shape + 1) * (shape + 1) * Math.pow(1 - rng.next(), 1 / shape);
}

/** Negative binomial with mean μ and variance φμ (gamma–Poisson mixture, size μ/(φ − 1)); Poisson when φ ≤ 1. */
export function negativeBinomial(rng: Rng, mean: number, phi: number): number {
  if (mean <= 0) return 0;
  if (phi <= 1) return poissonExact(rng, mean);
  const size = mean / (phi - 1);
  return poissonExact(rng, (gamma(rng, size) * mean) / size);
}

export function noufailyMean(s: NoufailyParameterSet, t: number): number {
  // The paper's t runs from 1.
  const w = (2 * Math.PI * (t + 1)) / 52;
  return Math.exp(s.theta + s.beta * (t + 1) + s.gamma1 * Math.cos(w) + s.gamma2 * Math.sin(w));
}

/** A per-series seed: the same (seed, scenario, replicate) always gives the same series. */
export function seriesSeed(seed: number, scenario: number, replicate: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const v of [scenario, replicate]) {
    h = Math.imul(h ^ v, 0x85ebca6b) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h;
}

/** Adds an outbreak of Poisson(k × SD at its start) cases from week `start`, spread by a log-normal delay; cases past the end are not observed. */
function addOutbreak(rng: Rng, s: NoufailyParameterSet, counts: number[], into: number[], start: number, k: number): void {
  const sd = Math.sqrt(Math.max(s.phi, 1) * noufailyMean(s, start));
  const size = poissonExact(rng, k * sd);
  for (let i = 0; i < size; i++) {
    const t = start + Math.floor(rng.logNormal(1, 0.5));
    if (t >= counts.length) continue;
    counts[t] = (counts[t] ?? 0) + 1;
    into[t] = (into[t] ?? 0) + 1;
  }
}

export function noufailySeries(scenario: NoufailyScenario, replicate: number, seed: number): LabelledSeries {
  const rng = new Rng(seriesSeed(seed, scenario.id, replicate));
  const counts = Array.from({ length: SERIES_WEEKS }, (_, t) => negativeBinomial(rng, noufailyMean(scenario, t), scenario.phi));
  const pastOutbreaks = new Array<number>(SERIES_WEEKS).fill(0);
  const starts = new Set<number>();
  while (starts.size < PAST_OUTBREAKS) starts.add(rng.between(PAST_OUTBREAK_STARTS[0], PAST_OUTBREAK_STARTS[1]));
  for (const start of starts) addOutbreak(rng, scenario, counts, pastOutbreaks, start, rng.pick(PAST_OUTBREAK_K));
  const outbreak = new Array<number>(SERIES_WEEKS).fill(0);
  const k = rng.between(1, 10);
  addOutbreak(rng, scenario, counts, outbreak, rng.between(FIRST_TEST_WEEK, SERIES_WEEKS - 1), k);
  return { scenario: scenario.id, replicate, counts, outbreak, pastOutbreaks, k };
}
