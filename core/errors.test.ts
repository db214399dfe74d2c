import { describe, expect, it } from 'vitest';
import { CallwatchError, ERROR_CODES, isPoison, isRetryable, type ErrorCode } from './errors.ts';

describe('the error table', () => {
  const codes = Object.keys(ERROR_CODES) as ErrorCode[];

  it('has one code per failure: no two codes share status and text', () => {
    const seen = new Map<string, ErrorCode>();
    for (const c of codes) {
      const key = `${String(ERROR_CODES[c].status)} ${ERROR_CODES[c].message}`;
      expect(seen.get(key), `${c} repeats ${String(seen.get(key))}`).toBeUndefined();
      seen.set(key, c);
    }
  });

  it('marks exactly the 429/503 failures retryable (so Retry-After and retries agree), and none both retryable and poison', () => {
    for (const c of codes) {
      const { status, retryable, poison } = ERROR_CODES[c];
      expect(retryable, c).toBe(status === 429 || status === 503);
      expect(retryable && poison, c).toBe(false);
    }
  });

  it('classifies thrown values by the table; anything not a CallwatchError is neither', () => {
    expect(isRetryable(new CallwatchError('CW_ERR_REGISTRY_UNAVAILABLE'))).toBe(true);
    expect(isPoison(new CallwatchError('CW_ERR_REGISTRY_UNAVAILABLE'))).toBe(false);
    expect(isPoison(new CallwatchError('CW_ERR_AVRO_MAGIC_BYTE'))).toBe(true);
    expect(isRetryable(new CallwatchError('CW_ERR_CONFIG_INVALID'))).toBe(false);
    expect(isPoison(new CallwatchError('CW_ERR_CONFIG_INVALID'))).toBe(false);
    expect(isRetryable(new Error('ECONNREFUSED'))).toBe(false);
    expect(isPoison('CW_ERR_AVRO_DECODE')).toBe(false);
  });

  it('keeps the occurrence detail apart from the code text', () => {
    const e = new CallwatchError('CW_ERR_WEEK_INVALID', '2026-W54');
    expect([e.message, e.detail, e.status]).toEqual(['not a week: 2026-W54', '2026-W54', 400]);
    expect(new CallwatchError('CW_ERR_WEEK_INVALID').detail).toBeUndefined();
  });
});
