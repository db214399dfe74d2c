import { createHash } from 'node:crypto';
import type { CallType, CdrRecord, Disposition, NuisanceReportRecord, ReportChannel } from '../../core/records.ts';
import { Rng } from '../../core/rng.ts';
import { SUBJECT_CODES } from '../../ingest/reports/subjects.ts';
import { DEFAULT_TRAFFIC, type CallKind } from '../load/traffic.ts';
import { DEFAULT_PLAN } from '../../scripts/demo/report-traffic.ts';
import { scaleNumber, type ScalePopulation } from './population.ts';

// A year of CDRs and nuisance reports as the collectors hand them to Kafka (canonical numbers,
// epoch-ms times, pseudonymous reporters), in event-time order, for the scale benchmark. The shapes
// are the demo's: bench/load/traffic.ts (call mix, dispositions, durations, queues) and
// scripts/demo/report-traffic.ts (channels, calls per report, call types, subjects); the population
// is ./population.ts. Deterministic for a seed. Times are stratified over the span (record i falls
// in the i-th slice of it, at a random point), so there are exactly N records, in order, all in the
// span.

const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

const WITHHELD_SPELLINGS = ['Anonymous', 'anonymous', 'withheld', 'Private', '<unknown>'];
const REPORT_CALL_TYPES: readonly CallType[] = ['LIVE_CALL', 'RECORDED_MESSAGE', 'SILENT', 'ABANDONED', 'TEXT_MESSAGE'];
const ORGANISATIONS = ['Home Energy Advice', 'Claims Direct Line', 'Your Bank Security', 'National Survey Centre', 'PPI Refund Team', null];

interface Span {
  startMs: number;
  weeks: number;
}

/** How the platform wrote a canonical number (the collector keeps it as *_raw). */
function rawOf(rng: Rng, e164: string): string {
  return rng.chance(0.2) ? e164.slice(1) : e164;
}

export class ScaleCdrs {
  private readonly rng: Rng;
  private readonly robocallWeights: readonly (readonly [number, number])[];
  private readonly mix: readonly (readonly [CallKind, number])[];

  constructor(
    private readonly population: ScalePopulation,
    private readonly span: Span,
    readonly total: number,
    seed: number,
  ) {
    this.rng = new Rng(seed);
    this.robocallWeights = population.robocallers.map((r, i) => [i, r.weight] as const);
    const m = DEFAULT_TRAFFIC.mix;
    this.mix = [
      ['personal', m.personal],
      ['robocall', m.robocall],
      ['contactCentre', m.contactCentre],
    ];
  }

  /** Records `from` (inclusive) to `to` (exclusive) of the year, in order (a shard; see dataset.ts). */
  *records(from = 0, to = this.total): Generator<CdrRecord> {
    const spanMs = this.span.weeks * WEEK_MS;
    for (let seq = from; seq < to; seq++) {
      const setup = this.span.startMs + Math.floor(((seq + this.rng.next()) / this.total) * spanMs);
      const kind = this.rng.weighted(this.mix);
      const c = kind === 'personal' ? this.personal(setup) : kind === 'robocall' ? this.robocall(setup) : this.contactCentre(setup);
      c.cdr_id = `c${seq.toString(36).padStart(8, '0')}`;
      c.received_at = c.end_time + this.rng.between(1_000, 30_000);
      yield c;
    }
  }

  private subscriber(): string {
    return scaleNumber('subscriber', this.rng.skewed(this.population.subscribers));
  }

  private base(setup: number): CdrRecord {
    return {
      cdr_id: '',
      platform: 'scale-sbc',
      setup_time: setup,
      answer_time: null,
      end_time: setup,
      caller: '',
      caller_raw: '',
      callee: '',
      callee_raw: '',
      direction: 'INBOUND',
      disposition: 'NO_ANSWER',
      duration_ms: 0,
      billable_ms: 0,
      queue: null,
      queue_wait_ms: null,
      agent: null,
      channel: 'VOICE',
      hangup_cause: null,
      received_at: setup,
    };
  }

  private setTimes(c: CdrRecord, answer: number | null, end: number): void {
    c.answer_time = answer;
    c.end_time = end;
    c.duration_ms = end - c.setup_time;
    c.billable_ms = answer === null ? 0 : end - answer;
  }

  private setCaller(c: CdrRecord, e164: string | null): void {
    if (e164 === null) {
      c.caller = 'WITHHELD';
      c.caller_raw = this.rng.pick(WITHHELD_SPELLINGS);
    } else {
      c.caller = e164;
      c.caller_raw = rawOf(this.rng, e164);
    }
  }

  private setCallee(c: CdrRecord, e164: string): void {
    c.callee = e164;
    c.callee_raw = rawOf(this.rng, e164);
  }

  private personal(setup: number): CdrRecord {
    const rng = this.rng;
    const c = this.base(setup);
    const ring = Math.round(rng.exponential(7_000)) + 500;
    const disposition = rng.weighted<Disposition>([
      ['ANSWERED', 0.68],
      ['NO_ANSWER', 0.16],
      ['BUSY', 0.05],
      ['CANCELLED', 0.06],
      ['FAILED', 0.04],
      ['CONGESTION', 0.01],
    ]);
    c.disposition = disposition;
    switch (disposition) {
      case 'ANSWERED':
        this.setTimes(c, setup + ring, setup + ring + Math.round(rng.logNormal(95_000, 1.1)));
        c.hangup_cause = 16;
        break;
      case 'NO_ANSWER':
        this.setTimes(c, null, setup + rng.between(20_000, 35_000));
        c.hangup_cause = 19;
        break;
      case 'BUSY':
        this.setTimes(c, null, setup + rng.between(500, 3_000));
        c.hangup_cause = 17;
        break;
      case 'CANCELLED':
        this.setTimes(c, null, setup + Math.min(ring, 20_000));
        c.hangup_cause = 31;
        break;
      default:
        this.setTimes(c, null, setup + rng.between(100, 4_000));
        c.hangup_cause = disposition === 'CONGESTION' ? 34 : 41;
    }
    this.setCaller(c, rng.chance(0.03) ? null : this.subscriber());
    this.setCallee(c, this.subscriber());
    c.direction = rng.chance(0.5) ? 'OUTBOUND' : 'INBOUND';
    return c;
  }

  private robocall(setup: number): CdrRecord {
    const rng = this.rng;
    const robocaller = this.population.robocallers[rng.weighted(this.robocallWeights)];
    if (!robocaller) throw new Error('no robocallers in the population');
    const c = this.base(setup);
    if (rng.chance(robocaller.answerRate)) {
      const ring = rng.between(2_000, 12_000);
      this.setTimes(c, setup + ring, setup + ring + rng.between(800, 9_000));
      c.disposition = 'ANSWERED';
      c.hangup_cause = 16;
    } else if (rng.chance(0.7)) {
      this.setTimes(c, null, setup + rng.between(4_000, 15_000));
      c.disposition = 'CANCELLED';
      c.hangup_cause = 31;
    } else {
      this.setTimes(c, null, setup + rng.between(15_000, 30_000));
      c.disposition = rng.chance(0.9) ? 'NO_ANSWER' : 'BUSY';
      c.hangup_cause = c.disposition === 'BUSY' ? 17 : 19;
    }
    this.setCaller(c, robocaller.number);
    this.setCallee(c, this.subscriber());
    return c;
  }

  private contactCentre(setup: number): CdrRecord {
    const rng = this.rng;
    const queue = rng.pick(this.population.queues);
    const c = this.base(setup);
    c.platform = 'scale-contact-centre';
    const ivr = rng.between(5_000, 25_000);
    const wait = Math.round(rng.exponential(queue.meanWaitMs));
    const patience = Math.round(rng.exponential(queue.meanPatienceMs));
    const webchat = rng.chance(0.15);
    this.setCaller(c, webchat ? null : this.subscriber());
    this.setCallee(c, `+44${queue.line.nsn}`);
    c.queue = queue.name;
    c.channel = webchat ? 'WEBCHAT' : 'VOICE';
    c.hangup_cause = 16;
    if (patience < wait) {
      this.setTimes(c, null, setup + ivr + patience);
      c.disposition = 'ABANDONED';
      c.queue_wait_ms = patience;
    } else {
      const answer = setup + ivr + wait;
      this.setTimes(c, answer, answer + Math.round(rng.logNormal(queue.medianHandleMs, 0.6)));
      c.disposition = 'ANSWERED';
      c.queue_wait_ms = wait;
      c.agent = rng.pick(queue.agents);
    }
    return c;
  }
}

const hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A UUID-shaped report id (ingest/reports/report-id.ts makes UUIDs), deterministic per sequence number. */
function reportId(seed: number, seq: string): string {
  const h = createHash('md5').update(`${seed}:${seq}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * Reports whose calls add up to exactly `totalCalls` reported calls: 1 call (75%), 2 or 3, as the demo;
 * numbers from the nuisance pool (skewed), the robocallers (by their weight), subscribers, or withheld.
 */
export class ScaleReports {
  private readonly rng: Rng;
  private readonly channels: readonly (readonly [ReportChannel, number])[];
  private readonly robocallWeights: readonly (readonly [number, number])[];
  private readonly reporters: number;

  constructor(
    private readonly population: ScalePopulation,
    private readonly span: Span,
    readonly totalCalls: number,
    private readonly seed: number,
  ) {
    this.rng = new Rng(seed);
    const p = DEFAULT_PLAN.perWeek;
    this.channels = [
      ['HELPLINE', p.HELPLINE],
      ['API', p.API],
      ['LIVE_CHAT', p.LIVE_CHAT],
      ['WEB', p.WEB],
    ];
    this.robocallWeights = population.robocallers.flatMap((r, i) => (r.number === null ? [] : [[i, r.weight] as const]));
    // About one report per reporter, as in the demo (40,000 reporters for ~28,000 reports).
    this.reporters = Math.max(1_000, Math.round(totalCalls / 1.3));
  }

  /** Reports whose calls are reported calls `from` (inclusive) to `to` (exclusive) of the year (a shard; see dataset.ts). */
  *records(from = 0, to = this.totalCalls): Generator<NuisanceReportRecord> {
    const rng = this.rng;
    const spanMs = this.span.weeks * WEEK_MS;
    let calls = from;
    for (let seq = 0; calls < to; seq++) {
      const robocall = rng.chance(0.12);
      const wanted = robocall ? 1 : rng.chance(0.75) ? 1 : rng.chance(0.7) ? 2 : 3;
      const n = Math.min(wanted, to - calls);
      // The report's latest call is at the stratified point; earlier calls up to three days before.
      const latest = this.span.startMs + Math.floor(((calls + rng.next()) / this.totalCalls) * spanMs);
      const robocaller = robocall ? this.population.robocallers[rng.weighted(this.robocallWeights)] : undefined;
      const list: NuisanceReportRecord['calls'] = [];
      for (let i = 0; i < n; i++) {
        const callTime = i === 0 ? latest : Math.max(this.span.startMs, latest - rng.int(3 * DAY_MS));
        const number = robocaller?.number ?? this.reportedNumber();
        list.push({
          number,
          number_raw: number === 'WITHHELD' ? 'Number withheld' : rawOf(rng, number),
          call_time: callTime,
          call_type: robocaller ? 'RECORDED_MESSAGE' : rng.pick(REPORT_CALL_TYPES),
          organisation: rng.pick(ORGANISATIONS),
          subject: rng.pick(SUBJECT_CODES),
          description: rng.chance(0.3) ? 'Called twice, would not say where they got my number.' : null,
        });
      }
      calls += n;
      const submitted = latest + Math.round(rng.exponential(6 * 3_600_000));
      const reporter = rng.int(this.reporters);
      yield {
        report_id: reportId(this.seed, `${from}:${seq}`),
        submitted_at: submitted,
        channel: rng.weighted(this.channels),
        reporter_id: hex(`reporter:${reporter}`),
        reporter_number: rng.chance(0.6) ? hex(`reporter-number:${reporter}`) : null,
        calls: list,
        received_at: submitted + rng.between(50, 2_000),
      };
    }
  }

  private reportedNumber(): string {
    const rng = this.rng;
    if (rng.chance(0.04)) return 'WITHHELD';
    if (rng.chance(0.08)) return scaleNumber('subscriber', rng.skewed(this.population.subscribers));
    return scaleNumber('nuisance', rng.skewed(this.population.nuisanceNumbers));
  }
}
