import { normaliseNumber, type CountryCode, type NormalisedNumber } from '../../core/phone/normalise.ts';

/**
 * normaliseNumber with a bounded memo: traffic repeats the same numbers (robocallers, helplines),
 * and libphonenumber parsing dominates per-record cost. Cleared wholesale when full (cheap, bounded).
 */
export class NumberNormaliser {
  private readonly memo = new Map<string, NormalisedNumber>();

  constructor(
    readonly region: CountryCode,
    private readonly maxEntries = 100_000,
  ) {}

  normalise(raw: string): NormalisedNumber {
    const hit = this.memo.get(raw);
    if (hit) return hit;
    const n = normaliseNumber(raw, this.region);
    if (this.memo.size >= this.maxEntries) this.memo.clear();
    this.memo.set(raw, n);
    return n;
  }
}
