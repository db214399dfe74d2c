// The public report form in a real headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core), against a collector on the real stack: what a person sees and what reaches Kafka.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { consumeDecoded, startHarness, type Harness } from './harness.ts';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

let harness: Harness;
let browser: Browser;
let baseUrl: string;

beforeAll(async () => {
  // A generous burst so the tests' own submissions are not rate limited (the 429 page is tested below).
  harness = await startHarness('form', { formRateLimitBurst: 20, formRateLimitPerMinute: 60 });
  baseUrl = await harness.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser.close();
  await harness.close();
});

async function newPage(javaScript = false): Promise<Page> {
  // Without JavaScript by default: the form must work for people (and browsers) that have none.
  const context = await browser.newContext({ javaScriptEnabled: javaScript, locale: 'en-GB', timezoneId: 'Europe/London' });
  return context.newPage();
}

/** Id of the element that has keyboard focus (evaluated in the page). */
function focusedId(page: Page): Promise<string | undefined> {
  return page.evaluate<string | undefined>('document.activeElement?.id');
}

async function fillCall(page: Page, n: number, call: { number: string; date: string; time: string; typeLabel: string; organisation?: string; subjectLabel?: string; description?: string }): Promise<void> {
  const block = page.locator(`#call-${n}`);
  await block.getByLabel('Number that called you').fill(call.number);
  await block.getByLabel('Date of the call').fill(call.date);
  await block.getByLabel('Time of the call').fill(call.time);
  await block.getByLabel(call.typeLabel).check();
  if (call.organisation) await block.getByLabel('Who did the caller say they were?').fill(call.organisation);
  if (call.subjectLabel) await block.getByLabel('What was the call about?').selectOption({ label: call.subjectLabel });
  if (call.description) await block.getByLabel('Tell us about the call').fill(call.description);
}

describe('public report form in Chromium', () => {
  it('sends a report with two calls without JavaScript and shows its reference; the report is in Kafka', async () => {
    const page = await newPage();
    const res = await page.goto(`${baseUrl}/report`);
    expect(res?.status()).toBe(200);
    expect(await page.getAttribute('html', 'lang')).toBe('en-GB');
    await page.getByLabel('Email address').fill('Reporter.One@Example.com');
    await page.getByLabel('Your phone number').fill('07700 900001');
    await fillCall(page, 1, { number: '07700 900123', date: '2026-01-14', time: '09:30', typeLabel: 'A recorded message', organisation: 'Energy Savers <Ltd>', subjectLabel: 'Energy saving, solar panels or boilers', description: 'Said my "boiler grant" was approved 📞' });
    await page.getByRole('button', { name: 'Add another call' }).click();
    // The page came back with a second block and everything typed so far kept.
    await expect.poll(() => page.locator('fieldset.call').count()).toBe(2);
    expect(await page.getByLabel('Email address').inputValue()).toBe('Reporter.One@Example.com');
    expect(await page.locator('#call-1').getByLabel('Tell us about the call').inputValue()).toBe('Said my "boiler grant" was approved 📞');
    await fillCall(page, 2, { number: 'withheld', date: '2026-01-15', time: '18:05', typeLabel: 'A silent call – nobody was there' });
    await page.screenshot({ path: '/tmp/callwatch-form-filled.png', fullPage: true });
    await page.getByRole('button', { name: 'Send report', exact: true }).and(page.locator(':not(.visually-hidden)')).click();

    await expect.poll(() => page.locator('h1').textContent()).toBe('Report sent');
    const reference = (await page.locator('#report-reference').textContent())?.trim() ?? '';
    expect(reference).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    await page.screenshot({ path: '/tmp/callwatch-form-confirmation.png', fullPage: true });

    const records = await consumeDecoded(harness.config, harness.topics.reports, 'nuisanceReport', 1);
    const mine = records.filter((r) => r.value.report_id === reference);
    expect(mine).toHaveLength(1);
    const report = mine[0]?.value;
    expect(report?.channel).toBe('WEB');
    expect(report?.reporter_id).toMatch(/^[0-9a-f]{64}$/);
    expect(report?.reporter_number).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(report)).not.toMatch(/Reporter\.One|reporter\.one|900001/i);
    expect(report?.calls).toEqual([
      { number: '+447700900123', number_raw: '07700 900123', call_time: Date.UTC(2026, 0, 14, 9, 30), call_type: 'RECORDED_MESSAGE', organisation: 'Energy Savers <Ltd>', subject: 'ENERGY', description: 'Said my "boiler grant" was approved 📞' },
      { number: 'WITHHELD', number_raw: 'withheld', call_time: Date.UTC(2026, 0, 15, 18, 5), call_type: 'SILENT', organisation: null, subject: null, description: null },
    ]);
  });

  it('shows an invalid number as an error next to its field and in the summary, keeping the answers', async () => {
    const page = await newPage();
    await page.goto(`${baseUrl}/report`);
    await page.getByLabel('Email address').fill('someone@example.org');
    await fillCall(page, 1, { number: '12345', date: '2026-01-14', time: '10:00', typeLabel: 'A person spoke to me', description: '<script>alert(1)</script>' });
    const answer = page.waitForResponse((r) => r.url().endsWith('/report') && r.request().method() === 'POST');
    await page.getByLabel('Number that called you').press('Enter');
    expect((await answer).status()).toBe(422);

    // Focus starts on the error summary, so a screen reader announces it first (no JavaScript needed).
    // Chromium applies autofocus at its next rendering step, which a loaded machine can delay: wait for it.
    await page.waitForFunction("document.activeElement?.id === 'error-summary'", null, { timeout: 30_000 }).catch(() => undefined);
    expect(await focusedId(page)).toBe('error-summary');
    const field = page.locator('#call-1-number');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await field.getAttribute('aria-describedby')) ?? '';
    expect(describedBy.split(' ')).toContain('call-1-number-error');
    const message = await page.locator('#call-1-number-error').textContent();
    expect(message).toMatch(/Enter the number that called you in a format like 07700 900123/);
    // The message sits in the same field group as the input, right above it.
    expect(await page.locator('.field.has-error').filter({ has: field }).locator('.error-message').count()).toBe(1);
    const summaryLink = page.locator('.error-summary a[href="#call-1-number"]');
    expect(await summaryLink.count()).toBe(1);
    expect(await field.inputValue()).toBe('12345');
    // What was typed is shown back as text, never run as markup.
    expect(await page.locator('#call-1-description').inputValue()).toBe('<script>alert(1)</script>');
    expect(await page.locator('script').count()).toBe(0);
    await page.screenshot({ path: '/tmp/callwatch-form-error.png', fullPage: true });

    // The summary link moves focus to the field (no JavaScript needed).
    await summaryLink.click();
    expect(await focusedId(page)).toBe('call-1-number');
  });

  it('can be used with the keyboard alone: Tab reaches the fields in order and Enter sends', async () => {
    const page = await newPage(true);
    await page.goto(`${baseUrl}/report`);
    const focused = (): Promise<string | undefined> => focusedId(page);
    // First Tab: the skip link; following it lands in <main>.
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string | undefined>('document.activeElement?.textContent')).toBe('Skip to main content');
    await page.keyboard.press('Enter');
    // After the skip link, Tab goes straight to the form's fields, in reading order.
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('reporter');
    await page.keyboard.type('keyboard.user@example.org');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('reporter-number');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('call-1-number');
    await page.keyboard.type('+44 20 7946 0321');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('call-1-date');
    // Typing into Chromium's segmented date and time controls depends on the build's ICU locale, so
    // the values are set on the focused control; moving between fields stays keyboard-only.
    await page.locator('#call-1-date').fill('2026-01-14');
    await page.keyboard.press('Tab');
    while ((await focused()) === 'call-1-date') await page.keyboard.press('Tab');
    expect(await focused()).toBe('call-1-time');
    await page.locator('#call-1-time').fill('09:30');
    while ((await focused()) === 'call-1-time') await page.keyboard.press('Tab');
    expect(await focused()).toBe('call-1-type');
    // Arrow keys move within the radio group and select.
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe('call-1-type-RECORDED_MESSAGE');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('call-1-organisation');
    await page.keyboard.type('Bank');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Report sent');
    const reference = (await page.locator('#report-reference').textContent())?.trim() ?? '';
    const records = await consumeDecoded(harness.config, harness.topics.reports, 'nuisanceReport', 2);
    const mine = records.find((r) => r.value.report_id === reference)?.value;
    expect(mine?.calls).toEqual([
      { number: '+442079460321', number_raw: '+44 20 7946 0321', call_time: Date.UTC(2026, 0, 14, 9, 30), call_type: 'RECORDED_MESSAGE', organisation: 'Bank', subject: null, description: null },
    ]);
  });

  it('answers too many submissions from one address with a 429 page that keeps the answers', async () => {
    // One submission a million minutes: the second is refused however long the browser takes.
    const limited = await startHarness('formlimit', { formRateLimitBurst: 1, formRateLimitPerMinute: 1e-6 });
    try {
      const url = await limited.app.listen({ host: '127.0.0.1', port: 0 });
      const page = await newPage();
      const statuses: number[] = [];
      for (let i = 0; i < 2; i++) {
        await page.goto(`${url}/report`);
        await page.getByLabel('Email address').fill('busy@example.org');
        await fillCall(page, 1, { number: '07700 900555', date: '2026-01-14', time: '11:00', typeLabel: 'Something else' });
        const answer = page.waitForResponse((r) => r.request().method() === 'POST');
        await page.getByLabel('Email address').press('Enter');
        statuses.push((await answer).status());
      }
      expect(statuses).toEqual([201, 429]);
      expect(await page.locator('.error-summary').textContent()).toMatch(/Wait \d+ seconds/);
      expect(await page.getByLabel('Number that called you').inputValue()).toBe('07700 900555');
    } finally {
      await limited.close();
    }
  });
});
