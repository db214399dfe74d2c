import { describe, expect, it } from 'vitest';
import { mean, median, sampleVariance, scaledMad } from './robust-stats.ts';

describe('robust statistics', () => {
  it('median of odd and even lists', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
  });

  it('scaled MAD ignores one wild value: [1,2,3,4,100] → deviations [2,1,0,1,97], median 1 → 1.4826', () => {
    expect(scaledMad([1, 2, 3, 4, 100])).toBeCloseTo(1.4826, 10);
    expect(scaledMad([5, 5, 5])).toBe(0);
  });

  it('mean and sample variance', () => {
    expect(mean([1, 2, 3, 6])).toBe(3);
    expect(sampleVariance([1, 2, 3, 6])).toBeCloseTo(14 / 3, 12);
    expect(sampleVariance([7])).toBe(0);
  });
});
