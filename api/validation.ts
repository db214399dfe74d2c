import { getCountryCallingCode } from 'libphonenumber-js/max';
import { z } from 'zod';
import type { ApiConfig } from '../core/config/sections/api.ts';
import { CallwatchError } from '../core/errors.ts';
import { isMonday } from '../core/weeks.ts';
import { MAX_RAW_NUMBER_LENGTH, normaliseNumber, type CountryCode } from '../core/phone/normalise.ts';

// Request inputs of the investigator API. Every value that later reaches SQL is checked here
// first (shape, length, alphabet), and is then written into SQL only by core/clickhouse/escape.ts.

export const weekSchema = z
  .string()
  .max(10, 'a week is its Monday as YYYY-MM-DD')
  .refine(isMonday, 'a week is its Monday as YYYY-MM-DD (between 1970 and 2105)')
  .meta({ description: 'ISO week, named by its Monday (YYYY-MM-DD)', example: '2016-03-07' });

/** A raw number in any common format; canonicalised by canonicalNumber(). */
export const rawNumberSchema = z
  .string()
  .min(1, 'empty')
  .max(MAX_RAW_NUMBER_LENGTH, `at most ${MAX_RAW_NUMBER_LENGTH} characters`)
  .meta({ description: 'a phone number in any common format: +447700900123, 07700 900123, 0044 7700 900123 (URL-encoded)', example: '+447700900123' });

/**
 * The number as stored at ingest (core/phone/normalise.ts with the same default region): E.164.
 * WITHHELD and INVALID are buckets, not numbers, so looking them up is refused with its own code.
 */
export function canonicalNumber(raw: string, region: CountryCode): string {
  const n = normaliseNumber(raw, region);
  if (n.kind === 'WITHHELD') throw new CallwatchError('CW_ERR_API_NUMBER_WITHHELD', 'the text names no number (withheld / anonymous)', { field: 'number' });
  if (n.kind === 'INVALID') throw new CallwatchError('CW_ERR_API_NUMBER_INVALID', n.reason, { field: 'number', reason: n.reason });
  return n.e164;
}

export const prefixSchema = z
  .string()
  .max(20, 'at most 20 characters')
  .regex(/^\s*\+?[0-9]+$/, 'digits, optionally after a leading + (send + as %2B)')
  .meta({ description: 'start of the E.164 number: +447700900, or 07700900 (national, default region), or 00447700900', example: '+447700900' });

/**
 * A prefix as the start of a canonical E.164 string. `+…` and `00…` are international, `0…` is
 * national in the default region (trunk prefix 0, as in GB), bare digits start with a country code
 * (as normaliseNumber reads "447700900123"; an unencoded + arrives as a space and lands here too).
 */
export function canonicalPrefix(raw: string, region: CountryCode, minDigits: number): string {
  const text = raw.trim();
  let e164: string;
  if (text.startsWith('+')) e164 = text;
  else if (text.startsWith('00')) e164 = `+${text.slice(2)}`;
  else if (text.startsWith('0')) e164 = `+${getCountryCallingCode(region)}${text.slice(1)}`;
  else e164 = `+${text}`;
  const digits = e164.length - 1;
  if (digits < minDigits) throw new CallwatchError('CW_ERR_BAD_REQUEST', `prefix: at least ${minDigits} digits after the country code's +`, { field: 'prefix', reason: 'too_short' });
  if (digits > 15 || e164[1] === '0') throw new CallwatchError('CW_ERR_BAD_REQUEST', 'prefix: not the start of an E.164 number', { field: 'prefix', reason: 'not_e164' });
  return e164;
}

export const formatSchema = z.enum(['json', 'csv']).meta({ description: 'response format; same as Accept: text/csv' });

const intText = (min: number, max: number) => z.coerce.number<string>().int('a whole number').min(min).max(max);

/** limit/offset with the configured bounds. */
export function pageSchemas(config: Pick<ApiConfig, 'defaultPageSize' | 'maxPageSize' | 'maxOffset'>) {
  return {
    limit: intText(1, config.maxPageSize).default(config.defaultPageSize).meta({ description: `rows per page (1–${config.maxPageSize})` }),
    offset: intText(0, config.maxOffset).default(0).meta({ description: `rows to skip (0–${config.maxOffset})` }),
  };
}

/** One zod failure as the API's 400: the field named, why, never the submitted value. */
export function badRequest(error: z.ZodError, where: 'path' | 'query'): CallwatchError {
  const issue = error.issues[0];
  if (!issue) return new CallwatchError('CW_ERR_BAD_REQUEST', where);
  if (issue.code === 'unrecognized_keys') {
    return new CallwatchError('CW_ERR_BAD_REQUEST', `unknown ${where} parameter ${issue.keys.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}`, { field: issue.keys[0], reason: 'unknown_parameter' });
  }
  const field = issue.path.map(String).join('.') || where;
  const reason = issue.code === 'invalid_type' ? 'wrong_type' : issue.code === 'custom' ? 'invalid_value' : issue.code;
  return new CallwatchError('CW_ERR_BAD_REQUEST', `${field}: ${issue.message}`, { field, reason });
}
