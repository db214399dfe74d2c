import type { Clickhouse } from '../../core/clickhouse/client.ts';

// Hand-made rows for the investigator API tests, written straight into the processors' record tables
// (migration 0300, whose materialized views fill the aggregates) and the spike verdicts (0100). Every
// expected figure in the tests is worked out from this file by hand; the re-delivered copies (same
// identity and content, higher version, a separate insert) prove that copies count once.
//
// Weeks: W1 = Monday 7 March 2016, W2 = Monday 14 March 2016 (W0 = 29 February, before all data).
//   A +447700900123 (robocaller) W1: r1 (rep1, HELPLINE), r2 (rep2, WEB, two calls of A);
//                                W2: r3 (rep1), r4 (rep3), r5 (rep4), r11 (rep3) — 4 reports, 3 reporters;
//                                CDRs in W2: 4 calls to 3 callees, 1 answered (+ a re-pushed copy).
//   B +447700900456              W1: r6 (rep5); W2: r7 (rep5).
//   C +447700900789              W2: r8 (rep6) — new in W2.
//   D +442079460000              W2: r9 (rep7) — new in W2, outside the +447700900 block.
//   WITHHELD                     W2: r10 (rep8) — a bucket, never listed.
//   E +447700900555              CDRs only: 2 calls in W2.

export const W0 = '2016-02-29';
export const W1 = '2016-03-07';
export const W2 = '2016-03-14';
export const A = '+447700900123';
export const B = '+447700900456';
export const C = '+447700900789';
export const D = '+442079460000';
export const E = '+447700900555';

const DAY = 86_400;
const epoch = (date: string, hour = 12): number => Math.floor(Date.parse(`${date}T00:00:00Z`) / 1000) + hour * 3600;

interface ReportCallSeed {
  report: string;
  index?: number;
  count?: number;
  number: string;
  week: string;
  /** Days after the week's Monday. */
  day: number;
  reporter: string;
  channel?: string;
  callType?: string;
  subject?: string;
  version?: number;
}

function reportCall(s: ReportCallSeed): Record<string, unknown> {
  const at = epoch(s.week) + s.day * DAY;
  const version = s.version ?? 1;
  return {
    report_id: s.report,
    call_index: s.index ?? 0,
    call_count: s.count ?? 1,
    submitted_at: at + 600,
    report_week: s.week,
    channel: s.channel ?? 'HELPLINE',
    reporter_id: `pseudo-${s.reporter}`,
    reporter_number: `pseudo-number-${s.reporter}`,
    number: s.number,
    number_raw: s.number,
    call_time: at,
    call_week: s.week,
    call_hour_of_week: s.day * 24 + 12,
    call_type: s.callType ?? 'RECORDED_MESSAGE',
    organisation: '=HYPERLINK("http://x")',
    subject: s.subject ?? 'ENERGY',
    description: 'they rang again',
    received_at: at + 700,
    version,
    kafka_partition: 0,
    kafka_offset: version,
  };
}

export const REPORT_CALLS: Record<string, unknown>[] = [
  reportCall({ report: 'r1', number: A, week: W1, day: 0, reporter: 'rep1', callType: 'LIVE_CALL' }),
  // r1 again, re-delivered with a later version: the copy counts once.
  reportCall({ report: 'r1', number: A, week: W1, day: 0, reporter: 'rep1', callType: 'LIVE_CALL', version: 2 }),
  reportCall({ report: 'r2', index: 0, count: 2, number: A, week: W1, day: 1, reporter: 'rep2', channel: 'WEB' }),
  reportCall({ report: 'r2', index: 1, count: 2, number: A, week: W1, day: 2, reporter: 'rep2', channel: 'WEB' }),
  reportCall({ report: 'r3', number: A, week: W2, day: 0, reporter: 'rep1', subject: 'DEBT' }),
  reportCall({ report: 'r4', number: A, week: W2, day: 1, reporter: 'rep3' }),
  reportCall({ report: 'r5', number: A, week: W2, day: 2, reporter: 'rep4', callType: 'SILENT' }),
  reportCall({ report: 'r11', number: A, week: W2, day: 6, reporter: 'rep3' }),
  reportCall({ report: 'r6', number: B, week: W1, day: 3, reporter: 'rep5' }),
  reportCall({ report: 'r7', number: B, week: W2, day: 3, reporter: 'rep5' }),
  reportCall({ report: 'r8', number: C, week: W2, day: 4, reporter: 'rep6' }),
  reportCall({ report: 'r9', number: D, week: W2, day: 4, reporter: 'rep7' }),
  reportCall({ report: 'r10', number: 'WITHHELD', week: W2, day: 5, reporter: 'rep8' }),
];

interface CdrSeed {
  id: string;
  caller: string;
  callee: string;
  week: string;
  day: number;
  answered?: boolean;
  version?: number;
}

function cdr(s: CdrSeed): Record<string, unknown> {
  const setup = epoch(s.week, 10) + s.day * DAY;
  const answered = s.answered ?? false;
  const version = s.version ?? 1;
  return {
    platform: 'pbx1',
    cdr_id: s.id,
    setup_time: setup,
    answer_time: answered ? setup + 5 : null,
    end_time: setup + (answered ? 65 : 20),
    week_start: s.week,
    hour_of_week: s.day * 24 + 10,
    caller: s.caller,
    caller_raw: s.caller,
    callee: s.callee,
    callee_raw: s.callee,
    direction: 'INBOUND',
    disposition: answered ? 'ANSWERED' : 'NO_ANSWER',
    is_answered: answered ? 1 : 0,
    // processors.shortCallSeconds = 6 (its default) when the record was processed.
    is_short: answered ? 0 : 1,
    duration_ms: answered ? 65_000 : 20_000,
    billable_ms: answered ? 60_000 : 0,
    queue: '',
    queue_wait_ms: null,
    wait_ms: 5_000,
    agent: '',
    channel: 'VOICE',
    hangup_cause: 16,
    received_at: setup + 100,
    version,
    kafka_partition: 0,
    kafka_offset: version,
  };
}

export const CDRS: Record<string, unknown>[] = [
  cdr({ id: 'c1', caller: A, callee: '+441632960001', week: W2, day: 0, answered: true }),
  cdr({ id: 'c1', caller: A, callee: '+441632960001', week: W2, day: 0, answered: true, version: 2 }),
  cdr({ id: 'c2', caller: A, callee: '+441632960002', week: W2, day: 0 }),
  cdr({ id: 'c3', caller: A, callee: '+441632960003', week: W2, day: 1 }),
  cdr({ id: 'c4', caller: A, callee: '+441632960003', week: W2, day: 2 }),
  cdr({ id: 'c5', caller: E, callee: '+441632960009', week: W2, day: 3 }),
  cdr({ id: 'c6', caller: E, callee: '+441632960009', week: W2, day: 4 }),
];

function verdict(week: string, scope: string, key: string, kind: string, observed: number, retracted = 0, version = 1): Record<string, unknown> {
  return { week, scope, key, kind, observed, expected: 0.5, upper: 3, score: observed * 2, retracted, evaluated_at: epoch(week) + 8 * DAY, version };
}

export const SPIKE_VERDICTS: Record<string, unknown>[] = [
  verdict(W2, 'number', A, 'SPIKE', 4),
  verdict(W1, 'number', B, 'SPIKE', 1),
  // B's W1 verdict was later retracted: the view hides it.
  verdict(W1, 'number', B, 'SPIKE', 1, 1, 2),
  verdict(W2, 'channel', 'WEB', 'LEVEL_SHIFT', 900),
];

export async function seed(ch: Clickhouse): Promise<void> {
  const db = ch.database;
  // Re-deliveries (version 2) in a second insert: a separate part, as a replay would make.
  const first = (rows: Record<string, unknown>[]) => rows.filter((r) => r.version === 1);
  const later = (rows: Record<string, unknown>[]) => rows.filter((r) => r.version !== 1);
  await ch.insert(`${db}.report_call_records`, first(REPORT_CALLS));
  await ch.insert(`${db}.cdr_records`, first(CDRS));
  await ch.insert(`${db}.spike_verdicts`, first(SPIKE_VERDICTS));
  await ch.insert(`${db}.report_call_records`, later(REPORT_CALLS));
  await ch.insert(`${db}.cdr_records`, later(CDRS));
  await ch.insert(`${db}.spike_verdicts`, later(SPIKE_VERDICTS));
}
