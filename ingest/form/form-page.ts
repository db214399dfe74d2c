import { html, type Html } from './escape.ts';
import { callFieldId, type CallEntry, type FormState } from './form-state.ts';
import { page } from './layout.ts';

/** Form field id → message shown next to it (and in the summary, in page order). */
export type FormErrors = ReadonlyMap<string, string>;

export interface FormPageOptions {
  maxCalls: number;
  maxDescriptionLength: number;
  /** Subject categories offered (the collector's list): code as stored, label as shown. */
  subjects: readonly { code: string; label: string }[];
}

/** Call types as a person would describe them, in the order offered. */
export const CALL_TYPE_LABELS: readonly (readonly [string, string])[] = [
  ['LIVE_CALL', 'A person spoke to me'],
  ['RECORDED_MESSAGE', 'A recorded message'],
  ['SILENT', 'A silent call – nobody was there'],
  ['ABANDONED', 'The call cut off when I answered'],
  ['TEXT_MESSAGE', 'A text message'],
  ['OTHER', 'Something else'],
];

interface InputSpec {
  id: string;
  label: string;
  value: string;
  errors: FormErrors;
  type?: 'text' | 'tel' | 'email' | 'date' | 'time';
  hint?: string;
  optional?: boolean;
  autocomplete?: string;
  maxLength?: number;
  inputmode?: 'tel' | 'email' | 'text';
}

function describedBy(id: string, hint: boolean, error: boolean): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function attr(name: string, value: string | number | undefined): Html {
  return value === undefined ? html`` : html` ${name}="${value}"`;
}

function fieldHead(id: string, label: string, hint: string | undefined, error: string | undefined, optional = false): Html {
  return html`<label for="${id}">${label}${optional ? html` <span class="optional">(optional)</span>` : ''}</label>
${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : ''}
${error ? html`<p class="error-message" id="${id}-error"><span class="visually-hidden">Error:</span> ${error}</p>` : ''}`;
}

function input(s: InputSpec): Html {
  const error = s.errors.get(s.id);
  return html`<div class="field${error ? ' has-error' : ''}">
${fieldHead(s.id, s.label, s.hint, error, s.optional)}
<input id="${s.id}" name="${s.id}" type="${s.type ?? 'text'}" value="${s.value}"${attr('autocomplete', s.autocomplete)}${attr('maxlength', s.maxLength)}${attr('inputmode', s.inputmode)}${attr('aria-describedby', describedBy(s.id, Boolean(s.hint), Boolean(error)))}${error ? html` aria-invalid="true"` : ''}${s.type === 'tel' || s.type === 'email' ? html` spellcheck="false"` : ''}>
</div>`;
}

function callTypeRadios(index: number, call: CallEntry, errors: FormErrors): Html {
  const id = callFieldId(index, 'type');
  const error = errors.get(id);
  const radios = CALL_TYPE_LABELS.map(([value, label], i) => {
    // The first radio carries the field id, so the error summary's link lands on the group.
    const rid = i === 0 ? id : `${id}-${value}`;
    return html`<div><input type="radio" id="${rid}" name="${id}" value="${value}"${call.type === value ? html` checked` : ''}><label for="${rid}">${label}</label></div>`;
  });
  return html`<div class="field${error ? ' has-error' : ''}">
<fieldset${attr('aria-describedby', error ? `${id}-error` : undefined)}>
<legend>What kind of call was it?</legend>
${error ? html`<p class="error-message" id="${id}-error"><span class="visually-hidden">Error:</span> ${error}</p>` : ''}
<div class="radios">${radios}</div>
</fieldset>
</div>`;
}

function subjectSelect(index: number, call: CallEntry, errors: FormErrors, subjects: FormPageOptions['subjects']): Html {
  const id = callFieldId(index, 'subject');
  const error = errors.get(id);
  const options = subjects.map((s) => html`<option value="${s.code}"${call.subject === s.code ? html` selected` : ''}>${s.label}</option>`);
  return html`<div class="field${error ? ' has-error' : ''}">
${fieldHead(id, 'What was the call about?', undefined, error, true)}
<select id="${id}" name="${id}"${attr('aria-describedby', error ? `${id}-error` : undefined)}${error ? html` aria-invalid="true"` : ''}>
<option value="">Choose a subject</option>${options}
</select>
</div>`;
}

function description(index: number, call: CallEntry, errors: FormErrors, maxLength: number): Html {
  const id = callFieldId(index, 'description');
  const error = errors.get(id);
  const hint = `What did the caller say or do? Do not include your bank details. Up to ${maxLength.toLocaleString('en-GB')} characters.`;
  return html`<div class="field${error ? ' has-error' : ''}">
${fieldHead(id, 'Tell us about the call', hint, error, true)}
<textarea id="${id}" name="${id}" rows="4" maxlength="${maxLength}"${attr('aria-describedby', describedBy(id, true, Boolean(error)))}${error ? html` aria-invalid="true"` : ''}>${call.description}</textarea>
</div>`;
}

function callBlock(index: number, call: CallEntry, count: number, errors: FormErrors, o: FormPageOptions): Html {
  return html`<fieldset class="call" id="call-${index + 1}">
<legend>Call ${index + 1}${count > 1 ? html` of ${count}` : ''}</legend>
${input({ id: callFieldId(index, 'number'), label: 'Number that called you', value: call.number, errors, type: 'tel', inputmode: 'tel', autocomplete: 'off', maxLength: 64, hint: 'For example 07700 900123 or +44 20 7946 0123. If the number was hidden, enter “withheld”.' })}
<div class="pair">
${input({ id: callFieldId(index, 'date'), label: 'Date of the call', value: call.date, errors, type: 'date', hint: 'For example, 14 January 2026' })}
${input({ id: callFieldId(index, 'time'), label: 'Time of the call', value: call.time, errors, type: 'time', hint: 'For example, 09:30' })}
</div>
${callTypeRadios(index, call, errors)}
${input({ id: callFieldId(index, 'organisation'), label: 'Who did the caller say they were?', value: call.organisation, errors, optional: true, maxLength: 200, hint: 'The company or organisation they named, if any.' })}
${subjectSelect(index, call, errors, o.subjects)}
${description(index, call, errors, o.maxDescriptionLength)}
${count > 1 ? html`<button type="submit" name="action" value="remove-${index + 1}" class="link">Remove call ${index + 1}</button>` : ''}
</fieldset>`;
}

function errorSummary(errors: FormErrors, general: readonly string[]): Html {
  if (errors.size === 0 && general.length === 0) return html``;
  const items = [...general.map((m) => html`<li>${m}</li>`), ...[...errors].map(([id, message]) => html`<li><a href="#${id}">${message}</a></li>`)];
  return html`<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" id="error-summary" autofocus>
<h2 id="error-summary-title">There is a problem</h2>
<ul>${items}</ul>
</div>`;
}

/**
 * The report form. Works without JavaScript: "Add another call" and "Remove call" are submit
 * buttons that come back to this page with every value kept. A visually hidden copy of "Send
 * report" comes first in the form, so pressing Enter in a field sends the report rather than
 * triggering the first other button.
 */
export function renderForm(state: FormState, errors: FormErrors, o: FormPageOptions, meta: { token: string; general?: readonly string[] }): string {
  const count = state.calls.length;
  const general = meta.general ?? [];
  const title = errors.size > 0 || general.length > 0 ? 'Error: Report nuisance calls' : 'Report nuisance calls';
  return page(
    title,
    html`${errorSummary(errors, general)}
<h1>Report nuisance calls</h1>
<p>Tell us about unwanted calls or messages. You can report up to ${o.maxCalls} calls at once.</p>
<form method="post" action="/report" novalidate accept-charset="utf-8">
<button type="submit" name="action" value="submit" class="visually-hidden" tabindex="-1" aria-hidden="true">Send report</button>
<input type="hidden" name="call-count" value="${count}">
<input type="hidden" name="token" value="${meta.token}">
<fieldset>
<legend>About you</legend>
<p class="hint">We use these only to count how many different people report a number. They are never stored as you type them.</p>
${input({ id: 'reporter', label: 'Email address', value: state.reporter, errors, type: 'email', inputmode: 'email', autocomplete: 'email', maxLength: 200 })}
${input({ id: 'reporter-number', label: 'Your phone number', value: state.reporterNumber, errors, type: 'tel', inputmode: 'tel', autocomplete: 'tel', maxLength: 64, optional: true, hint: 'The number that received the calls.' })}
</fieldset>
<h2>The calls</h2>
${state.calls.map((call, i) => callBlock(i, call, count, errors, o))}
${count < o.maxCalls ? html`<button type="submit" name="action" value="add-call" class="secondary">Add another call</button>` : html`<p>You have added the most calls one report can hold.</p>`}
<div><button type="submit" name="action" value="submit">Send report</button></div>
</form>`,
  );
}

export function renderConfirmation(reportId: string, calls: number): string {
  return page(
    'Report sent',
    html`<div class="panel" role="status">
<h1>Report sent</h1>
<p>Your reference</p>
<p class="reference" id="report-reference">${reportId}</p>
</div>
<p>Thank you. We received your report of ${calls} ${calls === 1 ? 'call' : 'calls'}. Keep the reference if you contact us about it.</p>
<h2>What happens next</h2>
<p>We do not reply to each report. Reports help us find and act against the people behind nuisance calls.</p>
<p><a href="/report">Report more calls</a></p>`,
  );
}
