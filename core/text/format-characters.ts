// Unicode format characters (general category Cf): bidirectional overrides and isolates (U+202A–E,
// U+2066–9), zero-width space and joiners (U+200B–D), the BOM / zero-width no-break space (U+FEFF),
// soft hyphen, invisible operators, tag characters... They do not show, yet they reorder or hide
// what is shown: an id "call-‮321" reads as "call-123". Identifiers refuse them; free text keeps
// them (a person's description is evidence as written) and is displayed with them made visible.

const FORMAT = /\p{Cf}/u;
const FORMAT_ALL = /\p{Cf}/gu;
// The zero-width joiner builds emoji sequences (👩‍💻) and is harmless to reading order.
const ZWJ = 0x200d;

/** Whether text holds a format character other than the emoji zero-width joiner. */
export function hasFormatCharacters(text: string): boolean {
  if (!FORMAT.test(text)) return false;
  for (const m of text.matchAll(FORMAT_ALL)) if (m[0].codePointAt(0) !== ZWJ) return true;
  return false;
}

/** Text for display with every format character (ZWJ kept) written visibly as `<U+202E>`. */
export function escapeFormatCharacters(text: string): string {
  return text.replace(FORMAT_ALL, (c) => {
    const cp = c.codePointAt(0) ?? 0;
    return cp === ZWJ ? c : `<U+${cp.toString(16).toUpperCase().padStart(4, '0')}>`;
  });
}
