import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { CallwatchError } from '../../core/errors.ts';
import type { Disposition } from '../../core/records.ts';
import { fieldError, type FieldError } from '../validation/reasons.ts';
import { zonedToEpochMs } from '../validation/time.ts';
import type { AdaptedRecord } from './types.ts';

/**
 * Asterisk cdr_csv (Master.csv). Column order as cdr_csv.c's build_csv_record writes it:
 * accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata, start, answer, end,
 * duration, billsec, disposition, amaflags, then uniqueid only with `loguniqueid`, userfield only with
 * `loguserfield`, then peeraccount, linkedid, sequence only with `newcdrcolumns`. So a row has 16, 17
 * (read as with uniqueid), 18, 19, 20 or 21 columns. Times are the server's local time
 * ("%Y-%m-%d %T") unless `usegmtime`; the time zone comes from configuration.
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

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

function localTime(value: string, column: string, timeZone: string, errors: FieldError[]): number | null | undefined {
  if (value === '') return null;
  const m = LOCAL_TIME.exec(value);
  if (!m) {
    errors.push(fieldError(column, 'invalid_time', 'expected YYYY-MM-DD hh:mm:ss'));
    return undefined;
  }
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = zonedToEpochMs({ year, month, day, hour, minute, second }, timeZone);
  const back = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || back.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    errors.push(fieldError(column, 'invalid_time', 'no such date or time'));
    return undefined;
  }
  return ms;
}

function seconds(value: string, column: string, errors: FieldError[]): number | undefined {
  if (!/^\d{1,10}$/.test(value)) {
    errors.push(fieldError(column, 'wrong_type', 'expected whole seconds'));
    return undefined;
  }
  return Number(value) * 1000;
}

/** One Master.csv row as a native CDR input. */
export function adaptAsteriskRow(row: readonly string[], timeZone: string): { input: Record<string, unknown> } | { errors: FieldError[] } {
  if (!LEGAL_COLUMN_COUNTS.has(row.length)) {
    return { errors: [fieldError('(row)', 'malformed_row', `${row.length} columns; Master.csv rows have 16 to 21`)] };
  }
  const col = (name: (typeof ASTERISK_COLUMNS)[number]): string => row[ASTERISK_COLUMNS.indexOf(name)] ?? '';
  const errors: FieldError[] = [];
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

  // Without loguniqueid there is no id: a digest of the row keeps re-pushes of the same row equal.
  const uniqueid = row.length === 16 || row.length === 19 ? '' : (row[16] ?? '');
  const cdrId = uniqueid !== '' ? uniqueid : `ast-${createHash('sha256').update(row.join('\u0000')).digest('hex').slice(0, 32)}`;
  // Queue() answers the caller's channel itself, so its calls show ANSWERED either way; the
  // disposition is kept as Asterisk wrote it and only the queue name is taken.
  const lastapp = col('lastapp');
  const queue = lastapp.toLowerCase() === 'queue' ? (col('lastdata').split(/[,|]/)[0] ?? '').trim() || null : null;
  // src is the caller id number; clid ("Name" <number>) is the fallback when src is empty.
  const caller = col('src') !== '' ? col('src') : col('clid');
  return {
    input: {
      cdr_id: cdrId,
      setup_time: start,
      answer_time: answer ?? null,
      end_time: end,
      caller,
      callee: col('dst'),
      disposition,
      duration_ms: duration,
      // Asterisk rounds each independently; never let rounding make billable exceed duration.
      billable_ms: Math.min(billsec ?? 0, duration ?? 0),
      queue,
      channel: 'VOICE',
    },
  };
}

function looksLikeHeader(row: readonly string[]): boolean {
  return row[0]?.toLowerCase() === 'accountcode' && row[1]?.toLowerCase() === 'src';
}

/** A Master.csv body (optionally with a header row) as adapted records, one per row. */
export function adaptAsteriskCsv(text: string, timeZone: string, maxRecords: number): AdaptedRecord[] {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, { relax_column_count: true, skip_empty_lines: true, bom: true, info: true, relax_quotes: false }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    const e = err as { code?: string; lines?: number };
    throw new CallwatchError('CW_ERR_INGEST_MALFORMED_BODY', `CSV ${e.code ?? 'parse error'}${e.lines === undefined ? '' : ` at line ${e.lines}`}`, {
      format: 'asterisk-csv',
      line: e.lines,
    });
  }
  if (rows[0] && looksLikeHeader(rows[0].record)) rows = rows.slice(1);
  if (rows.length > maxRecords) {
    throw new CallwatchError('CW_ERR_INGEST_TOO_MANY_RECORDS', `${rows.length} records, at most ${maxRecords} per request`, { count: rows.length, max: maxRecords });
  }
  return rows.map(({ record, info }, index) => {
    const adapted = adaptAsteriskRow(record, timeZone);
    return 'input' in adapted ? { index, line: info.lines, input: adapted.input, fieldNames: FIELD_NAMES } : { index, line: info.lines, errors: adapted.errors };
  });
}
