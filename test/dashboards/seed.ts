import { Clickhouse, type Engine } from '../../core/clickhouse/client.ts';
import { migrate } from '../../core/clickhouse/migrate.ts';
import { defaultSettings, type DashboardSettings } from '../../dashboards/settings.ts';
import { testConfig, uniqueTag } from '../support/env.ts';

// Hand-made rows for the dashboard tests, small enough that every expected figure in the tests was
// worked out by hand from this file. Weeks (Mondays; London = UTC in February/March 2016):
//   W0 2016-02-22 (before the range)   W1 2016-02-29   W2 2016-03-07   W3 2016-03-14 ("this week")
//   W4 2016-03-21 (after the range)
// Dashboard range: 2016-03-01 10:00:00 → 2016-03-18 12:00:00 UTC, so weeks W1–W3 are shown.

export const RANGE = { from: new Date('2016-03-01T10:00:00Z'), to: new Date('2016-03-18T12:00:00Z') };

export const W0 = '2016-02-22';
export const W1 = '2016-02-29';
export const W2 = '2016-03-07';
export const W3 = '2016-03-14';
export const W4 = '2016-03-21';

export const N1 = '+447700900001'; // reported most weeks, makes robocaller-like CDRs
export const N2 = '+447700900002'; // new this week, spikes
export const N3 = '+447700900003';
export const N4 = '+447700900004'; // only after the range

const s = (iso: string): number => Math.floor(Date.parse(`${iso}Z`) / 1000);
/** Tuesday 10:00 of a week. */
const tue10 = (week: string): string => `${dayAfter(week, 1)}T10:00:00`;
function dayAfter(week: string, days: number): string {
  return new Date(Date.parse(`${week}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
/** 0 = Monday 00:00 (UTC = London here). */
function hourOfWeek(iso: string): number {
  const d = new Date(`${iso}Z`);
  return ((d.getUTCDay() + 6) % 7) * 24 + d.getUTCHours();
}
function mondayOf(iso: string): string {
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  return dayAfter(iso.slice(0, 10), -((d.getUTCDay() + 6) % 7));
}

interface Report {
  id: string;
  numbers: string[];
  channel: string;
  reporter: string;
  call: string;
  /** Submitted 2 h after the call unless given. */
  submitted?: string;
  callType?: string;
  subject?: string;
}

const REPORTS: Report[] = [
  { id: 'r01', numbers: [N1], channel: 'WEB', reporter: 'pA', call: tue10(W0) },
  { id: 'r16', numbers: [N1], channel: 'WEB', reporter: 'pL', call: tue10(W1), callType: 'LIVE_CALL' },
  { id: 'r02', numbers: [N1], channel: 'WEB', reporter: 'pA', call: tue10(W2) },
  { id: 'r03', numbers: [N1], channel: 'WEB', reporter: 'pB', call: tue10(W2) },
  { id: 'r04', numbers: [N1], channel: 'WEB', reporter: 'pA', call: tue10(W3) },
  { id: 'r05', numbers: [N1], channel: 'WEB', reporter: 'pA', call: tue10(W3), callType: 'SILENT', subject: 'OTHER' },
  { id: 'r06', numbers: [N1], channel: 'HELPLINE', reporter: 'pC', call: tue10(W3) },
  { id: 'r07', numbers: [N2, N2], channel: 'LIVE_CHAT', reporter: 'pD', call: tue10(W3) },
  { id: 'r08', numbers: [N2], channel: 'LIVE_CHAT', reporter: 'pE', call: tue10(W3) },
  { id: 'r09', numbers: [N2], channel: 'LIVE_CHAT', reporter: 'pF', call: tue10(W3) },
  { id: 'r10', numbers: [N2], channel: 'WEB', reporter: 'pG', call: tue10(W3) },
  { id: 'r11', numbers: [N3], channel: 'WEB', reporter: 'pH', call: tue10(W2) },
  // Call on W2's Sunday evening, reported on W3's Monday: call week W2, report week W3.
  { id: 'r12', numbers: [N3], channel: 'HELPLINE', reporter: 'pI', call: '2016-03-13T20:00:00', submitted: '2016-03-14T09:00:00' },
  { id: 'r13', numbers: [N3], channel: 'WEB', reporter: 'pH', call: tue10(W3) },
  { id: 'r14', numbers: ['WITHHELD'], channel: 'WEB', reporter: 'pJ', call: tue10(W3) },
  { id: 'r15', numbers: [N4], channel: 'WEB', reporter: 'pK', call: tue10(W4) },
];

function reportRows(): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  let offset = 0;
  for (const r of REPORTS) {
    const submitted = r.submitted ?? r.call.replace('T10:', 'T12:');
    r.numbers.forEach((number, i) => {
      rows.push({
        report_id: r.id,
        call_index: i,
        call_count: r.numbers.length,
        submitted_at: s(submitted),
        report_week: mondayOf(submitted),
        channel: r.channel,
        reporter_id: r.reporter,
        reporter_number: `h-${r.reporter}`,
        number,
        number_raw: number,
        call_time: s(r.call),
        call_week: mondayOf(r.call),
        call_hour_of_week: hourOfWeek(r.call),
        call_type: r.callType ?? 'RECORDED_MESSAGE',
        organisation: '',
        subject: r.subject ?? 'ENERGY',
        description: '',
        received_at: s(submitted) + 60,
        version: 1,
        kafka_partition: 0,
        kafka_offset: offset++,
      });
    });
  }
  // A re-delivered copy of r04 (same identity, later receipt): the copy counts once.
  const r04 = rows.find((r) => r.report_id === 'r04');
  if (r04) rows.push({ ...r04, version: 2, kafka_offset: offset++ });
  return rows;
}

interface Cdr {
  id: string;
  caller: string;
  callee: string;
  setup: string;
  disposition: string;
  billableMs: number;
  queue?: string;
  waitMs?: number;
  channel?: string;
}

const CDRS: Cdr[] = [
  // N1 calling out: W0 (before the range), W2 (3 calls), W3 (4 unanswered calls).
  { id: 'n0', caller: N1, callee: '+441000000001', setup: '2016-02-23T09:00:00', disposition: 'NO_ANSWER', billableMs: 0 },
  { id: 'n1', caller: N1, callee: '+441000000001', setup: '2016-03-08T10:00:00', disposition: 'ANSWERED', billableMs: 3000 },
  { id: 'n2', caller: N1, callee: '+441000000002', setup: '2016-03-08T10:30:00', disposition: 'NO_ANSWER', billableMs: 0 },
  { id: 'n3', caller: N1, callee: '+441000000003', setup: '2016-03-09T11:00:00', disposition: 'ANSWERED', billableMs: 60000 },
  { id: 'n4', caller: N1, callee: '+441000000001', setup: '2016-03-15T10:00:00', disposition: 'NO_ANSWER', billableMs: 0 },
  { id: 'n5', caller: N1, callee: '+441000000004', setup: '2016-03-15T10:05:00', disposition: 'NO_ANSWER', billableMs: 0 },
  { id: 'n6', caller: N1, callee: '+441000000005', setup: '2016-03-15T10:10:00', disposition: 'NO_ANSWER', billableMs: 0 },
  { id: 'n7', caller: N1, callee: '+441000000006', setup: '2016-03-15T10:15:00', disposition: 'NO_ANSWER', billableMs: 0 },
  // Contact-centre contacts (a queue is set): W0 (before the range), W2 voice, W3 voice and web chat.
  { id: 'k9', caller: '+441100000009', callee: '+442000000000', setup: '2016-02-24T14:00:00', disposition: 'ANSWERED', billableMs: 100000, queue: 'council', waitMs: 1000 },
  { id: 'k1', caller: '+441100000001', callee: '+442000000000', setup: '2016-03-09T14:00:00', disposition: 'ANSWERED', billableMs: 120000, queue: 'council', waitMs: 10000 },
  { id: 'k2', caller: '+441100000002', callee: '+442000000000', setup: '2016-03-09T14:10:00', disposition: 'ANSWERED', billableMs: 60000, queue: 'council', waitMs: 30000 },
  { id: 'k3', caller: '+441100000003', callee: '+442000000000', setup: '2016-03-09T14:20:00', disposition: 'ABANDONED', billableMs: 0, queue: 'council', waitMs: 45000 },
  { id: 'k4', caller: '+441100000004', callee: '+442000000000', setup: '2016-03-09T14:30:00', disposition: 'ANSWERED', billableMs: 300000, queue: 'benefits', waitMs: 20000 },
  { id: 'k5', caller: '+441100000005', callee: '+442000000000', setup: '2016-03-16T14:00:00', disposition: 'ANSWERED', billableMs: 90000, queue: 'council', waitMs: 5000 },
  { id: 'k6', caller: 'WITHHELD', callee: 'WITHHELD', setup: '2016-03-16T14:05:00', disposition: 'ANSWERED', billableMs: 600000, queue: 'chat', waitMs: 15000, channel: 'WEBCHAT' },
  { id: 'k7', caller: 'WITHHELD', callee: 'WITHHELD', setup: '2016-03-16T14:10:00', disposition: 'ANSWERED', billableMs: 300000, queue: 'chat', waitMs: 25000, channel: 'WEBCHAT' },
  { id: 'k8', caller: 'WITHHELD', callee: 'WITHHELD', setup: '2016-03-16T14:20:00', disposition: 'CANCELLED', billableMs: 0, queue: 'chat', waitMs: 60000, channel: 'WEBCHAT' },
];

function cdrRows(): Record<string, unknown>[] {
  const rows = CDRS.map((c, i) => {
    const setup = s(c.setup);
    const answered = c.disposition === 'ANSWERED';
    const wait = c.waitMs ?? 0;
    const answerAt = answered ? setup + Math.round(wait / 1000) : null;
    const end = (answerAt ?? setup + Math.round(wait / 1000)) + Math.round(c.billableMs / 1000);
    return {
      platform: 'pbx-test',
      cdr_id: c.id,
      setup_time: setup,
      answer_time: answerAt,
      end_time: end,
      week_start: mondayOf(c.setup),
      hour_of_week: hourOfWeek(c.setup),
      caller: c.caller,
      caller_raw: c.caller,
      callee: c.callee,
      callee_raw: c.callee,
      direction: c.queue ? 'INBOUND' : 'OUTBOUND',
      disposition: c.disposition,
      is_answered: answered ? 1 : 0,
      // processors.shortCallSeconds = 6 (its default) when the record was processed.
      is_short: c.billableMs < 6000 ? 1 : 0,
      duration_ms: (end - setup) * 1000,
      billable_ms: c.billableMs,
      queue: c.queue ?? '',
      queue_wait_ms: c.queue ? wait : null,
      wait_ms: wait,
      agent: answered && c.queue ? 'agent-1' : '',
      channel: c.channel ?? 'VOICE',
      hangup_cause: 16,
      received_at: setup + 60,
      version: 1,
      kafka_partition: 0,
      kafka_offset: i,
    };
  });
  // A platform re-pushing n4 later: the copy counts once.
  const n4 = rows.find((r) => r.cdr_id === 'n4');
  if (n4) rows.push({ ...n4, version: 2, received_at: n4.received_at + 3600, kafka_offset: rows.length });
  return rows;
}

function verdict(week: string, scope: string, key: string, kind: string, observed: number, expected: number, upper: number, score: number, version = 1, retracted = 0): Record<string, unknown> {
  return { week, scope, key, kind, observed, expected, upper, score, retracted, evaluated_at: s(`${week}T06:00:00`), version };
}

function verdictRows(): Record<string, unknown>[] {
  return [
    verdict(W0, 'number', N1, 'SPIKE', 1, 0.1, 0.9, 1.2),
    verdict(W0, 'channel', 'WEB', 'SPIKE', 9, 2, 5, 3),
    verdict(W1, 'number', N1, 'SPIKE', 1, 0.1, 0.9, 1.5),
    verdict(W2, 'number', N1, 'SPIKE', 2, 0.3, 1.9, 2.2),
    // Re-evaluation retracted N1's W2 spike: the `spikes` view hides it.
    verdict(W2, 'number', N1, 'SPIKE', 2, 0.3, 1.9, 2.2, 2, 1),
    verdict(W2, 'overall', 'ALL', 'SPIKE', 5, 2, 4, 2.5),
    verdict(W3, 'number', N2, 'SPIKE', 4, 0.2, 2.5, 3.1),
    verdict(W3, 'channel', 'LIVE_CHAT', 'LEVEL_SHIFT', 3, 0.5, 1.8, 4),
  ];
}

export async function seed(ch: Clickhouse): Promise<void> {
  const db = ch.database;
  await ch.insert(`${db}.report_call_records`, reportRows());
  await ch.insert(`${db}.cdr_records`, cdrRows());
  await ch.insert(`${db}.spike_verdicts`, verdictRows());
}

export interface SeededDatabase {
  /** Migrates and seeds; `reader` is the read-only user dashboards run as (one connection on chdb). */
  writer: Clickhouse;
  reader: Clickhouse;
  settings: DashboardSettings;
  drop: () => Promise<void>;
}

/** A fresh database of the engine's with the migrations applied and the rows above inserted. */
export async function seededDatabase(engine: Engine, label: string): Promise<SeededDatabase> {
  const config = testConfig(uniqueTag(label), engine);
  const writer = await Clickhouse.connect(config.clickhouse, 'writer');
  const reader = await Clickhouse.connect(config.clickhouse, 'reader');
  await migrate(writer);
  await seed(writer);
  return {
    writer,
    reader,
    settings: { ...defaultSettings(), database: writer.database },
    drop: async () => {
      await writer.command(`DROP DATABASE IF EXISTS ${writer.database}`);
      await reader.close();
      await writer.close();
    },
  };
}
