import { describe, expect, it } from 'vitest';
import { countLowerQuantile, countUpperQuantile, countUpperTail, normalQuantile, normalTail } from './count-distributions.ts';

describe('countUpperQuantile', () => {
  it('Poisson(2) at 95%: P(X≤4) = 0.947 < 0.95 ≤ P(X≤5) = 0.983, so 5', () => {
    expect(countUpperQuantile(2, 2, 0.05)).toBe(5);
    // P(X≤3) = 0.857 < 0.85? no: 0.857 ≥ 0.85, and P(X≤2) = 0.677 < 0.85, so 3.
    expect(countUpperQuantile(2, 2, 0.15)).toBe(3);
  });

  it('negative binomial, mean 2 variance 4 (p = 0.5, r = 2): pmf (k+1)/2^(k+2), P(X≤5) = 0.9375, P(X≤6) = 0.9648', () => {
    expect(countUpperQuantile(2, 4, 0.05)).toBe(6);
    expect(countUpperQuantile(2, 4, 0.0625)).toBe(5);
  });

  it('mean 0.0625, variance 0.0703125 (a never-seen number): pmf 0.9428, 0.0524, 0.0044 → 99.95% reached at 2', () => {
    expect(countUpperQuantile(0.0625, 0.0703125, 0.0005)).toBe(2);
  });

  it('a variance below the mean is treated as Poisson; mean 0 gives 0', () => {
    expect(countUpperQuantile(2, 1, 0.05)).toBe(5);
    expect(countUpperQuantile(0, 0, 0.01)).toBe(0);
  });

  it('large means use the normal approximation: 400 + 1.96 · 20 − 0.5 → 439', () => {
    expect(countUpperQuantile(400, 400, 0.025)).toBe(439);
  });

  it('rejects nonsense arguments', () => {
    expect(() => countUpperQuantile(-1, 1, 0.01)).toThrow(RangeError);
    expect(() => countUpperQuantile(1, 1, 0)).toThrow(RangeError);
    expect(() => countUpperQuantile(Number.NaN, 1, 0.01)).toThrow(RangeError);
  });
});

describe('normalQuantile', () => {
  it('matches tabulated values', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.0005)).toBeCloseTo(-3.290527, 5);
  });
});

describe('countLowerQuantile', () => {
  it('Poisson(10) at 0.5%: P(X≤2) = 0.0028 ≤ 0.005 < P(X≤3) = 0.0103, so 3 (a count of 2 or less is a fall)', () => {
    expect(countLowerQuantile(10, 10, 0.005)).toBe(3);
  });

  it('negative binomial, mean 2 variance 4: P(X≤0) = 0.25 > 0.05, so 0: a low series cannot fall significantly', () => {
    expect(countLowerQuantile(2, 4, 0.05)).toBe(0);
    expect(countLowerQuantile(0, 0, 0.05)).toBe(0);
  });

  it('above the exact range: the normal approximation, 1000 − 2.5758 · √1000 = 918.5 → 919', () => {
    expect(countLowerQuantile(1000, 1000, 0.005)).toBe(919);
  });
});

describe('normalTail', () => {
  it('P(Z > 0) = 0.5, P(Z > 1.96) = 0.025, P(Z > 4) = 3.17e-5, P(Z > −1.96) = 0.975', () => {
    expect(normalTail(0)).toBeCloseTo(0.5, 7);
    expect(normalTail(1.959964)).toBeCloseTo(0.025, 6);
    expect(normalTail(4)).toBeCloseTo(3.167e-5, 7);
    expect(normalTail(-1.959964)).toBeCloseTo(0.975, 6);
  });
});

describe('countUpperTail', () => {
  it('Poisson(2): P(X ≥ 5) = 1 − 0.9473 = 0.0527; P(X ≥ 0) = 1', () => {
    expect(countUpperTail(2, 2, 5)).toBeCloseTo(0.052653, 5);
    expect(countUpperTail(2, 2, 0)).toBe(1);
  });

  it('negative binomial, mean 2 variance 4: P(X ≥ 6) = 1 − 0.9375', () => {
    expect(countUpperTail(2, 4, 6)).toBeCloseTo(0.0625, 9);
  });

  it('a count is above countUpperQuantile exactly when its tail is at most alpha', () => {
    for (const [mean, variance] of [[0.3, 0.4], [1.65, 8.25], [12, 36], [148, 178], [400, 480]] as const) {
      for (const alpha of [0.001, 0.005, 0.02]) {
        const upper = countUpperQuantile(mean, variance, alpha);
        expect(countUpperTail(mean, variance, upper + 1)).toBeLessThanOrEqual(alpha);
        expect(countUpperTail(mean, variance, upper)).toBeGreaterThan(alpha);
      }
    }
  });

  it('rejects nonsense arguments', () => {
    expect(() => countUpperTail(1, 1, 1.5)).toThrow(RangeError);
    expect(() => countUpperTail(-1, 1, 1)).toThrow(RangeError);
  });
});
