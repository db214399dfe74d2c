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
 * Spikes and level shifts of a large weekly series (a reporting channel, or the whole stream).
 *
 * Week t is judged against the trailing `baselineWeeks` weeks of the current segment, leaving out
 * past spikes (with the same fallback as numbers when too few weeks remain). A week above the bound is
 *  - a SPIKE when number spikes explain at least `concentratedShare` of its excess over the median
 *    (`attributedExcess[t]`: the summed excess of the numbers that spiked in this series that week):
 *    the channel rose because a few numbers did, not because the channel did;
 *  - otherwise a LEVEL_SHIFT when the next `levelShiftConfirmWeeks` weeks stay above the same bound
 *    (fewer at the end of the data: the verdict is provisional and the re-evaluation of later weeks
 *    settles it, so the newest week of a real launch first reads SPIKE and becomes LEVEL_SHIFT a
 *    week later);
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
    const window: number[] = [];
    for (let b = Math.max(segmentStart, t - p.baselineWeeks); b < t; b++) window.push(b);
    const needed = segmentStart === 0 ? p.minBaselineWeeks : Math.min(p.minBaselineWeeks, p.levelShiftConfirmWeeks);
    if (window.length < needed) continue;
    const clean = window.filter((b) => !spikes.has(b));
    const baseline = (clean.length >= needed ? clean : window).map((b) => counts[b] ?? 0);
    const bound = aggregateBound(baseline, p);
    const observed = counts[t] ?? 0;
    if (observed <= bound.upper) continue;
    const excess = observed - bound.expected;
    const concentrated = attributedExcess !== null && (attributedExcess[t] ?? 0) >= p.concentratedShare * excess;
    const following: number[] = [];
    for (let u = t + 1; u <= Math.min(t + p.levelShiftConfirmWeeks, counts.length - 1); u++) following.push(counts[u] ?? 0);
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
