import { describe, expect, it } from 'vitest';
import { estimateOverdispersion } from './overdispersion.ts';

describe('estimateOverdispersion', () => {
  it('hand case: counts [2, 6] on a flat stream → e = 4, 4: ((4 − 4) + (4 − 4)) / 32 = 0; counts [0, 8] → (16 − 4 + 16 − 4) / 32 = 0.75', () => {
    expect(estimateOverdispersion([[2, 6]], [10, 10], 2)).toBeCloseTo(0, 12);
    expect(estimateOverdispersion([[0, 8]], [10, 10], 2)).toBeCloseTo(0.75, 12);
  });

  it('measures against the stream: a number that doubles with the stream is not overdispersed', () => {
    // e = 12 · [1, 2] / 3 = [4, 8]; ((0 − 4) + (0 − 8)) / (16 + 64) < 0 → clamped to 0.
    expect(estimateOverdispersion([[4, 8]], [100, 200], 2)).toBe(0);
  });

  it('takes the median over numbers, skips numbers under one report a week, clamps to max', () => {
    expect(estimateOverdispersion([[2, 6], [0, 8], [0, 8], [0, 1]], [10, 10], 2)).toBeCloseTo(0.75, 12);
    // [0, 40]: e = 20, 20 → (400 − 20 + 400 − 20) / 800 = 0.95, clamped to 0.5.
    expect(estimateOverdispersion([[0, 40]], [10, 10], 2)).toBeCloseTo(0.95, 12);
    expect(estimateOverdispersion([[0, 40]], [10, 10], 0.5)).toBe(0.5);
    expect(estimateOverdispersion([[0, 1]], [10, 10], 2)).toBe(0);
    expect(estimateOverdispersion([[3, 3]], [0, 0], 2)).toBe(0);
  });
});
