import type { Clickhouse } from '../../core/clickhouse/client.ts';
import { ident, sql } from '../../core/clickhouse/escape.ts';
import type { WeeklyAggregates } from '../../processors/aggregates/weekly.ts';
import { printTable } from './print.ts';

export interface SummaryInput {
  ch: Clickhouse;
  aggregates: WeeklyAggregates;
  apiUrl: string;
  investigatorKey: string;
  /** Mondays, inclusive. */
  fromWeek: string;
  toWeek: string;
}

interface SpikeRow {
  w: string;
  sc: string;
  k: string;
  kd: string;
  obs: number;
  exp: number;
}

const CHANNELS = ['HELPLINE', 'API', 'LIVE_CHAT', 'WEB'] as const;
const pct = (x: number | null | undefined) => (x === null || x === undefined ? null : `${(100 * x).toFixed(1)}%`);
const secs = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : `${(ms / 1000).toFixed(1)} s`);

export async function printSummary(s: SummaryInput): Promise<void> {
  const weeks = { fromWeek: s.fromWeek, toWeek: s.toWeek };

  console.log('\nWeekly nuisance reports by channel (distinct reports; week of the reported call)');
  const byChannel = await s.aggregates.channelWeeks(weeks);
  const overall = await s.aggregates.overallWeeks(weeks);
  printTable(
    ['week', ...CHANNELS, 'total', 'numbers'],
    overall.map((o) => [o.week, ...CHANNELS.map((c) => byChannel.find((r) => r.week === o.week && r.channel === c)?.reports ?? 0), o.reports, o.numbers]),
  );

  const spikes = await s.ch.query<SpikeRow>(
    // Aliases differ from the column names: ClickHouse 18.16 would resolve `week` in WHERE to the alias.
    sql`SELECT toString(week) AS w, toString(scope) AS sc, key AS k, toString(kind) AS kd, observed AS obs, expected AS exp
FROM ${ident(s.ch.database)}.spikes WHERE week >= toDate(${s.fromWeek}) AND week <= toDate(${s.toWeek})
ORDER BY week, scope, score DESC`,
  );
  console.log('\nLevel shifts and spikes of channels and of the whole stream');
  const aggregateSpikes = spikes.filter((r) => r.sc !== 'number');
  if (aggregateSpikes.length === 0) console.log('  (none)');
  else printTable(['week', 'scope', 'key', 'verdict', 'observed', 'expected'], aggregateSpikes.map((r) => [r.w, r.sc, r.k || '(all)', r.kd, r.obs, r.exp]));
  console.log('\nNumber spikes (a number reported well above its own baseline)');
  const numberSpikes = spikes.filter((r) => r.sc === 'number');
  if (numberSpikes.length === 0) console.log('  (none)');
  else printTable(['week', 'number', 'reports', 'expected'], numberSpikes.slice(-15).map((r) => [r.w, r.k, r.obs, r.exp]));

  console.log(`\nTop reported numbers, week of ${s.toWeek}`);
  const lastWeek = await s.aggregates.numberReportWeeks({ fromWeek: s.toWeek, toWeek: s.toWeek });
  const top = lastWeek.filter((r) => r.number.startsWith('+')).sort((a, b) => b.reports - a.reports || a.number.localeCompare(b.number)).slice(0, 8);
  const cdr = await s.aggregates.numberCdrWeeks({ fromWeek: s.toWeek, toWeek: s.toWeek, numbers: top.map((t) => t.number) });
  printTable(
    ['number', 'reports', 'reporters', 'CDR calls', 'answered', 'short calls', 'callees'],
    top.map((t) => {
      const c = cdr.find((r) => r.number === t.number);
      return [t.number, t.reports, t.reporters, c?.calls ?? 0, pct(c?.answered_share), pct(c?.short_share), c?.callees ?? 0];
    }),
  );

  console.log('\nRobocaller signature in the CDRs (busiest callers of the last week: many short, unanswered calls)');
  const callers = (await s.aggregates.numberCdrWeeks({ fromWeek: s.toWeek, toWeek: s.toWeek })).sort((a, b) => b.calls - a.calls).slice(0, 6);
  printTable(
    ['caller', 'calls', 'callees', 'answered', 'short calls', 'busiest hour (of week)'],
    callers.map((c) => [c.number, c.calls, c.callees, pct(c.answered_share), pct(c.short_share), c.busiest_hour]),
  );

  console.log(`\nContact-centre KPIs, week of ${s.toWeek} (service level: answered within the configured threshold)`);
  const kpis = await s.aggregates.kpiWeeks({ fromWeek: s.toWeek, toWeek: s.toWeek });
  printTable(
    ['channel', 'queue', 'offered', 'answered', 'abandoned', 'ASA', 'AHT', 'service level', 'longest wait'],
    kpis.map((k) => [k.channel, k.queue, k.offered, k.answered, k.abandoned, secs(k.asa_ms), secs(k.aht_ms), pct(k.service_level), secs(k.longest_wait_ms)]),
  );
}
