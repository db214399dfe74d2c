import { raw, type RawSql } from '../clickhouse/escape.ts';
import { tableSql } from './tables.ts';

// A caller's CDR figures for (caller, week)s without a current total, counted two ways that give
// the same numbers: merged from the history states (migration 0340's views over cdr_records), or
// counted on the record rows themselves, as those views count them: distinct (platform, cdr_id)
// identities, so copies of a record count once (copies are identical: processors/sinks/conflicts.ts).
// Which one a read takes is a matter of cost (./cdr-totals.ts staleWeeksFromRows).

export interface CdrFigureExprs {
  /** The table, for a week's figures or (hours) per hour of the week; both have caller, week_start, hour_of_week where needed. */
  table: RawSql;
  calls: RawSql;
  answered: RawSql;
  short: RawSql;
  callees: RawSql;
  first: RawSql;
  last: RawSql;
}

const FROM_STATES = {
  calls: raw('uniqExactMerge(calls)'),
  answered: raw('uniqExactIfMerge(answered_calls)'),
  short: raw('uniqExactIfMerge(short_calls)'),
  callees: raw('uniqExactMerge(callees)'),
  first: raw('minMerge(first_call)'),
  last: raw('maxMerge(last_call)'),
};

const FROM_ROWS = {
  calls: raw('uniqExact(platform, cdr_id)'),
  answered: raw('uniqExactIf(platform, cdr_id, is_answered)'),
  short: raw('uniqExactIf(platform, cdr_id, is_short)'),
  callees: raw('uniqExact(callee)'),
  first: raw('min(setup_time)'),
  last: raw('max(setup_time)'),
};

/** The figures' expressions from rows or from states (per week, or per hour of the week with `hours`). */
export function cdrFigures(db: string, fromRows: boolean, hours = false): CdrFigureExprs {
  if (fromRows) return { table: tableSql(db, 'cdrRecords'), ...FROM_ROWS };
  return { table: tableSql(db, hours ? 'numberCdrHistory' : 'numberCdrWeekHistory'), ...FROM_STATES };
}
