import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clickhouse } from '../../core/clickhouse/client.ts';
import { ReadModel } from '../../core/read-model/index.ts';
import { expandQuery } from '../../dashboards/macros.ts';
import { KPI_DASHBOARD_UID } from '../../dashboards/boards/kpi.ts';
import { NUISANCE_DASHBOARD_UID } from '../../dashboards/boards/nuisance.ts';
import { NUMBER_DASHBOARD_UID } from '../../dashboards/boards/number.ts';
import type { DashboardSettings } from '../../dashboards/settings.ts';
import { ENGINES } from '../support/env.ts';
import { clickhouseQueries } from './queries.ts';
import { N1, N2, N3, RANGE, seededDatabase, W0, W1, W2, W3, type SeededDatabase } from './seed.ts';

// Every ClickHouse panel and annotation of the generated dashboards, its SQL expanded as Grafana
// would (variables, then the plugin's macros) for the range in seed.ts, run on each engine against
// the hand-made rows of seed.ts. Expected rows were worked out by hand from that file (see the
// comments beside each). On the server the queries run as the READ-ONLY user, as Grafana's would.

const t = (week: string): string => `${week} 00:00:00`;
/** Floats compared to 6 decimals (ratios such as 1/3 come back as doubles). */
function norm(rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? Math.round(v * 1e6) / 1e6 : v])));
}

type Expectation = { variables?: Record<string, string>; rows: Record<string, unknown>[] };

// Keyed like test/dashboards/queries.ts: "<dashboard uid>/<panel title>".
const EXPECTED: Record<string, Expectation> = {
  // Weeks of the reported call (the aggregates' clock): W1 WEB r16; W2 WEB r02 r03 r11, HELPLINE
  // r12 (called on W2's Sunday, reported in W3); W3 WEB r04 r05 r10 r13 r14, HELPLINE r06, LIVE_CHAT
  // r07 r08 r09. W0 and W4 are outside the range.
  [`${NUISANCE_DASHBOARD_UID}/Reports per week by channel`]: {
    rows: [
      { time: t(W1), channel: 'WEB', reports: 1 },
      { time: t(W2), channel: 'HELPLINE', reports: 1 },
      { time: t(W2), channel: 'WEB', reports: 3 },
      { time: t(W3), channel: 'HELPLINE', reports: 1 },
      { time: t(W3), channel: 'LIVE_CHAT', reports: 3 },
      { time: t(W3), channel: 'WEB', reports: 5 },
    ],
  },
  // W3: 9 reports, numbers N1 N2 N3 (WITHHELD is no number), 10 calls (r07 lists N2 twice).
  [`${NUISANCE_DASHBOARD_UID}/Reports per week, all channels`]: {
    rows: [
      { time: t(W1), reports: 1, numbers: 1, reported_calls: 1 },
      { time: t(W2), reports: 4, numbers: 2, reported_calls: 4 },
      { time: t(W3), reports: 9, numbers: 3, reported_calls: 10 },
    ],
  },
  // Call week W3 ("this week") vs W2: N2 r07–r10 (5 calls); N1 r04 r05 r06 by pA pA pC, W2 r02 r03;
  // N3 r13 only (r12's call was in W2), W2 r11 r12. The r04 duplicate counts once.
  [`${NUISANCE_DASHBOARD_UID}/Top numbers this week`]: {
    rows: [
      { number: N2, reports_this_week: 4, reporters_this_week: 4, calls_this_week: 5, reports_last_week: 0 },
      { number: N1, reports_this_week: 3, reporters_this_week: 2, calls_this_week: 3, reports_last_week: 2 },
      { number: N3, reports_this_week: 1, reporters_this_week: 1, calls_this_week: 1, reports_last_week: 2 },
    ],
  },
  // Only N2 was first reported in W3 (N1 since W0, N3 since W2; N4 is after this week).
  [`${NUISANCE_DASHBOARD_UID}/New numbers this week`]: { rows: [{ number: N2, reports_this_week: 4, reporters_this_week: 4 }] },
  // Live verdicts W1–W3: N1's W2 spike was retracted; W0's are outside the range.
  [`${NUISANCE_DASHBOARD_UID}/Spikes and level shifts`]: {
    rows: [
      { week_start: W3, scope: 'channel', key: 'LIVE_CHAT', kind: 'LEVEL_SHIFT', observed: 3, expected_reports: 0.5, upper_bound: 1.8, score: 4 },
      { week_start: W3, scope: 'number', key: N2, kind: 'SPIKE', observed: 4, expected_reports: 0.2, upper_bound: 2.5, score: 3.1 },
      { week_start: W2, scope: 'overall', key: 'ALL', kind: 'SPIKE', observed: 5, expected_reports: 2, upper_bound: 4, score: 2.5 },
      { week_start: W1, scope: 'number', key: N1, kind: 'SPIKE', observed: 1, expected_reports: 0.1, upper_bound: 0.9, score: 1.5 },
    ],
  },
  [`${NUISANCE_DASHBOARD_UID}/annotation/Spikes and level shifts`]: {
    rows: [
      { time: t(W2), text: 'SPIKE overall ALL: 5 reports, expected 2', tags: 'overall,SPIKE' },
      { time: t(W3), text: 'LEVEL_SHIFT channel LIVE_CHAT: 3 reports, expected 0.5', tags: 'channel,LEVEL_SHIFT' },
    ],
  },

  // N1 (number variable). All time: calls r01 (W0, first) … r04–r06 (W3); 7 reports; CDRs n0 (W0)
  // to n7 (2016-03-15 10:15), 8 calls (n4's re-push counts once).
  [`${NUMBER_DASHBOARD_UID}/Summary (all time)`]: {
    variables: { number: N1 },
    rows: [
      {
        first_reported_call: '2016-02-23 10:00:00',
        last_reported_call: '2016-03-15 10:00:00',
        reports_total: 7,
        first_cdr: '2016-02-23 09:00:00',
        last_cdr: '2016-03-15 10:15:00',
        cdr_calls_total: 8,
      },
    ],
  },
  [`${NUMBER_DASHBOARD_UID}/Reports per week`]: {
    variables: { number: N1 },
    rows: [
      { time: t(W1), reports: 1, reporters: 1, reported_calls: 1 },
      { time: t(W2), reports: 2, reporters: 2, reported_calls: 2 },
      { time: t(W3), reports: 3, reporters: 2, reported_calls: 3 },
    ],
  },
  // Calls in range (r16 at exactly the range's start is in: the filter is inclusive): r02 r03 r04 r06
  // RECORDED_MESSAGE/ENERGY by pB pA pA pC; r16 LIVE_CALL/ENERGY; r05 SILENT/OTHER.
  [`${NUMBER_DASHBOARD_UID}/Call types and subjects reported`]: {
    variables: { number: N1 },
    rows: [
      { call_type: 'RECORDED_MESSAGE', subject: 'ENERGY', reports: 4, reporters: 3 },
      { call_type: 'LIVE_CALL', subject: 'ENERGY', reports: 1, reporters: 1 },
      { call_type: 'SILENT', subject: 'OTHER', reports: 1, reporters: 1 },
    ],
  },
  // W2: n1 (answered, 3 s: short), n2 (no answer: short), n3 (answered, 60 s). W3: n4–n7 unanswered.
  [`${NUMBER_DASHBOARD_UID}/Calls made per week (CDRs)`]: {
    variables: { number: N1 },
    rows: [
      { time: t(W2), calls: 3, callees: 3, answered_calls: 2, short_calls: 2 },
      { time: t(W3), calls: 4, callees: 4, answered_calls: 0, short_calls: 4 },
    ],
  },
  // Busiest hour: W3 all at Tuesday 10:00 (24 + 10 = 34); W2 n1 n2 at 34, n3 Wednesday 11:00 (59).
  [`${NUMBER_DASHBOARD_UID}/Weekly CDR pattern`]: {
    variables: { number: N1 },
    rows: [
      { week: W3, calls: 4, callees: 4, answered_share: 0, short_share: 1, busiest_hour_of_week: 34, busiest_hour_calls: 4, first_seen: '2016-03-15 10:00:00', last_seen: '2016-03-15 10:15:00' },
      { week: W2, calls: 3, callees: 3, answered_share: 0.667, short_share: 0.667, busiest_hour_of_week: 34, busiest_hour_calls: 2, first_seen: '2016-03-08 10:00:00', last_seen: '2016-03-09 11:00:00' },
    ],
  },
  [`${NUMBER_DASHBOARD_UID}/Calls by hour of week`]: {
    variables: { number: N1 },
    rows: [
      { hour_of_week: 34, calls: 6, answered: 1 },
      { hour_of_week: 59, calls: 1, answered: 1 },
    ],
  },
  // In range: n2 n4 n5 n6 n7 unanswered (0 s); n1 3 s and n3 60 s answered → mean 31.5 s.
  [`${NUMBER_DASHBOARD_UID}/Dispositions`]: {
    variables: { number: N1 },
    rows: [
      { disposition: 'NO_ANSWER', calls: 5, mean_billable_s: 0 },
      { disposition: 'ANSWERED', calls: 2, mean_billable_s: 31.5 },
    ],
  },
  // Whatever the range: W1 and W0 (W2's was retracted).
  [`${NUMBER_DASHBOARD_UID}/Spike history`]: {
    variables: { number: N1 },
    rows: [
      { week_start: W1, kind: 'SPIKE', observed: 1, expected_reports: 0.1, upper_bound: 0.9, score: 1.5 },
      { week_start: W0, kind: 'SPIKE', observed: 1, expected_reports: 0.1, upper_bound: 0.9, score: 1.2 },
    ],
  },

  // Contacts in range: W2 VOICE council k1 (10 s wait, 120 s) k2 (30 s, 60 s) k3 abandoned (45 s);
  // W2 VOICE benefits k4 (20 s: within the 20 s service level, inclusive; 300 s); W3 VOICE council
  // k5 (5 s, 90 s); W3 WEBCHAT chat k6 (15 s, 600 s) k7 (25 s, 300 s) k8 cancelled (60 s). k9 is in W0.
  // VOICE: 5 offered, 4 answered, ASA (10+30+20+5)/4 = 16.25, AHT (120+60+300+90)/4 = 142.5,
  // SL 3/5 (k1 k4 k5). WEBCHAT: ASA 20, AHT 450, SL 1/3.
  [`${KPI_DASHBOARD_UID}/KPIs by channel`]: {
    rows: [
      { channel: 'VOICE', offered_contacts: 5, answered_contacts: 4, abandoned_contacts: 1, asa_s: 16.25, aht_s: 142.5, service_level: 0.6, service_level_seconds: 20, abandoned_share: 0.2 },
      { channel: 'WEBCHAT', offered_contacts: 3, answered_contacts: 2, abandoned_contacts: 1, asa_s: 20, aht_s: 450, service_level: 0.333333, service_level_seconds: 20, abandoned_share: 0.333333 },
    ],
  },
  [`${KPI_DASHBOARD_UID}/Web chats`]: { rows: [{ chats_started: 3, chats_completed: 2, chats_abandoned: 1, staff_time_per_chat_s: 450 }] },
  [`${KPI_DASHBOARD_UID}/Contacts offered, answered and abandoned`]: {
    rows: [
      { time: t(W2), channel: 'VOICE', offered_contacts: 4, answered_contacts: 3, abandoned_contacts: 1 },
      { time: t(W3), channel: 'VOICE', offered_contacts: 1, answered_contacts: 1, abandoned_contacts: 0 },
      { time: t(W3), channel: 'WEBCHAT', offered_contacts: 3, answered_contacts: 2, abandoned_contacts: 1 },
    ],
  },
  // W2 VOICE: k1 and k4 within 20 s of 4 offered.
  [`${KPI_DASHBOARD_UID}/Service level`]: {
    rows: [
      { time: t(W2), channel: 'VOICE', service_level: 0.5 },
      { time: t(W3), channel: 'VOICE', service_level: 1 },
      { time: t(W3), channel: 'WEBCHAT', service_level: 0.333333 },
    ],
  },
  // W2 VOICE: (10 + 30 + 20) / 3.
  [`${KPI_DASHBOARD_UID}/Average speed of answer`]: {
    rows: [
      { time: t(W2), channel: 'VOICE', asa_s: 20 },
      { time: t(W3), channel: 'VOICE', asa_s: 5 },
      { time: t(W3), channel: 'WEBCHAT', asa_s: 20 },
    ],
  },
  // W2 VOICE: (120 + 60 + 300) / 3.
  [`${KPI_DASHBOARD_UID}/Average handling time`]: {
    rows: [
      { time: t(W2), channel: 'VOICE', aht_s: 160 },
      { time: t(W3), channel: 'VOICE', aht_s: 90 },
      { time: t(W3), channel: 'WEBCHAT', aht_s: 450 },
    ],
  },
  [`${KPI_DASHBOARD_UID}/KPIs by week, channel and queue`]: {
    rows: [
      { week: W3, channel: 'VOICE', queue: 'council', offered: 1, answered: 1, abandoned: 0, asa_s: 5, aht_s: 90, service_level: 1, longest_wait_s: 5 },
      { week: W3, channel: 'WEBCHAT', queue: 'chat', offered: 3, answered: 2, abandoned: 1, asa_s: 20, aht_s: 450, service_level: 0.3333, longest_wait_s: 60 },
      { week: W2, channel: 'VOICE', queue: 'benefits', offered: 1, answered: 1, abandoned: 0, asa_s: 20, aht_s: 300, service_level: 1, longest_wait_s: 20 },
      { week: W2, channel: 'VOICE', queue: 'council', offered: 3, answered: 2, abandoned: 1, asa_s: 20, aht_s: 90, service_level: 0.3333, longest_wait_s: 45 },
    ],
  },
};

describe.each(ENGINES)('dashboard panels on %s', (engine) => {
  let reader: Clickhouse;
  let settings: DashboardSettings;
  let db: SeededDatabase;

  beforeAll(async () => {
    db = await seededDatabase(engine, 'dash_panels');
    ({ reader, settings } = db);
  });

  afterAll(async () => {
    await db.drop();
  });

  it('has an expectation for every ClickHouse panel and annotation (none skipped)', () => {
    const panelKeys = [...clickhouseQueries(settings).keys()].filter((k) => !k.startsWith('alert/')).sort();
    expect(panelKeys).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s returns the hand-worked rows', async (key, expectation) => {
    const query = clickhouseQueries(settings).get(key);
    if (!query) throw new Error(`no ClickHouse query keyed ${key}`);
    const sqlText = expandQuery(query.rawSql, { ...RANGE, variables: expectation.variables ?? {} });
    const rows = await reader.query<Record<string, unknown>>(sqlText);
    expect(norm(rows)).toEqual(norm(expectation.rows));
  });

  it('keeps a typed-in number a value, whatever it holds (no way out of the SQL string)', async () => {
    const query = clickhouseQueries(settings).get(`${NUMBER_DASHBOARD_UID}/Reports per week`);
    if (!query) throw new Error('panel missing');
    for (const hostile of [`${N1}' OR 1=1 --`, `\\' OR number != '' --`, `${N1}\\`, "'); DROP TABLE x; --"]) {
      const rows = await reader.query<Record<string, unknown>>(expandQuery(query.rawSql, { ...RANGE, variables: { number: hostile } }));
      expect(rows).toEqual([]);
    }
    // A well-formed number still matches.
    const rows = await reader.query<Record<string, unknown>>(expandQuery(query.rawSql, { ...RANGE, variables: { number: N3 } }));
    expect(norm(rows)).toEqual([
      { time: t(W2), reports: 2, reporters: 2, reported_calls: 2 },
      { time: t(W3), reports: 1, reporters: 1, reported_calls: 1 },
    ]);
  });

  it('moves "this week" with the end of the range', async () => {
    const query = clickhouseQueries(settings).get(`${NUISANCE_DASHBOARD_UID}/Top numbers this week`);
    if (!query) throw new Error('panel missing');
    // End of range in W2: this week W2 (N1 r02 r03, N3 r11 r12), last week W1 (N1 r16).
    const rows = await reader.query<Record<string, unknown>>(expandQuery(query.rawSql, { from: RANGE.from, to: new Date('2016-03-10T00:00:00Z') }));
    expect(norm(rows)).toEqual([
      { number: N1, reports_this_week: 2, reporters_this_week: 2, calls_this_week: 2, reports_last_week: 1 },
      { number: N3, reports_this_week: 2, reporters_this_week: 2, calls_this_week: 2, reports_last_week: 0 },
    ]);
  });

  it('lists the top numbers the investigator API lists for the week, with the same figures', async () => {
    const query = clickhouseQueries(settings).get(`${NUISANCE_DASHBOARD_UID}/Top numbers this week`);
    if (!query) throw new Error('panel missing');
    const read = new ReadModel(reader);
    for (const week of [W1, W2, W3]) {
      const end = new Date(Date.parse(`${week}T12:00:00Z`) + 6 * 86_400_000);
      const panel = await reader.query<Record<string, unknown>>(expandQuery(query.rawSql, { from: RANGE.from, to: end }));
      const api = await read.topNumbers(week, 'reports', { limit: 20, offset: 0 });
      expect(api.length, week).toBeGreaterThan(0);
      expect(norm(panel), week).toEqual(
        norm(api.map((r) => ({ number: r.number, reports_this_week: r.reports, reporters_this_week: r.reporters, calls_this_week: r.reported_calls, reports_last_week: r.previous_reports }))),
      );
    }
  });
});
