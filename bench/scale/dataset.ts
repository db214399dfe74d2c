import { processorsSection } from '../../core/config/sections/processors.ts';
import { Rng } from '../../core/rng.ts';
import { WeekCalendar, type LocalWeek } from '../../core/weeks.ts';
import type { SourcePosition } from '../../processors/source-position.ts';
import { cdrRow } from '../../processors/streams/cdrs.ts';
import { reportRows } from '../../processors/streams/reports.ts';
import type { RowContext, StoredRow } from '../../processors/streams/stream.ts';
import { scalePopulation, type ScalePopulation } from './population.ts';
import { ScaleCdrs, ScaleReports, WEEK_MS } from './traffic.ts';

// One benchmark data set: a size (CDRs; reported calls are a tenth of that), its population, its
// 52 weeks, and the rows the processors would store for it (processors/streams: cdrRow, reportRows,
// with the processing configuration's defaults: week zone, short-call threshold).

export const SEED = 20_261_201;
export const WEEKS = 52;
/** Monday 2025-01-06 00:00 UTC (= London): the first week of the year of traffic. */
export const START_MS = Date.UTC(2025, 0, 6);

export interface Dataset {
  cdrs: number;
  reportedCalls: number;
  population: ScalePopulation;
  /** Mondays of the first and the last week with traffic (YYYY-MM-DD). */
  firstWeek: string;
  lastWeek: string;
}

const monday = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export function dataset(cdrs: number): Dataset {
  const reportedCalls = Math.round(cdrs / 10);
  return {
    cdrs,
    reportedCalls,
    population: scalePopulation(new Rng(SEED), cdrs, reportedCalls),
    firstWeek: monday(START_MS),
    lastWeek: monday(START_MS + (WEEKS - 1) * WEEK_MS),
  };
}

export function rowContext(): RowContext {
  const p = processorsSection.parse({});
  return { weeks: new YearWeekCalendar(p.timeZone), shortCallSeconds: p.shortCallSeconds };
}

/**
 * The year is generated in SHARDS consecutive slices (records or reported calls [i·N/S, (i+1)·N/S)),
 * each from its own seed, so the loader can generate them in parallel processes; the data set is
 * the same whatever runs them.
 */
export const SHARDS = 4;

function shardRange(total: number, shard: number): [number, number] {
  if (!Number.isInteger(shard) || shard < 0 || shard >= SHARDS) throw new Error(`shard must be 0..${SHARDS - 1}, got ${shard}`);
  return [Math.floor((total * shard) / SHARDS), Math.floor((total * (shard + 1)) / SHARDS)];
}

/**
 * The processors' week calendar with every minute of the run remembered: WeekCalendar caches the
 * latest 200,000 minutes and the reported calls' times jump around, so the benchmark would spend
 * most of its time in Intl formatting. Same answers (the calendar's own cache is by minute too).
 */
class YearWeekCalendar extends WeekCalendar {
  private readonly minutes = new Map<number, LocalWeek>();
  override locate(epochMs: number): LocalWeek {
    const minute = Math.floor(epochMs / 60_000);
    const hit = this.minutes.get(minute);
    if (hit) return hit;
    const week = super.locate(epochMs);
    this.minutes.set(minute, week);
    return week;
  }
}

const PARTITIONS = 6;
function position(topic: string, seq: number, timestamp: number): SourcePosition {
  return { topic, partition: seq % PARTITIONS, offset: Math.floor(seq / PARTITIONS), timestamp };
}

/** The cdr_records rows of one shard of the data set, in event-time order. */
export function* cdrRows(d: Dataset, shard: number, context = rowContext()): Generator<StoredRow> {
  const [from, to] = shardRange(d.cdrs, shard);
  let seq = from;
  for (const c of new ScaleCdrs(d.population, { startMs: START_MS, weeks: WEEKS }, d.cdrs, SEED + 1 + 7_919 * shard).records(from, to)) {
    yield cdrRow(c, position('cdrs', seq++, c.received_at), context);
  }
}

/** The report_call_records rows of one shard of the data set (reported calls [i·N/S, (i+1)·N/S)), in event-time order. */
export function* reportCallRows(d: Dataset, shard: number, context = rowContext()): Generator<StoredRow> {
  const [from, to] = shardRange(d.reportedCalls, shard);
  let seq = from;
  for (const r of new ScaleReports(d.population, { startMs: START_MS, weeks: WEEKS }, d.reportedCalls, SEED + 2 + 7_919 * shard).records(from, to)) {
    yield* reportRows(r, position('reports', seq++, r.received_at), context);
  }
}
