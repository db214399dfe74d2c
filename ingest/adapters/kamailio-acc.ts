import type { Disposition } from '../../core/records.ts';
import { fieldError, fieldWarning, type FieldError, type FieldWarning } from '../validation/reasons.ts';
import { dialogId, q850FromSip, sipCode, sipDisposition, sipUser } from './sip-codes.ts';
import type { AdaptedRecord } from './types.ts';

/**
 * Kamailio's dialog CDR as acc_json writes it (acc with `cdr_enable=1`, acc_json with
 * `cdr_enable=1`, cdr_json_write in acc_json_mod.c): one flat JSON object per dialog, every value a
 * string. The core fields are the acc module's dialog variables (acc_cdr.c): `start_time` (dialog
 * created, i.e. the INVITE; its confirmation with `cdr_start_on_confirmed=1`), `end_time` (the BYE;
 * equal to start_time for a failed dialog) and `duration`, all "<seconds>.<milliseconds>"
 * ("1606832400.123"; duration "0" for a failed dialog). Everything else comes from `cdr_extra`,
 * whose names the script chooses: this reader takes the names the collector's documented config
 * uses (ingest/README.md): `callid`, `from_tag`, `to_tag`, `caller`, `callee`, `sip_code`,
 * `sip_reason`, `answer_time` (seconds, "$TV(Sn)": "1606832402.345678").
 */

type Doc = Readonly<Record<string, unknown>>;

const FIELD_NAMES: Readonly<Record<string, string>> = {
  cdr_id: 'callid', setup_time: 'start_time', answer_time: 'answer_time', end_time: 'end_time', caller: 'caller', callee: 'callee', billable_ms: 'duration',
};

/** Whether a parsed JSON body is an acc_json dialog CDR (its three core fields and a Call-ID). */
export function isKamailioAccCdr(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const o = value as Doc;
  return typeof o.start_time === 'string' && typeof o.end_time === 'string' && 'duration' in o && 'callid' in o;
}

function text(doc: Doc, key: string): string | undefined {
  const v = doc[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** "<seconds>[.<fraction>]" (acc's "%ld.%03d", $TV(Sn)'s microseconds) as epoch ms, truncated. */
export function decimalSecondsMs(value: string): number | undefined {
  const m = /^(\d{1,12})(?:\.(\d{1,9}))?$/.exec(value);
  if (!m) return undefined;
  return Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0').slice(0, 3));
}

function time(doc: Doc, key: string, errors: FieldError[], required: boolean): number | null {
  const v = text(doc, key);
  if (v === undefined) {
    if (required) errors.push(fieldError(key, 'required'));
    return null;
  }
  const ms = decimalSecondsMs(v);
  if (ms === undefined) errors.push(fieldError(key, 'invalid_time', 'expected epoch seconds with a fraction, as acc writes them (1606832400.123)'));
  return ms ?? null;
}

/** One acc_json dialog CDR as a native CDR input. */
export function adaptKamailioAccCdr(doc: unknown): AdaptedRecord {
  if (!isKamailioAccCdr(doc)) return { index: 0, errors: [fieldError('(record)', 'not_an_object', 'an acc_json CDR has start_time, end_time, duration and callid')] };
  const d = doc as Doc;
  const errors: FieldError[] = [];
  const warnings: FieldWarning[] = [];
  const callId = text(d, 'callid');
  if (callId === undefined) errors.push(fieldError('callid', 'required', 'add callid=$dlg_var(callid) to cdr_extra'));
  const start = time(d, 'start_time', errors, true);
  const end = time(d, 'end_time', errors, true);
  const answerAt = time(d, 'answer_time', errors, false);
  const rawCode = d.sip_code;
  const code = rawCode === undefined || rawCode === '' ? undefined : sipCode(rawCode);
  if (rawCode !== undefined && rawCode !== '' && code === undefined) errors.push(fieldError('sip_code', 'unknown_value', 'a SIP response code, 100 to 699'));
  if (errors.length > 0 || callId === undefined || start === null || end === null) return { index: 0, errors };

  // Answered: a 2xx final response; without a code, an answer time. A dialog whose answer time
  // came with a failure code keeps the code (the dialog failed; the answer time is dropped).
  const answered = code !== undefined ? code >= 200 && code < 300 : answerAt !== null;
  const disposition: Disposition = code !== undefined ? sipDisposition(code) : answered ? 'ANSWERED' : 'FAILED';
  if (!answered && answerAt !== null) warnings.push(fieldWarning('answer_time', 'answer_dropped'));
  // Without answer_time in cdr_extra the start is the answer only when acc took it at the dialog's
  // confirmation (cdr_start_on_confirmed=1); the documented config sets answer_time.
  const answer = answered ? (answerAt ?? start) : null;
  return {
    index: 0,
    fieldNames: FIELD_NAMES,
    ...(warnings.length > 0 ? { warnings } : {}),
    input: {
      cdr_id: dialogId(callId, text(d, 'from_tag'), text(d, 'to_tag')),
      setup_time: start,
      answer_time: answer,
      end_time: end,
      caller: sipUser(text(d, 'caller') ?? ''),
      callee: sipUser(text(d, 'callee') ?? ''),
      disposition,
      billable_ms: answer === null ? 0 : Math.max(0, end - answer),
      queue: null,
      agent: null,
      channel: 'VOICE',
      hangup_cause: code === undefined ? null : q850FromSip(code),
    },
  };
}
