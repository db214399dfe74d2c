import { DEFAULT_DETECTOR_PARAMS } from '../../core/config/sections/spikes.ts';
import { DEFAULT_SERIES_MODEL, seriesTailProbabilities } from '../../processors/spikes/detect-series.ts';
import { detectNumberSpikes } from '../../processors/spikes/detect-numbers.ts';
import { detectSpikes } from '../../processors/spikes/detect-spikes.ts';
import { estimateOverdispersion } from '../../processors/spikes/overdispersion.ts';
import { FIRST_TEST_WEEK, TEST_WEEKS } from '../../processors/spikes/noufaily.ts';
import { weekRange } from '../../core/weeks.ts';
import { OVERALL_KEY, type SpikeInput } from '../../processors/spikes/verdict.ts';

// callwatch's detectors as the benchmark runs them on one series (plus the stream it belongs to).
// Each returns one boolean per test week: did the method alarm that week.

export interface BenchInput {
  counts: readonly number[];
  stream: readonly number[];
}

export type CallwatchMethod = 'callwatch' | 'callwatch-numbers' | 'callwatch-drop';

export const CALLWATCH_METHODS: Record<CallwatchMethod, string> = {
  callwatch: 'callwatch long-history model (detect-series.ts), rises',
  'callwatch-numbers': 'callwatch number detector as shipped (8-week, stream-relative, α 0.0005, ≥ 5 reports)',
  'callwatch-drop': 'callwatch channel detector (detectSpikes on the series as a channel): DROP verdicts',
};

const FIRST_MONDAY = '2014-01-06';
/** Weeks 1–312 of every benchmark series are free of outbreaks (past outbreaks start in 313–575). */
const CLEAN_WEEKS = 312;

function testWeekAlarms(weeks: Iterable<number>): boolean[] {
  const alarms = new Array<boolean>(TEST_WEEKS).fill(false);
  for (const t of weeks) if (t >= FIRST_TEST_WEEK && t < FIRST_TEST_WEEK + TEST_WEEKS) alarms[t - FIRST_TEST_WEEK] = true;
  return alarms;
}

/**
 * The long-history model's score of each test week at nominal level `alpha`: the week's upper tail
 * probability, or Infinity where Farrington's limit54 rule forbids a rise alarm. The model alarms at
 * `alpha` exactly in the weeks scoring at most `alpha` (detect-series.ts, seriesTailProbabilities).
 */
export function callwatchScores(counts: readonly number[], alpha: number): number[] {
  const scores = new Array<number>(TEST_WEEKS).fill(Number.POSITIVE_INFINITY);
  for (const w of seriesTailProbabilities(counts, FIRST_TEST_WEEK, { ...DEFAULT_SERIES_MODEL, alpha })) {
    if (w.recentEnough && w.week >= FIRST_TEST_WEEK && w.week < FIRST_TEST_WEEK + TEST_WEEKS) scores[w.week - FIRST_TEST_WEEK] = w.tail;
  }
  return scores;
}

export function runCallwatch(method: CallwatchMethod, input: BenchInput, alpha: number): boolean[] {
  if (method === 'callwatch') return callwatchScores(input.counts, alpha).map((s) => s <= alpha);
  if (method === 'callwatch-numbers') {
    // detectSpikes' number pass (detect-spikes.ts) for one number, without the aggregates' work: the
    // stream holds the number's own reports; a first pass's excess is taken out of it. In production
    // the overdispersion is pooled over thousands of numbers, so no single number's spikes move it; one
    // series has only itself, so it is estimated on the first 312 weeks, which hold no outbreak.
    const p = DEFAULT_DETECTOR_PARAMS;
    const k = estimateOverdispersion([input.counts.slice(0, CLEAN_WEEKS)], input.stream.slice(0, CLEAN_WEEKS), p.numberMaxOverdispersion);
    const first = detectNumberSpikes(input.counts, input.stream, k, p);
    const clean = [...input.stream];
    for (const v of first) clean[v.week] = Math.max(0, (clean[v.week] ?? 0) - Math.max(0, v.observed - v.expected));
    return testWeekAlarms(detectNumberSpikes(input.counts, clean, k, p).map((v) => v.week));
  }
  const weeks = weekRange(FIRST_MONDAY, input.counts.length);
  const spikeInput: SpikeInput = { weeks, series: [{ scope: 'channel', key: 'WEB', counts: input.counts }, { scope: 'overall', key: OVERALL_KEY, counts: input.stream }] };
  const index = new Map(weeks.map((w, i) => [w, i]));
  return testWeekAlarms(
    detectSpikes(spikeInput, DEFAULT_DETECTOR_PARAMS)
      .filter((v) => v.scope === 'channel' && v.kind === 'DROP')
      .map((v) => index.get(v.week) ?? -1),
  );
}
