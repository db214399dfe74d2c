import type { ReadModel } from '../../core/read-model/index.ts';
import { printTable } from './print.ts';

export interface SummaryInput {
  read: ReadModel;
  apiUrl: string;
  investigatorKey: string;
  /** Mondays, inclusive. */
  fromWeek: string;
  toWeek: string;
}

const CHANNELS = ['HELPLINE', 'API', 'LIVE_CHAT', 'WEB'] as const;
const pct = (x: number | null | undefined) => (x === null || x === undefined ? null : `${(100 * x).toFixed(1)}%`);
const secs = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : `${(ms / 1000).toFixed(1)} s`);

export async function printSummary(s: SummaryInput): Promise<void> {
  const weeks = { fromWeek: s.fromWeek, toWeek: s.toWeek };

  console.log('\nWeekly nuisance reports by channel (distinct reports; week of the reported call)');
  const byChannel = await s.read.channelWeeks(weeks);
  const overall = await s.read.overallWeeks(weeks);
  printTable(
    ['week', ...CHANNELS, 'total', 'numbers'],
    overall.map((o) => [o.week, ...CHANNELS.map((c) => byChannel.find((r) => r.week === o.week && r.channel === c)?.reports ?? 0), o.reports, o.numbers]),
  );

  // Oldest week first; within a week the stream, then channels, then numbers, strongest first.
  const scopeRank: Record<string, number> = { overall: 1, channel: 2, number: 3 };
  const spikes = (await s.read.spikes(weeks))
    .sort((x, y) => x.week.localeCompare(y.week) || (scopeRank[x.scope] ?? 9) - (scopeRank[y.scope] ?? 9) || y.score - x.score)
    .map((r) => ({ w: r.week, sc: r.scope, k: r.key, kd: r.kind, obs: r.observed, exp: r.expected }));
  console.log('\nLevel shifts and spikes of channels and of the whole stream');
  const aggregateSpikes = spikes.filter((r) => r.sc !== 'number');
  if (aggregateSpikes.length === 0) console.log('  (none)');
  else printTable(['week', 'scope', 'key', 'verdict', 'observed', 'expected'], aggregateSpikes.map((r) => [r.w, r.sc, r.k || '(all)', r.kd, r.obs, r.exp]));
  console.log('\nNumber spikes (a number reported well above its own baseline)');
  const numberSpikes = spikes.filter((r) => r.sc === 'number');
  if (numberSpikes.length === 0) console.log('  (none)');
  else printTable(['week', 'number', 'reports', 'expected'], numberSpikes.slice(-15).map((r) => [r.w, r.k, r.obs, r.exp]));

  console.log(`\nTop reported numbers, week of ${s.toWeek}`);
  const lastWeek = await s.read.numberReportWeeks({ fromWeek: s.toWeek, toWeek: s.toWeek });
  const top = lastWeek.filter((r) => r.number.startsWith('+')).sort((a, b) => b.reports - a.reports || a.number.localeCompare(b.number)).slice(0, 8);
  const cdr = await s.read.numberCdrWeeks({ fromWeek: s.toWeek, toWeek: s.toWeek, numbers: top.map((t) => t.number) });
  printTable(
    ['number', 'reports', 'reporters', 'CDR calls', 'answered', 'short calls', 'callees'],
    top.map((t) => {
      const c = cdr.find((r) => r.number === t.number);
      return [t.number, t.reports, t.reporters, c?.calls ?? 0, pct(c?.answered_share), pct(c?.short_share), c?.callees ?? 0];
    }),
  );

  console.log('\nRobocaller signature in the CDRs (busiest callers of the last week: many short, unanswered calls)');
  const callers = (await s.read.numberCdrWeeks({ fromWeek: s.toWeek, toWeek: s.toWeek })).sort((a, b) => b.calls - a.calls).slice(0, 6);
  printTable(
    ['caller', 'calls', 'callees', 'answered', 'short calls', 'busiest hour (of week)'],
    callers.map((c) => [c.number, c.calls, c.callees, pct(c.answered_share), pct(c.short_share), c.busiest_hour]),
  );

  console.log(`\nContact-centre KPIs, week of ${s.toWeek} (service level: answered within the configured threshold)`);
  const kpis = await s.read.kpiWeeks({ fromWeek: s.toWeek, toWeek: s.toWeek });
  printTable(
    ['channel', 'queue', 'offered', 'answered', 'abandoned', 'ASA', 'AHT', 'service level', 'longest wait'],
    kpis.map((k) => [k.channel, k.queue, k.offered, k.answered, k.abandoned, secs(k.asa_ms), secs(k.aht_ms), pct(k.service_level), secs(k.longest_wait_ms)]),
  );
}
