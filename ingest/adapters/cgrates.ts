import type { ContactChannel, Disposition } from '../../core/records.ts';
import { fieldError, type FieldError } from '../validation/reasons.ts';
import { parseIsoWithOffset } from '../validation/time.ts';
import { unansweredDisposition } from './freeswitch-json.ts';
import { Q850_BY_NAME } from './q850.ts';
import type { AdaptedRecord } from './types.ts';

/**
 * CGRateS CDR export over HTTP (event exporter `*http_json_map`, ees/httpjsonmap.go): one CDR per
 * POST, `Content-Type: application/json`, a flat object. With an export template (the usual case)
 * every value is a string, as utils.IfaceAsString writes it: times RFC 3339 ("2013-11-07T08:42:25Z",
 * Go's zero time "0001-01-01T00:00:00Z" for "never"), Usage a Go duration ("1m10.96s"). Without a
 * template the CDR event is marshalled as it is: times the same, Usage integer nanoseconds.
 * Credentials: the exporter's `header_fields` can send `Authorization: Bearer <key>` or `X-API-Key`.
 *
 * Identity is CGRID (CGRateS's id of the call): a call rated in several runs (RunID *default, *raw,
 * …) is one call here, so export one run (filter the exporter on `~*req.RunID:*default`).
 */

const GO_ZERO_TIME = /^0001-01-01T00:00:00(\.0+)?(Z|[+-]00:00)$/;
const GO_DURATION_PART = /(\d+(?:\.\d+)?)(h|m|s|ms|us|µs|ns)/g;
const UNIT_MS: Readonly<Record<string, number>> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };

type Doc = Readonly<Record<string, unknown>>;

function str(doc: Doc, key: string): string | undefined {
  const v = doc[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** Whether a parsed JSON body is a CGRateS CDR rather than a native one. */
export function isCgratesCdr(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const o = value as Doc;
  return typeof o.CGRID === 'string' || (typeof o.OriginID === 'string' && 'SetupTime' in o);
}

function time(doc: Doc, key: string, errors: FieldError[]): number | null {
  const v = str(doc, key)?.trim();
  if (v === undefined || v === '' || GO_ZERO_TIME.test(v)) return null;
  const ms = parseIsoWithOffset(v);
  if (ms === undefined) errors.push(fieldError(key, 'invalid_time', 'expected RFC 3339'));
  return ms ?? null;
}

/** Usage in ms: a Go duration string ("1m10s"), or integer nanoseconds (number or digits). */
export function usageMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? Math.round(value / 1e6) : undefined;
  if (typeof value !== 'string') return undefined;
  const v = value.trim();
  if (/^\d{1,19}$/.test(v)) return Math.round(Number(v) / 1e6);
  if (v === '0') return 0;
  let rest = v;
  let total = 0;
  for (const m of v.matchAll(GO_DURATION_PART)) {
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? 0);
    rest = rest.replace(m[0], '');
  }
  return rest === '' && v !== '' ? Math.round(total) : undefined;
}

const CHANNELS: Readonly<Record<string, ContactChannel>> = { '*voice': 'VOICE', '*sms': 'SMS', '*mms': 'SMS', '*chat': 'WEBCHAT' };

const FIELD_NAMES: Readonly<Record<string, string>> = {
  cdr_id: 'CGRID', setup_time: 'SetupTime', answer_time: 'AnswerTime', end_time: 'Usage', caller: 'Account', callee: 'Destination', billable_ms: 'Usage', duration_ms: 'Usage',
};

/** One CGRateS CDR as a native CDR input. */
export function adaptCgratesCdr(doc: unknown): AdaptedRecord {
  if (!isCgratesCdr(doc)) return { index: 0, errors: [fieldError('(record)', 'not_an_object', 'a CGRateS CDR has CGRID or OriginID and SetupTime')] };
  const d = doc as Doc;
  const errors: FieldError[] = [];
  const id = str(d, 'CGRID') ?? str(d, 'OriginID');
  const setup = time(d, 'SetupTime', errors);
  if (setup === null && !errors.some((e) => e.field === 'SetupTime')) errors.push(fieldError('SetupTime', 'required'));
  const answer = time(d, 'AnswerTime', errors);
  const usage = d.Usage === undefined ? 0 : usageMs(d.Usage);
  if (usage === undefined) errors.push(fieldError('Usage', 'wrong_type', 'a Go duration such as 1m10s, or integer nanoseconds'));
  const tor = str(d, 'ToR') ?? '*voice';
  const channel = CHANNELS[tor];
  if (!channel) errors.push(fieldError('ToR', 'unknown_value', `one of ${Object.keys(CHANNELS).join(', ')} (data sessions are not calls)`));
  if (errors.length > 0 || setup === null || usage === undefined || !channel) return { index: 0, errors };

  const cause = str(d, 'DisconnectCause')?.toUpperCase();
  const q850 = cause === undefined ? null : (Q850_BY_NAME[cause] ?? (/^\d{1,3}$/.test(cause) && Number(cause) <= 127 ? Number(cause) : null));
  const disposition: Disposition = answer !== null ? 'ANSWERED' : unansweredDisposition(cause, q850);
  // Usage is the answered (billed) time; an unanswered call ends where it was set up plus any usage.
  const end = (answer ?? setup) + usage;
  return {
    index: 0,
    fieldNames: FIELD_NAMES,
    input: {
      cdr_id: id,
      setup_time: setup,
      answer_time: answer,
      end_time: end,
      caller: str(d, 'Account') ?? str(d, 'Subject') ?? '',
      callee: str(d, 'Destination') ?? '',
      disposition,
      billable_ms: answer !== null ? usage : 0,
      queue: null,
      agent: null,
      channel,
      hangup_cause: q850,
    },
  };
}
