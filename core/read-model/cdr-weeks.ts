import type { CdrTotalKey, CdrTotalsSource } from './cdr-totals.ts';
import type { NumberCdrWeekWithHours, StaleCdrWeek } from './weekly.ts';

// A look-up's weekly CDR series put together from its snapshot (./cdr-totals.ts) and one query:
// the snapshot's first step read the callers' total rows with their figures, so the figures of
// current totals come from there, and the query (numberCdrWeeksSql with staleOnly) counts only what
// no current total holds. At 100M CDRs reading the busiest robocallers' 52 totals again inside the
// series query, filtered by literal lists of their `changes`, was 12-19 ms of its 33
// (bench/scale/README.md). Each week's figures come from exactly one of the two: a week figure (or
// hour) is in the query only where no total is current for it.

type WeekFigures = Pick<NumberCdrWeekWithHours, 'calls' | 'callees' | 'answered_calls' | 'short_calls' | 'first_seen' | 'last_seen'>;
type HourFigures = Pick<NumberCdrWeekWithHours, 'busiest_hour' | 'busiest_hour_calls' | 'hours' | 'hour_calls'>;

const weekFigures = (k: CdrTotalKey): WeekFigures => ({
  calls: k.calls ?? 0,
  callees: k.callees ?? 0,
  answered_calls: k.answered_calls ?? 0,
  short_calls: k.short_calls ?? 0,
  first_seen: k.first_seen ?? '',
  last_seen: k.last_seen ?? '',
});

const hourFigures = (k: CdrTotalKey): HourFigures => ({
  busiest_hour: k.busiest_hour ?? 0,
  busiest_hour_calls: k.busiest_hour_calls ?? 0,
  hours: k.hours ?? [],
  hour_calls: k.hour_calls ?? [],
});

/**
 * The weekly series of a snapshot's callers: each week's figures from its current total or from the
 * query's row, in the order and with the columns numberCdrWeeksSql gives (the shares divide as
 * ClickHouse does: both are IEEE doubles).
 */
export function cdrWeeksWithTotals(source: CdrTotalsSource, stale: readonly StaleCdrWeek[]): NumberCdrWeekWithHours[] {
  const byWeek = new Map<string, { number: string; week: string; w?: WeekFigures; h?: HourFigures }>();
  const entry = (number: string, week: string): { number: string; week: string; w?: WeekFigures; h?: HourFigures } => {
    const key = `${number} ${week}`;
    let e = byWeek.get(key);
    if (!e) byWeek.set(key, (e = { number, week }));
    return e;
  };
  if (source.kind === 'snapshot') {
    for (const k of source.keys) {
      const e = entry(k.caller, k.week);
      if (k.week_current === 1) e.w ??= weekFigures(k);
      if (k.hours_current === 1) e.h ??= hourFigures(k);
    }
  }
  for (const r of stale) {
    const e = entry(r.number, r.week);
    if (r.has_week_figures === 1) e.w = r;
    if (r.has_hours === 1) e.h = r;
  }
  const weeks: NumberCdrWeekWithHours[] = [];
  for (const { number, week, w, h } of byWeek.values()) {
    // A total current for neither kind of figure, of a week without records in range: no week.
    if (!w || !h) continue;
    weeks.push({
      number,
      week,
      calls: w.calls,
      callees: w.callees,
      answered_calls: w.answered_calls,
      answered_share: w.answered_calls / w.calls,
      short_calls: w.short_calls,
      short_share: w.short_calls / w.calls,
      busiest_hour: h.busiest_hour,
      busiest_hour_calls: h.busiest_hour_calls,
      first_seen: w.first_seen,
      last_seen: w.last_seen,
      hours: h.hours,
      hour_calls: h.hour_calls,
    });
  }
  return weeks.sort((a, b) => (a.number === b.number ? (a.week < b.week ? -1 : a.week > b.week ? 1 : 0) : a.number < b.number ? -1 : 1));
}
