import type { DetectorParams } from '../../core/config/sections/spikes.ts';
import { median, scaledMad } from './robust-stats.ts';
import type { SpikeKind } from './verdict.ts';

type AggregateParams = Pick<
  DetectorParams,
  'baselineWeeks' | 'minBaselineWeeks' | 'aggregateK' | 'aggregateRelativeFloor' | 'aggregateMinCount' | 'levelShiftConfirmWeeks' | 'concentratedShare'
>;

export interface AggregateWeekVerdict {
  week: number;
  observed: number;
  expected: number;
  upper: number;
  score: number;
  kind: SpikeKind;
}

interface Bound {
  expected: number;
  sigma: number;
  upper: number;
}

/**
 * Robust bound over baseline counts: median + k · sigma, sigma = max(scaled MAD, √median, relative
 * floor · median). The MAD ignores the odd extreme week; the √median (Poisson) and relative floors keep
 * a flat baseline (MAD 0) from firing on ordinary noise. Never below aggregateMinCount − 1.
 */
export function aggregateBound(baseline: readonly number[], p: AggregateParams): Bound {
  const expected = median(baseline);
  const sigma = Math.max(scaledMad(baseline), Math.sqrt(Math.max(expected, 1)), p.aggregateRelativeFloor * expected);
  const upper = Math.max(Math.floor(expected + p.aggregateK * sigma), p.aggregateMinCount - 1);
  return { expected, sigma, upper };
}

/**
 * Baseline weeks of an aggregate series for week t: the latest `size` non-spike weeks of the current
 * segment, looking back up to 2 · size weeks, because a run of number-driven spikes (a robocaller
 * month) must not push the clean weeks out of reach. When even that finds fewer than `needed`, the
 * series has been high for long enough that its recent weeks are the baseline, spikes included.
 * null: fewer than `needed` weeks of history in the segment.
 */
export function aggregateBaselineWeeks(t: number, segmentStart: number, spikes: ReadonlySet<number>, needed: number, size: number): number[] | null {
  const window: number[] = [];
  for (let b = Math.max(segmentStart, t - size); b < t; b++) window.push(b);
  if (window.length < needed) return null;
  const clean: number[] = [];
  for (let b = t - 1; b >= Math.max(segmentStart, t - 2 * size) && clean.length < size; b--) if (!spikes.has(b)) clean.unshift(b);
  return clean.length >= needed ? clean : window;
}

/**
 * Spikes and level shifts of a large weekly series (a reporting channel, or the whole stream).
 *
 * Week t is judged against the trailing `baselineWeeks` weeks of the current segment, leaving out
 * past spikes (aggregateBaselineWeeks). A week above the bound is
 *  - a SPIKE when number spikes explain at least `concentratedShare` of its excess over the median
 *    (`attributedExcess[t]`: the summed excess of the numbers that spiked in this series that week):
 *    the channel rose because a few numbers did, not because the channel did;
 *  - otherwise a LEVEL_SHIFT when the next `levelShiftConfirmWeeks` weeks stay above the same bound,
 *    even with their own number spikes' excess taken out (fewer weeks at the end of the data: the
 *    verdict is provisional and the re-evaluation of later weeks settles it, so the newest week of a
 *    real launch first reads SPIKE and becomes LEVEL_SHIFT a week later);
 *  - otherwise a SPIKE (a broad but one-off rise).
 * After a level shift a new segment starts the week after it: the confirming weeks get no verdict of
 * their own (they are the shift) and later weeks are judged against the new level only.
 * Falls are not reported: they are not what investigators or operations are alerted to.
 */
export function detectAggregateSpikes(counts: readonly number[], attributedExcess: readonly number[] | null, p: AggregateParams): AggregateWeekVerdict[] {
  const spikes = new Set<number>();
  const verdicts: AggregateWeekVerdict[] = [];
  let segmentStart = 0;
  let quietUntil = -1;
  for (let t = 0; t < counts.length; t++) {
    if (t <= quietUntil) continue;
    const needed = segmentStart === 0 ? p.minBaselineWeeks : Math.min(p.minBaselineWeeks, p.levelShiftConfirmWeeks);
    const weeks = aggregateBaselineWeeks(t, segmentStart, spikes, needed, p.baselineWeeks);
    if (!weeks) continue;
    const baseline = weeks.map((b) => counts[b] ?? 0);
    const bound = aggregateBound(baseline, p);
    const observed = counts[t] ?? 0;
    if (observed <= bound.upper) continue;
    const excess = observed - bound.expected;
    const concentrated = attributedExcess !== null && (attributedExcess[t] ?? 0) >= p.concentratedShare * excess;
    const following: number[] = [];
    // A following week confirms the shift only with its number spikes' excess taken out: a robocaller
    // starting the week after an ordinary bump must not turn the bump into a level shift.
    for (let u = t + 1; u <= Math.min(t + p.levelShiftConfirmWeeks, counts.length - 1); u++) following.push((counts[u] ?? 0) - (attributedExcess?.[u] ?? 0));
    const persistent = following.length > 0 && following.every((c) => c > bound.upper);
    const kind: SpikeKind = !concentrated && persistent ? 'LEVEL_SHIFT' : 'SPIKE';
    verdicts.push({ week: t, observed, expected: bound.expected, upper: bound.upper, score: excess / Math.max(bound.sigma, 1), kind });
    if (kind === 'LEVEL_SHIFT') {
      segmentStart = t + 1;
      quietUntil = t + following.length;
    } else {
      spikes.add(t);
    }
  }
  return verdicts;
}
