import { z } from 'zod';
import type { Pseudonymiser } from '../../core/pseudonym.ts';
import { reportCallCountBreaches } from '../../core/record-invariants.ts';
import { CALL_TYPES, REPORT_CHANNELS, type NuisanceReportRecord, type ReportChannel, type ReportedCallRecord } from '../../core/records.ts';
import type { NumberNormaliser } from '../validation/numbers.ts';
import { breachError, fieldError, fieldWarning, type FieldError, type FieldWarning, type Validated } from '../validation/reasons.ts';
import { textProblem } from '../validation/text.ts';
import { checkEventTime } from '../validation/time.ts';
import { issuesToFieldErrors, withoutUnknownKeys } from '../validation/zod-issues.ts';
import { MAX_RAW_NUMBER_TEXT } from '../cdrs/validate-cdr.ts';
import { isSubjectCode } from './subjects.ts';

const optionalText = z.string().nullable().optional();

/**
 * A nuisance report as a client sends it (POST /v1/reports, and the public form after it has
 * turned its fields into this shape). `reporter` and `reporter_number` are RAW: the collector
 * pseudonymises them before anything is written. The report's channel comes from the caller of
 * validateReport (API key scope or the form), `channel` here only lets a key with several
 * report scopes say which one it uses.
 */
export const reportInputSchema = z.strictObject({
  channel: z.enum(REPORT_CHANNELS).optional(),
  reporter: z.string(),
  reporter_number: optionalText,
  calls: z
    .array(
      z.strictObject({
        number: z.string(),
        call_time: z.union([z.number(), z.string().max(64)]),
        call_type: z.enum(CALL_TYPES).optional(),
        organisation: optionalText,
        subject: optionalText,
        description: optionalText,
      }),
    )
    .min(1),
});
export type ReportInput = z.input<typeof reportInputSchema>;

export interface ReportContext {
  /** The reporting channel, already authorised by the caller. */
  channel: ReportChannel;
  /** The report's id (see reportId()). */
  reportId: string;
  nowMs: number;
  futureSkewMs: number;
  maxCallsPerReport: number;
  maxDescriptionLength: number;
  maxTextLength: number;
  numbers: NumberNormaliser;
  pseudonymiser: Pseudonymiser;
}

function optional(errors: FieldError[], field: string, value: string | null | undefined, max: number, multiline = false): string | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const problem = textProblem(value, max, { multiline });
  if (problem) errors.push(fieldError(field, problem, problem === 'too_long' ? `at most ${max} characters` : undefined));
  return value;
}

/**
 * Validates a report and turns it into the Avro record, pseudonymising the reporter: a pure
 * function (input + context → record or per-field errors), shared by the API and the public form.
 * Offending numbers that are withheld or impossible are kept in their buckets, with a warning.
 */
export function validateReport(input: unknown, ctx: ReportContext): Validated<NuisanceReportRecord> {
  const parsed = reportInputSchema.safeParse(input);
  if (!parsed.success) {
    const errors = issuesToFieldErrors(parsed.error.issues, input);
    // Unknown fields are reported with every other problem of the report, not instead of them.
    const known = withoutUnknownKeys(input, parsed.error.issues);
    if (known === undefined) return { ok: false, errors };
    const rest = validateReport(known, ctx);
    return { ok: false, errors: [...errors.filter((e) => e.reason === 'unknown_field'), ...(rest.ok ? [] : rest.errors)] };
  }
  const r = parsed.data;
  const errors: FieldError[] = [];
  const warnings: FieldWarning[] = [];

  errors.push(...reportCallCountBreaches(r.calls.length, ctx.maxCallsPerReport).map(breachError));
  const reporterProblem = textProblem(r.reporter, ctx.maxTextLength);
  if (reporterProblem) errors.push(fieldError('reporter', reporterProblem, reporterProblem === 'too_long' ? `at most ${ctx.maxTextLength} characters` : undefined));

  let reporterNumber: string | null = null;
  if (typeof r.reporter_number === 'string' && r.reporter_number.trim() !== '') {
    const n = r.reporter_number.length > MAX_RAW_NUMBER_TEXT ? undefined : ctx.numbers.normalise(r.reporter_number);
    if (n?.kind === 'E164') reporterNumber = ctx.pseudonymiser.pseudonym('reporter-number', n.e164);
    else errors.push(fieldError('reporter_number', 'invalid_number', 'give the number you were called on, or leave it out'));
  }

  const calls: ReportedCallRecord[] = [];
  r.calls.forEach((c, i) => {
    const at = (f: string): string => `calls[${i}].${f}`;
    let number = 'INVALID';
    // As in a CDR: a number that cannot be stored as written (lone surrogate) or that would display
    // as something else (bidi override, zero-width space) is refused, never stored mangled.
    const numberProblem = textProblem(c.number, MAX_RAW_NUMBER_TEXT, { allowEmpty: true, identifier: true });
    if (numberProblem === 'too_long') errors.push(fieldError(at('number'), 'too_long', `at most ${MAX_RAW_NUMBER_TEXT} characters`));
    else if (numberProblem === 'invalid_unicode' || numberProblem === 'format_characters') errors.push(fieldError(at('number'), numberProblem));
    else {
      const n = ctx.numbers.normalise(c.number);
      number = n.kind === 'E164' ? n.e164 : n.kind;
      if (n.kind === 'WITHHELD') warnings.push(fieldWarning(at('number'), 'number_withheld'));
      if (n.kind === 'INVALID') warnings.push(fieldWarning(at('number'), 'number_invalid', n.reason));
    }
    const t = checkEventTime(c.call_time, ctx.nowMs, ctx.futureSkewMs);
    if (!t.ok) errors.push(fieldError(at('call_time'), t.reason, t.detail));
    const subject = optional(errors, at('subject'), c.subject, ctx.maxTextLength);
    if (subject !== null && !isSubjectCode(subject)) errors.push(fieldError(at('subject'), 'unknown_subject'));
    calls.push({
      number,
      number_raw: c.number,
      call_time: t.ok ? t.ms : 0,
      call_type: c.call_type ?? 'OTHER',
      organisation: optional(errors, at('organisation'), c.organisation, ctx.maxTextLength),
      subject,
      description: optional(errors, at('description'), c.description, ctx.maxDescriptionLength, true),
    });
  });
  if (errors.length > 0) return { ok: false, errors };

  return {
    ok: true,
    warnings,
    value: {
      report_id: ctx.reportId,
      submitted_at: ctx.nowMs,
      channel: ctx.channel,
      // Identities are compared case- and space-insensitively (e-mail addresses, agent refs).
      reporter_id: ctx.pseudonymiser.pseudonym('reporter', r.reporter.trim().toLowerCase()),
      reporter_number: reporterNumber,
      calls,
      received_at: ctx.nowMs,
    },
  };
}
