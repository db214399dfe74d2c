import { describe, expect, it } from 'vitest';
import { SharedLookups } from './shared-lookups.ts';

describe('SharedLookups', () => {
  it('runs one look-up for concurrent reads of a key, and again once it has settled', async () => {
    const lookups = new SharedLookups<number>();
    let runs = 0;
    const run = async (): Promise<number> => {
      runs += 1;
      await Promise.resolve();
      return runs;
    };
    const [a, b] = await Promise.all([lookups.get('k', run), lookups.get('k', run)]);
    expect([a, b, runs]).toEqual([1, 1, 1]);
    expect(await lookups.get('k', run)).toBe(2);
    expect(await lookups.get('other', run)).toBe(3);
  });

  it('forgets a failed look-up', async () => {
    const lookups = new SharedLookups<number>();
    await expect(lookups.get('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await lookups.get('k', () => Promise.resolve(7))).toBe(7);
  });
});
