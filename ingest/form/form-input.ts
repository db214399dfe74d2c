import { zonedToEpochMs } from '../validation/time.ts';
import { callFieldId, type CallEntry, type FormState } from './form-state.ts';

/** The report body the form hands to the report validator: the same shape POST /v1/reports takes. */
export interface FormReportInput {
  reporter: string;
  reporter_number: string | null;
  calls: {
    number: string;
    call_time: number | string | undefined;
    call_type: string | undefined;
    organisation: string | null;
    subject: string | null;
    description: string | null;
  }[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The instant of a date and time typed in the form (`YYYY-MM-DD` from a date input, `HH:MM` from a
 * time input), read in the service's time zone. undefined when either is not a real date or time.
 */
export function formDateTimeToEpochMs(date: string, time: string, timeZone: string): number | undefined {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  const t = /^(\d{1,2})[:.](\d{2})$/.exec(time.trim());
  if (!d || !t) return undefined;
  const [year, month, day, hour, minute] = [d[1], d[2], d[3], t[1], t[2]].map(Number) as [number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate() || hour > 23 || minute > 59) return undefined;
  return zonedToEpochMs({ year, month, day, hour, minute, second: 0 }, timeZone);
}

function orNull(s: string): string | null {
  const t = s.trim();
  return t === '' ? null : t;
}

function callTime(call: CallEntry, index: number, timeZone: string, problems: Map<string, string>): number | undefined {
  if (call.date.trim() === '' && call.time.trim() === '') return undefined; // the validator says "required"
  if (call.date.trim() === '') {
    problems.set(callFieldId(index, 'date'), 'Enter the date of the call');
    return undefined;
  }
  if (call.time.trim() === '') {
    problems.set(callFieldId(index, 'time'), 'Enter the time of the call, for example 09:30');
    return undefined;
  }
  const ms = formDateTimeToEpochMs(call.date, call.time, timeZone);
  if (ms === undefined) problems.set(callFieldId(index, 'date'), 'Enter a real date and time, for example 14/01/2026 and 09:30');
  return ms;
}

/**
 * The report input for the shared validator, plus the problems only the form can see (a date
 * without a time, an email address that cannot be one). Identity is trimmed and lower-cased so
 * one person's reports share one pseudonym.
 */
export function formToReportInput(state: FormState, timeZone: string): { input: FormReportInput; problems: Map<string, string> } {
  const problems = new Map<string, string>();
  const reporter = state.reporter.trim().toLowerCase();
  if (reporter !== '' && !EMAIL.test(reporter)) problems.set('reporter', 'Enter an email address in the correct format, like name@example.com');
  const input: FormReportInput = {
    reporter,
    reporter_number: orNull(state.reporterNumber),
    calls: state.calls.map((call, i) => ({
      number: call.number.trim(),
      call_time: callTime(call, i, timeZone, problems),
      call_type: call.type === '' ? undefined : call.type,
      organisation: orNull(call.organisation),
      subject: orNull(call.subject),
      description: orNull(call.description),
    })),
  };
  return { input, problems };
}
