import type { Clickhouse } from '../../core/clickhouse/client.ts';
import { ident, raw, sql } from '../../core/clickhouse/escape.ts';
import { CallwatchError } from '../../core/errors.ts';
import { mondayMs, OVERALL_KEY, weekRange, type SpikeInput, type WeeklySeries } from './verdict.ts';

// Reads the detector's input from the processors' deduplicated report rows (`report_calls`, migration
// 0001, ReplacingMergeTree read with FINAL). Every scope counts distinct reports by the week of the
// reported call (event time, DESIGN §4), so a number's count and the stream it is judged against run
// on the same clock. The WITHHELD and INVALID buckets are not numbers: they count in channels and
// overall but get no number series. SQL runs on ClickHouse 18.16 and 26.x.

export interface SeriesWindow {
  /** First and last week loaded (Mondays, inclusive). */
  fromWeek: string;
  toWeek: string;
}

const NOT_A_NUMBER = raw("number NOT IN ('WITHHELD', 'INVALID')");

function weekFilter(w: SeriesWindow): ReturnType<typeof raw> {
  mondayMs(w.fromWeek);
  mondayMs(w.toWeek);
  return raw(sql`call_week >= toDate(${w.fromWeek}) AND call_week <= toDate(${w.toWeek})`);
}

/**
 * Per number, channel and week. Only numbers that could matter are loaded: a week at or above the
 * minimum count (the only ones that can fire) or at least one report a week on average (the ones the
 * overdispersion estimate uses); the long tail of once-reported numbers stays in ClickHouse.
 */
export function numberChannelWeeksSql(db: string, w: SeriesWindow, minCount: number, weeks: number): string {
  const t = raw(`${ident(db).text}.report_calls`);
  return sql`SELECT number AS number, channel AS channel, toString(call_week) AS week, uniqExact(report_id) AS reports
FROM ${t} FINAL
WHERE ${weekFilter(w)} AND ${NOT_A_NUMBER} AND number IN (
  SELECT number FROM (
    SELECT number AS number, call_week AS w, uniqExact(report_id) AS n
    FROM ${t} FINAL
    WHERE ${weekFilter(w)} AND ${NOT_A_NUMBER}
    GROUP BY number, call_week
  )
  GROUP BY number
  HAVING max(n) >= ${minCount} OR sum(n) >= ${weeks}
)
GROUP BY number, channel, call_week`;
}

export function channelWeeksSql(db: string, w: SeriesWindow): string {
  return sql`SELECT channel AS channel, toString(call_week) AS week, uniqExact(report_id) AS reports
FROM ${ident(db)}.report_calls FINAL
WHERE ${weekFilter(w)}
GROUP BY channel, call_week`;
}

export function overallWeeksSql(db: string, w: SeriesWindow): string {
  return sql`SELECT toString(call_week) AS week, uniqExact(report_id) AS reports
FROM ${ident(db)}.report_calls FINAL
WHERE ${weekFilter(w)}
GROUP BY call_week`;
}

/**
 * The first week with reported calls (null when there are none). Series start there, not padded with
 * zeros before it: the weeks before the pipeline's first data are unknown, not quiet, and a stream
 * that "rises" from nothing would turn every active number into a new-number spike.
 */
export async function firstReportWeek(ch: Clickhouse): Promise<string | null> {
  const rows = await ch.query<{ week: string; n: number }>(sql`SELECT toString(min(call_week)) AS week, count() AS n FROM ${ident(ch.database)}.report_calls`);
  const row = rows[0];
  return row && row.n > 0 ? row.week : null;
}

/** The latest week with reported calls, not after `notAfter` (null when there are none). */
export async function latestReportWeek(ch: Clickhouse, notAfter: string): Promise<string | null> {
  mondayMs(notAfter);
  const rows = await ch.query<{ week: string; n: number }>(
    sql`SELECT toString(max(call_week)) AS week, count() AS n FROM ${ident(ch.database)}.report_calls WHERE call_week <= toDate(${notAfter})`,
  );
  const row = rows[0];
  return row && row.n > 0 ? row.week : null;
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
    const span = Math.round((mondayMs(w.toWeek) - mondayMs(w.fromWeek)) / (7 * 86_400_000)) + 1;
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

/** Loads the detector's input for the window from ClickHouse. */
export async function loadSpikeInput(ch: Clickhouse, w: SeriesWindow, numberMinCount: number): Promise<SpikeInput> {
  const builder = new SeriesBuilder(w);
  const [overall, channels, numbers] = await Promise.all([
    ch.query<CountRow>(overallWeeksSql(ch.database, w)),
    ch.query<CountRow & { channel: string }>(channelWeeksSql(ch.database, w)),
    ch.query<CountRow & { number: string; channel: string }>(numberChannelWeeksSql(ch.database, w, numberMinCount, builder.weeks.length)),
  ]);
  return builder.build(overall, channels, numbers);
}
