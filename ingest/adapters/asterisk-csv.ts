import { createHash } from 'node:crypto';
import { CallwatchError } from '../../core/errors.ts';
import type { Disposition } from '../../core/records.ts';
import { fieldError, fieldWarning, type FieldError, type FieldWarning } from '../validation/reasons.ts';
import { parseCsvBytes } from './csv-text.ts';
import { parseLocalDateTime } from '../validation/time.ts';
import type { AdaptedRecord } from './types.ts';

/**
 * Asterisk cdr_csv (Master.csv). Column order as cdr_csv.c's build_csv_record writes it:
 * accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata, start, answer, end,
 * duration, billsec, disposition, amaflags, then uniqueid only with `loguniqueid`, userfield only with
 * `loguserfield`, then peeraccount, linkedid, sequence only with `newcdrcolumns`. So a row has 16, 17
 * or 20 (uniqueid if it looks like one, else userfield), 18, 19 or 21 columns. Times are the
 * server's local time ("%Y-%m-%d %T") unless `usegmtime`; the time zone comes from the key's
 * configuration.
 */
export const ASTERISK_COLUMNS = [
  'accountcode', 'src', 'dst', 'dcontext', 'clid', 'channel', 'dstchannel', 'lastapp', 'lastdata',
  'start', 'answer', 'end', 'duration', 'billsec', 'disposition', 'amaflags',
] as const;

const LEGAL_COLUMN_COUNTS = new Set([16, 17, 18, 19, 20, 21]);

/** ast_cdr_disp2str values; "NULL" is what some versions print for a CDR that never got a disposition. */
export const ASTERISK_DISPOSITIONS: Readonly<Record<string, Disposition>> = {
  ANSWERED: 'ANSWERED',
  'NO ANSWER': 'NO_ANSWER',
  BUSY: 'BUSY',
  FAILED: 'FAILED',
  CONGESTION: 'CONGESTION',
  NULL: 'NO_ANSWER',
};

/** Error messages name the Asterisk columns rather than the native fields. */
const FIELD_NAMES: Readonly<Record<string, string>> = {
  cdr_id: 'uniqueid', setup_time: 'start', answer_time: 'answer', end_time: 'end', caller: 'src', callee: 'dst',
  duration_ms: 'duration', billable_ms: 'billsec', disposition: 'disposition', queue: 'lastdata',
};

function localTime(value: string, column: string, timeZone: string, errors: FieldError[]): number | null | undefined {
  if (value === '') return null;
  const ms = parseLocalDateTime(value, timeZone);
  if (ms === undefined) errors.push(fieldError(column, 'invalid_time', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value) ? 'no such date or time' : 'expected YYYY-MM-DD hh:mm:ss'));
  return ms;
}

function seconds(value: string, column: string, errors: FieldError[]): number | undefined {
  if (!/^\d{1,10}$/.test(value)) {
    errors.push(fieldError(column, 'wrong_type', 'expected whole seconds'));
    return undefined;
  }
  return Number(value) * 1000;
}

// A uniqueid is "<epoch>.<counter>", prefixed with "<systemname>-" when systemname is set.
const UNIQUEID = /^(?:[A-Za-z0-9._-]{1,64}-)?\d{9,11}\.\d{1,10}$/;

/** Where the optional columns sit in a row of this many columns (cdr_csv.c order). */
export interface AsteriskLayout {
  uniqueid?: number;
  userfield?: number;
  linkedid?: number;
  sequence?: number;
}

/**
 * The optional columns of a row. 17 and 20 columns are ambiguous (uniqueid or userfield): the
 * column is the uniqueid only if it looks like one, because a userfield (free text, often repeated
 * across calls) must never become the record's identity.
 */
export function asteriskLayout(row: readonly string[]): AsteriskLayout {
  const looksLikeUniqueid = (i: number): boolean => UNIQUEID.test(row[i] ?? '');
  switch (row.length) {
    case 17:
      return looksLikeUniqueid(16) ? { uniqueid: 16 } : { userfield: 16 };
    case 18:
      return { uniqueid: 16, userfield: 17 };
    case 19:
      return { linkedid: 17, sequence: 18 };
    case 20:
      return looksLikeUniqueid(16) ? { uniqueid: 16, linkedid: 18, sequence: 19 } : { userfield: 16, linkedid: 18, sequence: 19 };
    case 21:
      return { uniqueid: 16, userfield: 17, linkedid: 19, sequence: 20 };
    default:
      return {};
  }
}

// The columns that differ between the legs of one parallel Dial (which share uniqueid).
const LEG_COLUMNS = ['dst', 'dstchannel', 'lastapp', 'lastdata', 'start', 'answer', 'end', 'duration', 'billsec', 'disposition'] as const;

function digest(parts: readonly string[], hexChars: number): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, hexChars);
}

/**
 * The record's identity. Since Asterisk 12 one call makes one CDR per dialled leg, all with the
 * call's uniqueid: so uniqueid + sequence where the row has sequence (newcdrcolumns), otherwise
 * uniqueid + a digest of the columns in which legs differ; without uniqueid, a digest of the row.
 * Each is the same whenever the same line is sent again.
 */
export function asteriskCdrId(row: readonly string[], col: (name: (typeof ASTERISK_COLUMNS)[number]) => string): string {
  const layout = asteriskLayout(row);
  const uniqueid = layout.uniqueid === undefined ? '' : (row[layout.uniqueid] ?? '');
  const sequence = layout.sequence === undefined ? '' : (row[layout.sequence] ?? '');
  if (uniqueid !== '' && /^\d{1,10}$/.test(sequence)) return `${uniqueid}#${sequence}`;
  if (uniqueid !== '') return `${uniqueid}#${digest(LEG_COLUMNS.map(col), 12)}`;
  return `ast-${digest(row, 32)}`;
}

export interface AsteriskOptions {
  /** Zone of the row's local times. */
  timeZone: string;
}

/** One Master.csv row as a native CDR input. */
export function adaptAsteriskRow(row: readonly string[], options: AsteriskOptions | string): { input: Record<string, unknown>; warnings: FieldWarning[] } | { errors: FieldError[] } {
  const timeZone = typeof options === 'string' ? options : options.timeZone;
  if (!LEGAL_COLUMN_COUNTS.has(row.length)) {
    return { errors: [fieldError('(row)', 'malformed_row', `${row.length} columns; Master.csv rows have 16 to 21`)] };
  }
  const col = (name: (typeof ASTERISK_COLUMNS)[number]): string => row[ASTERISK_COLUMNS.indexOf(name)] ?? '';
  const errors: FieldError[] = [];
  const warnings: FieldWarning[] = [];
  const start = localTime(col('start'), 'start', timeZone, errors);
  const answer = localTime(col('answer'), 'answer', timeZone, errors);
  const end = localTime(col('end'), 'end', timeZone, errors);
  if (start === null) errors.push(fieldError('start', 'required'));
  if (end === null) errors.push(fieldError('end', 'required'));
  const duration = seconds(col('duration'), 'duration', errors);
  const billsec = seconds(col('billsec'), 'billsec', errors);
  const disposition = ASTERISK_DISPOSITIONS[col('disposition').toUpperCase()];
  if (!disposition) errors.push(fieldError('disposition', 'unknown_value', `one of ${Object.keys(ASTERISK_DISPOSITIONS).join(', ')}`));
  if (errors.length > 0) return { errors };
  // The disposition is the platform's verdict on the leg: a leg that was not answered (a parallel
  // Dial's losing leg often carries the bridged time of the call) keeps no answer and no billable time.
  const answered = disposition === 'ANSWERED';
  if (!answered && ((answer ?? null) !== null || (billsec ?? 0) > 0)) warnings.push(fieldWarning('answer', 'answer_dropped', `disposition ${col('disposition')}`));
  // Queue() answers the caller's channel itself, so its calls show ANSWERED either way; the
  // disposition is kept as Asterisk wrote it and only the queue name is taken.
  const lastapp = col('lastapp');
  const queue = lastapp.toLowerCase() === 'queue' ? (col('lastdata').split(/[,|]/)[0] ?? '').trim() || null : null;
  // src is the caller id number; clid ("Name" <number>) is the fallback when src is empty.
  const caller = col('src') !== '' ? col('src') : col('clid');
  return {
    warnings,
    input: {
      cdr_id: asteriskCdrId(row, col),
      setup_time: start,
      answer_time: answered ? (answer ?? null) : null,
      end_time: end,
      caller,
      callee: col('dst'),
      disposition,
      duration_ms: duration,
      // Asterisk rounds each independently; never let rounding make billable exceed duration.
      billable_ms: answered ? Math.min(billsec ?? 0, duration ?? 0) : 0,
      queue,
      channel: 'VOICE',
    },
  };
}

function looksLikeHeader(row: readonly string[]): boolean {
  return row[0]?.toLowerCase() === 'accountcode' && row[1]?.toLowerCase() === 'src';
}

const OPTIONAL_COLUMN_NAMES = ['uniqueid', 'userfield', 'peeraccount', 'linkedid', 'sequence'];

/** A Master.csv body (bytes, optionally with a header row) as adapted records, one per row. */
export function adaptAsteriskCsv(body: Buffer | string, timeZone: string, maxRecords: number, charset?: string): AdaptedRecord[] {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  let rows = parseCsvBytes(bytes, {
    format: 'asterisk-csv',
    ...(charset === undefined ? {} : { charset }),
    columnName: (i) => ASTERISK_COLUMNS[i] ?? OPTIONAL_COLUMN_NAMES[i - ASTERISK_COLUMNS.length] ?? `(column ${i + 1})`,
  });
  if (rows[0] && looksLikeHeader(rows[0].fields)) rows = rows.slice(1);
  if (rows.length > maxRecords) {
    throw new CallwatchError('CW_ERR_INGEST_TOO_MANY_RECORDS', `${rows.length} records, at most ${maxRecords} per request`, { count: rows.length, max: maxRecords });
  }
  return rows.map(({ fields, line, warnings }, index) => {
    const adapted = adaptAsteriskRow(fields, { timeZone });
    return 'input' in adapted
      ? { index, line, input: adapted.input, fieldNames: FIELD_NAMES, warnings: [...warnings, ...adapted.warnings] }
      : { index, line, errors: adapted.errors };
  });
}
