// The comparison at equal false-positive rate: callwatch's long-history model read at the operating
// point where it alarms no more often than farringtonFlexible did, scenario by scenario.
//
// Each test week of callwatch gets a score, its tail probability P(count ≥ observed) under the model
// (detect-series.ts, seriesTailProbabilities), or Infinity where Farrington's limit54 rule forbids an
// alarm. At a threshold a the model alarms in the weeks scoring at most a, so one run gives every
// operating point: the free weeks' scores give the false alarms at a, and an outbreak is detected at a
// when one of its weeks scores at most a. No grid: the threshold is read off the scores themselves.
//
// Two matching rules, both blind to the outbreak weeks (only the outbreak-free weeks' false alarms are
// counted, as any measured FPR counts them):
// - in-sample: a threshold at which callwatch's false alarms on the scenario's free test weeks are at
//   most farringtonFlexible's on the same weeks (an empirical ROC curve read at the reference's point,
//   FPR ≤ farringtonFlexible's by construction), in the middle of the range of such thresholds (cutFor);
// - cross-fitted: the threshold is chosen that way on the other half of the replicates (odd ↔ even)
//   and applied to this half, so the weeks a threshold is judged on never chose it; its FPR can come
//   out above farringtonFlexible's by chance, and that is reported, not hidden.
import { FIRST_TEST_WEEK, type LabelledSeries } from '../../processors/spikes/noufaily.ts';
import type { OutbreakTally } from '../../processors/spikes/outbreak-quality.ts';

export interface SeriesScores {
  replicate: number;
  /** Scores of the outbreak-free test weeks (no current or past outbreak case). */
  free: number[];
  /** Best (smallest) score over the weeks of the test-period outbreak with cases; null without one. */
  outbreak: number | null;
  /** Score of the outbreak's first week with cases; null without one. */
  outbreakFirst: number | null;
}

/** `scores[i]` is test week i's score (tail probability, or Infinity where no alarm is allowed). */
export function seriesScores(series: Pick<LabelledSeries, 'outbreak' | 'pastOutbreaks'>, replicate: number, scores: readonly number[]): SeriesScores {
  const out: SeriesScores = { replicate, free: [], outbreak: null, outbreakFirst: null };
  for (let i = 0; i < scores.length; i++) {
    const t = FIRST_TEST_WEEK + i;
    const s = scores[i] ?? Number.POSITIVE_INFINITY;
    if ((series.outbreak[t] ?? 0) > 0) {
      if (out.outbreakFirst === null) out.outbreakFirst = s;
      out.outbreak = Math.min(out.outbreak ?? Number.POSITIVE_INFINITY, s);
    } else if ((series.pastOutbreaks[t] ?? 0) === 0) out.free.push(s);
  }
  return out;
}

/** The tally of alarming at scores strictly below `cut`. */
export function tallyBelow(all: readonly SeriesScores[], cut: number): OutbreakTally {
  const t: OutbreakTally = { freeWeeks: 0, falseAlarms: 0, outbreaks: 0, detected: 0, detectedFirstWeek: 0 };
  for (const s of all) {
    t.freeWeeks += s.free.length;
    t.falseAlarms += s.free.filter((x) => x < cut).length;
    if (s.outbreak !== null) {
      t.outbreaks += 1;
      if (s.outbreak < cut) t.detected += 1;
      if ((s.outbreakFirst ?? Number.POSITIVE_INFINITY) < cut) t.detectedFirstWeek += 1;
    }
  }
  return t;
}

/**
 * A cut (alarm at scores strictly below it) with at most `falseAlarms` false alarms on these series:
 * between the falseAlarms-th and the (falseAlarms + 1)-th smallest free-week score, at their geometric
 * mean (half the smallest when falseAlarms is 0). Any cut in that gap gives the same false alarms here;
 * its top end would be the most favourable to callwatch (it lets through every outbreak week scoring
 * just under the next false alarm), the middle is neutral. Infinity when there are no more than
 * `falseAlarms` finite scores (every week the limit54 rule allows then alarms).
 */
export function cutFor(all: readonly SeriesScores[], falseAlarms: number): number {
  const free = all
    .flatMap((s) => s.free)
    .filter((x) => Number.isFinite(x))
    .sort((a, b) => a - b);
  const next = free[falseAlarms];
  if (next === undefined) return Number.POSITIVE_INFINITY;
  const last = falseAlarms > 0 ? free[falseAlarms - 1] : undefined;
  return last === undefined ? next / 2 : Math.sqrt(last * next);
}

export interface EqualFprResult {
  inSample: OutbreakTally;
  /** The cut chosen in-sample, as a tail probability (the nominal level it amounts to). */
  inSampleCut: number;
  crossFitted: OutbreakTally;
  /** The cut each half is judged at cross-fitted ([even replicates, odd replicates]), chosen on the other half. */
  crossFittedCuts: [number, number];
}

/** `reference(half)`: farringtonFlexible's false alarms on the replicates of that half (0 even, 1 odd), and over all. */
export function equalFpr(all: readonly SeriesScores[], referenceFalseAlarms: (half: 0 | 1 | 'all') => number): EqualFprResult {
  const inSampleCut = cutFor(all, referenceFalseAlarms('all'));
  const crossFitted: OutbreakTally = { freeWeeks: 0, falseAlarms: 0, outbreaks: 0, detected: 0, detectedFirstWeek: 0 };
  const crossFittedCuts: [number, number] = [Number.NaN, Number.NaN];
  for (const half of [0, 1] as const) {
    const chooseOn = all.filter((s) => s.replicate % 2 !== half);
    const judgeOn = all.filter((s) => s.replicate % 2 === half);
    crossFittedCuts[half] = cutFor(chooseOn, referenceFalseAlarms(half === 0 ? 1 : 0));
    const t = tallyBelow(judgeOn, crossFittedCuts[half]);
    crossFitted.freeWeeks += t.freeWeeks;
    crossFitted.falseAlarms += t.falseAlarms;
    crossFitted.outbreaks += t.outbreaks;
    crossFitted.detected += t.detected;
    crossFitted.detectedFirstWeek += t.detectedFirstWeek;
  }
  return { inSample: tallyBelow(all, inSampleCut), inSampleCut, crossFitted, crossFittedCuts };
}

export interface PairedDifference {
  /** Outbreaks both methods were judged on. */
  outbreaks: number;
  /** Detected by the first method only, by the second only. */
  onlyFirst: number;
  onlySecond: number;
  /** POD(first) − POD(second), as a share. */
  difference: number;
  /** Its standard error, as a share. */
  standardError: number;
}

/**
 * The difference of two methods' probabilities of detection on the same outbreaks, with its paired
 * standard error: each outbreak contributes d = (detected by the first) − (detected by the second), in
 * {−1, 0, 1}; the difference is the mean of d and its standard error √(b + c − (b − c)²/n) / n, with b and
 * c the outbreaks only the first and only the second method detected (the usual Wald error for paired
 * proportions: the variance of d over n outbreaks, divided by n). Outbreaks both detect or both miss
 * carry no information on the difference; that is why pairing makes it smaller than the error of two
 * independent samples.
 */
export function pairedDifference(detections: readonly (readonly [boolean, boolean])[]): PairedDifference {
  const n = detections.length;
  const b = detections.filter(([x, y]) => x && !y).length;
  const c = detections.filter(([x, y]) => !x && y).length;
  if (n === 0) return { outbreaks: 0, onlyFirst: 0, onlySecond: 0, difference: Number.NaN, standardError: Number.NaN };
  return { outbreaks: n, onlyFirst: b, onlySecond: c, difference: (b - c) / n, standardError: Math.sqrt(b + c - (b - c) ** 2 / n) / n };
}

/** One replicate for bootstrapDifference: callwatch's scores and farringtonFlexible's verdicts on the same series. */
export interface PairedReplicate {
  scores: SeriesScores;
  /** farringtonFlexible's false alarms on the series' outbreak-free test weeks. */
  referenceFalseAlarms: number;
  /** Whether farringtonFlexible detected the test-period outbreak; null without one. */
  referenceDetected: boolean | null;
}

/**
 * The standard deviation of the in-sample POD difference (callwatch at farringtonFlexible's false alarms
 * minus farringtonFlexible) over `draws` bootstrap resamples of whole replicates (with replacement).
 * Unlike pairedDifference's error, it counts the randomness of the cut too: a resample changes
 * farringtonFlexible's false-alarm count and the free-week scores the cut is read from, which matters
 * where scores are discrete (low counts) and one step of the cut moves many outbreak weeks at once.
 * `random` returns uniform numbers in [0, 1) (seeded, so the figure is reproducible).
 */
export function bootstrapDifference(replicates: readonly PairedReplicate[], draws: number, random: () => number): number {
  const differences: number[] = [];
  for (let d = 0; d < draws; d++) {
    const sample = Array.from({ length: replicates.length }, () => replicates[Math.floor(random() * replicates.length)]).filter((r): r is PairedReplicate => r !== undefined);
    const withOutbreak = sample.filter((r) => r.scores.outbreak !== null && r.referenceDetected !== null);
    if (withOutbreak.length === 0) continue;
    const cut = cutFor(
      sample.map((r) => r.scores),
      sample.reduce((n, r) => n + r.referenceFalseAlarms, 0),
    );
    const own = withOutbreak.filter((r) => (r.scores.outbreak ?? Number.POSITIVE_INFINITY) < cut).length;
    const reference = withOutbreak.filter((r) => r.referenceDetected === true).length;
    differences.push((own - reference) / withOutbreak.length);
  }
  const mean = differences.reduce((a, b) => a + b, 0) / differences.length;
  return Math.sqrt(differences.reduce((a, b) => a + (b - mean) ** 2, 0) / (differences.length - 1));
}
