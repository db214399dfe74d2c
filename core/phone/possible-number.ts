import { parsePhoneNumberFromString as parseWithMetadata, type CountryCode, type MetadataJson } from 'libphonenumber-js/core';
import maxMetadata from 'libphonenumber-js/metadata.max.json';

/**
 * `parsePhoneNumberFromString(text, region)` + `isPossible()` from libphonenumber-js/max, made
 * ~5x cheaper with the same answers.
 *
 * Most of the library's time goes into working out WHICH country of a shared calling code a number
 * belongs to (+44: GB, GG, IM, JE; +1: 25 countries), by running every number-type pattern of each
 * country. For "possible" (length) checks that only matters through the country's possible lengths,
 * and those mostly agree (+44: every country accepts 10 national digits). So the fast path parses
 * with a copy of the metadata in which each calling code lists only its main country, and keeps its
 * answer only when no length the parse can have checked is one where the countries of that code
 * disagree; otherwise (and for every non-possible answer) it asks the full library. The property
 * test in possible-number.test.ts compares both over generated inputs for many regions.
 */

type Plan = readonly unknown[];
const metadata = maxMetadata as MetadataJson & { countries: Record<string, Plan>; country_calling_codes: Record<string, string[]> };

// Indices into a country's minified plan in metadata format v4 (libphonenumber-js/source/metadata.js).
const PLAN = { callingCode: 0, iddPrefix: 1, possibleLengths: 3, nationalPrefix: 5, nationalPrefixForParsing: 7, transformRule: 8 } as const;

/** Metadata in which every calling code names only its main country: no country detection. */
const mainCountryOnly: MetadataJson = {
  ...metadata,
  country_calling_codes: Object.fromEntries(Object.entries(metadata.country_calling_codes).map(([cc, countries]) => [cc, countries.slice(0, 1)])),
};

const text = (plan: Plan, i: number): string | undefined => {
  const v = plan[i];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

// What checkNumberLength's answer means to the parse: possible, too long, or not (yet) possible.
type LengthClass = 'possible' | 'long' | 'short';
function lengthClass(lengths: readonly number[], n: number): LengthClass {
  const min = lengths[0];
  const max = lengths[lengths.length - 1];
  if (min === undefined || max === undefined || min === n) return 'possible';
  if (min > n) return 'short';
  if (max < n) return 'long';
  return lengths.includes(n) ? 'possible' : 'short';
}

const MAX_NATIONAL_LENGTH = 17; // libphonenumber's MAX_LENGTH_FOR_NSN

/** Per shared calling code, the national-number lengths at which its countries' answers differ. */
const ambiguousLengths = new Map<string, Set<number>>();
for (const [cc, countries] of Object.entries(metadata.country_calling_codes)) {
  if (countries.length < 2) continue;
  const lengthsOf = countries.map((c): unknown => metadata.countries[c]?.[PLAN.possibleLengths]);
  const ambiguous = new Set<number>();
  for (let n = 0; n <= MAX_NATIONAL_LENGTH + 1; n++) {
    // A plan without possible lengths makes every length "possible" in the library: treat as disagreement.
    const classes = new Set(lengthsOf.map((l) => (Array.isArray(l) && l.every((x) => typeof x === 'number') ? lengthClass(l, n) : 'unknown')));
    if (classes.size > 1) ambiguous.add(n);
  }
  if (ambiguous.size > 0) ambiguousLengths.set(cc, ambiguous);
}

interface ParsingPlan {
  callingCode: string;
  idd: RegExp | undefined;
  nationalPrefix: RegExp | undefined;
  /** A transform rule rewrites the national number; such plans are left to the full library. */
  transforms: boolean;
}
const plans = new Map<string, ParsingPlan | undefined>();
function parsingPlan(country: string): ParsingPlan | undefined {
  if (plans.has(country)) return plans.get(country);
  const plan = metadata.countries[country];
  const callingCode = plan === undefined ? undefined : text(plan, PLAN.callingCode);
  let out: ParsingPlan | undefined;
  if (plan !== undefined && callingCode !== undefined) {
    const idd = text(plan, PLAN.iddPrefix);
    const prefix = text(plan, PLAN.nationalPrefixForParsing) ?? text(plan, PLAN.nationalPrefix);
    out = {
      callingCode,
      idd: idd === undefined ? undefined : new RegExp(idd),
      nationalPrefix: prefix === undefined ? undefined : new RegExp(`^(?:${prefix})`),
      transforms: text(plan, PLAN.transformRule) !== undefined,
    };
  }
  plans.set(country, out);
  return out;
}

/** The full library: the reference answer. */
export function possibleE164Reference(input: string, region: CountryCode): string | undefined {
  const parsed = parseWithMetadata(input, region, metadata);
  return parsed?.isPossible() ? parsed.number : undefined;
}

/**
 * Whether the main-country-only parse of `digits` can differ from the full one: true when a length
 * the parse may have checked against a detected country (the final national number, or a national
 * number left after stripping a national prefix from a candidate suffix) is ambiguous for its code.
 */
function mayDependOnCountry(digits: string, region: ParsingPlan, callingCode: string, nationalNumber: string): boolean {
  if (!digits.endsWith(nationalNumber)) return true; // something (an extension?) was split off: not our shape
  if (ambiguousLengths.get(callingCode)?.has(nationalNumber.length) === true) return true;
  const main = metadata.country_calling_codes[callingCode]?.[0];
  const finalPlan = main === undefined ? undefined : parsingPlan(main);
  if (finalPlan === undefined) return true;
  const idd = region.idd?.exec(digits);
  const iddLength = idd?.index === 0 ? idd[0].length : 0;
  // Every string the library strips a national prefix from is one of these suffixes.
  const candidates = new Set([0, region.callingCode.length, callingCode.length, iddLength + callingCode.length]);
  for (const plan of [region, finalPlan]) {
    const ambiguous = ambiguousLengths.get(plan.callingCode);
    if (ambiguous === undefined) continue;
    if (plan.transforms) return true;
    for (const skip of candidates) {
      const s = digits.slice(skip);
      const prefix = plan.nationalPrefix?.exec(s);
      if (prefix && ambiguous.has(s.length - prefix[0].length)) return true;
    }
  }
  return false;
}

/**
 * Canonical E.164 of `input` read with default region `region` when libphonenumber-js/max calls it
 * a possible number, else undefined — the same answer as possibleE164Reference, faster. `input`
 * must be what normaliseNumber passes: an optional leading "+" or "(", then ASCII digits and the
 * separators space ( ) . - / (anything else goes to the full library).
 */
export function possibleE164(input: string, region: CountryCode): string | undefined {
  const regionPlan = parsingPlan(region);
  if (regionPlan === undefined || !/^[+(]?[0-9][0-9 ().\-/]*$/.test(input)) return possibleE164Reference(input, region);
  const fast = parseWithMetadata(input, region, mainCountryOnly);
  if (fast?.isPossible() !== true) return possibleE164Reference(input, region);
  const digits = input.replace(/\D/g, '');
  if (mayDependOnCountry(digits, regionPlan, fast.countryCallingCode, fast.nationalNumber)) return possibleE164Reference(input, region);
  return fast.number;
}
