import type { CsvMapping } from '../../core/config/sections/csv-mapping.ts';
import { CallwatchError } from '../../core/errors.ts';
import type { Disposition } from '../../core/records.ts';
import { fieldError, fieldWarning, type FieldError, type FieldWarning } from '../validation/reasons.ts';
import { parseIsoWithOffset, parseLocalDateTime } from '../validation/time.ts';
import { ASTERISK_DISPOSITIONS } from './asterisk-csv.ts';
import { parseCsvBytes } from './csv-text.ts';
import { unansweredDisposition } from './freeswitch-json.ts';
import type { AdaptedRecord } from './types.ts';

/**
 * CSV in a layout an API key configures (auth.apiKeys[].csv): each row's columns are named by the
 * mapping, and the mapping says which column gives which record field and how times and durations
 * are written. Rules shared with the built-in formats: a call not answered keeps no answer time and
 * no billable time; without a disposition column the disposition follows the answer time, then the
 * Q.850 cause.
 */

function timeOf(value: string, column: string, m: CsvMapping, timeZone: string, errors: FieldError[]): number | null {
  const v = value.trim();
  if (v === '') return null;
  let ms: number | undefined;
  switch (m.timeFormat) {
    case 'local':
      ms = parseLocalDateTime(v, timeZone);
      break;
    case 'epoch-seconds':
    case 'epoch-millis':
      if (/^\d{1,16}$/.test(v)) ms = Number(v) * (m.timeFormat === 'epoch-seconds' ? 1000 : 1);
      if (ms === 0) return null;
      break;
    case 'iso':
      ms = parseIsoWithOffset(v);
      break;
  }
  if (ms === undefined) errors.push(fieldError(column, 'invalid_time', `expected ${m.timeFormat} time`));
  return ms ?? null;
}

function durationOf(value: string, column: string, m: CsvMapping, errors: FieldError[]): number | undefined {
  const v = value.trim();
  if (v === '') return undefined;
  if (!/^\d{1,15}$/.test(v)) {
    errors.push(fieldError(column, 'wrong_type', `expected whole ${m.durationUnit}`));
    return undefined;
  }
  return Number(v) * (m.durationUnit === 'seconds' ? 1000 : 1);
}

/** One row (already split into columns) as a native CDR input. */
export function adaptMappedRow(row: readonly string[], m: CsvMapping, timeZone: string): { input: Record<string, unknown>; warnings: FieldWarning[] } | { errors: FieldError[] } {
  if (row.length !== m.columns.length) {
    return { errors: [fieldError('(row)', 'malformed_row', `${row.length} columns; the key's CSV mapping has ${m.columns.length}`)] };
  }
  const col = (name: string | undefined): string | undefined => (name === undefined ? undefined : row[m.columns.indexOf(name)]);
  const f = m.fields;
  const errors: FieldError[] = [];
  const warnings: FieldWarning[] = [];

  const cdrId = f.cdr_id.map((c) => col(c) ?? '').filter((v) => v !== '').join('#');
  if (cdrId === '') errors.push(fieldError(f.cdr_id.join('+'), 'required'));
  const setup = timeOf(col(f.setup_time) ?? '', f.setup_time, m, timeZone, errors);
  if (setup === null && !errors.some((e) => e.field === f.setup_time)) errors.push(fieldError(f.setup_time, 'required'));
  const answer = f.answer_time === undefined ? null : timeOf(col(f.answer_time) ?? '', f.answer_time, m, timeZone, errors);
  const endColumn = f.end_time === undefined ? null : timeOf(col(f.end_time) ?? '', f.end_time, m, timeZone, errors);
  const duration = f.duration === undefined ? undefined : durationOf(col(f.duration) ?? '', f.duration, m, errors);
  const billable = f.billable === undefined ? undefined : durationOf(col(f.billable) ?? '', f.billable, m, errors);
  const end = endColumn ?? (setup !== null && duration !== undefined ? setup + duration : null);
  if (end === null && !errors.some((e) => e.field === f.end_time)) errors.push(fieldError(f.end_time ?? f.duration ?? 'end_time', 'required', 'an end time, or a duration'));

  let cause: number | null = null;
  const causeText = col(f.hangup_cause)?.trim() ?? '';
  if (f.hangup_cause !== undefined && causeText !== '') {
    if (/^\d{1,3}$/.test(causeText) && Number(causeText) <= 127) cause = Number(causeText);
    else errors.push(fieldError(f.hangup_cause, 'out_of_range', 'a Q.850 cause is 0 to 127'));
  }

  let disposition: Disposition | undefined;
  if (f.disposition !== undefined) {
    const raw = (col(f.disposition) ?? '').trim().toUpperCase();
    const table = m.dispositions ? Object.fromEntries(Object.entries(m.dispositions).map(([k, v]) => [k.toUpperCase(), v])) : ASTERISK_DISPOSITIONS;
    disposition = table[raw];
    if (!disposition) errors.push(fieldError(f.disposition, 'unknown_value', `one of ${Object.keys(table).join(', ')}`));
  } else {
    disposition = answer !== null ? 'ANSWERED' : unansweredDisposition(undefined, cause);
  }
  if (errors.length > 0 || disposition === undefined) return { errors };

  const answered = disposition === 'ANSWERED';
  if (!answered && (answer !== null || (billable ?? 0) > 0)) warnings.push(fieldWarning(f.answer_time ?? f.billable ?? 'answer_time', 'answer_dropped', `disposition ${disposition}`));
  const text = (name: string | undefined): string | null => {
    const v = col(name)?.trim();
    return v === undefined || v === '' ? null : v;
  };
  return {
    warnings,
    input: {
      cdr_id: cdrId,
      setup_time: setup,
      answer_time: answered ? answer : null,
      end_time: end,
      caller: col(f.caller) ?? '',
      callee: col(f.callee) ?? '',
      disposition,
      ...(duration === undefined ? {} : { duration_ms: duration }),
      ...(!answered ? { billable_ms: 0 } : billable === undefined ? {} : { billable_ms: Math.min(billable, duration ?? billable) }),
      queue: text(f.queue),
      agent: text(f.agent),
      channel: 'VOICE',
      hangup_cause: cause,
    },
  };
}

/** A CSV body read with the key's mapping, one adapted record per row after the header rows. */
export function adaptMappedCsv(body: Buffer, m: CsvMapping, timeZone: string, maxRecords: number, charset?: string): AdaptedRecord[] {
  const rows = parseCsvBytes(body, { format: 'csv-mapped', ...(charset === undefined ? {} : { charset }), columnName: (i) => m.columns[i] || `(column ${i + 1})` }).slice(m.headerRows);
  if (rows.length > maxRecords) {
    throw new CallwatchError('CW_ERR_INGEST_TOO_MANY_RECORDS', `${rows.length} records, at most ${maxRecords} per request`, { count: rows.length, max: maxRecords });
  }
  // Error messages name the switch's own columns.
  const f = m.fields;
  const names: Record<string, string> = { cdr_id: f.cdr_id.join('+'), setup_time: f.setup_time, caller: f.caller, callee: f.callee };
  for (const k of ['answer_time', 'end_time', 'disposition', 'queue', 'agent', 'hangup_cause'] as const) {
    const v = f[k];
    if (v !== undefined) names[k] = v;
  }
  if (f.duration !== undefined) names.duration_ms = f.duration;
  if (f.billable !== undefined) names.billable_ms = f.billable;
  return rows.map(({ fields, line, warnings }, index) => {
    const adapted = adaptMappedRow(fields, m, timeZone);
    return 'input' in adapted ? { index, line, input: adapted.input, fieldNames: names, warnings: [...warnings, ...adapted.warnings] } : { index, line, errors: adapted.errors };
  });
}
