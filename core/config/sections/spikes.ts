import { z } from 'zod';
import { envInt } from './common.ts';

const fraction = (min: number, max: number) => z.coerce.number().min(min).max(max);

/**
 * Spike detection (processors/spikes). Defaults were chosen on the labelled synthetic data set in
 * processors/spikes/synthetic.ts; see processors/spikes/README.md for the precision and recall they give.
 */
export const spikesSection = z.strictObject({
  /** Trailing weeks a baseline is drawn from. */
  baselineWeeks: envInt(2, 52).default(8),
  /** Fewer weeks of history than this: no verdict (the series is too young to judge). */
  minBaselineWeeks: envInt(1, 52).default(4),
  /** Numbers: tail probability of the quasi-Poisson (negative-binomial) predictive bound. */
  numberAlpha: fraction(1e-9, 0.2).default(0.0005),
  /** Numbers: a week with fewer reports than this never fires, whatever the baseline (noise at low counts). */
  numberMinCount: envInt(1, 1_000_000).default(5),
  /** Numbers: pseudo-count added to the baseline sum, so a number never seen before still has a small expected rate. */
  numberPriorCount: fraction(0, 10).default(0.5),
  /** Numbers: cap on the estimated negative-binomial overdispersion 1/k (variance = μ + μ²/k). */
  numberMaxOverdispersion: fraction(0, 10).default(2),
  /** Channel/overall: robust bound = median + k · sigma. */
  aggregateK: fraction(1, 20).default(4),
  /** Channel/overall: sigma is at least this share of the median (weekly volumes swing by a few per cent). */
  aggregateRelativeFloor: fraction(0, 1).default(0.05),
  /** Channel/overall: a week with fewer records than this never fires. */
  aggregateMinCount: envInt(1, 1_000_000).default(10),
  /** Channel/overall: following weeks that must also exceed the bound for a rise to be a level shift. */
  levelShiftConfirmWeeks: envInt(1, 8).default(2),
  /** Channel/overall: a rise is a SPIKE of numbers, not a level shift, when spiking numbers explain this share of its excess. */
  concentratedShare: fraction(0, 1).default(0.5),
  /** Evaluator: how many trailing weeks are re-evaluated on each run (late records within them are picked up). */
  evaluateWeeks: envInt(1, 104).default(8),
  /**
   * Evaluator: weeks of channel and overall history read before the evaluated ones. 260 is the window
   * of the long-history model (processors/spikes/detect-series.ts, DEFAULT_SERIES_MODEL.historyWeeks),
   * the model bench/spikes measures; it needs 104 weeks of a channel's current segment, so with less
   * than 104 here channels and overall only ever get the 8-week median bound.
   */
  historyWeeks: envInt(2, 520).default(260),
  /**
   * Evaluator: weeks of number history read before the evaluated ones (at most historyWeeks). A number's
   * baseline is its trailing baselineWeeks, so years of per-number weeks would be read for nothing.
   */
  numberHistoryWeeks: envInt(2, 104).default(26),
  /** processors/spikes/main.ts: pause between evaluations. */
  intervalSeconds: envInt(1, 86_400).default(300),
  /** processors/spikes/main.ts: /metrics, /healthz, /readyz; 0 picks a free port (logged). */
  httpPort: envInt(0, 65535).default(9465),
  httpHost: z.string().min(1).default('127.0.0.1'),
});
export type SpikesConfig = z.infer<typeof spikesSection>;

/** The detector's parameters: the spikes section without the evaluator's keys. */
export type DetectorParams = Omit<SpikesConfig, 'evaluateWeeks' | 'historyWeeks' | 'numberHistoryWeeks' | 'intervalSeconds' | 'httpPort' | 'httpHost'>;

export const DEFAULT_DETECTOR_PARAMS: DetectorParams = spikesSection.parse({});
