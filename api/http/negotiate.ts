import { CallwatchError } from '../../core/errors.ts';

export type ResponseFormat = 'json' | 'csv';

const JSON_TYPES = new Set(['application/json', 'application/*', '*/*']);
const CSV_TYPES = new Set(['text/csv', 'text/*']);

/**
 * The answer's format: `?format=` wins; otherwise the first media type in Accept that we can give
 * (q-values are not ranked: clients here send one type). No Accept means JSON.
 */
export function chooseFormat(format: ResponseFormat | undefined, accept: string | undefined): ResponseFormat {
  if (format !== undefined) return format;
  if (accept === undefined || accept.trim() === '') return 'json';
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (params.some((p) => /^q=0(\.0*)?$/.test(p))) continue;
    if (CSV_TYPES.has(type)) return 'csv';
    if (JSON_TYPES.has(type)) return 'json';
  }
  throw new CallwatchError('CW_ERR_API_NOT_ACCEPTABLE', 'send Accept: application/json or text/csv, or ?format=json|csv', { reason: 'not_acceptable' });
}
