/** What a verdict is about: one reported number, one reporting channel, or the whole stream. */
export type SpikeScope = 'number' | 'channel' | 'overall';

/**
 * SPIKE: one week well above the series' own baseline. LEVEL_SHIFT (channel and overall only): the
 * rise is broad (not explained by single numbers' spikes) and it persists in the following weeks,
 * e.g. a new reporting tool doubling weekly volume. DROP (channel and overall only): one week well
 * below the baseline, e.g. a reporting tool that broke; reported every week the fall lasts, until the
 * low level has filled the baseline window. Number series only ever get SPIKE.
 */
export type SpikeKind = 'SPIKE' | 'LEVEL_SHIFT' | 'DROP';

/**
 * The one verdict type of spike detection, written to ClickHouse (`spike_verdicts`), to the alert
 * topic and to metrics.
 * - `key`: the E.164 number (or WITHHELD/INVALID bucket), the channel name, or 'ALL' for overall.
 * - `week`: ISO week as its Monday date, 'YYYY-MM-DD'.
 * - `expected`: the count the baseline predicts for this week (numbers: scaled by the stream's rise).
 * - `upper`: the bound that was crossed. SPIKE and LEVEL_SHIFT: the largest count still judged normal
 *   (observed > upper). DROP: the smallest count still judged normal (observed < upper), kept in the
 *   same field so that the table, the alert and the API keep one shape.
 * - `score`: standardised excess, (observed − expected) / sqrt(max(variance, 1)), in the units of
 *   the method's own spread (quasi-Poisson variance for numbers, robust or model sigma for
 *   aggregates); negative for a DROP.
 */
export interface SpikeVerdict {
  scope: SpikeScope;
  key: string;
  week: string;
  observed: number;
  expected: number;
  upper: number;
  score: number;
  kind: SpikeKind;
}

export const OVERALL_KEY = 'ALL';

/**
 * One weekly count series on the shared week axis of a `SpikeInput` (dense: a week without records is
 * 0). Number series may carry their counts split by reporting channel, so that a channel's rise can
 * be attributed to the numbers that spiked in it; without the split a channel's verdict kind rests
 * on persistence alone.
 */
export interface WeeklySeries {
  scope: SpikeScope;
  key: string;
  counts: readonly number[];
  channelCounts?: Readonly<Record<string, readonly number[]>>;
}

/** The detector's input: consecutive ISO weeks (Monday dates) and one series per number/channel, plus exactly one overall series. */
export interface SpikeInput {
  weeks: readonly string[];
  series: readonly WeeklySeries[];
  /**
   * Index of the first week the number series cover (default 0). Channels and overall carry years of
   * history for the long-history model; numbers only need their trailing baseline, so the evaluator
   * reads them over the last weeks only. Their counts before this index are 0 and mean "not read":
   * numbers are neither judged nor used as a baseline there, and those weeks' channel rises have no
   * number spikes to be attributed to (their kind rests on persistence).
   */
  numbersFrom?: number;
}

