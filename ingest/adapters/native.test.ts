import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adaptJsonBatch, adaptNdjson, parseJsonQuietly } from './native.ts';

describe('native JSON / NDJSON adapters', () => {
  it('takes an array, or one object as a batch of one; non-objects are rejected in place', () => {
    expect(adaptJsonBatch([{ a: 1 }, 3, null], 10).map((r) => ('errors' in r ? r.errors[0]?.reason : 'ok'))).toEqual(['ok', 'not_an_object', 'not_an_object']);
    expect(adaptJsonBatch({ a: 1 }, 10)).toHaveLength(1);
    expect(() => adaptJsonBatch([1, 2, 3], 2)).toThrow(/3 records, at most 2/);
  });

  it('NDJSON: skips blank lines, keeps line numbers, rejects a malformed line alone', () => {
    const rows = adaptNdjson('{"a":1}\n\n{oops\r\n{"b":2}\n', 10);
    expect(rows.map((r) => [r.index, r.line, 'errors' in r ? r.errors[0]?.reason : 'ok'])).toEqual([[0, 1, 'ok'], [1, 3, 'malformed_json'], [2, 4, 'ok']]);
    expect(() => adaptNdjson('{}\n{}\n{}', 2)).toThrow(/at most 2/);
  });

  it('never echoes input in its parse error', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (s) => {
        const secret = `SECRET${s}`;
        const r = parseJsonQuietly(`{"x": ${secret}`);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.detail).not.toContain('SECRET');
      }),
    );
  });

  it('reads back exactly what was written as NDJSON (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue()), { maxLength: 20 }), (objs) => {
        const rows = adaptNdjson(objs.map((o) => JSON.stringify(o)).join('\n'), 100);
        expect(rows.map((r) => ('input' in r ? r.input : undefined))).toEqual(objs.map((o) => JSON.parse(JSON.stringify(o)) as unknown));
      }),
    );
  });
});
