import { median } from './robust-stats.ts';

/**
 * The negative-binomial overdispersion 1/k of number counts (variance = μ + μ²/k), pooled over all
 * numbers, because eight weeks of one number's counts say little about its own variance.
 *
 * Each number with at least one report a week on average gives a method-of-moments estimate
 *   Σ_t ((x_t − e_t)² − e_t) / Σ_t e_t²,   e_t = (number's total) · stream_t / (stream's total),
 * i.e. measured against its own share of the stream, so a level shift of the whole stream (a channel
 * launch) is not mistaken for overdispersion. The median across numbers ignores the few numbers that
 * spiked. Clamped to [0, max]; 0 (Poisson) when no number has enough reports.
 */
export function estimateOverdispersion(numbers: readonly (readonly number[])[], stream: readonly number[], max: number): number {
  const streamTotal = stream.reduce((s, v) => s + v, 0);
  if (streamTotal <= 0) return 0;
  const estimates: number[] = [];
  for (const counts of numbers) {
    const total = counts.reduce((s, v) => s + v, 0);
    if (total < counts.length) continue;
    let num = 0;
    let den = 0;
    counts.forEach((x, t) => {
      const e = (total * (stream[t] ?? 0)) / streamTotal;
      num += (x - e) ** 2 - e;
      den += e * e;
    });
    if (den > 0) estimates.push(num / den);
  }
  if (estimates.length === 0) return 0;
  return Math.min(max, Math.max(0, median(estimates)));
}
