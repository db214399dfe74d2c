import { RECORD_RULES, type RuleBreach } from '../../core/record-invariants.ts';

// Stable reason codes for per-record rejections and warnings. Clients key on these; a code never
// changes meaning once released (add new ones instead). Request-level failures use CW_ERR_INGEST_*.
// The record invariants' rules (core/record-invariants.ts) are reasons under their own names.
export const REJECTION_REASONS = {
  ...RECORD_RULES,
  wrong_type: 'field has the wrong type',
  unknown_field: 'field is not part of the record',
  platform_from_key: 'platform comes from the API key, not from the body',
  too_long: 'text longer than allowed',
  empty: 'text must not be empty',
  control_characters: 'text contains control characters',
  invalid_unicode: 'text contains unpaired UTF-16 surrogates',
  format_characters: 'identifier contains invisible Unicode format characters (bidi override, zero-width space, BOM)',
  unknown_value: 'value is not one of the allowed symbols',
  invalid_time: 'not an ISO-8601 time with offset or integer epoch milliseconds',
  time_out_of_range: 'time before 2000-01-01 (epoch seconds sent as milliseconds?)',
  future_time: 'time lies in the future beyond the allowed clock skew',
  out_of_range: 'number out of range',
  duplicate_id: 'same id as an earlier record in this request',
  malformed_json: 'line is not valid JSON',
  not_an_object: 'record is not a JSON object',
  malformed_row: 'CSV row has the wrong number of columns',
  invalid_number: 'not a possible phone number',
  unknown_subject: 'subject is not in the list of subject categories',
  channel_not_allowed: 'the API key may not submit reports for this channel',
} as const;

export const WARNING_REASONS = {
  number_withheld: 'number withheld; stored in the WITHHELD bucket',
  number_invalid: 'number not a possible phone number; stored in the INVALID bucket',
  charset_fallback: 'text was not valid UTF-8 and no charset was declared; read as Latin-1 (declare it: Content-Type: text/csv; charset=…)',
  answer_dropped: 'the platform marked the call not answered: its answer time and billable time are not stored',
} as const;

export type RejectionReason = keyof typeof REJECTION_REASONS;
export type WarningReason = keyof typeof WARNING_REASONS;

/** One problem with one field of one record; `message` never repeats the submitted value. */
export interface FieldError {
  field: string;
  reason: RejectionReason;
  message: string;
}

export interface FieldWarning {
  field: string;
  reason: WarningReason;
  message: string;
}

export function fieldError(field: string, reason: RejectionReason, detail?: string): FieldError {
  return { field, reason, message: detail ? `${REJECTION_REASONS[reason]}: ${detail}` : REJECTION_REASONS[reason] };
}

/** A broken record invariant as the client sees it: the rule is the reason. */
export function breachError(b: RuleBreach): FieldError {
  return fieldError(b.field, b.rule, b.detail);
}

export function fieldWarning(field: string, reason: WarningReason, detail?: string): FieldWarning {
  return { field, reason, message: detail ? `${WARNING_REASONS[reason]} (${detail})` : WARNING_REASONS[reason] };
}

export type Validated<T> = { ok: true; value: T; warnings: FieldWarning[] } | { ok: false; errors: FieldError[] };
