import { describe, expect, it } from 'vitest';
import { isCallwatchError } from '../core/errors.ts';
import { canonicalNumber, canonicalPrefix, pageSchemas, prefixSchema, weekSchema } from './validation.ts';
import { isMonday, previousWeek } from '../core/weeks.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isCallwatchError(err) ? err.code : 'not a CallwatchError';
  }
  return undefined;
}

describe('investigator input validation', () => {
  it('weeks are real Mondays written YYYY-MM-DD', () => {
    expect(isMonday('2016-03-14')).toBe(true);
    expect(isMonday('2016-03-15')).toBe(false);
    expect(isMonday('2016-02-30')).toBe(false);
    expect(isMonday('2016-3-14')).toBe(false);
    expect(isMonday("2016-03-14' OR 1=1")).toBe(false);
    expect(weekSchema.safeParse('2016-03-14').success).toBe(true);
    expect(weekSchema.safeParse('２０１６-03-14').success).toBe(false);
    expect(previousWeek('2016-03-07')).toBe('2016-02-29');
  });

  it('numbers canonicalise as at ingest; WITHHELD and INVALID are refused with their own codes', () => {
    for (const raw of ['07700 900123', '+44 7700 900123', '447700900123', '0044 7700 900123']) {
      expect(canonicalNumber(raw, 'GB')).toBe('+447700900123');
    }
    expect(codeOf(() => canonicalNumber('anonymous', 'GB'))).toBe('CW_ERR_API_NUMBER_WITHHELD');
    expect(codeOf(() => canonicalNumber('Withheld', 'GB'))).toBe('CW_ERR_API_NUMBER_WITHHELD');
    for (const junk of ["07700900123'; DROP TABLE x --", '123', '+44 7700 900123 UNION SELECT 1', '０７７００９００１２３', 'x'.repeat(64)]) {
      expect(codeOf(() => canonicalNumber(junk, 'GB'))).toBe('CW_ERR_API_NUMBER_INVALID');
    }
  });

  it('prefixes: + and digits only, national and 00 forms mapped to E.164, bounded length', () => {
    expect(canonicalPrefix('+447700900', 'GB', 4)).toBe('+447700900');
    expect(canonicalPrefix('07700900', 'GB', 4)).toBe('+447700900');
    expect(canonicalPrefix('00447700900', 'GB', 4)).toBe('+447700900');
    // An unencoded + in a query string arrives as a space.
    expect(canonicalPrefix(' 447700900', 'GB', 4)).toBe('+447700900');
    expect(codeOf(() => canonicalPrefix('+44', 'GB', 4))).toBe('CW_ERR_BAD_REQUEST');
    expect(codeOf(() => canonicalPrefix('+0447', 'GB', 4))).toBe('CW_ERR_BAD_REQUEST');
    for (const bad of ["+44'--", '+44%', '+44_', '44\\', '+447700900123456789012', '+44 7700']) expect(prefixSchema.safeParse(bad).success).toBe(false);
  });

  it('limit and offset are bounded whole numbers with defaults', () => {
    const { limit, offset } = pageSchemas({ defaultPageSize: 50, maxPageSize: 1000, maxOffset: 100_000 });
    expect(limit.parse(undefined)).toBe(50);
    expect(limit.parse('10')).toBe(10);
    for (const bad of ['0', '1001', '1.5', '-1', 'ten', '1e3x']) expect(limit.safeParse(bad).success).toBe(false);
    expect(offset.parse(undefined)).toBe(0);
    expect(offset.safeParse('100001').success).toBe(false);
  });
});
