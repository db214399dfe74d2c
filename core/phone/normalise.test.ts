import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { normaliseNumber, numberKey } from './normalise.ts';

const gb = (raw: string) => numberKey(normaliseNumber(raw, 'GB'));

describe('normaliseNumber', () => {
  it('gives one canonical number for the common ways of writing it', () => {
    for (const raw of ['07700 900123', '+44 7700 900123', '447700900123', '0044 7700 900123', '+44 (0)7700 900123'.replace('(0)', ''), '07700-900-123', '"Acme" <07700900123>', 'sip:+447700900123@pbx.example;user=phone', 'tel:+447700900123']) {
      expect(gb(raw), raw).toBe('+447700900123');
    }
  });

  it('uses the default region for national numbers', () => {
    expect(numberKey(normaliseNumber('020 7946 0000', 'GB'))).toBe('+442079460000');
    expect(numberKey(normaliseNumber('(202) 555-0100', 'US'))).toBe('+12025550100');
    expect(numberKey(normaliseNumber('+1 202 555 0100', 'GB'))).toBe('+12025550100');
  });

  it('buckets withheld numbers', () => {
    for (const raw of ['', 'Anonymous', 'WITHHELD', 'private', '<unknown>', 'anonymous@anonymous.invalid', 'sip:anonymous@anonymous.invalid', 'Number withheld', '0000000000']) {
      expect(normaliseNumber(raw, 'GB'), raw).toEqual({ kind: 'WITHHELD' });
    }
  });

  it('buckets invalid numbers with a reason', () => {
    for (const raw of ['123', 'call me', '+999', '07700 900123 ext', '💩', '1'.repeat(65), '0770\u0000900123']) {
      const n = normaliseNumber(raw, 'GB');
      expect(n.kind, raw).toBe('INVALID');
    }
  });

  it('is idempotent: a canonical number normalises to itself (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (raw) => {
        const first = normaliseNumber(raw, 'GB');
        if (first.kind !== 'E164') return;
        expect(normaliseNumber(first.e164, 'GB')).toEqual(first);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws and always yields E.164 or a bucket (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^\+?[0-9 ()-]{0,20}$/)), (raw) => {
        const key = gb(raw);
        expect(key === 'WITHHELD' || key === 'INVALID' || /^\+[1-9][0-9]{6,14}$/.test(key)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('formatting does not change the number (property)', () => {
    const ukMobile = fc.integer({ min: 0, max: 999_999 }).map((n) => `7700${String(n).padStart(6, '0')}`);
    const sep = fc.constantFrom('', ' ', '-', '.');
    fc.assert(
      fc.property(ukMobile, sep, fc.constantFrom('0', '+44', '44', '0044'), (national, s, prefix) => {
        const written = `${prefix}${national.slice(0, 4)}${s}${national.slice(4)}`;
        expect(gb(written)).toBe(`+44${national}`);
      }),
      { numRuns: 1000 },
    );
  });
});
