import { CallwatchError } from '../../core/errors.ts';
import type { ReadModel } from '../../core/read-model/index.ts';
import { mondayMs, weekRange, weeksBetween } from '../../core/weeks.ts';
import { OVERALL_KEY, type SpikeInput, type WeeklySeries } from './verdict.ts';

// Builds the detector's input from the read model's weekly series (core/read-model/weekly.ts): the
// same channel and overall series as the dashboards and the API, and per number and channel the
// distinct reports by the week of the reported call (event time, DESIGN §4), so a number's count and
// the stream it is judged against run on the same clock. The WITHHELD and INVALID buckets are not
// numbers: they count in channels and overall but get no number series.

export interface SeriesWindow {
  /** First and last week loaded (Mondays, inclusive). */
  fromWeek: string;
  toWeek: string;
}

interface CountRow {
  week: string;
  reports: number;
}

/** Dense series on the window's week axis (weeks without rows are 0). */
export class SeriesBuilder {
  readonly weeks: string[];
  private readonly index: Map<string, number>;

  constructor(w: SeriesWindow) {
    mondayMs(w.fromWeek);
    const span = weeksBetween(w.fromWeek, w.toWeek) + 1;
    if (span < 1) throw new CallwatchError('CW_ERR_SPIKES_INPUT', `window ends (${w.toWeek}) before it starts (${w.fromWeek})`);
    this.weeks = weekRange(w.fromWeek, span);
    this.index = new Map(this.weeks.map((wk, i) => [wk, i]));
  }

  private slot(row: CountRow): number {
    const i = this.index.get(row.week);
    if (i === undefined) throw new CallwatchError('CW_ERR_SPIKES_INPUT', `row for week ${row.week} outside the window ${this.weeks[0] ?? ''}…${this.weeks.at(-1) ?? ''}`);
    return i;
  }

  zeros(): number[] {
    return new Array<number>(this.weeks.length).fill(0);
  }

  build(overall: readonly CountRow[], channels: readonly (CountRow & { channel: string })[], numbers: readonly (CountRow & { number: string; channel: string })[]): SpikeInput {
    const overallCounts = this.zeros();
    for (const r of overall) overallCounts[this.slot(r)] = r.reports;
    const channelCounts = new Map<string, number[]>();
    for (const r of channels) {
      const counts = channelCounts.get(r.channel) ?? this.zeros();
      counts[this.slot(r)] = r.reports;
      channelCounts.set(r.channel, counts);
    }
    const numberSeries = new Map<string, { counts: number[]; channelCounts: Record<string, number[]> }>();
    for (const r of numbers) {
      let s = numberSeries.get(r.number);
      if (!s) {
        s = { counts: this.zeros(), channelCounts: {} };
        numberSeries.set(r.number, s);
      }
      const i = this.slot(r);
      s.counts[i] = (s.counts[i] ?? 0) + r.reports;
      const byChannel = (s.channelCounts[r.channel] ??= this.zeros());
      byChannel[i] = (byChannel[i] ?? 0) + r.reports;
    }
    const series: WeeklySeries[] = [{ scope: 'overall', key: OVERALL_KEY, counts: overallCounts }];
    for (const [key, counts] of channelCounts) series.push({ scope: 'channel', key, counts });
    for (const [key, s] of numberSeries) series.push({ scope: 'number', key, counts: s.counts, channelCounts: s.channelCounts });
    return { weeks: this.weeks, series };
  }
}

/**
 * Loads the detector's input for the window through the read model: overall and channels over the
 * whole window, numbers from `numbersFromWeek` (default: the window's start) to its end only, with the
 * input's `numbersFrom` set to match (verdict.ts).
 */
export async function loadSpikeInput(read: ReadModel, w: SeriesWindow, numberMinCount: number, numbersFromWeek: string = w.fromWeek): Promise<SpikeInput> {
  const builder = new SeriesBuilder(w);
  const numbersFrom = weeksBetween(w.fromWeek, numbersFromWeek);
  if (numbersFrom < 0 || numbersFrom >= builder.weeks.length) {
    throw new CallwatchError('CW_ERR_SPIKES_INPUT', `numbers from ${numbersFromWeek}: outside the window ${w.fromWeek}…${w.toWeek}`);
  }
  const numberWindow = { fromWeek: numbersFromWeek, toWeek: w.toWeek };
  const [overall, channels, numbers] = await Promise.all([
    read.overallWeeks(w),
    read.channelWeeks(w),
    read.numberChannelWeeks(numberWindow, numberMinCount, builder.weeks.length - numbersFrom),
  ]);
  const input = builder.build(overall, channels, numbers);
  return numbersFrom === 0 ? input : { ...input, numbersFrom };
}
