import type { Clickhouse } from '../../core/clickhouse/client.ts';
import { raw, sql } from '../../core/clickhouse/escape.ts';
import { currentCdrTotalsSql } from '../../core/read-model/cdr-totals.ts';
import { isNumberSql, tableSql } from '../../core/read-model/tables.ts';

// The number-totals task (migration 0340, processors/README.md "Number totals"): finished weekly CDR
// figures for busy callers, so that a robocaller's profile, weekly series and a week's top numbers
// read a few integers per week instead of merging thousands of call identities. For every closed week
// whose record rows changed since the task last looked (cdr_week_changes), it finds the callers with
// at least `minCalls` rows that week (caller_weeks' `changes`, an upper bound of their calls) and
// (re)computes the totals of those whose states changed since their total was written. Each total
// carries the `changes` of the two state tables it was computed from, each read in the same SELECT as
// that table's figures; the read model uses each table's figures only while its `changes` still match
// (core/read-model/cdr-totals.ts), so nothing is ever read stale. The newest week with records is
// left to the states: its totals would be outdated by the next record.

/** A (caller, week) with fewer calls merges its states in well under a millisecond: no total. */
export const NUMBER_TOTALS_MIN_CALLS = 500;

/** Callers per INSERT (their numbers go into the statement as a literal list). */
const CALLERS_PER_STATEMENT = 1_000;

export interface NumberCdrTotalsResult {
  /** Closed weeks looked at because their records changed. */
  weeks: number;
  /** (caller, week) totals written. */
  totals: number;
  /** Callers whose distinct callees over their weeks with totals were (re)computed (migration 0350). */
  callerCallees: number;
}

function callerList(callers: readonly string[]): string {
  return callers.map((c) => sql`${c}`).join(', ');
}

/** Brings the busy callers' totals of every changed closed week up to date. */
export async function refreshNumberCdrTotals(ch: Clickhouse, minCalls = NUMBER_TOTALS_MIN_CALLS): Promise<NumberCdrTotalsResult> {
  const db = ch.database;
  const hints = tableSql(db, 'cdrWeekChanges');
  const scans = tableSql(db, 'numberCdrTotalScans');
  const weeks = await ch.query<{ week: string; n: number }>(sql`SELECT toString(week_start) AS week, n
FROM (SELECT week_start, sumMerge(changes) AS n FROM ${hints} GROUP BY week_start)
WHERE week_start < (SELECT max(week_start) FROM ${hints})
  AND (week_start, n, toUInt64(${minCalls})) GLOBAL NOT IN (SELECT week_start, changes, min_calls FROM ${scans})
ORDER BY week_start`);
  const result: NumberCdrTotalsResult = { weeks: weeks.length, totals: 0, callerCallees: 0 };
  const touched = new Set<string>();
  for (const { week, n } of weeks) {
    // The WITHHELD and INVALID buckets are no number anyone looks up (and the busiest "caller" of all).
    const busy = sql`SELECT caller FROM ${tableSql(db, 'numberCdrWeeks')} WHERE week_start = toDate(${week}) AND ${isNumberSql('caller')}
  GROUP BY caller HAVING sumMerge(changes) >= ${minCalls}`;
    const current = currentCdrTotalsSql(db, raw(sql`week_start = toDate(${week}) AND caller GLOBAL IN (${raw(busy)})`));
    // GLOBAL: on a cluster the subqueries read Distributed tables inside queries that read them too.
    const stale = await ch.query<{ caller: string }>(`SELECT caller FROM (${busy}) WHERE caller GLOBAL NOT IN (SELECT caller FROM (${current.text}))`);
    for (let i = 0; i < stale.length; i += CALLERS_PER_STATEMENT) {
      const callers = stale.slice(i, i + CALLERS_PER_STATEMENT).map((r) => r.caller);
      await writeTotals(ch, week, callers);
      result.totals += callers.length;
      for (const c of callers) touched.add(c);
    }
    await ch.command(sql`INSERT INTO ${scans} (week_start, changes, min_calls, scanned_at) VALUES (toDate(${week}), toUInt64(${n}), toUInt64(${minCalls}), now())`);
  }
  // Callers with totals and no callee state yet (totals written before migration 0350, or a run that
  // stopped between the two steps): theirs too.
  const missing = await ch.query<{ caller: string }>(`SELECT DISTINCT caller FROM ${tableSql(db, 'numberCdrWeekTotals').text}
  WHERE caller GLOBAL NOT IN (SELECT caller FROM ${tableSql(db, 'callerCalleeTotals').text})`);
  for (const { caller } of missing) touched.add(caller);
  const callers = [...touched].sort();
  for (let i = 0; i < callers.length; i += CALLERS_PER_STATEMENT) await writeCallerCallees(ch, callers.slice(i, i + CALLERS_PER_STATEMENT));
  result.callerCallees = callers.length;
  return result;
}

/**
 * The callers' distinct callees over their weeks with totals, as one state per caller, with each
 * week's `changes`, read in the same SELECT from the same states (so the state is exactly that of
 * those `changes`).
 */
async function writeCallerCallees(ch: Clickhouse, callers: readonly string[]): Promise<void> {
  const db = ch.database;
  const list = raw(callerList(callers));
  await ch.command(sql`INSERT INTO ${tableSql(db, 'callerCalleeTotals')} (caller, weeks, week_changes, callees, computed_at)
SELECT caller, groupArray(week_start), groupArray(n), uniqExactMergeState(st), now()
FROM (
  SELECT caller, week_start, sumMerge(changes) AS n, uniqExactMergeState(callees) AS st
  FROM ${tableSql(db, 'numberCdrWeekHistory')}
  WHERE caller IN (${list}) AND (caller, week_start) GLOBAL IN (SELECT caller, week_start FROM ${tableSql(db, 'numberCdrWeekTotals')} WHERE caller IN (${list}))
  GROUP BY caller, week_start
)
GROUP BY caller`);
}

/** One INSERT … SELECT: the callers' week figures and hours, each with its table's `changes`. */
async function writeTotals(ch: Clickhouse, week: string, callers: readonly string[]): Promise<void> {
  const db = ch.database;
  const where = raw(sql`week_start = toDate(${week}) AND caller IN (${raw(callerList(callers))})`);
  // Aggregates get inner names: ClickHouse substitutes an alias equal to a column name into its own argument.
  await ch.command(sql`INSERT INTO ${tableSql(db, 'numberCdrWeekTotals')} (week_start, caller, changes, hour_changes, calls, answered_calls,
  short_calls, callees, first_call, last_call, busiest_hour, busiest_hour_calls, hours, hour_calls, hour_answered, computed_at)
SELECT week_start, caller, anyIf(wn, src = 1), anyIf(hn, src = 2), anyIf(c, src = 1), anyIf(a, src = 1), anyIf(s, src = 1), anyIf(ce, src = 1),
  anyIf(fs, src = 1), anyIf(ls, src = 1), anyIf(bh, src = 2), anyIf(bhc, src = 2), anyIf(hs, src = 2), anyIf(hcs, src = 2), anyIf(has, src = 2), now()
FROM (
  SELECT toUInt8(1) AS src, week_start, caller, sumMerge(changes) AS wn, toUInt64(0) AS hn, uniqExactMerge(calls) AS c,
    uniqExactIfMerge(answered_calls) AS a, uniqExactIfMerge(short_calls) AS s, uniqExactMerge(callees) AS ce,
    minMerge(first_call) AS fs, maxMerge(last_call) AS ls, toUInt8(0) AS bh, toUInt64(0) AS bhc,
    emptyArrayUInt8() AS hs, emptyArrayUInt64() AS hcs, emptyArrayUInt64() AS has
  FROM ${tableSql(db, 'numberCdrWeekHistory')}
  PREWHERE ${where}
  GROUP BY week_start, caller
  UNION ALL
  SELECT toUInt8(2) AS src, week_start, caller, toUInt64(0) AS wn, sum(hour_n) AS hn, toUInt64(0) AS c, toUInt64(0) AS a, toUInt64(0) AS s,
    toUInt64(0) AS ce, toDateTime(0, 'UTC') AS fs, toDateTime(0, 'UTC') AS ls,
    toUInt8(argMax(hour, n * 256 + (255 - hour))) AS bh, max(n) AS bhc, groupArray(hour) AS hs, groupArray(n) AS hcs, groupArray(an) AS has
  FROM (
    SELECT week_start, caller, hour_of_week AS hour, sumMerge(changes) AS hour_n, uniqExactMerge(calls) AS n, uniqExactIfMerge(answered_calls) AS an
    FROM ${tableSql(db, 'numberCdrHistory')}
    PREWHERE ${where}
    GROUP BY week_start, caller, hour_of_week
  )
  GROUP BY week_start, caller
)
GROUP BY week_start, caller
HAVING countIf(src = 1) = 1 AND countIf(src = 2) = 1`);
}
