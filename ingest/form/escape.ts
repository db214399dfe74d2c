const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/**
 * The one way a value enters the form's HTML, in text or in a quoted attribute: the five
 * significant characters (and the backtick, for old attribute parsers) become entities, and
 * control characters other than tab and newlines are dropped, so nothing a person typed can close
 * a tag, open an attribute or inject markup.
 */
export function escapeHtml(value: string | number): string {
  return String(value)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .replace(/[&<>"'`]/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** A tagged template that escapes every interpolated value; `Html` values pass through as markup. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type HtmlValue = string | number | Html | readonly Html[] | null | undefined | false;

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

function render(v: HtmlValue): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Html) return v.text;
  if (Array.isArray(v)) return v.map((h: Html) => h.text).join('');
  return escapeHtml(v as string | number);
}
