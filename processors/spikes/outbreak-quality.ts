import { FIRST_TEST_WEEK, type LabelledSeries } from './noufaily.ts';

/**
 * The measures of the outbreak-detection literature (Noufaily et al. 2013; Bédubourg & Le Strat 2017),
 * over the test weeks of labelled series:
 * - false-positive rate: share of test weeks without any outbreak case (current or past) that alarm;
 * - probability of detection: share of test-period outbreaks with at least one alarm in a week that
 *   holds some of their cases;
 * - first-week detection: share of those outbreaks with an alarm in their first week with cases.
 * An outbreak whose Poisson size came out 0 has no weeks and does not count.
 */
export interface OutbreakTally {
  freeWeeks: number;
  falseAlarms: number;
  outbreaks: number;
  detected: number;
  detectedFirstWeek: number;
}

export const emptyTally = (): OutbreakTally => ({ freeWeeks: 0, falseAlarms: 0, outbreaks: 0, detected: 0, detectedFirstWeek: 0 });

/** `alarms[i]` is the verdict for test week i (week FIRST_TEST_WEEK + i). */
export function tallySeries(series: Pick<LabelledSeries, 'outbreak' | 'pastOutbreaks'>, alarms: readonly boolean[]): OutbreakTally {
  const out = emptyTally();
  let first = -1;
  let detected = false;
  for (let i = 0; i < alarms.length; i++) {
    const t = FIRST_TEST_WEEK + i;
    const alarm = alarms[i] === true;
    const current = series.outbreak[t] ?? 0;
    if (current > 0) {
      if (first < 0) first = i;
      if (alarm) detected = true;
    } else if ((series.pastOutbreaks[t] ?? 0) === 0) {
      out.freeWeeks += 1;
      if (alarm) out.falseAlarms += 1;
    }
  }
  if (first >= 0) {
    out.outbreaks = 1;
    out.detected = detected ? 1 : 0;
    out.detectedFirstWeek = alarms[first] === true ? 1 : 0;
  }
  return out;
}

export function addTally(into: OutbreakTally, t: OutbreakTally): OutbreakTally {
  into.freeWeeks += t.freeWeeks;
  into.falseAlarms += t.falseAlarms;
  into.outbreaks += t.outbreaks;
  into.detected += t.detected;
  into.detectedFirstWeek += t.detectedFirstWeek;
  return into;
}

export interface OutbreakRates {
  falsePositiveRate: number;
  probabilityOfDetection: number;
  firstWeekDetection: number;
}

export function outbreakRates(t: OutbreakTally): OutbreakRates {
  return {
    falsePositiveRate: t.freeWeeks === 0 ? 0 : t.falseAlarms / t.freeWeeks,
    probabilityOfDetection: t.outbreaks === 0 ? 0 : t.detected / t.outbreaks,
    firstWeekDetection: t.outbreaks === 0 ? 0 : t.detectedFirstWeek / t.outbreaks,
  };
}
