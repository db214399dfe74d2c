import { CallwatchError } from '../../core/errors.ts';
import type { CdrRecord, NuisanceReportRecord } from '../../core/records.ts';

// Checks a decoded record must pass before it is stored. Avro already guarantees the types; these
// are the meanings Avro cannot express. The error names the record, the field and why.

const CANONICAL_NUMBER = /^(\+[1-9][0-9]{1,14}|WITHHELD|INVALID)$/;
// DateTime columns hold 1970..2105; we accept event times from 2000 to 2100 as plausible.
const EARLIEST_MS = Date.UTC(2000, 0, 1);
const LATEST_MS = Date.UTC(2100, 0, 1);
export const MAX_ID_LENGTH = 256;
export const MAX_CALLS_PER_REPORT = 1000;

function invalid(record: string, field: string, why: string): CallwatchError {
  return new CallwatchError('CW_ERR_RECORD_INVALID', `${record}: ${field} ${why}`, { record, field });
}

function checkId(record: string, field: string, v: string): void {
  if (v.length === 0) throw invalid(record, field, 'is empty');
  if (v.length > MAX_ID_LENGTH) throw invalid(record, field, `is longer than ${MAX_ID_LENGTH} characters`);
}

function checkTime(record: string, field: string, ms: number): void {
  if (!Number.isSafeInteger(ms) || ms < EARLIEST_MS || ms >= LATEST_MS) {
    throw invalid(record, field, `is outside 2000-01-01..2100-01-01 (${ms})`);
  }
}

function checkNumber(record: string, field: string, v: string): void {
  if (!CANONICAL_NUMBER.test(v)) throw invalid(record, field, 'is not canonical E.164, WITHHELD or INVALID');
}

function checkNonNegative(record: string, field: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0) throw invalid(record, field, `must be a non-negative integer (${v})`);
}

export function validateCdr(c: CdrRecord): void {
  checkId('cdr', 'platform', c.platform);
  const rec = `cdr ${c.platform.slice(0, 64)}/${c.cdr_id.slice(0, 64)}`;
  checkId(rec, 'cdr_id', c.cdr_id);
  checkTime(rec, 'setup_time', c.setup_time);
  checkTime(rec, 'end_time', c.end_time);
  checkTime(rec, 'received_at', c.received_at);
  if (c.end_time < c.setup_time) throw invalid(rec, 'end_time', 'is before setup_time');
  if (c.answer_time !== null) {
    checkTime(rec, 'answer_time', c.answer_time);
    if (c.answer_time < c.setup_time || c.answer_time > c.end_time) throw invalid(rec, 'answer_time', 'is not between setup_time and end_time');
  }
  if (c.disposition === 'ANSWERED' && c.answer_time === null) throw invalid(rec, 'answer_time', 'is missing on an ANSWERED call');
  checkNumber(rec, 'caller', c.caller);
  checkNumber(rec, 'callee', c.callee);
  checkNonNegative(rec, 'duration_ms', c.duration_ms);
  checkNonNegative(rec, 'billable_ms', c.billable_ms);
  if (c.queue_wait_ms !== null) checkNonNegative(rec, 'queue_wait_ms', c.queue_wait_ms);
}

export function validateReport(r: NuisanceReportRecord): void {
  checkId('report', 'report_id', r.report_id);
  const rec = `report ${r.report_id.slice(0, 64)}`;
  checkTime(rec, 'submitted_at', r.submitted_at);
  checkTime(rec, 'received_at', r.received_at);
  checkId(rec, 'reporter_id', r.reporter_id);
  if (r.calls.length === 0) throw invalid(rec, 'calls', 'is empty');
  if (r.calls.length > MAX_CALLS_PER_REPORT) throw invalid(rec, 'calls', `has more than ${MAX_CALLS_PER_REPORT} entries`);
  r.calls.forEach((call, i) => {
    checkNumber(rec, `calls[${i}].number`, call.number);
    checkTime(rec, `calls[${i}].call_time`, call.call_time);
  });
}
