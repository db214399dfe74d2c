import type { ContactChannel, Direction, Disposition } from '../../core/records.ts';
import { Rng } from '../../core/rng.ts';
import { makePopulation, writeNumber, type Line, type NumberStyle, type Population, type PopulationOptions } from './population.ts';

/**
 * One CDR in the collector's native JSON form (`POST /v1/cdrs`): field names as in
 * schemas/cdr.avsc; numbers as the platform wrote them (the collector canonicalises them); times as
 * epoch ms or ISO-8601. `platform`, `caller_raw`/`callee_raw` and `received_at` are the collector's.
 */
export interface NativeCdr {
  cdr_id: string;
  setup_time: number | string;
  answer_time: number | string | null;
  end_time: number | string;
  caller: string;
  callee: string;
  direction: Direction;
  disposition: Disposition;
  duration_ms: number;
  billable_ms: number;
  queue?: string;
  queue_wait_ms?: number;
  agent?: string;
  channel: Extract<ContactChannel, 'VOICE' | 'WEBCHAT'>;
  hangup_cause?: number;
}

export type CallKind = 'personal' | 'robocall' | 'contactCentre';

export interface TrafficOptions {
  seed: number;
  /** Event time of the first arrival window, epoch ms. */
  startMs: number;
  /** Mean arrival rate in event time (calls per second of simulated time). */
  callsPerSecond: number;
  /** Prefix of every cdr_id, so runs and platforms never collide. */
  idPrefix: string;
  population: PopulationOptions;
  mix: Readonly<Record<CallKind, number>>;
  numberStyles: readonly (readonly [NumberStyle, number])[];
  /** Share of records whose times are written as ISO-8601 instead of epoch ms. */
  isoTimeShare: number;
}

export const DEFAULT_TRAFFIC: TrafficOptions = {
  seed: 20_160_401,
  startMs: Date.UTC(2026, 0, 5, 8, 0, 0),
  callsPerSecond: 40,
  idPrefix: 'bench-',
  population: { subscribers: 15_000, robocallers: 6, queues: 6, agentsPerQueue: 12 },
  // Robocallers are a handful of lines but a quarter of the calls: the signature investigators look for.
  mix: { personal: 0.55, robocall: 0.25, contactCentre: 0.2 },
  numberStyles: [
    ['e164', 0.6],
    ['national-spaced', 0.2],
    ['national', 0.15],
    ['international-no-plus', 0.05],
  ],
  isoTimeShare: 0.1,
};

const WITHHELD_SPELLINGS = ['Anonymous', 'anonymous', 'withheld', 'Private', '<unknown>'];

interface CallTimes {
  setup: number;
  answer: number | null;
  end: number;
}

type CallBody = Omit<NativeCdr, 'cdr_id' | 'setup_time' | 'answer_time' | 'end_time' | 'duration_ms' | 'billable_ms'>;

/**
 * Realistic CDR traffic: Poisson arrivals in event time over a fixed population of subscribers,
 * a few high-volume robocallers making many short, mostly unanswered calls, and contact-centre
 * queues with waits, abandonments and agents. Deterministic for a given seed.
 */
export class CdrTraffic {
  readonly population: Population;
  private readonly rng: Rng;
  private readonly robocallWeights: readonly (readonly [number, number])[];
  private clock: number;
  private seq = 0;

  constructor(readonly options: TrafficOptions = DEFAULT_TRAFFIC) {
    this.rng = new Rng(options.seed);
    this.population = makePopulation(this.rng, options.population);
    this.robocallWeights = this.population.robocallers.map((r, i) => [i, r.weight] as const);
    this.clock = options.startMs;
  }

  /** Records generated so far. */
  get count(): number {
    return this.seq;
  }

  /** Event time of the latest arrival. */
  get now(): number {
    return this.clock;
  }

  next(): NativeCdr {
    // Poisson process: exponential gaps between arrivals.
    this.clock += this.rng.exponential(1000 / this.options.callsPerSecond);
    const kind = this.rng.weighted<CallKind>([
      ['personal', this.options.mix.personal],
      ['robocall', this.options.mix.robocall],
      ['contactCentre', this.options.mix.contactCentre],
    ]);
    const setup = Math.round(this.clock);
    const { times, body } = kind === 'personal' ? this.personal(setup) : kind === 'robocall' ? this.robocall(setup) : this.contactCentre(setup);
    const iso = this.rng.chance(this.options.isoTimeShare);
    const stamp = (t: number): number | string => (iso ? new Date(t).toISOString() : t);
    return {
      cdr_id: `${this.options.idPrefix}${(this.seq++).toString(36).padStart(7, '0')}`,
      setup_time: stamp(times.setup),
      answer_time: times.answer === null ? null : stamp(times.answer),
      end_time: stamp(times.end),
      duration_ms: times.end - times.setup,
      billable_ms: times.answer === null ? 0 : times.end - times.answer,
      ...body,
    };
  }

  batch(n: number): NativeCdr[] {
    const out: NativeCdr[] = [];
    for (let i = 0; i < n; i++) out.push(this.next());
    return out;
  }

  private number(line: Line): string {
    return writeNumber(line, this.rng.weighted(this.options.numberStyles));
  }

  private subscriber(): Line {
    const line = this.population.subscribers[this.rng.skewed(this.population.subscribers.length)];
    if (!line) throw new Error('empty subscriber population');
    return line;
  }

  /** Person to person: mostly answered, minutes long, some busy, unanswered or failed. */
  private personal(setup: number): { times: CallTimes; body: CallBody } {
    const ring = Math.round(this.rng.exponential(7_000)) + 500;
    const disposition = this.rng.weighted<NativeCdr['disposition']>([
      ['ANSWERED', 0.68],
      ['NO_ANSWER', 0.16],
      ['BUSY', 0.05],
      ['CANCELLED', 0.06],
      ['FAILED', 0.04],
      ['CONGESTION', 0.01],
    ]);
    let times: CallTimes;
    let cause: number;
    switch (disposition) {
      case 'ANSWERED': {
        const talk = Math.round(this.rng.logNormal(95_000, 1.1));
        times = { setup, answer: setup + ring, end: setup + ring + talk };
        cause = 16;
        break;
      }
      case 'NO_ANSWER':
        times = { setup, answer: null, end: setup + this.rng.between(20_000, 35_000) };
        cause = 19;
        break;
      case 'BUSY':
        times = { setup, answer: null, end: setup + this.rng.between(500, 3_000) };
        cause = 17;
        break;
      case 'CANCELLED':
        times = { setup, answer: null, end: setup + Math.min(ring, 20_000) };
        cause = 31;
        break;
      default:
        times = { setup, answer: null, end: setup + this.rng.between(100, 4_000) };
        cause = disposition === 'CONGESTION' ? 34 : 41;
    }
    const caller = this.rng.chance(0.03) ? this.rng.pick(WITHHELD_SPELLINGS) : this.number(this.subscriber());
    return {
      times,
      body: {
        caller,
        callee: this.number(this.subscriber()),
        direction: this.rng.chance(0.5) ? 'OUTBOUND' : 'INBOUND',
        disposition,
        channel: 'VOICE',
        hangup_cause: cause,
      },
    };
  }

  /** A robocaller: a few lines, many calls, mostly unanswered, and very short when answered. */
  private robocall(setup: number): { times: CallTimes; body: CallBody } {
    const robocaller = this.population.robocallers[this.rng.weighted(this.robocallWeights)];
    if (!robocaller) throw new Error('no robocallers in the population');
    let times: CallTimes;
    let disposition: NativeCdr['disposition'];
    let cause: number;
    if (this.rng.chance(robocaller.answerRate)) {
      const ring = this.rng.between(2_000, 12_000);
      // Silent or recorded-message calls: dropped within seconds of the answer.
      times = { setup, answer: setup + ring, end: setup + ring + this.rng.between(800, 9_000) };
      disposition = 'ANSWERED';
      cause = 16;
    } else if (this.rng.chance(0.7)) {
      // Dialers give up after a short ring rather than waiting for voicemail.
      times = { setup, answer: null, end: setup + this.rng.between(4_000, 15_000) };
      disposition = 'CANCELLED';
      cause = 31;
    } else {
      times = { setup, answer: null, end: setup + this.rng.between(15_000, 30_000) };
      disposition = this.rng.chance(0.9) ? 'NO_ANSWER' : 'BUSY';
      cause = disposition === 'BUSY' ? 17 : 19;
    }
    return {
      times,
      body: {
        caller: robocaller.line ? this.number(robocaller.line) : this.rng.pick(WITHHELD_SPELLINGS),
        callee: this.number(this.subscriber()),
        direction: 'INBOUND',
        disposition,
        channel: 'VOICE',
        hangup_cause: cause,
      },
    };
  }

  /** A contact to a queue: IVR, queue wait, then an agent answers or the caller abandons. */
  private contactCentre(setup: number): { times: CallTimes; body: CallBody } {
    const queue = this.rng.pick(this.population.queues);
    const ivr = this.rng.between(5_000, 25_000);
    const wait = Math.round(this.rng.exponential(queue.meanWaitMs));
    const patience = Math.round(this.rng.exponential(queue.meanPatienceMs));
    const webchat = this.rng.chance(0.15);
    const common = {
      caller: webchat ? 'anonymous' : this.number(this.subscriber()),
      callee: this.number(queue.line),
      direction: 'INBOUND' as const,
      queue: queue.name,
      channel: webchat ? ('WEBCHAT' as const) : ('VOICE' as const),
    };
    if (patience < wait) {
      return {
        times: { setup, answer: null, end: setup + ivr + patience },
        body: { ...common, disposition: 'ABANDONED', queue_wait_ms: patience, hangup_cause: 16 },
      };
    }
    const answer = setup + ivr + wait;
    return {
      times: { setup, answer, end: answer + Math.round(this.rng.logNormal(queue.medianHandleMs, 0.6)) },
      body: { ...common, disposition: 'ANSWERED', queue_wait_ms: wait, agent: this.rng.pick(queue.agents), hangup_cause: 16 },
    };
  }
}
