import { CallwatchError } from '../../core/errors.ts';
import { fieldError } from '../validation/reasons.ts';
import type { AdaptedRecord } from './types.ts';

/** JSON.parse without echoing the input: V8's messages quote a snippet of the body. */
export function parseJsonQuietly(text: string): { ok: true; value: unknown } | { ok: false; detail: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    const pos = /position (\d+)/.exec(err instanceof Error ? err.message : '');
    return { ok: false, detail: pos ? `invalid JSON near character ${pos[1]}` : 'invalid JSON' };
  }
}

function asRecord(value: unknown, index: number, line?: number): AdaptedRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { index, ...(line === undefined ? {} : { line }), errors: [fieldError('(record)', 'not_an_object')] };
  }
  // Written out rather than spread: this runs for every record of a batch.
  const input = value as Record<string, unknown>;
  return line === undefined ? { index, input } : { index, line, input };
}

function tooMany(count: number, max: number): CallwatchError {
  return new CallwatchError('CW_ERR_INGEST_TOO_MANY_RECORDS', `${count} records, at most ${max} per request`, { count, max });
}

/** A JSON array of native CDRs (a single object is taken as a batch of one). */
export function adaptJsonBatch(value: unknown, maxRecords: number): AdaptedRecord[] {
  const items = Array.isArray(value) ? (value as unknown[]) : [value];
  if (items.length > maxRecords) throw tooMany(items.length, maxRecords);
  return items.map((item, i) => asRecord(item, i));
}

/** NDJSON: one native CDR per line; blank lines are skipped; a bad line rejects only itself. */
export function adaptNdjson(text: string, maxRecords: number): AdaptedRecord[] {
  const lines = text.split('\n');
  const out: AdaptedRecord[] = [];
  for (let l = 0; l < lines.length; l++) {
    const raw = (lines[l] ?? '').trim();
    if (raw === '') continue;
    if (out.length >= maxRecords) throw tooMany(lines.filter((x) => x.trim() !== '').length, maxRecords);
    const parsed = parseJsonQuietly(raw);
    out.push(parsed.ok ? asRecord(parsed.value, out.length, l + 1) : { index: out.length, line: l + 1, errors: [fieldError('(record)', 'malformed_json', parsed.detail)] });
  }
  return out;
}
