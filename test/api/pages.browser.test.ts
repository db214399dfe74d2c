// The investigator's pages in a real headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core), served by the real API over HTTP against the stack's ClickHouse server, seeded
// with test/api/seed.ts: the charts must draw exactly the JSON answer for the same request, and the
// pages must work without JavaScript, by keyboard, in print, with basic accessibility in place.
import { createHash } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiApp } from '../../api/app.ts';
import type { AuditRow } from '../../api/audit.ts';
import type { NumberProfile } from '../../api/routes/number-profile.ts';
import { Clickhouse } from '../../core/clickhouse/client.ts';
import { ident, sql } from '../../core/clickhouse/escape.ts';
import { migrate } from '../../core/clickhouse/migrate.ts';
import { testConfig, uniqueTag } from '../support/env.ts';
import { A, B, seed, W1, W2 } from './seed.ts';
import { dropTestDatabase } from '../support/drop-database.ts';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
// In the monitoring helpers' port range (the stack's own services use the defaults).
const PORT = 23180;
const KEYS = { investigator: 'inv-key-pages-0123456789', platform: 'pbx-key-pages-0123456789' };
const sha256 = (k: string): string => createHash('sha256').update(k, 'utf8').digest('hex');
// Sunday of W2's week: the overview's default week is W2.
const NOW = Date.parse('2016-03-20T09:00:00Z');
const shots = mkdtempSync(join(tmpdir(), 'callwatch-pages-'));

const config = testConfig(uniqueTag('pages'), 'server', {
  auth: {
    apiKeys: [
      { name: 'investigator-pages', sha256: sha256(KEYS.investigator), scopes: ['investigate'] },
      { name: 'pbx-pages', sha256: sha256(KEYS.platform), scopes: ['ingest:pbx1'] },
    ],
  },
});

let writer: Clickhouse;
let reader: Clickhouse;
let app: FastifyInstance;
let browser: Browser;
let context: BrowserContext;
let base: string;

beforeAll(async () => {
  writer = await Clickhouse.connect(config.clickhouse, 'writer');
  await migrate(writer);
  await seed(writer);
  reader = await Clickhouse.connect(config.clickhouse, 'reader');
  app = buildApiApp({ config, reader, writer, clock: () => NOW });
  await app.listen({ host: '127.0.0.1', port: PORT });
  base = `http://127.0.0.1:${PORT}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  // No JavaScript: the pages must not need any. The key goes in as a Basic password, as a person would type it.
  context = await browser.newContext({ javaScriptEnabled: false, locale: 'en-GB', timezoneId: 'Europe/London', httpCredentials: { username: 'investigator', password: KEYS.investigator } });
});

afterAll(async () => {
  await browser.close();
  await app.close();
  await dropTestDatabase(writer, writer.database);
  await reader.close();
  await writer.close();
});

const bearer = { authorization: `Bearer ${KEYS.investigator}` };
async function json<T>(path: string): Promise<T> {
  const res = await fetch(`${base}${path}`, { headers: bearer });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

async function auditRow(requestId: string): Promise<AuditRow | undefined> {
  const rows = await writer.query<AuditRow>(sql`SELECT toString(at) AS at, request_id, key_name, method, route, params, status, result_count, format
FROM ${ident(writer.database)}.audit_log WHERE request_id = ${requestId}`);
  return rows[0];
}

interface Bar {
  week: string;
  series: string;
  value: number;
  height: number;
}

/**
 * Attributes (or '#text' for the text) of every element matching `selector`, read in the page. A
 * string expression: the project compiles without the DOM library, so no element types in callbacks.
 */
function attrs(page: Page, selector: string, names: readonly string[]): Promise<(string | null)[][]> {
  return page.evaluate<(string | null)[][]>(
    `[...document.querySelectorAll(${JSON.stringify(selector)})].map((e) => ${JSON.stringify(names)}.map((n) => (n === '#text' ? e.textContent : e.getAttribute(n))))`,
  );
}

async function bars(page: Page, chartId: string): Promise<Bar[]> {
  const rows = await attrs(page, `#${chartId} rect.bar`, ['data-week', 'data-series', 'data-value', 'height']);
  return rows.map(([week, series, value, height]) => ({ week: week ?? '', series: series ?? '', value: Number(value), height: Number(height) }));
}

/** Bars drawn to scale: one px-per-unit for every non-zero bar of the chart, zero bars flat. */
function expectToScale(drawn: Bar[]): void {
  const scales = drawn.filter((b) => b.value > 0).map((b) => b.height / b.value);
  expect(scales.length).toBeGreaterThan(0);
  for (const s of scales) expect(s).toBeCloseTo(scales[0] ?? 0, 1);
  for (const b of drawn.filter((x) => x.value === 0)) expect(b.height).toBe(0);
}

/** Basic accessibility, checked in the rendered page. */
async function accessibilityProblems(page: Page): Promise<string[]> {
  return page.evaluate(`(() => {
    const problems = [];
    if (document.documentElement.lang !== 'en-GB') problems.push('html lang');
    if (document.querySelectorAll('h1').length !== 1) problems.push('one h1');
    let last = 0;
    for (const hd of document.querySelectorAll('h1, h2, h3, h4')) {
      const level = Number(hd.tagName[1]);
      if (level > last + 1) problems.push('heading level skipped at ' + hd.textContent);
      last = level;
    }
    for (const svg of document.querySelectorAll('svg')) {
      const ids = (svg.getAttribute('aria-labelledby') || '').split(' ').filter(Boolean);
      const text = ids.map((id) => (document.getElementById(id) || {}).textContent || '').join(' ').trim();
      if (svg.getAttribute('role') !== 'img' || ids.length < 2 || text.length < 20) problems.push('svg without role=img and a title and description');
    }
    for (const t of document.querySelectorAll('table')) {
      if (!t.querySelector('caption') || !t.querySelector('caption').textContent.trim()) problems.push('table without caption');
      for (const th of t.querySelectorAll('th')) if (!th.getAttribute('scope')) problems.push('th without scope');
    }
    for (const a of document.querySelectorAll('a')) if (!a.textContent.trim()) problems.push('link without text');
    // Contrast of every text element against its effective background (WCAG AA: 4.5:1).
    const rgb = (c) => (c.match(/[0-9.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
    const bg = (el) => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3); } return [255, 255, 255]; };
    for (const el of document.querySelectorAll('p, li, dt, dd, th, td, caption, figcaption, h1, h2, h3, a, code, span.badge, footer')) {
      if (!el.textContent.trim() || el.getClientRects().length === 0) continue;
      const fg = rgb(getComputedStyle(el).color).slice(0, 3);
      const [l1, l2] = [lum(fg), lum(bg(el))].sort((x, y) => y - x);
      const ratio = (l1 + 0.05) / (l2 + 0.05);
      if (ratio < 4.5) problems.push('contrast ' + ratio.toFixed(2) + ' on ' + el.tagName + ' ' + el.textContent.trim().slice(0, 30));
    }
    return problems;
  })()`);
}

describe('evidence page of a number', () => {
  it('draws exactly the JSON answer for the same number: weekly bars to scale, verdict weeks marked', async () => {
    const page = await context.newPage();
    // Any common format: canonicalised exactly as the JSON route does.
    const res = await page.goto(`${base}/pages/numbers/${encodeURIComponent('07700 900123')}`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(res?.headers()['cache-control']).toBe('no-store');
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('h1').textContent()).toBe(`Evidence for ${A}`);

    const profile = await json<NumberProfile>(`/v1/numbers/${encodeURIComponent(A)}`);
    expect(profile.weeks.map((w) => w.week)).toEqual([W1, W2]);
    const reportBars = await bars(page, 'chart-reports');
    expect(reportBars.filter((b) => b.series === 'reports').map((b) => [b.week, b.value])).toEqual(profile.weeks.map((w) => [w.week, w.reports]));
    expect(reportBars.filter((b) => b.series === 'reporters').map((b) => [b.week, b.value])).toEqual(profile.weeks.map((w) => [w.week, w.reporters]));
    expectToScale(reportBars);
    const cdrBars = await bars(page, 'chart-cdrs');
    expect(cdrBars.map((b) => [b.week, b.value])).toEqual(profile.weeks.map((w) => [w.week, w.cdr_calls]));
    expectToScale(cdrBars);
    // The hand-worked figures of the seed, so a JSON and a page that were wrong together would fail too.
    expect(reportBars.filter((b) => b.series === 'reports').map((b) => b.value)).toEqual([2, 4]);
    expect(cdrBars.map((b) => b.value)).toEqual([0, 4]);

    const marks = await attrs(page, '#chart-reports g.mark', ['data-week', 'data-kind']);
    expect(marks).toEqual(profile.weeks.filter((w) => w.spike !== null).map((w) => [w.week, w.spike]));
    expect(marks).toEqual([[W2, 'SPIKE']]);
    // Heat map: the JSON's calls per hour of the week, cell for cell; the seed's 4 calls of A in W2,
    // two on the Monday and one each on Tuesday and Wednesday, all at 10:00 (hours 10, 34, 58).
    const cells = (await attrs(page, '#chart-hours rect.cell', ['data-value'])).map(([v]) => Number(v));
    expect(cells).toEqual(profile.calls_by_hour_of_week);
    expect([cells[10], cells[34], cells[58], cells.reduce((a, b) => a + b, 0)]).toEqual([2, 1, 1, 4]);

    // First and last seen, breakdowns and the table as in the JSON.
    const facts = await page.locator('dl.facts').first().textContent();
    expect(facts).toContain((profile.first_seen ?? '').replace('T', ' ').slice(0, 16));
    expect(facts).toContain((profile.last_seen ?? '').replace('T', ' ').slice(0, 16));
    expect(await page.locator('#call-types tbody tr').count()).toBe(profile.call_types.length);
    expect(await page.locator('#channels tbody th').allTextContents()).toEqual(profile.channels.map((c) => c.value));
    // Personal data only as counts: no pseudonym or reporter id on the page.
    expect(await page.content()).not.toMatch(/pseudo-|reporter_id|\+441632960001/);

    expect(await accessibilityProblems(page)).toEqual([]);
    await page.screenshot({ path: join(shots, 'evidence.png'), fullPage: true });

    // Print layout: the site navigation goes, the charts stay; a PDF for the case file.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.site').isVisible()).toBe(false);
    expect(await page.locator('#chart-reports svg').isVisible()).toBe(true);
    await page.pdf({ path: join(shots, 'evidence.pdf'), format: 'A4' });
    expect(statSync(join(shots, 'evidence.pdf')).size).toBeGreaterThan(10_000);
    console.log(`evidence page screenshot and PDF: ${shots}`);
    await page.close();
  });

  it('is audited like the JSON look-up, and refuses a missing key (asking the browser for it) or a key without the scope', async () => {
    const ok = await fetch(`${base}/pages/numbers/${encodeURIComponent(B)}`, { headers: bearer });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const id = ok.headers.get('x-request-id') ?? '';
    expect(await ok.text()).toContain(id);
    expect(await auditRow(id)).toMatchObject({ key_name: 'investigator-pages', route: '/pages/numbers/:number', status: 200, format: 'html', method: 'GET' });

    const none = await fetch(`${base}/pages/numbers/${encodeURIComponent(B)}`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic realm="callwatch investigator pages"/);
    const wrongBasic = await fetch(`${base}/pages/overview`, { headers: { authorization: `Basic ${Buffer.from('x:not-a-key').toString('base64')}` } });
    expect(wrongBasic.status).toBe(401);
    const platform = await fetch(`${base}/pages/numbers/${encodeURIComponent(B)}`, { headers: { 'x-api-key': KEYS.platform } });
    expect(platform.status).toBe(403);
    expect(await auditRow(platform.headers.get('x-request-id') ?? '')).toMatchObject({ key_name: 'pbx-pages', status: 403, route: '/pages/numbers/:number' });
    // Refusals are pages a person can read, with the API's own code.
    const bad = await fetch(`${base}/pages/numbers/12345`, { headers: bearer });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const badHtml = await bad.text();
    expect(badHtml).toContain('<h1>Not shown (400)</h1>');
    expect(badHtml).toContain('CW_ERR_API_NUMBER_INVALID');
  });

  it('shows a refusal as a readable, accessible page', async () => {
    // (Without a key Chromium, asked for Basic credentials it does not have, shows its own error, so
    // the 401 page's text is checked over HTTP above; a refused number is shown here.)
    const page = await context.newPage();
    const res = await page.goto(`${base}/pages/numbers/12345`);
    expect(res?.status()).toBe(400);
    expect(await page.locator('h1').textContent()).toBe('Not shown (400)');
    expect(await page.locator('main').textContent()).toContain('CW_ERR_API_NUMBER_INVALID');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.close();
    const none = await fetch(`${base}/pages/overview`);
    const text = await none.text();
    expect(text).toContain('<h1>Not shown (401)</h1>');
    expect(text).toContain('give any user name and the key as the password');
  });
});

describe('weekly overview page', () => {
  it('draws reports per week and channel as the aggregates hold them and lists the JSON top numbers', async () => {
    const page = await context.newPage();
    const res = await page.goto(`${base}/pages/overview`);
    expect(res?.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toBe('Weekly overview: week of 14 Mar 2016');

    const total = await bars(page, 'chart-total');
    expect(total).toHaveLength(12);
    expect(total.filter((b) => b.value > 0).map((b) => [b.week, b.value])).toEqual([
      [W1, 3],
      [W2, 8],
    ]);
    expectToScale(total);
    const byChannel = await bars(page, 'chart-channels');
    expect(byChannel.filter((b) => b.value > 0).map((b) => [b.week, b.series, b.value]).sort()).toEqual(
      [
        [W1, 'HELPLINE', 2],
        [W1, 'WEB', 1],
        [W2, 'HELPLINE', 8],
      ].sort(),
    );
    expectToScale(byChannel);
    // The WEB channel's level shift in W2 is marked on the channel chart, not on the total.
    expect(await attrs(page, '#chart-channels g.mark', ['data-week', 'data-kind'])).toEqual([[W2, 'LEVEL_SHIFT']]);
    expect(await page.locator('#chart-total g.mark').count()).toBe(0);

    const top = await json<{ items: { number: string; reports: number }[] }>(`/v1/top-numbers?week=${W2}&limit=15`);
    const links = await attrs(page, '#top-table tbody a', ['#text', 'href']);
    expect(links).toEqual(top.items.map((t) => [t.number, `/pages/numbers/${encodeURIComponent(t.number)}?week=${W2}`]));
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.screenshot({ path: join(shots, 'overview.png'), fullPage: true });
    await page.close();
  });

  it('can be used with the keyboard alone: skip link first, then Tab to a top number and Enter opens its evidence', async () => {
    const page = await context.newPage();
    await page.goto(`${base}/pages/overview?week=${W2}`);
    const focused = (): Promise<string> => page.evaluate<string>('(document.activeElement && (document.activeElement.textContent || document.activeElement.id)) || ""');
    await page.keyboard.press('Tab');
    expect((await focused()).trim()).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate<string>('document.activeElement.id')).toBe('main');
    // From the start of the content, Tab reaches the first top number's link.
    let found = false;
    for (let i = 0; i < 40 && !found; i++) {
      await page.keyboard.press('Tab');
      found = (await focused()) === A;
    }
    expect(found).toBe(true);
    // The focused link is visibly marked.
    expect(await page.evaluate<string>('getComputedStyle(document.activeElement).outlineStyle')).toBe('solid');
    await Promise.all([page.waitForURL(/\/pages\/numbers\//), page.keyboard.press('Enter')]);
    expect(await page.locator('h1').textContent()).toBe(`Evidence for ${A}`);
    expect(await page.locator(`a[href="/pages/overview?week=${W2}"]`).count()).toBeGreaterThan(0);
    await page.close();
  });
});
