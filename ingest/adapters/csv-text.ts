import { TextDecoder } from 'node:util';
import { parse } from 'csv-parse/sync';
import { CallwatchError } from '../../core/errors.ts';
import { fieldWarning, type FieldWarning } from '../validation/reasons.ts';

// CSV bodies from switches are bytes in whatever charset the switch wrote (Asterisk writes a
// caller's display name as it came off the wire). Parsing is done on the bytes (read one byte = one
// character, so quotes and commas, which are ASCII in every charset used here, keep their places),
// and each field is decoded on its own: one Latin-1 display name never costs the batch.

export interface CsvRow {
  /** Decoded fields. */
  fields: string[];
  /** 1-based line number where the row ends. */
  line: number;
  /** Fields that were not valid UTF-8 and were read in the fallback charset. */
  warnings: FieldWarning[];
}

export interface CsvDecoding {
  /** The charset the client declared (Content-Type charset); undefined or UTF-8: strict UTF-8 first. */
  charset?: string;
  /** Column names for warnings (`clid`), by index. */
  columnName?: (index: number) => string;
  format: string;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const LATIN1 = new TextDecoder('latin1');
const UTF8_LABELS = new Set(['utf-8', 'utf8', 'unicode-1-1-utf-8', 'us-ascii', 'ascii']);

/** A TextDecoder for a declared charset, or 415 when the label is unknown. Undefined for UTF-8. */
export function declaredDecoder(charset: string | undefined): TextDecoder | undefined {
  if (charset === undefined || UTF8_LABELS.has(charset.toLowerCase())) return undefined;
  try {
    return new TextDecoder(charset);
  } catch {
    throw new CallwatchError('CW_ERR_INGEST_UNSUPPORTED_MEDIA_TYPE', 'unknown charset', { reason: 'unknown_charset' });
  }
}

/** Parses a CSV body into rows of decoded fields; throws 400 (naming the line) when the CSV itself is broken. */
export function parseCsvBytes(body: Buffer, decoding: CsvDecoding): CsvRow[] {
  const declared = declaredDecoder(decoding.charset);
  const bytes = body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? body.subarray(3) : body;
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(bytes.toString('latin1'), { relax_column_count: true, skip_empty_lines: true, info: true, relax_quotes: false }) as unknown as typeof rows;
  } catch (err) {
    const e = err as { code?: string; lines?: number };
    throw new CallwatchError('CW_ERR_INGEST_MALFORMED_BODY', `CSV ${e.code ?? 'parse error'}${e.lines === undefined ? '' : ` at line ${e.lines}`}`, {
      format: decoding.format,
      line: e.lines,
    });
  }
  return rows.map(({ record, info }) => {
    const warnings: FieldWarning[] = [];
    const fields = record.map((latin, i) => {
      // Pure ASCII (the usual case) reads the same in every charset.
      if (!/[\x80-\xff]/.test(latin)) return latin;
      const raw = Buffer.from(latin, 'latin1');
      if (declared) return declared.decode(raw);
      try {
        return UTF8.decode(raw);
      } catch {
        warnings.push(fieldWarning(decoding.columnName?.(i) ?? `(column ${i + 1})`, 'charset_fallback'));
        return LATIN1.decode(raw);
      }
    });
    return { fields, line: info.lines, warnings };
  });
}
