import { describe, expect, it } from 'vitest';
import { stableJson, toPlain, toYaml } from './serialize.ts';

describe('stableJson', () => {
  it('sorts keys at every level and drops functions and undefined', () => {
    const value = { b: 1, a: { d: [3, { z: true, y: null }], c: undefined, f: () => 1 } };
    expect(stableJson(value)).toBe('{\n  "a": {\n    "d": [\n      3,\n      {\n        "y": null,\n        "z": true\n      }\n    ]\n  },\n  "b": 1\n}\n');
  });

  it('refuses numbers JSON cannot hold', () => {
    expect(() => toPlain({ a: [1, Number.NaN] })).toThrow(/\$\.a\[1\]/);
  });
});

describe('toYaml', () => {
  it('writes mappings, lists of mappings, scalars and quoted look-alikes', () => {
    const yaml = toYaml({ apiVersion: 1, list: [{ name: 'x', n: 2 }, 'plain', '1m', 'true', '', 'a: b'], empty: [], obj: {} }, 'header');
    expect(yaml).toBe(
      [
        '# header',
        'apiVersion: 1',
        'empty: []',
        'list:',
        '  - n: 2',
        '    name: x',
        '  - plain',
        '  - "1m"',
        '  - "true"',
        '  - ""',
        '  - "a: b"',
        'obj: {}',
        '',
      ].join('\n'),
    );
  });

  it('writes multi-line text as a literal block, and falls back to a quoted string when a block cannot keep it', () => {
    expect(toYaml({ sql: 'SELECT 1\n  FROM t\n\nWHERE $__timeFilter(x)' }, 'h')).toBe('# h\nsql: |-\n  SELECT 1\n    FROM t\n\n  WHERE $__timeFilter(x)\n');
    expect(toYaml({ sql: 'a \nb' }, 'h')).toBe('# h\nsql: "a \\nb"\n');
    expect(toYaml({ sql: 'a\nb\n' }, 'h')).toBe('# h\nsql: "a\\nb\\n"\n');
  });

  it('nests lists in lists', () => {
    expect(toYaml({ x: [[1, 2], []] }, 'h')).toBe('# h\nx:\n  - - 1\n    - 2\n  - []\n');
  });
});
