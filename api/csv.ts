// CSV export (RFC 4180, CRLF) that is safe to open in a spreadsheet: a text cell starting with
// = + - @ (or tab / carriage return) would be read as a formula, so it gets a leading apostrophe
// (OWASP's CSV-injection advice). E.164 numbers start with "+", so they are exported as '+44….

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A header row of `columns`, then one row per object (missing fields are empty cells). */
export function toCsv(columns: readonly string[], rows: readonly object[]): string {
  const lines = [columns.map(csvCell).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvCell((row as Readonly<Record<string, unknown>>)[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
