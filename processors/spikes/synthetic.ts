import { Rng } from '../../core/rng.ts';
import { OVERALL_KEY, type SpikeInput, type SpikeKind, type SpikeScope, type WeeklySeries } from './verdict.ts';
import { weekRange } from '../../core/weeks.ts';

/**
 * A labelled synthetic data set for measuring spike detection, shaped on the regulator's report in
 * /work/shared/context/ico-customer-contact-report-q1-2016.txt: 26 ISO weeks from Monday 4 January 2016,
 * about 2,350 nuisance-call reports a week from January to May (helpline 1,650, email 700), live chat
 * from Monday 4 April (~30 a week), and the online reporting tool launched on Tuesday 17 May 2016,
 * lifting the stream to ~4,300 a week (web 1,985; helpline 4% down as callers move to the web). One
 * broad one-week surge (helpline +40% in the week of 15 February, as after a TV programme).
 *
 * Numbers: the stream is spread over numbers with weekly baselines 0.1 (a long tail), 0.5, 2, 10 and
 * 50 reports, each week's rate scaled by the stream's level and by gamma noise (shape 5: counts are
 * overdispersed, as real ones are: a week-to-week spread of about 32% beyond Poisson), then split over channels by the week's channel shares.
 *
 * Injected, labelled spikes: at baselines 0 (a number never reported before), 0.5, 2, 10 and 50,
 * several sizes each (extra reports in one week), `SPIKES_PER_CELL` of each in random weeks; three
 * robocallers ramping up over four weeks (6, 15, 30, 50); and one robocaller big enough to move the
 * whole stream for three weeks (900, 1000, 1000), which must read as number spikes (and SPIKE of the
 * channels and overall), not as a level shift.
 *
 * Pure and seeded: the same seed gives the same data set.
 */

export const FIRST_WEEK = '2016-01-04';
export const WEEKS = 26;
export const SURGE_WEEK = 6; // 2016-02-15
export const BIG_ROBOCALLER_WEEKS = [10, 11, 12] as const; // 2016-03-14 …
export const CHAT_LAUNCH_WEEK = 13; // 2016-04-04
export const WEB_LAUNCH_WEEK = 19; // 2016-05-16; the tool went live on Tuesday 17 May
const WEB_LAUNCH_DAYS = 6; // days of the launch week the tool was live
const PRE_LAUNCH_VOLUME = 2350;

export const BACKGROUND_TIERS = [
  { baseline: 0.1, numbers: 2500 },
  { baseline: 0.5, numbers: 800 },
  { baseline: 2, numbers: 150 },
  { baseline: 10, numbers: 40 },
  { baseline: 50, numbers: 20 },
] as const;

/** Extra reports injected in one week, by baseline (0 = a number never reported before). */
export const SPIKE_SIZES: readonly { baseline: number; sizes: readonly number[] }[] = [
  { baseline: 0, sizes: [3, 5, 8, 15, 30] },
  { baseline: 0.5, sizes: [3, 5, 8, 15, 30] },
  { baseline: 2, sizes: [4, 8, 12, 20, 40] },
  { baseline: 10, sizes: [8, 15, 25, 50] },
  { baseline: 50, sizes: [30, 60, 120, 250] },
];
export const SPIKES_PER_CELL = 5;
const RAMP = [6, 15, 30, 50] as const;
const RAMPING_ROBOCALLERS = 3;
const BIG_ROBOCALLER = [900, 1000, 1000] as const;
const GAMMA_SHAPE = 10;
const WEEKLY_SWING_SD = 0.03;
const FIRST_SPIKE_WEEK = 4;

/** A labelled number spike: which number, which week index, what kind of injection. */
export interface LabelledSpike {
  key: string;
  week: number;
  baseline: number;
  size: number;
  /** 'cell' (one-week injection), 'ramp' (ramping robocaller), 'big' (stream-moving robocaller). */
  source: 'cell' | 'ramp' | 'big';
}

export interface ExpectedAggregateVerdict {
  scope: Exclude<SpikeScope, 'number'>;
  key: string;
  week: number;
  kind: SpikeKind;
}

export interface SyntheticDataSet {
  input: SpikeInput;
  numberSpikes: LabelledSpike[];
  aggregateVerdicts: ExpectedAggregateVerdict[];
}

export const CHANNELS = ['HELPLINE', 'EMAIL', 'LIVE_CHAT', 'WEB'] as const;
type Channel = (typeof CHANNELS)[number];

/** Weekly volume each channel would carry with no injected spikes. */
export function channelVolumes(t: number): Record<Channel, number> {
  const launched = t > WEB_LAUNCH_WEEK ? 1 : t === WEB_LAUNCH_WEEK ? WEB_LAUNCH_DAYS / 7 : 0;
  return {
    HELPLINE: 1650 * (1 - 0.04 * launched) * (t === SURGE_WEEK ? 1.4 : 1),
    EMAIL: 700,
    LIVE_CHAT: t >= CHAT_LAUNCH_WEEK ? 30 : 0,
    WEB: 1985 * launched,
  };
}

interface NumberBuilder {
  key: string;
  counts: number[];
  channelCounts: Record<Channel, number[]>;
}

function newNumber(index: number): NumberBuilder {
  // UK 07700 900xxx-style drama numbers widened to a synthetic range: +44 7700 9xxxxx.
  const key = `+447700${String(900000 + index).padStart(6, '0')}`;
  const zeros = (): number[] => new Array<number>(WEEKS).fill(0);
  return { key, counts: zeros(), channelCounts: { HELPLINE: zeros(), EMAIL: zeros(), LIVE_CHAT: zeros(), WEB: zeros() } };
}

/** Adds `count` reports to a number's week, split over channels by the week's channel shares. */
function addReports(n: NumberBuilder, t: number, count: number, rng: Rng): void {
  if (count === 0) return;
  const volumes = channelVolumes(t);
  const total = CHANNELS.reduce((s, c) => s + volumes[c], 0);
  n.counts[t] = (n.counts[t] ?? 0) + count;
  for (let i = 0; i < count; i++) {
    let u = rng.next() * total;
    const channel = CHANNELS.find((c) => (u -= volumes[c]) < 0) ?? 'HELPLINE';
    n.channelCounts[channel][t] = (n.channelCounts[channel][t] ?? 0) + 1;
  }
}

export function syntheticDataSet(seed = 20160517): SyntheticDataSet {
  const rng = new Rng(seed);
  const weeks = weekRange(FIRST_WEEK, WEEKS);
  const swing = weeks.map(() => 1 + WEEKLY_SWING_SD * rng.normal());
  const level = weeks.map((_, t) => CHANNELS.reduce((s, c) => s + channelVolumes(t)[c], 0) / PRE_LAUNCH_VOLUME);

  const numbers: NumberBuilder[] = [];
  const byBaseline = new Map<number, NumberBuilder[]>();
  for (const tier of BACKGROUND_TIERS) {
    const members: NumberBuilder[] = [];
    for (let i = 0; i < tier.numbers; i++) {
      const n = newNumber(numbers.length);
      for (let t = 0; t < WEEKS; t++) addReports(n, t, rng.poisson(tier.baseline * (level[t] ?? 1) * (swing[t] ?? 1) * rng.gammaMeanOne(GAMMA_SHAPE)), rng);
      numbers.push(n);
      members.push(n);
    }
    byBaseline.set(tier.baseline, members);
  }
  const fresh = (): NumberBuilder => {
    const n = newNumber(numbers.length);
    numbers.push(n);
    return n;
  };

  const numberSpikes: LabelledSpike[] = [];
  for (const { baseline, sizes } of SPIKE_SIZES) {
    // Each background number gets at most one injected spike, so labels never overlap.
    const pool = [...(byBaseline.get(baseline) ?? [])];
    for (const size of sizes) {
      for (let i = 0; i < SPIKES_PER_CELL; i++) {
        const n = baseline === 0 ? fresh() : pool.splice(rng.between(0, pool.length - 1), 1)[0];
        if (!n) throw new Error(`synthetic data set: too few numbers at baseline ${baseline}`);
        const week = rng.between(FIRST_SPIKE_WEEK, WEEKS - 1);
        addReports(n, week, size, rng);
        numberSpikes.push({ key: n.key, week, baseline, size, source: 'cell' });
      }
    }
  }
  for (let i = 0; i < RAMPING_ROBOCALLERS; i++) {
    const n = fresh();
    const start = rng.between(FIRST_SPIKE_WEEK, WEEKS - RAMP.length);
    RAMP.forEach((size, j) => {
      addReports(n, start + j, size, rng);
      numberSpikes.push({ key: n.key, week: start + j, baseline: 0, size, source: 'ramp' });
    });
  }
  const big = fresh();
  BIG_ROBOCALLER_WEEKS.forEach((week, j) => {
    const size = BIG_ROBOCALLER[j] ?? 0;
    addReports(big, week, size, rng);
    numberSpikes.push({ key: big.key, week, baseline: 0, size, source: 'big' });
  });

  const series: WeeklySeries[] = numbers.map((n) => ({ scope: 'number', key: n.key, counts: n.counts, channelCounts: n.channelCounts }));
  const sumOver = (pick: (n: NumberBuilder) => readonly number[]): number[] =>
    weeks.map((_, t) => numbers.reduce((s, n) => s + (pick(n)[t] ?? 0), 0));
  series.push({ scope: 'overall', key: OVERALL_KEY, counts: sumOver((n) => n.counts) });
  for (const c of CHANNELS) series.push({ scope: 'channel', key: c, counts: sumOver((n) => n.channelCounts[c]) });

  const bigWeeks = BIG_ROBOCALLER_WEEKS.flatMap((week) => [
    { scope: 'overall', key: OVERALL_KEY, week, kind: 'SPIKE' },
    { scope: 'channel', key: 'HELPLINE', week, kind: 'SPIKE' },
    { scope: 'channel', key: 'EMAIL', week, kind: 'SPIKE' },
  ] as const);
  const aggregateVerdicts: ExpectedAggregateVerdict[] = [
    { scope: 'overall', key: OVERALL_KEY, week: SURGE_WEEK, kind: 'SPIKE' },
    { scope: 'channel', key: 'HELPLINE', week: SURGE_WEEK, kind: 'SPIKE' },
    ...bigWeeks,
    { scope: 'channel', key: 'LIVE_CHAT', week: CHAT_LAUNCH_WEEK, kind: 'LEVEL_SHIFT' },
    { scope: 'overall', key: OVERALL_KEY, week: WEB_LAUNCH_WEEK, kind: 'LEVEL_SHIFT' },
    { scope: 'channel', key: 'WEB', week: WEB_LAUNCH_WEEK, kind: 'LEVEL_SHIFT' },
  ];
  return { input: { weeks, series }, numberSpikes, aggregateVerdicts };
}
