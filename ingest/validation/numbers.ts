import { normaliseNumber, type CountryCode, type NormalisedNumber } from '../../core/phone/normalise.ts';

/**
 * normaliseNumber with a bounded memo: traffic repeats the same numbers (robocallers, helplines),
 * and libphonenumber parsing dominates per-record cost. Cleared wholesale when full (cheap, bounded).
 */
export class NumberNormaliser {
  private readonly memo = new Map<string, NormalisedNumber>();
  private readonly others = new Map<string, NumberNormaliser>();

  constructor(
    readonly region: CountryCode,
    private readonly maxEntries = 100_000,
  ) {}

  /** The normaliser for another default region (an API key's `defaultRegion`), kept for reuse; this one when undefined or the same. */
  forRegion(region: CountryCode | undefined): NumberNormaliser {
    if (region === undefined || region === this.region) return this;
    let n = this.others.get(region);
    if (!n) {
      n = new NumberNormaliser(region, this.maxEntries);
      this.others.set(region, n);
    }
    return n;
  }

  normalise(raw: string): NormalisedNumber {
    const hit = this.memo.get(raw);
    if (hit) return hit;
    const n = normaliseNumber(raw, this.region);
    if (this.memo.size >= this.maxEntries) this.memo.clear();
    this.memo.set(raw, n);
    return n;
  }
}
