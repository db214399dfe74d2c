import { CallwatchError } from '../../core/errors.ts';
import type { Direction, Disposition } from '../../core/records.ts';
import { fieldError, type FieldError } from '../validation/reasons.ts';
import { parseJsonQuietly } from './native.ts';
import { Q850_BY_NAME } from './q850.ts';
import type { AdaptedRecord } from './types.ts';

/**
 * FreeSWITCH mod_json_cdr: one call per POST (to `<url>?uuid=<uuid>`), sent as
 * `application/json`, or with the module's `encode` option as `application/x-www-form-urlencoded`
 * (`cdr=<url-encoded JSON>`) or `application/x-www-form-base64-encoded` (`cdr=<base64 JSON>`).
 * Channel variables are strings, URL-encoded when `encode-values` is on. Caller and callee may be
 * missing from `variables` (they always are in `callflow[].caller_profile`). mod_xml_cdr's
 * documents (freeswitch-xml.ts) are read into the same shape and mapped here too.
 */

export const FREESWITCH_FORM_TYPES = new Set([
  'application/x-www-form-urlencoded', // encode=true: cdr=<switch_url_encode(document)>
  'application/x-www-form-base64-encoded', // encode=base64: cdr=<base64(document)>, NOT URL-escaped
  'application/x-www-form-plaintext', // mod_xml_cdr encode=false: cdr=<document as is>
]);

const BASE64_BODY = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The CDR document (JSON or XML text) inside a FreeSWITCH body, undoing the module's `encode`
 * mode. The form bodies are `cdr=` plus the whole document: no other field and no `&` splitting,
 * because base64 keeps `+` and `/` literal (form-decoding would turn every `+` into a space) and
 * mod_xml_cdr's plaintext mode does not escape the XML at all.
 */
export function freeswitchDocumentText(mediaType: string, body: string): string {
  if (!FREESWITCH_FORM_TYPES.has(mediaType)) return body;
  // eslint-disable-next-line no-control-regex -- a C string's terminating NUL may trail the body
  const trimmed = body.replace(/^\s+|[\s\u0000]+$/g, '');
  if (!trimmed.startsWith('cdr=')) throw new CallwatchError('CW_ERR_INGEST_MALFORMED_BODY', 'form body without a cdr= field', { format: 'freeswitch' });
  const value = trimmed.slice(4);
  if (mediaType === 'application/x-www-form-plaintext') return value;
  if (mediaType === 'application/x-www-form-urlencoded') {
    // switch_url_encode escapes space and '+' as %20 and %2B, so a literal '+' is a '+'.
    try {
      return decodeURIComponent(value);
    } catch {
      throw new CallwatchError('CW_ERR_INGEST_MALFORMED_BODY', 'cdr= value is not valid percent-encoding', { format: 'freeswitch' });
    }
  }
  // base64: FreeSWITCH sends the alphabet raw; a proxy or another client may have %-escaped it.
  let b64 = value.includes('%') ? safeDecode(value) : value;
  b64 = b64.replace(/[\r\n]/g, '');
  if (!BASE64_BODY.test(b64) || b64.length % 4 === 1) {
    throw new CallwatchError('CW_ERR_INGEST_MALFORMED_BODY', 'cdr= value is not base64', { format: 'freeswitch' });
  }
  const bytes = Buffer.from(b64, 'base64');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CallwatchError('CW_ERR_INGEST_MALFORMED_BODY', 'base64 cdr= value is not UTF-8 text', { format: 'freeswitch' });
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new CallwatchError('CW_ERR_INGEST_MALFORMED_BODY', 'cdr= value is not valid percent-encoding', { format: 'freeswitch' });
  }
}

/** The JSON object inside a mod_json_cdr body, whichever of its encodings was used. */
export function decodeFreeswitchBody(mediaType: string, body: string): unknown {
  const parsed = parseJsonQuietly(freeswitchDocumentText(mediaType, body));
  if (!parsed.ok) throw new CallwatchError('CW_ERR_INGEST_MALFORMED_BODY', parsed.detail, { format: 'freeswitch-json' });
  return parsed.value;
}

/** Whether a parsed JSON body is a mod_json_cdr document rather than a native CDR. */
export function isFreeswitchCdr(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { variables?: unknown }).variables === 'object';
}

type Vars = Readonly<Record<string, unknown>>;

function obj(value: unknown): Vars | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Vars) : undefined;
}

/** A channel variable as text, URL-decoded when encode-values left it encoded. */
function text(vars: Vars | undefined, name: string): string | undefined {
  const raw = vars?.[name];
  // A variable set several times (an array variable) appears once per value in mod_xml_cdr: the last counts.
  const v: unknown = Array.isArray(raw) ? (raw as unknown[]).at(-1) : raw;
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') return undefined;
  if (!v.includes('%')) return v;
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

/** The caller profile the call started with (lowest profile_index); transfers add later ones. */
function originalProfile(doc: Vars): Vars | undefined {
  const flow = doc.callflow;
  const steps = (Array.isArray(flow) ? (flow as unknown[]) : [flow]).map(obj).filter((s): s is Vars => s !== undefined);
  let best: Vars | undefined;
  let bestIndex = Infinity;
  for (const step of steps) {
    const index = Number(text(step, 'profile_index') ?? steps.length);
    if (index <= bestIndex) {
      best = step;
      bestIndex = index;
    }
  }
  return obj(best?.caller_profile);
}

/** Epoch ms from `<name>_uepoch` (µs) or `<name>_epoch` (s); null when FreeSWITCH wrote 0 or nothing. */
function epochMs(vars: Vars, name: string, errors: FieldError[]): number | null {
  const micro = text(vars, `${name}_uepoch`);
  const secs = text(vars, `${name}_epoch`);
  const [raw, scale, field] = micro !== undefined ? [micro, 0.001, `${name}_uepoch`] : [secs, 1000, `${name}_epoch`];
  if (raw === undefined || raw === '') return null;
  if (!/^\d{1,19}$/.test(raw)) {
    errors.push(fieldError(`variables.${field}`, 'invalid_time', 'expected an integer epoch'));
    return null;
  }
  const ms = Math.floor(Number(raw) * scale);
  return ms === 0 ? null : ms;
}

function milliseconds(vars: Vars, msName: string, secName: string, errors: FieldError[]): number | undefined {
  const ms = text(vars, msName);
  const s = text(vars, secName);
  const [raw, scale, field] = ms !== undefined ? [ms, 1, msName] : [s, 1000, secName];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,15}$/.test(raw)) {
    errors.push(fieldError(`variables.${field}`, 'wrong_type', 'expected a whole number'));
    return undefined;
  }
  return Number(raw) * scale;
}

const BUSY = new Set(['USER_BUSY']);
const NO_ANSWER = new Set(['NO_ANSWER', 'NO_USER_RESPONSE', 'ALLOTTED_TIMEOUT', 'NORMAL_CLEARING']);
const CANCELLED = new Set(['ORIGINATOR_CANCEL', 'LOSE_RACE', 'PICKED_OFF']);
const CONGESTION = new Set(['NORMAL_CIRCUIT_CONGESTION', 'SWITCH_CONGESTION']);

/** Our disposition for a call that was never answered, from its hang-up cause. */
export function unansweredDisposition(causeName: string | undefined, q850: number | null): Disposition {
  const name = causeName?.toUpperCase();
  if (name !== undefined && name !== '') {
    if (BUSY.has(name)) return 'BUSY';
    if (NO_ANSWER.has(name)) return 'NO_ANSWER';
    if (CANCELLED.has(name)) return 'CANCELLED';
    if (CONGESTION.has(name)) return 'CONGESTION';
    return 'FAILED';
  }
  if (q850 === 17) return 'BUSY';
  if (q850 === 16 || q850 === 18 || q850 === 19) return 'NO_ANSWER';
  if (q850 === 34 || q850 === 42) return 'CONGESTION';
  return 'FAILED';
}

function direction(value: string | undefined): Direction {
  const v = value?.toLowerCase();
  return v === 'inbound' ? 'INBOUND' : v === 'outbound' ? 'OUTBOUND' : 'UNKNOWN';
}

const FIELD_NAMES: Readonly<Record<string, string>> = {
  cdr_id: 'variables.uuid', setup_time: 'variables.start_uepoch', answer_time: 'variables.answer_uepoch', end_time: 'variables.end_uepoch',
  caller: 'variables.caller_id_number', callee: 'variables.destination_number', duration_ms: 'variables.mduration',
  billable_ms: 'variables.billmsec', queue: 'variables.cc_queue', agent: 'variables.cc_agent', queue_wait_ms: 'variables.cc_queue_joined_epoch',
};

/** One mod_json_cdr document as a native CDR input. `uuidParam` is the `?uuid=` the module appends. */
export function adaptFreeswitchCdr(doc: unknown, uuidParam?: string): AdaptedRecord {
  const root = obj(doc);
  const vars = obj(root?.variables);
  if (!root || !vars) return { index: 0, errors: [fieldError('variables', 'required', 'a mod_json_cdr document has a variables object')] };
  const errors: FieldError[] = [];
  const profile = originalProfile(root);

  const uuid = text(vars, 'uuid') ?? text(vars, 'call_uuid') ?? text(profile, 'uuid') ?? uuidParam;
  if (uuid === undefined || uuid === '') errors.push(fieldError('variables.uuid', 'required'));
  const start = epochMs(vars, 'start', errors);
  const answer = epochMs(vars, 'answer', errors);
  const end = epochMs(vars, 'end', errors);
  if (start === null && !errors.some((e) => e.field.startsWith('variables.start'))) errors.push(fieldError('variables.start_uepoch', 'required'));
  if (end === null && !errors.some((e) => e.field.startsWith('variables.end'))) errors.push(fieldError('variables.end_uepoch', 'required'));
  const callee = text(vars, 'destination_number') ?? text(profile, 'destination_number') ?? text(vars, 'sip_to_user') ?? text(vars, 'sip_req_user');
  if (callee === undefined) errors.push(fieldError('variables.destination_number', 'required'));
  const duration = milliseconds(vars, 'mduration', 'duration', errors);
  const billable = milliseconds(vars, 'billmsec', 'billsec', errors);

  const q850Text = text(vars, 'hangup_cause_q850');
  const causeName = text(vars, 'hangup_cause');
  let q850: number | null = null;
  if (q850Text !== undefined && q850Text !== '') {
    if (/^\d{1,3}$/.test(q850Text) && Number(q850Text) <= 127) q850 = Number(q850Text);
    else errors.push(fieldError('variables.hangup_cause_q850', 'out_of_range', 'a Q.850 cause is 0 to 127'));
  } else if (causeName !== undefined) {
    q850 = Q850_BY_NAME[causeName.toUpperCase()] ?? null;
  }
  if (errors.length > 0) return { index: 0, errors };

  // mod_callcenter answers the caller itself: its variables tell a served contact from an abandoned one.
  const queue = text(vars, 'cc_queue') ?? null;
  const joined = epochMs(vars, 'cc_queue_joined', errors);
  const served = epochMs(vars, 'cc_queue_answered', errors);
  const cancelled = epochMs(vars, 'cc_queue_canceled', errors);
  let disposition: Disposition = answer !== null ? 'ANSWERED' : unansweredDisposition(causeName, q850);
  let queueWait: number | null = null;
  if (queue !== null && joined !== null) {
    if (served !== null) queueWait = Math.max(0, served - joined);
    else if (cancelled !== null) {
      queueWait = Math.max(0, cancelled - joined);
      disposition = 'ABANDONED';
    }
  }
  const answered = disposition === 'ANSWERED';
  return {
    index: 0,
    fieldNames: FIELD_NAMES,
    input: {
      cdr_id: uuid,
      setup_time: start,
      answer_time: answered ? answer : null,
      end_time: end,
      caller: text(vars, 'caller_id_number') ?? text(profile, 'caller_id_number') ?? text(vars, 'sip_from_user') ?? '',
      callee,
      direction: direction(text(vars, 'direction') ?? text(obj(root.channel_data), 'direction')),
      disposition,
      ...(duration === undefined ? {} : { duration_ms: duration }),
      // Absent billmsec/billsec: the validator derives billable time from answer and end.
      ...(!answered ? { billable_ms: 0 } : billable === undefined ? {} : { billable_ms: Math.min(billable, duration ?? billable) }),
      queue,
      queue_wait_ms: queueWait,
      agent: text(vars, 'cc_agent') ?? null,
      channel: 'VOICE',
      hangup_cause: q850,
    },
  };
}
