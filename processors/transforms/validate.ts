import { CallwatchError } from '../../core/errors.ts';
import {
  cdrTimeBreaches,
  EARLIEST_EVENT_MS,
  LATEST_EVENT_MS,
  RECORD_RULES,
  reportCallCountBreaches,
  type RuleBreach,
} from '../../core/record-invariants.ts';
import type { CdrRecord, NuisanceReportRecord } from '../../core/records.ts';

// Checks a decoded record must pass before it is stored. Avro already guarantees the types; the
// record invariants (core/record-invariants.ts, the same the collectors check) and the shape of what
// the collectors write are what is left. The error names the record, the field and why.

const CANONICAL_NUMBER = /^(\+[1-9][0-9]{1,14}|WITHHELD|INVALID)$/;
export const MAX_ID_LENGTH = 256;

function invalid(record: string, field: string, why: string): CallwatchError {
  return new CallwatchError('CW_ERR_RECORD_INVALID', `${record}: ${field} ${why}`, { record, field });
}

function throwFirst(record: string, breaches: readonly RuleBreach[]): void {
  const b = breaches[0];
  if (b) throw invalid(record, b.field, `breaks a record invariant: ${RECORD_RULES[b.rule]} (${b.detail})`);
}

function checkId(record: string, field: string, v: string): void {
  if (v.length === 0) throw invalid(record, field, 'is empty');
  if (v.length > MAX_ID_LENGTH) throw invalid(record, field, `is longer than ${MAX_ID_LENGTH} characters`);
}

function checkTime(record: string, field: string, ms: number): void {
  if (!Number.isSafeInteger(ms) || ms < EARLIEST_EVENT_MS || ms >= LATEST_EVENT_MS) {
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
  if (c.answer_time !== null) checkTime(rec, 'answer_time', c.answer_time);
  throwFirst(rec, cdrTimeBreaches(c));
  checkNumber(rec, 'caller', c.caller);
  checkNumber(rec, 'callee', c.callee);
  checkNonNegative(rec, 'duration_ms', c.duration_ms);
  checkNonNegative(rec, 'billable_ms', c.billable_ms);
  if (c.queue_wait_ms !== null) checkNonNegative(rec, 'queue_wait_ms', c.queue_wait_ms);
  // Not cdrDurationBreaches: billable ≤ duration is refused at the collector, but the processors have
  // always stored such records (core/kpi/fixtures.ts holds some), and dead-lettering them now would
  // drop records that were acknowledged and counted.
}

export function validateReport(r: NuisanceReportRecord): void {
  checkId('report', 'report_id', r.report_id);
  const rec = `report ${r.report_id.slice(0, 64)}`;
  checkTime(rec, 'submitted_at', r.submitted_at);
  checkTime(rec, 'received_at', r.received_at);
  checkId(rec, 'reporter_id', r.reporter_id);
  throwFirst(rec, reportCallCountBreaches(r.calls.length));
  r.calls.forEach((call, i) => {
    checkNumber(rec, `calls[${i}].number`, call.number);
    checkTime(rec, `calls[${i}].call_time`, call.call_time);
  });
}
