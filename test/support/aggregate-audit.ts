import type { Clickhouse } from '../../core/clickhouse/client.ts';
import { ident, raw, sql } from '../../core/clickhouse/escape.ts';
import { KPI_SQL } from '../../core/kpi/definitions.ts';
import { currentCdrTotalsSql } from '../../core/read-model/cdr-totals.ts';
import { ReadModel } from '../../core/read-model/index.ts';
import { numberReportWeeksSql } from '../../core/read-model/weekly.ts';
import { refreshNumberCdrTotals } from '../../processors/totals/number-cdr-totals.ts';
import { refreshWeekTotals } from '../../processors/totals/week-totals.ts';

// An independent check of the aggregates the materialized views keep: every aggregate recomputed
// from the stored record rows (one row per record identity, whatever copies are still unmerged) and
// compared with what the read model returns, plus the storage invariants the exactness rests on. The
// weekly series are compared twice: merged from their states, and after the week-totals task ran
// (read from the totals where they are current), so the audit writes those totals; the callers' weekly
// figures likewise, after the number-totals task has written a total for every caller of every closed
// week (the WITHHELD and INVALID buckets aside), and those totals are checked against the records,
// and so are the investigator's look-ups of the busiest and the quietest callers (lookupProblems).
// Used after the exactly-once runs (SIGKILLs, replays, duplicates, rebalances, late records).

export interface AuditResult {
  ok: boolean;
  problems: string[];
}

function t(ch: Clickhouse, table: string): string {
  return `${ident(ch.database).text}.${ident(table).text}`;
}

/** The recomputations, each with the same columns and order as the read model's query. */
function recomputed(ch: Clickhouse, serviceLevelSeconds: number): Record<string, string> {
  const cdrs = `(SELECT * FROM ${t(ch, 'cdr_records')} LIMIT 1 BY platform, cdr_id)`;
  const calls = `(SELECT * FROM ${t(ch, 'report_call_records')} LIMIT 1 BY report_id, call_index)`;
  const numbersOnly = "uniqExactIf(number, number NOT IN ('WITHHELD', 'INVALID'))";
  const contacts = `(SELECT channel, queue, week_start, groupArray(tuple(platform, cdr_id, is_answered, wait_ms, billable_ms)) AS contacts_set
    FROM ${cdrs} WHERE queue != '' GROUP BY channel, queue, week_start)`;
  return {
    numberReportWeeks: `SELECT number AS number, toString(call_week) AS week, uniqExact(report_id) AS reports, uniqExact(reporter_id) AS reporters,
  count() AS reported_calls FROM ${calls} GROUP BY number, call_week ORDER BY number, week`,
    numberReportHistoryWeeks: `SELECT number AS number, toString(call_week) AS week, uniqExact(report_id) AS reports, uniqExact(reporter_id) AS reporters,
  count() AS reported_calls FROM ${calls} GROUP BY number, call_week ORDER BY number, week`,
    numberCdrWeeks: `SELECT number AS number, week AS week, sum(n) AS calls, uniqExactMerge(callee_state) AS callees,
  sum(a) AS answered_calls, answered_calls / calls AS answered_share, sum(s) AS short_calls, short_calls / calls AS short_share,
  argMax(hour, n * 256 + (255 - hour)) AS busiest_hour, max(n) AS busiest_hour_calls, toString(min(f)) AS first_seen, toString(max(l)) AS last_seen
FROM (SELECT caller AS number, toString(week_start) AS week, hour_of_week AS hour, count() AS n, uniqExactState(callee) AS callee_state,
  sum(is_answered) AS a, sum(is_short) AS s, min(setup_time) AS f, max(setup_time) AS l FROM ${cdrs} GROUP BY caller, week_start, hour_of_week)
GROUP BY number, week ORDER BY number, week`,
    channelWeeks: `SELECT toString(call_week) AS week, channel AS channel, uniqExact(report_id) AS reports, ${numbersOnly} AS numbers,
  count() AS reported_calls FROM ${calls} GROUP BY call_week, channel ORDER BY week, channel`,
    overallWeeks: `SELECT toString(call_week) AS week, uniqExact(report_id) AS reports, ${numbersOnly} AS numbers, count() AS reported_calls
  FROM ${calls} GROUP BY call_week ORDER BY week`,
    kpiWeeks: `SELECT channel AS channel, queue AS queue, toString(week_start) AS week, ${KPI_SQL.offered} AS offered, ${KPI_SQL.answered} AS answered,
  ${KPI_SQL.abandoned} AS abandoned, ${KPI_SQL.answeredWaitMs} AS answered_wait_ms, ${KPI_SQL.handleMs} AS handle_ms,
  ${KPI_SQL.answeredWithinSl(serviceLevelSeconds * 1000)} AS answered_within_sl, if(answered > 0, answered_wait_ms / answered, NULL) AS asa_ms,
  if(answered > 0, handle_ms / answered, NULL) AS aht_ms, if(offered > 0, answered_within_sl / offered, NULL) AS service_level,
  ${KPI_SQL.longestWaitMs} AS longest_wait_ms FROM ${contacts} ORDER BY week, channel, queue`,
  };
}

/**
 * Aggregate tables the read model reads only in part (a week's ranking, facets, first weeks), read
 * whole with their states merged, against the same figures from the records: [aggregate, records].
 */
function tableChecks(ch: Clickhouse): Record<string, [string, string]> {
  const cdrs = `(SELECT * FROM ${t(ch, 'cdr_records')} LIMIT 1 BY platform, cdr_id)`;
  const calls = `(SELECT * FROM ${t(ch, 'report_call_records')} LIMIT 1 BY report_id, call_index)`;
  return {
    ...Object.fromEntries(
      ['caller_weeks', 'caller_week_history'].map((table): [string, [string, string]] => [
        table,
        [
          `SELECT w, c, m_calls, m_callees, m_answered, m_short, toString(m_first) AS f, toString(m_last) AS l FROM (
  SELECT toString(week_start) AS w, caller AS c, uniqExactMerge(calls) AS m_calls, uniqExactMerge(callees) AS m_callees,
    uniqExactIfMerge(answered_calls) AS m_answered, uniqExactIfMerge(short_calls) AS m_short, minMerge(first_call) AS m_first, maxMerge(last_call) AS m_last
  FROM ${t(ch, table)} GROUP BY week_start, caller) ORDER BY w, c`,
          `SELECT toString(week_start) AS w, caller AS c, count() AS m_calls, uniqExact(callee) AS m_callees, sum(is_answered) AS m_answered,
  sum(is_short) AS m_short, toString(min(setup_time)) AS f, toString(max(setup_time)) AS l FROM ${cdrs} GROUP BY week_start, caller ORDER BY w, c`,
        ],
      ]),
    ),
    numberReportHistoryFacets: [
      `SELECT w, n, ch, ct, su, m_reports, m_reporters, m_calls, toString(m_first) AS f, toString(m_last) AS l FROM (
  SELECT toString(call_week) AS w, number AS n, channel AS ch, call_type AS ct, subject AS su, uniqExactMerge(reports) AS m_reports,
    uniqExactMerge(reporters) AS m_reporters, uniqExactMerge(reported_calls) AS m_calls, minMerge(first_call) AS m_first, maxMerge(last_call) AS m_last
  FROM ${t(ch, 'number_report_history')} GROUP BY call_week, number, channel, call_type, subject) ORDER BY w, n, ch, ct, su`,
      `SELECT toString(call_week) AS w, number AS n, channel AS ch, call_type AS ct, subject AS su, uniqExact(report_id) AS m_reports,
  uniqExact(reporter_id) AS m_reporters, count() AS m_calls, toString(min(call_time)) AS f, toString(max(call_time)) AS l
  FROM ${calls} GROUP BY call_week, number, channel, call_type, subject ORDER BY w, n, ch, ct, su`,
    ],
    numberFirstReport: [
      `SELECT n, toString(w) AS first_week FROM (SELECT number AS n, minMerge(first_week) AS w FROM ${t(ch, 'number_first_report')} GROUP BY number) ORDER BY n`,
      `SELECT number AS n, toString(min(call_week)) AS first_week FROM ${calls} WHERE number NOT IN ('WITHHELD', 'INVALID') GROUP BY number ORDER BY n`,
    ],
  };
}

/** The current number totals, whole, against the same figures from the records: [totals, records]. */
function numberTotalsChecks(ch: Clickhouse): Record<string, [string, string]> {
  const cdrs = `(SELECT * FROM ${t(ch, 'cdr_records')} LIMIT 1 BY platform, cdr_id)`;
  const current = currentCdrTotalsSql(ch.database, raw('1')).text;
  const keyed = `(week_start, caller) GLOBAL IN (SELECT week_start, caller FROM (${current}))`;
  return {
    numberCdrWeekTotals: [
      `SELECT toString(week_start) AS w, caller AS c, t_calls AS calls, t_callees AS callees, t_answered AS answered, t_short AS short,
  toString(t_first) AS f, toString(t_last) AS l, t_busiest_hour AS bh, t_busiest_hour_calls AS bhc FROM (${current}) ORDER BY w, c`,
      `SELECT w, c, sum(n) AS calls, uniqExactMerge(callee_state) AS callees, sum(an) AS answered, sum(sh) AS short, toString(min(fs)) AS f,
  toString(max(ls)) AS l, argMax(hour, n * 256 + (255 - hour)) AS bh, max(n) AS bhc
FROM (SELECT toString(week_start) AS w, caller AS c, hour_of_week AS hour, count() AS n, uniqExactState(callee) AS callee_state, sum(is_answered) AS an,
  sum(is_short) AS sh, min(setup_time) AS fs, max(setup_time) AS ls FROM ${cdrs} WHERE ${keyed} GROUP BY week_start, caller, hour_of_week)
GROUP BY w, c ORDER BY w, c`,
    ],
    numberCdrWeekTotalHours: [
      `SELECT toString(week_start) AS w, caller AS c, h AS hour, n, an FROM (${current})
  ARRAY JOIN t_hours AS h, t_hour_calls AS n, t_hour_answered AS an ORDER BY w, c, hour`,
      `SELECT toString(week_start) AS w, caller AS c, hour_of_week AS hour, count() AS n, sum(is_answered) AS an FROM ${cdrs} WHERE ${keyed}
  GROUP BY week_start, caller, hour_of_week ORDER BY w, c, hour`,
    ],
    closedCallerWeeksWithoutTotal: [
      `SELECT count() AS n FROM (SELECT DISTINCT week_start, caller FROM ${cdrs} WHERE week_start < (SELECT max(week_start) FROM ${t(ch, 'cdr_records')})
  AND caller NOT IN ('WITHHELD', 'INVALID')) WHERE NOT ${keyed}`,
      'SELECT toUInt64(0) AS n',
    ],
  };
}

/** Rounds floats so that two exact computations in different orders compare equal. */
function canonical(rows: readonly object[]): string {
  return JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(12)) : v));
}

export async function auditAggregates(ch: Clickhouse, serviceLevelSeconds = 20): Promise<AuditResult> {
  const read = new ReadModel(ch, { serviceLevelSeconds });
  const problems: string[] = [];
  const checks = recomputed(ch, serviceLevelSeconds);
  const fromModel: Record<string, () => Promise<object[]>> = {
    numberReportWeeks: () => read.numberReportWeeks(),
    numberReportHistoryWeeks: () => ch.query<object>(numberReportWeeksSql(ch.database, {}, 'history')),
    numberCdrWeeks: () => read.numberCdrWeeks(),
    channelWeeks: () => read.channelWeeks(),
    overallWeeks: () => read.overallWeeks(),
    kpiWeeks: () => read.kpiWeeks(),
  };
  for (const [name, [aggregate, records]] of Object.entries(tableChecks(ch))) {
    fromModel[name] = () => ch.query<object>(aggregate);
    checks[name] = records;
  }
  const compare = async (name: string, query: string, how: string): Promise<void> => {
    const want = await ch.query<object>(query);
    const got = await (fromModel[name] ?? (() => Promise.resolve([])))();
    if (canonical(got) !== canonical(want)) {
      const i = want.findIndex((w, k) => canonical([w]) !== canonical([got[k] ?? {}]));
      problems.push(`${name}${how}: ${got.length} rows from the aggregates vs ${want.length} from the records; first difference at ${i}: got ${JSON.stringify(got[i])} want ${JSON.stringify(want[i])}`);
    }
  };
  for (const [name, query] of Object.entries(checks)) await compare(name, query, '');
  // The weekly series again once the week-totals task has run: read from the totals where current.
  await refreshWeekTotals(ch, serviceLevelSeconds);
  for (const name of ['channelWeeks', 'overallWeeks', 'kpiWeeks']) await compare(name, checks[name] ?? '', ' (from week totals)');
  // Likewise the callers' weeks, with a total for every caller of every closed week (threshold 1 call; not the buckets).
  await refreshNumberCdrTotals(ch, 1);
  await compare('numberCdrWeeks', checks.numberCdrWeeks ?? '', ' (from number totals)');
  for (const [name, [totals, records]] of Object.entries(numberTotalsChecks(ch))) {
    fromModel[name] = () => ch.query<object>(totals);
    await compare(name, records, '');
  }
  problems.push(...(await lookupProblems(ch, read, checks.numberCdrWeeks ?? '')));
  problems.push(...(await reportLookupProblems(ch, read)));
  // Every copy of a record in one place, and the identity indexes naming exactly the stored records.
  const invariants: [string, string][] = [
    ['CDRs stored at two placements', sql`SELECT count() AS n FROM (SELECT platform, cdr_id FROM ${ident(ch.database)}.cdr_records GROUP BY platform, cdr_id HAVING uniqExact(caller, week_start) > 1)`],
    ['reported calls stored at two placements', sql`SELECT count() AS n FROM (SELECT report_id, call_index FROM ${ident(ch.database)}.report_call_records GROUP BY report_id, call_index HAVING uniqExact(number, call_week) > 1)`],
    [
      // The number-totals task finds a week's busy callers by `changes` alone (migration 0340).
      'callers of a week with fewer `changes` in caller_weeks than calls',
      sql`SELECT count() AS n FROM (SELECT sumMerge(changes) AS m_n, uniqExactMerge(calls) AS m_calls FROM ${ident(ch.database)}.caller_weeks GROUP BY week_start, caller) WHERE m_n < m_calls`,
    ],
    [
      'CDR identities without exactly one stored record',
      sql`SELECT abs(toInt64((SELECT uniqExact(platform, cdr_id) FROM ${ident(ch.database)}.cdr_identities)) - toInt64((SELECT uniqExact(platform, cdr_id) FROM ${ident(ch.database)}.cdr_records))) AS n`,
    ],
    [
      'report identities without exactly one stored call',
      sql`SELECT abs(toInt64((SELECT uniqExact(report_id, call_index) FROM ${ident(ch.database)}.report_identities)) - toInt64((SELECT uniqExact(report_id, call_index) FROM ${ident(ch.database)}.report_call_records))) AS n`,
    ],
  ];
  for (const [what, query] of invariants) {
    const n = (await ch.query<{ n: number }>(query))[0]?.n ?? 0;
    if (n !== 0) problems.push(`${what}: ${n}`);
  }
  return { ok: problems.length === 0, problems };
}

/** Callers whose look-ups the audit repeats: the busiest and the quietest, the buckets aside. */
const LOOKUP_CALLERS = 6;

/**
 * The investigator's look-ups of single callers (ReadModel: one totals snapshot per look-up; the weeks
 * without a current total and the distinct callees counted on the caller's rows once it has totals),
 * for the busiest and the quietest callers, against the records: the weekly series, the summary over
 * all weeks and over its last week alone, and calls by hour of the week.
 */
async function lookupProblems(ch: Clickhouse, read: ReadModel, weeksFromRecords: string): Promise<string[]> {
  const cdrs = `(SELECT * FROM ${t(ch, 'cdr_records')} LIMIT 1 BY platform, cdr_id)`;
  const ranked = `SELECT caller, count() AS n FROM ${cdrs} WHERE caller NOT IN ('WITHHELD', 'INVALID') GROUP BY caller`;
  const callers = await ch.query<{ caller: string }>(`SELECT caller FROM (${ranked} ORDER BY n DESC, caller LIMIT ${LOOKUP_CALLERS / 2})
UNION ALL SELECT caller FROM (${ranked} ORDER BY n, caller LIMIT ${LOOKUP_CALLERS / 2})`);
  const allWeeks = await ch.query<{ number: string; week: string }>(weeksFromRecords);
  const problems: string[] = [];
  const check = (what: string, got: object | undefined, want: object | undefined): void => {
    if (canonical([got ?? {}]) !== canonical([want ?? {}])) problems.push(`look-up ${what}: got ${JSON.stringify(got)} want ${JSON.stringify(want)}`);
  };
  for (const { caller } of callers) {
    const weeks = allWeeks.filter((w) => w.number === caller);
    check(`weekly series of ${caller}`, await read.numberCdrWeeks({ numbers: [caller] }), weeks);
    const last = weeks[weeks.length - 1]?.week ?? '1970-01-05';
    for (const f of [{}, { fromWeek: last, toWeek: last }]) {
      const range = raw('fromWeek' in f ? sql` AND week_start = toDate(${last})` : '');
      const [want] = await ch.query<object>(sql`SELECT count() AS calls, uniqExact(callee) AS callees, toUInt64(sum(is_answered)) AS answered_calls,
  toString(min(setup_time)) AS first_seen, toString(max(setup_time)) AS last_seen FROM ${raw(cdrs)} WHERE caller = ${caller}${range}`);
      check(`summary of ${caller} ${JSON.stringify(f)}`, await read.cdrSummary(caller, f), want);
    }
    const hours = new Array<number>(168).fill(0);
    for (const h of await ch.query<{ hour: number; n: number }>(sql`SELECT hour_of_week AS hour, count() AS n FROM ${raw(cdrs)} WHERE caller = ${caller} GROUP BY hour`)) hours[h.hour] = h.n;
    check(`calls by hour of ${caller}`, await read.callsByHourOfWeek(caller), hours);
  }
  return problems;
}

/**
 * The investigator's look-ups of a number's reports (ReadModel.numberReports: the weekly series,
 * summary and breakdowns from one read of the history states), for the most and the least reported
 * numbers, over all weeks and over the last week alone, against the deduplicated reported calls.
 */
async function reportLookupProblems(ch: Clickhouse, read: ReadModel): Promise<string[]> {
  const calls = `(SELECT * FROM ${t(ch, 'report_call_records')} LIMIT 1 BY report_id, call_index)`;
  const ranked = `SELECT number, count() AS n FROM ${calls} WHERE number NOT IN ('WITHHELD', 'INVALID') GROUP BY number`;
  const numbers = await ch.query<{ number: string }>(`SELECT number FROM (${ranked} ORDER BY n DESC, number LIMIT ${LOOKUP_CALLERS / 2})
UNION ALL SELECT number FROM (${ranked} ORDER BY n, number LIMIT ${LOOKUP_CALLERS / 2})`);
  const problems: string[] = [];
  // Columns in the read model's order (the comparison is of JSON texts).
  const reports = 'uniqExact(report_id) AS reports';
  const reporters = 'uniqExact(reporter_id) AS reporters';
  const reportedCalls = 'uniqExact(report_id, call_index) AS reported_calls';
  for (const { number } of numbers) {
    // (Not `${number} AS number`: ClickHouse would read the alias in WHERE.)
    const weeks = (
      await ch.query<{ week: string }>(sql`SELECT toString(call_week) AS week, ${raw(reports)}, ${raw(reporters)}, ${raw(reportedCalls)}
FROM ${raw(calls)} WHERE number = ${number} GROUP BY call_week ORDER BY call_week`)
    ).map((w) => ({ number, ...w }));
    const last = weeks[weeks.length - 1]?.week ?? '1970-01-05';
    for (const f of [{}, { fromWeek: last, toWeek: last }]) {
      const where = raw(sql`number = ${number}${raw('fromWeek' in f ? sql` AND call_week = toDate(${last})` : '')}`);
      const [summary] = await ch.query<{ reports: number }>(sql`SELECT ${raw(reports)}, ${raw(reporters)}, ${raw(reportedCalls)}, uniqExact(channel) AS channels,
  toString(min(call_time)) AS first_seen, toString(max(call_time)) AS last_seen FROM ${raw(calls)} WHERE ${where}`);
      const breakdown = (column: string): Promise<object[]> =>
        ch.query<object>(sql`SELECT ${ident(column)} AS value, ${raw(reports)}, ${raw(reportedCalls)} FROM ${raw(calls)} WHERE ${where} GROUP BY value ORDER BY reported_calls DESC, value`);
      const want = {
        weeks: 'fromWeek' in f ? weeks.slice(-1) : weeks,
        summary: summary?.reports === 0 ? undefined : summary,
        breakdowns: { call_type: await breakdown('call_type'), subject: await breakdown('subject'), channel: await breakdown('channel') },
      };
      const got = await read.numberReports(number, f);
      if (canonical([got]) !== canonical([want])) problems.push(`look-up of the reports of ${number} ${JSON.stringify(f)}: got ${JSON.stringify(got)} want ${JSON.stringify(want)}`);
    }
  }
  return problems;
}

/** Distinct CDRs and reports stored. */
export async function storedCounts(ch: Clickhouse): Promise<{ cdrs: number; reports: number }> {
  const db = ident(ch.database);
  const c = await ch.query<{ n: number }>(sql`SELECT uniqExact(platform, cdr_id) AS n FROM ${db}.cdr_records`);
  const r = await ch.query<{ n: number }>(sql`SELECT uniqExact(report_id) AS n FROM ${db}.report_call_records`);
  return { cdrs: c[0]?.n ?? 0, reports: r[0]?.n ?? 0 };
}
