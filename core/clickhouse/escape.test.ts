import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql, sqlString, sqlIdentifier, sqlLiteral, ident, raw, tsvField, tsvLines, tsvRows } from './escape.ts';
import { CallwatchError } from '../errors.ts';

// Reference decoder of ClickHouse single-quoted literals, to check round trips.
function unquote(literal: string): string {
  expect(literal.startsWith("'") && literal.endsWith("'")).toBe(true);
  const body = literal.slice(1, -1);
  const map: Record<string, string> = { '\\': '\\', "'": "'", '0': '\0', b: '\b', f: '\f', r: '\r', n: '\n', t: '\t' };
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] ?? '';
    if (c === "'") throw new Error(`unescaped quote at ${i} in ${literal}`);
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i] ?? '';
    if (n === 'x') {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      const m = map[n];
      if (m === undefined) throw new Error(`bad escape \\${n}`);
      out += m;
    }
  }
  return out;
}

describe('SQL literal escaping', () => {
  it('quotes strings so that they round-trip and never close the literal (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }).filter((s) => !/[\uD800-\uDFFF]/.test(s)), (s) => {
        expect(unquote(sqlString(s))).toBe(s);
      }),
      { numRuns: 5000 },
    );
  });

  it('neutralises injection attempts', () => {
    expect(sqlString("x' OR 1=1 --")).toBe("'x\\' OR 1=1 --'");
    expect(sqlString("\\'; DROP TABLE t; --")).toBe("'\\\\\\'; DROP TABLE t; --'");
    expect(sqlString('a\nb\u0000c\u001b')).toBe("'a\\nb\\0c\\x1b'");
  });

  it('refuses strings with lone surrogates', () => {
    expect(() => sqlString('a\uD800b')).toThrow(CallwatchError);
    expect(sqlString('📞')).toBe("'📞'");
  });

  it('accepts only plain identifiers', () => {
    expect(sqlIdentifier('cdrs_v1')).toBe('cdrs_v1');
    for (const bad of ['', '1abc', 'a-b', 'a b', 'a;b', 'a`b', 'db.table', 'x'.repeat(200)]) {
      expect(() => sqlIdentifier(bad), bad).toThrow(CallwatchError);
    }
  });

  it('writes numbers, booleans, null, dates and arrays', () => {
    expect(sqlLiteral(42)).toBe('42');
    expect(sqlLiteral(-1.5)).toBe('-1.5');
    expect(sqlLiteral(12345678901234567890n)).toBe('12345678901234567890');
    expect(sqlLiteral(true)).toBe('1');
    expect(sqlLiteral(null)).toBe('NULL');
    expect(sqlLiteral(new Date(Date.UTC(2016, 4, 17)))).toBe("toDateTime(1463443200, 'UTC')");
    expect(sqlLiteral(['a', 1, ["b'"]])).toBe("['a', 1, ['b\\'']]");
    expect(() => sqlLiteral(Number.NaN)).toThrow(CallwatchError);
    expect(() => sqlLiteral(Infinity)).toThrow(CallwatchError);
    expect(() => sqlLiteral(new Date(Number.NaN))).toThrow(CallwatchError);
  });

  it('the sql tag escapes values and keeps raw fragments', () => {
    const number = "+447700900123' OR '1'='1";
    expect(sql`SELECT * FROM ${ident('db')}.t WHERE n = ${number} AND k IN ${['a', 'b']} ${raw('LIMIT 1')}`).toBe(
      "SELECT * FROM db.t WHERE n = '+447700900123\\' OR \\'1\\'=\\'1' AND k IN ['a', 'b'] LIMIT 1",
    );
  });
});

describe('TabSeparated fields', () => {
  // Reference reader of one ClickHouse TabSeparated field (escaped form).
  function unescapeTsv(field: string): string | null {
    if (field === '\\N') return null;
    const map: Record<string, string> = { '\\': '\\', t: '\t', n: '\n', r: '\r', '0': '\0', b: '\b', f: '\f', "'": "'" };
    return field.replace(/\\(.)/g, (_m, c: string) => map[c] ?? `\\${c}`);
  }

  it('escapes backslash, tab, newline and carriage return, so any string round-trips (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }).filter((s) => !/[\uD800-\uDFFF]/.test(s)), (s) => {
        const f = tsvField(s);
        expect(f).not.toMatch(/[\t\n\r]/);
        expect(unescapeTsv(f)).toBe(s);
      }),
      { numRuns: 500, seed: 7 },
    );
    expect(tsvField('a\tb\nc\\d\re')).toBe('a\\tb\\nc\\\\d\\re');
  });

  it('writes NULL as \\N and keeps the string "\\N" apart from it', () => {
    expect(tsvField(null)).toBe('\\N');
    expect(tsvField('\\N')).toBe('\\\\N');
    expect(unescapeTsv(tsvField('\\N'))).toBe('\\N');
  });

  it('writes numbers like SQL literals and refuses what sqlNumber and sqlString refuse', () => {
    expect(tsvField(42)).toBe('42');
    expect(tsvField(12345678901234567890n)).toBe('12345678901234567890');
    expect(() => tsvField(Number.NaN)).toThrow(CallwatchError);
    expect(() => tsvField('a\uD800b')).toThrow(CallwatchError);
    expect(tsvField('📞 é')).toBe('📞 é');
  });

  it('lays rows out by the named columns, missing values as NULL', () => {
    expect(tsvRows(['b', 'a'], [{ a: 1, b: 'x\ty' }, { a: null, b: '' }, { b: 'z' }])).toBe('x\\ty\t1\n\t\\N\nz\t\\N\n');
    expect(tsvLines([['p', 'c\n1'], ['q', null]])).toBe('p\tc\\n1\nq\t\\N\n');
  });
});
