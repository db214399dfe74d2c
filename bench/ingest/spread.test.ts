import { describe, expect, it } from 'vitest';
import { formatSpread, spread } from './spread.ts';

describe('spread', () => {
  it('gives the median, min and max of what was measured, ignoring missing values', () => {
    expect(spread([3, undefined, 1, 2])).toEqual({ median: 2, min: 1, max: 3, n: 3 });
    expect(spread([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4, n: 4 });
    expect(spread([undefined, Number.NaN])).toBeUndefined();
  });

  it('formats one value alone and several with their range', () => {
    expect(formatSpread(spread([0.25]), 2)).toBe('0.25');
    expect(formatSpread(spread([0.2, 0.5, 0.3]), 2)).toBe('0.30 (0.20–0.50, n=3)');
  });
});
