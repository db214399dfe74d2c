import { describe, expect, it } from 'vitest';
import { escapeFormatCharacters, hasFormatCharacters } from './format-characters.ts';

describe('format characters', () => {
  it('finds bidi overrides, zero-width spaces and the BOM, not emoji joiners or ordinary text', () => {
    expect(['call-\u202e321', 'a\u200bb', '\ufeffid', 'x\u2066y\u2069', 'soft\u00adhyphen'].map(hasFormatCharacters)).toEqual([true, true, true, true, true]);
    expect(['👩\u200d💻', 'Zoë', 'Support 🎧', 'سلام', ''].map(hasFormatCharacters)).toEqual([false, false, false, false, false]);
  });

  it('makes them visible for display, leaving everything else as it is', () => {
    expect(escapeFormatCharacters('call-\u202e321\ufeff')).toBe('call-<U+202E>321<U+FEFF>');
    expect(escapeFormatCharacters('👩\u200d💻 Zoë')).toBe('👩\u200d💻 Zoë');
  });
});
