import { describe, expect, it } from 'vitest';
import { KeyedRateLimiter, TokenBucket } from './token-bucket.ts';

describe('TokenBucket', () => {
  it('allows a burst, then refuses with the time until the next token', () => {
    const b = new TokenBucket(2, 3, 0);
    expect([b.take(0), b.take(0), b.take(0)].every((r) => r.ok)).toBe(true);
    expect(b.take(0)).toEqual({ ok: false, retryAfterMs: 500 });
  });

  it('refills at the rate, never above the burst', () => {
    const b = new TokenBucket(10, 2, 0);
    b.take(0);
    b.take(0);
    expect(b.take(50).ok).toBe(false);
    expect(b.take(100).ok).toBe(true);
    expect(b.isFull(10_000)).toBe(true);
    expect([b.take(10_000).ok, b.take(10_000).ok, b.take(10_000).ok]).toEqual([true, true, false]);
  });

  it('does not go backwards when the clock does', () => {
    const b = new TokenBucket(1, 1, 1000);
    expect(b.take(1000).ok).toBe(true);
    expect(b.take(500).ok).toBe(false);
  });
});

describe('KeyedRateLimiter', () => {
  it('keeps keys apart', () => {
    let now = 0;
    const l = new KeyedRateLimiter({ ratePerSecond: 1, burst: 1 }, 10, () => now);
    expect(l.take('a').ok).toBe(true);
    expect(l.take('a').ok).toBe(false);
    expect(l.take('b').ok).toBe(true);
    now = 1000;
    expect(l.take('a').ok).toBe(true);
  });

  it('stays bounded, forgetting full buckets first', () => {
    let now = 0;
    const l = new KeyedRateLimiter({ ratePerSecond: 1, burst: 1 }, 3, () => now);
    for (const k of ['a', 'b', 'c']) l.take(k);
    now = 5000;
    l.take('d');
    expect(l.size).toBeLessThanOrEqual(3);
    for (let i = 0; i < 100; i++) l.take(`k${i}`);
    expect(l.size).toBeLessThanOrEqual(3);
  });
});
