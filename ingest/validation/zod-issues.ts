import type { z } from 'zod';
import { fieldError, type FieldError, type RejectionReason } from './reasons.ts';

/** `calls[0].number` style path of a zod issue under an optional prefix. */
export function fieldPath(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(record)';
}

/** Maps zod issues to the collector's field errors (stable reason codes, no submitted values). */
export function issuesToFieldErrors(issues: readonly z.core.$ZodIssue[], input: unknown, prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const field = fieldPath([...issue.path, key], prefix);
        out.push(key === 'platform' ? fieldError(field, 'platform_from_key') : fieldError(field, 'unknown_field'));
      }
      continue;
    }
    const field = fieldPath(issue.path, prefix);
    let reason: RejectionReason;
    let detail: string | undefined;
    if (valueAt(input, issue.path) === undefined && issue.path.length > 0) {
      out.push(fieldError(field, 'required'));
      continue;
    }
    switch (issue.code) {
      case 'invalid_type':
        reason = 'wrong_type';
        detail = `expected ${issue.expected}`;
        break;
      case 'too_big':
        reason = issue.origin === 'string' ? 'too_long' : issue.origin === 'array' ? 'too_many_calls' : 'out_of_range';
        detail = `at most ${String(issue.maximum)}`;
        break;
      case 'too_small':
        reason = issue.origin === 'string' ? 'empty' : issue.origin === 'array' ? 'no_calls' : 'out_of_range';
        if (issue.origin !== 'string' && issue.origin !== 'array') detail = `at least ${String(issue.minimum)}`;
        break;
      case 'invalid_union':
        reason = 'wrong_type';
        break;
      case 'invalid_value':
        reason = 'unknown_value';
        detail = `one of ${issue.values.map(String).join(', ')}`;
        break;
      case 'custom': {
        const r = (issue.params as { reason?: RejectionReason } | undefined)?.reason;
        reason = r ?? 'wrong_type';
        break;
      }
      default:
        reason = 'wrong_type';
    }
    out.push(fieldError(field, reason, detail));
  }
  return out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const p of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

/**
 * The input without the keys zod found unknown (a structured clone of the objects on their paths),
 * or undefined when it found none. Validating it again reports the record's other problems too,
 * instead of hiding them behind `unknown_field`.
 */
export function withoutUnknownKeys(input: unknown, issues: readonly z.core.$ZodIssue[]): unknown {
  const unknown = issues.filter((i) => i.code === 'unrecognized_keys');
  if (unknown.length === 0) return undefined;
  const copy = structuredClone(input);
  for (const issue of unknown) {
    const owner = valueAt(copy, issue.path);
    if (typeof owner !== 'object' || owner === null) continue;
    for (const key of issue.keys) Reflect.deleteProperty(owner, key);
  }
  return copy;
}
