import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { normaliseNumber, normaliseNumberReference } from './normalise.ts';
import { possibleE164 } from './possible-number.ts';

// Regions sharing a calling code (main and others), with transform rules, long national prefixes,
// odd IDD prefixes, and a spread of single-country codes.
const REGIONS: CountryCode[] = [
  'GB', 'GG', 'IM', 'JE', 'US', 'CA', 'AG', 'BS', 'PR', 'AU', 'CC', 'CX', 'RU', 'KZ', 'IT', 'VA', 'NO', 'SJ', 'SH', 'TA', 'CW', 'BQ',
  'FI', 'AX', 'MA', 'EH', 'RE', 'YT', 'GP', 'BL', 'DE', 'FR', 'IE', 'NL', 'AR', 'BR', 'MX', 'IN', 'CN', 'JP', 'ZA', 'NG', 'SG', 'HU', 'CO',
];
const CALLING_CODES = ['1', '7', '39', '44', '47', '61', '290', '599', '358', '212', '262', '590', '49', '33', '353', '54', '55', '52', '91', '86', '81', '27', '36', '800', '882', '979', '0', '999'];
// National prefixes and carrier-code prefixes libphonenumber strips (GB 180020, AU 1831, AR 0 / 15, HU 06, ...).
const NATIONAL_PREFIXES = ['', '0', '1', '8', '06', '180020', '1831', '01', '15', '00', '011', '0011'];
// Local codes that pick GG, IM, JE inside +44 and NANP countries inside +1.
const LOCAL_CODES = ['', '7700', '20', '1481', '1624', '1534', '7781', '7839', '7911', '7924', '268', '242', '441', '8', '9', '4', '2'];

const digitString = (min: number, max: number): fc.Arbitrary<string> => fc.string({ unit: fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9'), minLength: min, maxLength: max });

/** A number written the ways platforms and people write them, separators anywhere. */
const writtenNumber: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('', '+', '00', '011', '(', '+(', '0'),
    fc.constantFrom(...CALLING_CODES, ''),
    fc.constantFrom(...NATIONAL_PREFIXES),
    fc.constantFrom(...LOCAL_CODES),
    digitString(0, 12),
    fc.array(fc.tuple(fc.nat(20), fc.constantFrom(' ', '-', '.', '/', '(', ')', '  ', ') ')), { maxLength: 4 }),
  )
  .map(([lead, cc, prefix, local, rest, seps]) => {
    let s = `${lead}${cc}${prefix}${local}${rest}`;
    for (const [at, sep] of seps) {
      const i = Math.min(at, s.length);
      s = `${s.slice(0, i)}${sep}${s.slice(i)}`;
    }
    return s;
  });

const wrapped: fc.Arbitrary<string> = fc
  .tuple(writtenNumber, fc.constantFrom('%s', '"Acme" <%s>', 'sip:%s@pbx.example;user=phone', 'tel:%s', ' %s ', '%s ext', '%s;foo'))
  .map(([n, form]) => form.replace('%s', n));

const anyInput = fc.oneof(
  { weight: 6, arbitrary: writtenNumber },
  { weight: 2, arbitrary: wrapped },
  { weight: 2, arbitrary: digitString(0, 20) },
  { weight: 1, arbitrary: fc.stringMatching(/^\+?[0-9 ()./-]{0,24}$/) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);

describe('possibleE164 (fast path)', () => {
  it('answers exactly as libphonenumber-js/max parsePhoneNumberFromString(...).isPossible() (property)', () => {
    fc.assert(
      fc.property(writtenNumber, fc.constantFrom(...REGIONS), (text, region) => {
        const parsed = parsePhoneNumberFromString(text, region);
        expect(possibleE164(text, region), `${text} in ${region}`).toBe(parsed?.isPossible() ? parsed.number : undefined);
      }),
      { numRuns: 20_000 },
    );
  });

  it('normaliseNumber equals the all-library reference for every kind of input (property)', () => {
    fc.assert(
      fc.property(anyInput, fc.constantFrom(...REGIONS), (raw, region) => {
        expect(normaliseNumber(raw, region), `${raw} in ${region}`).toEqual(normaliseNumberReference(raw, region));
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees where the countries of +44 and +1 disagree on lengths (7 and 9 digits in +44, 7 in +1)', () => {
    const cases = [
      '+44 1534 123456', '01534 123456', '+44 1624 12345', '+44 1481 1234', '+44 7781 12345', '0044 1624 123456', '441534123456', '+44 800 1111',
      '+44 1234567', '+44 123456789', '0 1234567', '0123456789', '180020 1234567', '180020 7700900123', '+1 268 4601234', '1 268 4601234', '4601234',
      '+1 4601234', '+61 8 9162 1234', '+61 1831 12345678', '+61 89164 1234', '+290 8 1234', '+290 1234', '+599 7 1234567', '+599 1234567',
    ];
    for (const text of cases) {
      for (const region of REGIONS) {
        const parsed = parsePhoneNumberFromString(text, region);
        expect(possibleE164(text, region), `${text} in ${region}`).toBe(parsed?.isPossible() ? parsed.number : undefined);
      }
    }
  });
});
