import type { DetectorParams } from '../../core/config/sections/spikes.ts';
import { countUpperQuantile } from './count-distributions.ts';
import { mean } from './robust-stats.ts';

type NumberParams = Pick<
  DetectorParams,
  'baselineWeeks' | 'minBaselineWeeks' | 'numberAlpha' | 'numberMinCount' | 'numberPriorCount'
>;

/** One week's judgement of one number series (index into the shared week axis). */
export interface NumberWeekVerdict {
  week: number;
  observed: number;
  expected: number;
  upper: number;
  score: number;
}

/**
 * The trailing baseline weeks for week t: the last `baselineWeeks` weeks, leaving out weeks already
 * judged spikes so one burst does not raise the bar for the next. When fewer than `minBaselineWeeks`
 * non-spike weeks remain, the number has been high for most of the window and that is its new normal:
 * the spike weeks are used too. null: too little history to judge week t.
 */
export function baselineWeeks(t: number, spikeWeeks: ReadonlySet<number>, p: Pick<NumberParams, 'baselineWeeks' | 'minBaselineWeeks'>): number[] | null {
  const window: number[] = [];
  for (let b = Math.max(0, t - p.baselineWeeks); b < t; b++) window.push(b);
  if (window.length < p.minBaselineWeeks) return null;
  const clean = window.filter((b) => !spikeWeeks.has(b));
  return clean.length >= p.minBaselineWeeks ? clean : window;
}

/**
 * Spikes of one number's weekly report counts.
 *
 * Counts per number are mostly 0–2 a week, so the bound is an exact negative-binomial upper quantile,
 * not a z-score: the predictive distribution of this week's count has
 *   mean     μ = f · (Σ baseline counts + priorCount) / n
 *   variance V = (μ + μ² · overdispersion) · (1 + 1/n)
 * where n is the number of baseline weeks, `overdispersion` (1/k) is pooled over all numbers
 * (overdispersion.ts), (1 + 1/n) is the uncertainty of a rate drawn from n weeks, and the prior count
 * keeps μ above 0 for a number never reported before.
 *
 * f is the rise of the whole stream: `stream[t]` over the stream's mean in the same baseline weeks,
 * never below 1. When a new reporting channel lifts every number's reports (the 2,350 → 4,300 web
 * tool launch), each number is judged against its baseline scaled by that rise, so the launch does
 * not turn into thousands of number spikes, while a number rising far faster than the stream still
 * fires. The caller passes a stream with the excess of already-detected number spikes taken out, so
 * one huge robocaller does not make everyone else look normal (see detect-spikes.ts).
 *
 * A week fires when observed > upper, where upper = max(NB quantile at 1 − numberAlpha,
 * numberMinCount − 1): a handful of reports never fires, whatever the baseline.
 */
export function detectNumberSpikes(counts: readonly number[], stream: readonly number[], overdispersion: number, p: NumberParams): NumberWeekVerdict[] {
  const spikes = new Set<number>();
  const verdicts: NumberWeekVerdict[] = [];
  for (let t = 0; t < counts.length; t++) {
    const observed = counts[t] ?? 0;
    // The bound is never below numberMinCount − 1, so smaller counts cannot fire: skip the arithmetic.
    if (observed < p.numberMinCount) continue;
    const base = baselineWeeks(t, spikes, p);
    if (!base) continue;
    const judged = judgeNumberWeek(counts, stream, overdispersion, t, base, p);
    if (judged.observed > judged.upper) {
      spikes.add(t);
      verdicts.push(judged);
    }
  }
  return verdicts;
}

export function judgeNumberWeek(
  counts: readonly number[],
  stream: readonly number[],
  overdispersion: number,
  t: number,
  base: readonly number[],
  p: NumberParams,
): NumberWeekVerdict {
  const observed = counts[t] ?? 0;
  const baseCounts = base.map((b) => counts[b] ?? 0);
  const n = baseCounts.length;
  const rate = (baseCounts.reduce((s, v) => s + v, 0) + p.numberPriorCount) / n;
  const streamBase = mean(base.map((b) => stream[b] ?? 0));
  const streamRise = streamBase > 0 ? Math.max(1, (stream[t] ?? 0) / streamBase) : 1;
  const expected = streamRise * rate;
  const variance = (expected + expected * expected * overdispersion) * (1 + 1 / n);
  const upper = Math.max(countUpperQuantile(expected, variance, p.numberAlpha), p.numberMinCount - 1);
  const score = (observed - expected) / Math.sqrt(Math.max(variance, 1));
  return { week: t, observed, expected, upper, score };
}
