import { describe, expect, it } from 'vitest';
import { fieldError, fieldWarning } from '../validation/reasons.ts';
import { toFormErrors, formFieldId } from './form-errors.ts';
import { formDateTimeToEpochMs, formToReportInput } from './form-input.ts';
import { renderForm, renderConfirmation } from './form-page.ts';
import { applyAction, emptyForm, readForm } from './form-state.ts';

const PAGE = { maxCalls: 5, maxDescriptionLength: 2000, subjects: [{ code: 'ENERGY', label: 'Energy' }, { code: 'OTHER', label: 'Something <else>' }] };

describe('readForm', () => {
  it('reads the fields of every declared call and the action', () => {
    const { state, action } = readForm(
      { 'call-count': '2', reporter: 'a@b.example', 'call-1-number': '07700 900123', 'call-2-number': '+442079460000', 'call-2-type': 'SILENT', action: 'remove-1' },
      5,
      100,
    );
    expect(state.calls).toHaveLength(2);
    expect(state.calls[1]?.type).toBe('SILENT');
    expect(state.calls[0]?.number).toBe('07700 900123');
    expect(action).toEqual({ kind: 'remove-call', index: 0 });
  });

  it('bounds the call count and the length of kept values, and ignores repeated names and junk', () => {
    const { state, action } = readForm({ 'call-count': '9999', reporter: ['x'.repeat(500), 'y'], action: 'explode' }, 3, 100);
    expect(state.calls).toHaveLength(3);
    expect(state.reporter).toHaveLength(100);
    expect(action).toEqual({ kind: 'submit' });
    expect(readForm(null, 3, 100).state.calls).toHaveLength(1);
    expect(readForm({ 'call-count': '-4' }, 3, 100).state.calls).toHaveLength(1);
  });

  it('says when calls past the limit were sent, so they refuse the report instead of vanishing', () => {
    expect(readForm({ 'call-count': '9999' }, 3, 100).tooManyCalls).toBe(true);
    expect(readForm({ 'call-count': '1', 'call-4-number': '020 7946 0000' }, 3, 100).tooManyCalls).toBe(true);
    expect(readForm({ 'call-count': '3', 'call-3-number': '020 7946 0000', 'call-4-number': ' ' }, 3, 100).tooManyCalls).toBe(false);
  });
});

describe('applyAction', () => {
  it('adds a call up to the limit and removes the chosen one, never the last', () => {
    let s = emptyForm();
    s = applyAction(s, { kind: 'add-call' }, 2);
    s = applyAction(s, { kind: 'add-call' }, 2);
    expect(s.calls).toHaveLength(2);
    s = { ...s, calls: s.calls.map((c, i) => ({ ...c, number: String(i) })) };
    s = applyAction(s, { kind: 'remove-call', index: 0 }, 2);
    expect(s.calls.map((c) => c.number)).toEqual(['1']);
    expect(applyAction(s, { kind: 'remove-call', index: 0 }, 2).calls).toHaveLength(1);
  });
});

describe('formDateTimeToEpochMs', () => {
  it('reads the typed local time in the service time zone', () => {
    expect(formDateTimeToEpochMs('2026-01-14', '09:30', 'Europe/London')).toBe(Date.UTC(2026, 0, 14, 9, 30));
    expect(formDateTimeToEpochMs('2026-07-14', '09:30', 'Europe/London')).toBe(Date.UTC(2026, 6, 14, 8, 30));
  });

  it('refuses dates and times that do not exist', () => {
    for (const [d, t] of [['2026-02-30', '10:00'], ['2026-13-01', '10:00'], ['2026-01-01', '24:00'], ['14/01/2026', '10:00']] as const) {
      expect(formDateTimeToEpochMs(d, t, 'Europe/London'), `${d} ${t}`).toBeUndefined();
    }
  });
});

describe('formToReportInput', () => {
  it('builds the API report body and finds the problems only the form can see', () => {
    const s = emptyForm();
    s.reporter = ' Person@Example.COM ';
    s.calls = [
      { number: ' 07700 900123 ', date: '2026-01-14', time: '09:30', type: 'SILENT', organisation: '', subject: 'Energy', description: ' hi ' },
      { number: 'x', date: '2026-01-14', time: '', type: '', organisation: '', subject: '', description: '' },
    ];
    const { input, problems } = formToReportInput(s, 'Europe/London');
    expect(input.reporter).toBe('person@example.com');
    expect(input.reporter_number).toBeNull();
    expect(input.calls[0]).toEqual({ number: '07700 900123', call_time: Date.UTC(2026, 0, 14, 9, 30), call_type: 'SILENT', organisation: null, subject: 'Energy', description: 'hi' });
    expect(input.calls[1]?.call_time).toBeUndefined();
    expect([...problems.keys()]).toEqual(['call-2-time']);
    s.reporter = 'not-an-email';
    expect(formToReportInput(s, 'Europe/London').problems.get('reporter')).toMatch(/correct format/);
  });
});

describe('toFormErrors', () => {
  it('maps validator fields to form fields, in page order, with the INVALID bucket as an error', () => {
    expect(formFieldId('calls[1].call_time')).toBe('call-2-date');
    expect(formFieldId('calls[0].nope')).toBeUndefined();
    const { fields, general } = toFormErrors(
      [fieldError('calls[1].call_type', 'required'), fieldError('reporter', 'empty'), fieldError('calls', 'too_many_calls')],
      [fieldWarning('calls[0].number', 'number_invalid', 'not a phone number'), fieldWarning('calls[1].number', 'number_withheld')],
      2,
    );
    expect([...fields.keys()]).toEqual(['reporter', 'call-1-number', 'call-2-type']);
    expect(fields.get('call-1-number')).toMatch(/07700 900123/);
    expect(general).toHaveLength(1);
  });
});

describe('rendered form', () => {
  it('escapes what was typed, links the summary to the fields and describes fields by their errors', () => {
    const s = emptyForm();
    s.calls[0] = { ...s.calls[0], number: '"><script>alert(1)</script>', description: '</textarea><b>x</b>' } as (typeof s.calls)[0];
    const page = renderForm(s, new Map([['call-1-number', 'Enter the number']]), PAGE, { token: 't-1', general: ['Too <many>'] });
    expect(page).not.toContain('<script>alert');
    expect(page).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(page).toContain('&lt;/textarea&gt;&lt;b&gt;x&lt;/b&gt;</textarea>');
    expect(page).toContain('<a href="#call-1-number">Enter the number</a>');
    expect(page).toMatch(/id="call-1-number"[^>]*aria-describedby="call-1-number-hint call-1-number-error"[^>]*aria-invalid="true"/);
    expect(page).toContain('<html lang="en-GB">');
    expect(page).toContain('<li>Too &lt;many&gt;</li>');
    expect(page).toContain('<option value="OTHER">Something &lt;else&gt;</option>');
    expect(page).toContain('<input type="hidden" name="token" value="t-1">');
    expect(page).toContain('<title>Error: Report nuisance calls – callwatch</title>');
  });

  it('offers add-call below the limit and remove buttons once there are two calls', () => {
    const one = renderForm(emptyForm(), new Map(), PAGE, { token: 't' });
    expect(one).toContain('value="add-call"');
    expect(one).not.toContain('value="remove-1"');
    const full = applyAction(applyAction(emptyForm(), { kind: 'add-call' }, 2), { kind: 'add-call' }, 2);
    const two = renderForm(full, new Map(), { ...PAGE, maxCalls: 2 }, { token: 't' });
    expect(two).toContain('value="remove-2"');
    expect(two).not.toContain('value="add-call"');
  });

  it('shows the reference on the confirmation page', () => {
    expect(renderConfirmation('3f2a<b>', 2)).toContain('<p class="reference" id="report-reference">3f2a&lt;b&gt;</p>');
  });
});
