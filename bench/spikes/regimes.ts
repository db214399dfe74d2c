import { Rng } from '../../core/rng.ts';
import { FIRST_TEST_WEEK, negativeBinomial, poissonExact, seriesSeed, SERIES_WEEKS } from '../../processors/spikes/noufaily.ts';

/**
 * The regimes callwatch lives in and the reference study did not cover, on the same 624-week layout
 * (49 test weeks) so the reference methods can run on them unchanged. Each series comes with the
 * whole stream it belongs to, which callwatch's number detector judges against.
 *
 * - sparse: a number with 0–2 reports a week (mean 0.1, 0.3, 1 or 2, φ = 1.3), two past bursts in
 *   the history and one burst of 4–12 extra reports in one test week;
 * - ramp: a number at 0.5 a week that a robocaller starts using in a test week: 2, 4, 8, 16, … extra
 *   reports in successive weeks;
 * - launch: a number (mean 0.5, 2 or 10) whose reports double in a test week because a new reporting
 *   channel doubles the whole stream (2,350 → 4,700 a week); no outbreak: every alarm is false;
 * - collapse: a reporting channel of about 700 reports a week (φ = 3) that falls to 10% in a test week
 *   and stays there (a broken reporting tool); only a detector of falls can find it.
 */
export type RegimeName = 'sparse' | 'ramp' | 'launch' | 'collapse';
export const REGIMES: readonly RegimeName[] = ['sparse', 'ramp', 'launch', 'collapse'];

export interface RegimeSeries {
  regime: RegimeName;
  replicate: number;
  counts: number[];
  /** The whole stream the series belongs to (overall reports a week). */
  stream: number[];
  outbreak: number[];
  pastOutbreaks: number[];
  /** First test week of the event (burst, ramp, launch or collapse). */
  eventWeek: number;
}

const STREAM = 2350;
const REGIME_IDS: Record<RegimeName, number> = { sparse: 101, ramp: 102, launch: 103, collapse: 104 };

/** The rest of the stream (2,350 a week, doubled from `launch`) plus the series' own reports. */
function stream(rng: Rng, counts: readonly number[], launch: number | null): number[] {
  return counts.map((c, t) => c + negativeBinomial(rng, STREAM * (launch !== null && t >= launch ? 2 : 1), 1.5));
}

export function regimeSeries(regime: RegimeName, replicate: number, seed: number): RegimeSeries {
  const rng = new Rng(seriesSeed(seed, REGIME_IDS[regime], replicate));
  const zeros = (): number[] => new Array<number>(SERIES_WEEKS).fill(0);
  const eventWeek = rng.between(FIRST_TEST_WEEK, SERIES_WEEKS - 1);
  const outbreak = zeros();
  const pastOutbreaks = zeros();
  if (regime === 'sparse') {
    const mean = rng.pick([0.1, 0.3, 1, 2]);
    const counts = Array.from({ length: SERIES_WEEKS }, () => negativeBinomial(rng, mean, 1.3));
    for (let i = 0; i < 2; i++) {
      const w = rng.between(312, FIRST_TEST_WEEK - 1);
      const extra = rng.between(4, 12);
      counts[w] = (counts[w] ?? 0) + extra;
      pastOutbreaks[w] = extra;
    }
    const extra = rng.between(4, 12);
    counts[eventWeek] = (counts[eventWeek] ?? 0) + extra;
    outbreak[eventWeek] = extra;
    return { regime, replicate, counts, stream: stream(rng, counts, null), outbreak, pastOutbreaks, eventWeek };
  }
  if (regime === 'ramp') {
    const counts = Array.from({ length: SERIES_WEEKS }, () => negativeBinomial(rng, 0.5, 1.3));
    for (let t = eventWeek, extra = 2; t < SERIES_WEEKS; t++, extra *= 2) {
      const added = poissonExact(rng, Math.min(extra, 1000));
      counts[t] = (counts[t] ?? 0) + added;
      outbreak[t] = Math.max(added, 1);
    }
    return { regime, replicate, counts, stream: stream(rng, counts, null), outbreak, pastOutbreaks, eventWeek };
  }
  if (regime === 'launch') {
    const mean = rng.pick([0.5, 2, 10]);
    const counts = Array.from({ length: SERIES_WEEKS }, (_, t) => negativeBinomial(rng, mean * (t >= eventWeek ? 2 : 1), 1.3));
    return { regime, replicate, counts, stream: stream(rng, counts, eventWeek), outbreak, pastOutbreaks, eventWeek };
  }
  const counts = Array.from({ length: SERIES_WEEKS }, (_, t) => negativeBinomial(rng, 700 * (t >= eventWeek ? 0.1 : 1), 3));
  for (let t = eventWeek; t < SERIES_WEEKS; t++) outbreak[t] = 1;
  // The rest of the stream does not fall: the channel is part of it.
  const rest = Array.from({ length: SERIES_WEEKS }, () => negativeBinomial(rng, STREAM - 700, 1.5));
  return { regime, replicate, counts, stream: rest.map((r, t) => r + (counts[t] ?? 0)), outbreak, pastOutbreaks, eventWeek };
}
