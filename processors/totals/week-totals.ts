import type { Clickhouse } from '../../core/clickhouse/client.ts';
import { raw, sql, type RawSql } from '../../core/clickhouse/escape.ts';
import { KPI_SQL } from '../../core/kpi/definitions.ts';
import { weekBounds, type WeekFilter } from '../../core/read-model/filters.ts';
import { tableSql } from '../../core/read-model/tables.ts';

// The week-totals task (migration 0330, processors/README.md "Week totals"): for every (week, key)
// whose states changed since its total was last computed, or that has none, it computes the finished
// figures from the states and writes them with the states' `changes`. Each figure and its `changes`
// come from one SELECT over one table, so they describe the same rows; a later insert changes
// `changes`, and the read model merges the states again until the next run. Re-running writes
// nothing new for unchanged weeks. Runs as one INSERT … SELECT per table on the server.

export interface WeekTotalsResult {
  /** (week, channel) totals written. */
  channelWeeks: number;
  overallWeeks: number;
  /** (week, channel, queue) totals written for the service-level threshold. */
  queueWeeks: number;
}

function staleKeys(states: RawSql, totals: RawSql, cols: readonly string[], where: RawSql, totalsWhere: RawSql): RawSql {
  const c = cols.join(', ');
  return raw(`SELECT ${c} FROM (SELECT ${c}, sumMerge(changes) AS n FROM ${states.text} WHERE ${where.text} GROUP BY ${c})
  WHERE (${c}, n) NOT IN (SELECT ${c}, changes FROM ${totals.text} WHERE ${totalsWhere.text})`);
}

async function written(ch: Clickhouse, query: string): Promise<number> {
  return (await ch.query<{ n: number }>(query))[0]?.n ?? 0;
}

/** Brings the totals of the weeks in `f` (all weeks when empty) up to date; returns how many were written. */
export async function refreshWeekTotals(ch: Clickhouse, serviceLevelSeconds: number, f: WeekFilter = {}): Promise<WeekTotalsResult> {
  const db = ch.database;
  const channelStates = tableSql(db, 'channelWeekStates');
  const queueStates = tableSql(db, 'queueWeekStates');
  const channelTotals = tableSql(db, 'channelWeekTotals');
  const overallTotals = tableSql(db, 'overallWeekTotals');
  const queueTotals = tableSql(db, 'queueWeekTotals');
  const weeks = weekBounds('call_week', f);
  const queueWeeks = weekBounds('week_start', f);
  const slMs = Math.trunc(serviceLevelSeconds * 1000);
  const slWhere = raw(sql`${queueWeeks} AND service_level_ms = ${slMs}`);

  const channelStale = staleKeys(channelStates, channelTotals, ['call_week', 'channel'], weeks, weeks);
  const overallStale = staleKeys(channelStates, overallTotals, ['call_week'], weeks, weeks);
  const queueStale = staleKeys(queueStates, queueTotals, ['week_start', 'channel', 'queue'], queueWeeks, slWhere);
  const counts = {
    channelWeeks: await written(ch, `SELECT count() AS n FROM (${channelStale.text})`),
    overallWeeks: await written(ch, `SELECT count() AS n FROM (${overallStale.text})`),
    queueWeeks: await written(ch, `SELECT count() AS n FROM (${queueStale.text})`),
  };
  // Aggregates get inner names (m_…): ClickHouse substitutes an alias equal to a column name into its own argument.
  if (counts.channelWeeks > 0)
    await ch.command(sql`INSERT INTO ${channelTotals} (call_week, channel, changes, reports, numbers, reported_calls, computed_at)
SELECT call_week, channel, m_changes, m_reports, m_numbers, m_calls, now()
FROM (
  SELECT call_week, channel, sumMerge(changes) AS m_changes, uniqExactMerge(reports) AS m_reports,
    uniqExactIfMerge(numbers) AS m_numbers, uniqExactMerge(reported_calls) AS m_calls
  FROM ${channelStates}
  PREWHERE (call_week, channel) GLOBAL IN (${channelStale})
  WHERE ${weeks}
  GROUP BY call_week, channel
)`);
  if (counts.overallWeeks > 0)
    await ch.command(sql`INSERT INTO ${overallTotals} (call_week, changes, reports, numbers, reported_calls, computed_at)
SELECT call_week, m_changes, m_reports, m_numbers, m_calls, now()
FROM (
  SELECT call_week, sumMerge(changes) AS m_changes, uniqExactMerge(reports) AS m_reports,
    uniqExactIfMerge(numbers) AS m_numbers, uniqExactMerge(reported_calls) AS m_calls
  FROM ${channelStates}
  PREWHERE call_week GLOBAL IN (${overallStale})
  WHERE ${weeks}
  GROUP BY call_week
)`);
  if (counts.queueWeeks > 0) {
    const k = KPI_SQL;
    await ch.command(sql`INSERT INTO ${queueTotals} (week_start, channel, queue, service_level_ms, changes, offered, answered, abandoned,
  answered_wait_ms, handle_ms, answered_within_sl, longest_wait_ms, computed_at)
SELECT week_start, channel, queue, toUInt64(${slMs}), m_changes, ${raw(k.offered)}, ${raw(k.answered)}, ${raw(k.abandoned)},
  ${raw(k.answeredWaitMs)}, ${raw(k.handleMs)}, ${raw(k.answeredWithinSl(slMs))}, ${raw(k.longestWaitMs)}, now()
FROM (
  SELECT week_start, channel, queue, sumMerge(changes) AS m_changes, groupUniqArrayMerge(contacts) AS contacts_set
  FROM ${queueStates}
  PREWHERE (week_start, channel, queue) GLOBAL IN (${queueStale})
  WHERE ${queueWeeks}
  GROUP BY week_start, channel, queue
)`);
  }
  return counts;
}
