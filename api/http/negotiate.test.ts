import { describe, expect, it } from 'vitest';
import { isCallwatchError } from '../../core/errors.ts';
import { chooseFormat } from './negotiate.ts';

describe('response format negotiation', () => {
  it('?format wins over Accept', () => {
    expect(chooseFormat('csv', 'application/json')).toBe('csv');
    expect(chooseFormat('json', 'text/csv')).toBe('json');
  });

  it('reads Accept: the first type we can give', () => {
    expect(chooseFormat(undefined, undefined)).toBe('json');
    expect(chooseFormat(undefined, 'text/csv')).toBe('csv');
    expect(chooseFormat(undefined, 'text/csv; charset=utf-8, application/json')).toBe('csv');
    expect(chooseFormat(undefined, 'application/json, text/csv')).toBe('json');
    expect(chooseFormat(undefined, '*/*')).toBe('json');
    expect(chooseFormat(undefined, 'text/csv;q=0, application/json')).toBe('json');
  });

  it('refuses what it cannot give with 406', () => {
    let err: unknown;
    try {
      chooseFormat(undefined, 'application/xml');
    } catch (e) {
      err = e;
    }
    expect(isCallwatchError(err, 'CW_ERR_API_NOT_ACCEPTABLE')).toBe(true);
  });
});
