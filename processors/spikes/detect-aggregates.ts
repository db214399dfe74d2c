import type { DetectorParams } from '../../core/config/sections/spikes.ts';
import { normalTail } from './count-distributions.ts';
import { DEFAULT_SERIES_MODEL, seriesBound } from './detect-series.ts';
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
  /** Smallest count still judged normal: below it the week is a DROP. */
  lower: number;
}

/**
 * Robust bound over baseline counts: median + k · sigma, sigma = max(scaled MAD, √median, relative
 * floor · median). The MAD ignores the odd extreme week; the √median (Poisson) and relative floors keep
 * a flat baseline (MAD 0) from firing on ordinary noise. Never below aggregateMinCount − 1.
 */
export function aggregateBound(baseline: readonly number[], p: AggregateParams): Bound {
  const expected = median(baseline);
  const sigma = Math.max(scaledMad(baseline), Math.sqrt(Math.max(expected, 1)), p.aggregateRelativeFloor * expected);
  return boundFrom(expected, sigma, p);
}

function boundFrom(expected: number, sigma: number, p: AggregateParams): Bound {
  const upper = Math.max(Math.floor(expected + p.aggregateK * sigma), p.aggregateMinCount - 1);
  // A series below aggregateMinCount cannot fall significantly either.
  const lower = expected >= p.aggregateMinCount ? Math.max(0, Math.ceil(expected - p.aggregateK * sigma)) : 0;
  return { expected, sigma, upper, lower };
}

/**
 * With at least two years of usable history in the segment, the baseline is the long-history model
 * of detect-series.ts (trend, annual season, past outbreaks downweighted) fitted on every non-spike
 * week of the segment in the last five years; sigma is its predictive standard deviation, never below
 * the relative floor. With less, null: the 8-week median/MAD bound applies.
 */
export function longHistoryBound(counts: readonly number[], t: number, segmentStart: number, spikes: ReadonlySet<number>, p: AggregateParams): Bound | null {
  const base: number[] = [];
  for (let b = Math.max(segmentStart, t - DEFAULT_SERIES_MODEL.historyWeeks); b < t; b++) if (!spikes.has(b)) base.push(b);
  if (base.length < DEFAULT_SERIES_MODEL.seasonMinWeeks) return null;
  const model = seriesBound(counts, base, t, { ...DEFAULT_SERIES_MODEL, alpha: normalTail(p.aggregateK) });
  if (!model) return null;
  const sigma = Math.max(Math.sqrt(model.variance), Math.sqrt(Math.max(model.expected, 1)), p.aggregateRelativeFloor * model.expected);
  return boundFrom(model.expected, sigma, p);
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
 * A week below the lower bound is a DROP (a channel whose volume collapses: a broken reporting tool is
 * an operations incident). DROP weeks stay out of later baselines, like spikes, so a collapse is
 * reported every week it lasts until the low level has filled the baseline window.
 * With two years of history or more the bound is the long-history model's (longHistoryBound).
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
    const bound = longHistoryBound(counts, t, segmentStart, spikes, p) ?? aggregateBound(weeks.map((b) => counts[b] ?? 0), p);
    const observed = counts[t] ?? 0;
    if (observed < bound.lower) {
      verdicts.push({ week: t, observed, expected: bound.expected, upper: bound.lower, score: (observed - bound.expected) / Math.max(bound.sigma, 1), kind: 'DROP' });
      spikes.add(t);
      continue;
    }
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
