import { isSupportedCountry, type CountryCode } from 'libphonenumber-js/max';
import { possibleE164, possibleE164Reference } from './possible-number.ts';

export type { CountryCode };

export type NormalisedNumber =
  | { kind: 'E164'; e164: string }
  | { kind: 'WITHHELD' }
  | { kind: 'INVALID'; reason: string };

/** Longest raw number string we look at; anything longer is junk, not a number. */
export const MAX_RAW_NUMBER_LENGTH = 64;

// What platforms and people write when there is no number to show (Asterisk "Anonymous" and
// "<unknown>", FreeSWITCH "anonymous" / "0000000000", SIP "anonymous@anonymous.invalid", people's words).
const WITHHELD = new Set([
  '', 'anonymous', 'withheld', 'numberwithheld', 'private', 'privatenumber', 'unknown', 'unavailable',
  'restricted', 'hidden', 'nocallerid', 'blocked', 'p', 'o', 'x', 'unknowncaller', 'notavailable', '0000000000',
]);

/**
 * Extracts the number part from the forms platforms emit: `"Name" <0123>` (Asterisk clid),
 * `sip:+4420…@host` / `tel:+4420…` URIs, and plain strings.
 */
function numberPart(raw: string): string {
  let s = raw.trim();
  const angle = /<([^>]*)>/.exec(s);
  if (angle?.[1] !== undefined) s = angle[1].trim();
  s = s.replace(/^(sips?|tel):/i, '');
  const at = s.indexOf('@');
  if (at >= 0) s = s.slice(0, at);
  return s.split(';')[0]?.trim() ?? '';
}

/**
 * Canonical E.164 for any common way of writing a number ("07700 900123", "+44 7700 900123",
 * "447700900123", "0044 7700 900123" with region GB all give +447700900123), or a bucket:
 * WITHHELD when the caller hid the number, INVALID when the text is not a possible number.
 *
 * "Possible" (right length for its country) rather than "valid" (allocated range) on purpose:
 * nuisance callers spoof unallocated and drama-range numbers, and those still identify a campaign.
 */
export function normaliseNumber(raw: string, defaultRegion: CountryCode): NormalisedNumber {
  return normaliseWith(raw, defaultRegion, possibleE164);
}

/** normaliseNumber with every number through the full library: the reference the fast path must equal. */
export function normaliseNumberReference(raw: string, defaultRegion: CountryCode): NormalisedNumber {
  return normaliseWith(raw, defaultRegion, possibleE164Reference);
}

function normaliseWith(raw: string, defaultRegion: CountryCode, possible: (text: string, region: CountryCode) => string | undefined): NormalisedNumber {
  if (raw.length > MAX_RAW_NUMBER_LENGTH) return { kind: 'INVALID', reason: `longer than ${MAX_RAW_NUMBER_LENGTH} characters` };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) return { kind: 'INVALID', reason: 'contains control characters' };
  const part = numberPart(raw);
  const word = part.toLowerCase().replace(/[\s_.-]/g, '');
  if (WITHHELD.has(word) || WITHHELD.has(raw.trim().toLowerCase().replace(/[\s_.<>"-]/g, ''))) return { kind: 'WITHHELD' };
  if (!/^[+(]?[0-9][0-9\s().\-/]*$/.test(part)) return { kind: 'INVALID', reason: 'not a phone number' };
  const digits = part.replace(/\D/g, '');
  const candidates = [part];
  // Digits that already start with a country code but lack the "+" ("447700900123").
  if (!part.startsWith('+') && !part.startsWith('0') && digits.length >= 8) candidates.push(`+${digits}`);
  for (const text of candidates) {
    const e164 = possible(text, defaultRegion);
    if (e164 !== undefined) return { kind: 'E164', e164 };
  }
  return { kind: 'INVALID', reason: 'not a possible number for any country' };
}

/** The value stored in records: the E.164 string, or the bucket name. */
export function numberKey(n: NormalisedNumber): string {
  return n.kind === 'E164' ? n.e164 : n.kind;
}

/** Whether `region` is a two-letter region libphonenumber knows (for validating configuration). */
export function isCountryCode(region: string): region is CountryCode {
  return isSupportedCountry(region);
}
