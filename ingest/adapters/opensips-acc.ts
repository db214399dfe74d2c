import { fieldError, type FieldError } from '../validation/reasons.ts';
import { dialogId, q850FromSip, sipCode, sipDisposition, sipUser } from './sip-codes.ts';
import type { AdaptedRecord } from './types.ts';

/**
 * OpenSIPS acc's dialog CDR (`do_accounting("evi", "cdr|missed|failed")`) as the parameters of its
 * events, posted as one JSON object by the script's event_route (ingest/README.md):
 * - E_ACC_CDR (a call that was answered, written when its BYE is answered): `method`, `from_tag`,
 *   `to_tag`, `callid`, `sip_code`, `sip_reason`, `time` (when the call was established, epoch
 *   seconds), `duration` (s), `ms_duration` (ms), `setuptime` (s from the INVITE to the answer),
 *   `created` (the INVITE, epoch seconds), then the `extra_fields` of the evi backend;
 * - E_ACC_MISSED_EVENT (a call that failed: missed/failed flags): the same without the durations,
 *   `setuptime` being the time to the final (negative) reply.
 * The same columns are those of the `acc` table the db backend writes (created and time as
 * DATETIME there); the callers' and callees' numbers come from extras named `caller` and `callee`.
 */

type Doc = Readonly<Record<string, unknown>>;

const FIELD_NAMES: Readonly<Record<string, string>> = {
  cdr_id: 'callid', setup_time: 'created', answer_time: 'time', end_time: 'ms_duration', caller: 'caller', callee: 'callee', billable_ms: 'ms_duration',
};

/** Whether a parsed JSON body is an OpenSIPS acc event (a Call-ID, a SIP code and the dialog's creation). */
export function isOpensipsAccCdr(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const o = value as Doc;
  return 'callid' in o && 'sip_code' in o && 'created' in o;
}

function text(doc: Doc, key: string): string | undefined {
  const v = doc[key];
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** A non-negative integer field (the json module keeps OpenSIPS's integers; a string of digits too). */
function integer(doc: Doc, key: string, errors: FieldError[], required: boolean): number | null {
  const v = text(doc, key);
  if (v === undefined) {
    if (required) errors.push(fieldError(key, 'required'));
    return null;
  }
  if (!/^\d{1,15}$/.test(v)) {
    errors.push(fieldError(key, 'wrong_type', 'a whole number'));
    return null;
  }
  return Number(v);
}

/** One OpenSIPS acc CDR or missed-call event as a native CDR input. */
export function adaptOpensipsAccCdr(doc: unknown): AdaptedRecord {
  if (!isOpensipsAccCdr(doc)) return { index: 0, errors: [fieldError('(record)', 'not_an_object', 'an OpenSIPS acc event has callid, sip_code and created')] };
  const d = doc as Doc;
  const errors: FieldError[] = [];
  const callId = text(d, 'callid');
  if (callId === undefined) errors.push(fieldError('callid', 'required'));
  const code = sipCode(d.sip_code);
  if (code === undefined) errors.push(fieldError('sip_code', 'unknown_value', 'a SIP response code, 100 to 699'));
  const created = integer(d, 'created', errors, true);
  const established = integer(d, 'time', errors, false);
  const setupSeconds = integer(d, 'setuptime', errors, false);
  const msDuration = integer(d, 'ms_duration', errors, false);
  const seconds = integer(d, 'duration', errors, false);
  const answered = code !== undefined && code >= 200 && code < 300;
  if (answered && established === null && setupSeconds === null) errors.push(fieldError('time', 'required', 'an answered call needs time or setuptime'));
  if (errors.length > 0 || callId === undefined || code === undefined || created === null) return { index: 0, errors };

  const setup = created * 1000;
  const answer = answered ? (established !== null ? established * 1000 : setup + (setupSeconds ?? 0) * 1000) : null;
  // Talk time in ms where OpenSIPS gives it (ms_duration), else whole seconds.
  const talk = msDuration ?? (seconds !== null ? seconds * 1000 : 0);
  // A failed call ends with its final reply, setuptime after the INVITE.
  const end = answer !== null ? answer + talk : setup + (setupSeconds ?? 0) * 1000;
  return {
    index: 0,
    fieldNames: FIELD_NAMES,
    input: {
      cdr_id: dialogId(callId, text(d, 'from_tag'), text(d, 'to_tag')),
      setup_time: setup,
      answer_time: answer,
      end_time: end,
      caller: sipUser(text(d, 'caller') ?? ''),
      callee: sipUser(text(d, 'callee') ?? ''),
      disposition: sipDisposition(code),
      billable_ms: answer === null ? 0 : talk,
      queue: null,
      agent: null,
      channel: 'VOICE',
      hangup_cause: q850FromSip(code),
    },
  };
}
