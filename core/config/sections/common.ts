import { z } from 'zod';

// Leaves accept strings too, because environment variables are strings.
export const envBool = z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  if (/^(true|1|yes)$/i.test(v)) return true;
  if (/^(false|0|no)$/i.test(v)) return false;
  return v;
}, z.boolean());

export const envInt = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
export const port = envInt(1, 65535);

/** A positive rate that may be fractional (env values arrive as strings). */
export const rate = z.coerce.number().positive().max(1_000_000);

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const ianaTimeZone = z.string().refine(isTimeZone, 'an IANA time zone such as Europe/London');
