import { Rng } from '../../core/rng.ts';
import { makePopulation, writeNumber, type Line, type NumberStyle } from '../../bench/load/population.ts';
import { SUBJECT_CODES } from '../../ingest/reports/subjects.ts';
import type { ReportInput } from '../../ingest/reports/validate-report.ts';

/**
 * Twelve weeks of nuisance-call reports shaped like the regulator's Q1 2016 report
 * (../shared/context/ico-customer-contact-report-q1-2016.txt): about 2,350 reports a week from the
 * helpline and partner apps, live chat starting a few weeks in, then a new web reporting tool that
 * lifts the weekly total to about 4,300. A few robocallers ramp up near the end. Deterministic for
 * a seed; numbers come from Ofcom's drama ranges, written the many ways people write them.
 */
export type DemoChannel = 'HELPLINE' | 'API' | 'LIVE_CHAT' | 'WEB';

export interface DemoReport {
  channel: DemoChannel;
  /** Stable per report, so that re-running the demo re-sends the same reports (deduplicated). */
  idempotencyKey: string;
  body: ReportInput;
}

export interface ReportPlan {
  weeks: number;
  /** First week of live chat, and of the new web tool (0-based). */
  liveChatFromWeek: number;
  webLaunchWeek: number;
  perWeek: Readonly<Record<DemoChannel, number>>;
  /** Robocallers: extra reports per week, by week index. */
  ramps: readonly (readonly number[])[];
}

export const DEFAULT_PLAN: ReportPlan = {
  weeks: 12,
  liveChatFromWeek: 3,
  webLaunchWeek: 8,
  perWeek: { HELPLINE: 1_430, API: 920, LIVE_CHAT: 75, WEB: 1_875 },
  ramps: [
    [0, 1, 0, 2, 1, 0, 1, 2, 1, 30, 85, 160],
    [1, 0, 0, 1, 0, 2, 0, 1, 0, 0, 70, 3],
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 12, 45],
  ],
};

const CALL_TYPES = ['LIVE_CALL', 'RECORDED_MESSAGE', 'SILENT', 'ABANDONED', 'TEXT_MESSAGE'] as const;
const ORGANISATIONS = ['Home Energy Advice', 'Claims Direct Line', 'Your Bank Security', 'National Survey Centre', 'PPI Refund Team', null];
const STYLES: readonly NumberStyle[] = ['e164', 'national-spaced', 'national', 'international-no-plus'];
const DAY_MS = 86_400_000;

export class ReportTraffic {
  private readonly rng: Rng;
  private readonly nuisance: readonly Line[];
  readonly robocallers: readonly Line[];

  /** `robocallers`: the lines whose reports ramp up (the CDR traffic's robocallers, so reports and CDRs agree). */
  constructor(
    readonly firstWeekStartMs: number,
    robocallers: readonly Line[],
    readonly seed = 20_160_517,
    readonly plan: ReportPlan = DEFAULT_PLAN,
  ) {
    this.rng = new Rng(seed);
    const population = makePopulation(this.rng, { subscribers: 5_000, robocallers: 0, queues: 0, agentsPerQueue: 0 });
    this.nuisance = population.subscribers;
    this.robocallers = robocallers.slice(0, plan.ramps.length);
  }

  /** Reports of one week, in submission order; `nowMs` bounds call and submission times. */
  week(w: number, nowMs: number): DemoReport[] {
    const out: DemoReport[] = [];
    const start = this.firstWeekStartMs + w * 7 * DAY_MS;
    const end = Math.min(start + 7 * DAY_MS, nowMs);
    const counts: [DemoChannel, number][] = [
      ['HELPLINE', this.plan.perWeek.HELPLINE],
      ['API', this.plan.perWeek.API],
      ['LIVE_CHAT', w >= this.plan.liveChatFromWeek ? this.plan.perWeek.LIVE_CHAT : 0],
      ['WEB', w >= this.plan.webLaunchWeek ? this.plan.perWeek.WEB : 0],
    ];
    for (const [channel, mean] of counts) {
      // Week-to-week noise of a few per cent, as in real series.
      const n = Math.round(mean * (1 + 0.04 * this.rng.normal()));
      for (let i = 0; i < n; i++) out.push(this.report(channel, `w${w}-${channel}-${i}`, start, end));
    }
    this.plan.ramps.forEach((ramp, r) => {
      const line = this.robocallers[r];
      for (let i = 0; i < (ramp[w] ?? 0) && line; i++) out.push(this.report(i % 3 === 0 ? 'HELPLINE' : 'API', `w${w}-robo${r}-${i}`, start, end, line));
    });
    return out;
  }

  private report(channel: DemoChannel, key: string, start: number, end: number, robocaller?: Line): DemoReport {
    const rng = this.rng;
    const callCount = robocaller ? 1 : rng.chance(0.75) ? 1 : rng.chance(0.7) ? 2 : 3;
    const calls = [];
    for (let c = 0; c < callCount; c++) {
      const line = robocaller ?? this.nuisance[rng.skewed(this.nuisance.length)];
      const withheld = !robocaller && rng.chance(0.04);
      calls.push({
        number: withheld || !line ? 'Number withheld' : writeNumber(line, rng.pick(STYLES)),
        call_time: Math.floor(start + rng.next() * (end - start)),
        call_type: robocaller ? 'RECORDED_MESSAGE' : rng.pick(CALL_TYPES),
        organisation: rng.pick(ORGANISATIONS),
        subject: rng.pick(SUBJECT_CODES),
        description: rng.chance(0.3) ? 'Called twice, would not say where they got my number.' : null,
      });
    }
    const reporter = rng.int(40_000);
    return {
      channel,
      idempotencyKey: `demo-${this.seed}-${this.firstWeekStartMs}-${key}`,
      body: {
        reporter: `reporter-${reporter}@example.org`,
        reporter_number: `07700 9${String(reporter % 100_000).padStart(5, '0')}`.slice(0, 12),
        calls,
      },
    };
  }
}
