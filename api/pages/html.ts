// The HTML every investigator page shares: escaping, the document frame and one stylesheet (screen
// and print). Pages carry no JavaScript at all; the Content-Security-Policy the routes send forbids it.

/** Text for HTML element content or a double-quoted attribute value. */
export function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Markup already escaped by the code that built it; only this module's helpers make it. */
export interface Html {
  readonly html: string;
}

export const trusted = (html: string): Html => ({ html });

/** A code such as BANK_OR_HMRC_IMPERSONATION, allowed to wrap after each underscore. */
export const codeText = (value: string): Html => trusted(esc(value).replace(/_/g, '_<wbr>'));

/** Template tag: interpolated strings and numbers are escaped, Html values and arrays of them are not. */
export function h(strings: TemplateStringsArray, ...values: (string | number | Html | readonly (Html | null)[] | null | undefined)[]): Html {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    if (Array.isArray(v)) out += (v as readonly (Html | null)[]).map((x) => x?.html ?? '').join('');
    else if (typeof v === 'string' || typeof v === 'number') out += esc(v);
    else if (v !== null && v !== undefined) out += (v as Html).html;
    out += strings[i + 1] ?? '';
  });
  return trusted(out);
}

// Colours: text and links reach at least 7:1 on white, bars at least 3:1 (WCAG non-text contrast);
// spike and level-shift marks differ in shape and label, not only in colour.
export const COLOURS = {
  text: '#1b1b1b',
  muted: '#4a4a4a',
  link: '#0b3d91',
  bar: '#2f5d8a',
  barAlt: '#6b4c9a',
  spike: '#b3261e',
  shift: '#8a5300',
  drop: '#005a70',
  grid: '#d0d0d0',
} as const;

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: ${COLOURS.text}; background: #fff; }
a { color: ${COLOURS.link}; }
a:focus-visible, summary:focus-visible, [tabindex]:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; box-shadow: 0 0 0 5px ${COLOURS.text}; }
.skip-link { position: absolute; left: -9999px; top: 0; background: #fff; padding: .5rem 1rem; }
.skip-link:focus { left: 1rem; top: 1rem; z-index: 10; }
header.site { background: ${COLOURS.text}; color: #fff; padding: .75rem 1.5rem; }
header.site a { color: #fff; }
header.site nav ul { list-style: none; display: flex; gap: 1.5rem; margin: 0; padding: 0; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.9rem; margin: 1rem 0 .25rem; }
h2 { font-size: 1.35rem; margin: 2rem 0 .5rem; border-bottom: 2px solid ${COLOURS.grid}; padding-bottom: .25rem; }
h3 { font-size: 1.1rem; margin: 1.25rem 0 .5rem; }
.lede { color: ${COLOURS.muted}; margin-top: 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1.5rem; margin: 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
figure { margin: 1rem 0; }
figcaption { font-weight: 600; margin-bottom: .25rem; }
svg { max-width: 100%; height: auto; display: block; }
svg text { font: 12px system-ui, Arial, sans-serif; fill: ${COLOURS.text}; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 1rem; padding: 0; margin: .25rem 0; font-size: .9rem; }
.swatch { display: inline-block; width: .9rem; height: .9rem; margin-right: .35rem; vertical-align: -.1rem; border: 1px solid ${COLOURS.text}; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .95rem; }
caption { text-align: left; font-weight: 600; padding-bottom: .25rem; }
th, td { border-bottom: 1px solid ${COLOURS.grid}; padding: .3rem .75rem .3rem 0; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); gap: 0 2rem; align-items: start; }
.columns > * { min-width: 0; }
.columns table { width: 100%; }
tbody th { overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 0 .4rem; border-radius: .25rem; color: #fff; font-size: .85rem; font-weight: 600; }
.badge.spike { background: ${COLOURS.spike}; }
.badge.shift { background: ${COLOURS.shift}; }
.badge.drop { background: ${COLOURS.drop}; }
details { margin: .5rem 0 1rem; }
footer.provenance { margin-top: 3rem; font-size: .9rem; color: ${COLOURS.muted}; border-top: 1px solid ${COLOURS.grid}; padding-top: .5rem; }
@media print {
  @page { size: A4; margin: 15mm; }
  body { font-size: 10.5pt; }
  header.site, .skip-link, .no-print { display: none; }
  main { max-width: none; padding: 0; }
  a { color: ${COLOURS.text}; text-decoration: none; }
  h2 { break-after: avoid; }
  figure, table, dl.facts { break-inside: avoid; }
  details > *:not(summary) { display: block; }
  details summary { display: none; }
  footer.provenance { position: static; }
}
`;

export interface PageFrame {
  title: string;
  body: Html;
  /** Who asked and the audit row's id, printed at the foot of the page for the case file. */
  provenance?: { keyName: string; requestId: string; generatedAt: Date };
}

export function page(f: PageFrame): string {
  const doc = h`<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${f.title} — callwatch</title>
<style>${trusted(STYLE)}</style>
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site"><nav aria-label="callwatch pages"><ul><li><a href="/pages/overview">Weekly overview</a></li><li><a href="/openapi.json">API description</a></li></ul></nav></header>
<main id="main" tabindex="-1">
${f.body}
${
  f.provenance
    ? h`<footer class="provenance">
<p>Generated ${f.provenance.generatedAt.toISOString().replace('T', ' ').slice(0, 19)} UTC by callwatch for key holder <strong>${f.provenance.keyName}</strong>. Audit reference (request id): <code>${f.provenance.requestId}</code>. Reporters and called parties appear only as counts.</p>
</footer>`
    : null
}
</main>
</body>
</html>
`;
  return doc.html;
}

/** 1234567 → "1,234,567"; shares as whole percentages. */
export const fmt = (n: number): string => n.toLocaleString('en-GB');
export const pct = (share: number | null): string => (share === null ? '—' : `${Math.round(share * 100)}%`);

/** '2016-03-07' → '7 Mar 2016'. */
export function weekLabel(week: string, withYear = true): string {
  const d = new Date(`${week}T00:00:00Z`);
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', ...(withYear ? { year: 'numeric' } : {}), timeZone: 'UTC' });
}

/** ISO 8601 UTC → '2016-03-07 14:05 UTC'. */
export function when(iso: string | null): string {
  return iso === null ? 'never' : `${iso.replace('T', ' ').slice(0, 16)} UTC`;
}

/** A refused or failed page: the API's error code and message, as a page a person can read. */
export function errorPage(status: number, code: string, message: string, requestId: string): string {
  const advice =
    status === 401
      ? 'This page needs an investigator key: give any user name and the key as the password.'
      : status === 403
        ? 'Your key does not allow investigator look-ups.'
        : status === 429
          ? 'Too many look-ups with this key: wait a moment, then reload.'
          : status >= 500
            ? 'The look-up could not be answered. Nothing was shown; try again later.'
            : 'Check the address: the number or week in it was not accepted.';
  return page({
    title: `Not shown (${status})`,
    body: h`<h1>Not shown (${status})</h1>
<p>${advice}</p>
<dl class="facts"><dt>Reason</dt><dd>${message}</dd><dt>Error code</dt><dd><code>${code}</code></dd><dt>Request id</dt><dd><code>${requestId}</code></dd></dl>`,
  });
}
