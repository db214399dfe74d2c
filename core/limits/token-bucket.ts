/**
 * A token bucket: `burst` tokens at most, refilled at `ratePerSecond`. take() spends one token if
 * there is one; otherwise it reports how long until there will be. Time is passed in (ms) so the
 * logic is testable without waiting.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    nowMs: number,
  ) {
    this.tokens = burst;
    this.last = nowMs;
  }

  private refill(nowMs: number): void {
    if (nowMs > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + ((nowMs - this.last) / 1000) * this.ratePerSecond);
      this.last = nowMs;
    }
  }

  /** { ok: true } and one token spent, or { ok: false, retryAfterMs } with nothing spent. */
  take(nowMs: number, cost = 1): { ok: true } | { ok: false; retryAfterMs: number } {
    this.refill(nowMs);
    if (this.tokens >= cost) {
      this.tokens -= cost;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((cost - this.tokens) / this.ratePerSecond) * 1000) };
  }

  /** Whether the bucket is full again (it can be forgotten without changing behaviour). */
  isFull(nowMs: number): boolean {
    this.refill(nowMs);
    return this.tokens >= this.burst;
  }
}

/**
 * One bucket per key (API key name, client IP), with a bound on how many are kept: when the map is
 * full, buckets that have refilled completely are dropped (forgetting them changes nothing); if
 * none has, the oldest is dropped.
 */
export class KeyedRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly defaults: { ratePerSecond: number; burst: number },
    private readonly maxKeys = 100_000,
    private readonly clock: () => number = () => Date.now(),
  ) {}

  take(key: string, limits: { ratePerSecond: number; burst: number } = this.defaults): { ok: true } | { ok: false; retryAfterMs: number } {
    const now = this.clock();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.evict(now);
      bucket = new TokenBucket(limits.ratePerSecond, limits.burst, now);
      this.buckets.set(key, bucket);
    }
    return bucket.take(now);
  }

  get size(): number {
    return this.buckets.size;
  }

  private evict(now: number): void {
    for (const [k, b] of this.buckets) if (b.isFull(now)) this.buckets.delete(k);
    if (this.buckets.size >= this.maxKeys) {
      const oldest = this.buckets.keys().next();
      if (!oldest.done) this.buckets.delete(oldest.value);
    }
  }
}
