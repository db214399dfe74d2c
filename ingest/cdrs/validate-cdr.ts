import { z } from 'zod';
import { cdrDurationBreaches, cdrTimeBreaches } from '../../core/record-invariants.ts';
import { CONTACT_CHANNELS, DIRECTIONS, DISPOSITIONS, type CdrRecord } from '../../core/records.ts';
import { breachError, fieldError, fieldWarning, type FieldError, type FieldWarning, type Validated } from '../validation/reasons.ts';
import { checkEventTime } from '../validation/time.ts';
import { textProblem } from '../validation/text.ts';
import { issuesToFieldErrors, withoutUnknownKeys } from '../validation/zod-issues.ts';
import { acceptNativeCdr } from './native-cdr-fast.ts';
import type { NumberNormaliser } from '../validation/numbers.ts';

/** Longest raw number string kept (caller_raw/callee_raw); longer ones are rejected, not bucketed. */
export const MAX_RAW_NUMBER_TEXT = 128;

const eventTime = z.union([z.number(), z.string().max(64)]);
const nonNegativeInt = z.int().min(0).max(Number.MAX_SAFE_INTEGER);

/**
 * The native CDR body (POST /v1/cdrs, JSON or NDJSON): the fields of schemas/cdr.avsc a platform
 * knows. `platform` and `received_at` are the collector's; caller/callee are raw strings that the
 * collector canonicalises. Unknown fields are refused so a typo never silently drops data.
 */
export const nativeCdrSchema = z.strictObject({
  cdr_id: z.string(),
  setup_time: eventTime,
  answer_time: eventTime.nullable().optional(),
  end_time: eventTime,
  caller: z.string(),
  callee: z.string(),
  direction: z.enum(DIRECTIONS).optional(),
  disposition: z.enum(DISPOSITIONS),
  duration_ms: nonNegativeInt.optional(),
  billable_ms: nonNegativeInt.optional(),
  queue: z.string().nullable().optional(),
  queue_wait_ms: nonNegativeInt.nullable().optional(),
  agent: z.string().nullable().optional(),
  channel: z.enum(CONTACT_CHANNELS).optional(),
  hangup_cause: z.int().min(0).max(127).nullable().optional(),
});
export type NativeCdr = z.input<typeof nativeCdrSchema>;
export type NativeCdrParsed = z.output<typeof nativeCdrSchema>;

export interface CdrContext {
  platform: string;
  nowMs: number;
  futureSkewMs: number;
  maxTextLength: number;
  numbers: NumberNormaliser;
}

function checkText(errors: FieldError[], field: string, value: string | null | undefined, max: number): string | null {
  if (value === null || value === undefined) return null;
  // Every text field of a CDR names something (id, queue, agent): no invisible format characters.
  const problem = textProblem(value, max, { identifier: true });
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
  const problem = textProblem(raw, MAX_RAW_NUMBER_TEXT, { allowEmpty: true, identifier: true });
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

/** Validates and normalises one native CDR into the Avro record, or lists every field problem. */
export function validateCdr(input: unknown, ctx: CdrContext): Validated<CdrRecord> {
  let c = acceptNativeCdr(input); // the all-valid common case without zod; zod for anything else
  if (c === undefined) {
    const parsed = nativeCdrSchema.safeParse(input);
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

  const cdrId = checkText(errors, 'cdr_id', c.cdr_id, ctx.maxTextLength) ?? '';
  const times: Record<'setup_time' | 'answer_time' | 'end_time', number | null> = { setup_time: null, answer_time: null, end_time: null };
  for (const field of ['setup_time', 'answer_time', 'end_time'] as const) {
    const v = c[field];
    if (v === null || v === undefined) continue;
    const t = checkEventTime(v, ctx.nowMs, ctx.futureSkewMs);
    if (t.ok) times[field] = t.ms;
    else errors.push(fieldError(field, t.reason, t.detail));
  }
  const { setup_time: setup, answer_time: answer, end_time: end } = times;
  // The record invariants (core/record-invariants.ts), judged only on the times that could be read.
  const answerGiven = c.answer_time !== null && c.answer_time !== undefined;
  const order = cdrTimeBreaches({ setup_time: setup ?? undefined, answer_time: answerGiven ? (answer ?? undefined) : null, end_time: end ?? undefined, disposition: c.disposition });
  errors.push(...order.map(breachError));

  const caller = checkNumber(errors, warnings, 'caller', c.caller, ctx.numbers);
  const callee = checkNumber(errors, warnings, 'callee', c.callee, ctx.numbers);
  const queue = checkText(errors, 'queue', c.queue, ctx.maxTextLength);
  const agent = checkText(errors, 'agent', c.agent, ctx.maxTextLength);

  if (errors.length > 0 || setup === null || end === null) return { ok: false, errors };
  const duration = c.duration_ms ?? end - setup;
  const billable = c.billable_ms ?? (answer === null ? 0 : end - answer);
  const inconsistent = cdrDurationBreaches({ duration_ms: duration, billable_ms: billable });
  if (inconsistent.length > 0) return { ok: false, errors: inconsistent.map(breachError) };

  return {
    ok: true,
    warnings,
    value: {
      cdr_id: cdrId,
      platform: ctx.platform,
      setup_time: setup,
      answer_time: answer,
      end_time: end,
      caller,
      caller_raw: c.caller,
      callee,
      callee_raw: c.callee,
      direction: c.direction ?? 'UNKNOWN',
      disposition: c.disposition,
      duration_ms: duration,
      billable_ms: billable,
      queue,
      queue_wait_ms: c.queue_wait_ms ?? null,
      agent,
      channel: c.channel ?? 'VOICE',
      hangup_cause: c.hangup_cause ?? null,
      received_at: ctx.nowMs,
    },
  };
}
