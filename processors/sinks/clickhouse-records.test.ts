import { describe, expect, it } from 'vitest';
import { chunkRows } from './clickhouse-records.ts';

const chunkByBytes = (literals: readonly string[], budget?: number): string[][] => chunkRows(literals, (l) => l, budget);

describe('chunkRows (stored-copy queries under max_query_size)', () => {
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

