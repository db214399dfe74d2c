import { cdrDurationBreaches, cdrTimeBreaches } from '../../core/record-invariants.ts';
import type { CdrRecord, Disposition } from '../../core/records.ts';
import { breachError, fieldError, fieldWarning, type FieldError, type FieldWarning, type Validated } from '../validation/reasons.ts';
import { checkEventTime, MIN_EVENT_TIME_MS } from '../validation/time.ts';
import { textProblem, type TextRules } from '../validation/text.ts';
import { issuesToFieldErrors, withoutUnknownKeys } from '../validation/zod-issues.ts';
import { cdrContract, type CdrAssembly, type CdrInputContract } from './cdr-input-contract.ts';
import { acceptNativeCdr, type NativeCdrParsed } from './native-cdr-fast.ts';
import type { NumberNormaliser } from '../validation/numbers.ts';

/** Longest raw number string kept (caller_raw/callee_raw); longer ones are rejected, not bucketed. */
export const MAX_RAW_NUMBER_TEXT = 128;

// The text rules of a CDR's names and raw numbers, made once (not per call: the hot path).
const IDENTIFIER: TextRules = { identifier: true };
const RAW_NUMBER: TextRules = { allowEmpty: true, identifier: true };

/**
 * The native CDR body (POST /v1/cdrs, JSON or NDJSON; what every adapter produces): the fields of
 * schemas/cdr.avsc a platform knows, derived from the schema (cdr-input-contract.ts). `platform` and
 * `received_at` are the collector's; caller/callee are raw strings that the collector canonicalises.
 * Unknown fields are refused so a typo never silently drops data.
 */
export const nativeCdrSchema = cdrContract().zod;
export type { NativeCdrParsed };

export interface CdrContext {
  platform: string;
  nowMs: number;
  futureSkewMs: number;
  maxTextLength: number;
  numbers: NumberNormaliser;
  /** The native CDR contract (a test's schema copy); the current schema's by default. */
  contract?: CdrInputContract;
}

function checkText(errors: FieldError[], field: string, value: string | null | undefined, max: number): string | null {
  if (value === null || value === undefined) return null;
  // Every text field of a CDR names something (id, queue, agent): no invisible format characters.
  const problem = textProblem(value, max, IDENTIFIER);
  if (problem) errors.push(fieldError(field, problem, problem === 'too_long' ? `at most ${max} characters` : undefined));
  return value;
}

function checkNumber(
  errors: FieldError[],
  warnings: FieldWarning[],
  field: string,
  raw: string,
  numbers: NumberNormaliser,
): string {
  const problem = textProblem(raw, MAX_RAW_NUMBER_TEXT, RAW_NUMBER);
  // Control characters in a number make it INVALID (bucketed), other text problems reject the record.
  if (problem === 'too_long' || problem === 'invalid_unicode' || problem === 'format_characters') {
    errors.push(fieldError(field, problem, problem === 'too_long' ? `at most ${MAX_RAW_NUMBER_TEXT} characters` : undefined));
    return 'INVALID';
  }
  const n = numbers.normalise(raw);
  if (n.kind === 'E164') return n.e164;
  if (n.kind === 'WITHHELD') warnings.push(fieldWarning(field, 'number_withheld'));
  else warnings.push(fieldWarning(field, 'number_invalid', n.reason));
  return n.kind;
}

/** What the compiled assembly calls for each kind of field (cdr-input-contract.ts compileAssembly). */
const ASSEMBLY: CdrAssembly = {
  text: (errors, field, value, ctx) => checkText(errors, field, value, ctx.maxTextLength),
  number: (errors, warnings, field, raw, ctx) => checkNumber(errors, warnings, field, raw, ctx.numbers),
  time(errors, field, v, ctx) {
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= MIN_EVENT_TIME_MS && v <= ctx.nowMs + ctx.futureSkewMs) return v; // the common case, without a result object
    if (v === null || v === undefined) return null;
    // The contract admitted only epoch ms or ISO text here.
    const t = checkEventTime(v as number | string, ctx.nowMs, ctx.futureSkewMs);
    if (t.ok) return t.ms;
    errors.push(fieldError(field, t.reason, t.detail));
    return undefined;
  },
  timeRules(errors, setup, answer, answerGiven, end, disposition) {
    // The record invariants (core/record-invariants.ts), judged only on the times that could be read.
    const order = cdrTimeBreaches({ setup_time: setup ?? undefined, answer_time: answerGiven ? answer : null, end_time: end ?? undefined, disposition: disposition as Disposition });
    for (const b of order) errors.push(breachError(b));
  },
};

/**
 * Validates and normalises one native CDR into the Avro record, or lists every field problem (in the
 * schema's field order, each time rule right after the last time field it judges). Fields are handled
 * by their kind in the contract, so a field added to the schema is validated and written here without
 * a change: text by the identifier rules, numbers normalised with the raw text kept, times parsed.
 */
export function validateCdr(input: unknown, ctx: CdrContext): Validated<CdrRecord> {
  const contract = ctx.contract ?? cdrContract();
  let c = acceptNativeCdr(input, contract); // the all-valid common case without zod; zod for anything else
  if (c === undefined) {
    const parsed = contract.zod.safeParse(input);
    if (!parsed.success) {
      const errors = issuesToFieldErrors(parsed.error.issues, input);
      // Unknown fields are reported with every other problem of the record, not instead of them.
      const known = withoutUnknownKeys(input, parsed.error.issues);
      if (known === undefined) return { ok: false, errors };
      const rest = validateCdr(known, ctx);
      const unknown = errors.filter((e) => e.reason === 'unknown_field' || e.reason === 'platform_from_key');
      return { ok: false, errors: [...unknown, ...(rest.ok ? [] : rest.errors)] };
    }
    c = parsed.data;
  }
  const errors: FieldError[] = [];
  const warnings: FieldWarning[] = [];
  // Every field by its kind in the contract, in schema order (a function compiled from the contract).
  const out = contract.assemble(c, ctx, errors, warnings, ASSEMBLY);
  const { setup_time: setup, answer_time: answer, end_time: end } = out as { setup_time: number | null; answer_time: number | null; end_time: number | null };

  if (errors.length > 0 || setup === null || end === null) return { ok: false, errors };
  // Durations the platform left out are the collector's to derive (cdr-input-contract.ts CDR_INPUT_RULES).
  const duration = (out.duration_ms as number | null) ?? end - setup;
  const billable = (out.billable_ms as number | null) ?? (answer === null ? 0 : end - answer);
  out.duration_ms = duration;
  out.billable_ms = billable;
  const inconsistent = cdrDurationBreaches({ duration_ms: duration, billable_ms: billable });
  if (inconsistent.length > 0) return { ok: false, errors: inconsistent.map(breachError) };
  // The contract is the schema's (types generated from the same file): the record is a CdrRecord.
  return { ok: true, warnings, value: out as unknown as CdrRecord };
}
