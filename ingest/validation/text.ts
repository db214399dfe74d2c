import { hasFormatCharacters } from '../../core/text/format-characters.ts';

// Checks every free-text field gets: bounded length, no control characters, well-formed UTF-16
// (a lone surrogate cannot be written as UTF-8, so Avro would silently mangle it).

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_EXCEPT_LAYOUT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
// Anything but white space (the same set String.prototype.trim removes): a test, not a trimmed copy.
const NOT_SPACE = /\S/;
// Space to tilde: no control, surrogate or format character (Cf starts at U+00AD) can be among them.
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

export type TextProblem = 'too_long' | 'control_characters' | 'invalid_unicode' | 'empty' | 'format_characters';

export interface TextRules {
  /** Allow tab, CR and LF (descriptions). */
  multiline?: boolean;
  allowEmpty?: boolean;
  /**
   * An identifier or name (ids, queue, agent, raw numbers): refuse invisible format characters
   * (bidi overrides, zero-width space, BOM) that could make it display as something else.
   * Free text keeps them; displays escape them (core/text/format-characters.ts).
   */
  identifier?: boolean;
}

/** The first problem with a text value, or undefined. */
export function textProblem(value: string, maxLength: number, options: TextRules = {}): TextProblem | undefined {
  if (value.length > maxLength) return 'too_long';
  if (!options.allowEmpty && !NOT_SPACE.test(value)) return 'empty';
  // Most ids, names and numbers: one test instead of the three below, none of which can fail on them.
  if (PRINTABLE_ASCII.test(value)) return undefined;
  if ((options.multiline ? CONTROL_EXCEPT_LAYOUT : CONTROL).test(value)) return 'control_characters';
  if (LONE_SURROGATE.test(value)) return 'invalid_unicode';
  if (options.identifier && hasFormatCharacters(value)) return 'format_characters';
  return undefined;
}
