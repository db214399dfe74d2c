import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { utf8Text } from './body.ts';

// utf8Text must answer exactly as the fatal TextDecoder it replaced: the same text for valid UTF-8
// (a leading BOM dropped, a second one kept), a 400 for every invalid byte sequence.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const reference = (b: Buffer): string | null => {
  try {
    return decoder.decode(b);
  } catch {
    return null;
  }
};
const ours = (b: Buffer): string | null => {
  try {
    return utf8Text(b);
  } catch {
    return null;
  }
};

describe('utf8Text', () => {
  it('agrees with a fatal TextDecoder on edge cases: BOMs, overlong forms, surrogates, beyond U+10FFFF, truncation', () => {
    const cases = [
      '', 'efbbbf', 'efbbbf7b7d', 'efbbbfefbbbf41', '41efbbbf', 'efbb', 'c0af', 'e080af', 'f08282ac', 'eda080', 'edbfbf', 'ed9fbf', 'f4908080',
      'f48fbfbf', 'f5', 'ff', '80', 'c2', 'e282', 'e282ac', 'f09f9298', 'f09f92', '00', '7f', 'c280', 'dfbf', 'e0a080', 'efbfbf',
    ];
    for (const hex of cases) {
      const b = Buffer.from(hex, 'hex');
      expect(ours(b), hex).toBe(reference(b));
    }
  });

  it('agrees with a fatal TextDecoder on random byte strings', () => {
    const rng = new Rng(13);
    // Bytes drawn mostly from the ranges where UTF-8 has rules (lead and continuation bytes).
    const pool = [0x00, 0x41, 0x7f, 0x80, 0x8f, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0xbb];
    let invalid = 0;
    for (let run = 0; run < 20_000; run++) {
      const n = rng.int(9);
      const b = Buffer.from(Array.from({ length: n }, () => (rng.chance(0.8) ? (pool[rng.int(pool.length)] ?? 0) : rng.int(256))));
      const expected = reference(b);
      if (expected === null) invalid++;
      expect(ours(b), b.toString('hex')).toBe(expected);
    }
    expect(invalid).toBeGreaterThan(1000);
  });
});
