import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { hasFormatCharacters } from '../../core/text/format-characters.ts';
import { textProblem, type TextProblem, type TextRules } from './text.ts';

// The checks one by one, in their order, without textProblem's printable-ASCII shortcut: what it must equal.
function everyCheck(value: string, max: number, o: TextRules): TextProblem | undefined {
  if (value.length > max) return 'too_long';
  if (!o.allowEmpty && value.trim() === '') return 'empty';
  // eslint-disable-next-line no-control-regex
  if ((o.multiline ? /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/ : /[\u0000-\u001f\u007f-\u009f]/).test(value)) return 'control_characters';
  if (/[\uD800-\uDFFF]/u.test(value)) return 'invalid_unicode';
  if (o.identifier && hasFormatCharacters(value)) return 'format_characters';
  return undefined;
}

describe('textProblem', () => {
  it('names each problem, the first one first', () => {
    expect(textProblem('abc', 2)).toBe('too_long');
    expect(textProblem('   ', 10)).toBe('empty');
    expect(textProblem('', 10, { allowEmpty: true })).toBeUndefined();
    expect(textProblem('a\tb', 10)).toBe('control_characters');
    expect(textProblem('a\tb', 10, { multiline: true })).toBeUndefined();
    expect(textProblem('a\uD800b', 10)).toBe('invalid_unicode');
    expect(textProblem('call-\u202E321', 20, { identifier: true })).toBe('format_characters');
    expect(textProblem('call-\u202E321', 20)).toBeUndefined();
    expect(textProblem('+44 7700 900123', 20, { identifier: true })).toBeUndefined();
  });

  it('answers as every check in order would, for random text near and inside printable ASCII', () => {
    const rng = new Rng(2016);
    const pool = [' ', '~', 'a', '0', '+', '\t', '\n', '\r', '\u0000', '\u001f', '\u007f', '\u0080', '\u009f', '\u00a0', '\u00ad', '\u200b', '\u200d', '\u202e', '\ufeff', '\ud800', '\udc00', 'é', '\u{1F4DE}'];
    const rules: TextRules[] = [{}, { identifier: true }, { allowEmpty: true, identifier: true }, { multiline: true }];
    for (let run = 0; run < 20_000; run++) {
      const value = Array.from({ length: rng.int(6) }, () => (rng.chance(0.6) ? String.fromCharCode(rng.range(0x20, 0x7f)) : (pool[rng.int(pool.length)] ?? ''))).join('');
      const o = rules[rng.int(rules.length)] ?? {};
      const max = rng.between(2, 8);
      expect(textProblem(value, max, o), JSON.stringify([value, max, o])).toBe(everyCheck(value, max, o));
    }
  });
});
