import { createHash } from 'node:crypto';
import type { CdrRecord, NuisanceReportRecord, ReportedCallRecord } from '../../core/records.ts';
import { Rng } from '../../core/rng.ts';
import { WeekCalendar } from '../../core/weeks.ts';

// The one deterministic (seeded) record generator for tests, benchmarks and the demo: CDRs,
// nuisance reports, a stream shaped like the regulator's weekly figures, and the expected ("truth")
// weekly counts computed independently of ClickHouse.

const DAY_MS = 86_400_000;
const pseudonym = (label: string): string => createHash('sha256').update(label).digest('hex');

/** A UK-looking E.164 number for index i. */
export const numberFor = (i: number): string => `+447700${String(i % 1_000_000).padStart(6, '0')}`;

/** Skewed choice in [0, n): most picks land on few indexes (a few heavy nuisance numbers). */
function skewed(rng: Rng, n: number): number {
  return Math.min(n - 1, Math.floor(n * rng.next() ** 3));
}

export interface CdrOptions {
  seed: number;
  count: number;
  /** Event times are spread uniformly over [fromMs, toMs). */
  fromMs: number;
  toMs: number;
  platforms?: readonly string[];
  callers?: number;
  /** Prefix of cdr_id, to keep runs apart. */
  idPrefix?: string;
}

const DISPOSITIONS_UNANSWERED = ['NO_ANSWER', 'BUSY', 'FAILED', 'CANCELLED', 'ABANDONED'] as const;

export function generateCdrs(o: CdrOptions): CdrRecord[] {
  const rng = new Rng(o.seed);
  const platforms = o.platforms ?? ['asterisk-east', 'freeswitch-west'];
  const callers = o.callers ?? 2000;
  const out: CdrRecord[] = [];
  for (let i = 0; i < o.count; i++) {
    const setup = o.fromMs + Math.floor(rng.next() * (o.toMs - o.fromMs - 3_600_000));
    const queued = rng.chance(0.4);
    const answered = rng.chance(queued ? 0.75 : 0.45);
    const wait = queued ? rng.range(0, 120_000) : null;
    const ring = wait ?? rng.range(1000, 30_000);
    const billable = answered ? (rng.chance(0.3) ? rng.range(0, 6_000) : rng.range(6_000, 900_000)) : 0;
    const answer = answered ? setup + ring : null;
    const end = setup + ring + billable;
    const caller = numberFor(skewed(rng, callers));
    const callee = rng.chance(0.03) ? 'WITHHELD' : numberFor(100_000 + rng.range(0, 5000));
    out.push({
      cdr_id: `${o.idPrefix ?? 'c'}${o.seed}-${i}`,
      platform: rng.pick(platforms),
      setup_time: setup,
      answer_time: answer,
      end_time: end,
      caller,
      caller_raw: caller.replace('+44', '0'),
      callee,
      callee_raw: callee,
      direction: queued ? 'INBOUND' : 'OUTBOUND',
      disposition: answered ? 'ANSWERED' : rng.pick(DISPOSITIONS_UNANSWERED),
      duration_ms: end - setup,
      billable_ms: billable,
      queue: queued ? rng.pick(['billing', 'support', 'complaints']) : null,
      queue_wait_ms: wait,
      agent: answered && queued ? `agent-${rng.range(1, 40)}` : null,
      channel: queued && rng.chance(0.3) ? 'WEBCHAT' : 'VOICE',
      hangup_cause: answered ? 16 : rng.pick([16, 17, 19, 21, 34]),
      received_at: end + rng.range(100, 60_000),
    });
  }
  return out;
}

export interface ReportOptions {
  seed: number;
  count: number;
  fromMs: number;
  toMs: number;
  channels?: readonly NuisanceReportRecord['channel'][];
  numbers?: number;
  reporters?: number;
  idPrefix?: string;
}

/** Calls happen between one minute and `maxLagMs` before the report is submitted. */
function reportedCalls(rng: Rng, submitted: number, numbers: number, maxLagMs: number): ReportedCallRecord[] {
  const calls: ReportedCallRecord[] = [];
  const n = rng.chance(0.8) ? 1 : rng.range(2, 5);
  for (let j = 0; j < n; j++) {
    const r = rng.next();
    const number = r < 0.05 ? 'WITHHELD' : r < 0.07 ? 'INVALID' : numberFor(skewed(rng, numbers));
    calls.push({
      number,
      number_raw: number === 'INVALID' ? '12' : number,
      call_time: submitted - rng.range(60_000, maxLagMs),
      call_type: rng.pick(['LIVE_CALL', 'RECORDED_MESSAGE', 'SILENT', 'ABANDONED', 'TEXT_MESSAGE'] as const),
      organisation: rng.chance(0.5) ? rng.pick(['Energy Savers Ltd', 'PPI Claims', 'Your Bank']) : null,
      subject: rng.chance(0.7) ? rng.pick(['PPI', 'accident claims', 'energy', 'debt']) : null,
      description: rng.chance(0.3) ? 'Called several times and hung up.' : null,
    });
  }
  return calls;
}

export function generateReports(o: ReportOptions): NuisanceReportRecord[] {
  const rng = new Rng(o.seed);
  const channels = o.channels ?? ['WEB', 'HELPLINE', 'LIVE_CHAT', 'API'];
  const out: NuisanceReportRecord[] = [];
  for (let i = 0; i < o.count; i++) {
    const submitted = o.fromMs + Math.floor(rng.next() * (o.toMs - o.fromMs));
    // Calls happen up to two weeks before the report (late records cross weeks on purpose).
    out.push(reportAt(rng, `${o.idPrefix ?? 'r'}${o.seed}-${i}`, submitted, rng.pick(channels), o.numbers ?? 3000, o.reporters ?? 20_000, 14 * DAY_MS));
  }
  return out;
}

function reportAt(rng: Rng, id: string, submitted: number, channel: NuisanceReportRecord['channel'], numbers: number, reporters: number, maxCallLagMs: number): NuisanceReportRecord {
  return {
    report_id: id,
    submitted_at: submitted,
    channel,
    reporter_id: pseudonym(`reporter-${rng.range(0, reporters)}`),
    reporter_number: rng.chance(0.6) ? pseudonym(`reporter-number-${rng.range(0, reporters)}`) : null,
    calls: reportedCalls(rng, submitted, numbers, maxCallLagMs),
    received_at: submitted + rng.range(50, 5_000),
  };
}

export interface IcoShapeOptions {
  seed: number;
  /** Monday (UTC date) of the first week; weeks are whole London weeks. */
  firstWeek: string;
  weeks: number;
  /** When the WEB channel launches (the regulator's online tool: 17 May 2016). */
  webLaunch: string;
  /** Reports a week before the launch, over the older channels (the regulator: about 2,350). */
  before: number;
  /** Reports a week once WEB runs (the regulator: about 4,300). */
  after: number;
}

/**
 * The regulator counts reports received per week; the weekly series count by the week of the
 * reported call. People report promptly here: every call is at most two hours before its report,
 * and submissions start at 02:00Z, so calls share the London day (hence the week) of their report
 * and the call-week series has the regulator's shape. Reports crossing weeks are generateReports'.
 */
const ICO_MAX_CALL_LAG_MS = 2 * 3_600_000;

/**
 * Reports shaped like the regulator's Q1 2016 report: `before` a week over HELPLINE, LIVE_CHAT and
 * EMAIL; once WEB launches, WEB adds the difference. Weekly totals vary by ±3% around the level.
 */
export function icoShapedReports(o: IcoShapeOptions): NuisanceReportRecord[] {
  const rng = new Rng(o.seed);
  const launch = Date.parse(`${o.webLaunch}T00:00:00Z`);
  // A London Monday 00:00 is 00:00Z in winter, 23:00Z the day before in summer; use midday offsets
  // inside each day so every submission sits well inside its London week.
  const first = Date.parse(`${o.firstWeek}T00:00:00Z`);
  const out: NuisanceReportRecord[] = [];
  let n = 0;
  for (let w = 0; w < o.weeks; w++) {
    for (let d = 0; d < 7; d++) {
      const dayStart = first + (w * 7 + d) * DAY_MS;
      const webOn = dayStart >= launch;
      const jitter = 1 + (rng.next() - 0.5) * 0.06;
      const old = Math.round((o.before / 7) * jitter);
      const web = webOn ? Math.round(((o.after - o.before) / 7) * jitter) : 0;
      for (let k = 0; k < old + web; k++) {
        const submitted = dayStart + 2 * 3_600_000 + rng.range(0, 20 * 3_600_000);
        const channel = k < web ? 'WEB' : rng.pick(['HELPLINE', 'HELPLINE', 'LIVE_CHAT', 'EMAIL'] as const);
        out.push(reportAt(rng, `ico${o.seed}-${n++}`, submitted, channel, 4000, 30_000, ICO_MAX_CALL_LAG_MS));
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Truth: what the weekly aggregates must say, computed here in plain TypeScript.

export interface ChannelWeekTruth {
  week: string;
  channel: string;
  reports: number;
  numbers: number;
  reported_calls: number;
}

export type OverallWeekTruth = Omit<ChannelWeekTruth, 'channel'>;

/**
 * Per reporting channel and week of the reported call (event time, DESIGN §4): a report counts once
 * in each week in which one of its calls happened; numbers are distinct E.164 (no WITHHELD/INVALID).
 */
export function channelWeekTruth(reports: readonly NuisanceReportRecord[], timeZone = 'Europe/London'): ChannelWeekTruth[] {
  return callWeekTruth(reports, (r) => r.channel, timeZone)
    .map((g) => ({ week: g.week, channel: g.group, reports: g.reports, numbers: g.numbers, reported_calls: g.reported_calls }))
    .sort((a, b) => (a.week + a.channel < b.week + b.channel ? -1 : 1));
}

/** All channels together per week of the reported call; same counting rules as channelWeekTruth. */
export function overallWeekTruth(reports: readonly NuisanceReportRecord[], timeZone = 'Europe/London'): OverallWeekTruth[] {
  return callWeekTruth(reports, () => '', timeZone)
    .map((g) => ({ week: g.week, reports: g.reports, numbers: g.numbers, reported_calls: g.reported_calls }))
    .sort((a, b) => (a.week < b.week ? -1 : 1));
}

function callWeekTruth(reports: readonly NuisanceReportRecord[], groupOf: (r: NuisanceReportRecord) => string, timeZone: string): { week: string; group: string; reports: number; numbers: number; reported_calls: number }[] {
  const cal = new WeekCalendar(timeZone);
  const groups = new Map<string, { week: string; group: string; reports: Set<string>; numbers: Set<string>; calls: number }>();
  for (const r of reports) {
    const group = groupOf(r);
    for (const c of r.calls) {
      const week = cal.locate(c.call_time).weekStart;
      const k = `${week}|${group}`;
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { week, group, reports: new Set(), numbers: new Set(), calls: 0 }));
      g.reports.add(r.report_id);
      g.calls += 1;
      if (c.number !== 'WITHHELD' && c.number !== 'INVALID') g.numbers.add(c.number);
    }
  }
  return [...groups.values()].map((g) => ({ week: g.week, group: g.group, reports: g.reports.size, numbers: g.numbers.size, reported_calls: g.calls }));
}

export interface NumberReportTruth {
  number: string;
  week: string;
  reports: number;
  reporters: number;
  reported_calls: number;
}

export function numberReportTruth(reports: readonly NuisanceReportRecord[], timeZone = 'Europe/London'): NumberReportTruth[] {
  const cal = new WeekCalendar(timeZone);
  const groups = new Map<string, { number: string; week: string; reports: Set<string>; reporters: Set<string>; calls: number }>();
  for (const r of reports) {
    for (const c of r.calls) {
      const week = cal.locate(c.call_time).weekStart;
      const k = `${c.number}|${week}`;
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { number: c.number, week, reports: new Set(), reporters: new Set(), calls: 0 }));
      g.reports.add(r.report_id);
      g.reporters.add(r.reporter_id);
      g.calls += 1;
    }
  }
  return [...groups.values()]
    .map((g) => ({ number: g.number, week: g.week, reports: g.reports.size, reporters: g.reporters.size, reported_calls: g.calls }))
    .sort((a, b) => (a.number + a.week < b.number + b.week ? -1 : 1));
}

export interface NumberCdrTruth {
  number: string;
  week: string;
  calls: number;
  callees: number;
  answered_calls: number;
  short_calls: number;
}

export function numberCdrTruth(cdrs: readonly CdrRecord[], shortCallSeconds = 6, timeZone = 'Europe/London'): NumberCdrTruth[] {
  const cal = new WeekCalendar(timeZone);
  const groups = new Map<string, { number: string; week: string; calls: number; callees: Set<string>; answered: number; short: number }>();
  for (const c of cdrs) {
    const week = cal.locate(c.setup_time).weekStart;
    const k = `${c.caller}|${week}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { number: c.caller, week, calls: 0, callees: new Set(), answered: 0, short: 0 }));
    g.calls += 1;
    g.callees.add(c.callee);
    if (c.disposition === 'ANSWERED') g.answered += 1;
    if (c.billable_ms < shortCallSeconds * 1000) g.short += 1;
  }
  return [...groups.values()]
    .map((g) => ({ number: g.number, week: g.week, calls: g.calls, callees: g.callees.size, answered_calls: g.answered, short_calls: g.short }))
    .sort((a, b) => (a.number + a.week < b.number + b.week ? -1 : 1));
}
