import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTOR_PARAMS } from '../../core/config/sections/spikes.ts';
import { detectAggregateSpikes } from './detect-aggregates.ts';
import { detectSeriesSpikes, DEFAULT_SERIES_MODEL, seriesTailProbabilities } from './detect-series.ts';
import { FIRST_TEST_WEEK, NOUFAILY_SCENARIOS, noufailySeries, TEST_WEEKS, type NoufailyScenario } from './noufaily.ts';
import { addTally, emptyTally, tallySeries, type OutbreakTally } from './outbreak-quality.ts';

// A small fixed subset of the outbreak-detection benchmark (bench/spikes/: the Noufaily et al. 2013
// design, where callwatch runs side by side with R's farringtonFlexible and EARS C1–C3). Every one of
// the 28 scenarios with replicates 1–2 of the benchmark's own seed, judged by the long-history model at
// the benchmark's nominal α. The floors are the figures reached when the model was settled: a change
// that detects less, or alarms more on outbreak-free weeks, fails here. No R needed.
const SEED = 2013;
const REPLICATES = [1, 2];
const ALPHA = 0.005;

function alarmsOf(weeks: readonly number[]): boolean[] {
  const alarms = new Array<boolean>(TEST_WEEKS).fill(false);
  for (const t of weeks) if (t >= FIRST_TEST_WEEK) alarms[t - FIRST_TEST_WEEK] = true;
  return alarms;
}

interface Run {
  scenario: NoufailyScenario;
  replicate: number;
  k: number;
  tally: OutbreakTally;
  /** Tail probability of each outbreak-free test week (Infinity where limit54 forbids an alarm). */
  freeTails: number[];
  /** Smallest tail probability over the outbreak's weeks with cases, and of its first such week. */
  outbreakTail: number;
  firstWeekTail: number;
}

const runs: Run[] = NOUFAILY_SCENARIOS.flatMap((scenario) =>
  REPLICATES.map((replicate) => {
    const series = noufailySeries(scenario, replicate, SEED);
    const up = detectSeriesSpikes(series.counts, FIRST_TEST_WEEK, { ...DEFAULT_SERIES_MODEL, alpha: ALPHA }).filter((v) => v.direction === 'up');
    const tails = seriesTailProbabilities(series.counts, FIRST_TEST_WEEK, { ...DEFAULT_SERIES_MODEL, alpha: ALPHA }).map((w) => (w.recentEnough ? w.tail : Number.POSITIVE_INFINITY));
    const freeTails = tails.filter((_, i) => (series.outbreak[FIRST_TEST_WEEK + i] ?? 0) === 0 && (series.pastOutbreaks[FIRST_TEST_WEEK + i] ?? 0) === 0);
    const outbreakWeeks = tails.filter((_, i) => (series.outbreak[FIRST_TEST_WEEK + i] ?? 0) > 0);
    return {
      scenario,
      replicate,
      k: series.k,
      tally: tallySeries(series, alarmsOf(up.map((v) => v.week))),
      freeTails,
      outbreakTail: Math.min(Number.POSITIVE_INFINITY, ...outbreakWeeks),
      firstWeekTail: outbreakWeeks[0] ?? Number.POSITIVE_INFINITY,
    };
  }),
);
const total = runs.reduce((t, r) => addTally(t, r.tally), emptyTally());

describe('outbreak detection on a fixed subset of the Noufaily benchmark (28 scenarios × 2 replicates)', () => {
  it('the subset is the benchmark’s: fixed series, every outbreak-free test week counted', () => {
    expect(total.outbreaks).toBe(OUTBREAKS);
    expect(total.freeWeeks).toBe(FREE_WEEKS);
  });

  it(`false alarms at most the figure reached, and below the nominal α = ${ALPHA} pooled`, () => {
    expect(total.falseAlarms).toBeLessThanOrEqual(FALSE_ALARMS_CEILING);
    expect(total.falseAlarms / total.freeWeeks).toBeLessThanOrEqual(ALPHA);
  });

  it('outbreaks detected (any week, first week) at least the figures reached', () => {
    expect(total.detected).toBeGreaterThanOrEqual(DETECTED_FLOOR);
    expect(total.detectedFirstWeek).toBeGreaterThanOrEqual(FIRST_WEEK_FLOOR);
  });

  it('at a fixed false-alarm count, outbreaks detected at least the figures reached (the model\'s ROC curve, as bench/spikes compares it with farringtonFlexible)', () => {
    // The alarm threshold moved until at most `falseAlarms` of the subset's outbreak-free weeks alarm:
    // detection there depends on how well the model ranks weeks, not on how its level is calibrated.
    const free = runs.flatMap((r) => r.freeTails).sort((a, b) => a - b);
    for (const [falseAlarms, detected, firstWeek] of ROC_FLOORS) {
      const cut = free[falseAlarms] ?? Number.POSITIVE_INFINITY; // alarm strictly below: at most `falseAlarms` false alarms
      expect(runs.filter((r) => r.outbreakTail < cut).length).toBeGreaterThanOrEqual(detected);
      expect(runs.filter((r) => r.firstWeekTail < cut).length).toBeGreaterThanOrEqual(firstWeek);
    }
  });

  it('large outbreaks (k ≥ 5) of the high-count scenarios (θ ≥ 2.5): at least the figure reached found', () => {
    // Not all: an outbreak of 8 SDs spread over three weeks can land on weeks of low background noise.
    const large = runs.filter((r) => r.scenario.theta >= 2.5 && r.k >= 5);
    expect(large.length).toBe(LARGE);
    expect(large.filter((r) => r.tally.detected > 0).length).toBeGreaterThanOrEqual(LARGE_FOUND_FLOOR);
  });

  it('a collapsing channel (to 10% of about 700 a week) is a DROP from its first week', () => {
    // Like the benchmark's collapse regime (about 700 a week falling to 10% for good), 160 weeks long so the test stays fast.
    const week = 100;
    const counts = Array.from({ length: 160 }, (_, t) => (t < week ? 700 + ((t * 37) % 90) - 45 : 70 + ((t * 13) % 20) - 10));
    const verdicts = detectAggregateSpikes(counts, null, DEFAULT_DETECTOR_PARAMS);
    expect(verdicts.filter((v) => v.week < week)).toEqual([]);
    expect(verdicts.find((v) => v.week === week)?.kind).toBe('DROP');
  });

});

// Figures reached (npx vitest run --project unit processors/spikes/outbreak-benchmark.test.ts). With
// the likelihood dispersion (detect-series.ts, dispersionEstimator 'likelihood') the model alarms less
// often at the nominal α on this subset (0 false alarms, was 1) and detects one outbreak fewer there
// (16, was 17); at an equal number of false alarms it detects more (ROC_FLOORS: 19 at 1 or 3 false
// alarms, where the Pearson dispersion found 17 and 19), which is the comparison bench/spikes makes.
const OUTBREAKS = 56;
const FREE_WEEKS = 2569;
const FALSE_ALARMS_CEILING = 0; // of 2569
const DETECTED_FLOOR = 16; // of 56 (the subset holds k = 1–10: many outbreaks are smaller than the noise)
const FIRST_WEEK_FLOOR = 16;
const LARGE = 14;
const LARGE_FOUND_FLOOR = 7;
/** [false alarms allowed, outbreaks detected, detected in their first week]: 1, 3, 6 and 13 of 2569 weeks are 0.04%, 0.12%, 0.23% and 0.5%. */
const ROC_FLOORS: readonly (readonly [number, number, number])[] = [
  [1, 19, 18],
  [3, 19, 18],
  [6, 20, 18],
  [13, 22, 19],
];
