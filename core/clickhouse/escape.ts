import { CallwatchError } from '../errors.ts';

// The one way a value gets into SQL text. Both ClickHouse versions we support (18.16 and 26.x)
// lack a query-parameter syntax in common, so values are written as literals, after the caller's own
// validation, by these functions only.

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** A plain identifier (database, table, column). Anything else is refused, never quoted. */
export function sqlIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new CallwatchError('CW_ERR_SQL_LITERAL', `not a plain identifier: ${JSON.stringify(name.slice(0, 64))}`);
  return name;
}

const STRING_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
  '\r': '\\r',
  '\n': '\\n',
  '\t': '\\t',
};

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A single-quoted string literal; backslash and quote escaped, control characters spelled out. */
export function sqlString(value: string): string {
  if (LONE_SURROGATE.test(value)) throw new CallwatchError('CW_ERR_SQL_LITERAL', 'string holds a lone UTF-16 surrogate');
  // eslint-disable-next-line no-control-regex
  const body = value.replace(/[\\'\u0000-\u001f\u007f]/g, (c) => STRING_ESCAPES[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return `'${body}'`;
}

export function sqlNumber(value: number | bigint): string {
  if (typeof value === 'bigint') return value.toString();
  if (!Number.isFinite(value)) throw new CallwatchError('CW_ERR_SQL_LITERAL', `not a finite number: ${value}`);
  return Number.isInteger(value) ? value.toFixed(0) : value.toString();
}

/** A DateTime literal in UTC from a Date (whole seconds). */
export function sqlDateTime(value: Date): string {
  const ms = value.getTime();
  if (!Number.isFinite(ms)) throw new CallwatchError('CW_ERR_SQL_LITERAL', 'invalid Date');
  return `toDateTime(${Math.floor(ms / 1000)}, 'UTC')`;
}

export type SqlValue = string | number | bigint | boolean | null | Date | readonly SqlValue[];

export function sqlLiteral(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return sqlString(value);
  if (typeof value === 'number' || typeof value === 'bigint') return sqlNumber(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (value instanceof Date) return sqlDateTime(value);
  return `[${value.map(sqlLiteral).join(', ')}]`;
}

/** Marks text as already-safe SQL (an identifier or a fragment built by these functions). */
export class RawSql {
  constructor(readonly text: string) {}
}

export const raw = (text: string): RawSql => new RawSql(text);
export const ident = (name: string): RawSql => new RawSql(sqlIdentifier(name));

/** Tagged template: interpolated values become literals; RawSql fragments are inserted as they are. */
export function sql(strings: TemplateStringsArray, ...values: readonly (SqlValue | RawSql)[]): string {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += (v instanceof RawSql ? v.text : sqlLiteral(v)) + (strings[i + 1] ?? '');
  });
  return out;
}

// TabSeparated: the format of bulk rows (the processors' inserts, external tables sent with a query).
// ClickHouse 18.16 parses it several times faster than JSONEachRow. A field escapes backslash, tab
// and newline (and carriage return, so no tool rewrites line ends); NULL is \N.

// One test per field finds both what needs escaping and what may be a lone surrogate.
const TSV_SPECIAL = /[\\\t\n\r\uD800-\uDFFF]/;
const TSV_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

export type TsvValue = string | number | bigint | null;

/** One TabSeparated field. Refuses lone UTF-16 surrogates and non-finite numbers, as sqlString/sqlNumber do. */
export function tsvField(value: TsvValue): string {
  if (value === null) return '\\N';
  // Integers (most fields) as String() writes them: the same digits as sqlNumber, several times faster.
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value !== 'string') return sqlNumber(value);
  if (!TSV_SPECIAL.test(value)) return value;
  if (LONE_SURROGATE.test(value)) throw new CallwatchError('CW_ERR_SQL_LITERAL', 'string holds a lone UTF-16 surrogate');
  return value.replace(/[\\\t\n\r]/g, (c) => TSV_ESCAPES[c] ?? c);
}

/** Rows as TabSeparated text: the named columns of each row, in that order, one line per row. */
export function tsvRows(columns: readonly string[], rows: readonly Readonly<Record<string, TsvValue | undefined>>[]): string {
  let out = '';
  for (const row of rows) {
    let line = '';
    for (let i = 0; i < columns.length; i++) {
      const v = row[columns[i] ?? ''];
      line += (i === 0 ? '' : '\t') + tsvField(v === undefined ? null : v);
    }
    out += `${line}\n`;
  }
  return out;
}

/** Rows given as value lists, as TabSeparated text. */
export function tsvLines(rows: readonly (readonly TsvValue[])[]): string {
  let out = '';
  for (const row of rows) out += `${row.map(tsvField).join('\t')}\n`;
  return out;
}
