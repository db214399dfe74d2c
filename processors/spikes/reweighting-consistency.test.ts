import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { anscombeResidual, reweightingMoments } from './reweighting-consistency.ts';

const keptPearsonShare = (mean: number, phi: number, c: number, minCount: number, power: number): number => reweightingMoments(mean, phi, c, minCount, power).keptPearson;
import { negativeBinomial } from './noufaily.ts';

/** The same expectations by simulation: the means of w^power · (y − μ)²/μ / φ and of w · (y − μ)/μ over draws. */
function simulated(mean: number, phi: number, c: number, minCount: number, power: number, draws: number): { keptPearson: number; meanShift: number } {
  const rng = new Rng(20130);
  let pearson = 0;
  let shift = 0;
  for (let i = 0; i < draws; i++) {
    const y = negativeBinomial(rng, mean, phi);
    const a = anscombeResidual(y, mean, phi);
    const w = y >= minCount && a > c ? (c / a) ** 2 : 1;
    pearson += (w ** power * (y - mean) ** 2) / mean;
    shift += (w * (y - mean)) / mean;
  }
  return { keptPearson: pearson / draws / phi, meanShift: shift / draws };
}

describe('reweightingMoments', () => {
  it('agrees with simulation on a heavy-tailed low count (mean 1.65, φ 5) and a near-normal one (mean 42, φ 1.1)', () => {
    for (const [mean, phi] of [
      [1.65, 5],
      [42, 1.1],
    ] as const) {
      const exact = reweightingMoments(mean, phi, 2, 5, 2);
      const sim = simulated(mean, phi, 2, 5, 2, 400_000);
      expect(Math.abs(exact.keptPearson - sim.keptPearson)).toBeLessThan(0.01);
      // The simulated mean of w · (y − μ)/μ has a standard error of about √(φ/μ/400,000) < 0.003.
      expect(Math.abs(exact.meanShift - sim.meanShift)).toBeLessThan(0.008);
      expect(exact.meanShift).toBeLessThan(0);
    }
    // The heavy tail loses a third of its Pearson statistic to the reweighting, the near-normal series 7%.
    expect(keptPearsonShare(1.65, 5, 2, 5, 2)).toBeLessThan(0.7);
    expect(keptPearsonShare(42, 1.1, 2, 5, 2)).toBeGreaterThan(0.9);
  });

  it('1 when nothing can be downweighted: a threshold beyond reach, or counts that never reach minCount', () => {
    expect(keptPearsonShare(3, 2, 50, 5, 2)).toBeCloseTo(1, 9);
    expect(reweightingMoments(0, 2, 2, 5, 2)).toEqual({ keptPearson: 1, meanShift: 0 });
    expect(reweightingMoments(3, 2, 50, 5, 2).meanShift).toBeCloseTo(0, 9);
  });

  it('above a mean of 200, the normal limit: ∫_c^∞ (1 − (c/z)⁴) z² dΦ(z) lost, the same for every mean', () => {
    expect(keptPearsonShare(250, 1.2, 2, 5, 2)).toBeCloseTo(keptPearsonShare(5000, 3, 2, 5, 2), 9);
    // Continuous with the exact sum just below the limit.
    expect(Math.abs(keptPearsonShare(250, 1.2, 2, 5, 2) - keptPearsonShare(190, 1.2, 2, 5, 2))).toBeLessThan(0.01);
  });

  it('keeps less with a lower threshold and with squared weights', () => {
    expect(keptPearsonShare(12, 3, 1.5, 5, 2)).toBeLessThan(keptPearsonShare(12, 3, 2, 5, 2));
    expect(keptPearsonShare(12, 3, 2, 5, 2)).toBeLessThan(keptPearsonShare(12, 3, 2, 5, 1));
  });

  it('rejects impossible arguments', () => {
    expect(() => reweightingMoments(-1, 2, 2, 5, 2)).toThrow(RangeError);
    expect(() => reweightingMoments(1, 0, 2, 5, 2)).toThrow(RangeError);
  });
});
