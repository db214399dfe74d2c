import type { Disposition } from './records.ts';

// The meanings of a record that its Avro schema cannot express, in one place: the collectors check
// them on what a client sent (ingest/cdrs/validate-cdr.ts, ingest/reports/validate-report.ts, with
// every problem listed for the client) and the processors on what they read back from Kafka
// (processors/transforms/validate.ts, the first problem dead-letters the record). Each check returns
// the rules a record breaks, as data; the caller decides how to report them.

/** Earliest event time of any record: anything earlier is almost always epoch seconds sent as ms. */
export const EARLIEST_EVENT_MS = Date.UTC(2000, 0, 1);
/** Latest event time of any record (ClickHouse DateTime columns end in 2105). */
export const LATEST_EVENT_MS = Date.UTC(2100, 0, 1);
/** Most calls one report may hold; a collector may be configured lower (ingest.maxCallsPerReport). */
export const MAX_CALLS_PER_REPORT = 1000;

/** The rules, with the text clients see for them (the collectors' rejection reasons of the same name). */
export const RECORD_RULES = {
  time_order: 'times out of order',
  required: 'field is required',
  inconsistent: 'value contradicts other fields',
  no_calls: 'a report needs at least one call',
  too_many_calls: 'more calls in one report than allowed',
} as const;

export type RecordRule = keyof typeof RECORD_RULES;

export interface RuleBreach {
  field: string;
  rule: RecordRule;
  detail: string;
}

/** What a record that breaks no rule gets: one shared empty list (the collectors check every record). */
const NO_BREACHES: readonly RuleBreach[] = Object.freeze([]);

/**
 * A CDR's times as far as they are known: a number, null when the record has none (answer_time
 * only), undefined when the value could not be read (its own error is reported elsewhere, and no
 * rule is judged on it).
 */
export interface CdrTimes {
  setup_time: number | undefined;
  answer_time: number | null | undefined;
  end_time: number | undefined;
  disposition: Disposition;
}

/** End not before setup; an answer between setup and end; an ANSWERED call has an answer time. */
export function cdrTimeBreaches(c: CdrTimes): readonly RuleBreach[] {
  let out: RuleBreach[] | undefined;
  const { setup_time: setup, answer_time: answer, end_time: end } = c;
  if (setup !== undefined && end !== undefined && end < setup) (out ??= []).push({ field: 'end_time', rule: 'time_order', detail: 'end_time before setup_time' });
  if (typeof answer === 'number' && setup !== undefined && answer < setup) (out ??= []).push({ field: 'answer_time', rule: 'time_order', detail: 'answer_time before setup_time' });
  if (typeof answer === 'number' && end !== undefined && answer > end) (out ??= []).push({ field: 'answer_time', rule: 'time_order', detail: 'answer_time after end_time' });
  if (c.disposition === 'ANSWERED' && answer === null) (out ??= []).push({ field: 'answer_time', rule: 'required', detail: 'an ANSWERED call needs answer_time' });
  return out ?? NO_BREACHES;
}

/**
 * Billable time (answer to end) never exceeds the duration (setup to end). The collectors refuse a
 * CDR that breaks it; the processors do not re-check it (see processors/transforms/validate.ts).
 */
export function cdrDurationBreaches(c: { duration_ms: number; billable_ms: number }): readonly RuleBreach[] {
  return c.billable_ms > c.duration_ms ? [{ field: 'billable_ms', rule: 'inconsistent', detail: 'billable_ms exceeds duration_ms' }] : NO_BREACHES;
}

/** A report holds at least one call and at most `max` (the contract's limit unless a collector's is lower). */
export function reportCallCountBreaches(count: number, max = MAX_CALLS_PER_REPORT): RuleBreach[] {
  if (count === 0) return [{ field: 'calls', rule: 'no_calls', detail: 'the report has no calls' }];
  return count > Math.min(max, MAX_CALLS_PER_REPORT) ? [{ field: 'calls', rule: 'too_many_calls', detail: `at most ${Math.min(max, MAX_CALLS_PER_REPORT)}` }] : [];
}
