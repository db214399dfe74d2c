import { describe, expect, it } from 'vitest';
import { chunkByBytes, evenSample, LOOKUP_SAMPLE, sampledLookup } from './clickhouse-records.ts';

describe('chunkByBytes (lookup queries under max_query_size)', () => {
  it('keeps every literal, in order, in groups within the budget', () => {
    const literals = Array.from({ length: 1000 }, (_, i) => `('p', 'cdr-${i}')`);
    const chunks = chunkByBytes(literals, 1000);
    expect(chunks.flat()).toEqual(literals);
    for (const c of chunks) expect(c.join(', ').length).toBeLessThanOrEqual(1000);
    expect(chunks.length).toBeGreaterThan(10);
  });

  it('counts UTF-8 bytes, not characters', () => {
    const wide = "'é€𝄞é€𝄞'"; // 8 characters, 20 bytes with the quotes
    expect(chunkByBytes([wide, wide, wide], 45)).toEqual([[wide, wide], [wide]]);
  });

  it('gives an oversized literal a group of its own and nothing for no literals', () => {
    expect(chunkByBytes(['x'.repeat(50), 'y'], 10)).toEqual([['x'.repeat(50)], ['y']]);
    expect(chunkByBytes([])).toEqual([]);
  });
});

describe('evenSample', () => {
  it('takes everything when there is no more than asked for', () => {
    expect(evenSample([1, 2, 3], 5)).toEqual([1, 2, 3]);
  });

  it('spreads the sample over the whole list, first item included, in order', () => {
    const items = Array.from({ length: 1000 }, (_, i) => i);
    const s = evenSample(items, 10);
    expect(s).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
  });
});

describe('sampledLookup', () => {
  const keys = Array.from({ length: 5000 }, (_, i) => `k${i}`);
  const lookupIn = (stored: Map<string, number>, calls: number[]) => (some: readonly string[]) => {
    calls.push(some.length);
    return Promise.resolve(new Map(some.filter((k) => stored.has(k)).map((k) => [k, stored.get(k) ?? 0])));
  };

  it('asks only for the sample when none of it is stored', async () => {
    const calls: number[] = [];
    const found = await sampledLookup(keys, (k) => k, () => 1, lookupIn(new Map(), calls));
    expect(calls).toEqual([LOOKUP_SAMPLE]);
    expect(found.size).toBe(0);
  });

  it('looks up the whole batch once the sample finds a record stored at the same or a newer version', async () => {
    const calls: number[] = [];
    const stored = new Map(keys.map((k) => [k, 1]));
    const found = await sampledLookup(keys, (k) => k, () => 1, lookupIn(stored, calls));
    expect(calls).toEqual([LOOKUP_SAMPLE, keys.length]);
    expect(found.size).toBe(keys.length);
  });

  it('does not treat older stored versions (a corrected re-push) as a replay', async () => {
    const calls: number[] = [];
    const stored = new Map(keys.map((k) => [k, 1]));
    await sampledLookup(keys, (k) => k, () => 2, lookupIn(stored, calls));
    expect(calls).toEqual([LOOKUP_SAMPLE]);
  });

  it('asks once for a batch no bigger than the sample, and not at all for an empty one', async () => {
    const calls: number[] = [];
    await sampledLookup(keys.slice(0, 10), (k) => k, () => 1, lookupIn(new Map([['k3', 5]]), calls));
    await sampledLookup([], (k: string) => k, () => 1, lookupIn(new Map(), calls));
    expect(calls).toEqual([10]);
  });
});
