import type { Clickhouse, ReadOptions } from '../clickhouse/client.ts';
import { raw, sql } from '../clickhouse/escape.ts';
import { countSql, inList, limitSql, weekBounds, type Page, type WeekFilter } from './filters.ts';
import {
  callerCalleeStatesSql,
  cdrTotalRowsSql,
  cdrTotalsSnapshot,
  CHECK_TOTALS,
  stateChangesSql,
  type CallerCalleeState,
  type CdrTotalsSource,
  type StateChanges,
  type TotalRow,
} from './cdr-totals.ts';
import {
  isReportOrder,
  newNumbersSql,
  numbersByPrefixSql,
  topCallerBoundsSql,
  topCallersSql,
  topNumbersByReportsSql,
  weekNumbersSql,
  type NewNumberRow,
  type PrefixNumberRow,
  type TopNumberRow,
  type TopOrder,
} from './lists.ts';
import { cdrWeeksWithTotals } from './cdr-weeks.ts';
import { SharedLookups } from './shared-lookups.ts';
import {
  BREAKDOWNS,
  cdrCalleesSql,
  numberReportFacetsSql,
  type BreakdownDimension,
  type BreakdownRow,
  type CdrSummary,
  type ReportFacetRow,
  type ReportSummary,
} from './number.ts';
import { spikeRow, spikesSql, type RawSpikeRow, type SpikeFilter, type SpikeRow } from './spikes.ts';
import { tableSql } from './tables.ts';
import { previousWeek } from '../weeks.ts';
import {
  channelWeeksSql,
  kpiWeeksSql,
  numberCdrWeekCountsSql,
  numberCdrWeeksSql,
  numberChannelWeeksSql,
  numberReportWeeksSql,
  overallWeeksSql,
  reportWeekSpanSql,
  type ChannelWeek,
  type KpiWeek,
  type NumberCdrWeek,
  type NumberCdrWeekWithHours,
  type StaleCdrWeek,
  type NumberCdrWeekCounts,
  type NumberChannelWeek,
  type NumberFilter,
  type NumberReportWeek,
  type OverallWeek,
} from './weekly.ts';

// The read model: every query the investigator API, spike detection, the main job and the tests run
// against callwatch's tables, over one connection (the API's is the read-only user). Grafana panels use
// the same SQL builders (./weekly.ts, ./number.ts, ./lists.ts, ./spikes.ts) wrapped with their time
// range. The processors only write.

export type { WeekFilter, Page } from './filters.ts';

export interface NumberReports {
  weeks: NumberReportWeek[];
  summary: ReportSummary | undefined;
  breakdowns: Record<BreakdownDimension, BreakdownRow[]>;
}

export interface NumberEvidence {
  reports: NumberReports;
  cdrWeeks: NumberCdrWeek[];
  cdrSummary: CdrSummary;
  /** Calls per hour of the week, 168 entries (0 = Monday 00h local). */
  hours: number[];
  spikes: SpikeRow[];
}

/** A read of a few named numbers' rows, one of several a look-up runs at once: one server thread each (ReadOptions). */
const LOOKUP: ReadOptions = { maxThreads: 1 };

/** Callers ranked exactly by ReadModel.topCallers before it ranks every caller of the week instead. */
const MAX_BOUNDED_CANDIDATES = 6_400;

/** A read's callers and weeks, as the key its concurrent look-ups share. */
const filterKey = (f: NumberFilter): string => JSON.stringify([f.numbers?.map((n) => (typeof n === 'string' ? n : n.text)) ?? null, f.fromWeek ?? null, f.toWeek ?? null]);

export class ReadModel {
  private readonly totalsLookups = new SharedLookups<CdrTotalsSource>();
  private readonly cdrWeekLookups = new SharedLookups<NumberCdrWeekWithHours[]>();

  constructor(
    readonly ch: Clickhouse,
    /** processors.serviceLevelSeconds (its default when only reports are read). */
    private readonly thresholds: { serviceLevelSeconds: number } = { serviceLevelSeconds: 20 },
  ) {}

  private get db(): string {
    return this.ch.database;
  }

  private async count(rowsSql: string): Promise<number> {
    const rows = await this.ch.query<{ total: number }>(countSql(rowsSql));
    return rows[0]?.total ?? 0;
  }

  // Weekly series -------------------------------------------------------------------------------

  numberReportWeeks(f: NumberFilter = {}): Promise<NumberReportWeek[]> {
    return this.ch.query<NumberReportWeek>(numberReportWeeksSql(this.db, f));
  }

  async numberCdrWeeks(f: NumberFilter = {}): Promise<NumberCdrWeek[]> {
    return (await this.numberCdrWeeksWithHours(f)).map(({ hours: _hours, hour_calls: _calls, ...week }) => week);
  }

  /**
   * The weekly series with each week's calls per hour, which a number profile's calls by hour add up:
   * one read shared by both. With a snapshot, the current totals' figures come from it (./cdr-weeks.ts).
   */
  private numberCdrWeeksWithHours(f: NumberFilter): Promise<NumberCdrWeekWithHours[]> {
    return this.cdrWeekLookups.get(filterKey(f), async () => {
      const totals = await this.cdrTotals(f);
      if (totals.kind === 'check') return this.ch.query<NumberCdrWeekWithHours>(numberCdrWeeksSql(this.db, f, totals, { withHours: true }), LOOKUP);
      return cdrWeeksWithTotals(totals, await this.ch.query<StaleCdrWeek>(numberCdrWeeksSql(this.db, f, totals, { staleOnly: true }), LOOKUP));
    });
  }

  /**
   * Which week totals of the named callers in range are current, as one snapshot the reads of a
   * look-up share (cdr-totals.ts). When no caller is named, or one is an SQL expression, the reads
   * compare for themselves.
   */
  private cdrTotals(f: NumberFilter): Promise<CdrTotalsSource> {
    const numbers = f.numbers?.filter((n): n is string => typeof n === 'string');
    if (numbers === undefined || numbers.length !== f.numbers?.length) return Promise.resolve(CHECK_TOTALS);
    return this.totalsLookups.get(filterKey(f), async () => {
      // Two steps, so that a quiet number's look-up reads only the totals' index (it has none).
      const where = raw(`${weekBounds('week_start', f).text} AND ${inList('caller', numbers).text}`);
      const rows = await this.ch.query<TotalRow>(cdrTotalRowsSql(this.db, where), LOOKUP);
      if (rows.length === 0) return cdrTotalsSnapshot(numbers, rows, []);
      const [changes, callees] = await Promise.all([
        this.ch.query<StateChanges>(stateChangesSql(this.db, where), LOOKUP),
        this.ch.query<CallerCalleeState>(callerCalleeStatesSql(this.db, numbers), LOOKUP),
      ]);
      return cdrTotalsSnapshot(numbers, rows, changes, callees);
    });
  }

  channelWeeks(f: WeekFilter & { channels?: readonly string[] } = {}): Promise<ChannelWeek[]> {
    return this.ch.query<ChannelWeek>(channelWeeksSql(this.db, f));
  }

  overallWeeks(f: WeekFilter = {}): Promise<OverallWeek[]> {
    return this.ch.query<OverallWeek>(overallWeeksSql(this.db, f));
  }

  kpiWeeks(f: WeekFilter & { channels?: readonly string[]; queues?: readonly string[] } = {}): Promise<KpiWeek[]> {
    return this.ch.query<KpiWeek>(kpiWeeksSql(this.db, this.thresholds.serviceLevelSeconds, f));
  }

  /** Reports per number, channel and week for the numbers the spike detector could judge. */
  numberChannelWeeks(f: Required<WeekFilter>, minCount: number, weeks: number): Promise<NumberChannelWeek[]> {
    return this.ch.query<NumberChannelWeek>(numberChannelWeeksSql(this.db, f, minCount, weeks));
  }

  /** First and last week with reported calls (the last not after `notAfter`); nulls when there are none. */
  async reportWeekSpan(notAfter?: string): Promise<{ first: string | null; last: string | null }> {
    const rows = await this.ch.query<{ first_week: string; last_week: string; n: number }>(reportWeekSpanSql(this.db, notAfter));
    const row = rows[0];
    return row && row.n > 0 ? { first: row.first_week, last: row.last_week } : { first: null, last: null };
  }

  // One number ----------------------------------------------------------------------------------

  /** Everything a number profile shows (GET /v1/numbers/:number), read concurrently: its reads share one totals snapshot. */
  async numberEvidence(number: string, f: WeekFilter = {}): Promise<NumberEvidence> {
    const [reports, cdrWeeks, cdrSummary, hours, spikes] = await Promise.all([
      this.numberReports(number, f),
      this.numberCdrWeeks({ numbers: [number], ...f }),
      this.cdrSummary(number, f),
      this.callsByHourOfWeek(number, f),
      this.spikes({ ...f, scope: 'number', key: number }),
    ]);
    return { reports, cdrWeeks, cdrSummary, hours, spikes };
  }

  /**
   * A number's reports over the weeks of `f`: its weekly series, the summary over the range (undefined
   * when it has none) and the breakdowns by call type, subject and channel (most reported calls first).
   */
  async numberReports(number: string, f: WeekFilter = {}): Promise<NumberReports> {
    const rows = await this.ch.query<ReportFacetRow>(numberReportFacetsSql(this.db, number, f), LOOKUP);
    const breakdown = (d: BreakdownDimension): BreakdownRow[] =>
      rows.filter((r) => r.facet === d).map((r) => ({ value: r.value, reports: r.reports, reported_calls: r.reported_calls }));
    const range = rows.find((r) => r.facet === 'range');
    return {
      weeks: rows.filter((r) => r.facet === 'week').map((r) => ({ number, week: r.value, reports: r.reports, reporters: r.reporters, reported_calls: r.reported_calls })),
      summary: range && { reports: range.reports, reporters: range.reporters, reported_calls: range.reported_calls, channels: range.channels, first_seen: range.first_seen, last_seen: range.last_seen },
      breakdowns: Object.fromEntries(BREAKDOWNS.map((d) => [d, breakdown(d)])) as Record<BreakdownDimension, BreakdownRow[]>,
    };
  }

  /** Calls, answered calls and first and last seen add up the weekly series; distinct callees are counted over the range. */
  async cdrSummary(number: string, f: WeekFilter = {}): Promise<CdrSummary> {
    const one = { ...f, numbers: [number] };
    const [weeks, callees] = await Promise.all([
      this.numberCdrWeeks(one),
      this.cdrTotals(one).then((totals) => this.ch.query<{ callees: number }>(cdrCalleesSql(this.db, number, f, totals), LOOKUP)),
    ]);
    const seen = weeks.filter((w) => w.calls > 0);
    return {
      calls: seen.reduce((n, w) => n + w.calls, 0),
      callees: callees[0]?.callees ?? 0,
      answered_calls: seen.reduce((n, w) => n + w.answered_calls, 0),
      first_seen: seen.reduce((t, w) => (t === '' || w.first_seen < t ? w.first_seen : t), ''),
      last_seen: seen.reduce((t, w) => (w.last_seen > t ? w.last_seen : t), ''),
    };
  }

  /** Calls the number made in each of the 168 hours of the week (0 = Monday 00h local), over the weeks of `f`. */
  async callsByHourOfWeek(number: string, f: WeekFilter = {}): Promise<number[]> {
    const counts = new Array<number>(168).fill(0);
    for (const week of await this.numberCdrWeeksWithHours({ ...f, numbers: [number] })) {
      week.hours.forEach((hour, i) => (counts[hour] = (counts[hour] ?? 0) + (week.hour_calls[i] ?? 0)));
    }
    return counts;
  }

  // Lists ---------------------------------------------------------------------------------------

  /**
   * A week's top numbers: ranked and paged on one aggregate (the report aggregate for the report
   * orders, the CDR one for cdr_calls), then the other figures read for the page's numbers only.
   */
  async topNumbers(week: string, by: TopOrder, page: Page): Promise<TopNumberRow[]> {
    const numbers = (
      isReportOrder(by)
        ? await this.ch.query<{ number: string }>(`${topNumbersByReportsSql(this.db, week, by)}\n${limitSql(page).text}`)
        : await this.topCallers(week, page)
    ).map((r) => r.number);
    if (numbers.length === 0) return [];
    const prev = previousWeek(week);
    const [reportWeeks, cdrWeeks] = await Promise.all([
      this.numberReportWeeks({ numbers, fromWeek: prev, toWeek: week }),
      this.cdrTotals({ numbers, fromWeek: week, toWeek: week }).then((totals) =>
        this.ch.query<NumberCdrWeekCounts>(numberCdrWeekCountsSql(this.db, { numbers, fromWeek: week, toWeek: week }, totals)),
      ),
    ]);
    const reportsOf = (number: string, w: string): NumberReportWeek | undefined => reportWeeks.find((r) => r.number === number && r.week === w);
    const cdrs = new Map(cdrWeeks.map((c) => [c.number, c]));
    return numbers.map((number) => {
      const now = reportsOf(number, week);
      const before = reportsOf(number, prev);
      const reports = now?.reports ?? 0;
      const previous = before?.reports ?? 0;
      const c = cdrs.get(number);
      return {
        number,
        reports,
        reporters: now?.reporters ?? 0,
        reported_calls: now?.reported_calls ?? 0,
        previous_reports: previous,
        growth: reports - previous,
        cdr_calls: c?.calls ?? 0,
        callees: c?.callees ?? 0,
        answered_share: c && c.calls > 0 ? c.answered_share : null,
      };
    });
  }

  /**
   * A page of the week's callers by CDR calls (ties by number), ranked exactly on the callers whose
   * upper bound (topCallerBoundsSql) could reach the page: when the page's last caller has more calls
   * than the next bound, no other caller can rank before it. Widens the candidates until that holds,
   * or ranks every caller (topCallersSql) past MAX_BOUNDED_CANDIDATES.
   */
  private async topCallers(week: string, page: Page): Promise<{ number: string }[]> {
    const need = page.offset + page.limit;
    for (let k = Math.max(2 * need, 100); k <= MAX_BOUNDED_CANDIDATES; k *= 4) {
      const bounds = await this.ch.query<{ caller_hash: string; bound: number }>(`${topCallerBoundsSql(this.db, week)}\n${limitSql({ offset: 0, limit: k + 1 }).text}`);
      const candidates = bounds.slice(0, k).map((b) => b.caller_hash);
      const next = bounds.length > k ? (bounds[k]?.bound ?? 0) : 0;
      const calls = candidates.length === 0 ? [] : await this.ch.query<{ number: string; cdr_calls: number }>(topCallersSql(this.db, week, candidates));
      const last = calls[need - 1];
      if (bounds.length <= k || (last !== undefined && last.cdr_calls > next)) return calls.slice(page.offset, need);
    }
    return this.ch.query<{ number: string }>(`${topCallersSql(this.db, week)}\n${limitSql(page).text}`);
  }

  countTopNumbers(week: string, by: TopOrder): Promise<number> {
    return this.count(by === 'growth' ? topNumbersByReportsSql(this.db, week, by) : weekNumbersSql(this.db, week, by === 'cdr_calls' ? 'cdrs' : 'reports'));
  }

  newNumbers(week: string, page: Page): Promise<NewNumberRow[]> {
    return this.ch.query<NewNumberRow>(`${newNumbersSql(this.db, week)}\n${limitSql(page).text}`);
  }

  countNewNumbers(week: string): Promise<number> {
    return this.count(newNumbersSql(this.db, week));
  }

  numbersByPrefix(prefix: string, f: WeekFilter, page: Page): Promise<PrefixNumberRow[]> {
    return this.ch.query<PrefixNumberRow>(`${numbersByPrefixSql(this.db, prefix, f)}\n${limitSql(page).text}`);
  }

  countNumbersByPrefix(prefix: string, f: WeekFilter): Promise<number> {
    return this.count(numbersByPrefixSql(this.db, prefix, f));
  }

  // Spike verdicts ------------------------------------------------------------------------------

  async spikes(f: SpikeFilter, page?: Page): Promise<SpikeRow[]> {
    return (await this.ch.query<RawSpikeRow>(spikesSql(this.db, f, page))).map(spikeRow);
  }

  countSpikes(f: SpikeFilter): Promise<number> {
    return this.count(spikesSql(this.db, f));
  }

  // Pipeline bookkeeping ------------------------------------------------------------------------

  /** Distinct CDRs stored whose cdr_id starts with one of `idPrefixes`, set up in `fromWeek` or later. */
  async storedCdrsWithIdPrefix(idPrefixes: readonly string[], fromWeek: string): Promise<number> {
    if (idPrefixes.length === 0) return 0;
    const match = idPrefixes.map((p) => sql`substring(cdr_id, 1, ${Buffer.byteLength(p)}) = ${p}`).join(' OR ');
    const rows = await this.ch.query<{ n: number }>(
      sql`SELECT uniqExact(platform, cdr_id) AS n FROM ${tableSql(this.db, 'cdrRecords')} WHERE ${weekBounds('week_start', { fromWeek })} AND (${raw(match)})`,
    );
    return rows[0]?.n ?? 0;
  }

  /** How many of `reportIds` are stored. */
  async storedReports(reportIds: readonly string[]): Promise<number> {
    let n = 0;
    for (let i = 0; i < reportIds.length; i += 5_000) {
      const rows = await this.ch.query<{ n: number }>(
        sql`SELECT uniqExact(report_id) AS n FROM ${tableSql(this.db, 'reportCallRecords')} WHERE report_id IN (${raw(reportIds.slice(i, i + 5_000).map((id) => sql`${id}`).join(', '))})`,
      );
      n += rows[0]?.n ?? 0;
    }
    return n;
  }
}
