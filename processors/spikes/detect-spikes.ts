import { DEFAULT_DETECTOR_PARAMS, type DetectorParams } from '../../core/config/sections/spikes.ts';
import { CallwatchError } from '../../core/errors.ts';
import { detectAggregateSpikes } from './detect-aggregates.ts';
import { detectNumberSpikes, type NumberWeekVerdict } from './detect-numbers.ts';
import { estimateOverdispersion } from './overdispersion.ts';
import { type SpikeInput, type SpikeVerdict, type WeeklySeries } from './verdict.ts';
import { isMonday, mondayMs } from '../../core/weeks.ts';

const WEEK_MS = 7 * 86_400_000;

function fail(detail: string, details: Record<string, unknown> = {}): never {
  throw new CallwatchError('CW_ERR_SPIKES_INPUT', detail, details);
}

function checkCounts(counts: readonly number[], length: number, where: string): void {
  if (counts.length !== length) fail(`${where}: ${counts.length} counts for ${length} weeks`, { series: where });
  counts.forEach((c, i) => {
    if (!Number.isSafeInteger(c) || c < 0) fail(`${where}: count at week index ${i} is ${String(c)}, not a non-negative integer`, { series: where, index: i });
  });
}

/** Checks the week axis and every series; returns the overall series. */
export function validateSpikeInput(input: SpikeInput): WeeklySeries {
  input.weeks.forEach((w, i) => {
    if (!isMonday(w)) fail(`week ${JSON.stringify(w.slice(0, 32))} is not a Monday written YYYY-MM-DD`, { week: w });
    const ms = mondayMs(w);
    const prev = input.weeks[i - 1];
    if (prev !== undefined && ms - mondayMs(prev) !== WEEK_MS) fail(`weeks must be consecutive Mondays: ${prev} then ${w}`, { week: w });
  });
  let overall: WeeklySeries | undefined;
  const seen = new Set<string>();
  for (const s of input.series) {
    const where = `${s.scope} ${JSON.stringify(s.key)}`;
    if (s.key.length === 0) fail(`${s.scope} series with an empty key`);
    if (seen.has(`${s.scope}\u0000${s.key}`)) fail(`${where} given twice`, { scope: s.scope, key: s.key });
    seen.add(`${s.scope}\u0000${s.key}`);
    checkCounts(s.counts, input.weeks.length, where);
    for (const [channel, counts] of Object.entries(s.channelCounts ?? {})) checkCounts(counts, input.weeks.length, `${where} channel ${channel}`);
    if (s.scope === 'overall') {
      if (overall) fail('more than one overall series');
      overall = s;
    }
  }
  const from = input.numbersFrom ?? 0;
  if (!Number.isSafeInteger(from) || from < 0 || from > input.weeks.length) fail(`numbersFrom ${String(from)} is not a week index of the ${input.weeks.length}-week axis`, { numbersFrom: from });
  return overall ?? fail('no overall series: numbers are judged against the whole stream');
}

interface NumberResult {
  series: WeeklySeries;
  verdicts: NumberWeekVerdict[];
}

function runNumbers(numbers: readonly WeeklySeries[], stream: readonly number[], overdispersion: number, p: DetectorParams): NumberResult[] {
  return numbers.map((series) => ({ series, verdicts: detectNumberSpikes(series.counts, stream, overdispersion, p) })).filter((r) => r.verdicts.length > 0);
}

function excessByWeek(results: readonly NumberResult[], weeks: number, share: (r: NumberResult, t: number) => number): number[] {
  const out = new Array<number>(weeks).fill(0);
  for (const r of results) for (const v of r.verdicts) out[v.week] = (out[v.week] ?? 0) + Math.max(0, v.observed - v.expected) * share(r, v.week);
  return out;
}

function sliceSeries(s: WeeklySeries, from: number): WeeklySeries {
  const channelCounts = s.channelCounts && Object.fromEntries(Object.entries(s.channelCounts).map(([c, counts]) => [c, counts.slice(from)]));
  return { ...s, counts: s.counts.slice(from), ...(channelCounts ? { channelCounts } : {}) };
}

/**
 * Spike detection over one week axis: numbers first, then channels and overall.
 *
 * Numbers are judged against their own baseline scaled by the whole stream's rise (detect-numbers.ts),
 * in two passes: the first finds the obvious spikes; their excess is taken out of the stream, and the
 * second pass uses that cleaned stream, so a robocaller's 1,000 reports do not count as a rise of the
 * whole stream that hides other numbers' spikes. Channels and overall then use the robust detector
 * (detect-aggregates.ts), told how much of each week's rise the spiking numbers explain, which is what
 * separates "a few numbers spiked" (SPIKE) from "the whole channel moved" (LEVEL_SHIFT). A channel's
 * share of a number's excess is the number's share of reports in that channel that week; without
 * per-channel counts on the number series, channels fall back to persistence alone.
 */
export function detectSpikes(input: SpikeInput, p: DetectorParams = DEFAULT_DETECTOR_PARAMS): SpikeVerdict[] {
  const overall = validateSpikeInput(input);
  const weeks = input.weeks.length;
  const channels = input.series.filter((s) => s.scope === 'channel');
  // Numbers are judged on the weeks they cover only (numbersFrom on): sliced there, verdicts shifted back.
  const from = input.numbersFrom ?? 0;
  const fullNumbers = new Map(input.series.filter((s) => s.scope === 'number').map((s) => [s.key, s]));
  const numbers = [...fullNumbers.values()].map((s) => (from === 0 ? s : sliceSeries(s, from)));
  const stream = overall.counts.slice(from);

  const overdispersion = estimateOverdispersion(numbers.map((n) => n.counts), stream, p.numberMaxOverdispersion);
  const firstPass = runNumbers(numbers, stream, overdispersion, p);
  const firstExcess = excessByWeek(firstPass, weeks - from, () => 1);
  const cleanStream = stream.map((c, t) => Math.max(0, c - (firstExcess[t] ?? 0)));
  const numberResults = runNumbers(numbers, cleanStream, overdispersion, p).map((r) => ({
    series: fullNumbers.get(r.series.key) ?? r.series,
    verdicts: r.verdicts.map((v) => ({ ...v, week: v.week + from })),
  }));

  const verdicts: SpikeVerdict[] = [];
  const week = (t: number): string => input.weeks[t] ?? fail(`week index ${t} outside the axis`);
  for (const r of numberResults) {
    for (const v of r.verdicts) verdicts.push({ scope: 'number', key: r.series.key, week: week(v.week), observed: v.observed, expected: v.expected, upper: v.upper, score: v.score, kind: 'SPIKE' });
  }

  const aggregates: { series: WeeklySeries; attributed: number[] | null }[] = [
    { series: overall, attributed: excessByWeek(numberResults, weeks, () => 1) },
  ];
  const attributable = numberResults.every((r) => r.series.channelCounts !== undefined);
  for (const ch of channels) {
    const attributed = attributable
      ? excessByWeek(numberResults, weeks, (r, t) => {
          const total = r.series.counts[t] ?? 0;
          return total > 0 ? (r.series.channelCounts?.[ch.key]?.[t] ?? 0) / total : 0;
        })
      : null;
    aggregates.push({ series: ch, attributed });
  }
  for (const { series, attributed } of aggregates) {
    for (const v of detectAggregateSpikes(series.counts, attributed, p)) {
      verdicts.push({ scope: series.scope, key: series.key, week: week(v.week), observed: v.observed, expected: v.expected, upper: v.upper, score: v.score, kind: v.kind });
    }
  }
  const scopeOrder = { overall: 0, channel: 1, number: 2 } as const;
  return verdicts.sort((a, b) => a.week.localeCompare(b.week) || scopeOrder[a.scope] - scopeOrder[b.scope] || a.key.localeCompare(b.key));
}
