import type { FieldError, FieldWarning } from '../validation/reasons.ts';
import { CALL_FIELDS, callFieldId, type CallField } from './form-state.ts';

// The report validator speaks in record fields and stable reasons (calls[1].number, invalid_number);
// a person needs the form field and a sentence that says how to fix it.

const CALL_FIELD_OF_RECORD: Readonly<Record<string, CallField>> = {
  number: 'number',
  call_time: 'date',
  call_type: 'type',
  organisation: 'organisation',
  subject: 'subject',
  description: 'description',
};

type Messages = Partial<Record<string, string>> & { default: string };

const MESSAGES: Readonly<Record<string, Messages>> = {
  reporter: {
    required: 'Enter your email address',
    empty: 'Enter your email address',
    invalid_email: 'Enter an email address in the correct format, like name@example.com',
    default: 'Enter your email address, like name@example.com',
  },
  'reporter-number': {
    number_invalid: 'Enter your phone number in a format like 07700 900123, or leave it empty',
    default: 'Enter your phone number in a format like 07700 900123, or leave it empty',
  },
  number: {
    required: 'Enter the number that called you',
    empty: 'Enter the number that called you, or “withheld” if it was hidden',
    number_invalid: 'Enter the number that called you in a format like 07700 900123 or +44 20 7946 0123',
    invalid_number: 'Enter the number that called you in a format like 07700 900123 or +44 20 7946 0123',
    default: 'Enter the number that called you in a format like 07700 900123',
  },
  date: {
    required: 'Enter the date and time of the call',
    invalid_time: 'Enter a real date and time, for example 14/01/2026 and 09:30',
    future_time: 'The date and time of the call must be in the past',
    time_out_of_range: 'The date of the call must be after 1 January 2000',
    default: 'Enter the date and time of the call',
  },
  time: {
    required: 'Enter the time of the call',
    default: 'Enter the time of the call, for example 09:30',
  },
  type: {
    default: 'Select what kind of call it was',
  },
  organisation: {
    too_long: 'The organisation must be 200 characters or fewer',
    default: 'Enter the organisation using letters, numbers and punctuation only',
  },
  subject: {
    default: 'Select a subject from the list',
  },
  description: {
    too_long: 'The description is too long: shorten it',
    default: 'The description contains characters that cannot be used',
  },
};

function message(kind: string, reason: string): string {
  const m = MESSAGES[kind] ?? { default: 'Check this answer' };
  return m[reason] ?? m.default;
}

/** Form field id for a record field path (calls[0].call_time → call-1-date), or undefined. */
export function formFieldId(field: string): string | undefined {
  if (field === 'reporter' || field === 'reporter_id') return 'reporter';
  if (field === 'reporter_number') return 'reporter-number';
  const m = /^calls\[(\d+)\]\.([a-z_]+)$/.exec(field);
  if (!m) return undefined;
  const callField = CALL_FIELD_OF_RECORD[m[2] ?? ''];
  return callField ? callFieldId(Number(m[1]), callField) : undefined;
}

function order(id: string, calls: number): number {
  if (id === 'reporter') return 0;
  if (id === 'reporter-number') return 1;
  const m = /^call-(\d+)-([a-z]+)$/.exec(id);
  if (!m) return 2 + calls * CALL_FIELDS.length;
  return 2 + (Number(m[1]) - 1) * CALL_FIELDS.length + CALL_FIELDS.indexOf(m[2] as CallField);
}

/**
 * Errors to show, keyed by form field id, in page order (the error summary lists them in the order
 * a person meets the fields). A number the collector would only bucket as INVALID is shown as an
 * error here: a person at a form can correct it, a platform's CDR cannot be.
 * Problems that belong to no field (e.g. too many calls) are returned in `general`.
 */
export function toFormErrors(
  errors: readonly FieldError[],
  warnings: readonly FieldWarning[],
  calls: number,
  extra: ReadonlyMap<string, string> = new Map(),
): { fields: Map<string, string>; general: string[] } {
  const found = new Map<string, string>(extra);
  const general: string[] = [];
  const problems: { field: string; reason: string; message: string }[] = [...errors, ...warnings.filter((w) => w.reason === 'number_invalid')];
  for (const p of problems) {
    const id = formFieldId(p.field);
    if (!id) {
      general.push(p.reason === 'too_many_calls' ? 'Too many calls in one report: remove some and send them in another report' : `${p.field}: ${p.message}`);
      continue;
    }
    if (found.has(id)) continue;
    const kind = id.startsWith('call-') ? id.replace(/^call-\d+-/, '') : id;
    found.set(id, message(kind, p.reason));
  }
  const fields = new Map([...found].sort(([a], [b]) => order(a, calls) - order(b, calls)));
  return { fields, general };
}
