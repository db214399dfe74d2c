// What a person typed into the report form, read back from a plain urlencoded POST (no JavaScript):
// flat field names `call-<n>-<field>` because the form must also round-trip every value when it
// is re-rendered (add a call, remove a call, show errors).

export const CALL_FIELDS = ['number', 'date', 'time', 'type', 'organisation', 'subject', 'description'] as const;
export type CallField = (typeof CALL_FIELDS)[number];
export type CallEntry = Record<CallField, string>;

export interface FormState {
  reporter: string;
  reporterNumber: string;
  calls: CallEntry[];
}

export type FormAction = { kind: 'submit' } | { kind: 'add-call' } | { kind: 'remove-call'; index: number };

export const emptyCall = (): CallEntry => ({ number: '', date: '', time: '', type: '', organisation: '', subject: '', description: '' });

export function emptyForm(): FormState {
  return { reporter: '', reporterNumber: '', calls: [emptyCall()] };
}

/** The id and name of one call's field: call-1-number for the first call's number. */
export function callFieldId(index: number, field: CallField): string {
  return `call-${index + 1}-${field}`;
}

function text(body: Record<string, unknown>, name: string, maxLength: number): string {
  const v = body[name];
  // A repeated name arrives as an array; the form never sends one, so take the first value.
  const s = Array.isArray(v) ? (v as unknown[])[0] : v;
  return typeof s === 'string' ? s.slice(0, maxLength) : '';
}

/**
 * Reads the form back. `maxCalls` bounds how many call blocks are read whatever `call-count`
 * claims; `maxFieldLength` bounds what is kept of each value (validation reports over-long text,
 * this only stops a huge body from being echoed back into the page).
 */
export function readForm(body: unknown, maxCalls: number, maxFieldLength: number): { state: FormState; action: FormAction; tooManyCalls: boolean } {
  const b = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const declared = Number.parseInt(text(b, 'call-count', 8), 10);
  // Calls past the limit are never read, so they must refuse the report (as the API does with
  // too_many_calls), not vanish from it: a filled-in call block numbered past maxCalls, or a count past it.
  const tooManyCalls =
    (Number.isFinite(declared) && declared > maxCalls) ||
    Object.entries(b).some(([name, v]) => {
      const m = /^call-(\d+)-/.exec(name);
      return m !== null && Number(m[1]) > maxCalls && (typeof v === 'string' ? v.trim() !== '' : v !== undefined);
    });
  const count = Math.min(maxCalls, Math.max(1, Number.isFinite(declared) ? declared : 1));
  const calls: CallEntry[] = [];
  for (let i = 0; i < count; i++) {
    const call = emptyCall();
    for (const f of CALL_FIELDS) call[f] = text(b, callFieldId(i, f), maxFieldLength);
    calls.push(call);
  }
  const state = { reporter: text(b, 'reporter', maxFieldLength), reporterNumber: text(b, 'reporter-number', maxFieldLength), calls };
  const actionText = text(b, 'action', 32);
  const remove = /^remove-(\d+)$/.exec(actionText);
  let action: FormAction = { kind: 'submit' };
  if (actionText === 'add-call') action = { kind: 'add-call' };
  else if (remove) action = { kind: 'remove-call', index: Number(remove[1]) - 1 };
  return { state, action, tooManyCalls };
}

/** The state after an "add another call" or "remove call" button (submit leaves it as it is). */
export function applyAction(state: FormState, action: FormAction, maxCalls: number): FormState {
  if (action.kind === 'add-call' && state.calls.length < maxCalls) return { ...state, calls: [...state.calls, emptyCall()] };
  if (action.kind === 'remove-call' && state.calls.length > 1 && action.index >= 0 && action.index < state.calls.length) {
    return { ...state, calls: state.calls.filter((_, i) => i !== action.index) };
  }
  return state;
}
