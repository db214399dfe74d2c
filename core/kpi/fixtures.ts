import type { CdrRecord } from '../records.ts';

// Hand-made contact-centre CDRs whose KPIs were worked out by hand (arithmetic below). Used by the
// unit test of the reference implementation and by the integration test of the ClickHouse query.
// Week of Monday 8 Jan 2024 (winter: London = UTC).

const T0 = Date.parse('2024-01-09T09:00:00Z');
const S = 1000;

function cdr(id: string, o: Partial<CdrRecord> & Pick<CdrRecord, 'disposition'>): CdrRecord {
  const setup = o.setup_time ?? T0;
  return {
    cdr_id: id,
    platform: 'kpi-fixture',
    setup_time: setup,
    answer_time: null,
    end_time: setup + 200 * S,
    caller: '+447700900001',
    caller_raw: '07700900001',
    callee: '+442079460000',
    callee_raw: '02079460000',
    direction: 'INBOUND',
    duration_ms: 200 * S,
    billable_ms: 0,
    queue: 'billing',
    queue_wait_ms: null,
    agent: null,
    channel: 'VOICE',
    hangup_cause: 16,
    received_at: setup + 300 * S,
    ...o,
  };
}

const answered = (id: string, waitS: number | null, answerAfterS: number, billS: number, o: Partial<CdrRecord> = {}): CdrRecord => {
  const setup = o.setup_time ?? T0;
  return cdr(id, { disposition: 'ANSWERED', queue_wait_ms: waitS === null ? null : waitS * S, answer_time: setup + answerAfterS * S, end_time: setup + (answerAfterS + billS) * S, billable_ms: billS * S, ...o });
};

export const KPI_FIXTURE: CdrRecord[] = [
  answered('A', 10, 10, 120),
  answered('B', 25, 25, 300),
  // No queue wait sent: wait = answer - setup = 15 s.
  answered('C', null, 15, 60),
  cdr('D', { disposition: 'ABANDONED', queue_wait_ms: 40 * S, end_time: T0 + 40 * S }),
  // No queue wait sent, not answered: wait = end - setup = 90 s.
  cdr('E', { disposition: 'NO_ANSWER', end_time: T0 + 90 * S }),
  // Exactly at the 20 s threshold: within service level (inclusive).
  answered('F', 20, 20, 30),
  // Not queued: not offered, in no KPI.
  answered('G', null, 3, 500, { queue: null }),
  // Next week, same channel and queue.
  answered('H', 5, 5, 100, { setup_time: Date.parse('2024-01-16T10:00:00Z') }),
  // Same week and queue, other channel.
  cdr('I', { disposition: 'CANCELLED', queue_wait_ms: 7 * S, end_time: T0 + 7 * S, channel: 'WEBCHAT' }),
];

/** A re-pushed copy of A, received later: must change nothing. */
export const KPI_DUPLICATE: CdrRecord = { ...answered('A', 10, 10, 120), received_at: T0 + 9_000 * S };

export interface ExpectedKpi {
  channel: string;
  queue: string;
  week: string;
  offered: number;
  answered: number;
  abandoned: number;
  asaMs: number | null;
  ahtMs: number | null;
  serviceLevel: number | null;
  longestWaitMs: number;
}

// VOICE / billing / 2024-01-08: offered A B C D E F = 6; answered A B C F = 4; abandoned D E = 2.
//   ASA = (10 + 25 + 15 + 20) / 4 = 70 / 4 = 17.5 s;  AHT = (120 + 300 + 60 + 30) / 4 = 510 / 4 = 127.5 s
//   within 20 s: A (10), C (15), F (20) = 3 -> SL = 3 / 6 = 0.5;  longest wait = max(10,25,15,40,90,20) = 90 s
// VOICE / billing / 2024-01-15: H only: offered 1, answered 1, ASA 5 s, AHT 100 s, SL 1/1, longest 5 s.
// WEBCHAT / billing / 2024-01-08: I only: offered 1, abandoned 1, ASA and AHT undefined, SL 0/1, longest 7 s.
export const KPI_EXPECTED_SL20: ExpectedKpi[] = [
  { channel: 'VOICE', queue: 'billing', week: '2024-01-08', offered: 6, answered: 4, abandoned: 2, asaMs: 17_500, ahtMs: 127_500, serviceLevel: 0.5, longestWaitMs: 90_000 },
  { channel: 'WEBCHAT', queue: 'billing', week: '2024-01-08', offered: 1, answered: 0, abandoned: 1, asaMs: null, ahtMs: null, serviceLevel: 0, longestWaitMs: 7_000 },
  { channel: 'VOICE', queue: 'billing', week: '2024-01-15', offered: 1, answered: 1, abandoned: 0, asaMs: 5_000, ahtMs: 100_000, serviceLevel: 1, longestWaitMs: 5_000 },
];

// With a 10 s threshold, VOICE / billing / 2024-01-08 has only A (10 s) within: SL = 1 / 6.
export const KPI_SL10_VOICE_WEEK1 = 1 / 6;
