import { CallwatchError } from './errors.ts';

// The one week calendar. Weeks are ISO weeks in a configured IANA zone, named by their Monday
// ('YYYY-MM-DD'). A record's week is computed in TypeScript at processing time and stored as a Date
// column, so ClickHouse 18.16 and 26.x (whose zone databases differ) always agree on the week; the
// arithmetic on week names (next, previous, ranges) lives here too.

export interface LocalWeek {
  /** Monday that starts the record's week, in the zone: YYYY-MM-DD. */
  weekStart: string;
  /** 0 = Monday 00:00–00:59 local … 167 = Sunday 23:00–23:59 local. */
  hourOfWeek: number;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const CACHE_LIMIT = 200_000;

function isoDate(utcDays: number): string {
  return new Date(utcDays * DAY_MS).toISOString().slice(0, 10);
}

/** The zone's offset from UTC during one UTC hour, or MIXED when it changes within the hour. */
const MIXED = Number.NaN;

export class WeekCalendar {
  private readonly format: Intl.DateTimeFormat;
  /** UTC hour -> the zone's offset (ms) throughout that hour, or MIXED. */
  private readonly offsets = new Map<number, number>();
  /** Local hour (hours since 1970-01-01 00:00 local) -> its week; one shared object per hour. */
  private readonly byLocalHour = new Map<number, LocalWeek>();

  constructor(readonly timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
  }

  // Asking Intl for every record cost ~4 µs each (most of the processors' week calculation when a
  // batch spans months), so the zone is asked twice per UTC hour instead: local wall time only
  // changes meaning at minute granularity in every zone since 1972, and no zone changes its offset
  // and back within one hour, so when the offset at the hour's first and last minute agree it holds
  // for the whole hour and the local time is plain arithmetic. An hour with a change in it (a
  // transition, possibly at an odd minute) asks Intl for the minute itself.
  locate(epochMs: number): LocalWeek {
    const minuteMs = Math.floor(epochMs / MINUTE_MS) * MINUTE_MS;
    const utcHour = Math.floor(minuteMs / HOUR_MS);
    let offset = this.offsets.get(utcHour);
    if (offset === undefined) {
      const first = this.offsetAt(utcHour * HOUR_MS);
      offset = first === this.offsetAt(utcHour * HOUR_MS + HOUR_MS - MINUTE_MS) ? first : MIXED;
      if (this.offsets.size >= CACHE_LIMIT) this.offsets.clear();
      this.offsets.set(utcHour, offset);
    }
    return this.weekOfLocalHour(Math.floor((minuteMs + (Number.isNaN(offset) ? this.offsetAt(minuteMs) : offset)) / HOUR_MS));
  }

  /** The zone's offset from UTC at a whole UTC minute, in ms (local wall time − UTC). */
  private offsetAt(minuteMs: number): number {
    const parts: Record<string, number> = {};
    for (const p of this.format.formatToParts(new Date(minuteMs))) {
      if (p.type !== 'literal') parts[p.type] = Number(p.value);
    }
    return Date.UTC(parts.year ?? 0, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0) - minuteMs;
  }

  private weekOfLocalHour(localHour: number): LocalWeek {
    const hit = this.byLocalHour.get(localHour);
    if (hit) return hit;
    const localDays = Math.floor(localHour / 24);
    // 1970-01-01 was a Thursday; ISO: Monday is day 0 of the week.
    const dayOfWeek = (((localDays + 3) % 7) + 7) % 7;
    const week: LocalWeek = { weekStart: isoDate(localDays - dayOfWeek), hourOfWeek: dayOfWeek * 24 + (localHour - localDays * 24) };
    if (this.byLocalHour.size >= CACHE_LIMIT) this.byLocalHour.clear();
    this.byLocalHour.set(localHour, week);
    return week;
  }
}

/** ISO year and week number of a Monday (YYYY-MM-DD): the week belongs to the year of its Thursday. */
export function isoWeekNumber(weekStart: string): { year: number; week: number } {
  const monday = Date.parse(`${weekStart}T00:00:00Z`);
  const thursday = new Date(monday + 3 * DAY_MS);
  const year = thursday.getUTCFullYear();
  const jan4 = Date.UTC(year, 0, 4);
  const firstMonday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
  return { year, week: Math.round((monday - firstMonday) / (7 * DAY_MS)) + 1 };
}

const WEEK_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date 'YYYY-MM-DD' between 1970 and 2105 that is a Monday. */
export function isMonday(text: string): boolean {
  const m = WEEK_DATE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text && d.getUTCDay() === 1 && d.getUTCFullYear() >= 1970 && d.getUTCFullYear() <= 2105;
}

/** Milliseconds of a 'YYYY-MM-DD' Monday (UTC midnight); throws unless it is a real date and a Monday. */
export function mondayMs(week: string): number {
  if (!isMonday(week)) throw new CallwatchError('CW_ERR_WEEK_INVALID', `${JSON.stringify(week.slice(0, 32))} is not a Monday written YYYY-MM-DD`, { week: week.slice(0, 32) });
  return Date.parse(`${week}T00:00:00Z`);
}

/** The Monday `n` weeks after (or before, n < 0) `week`. */
export function addWeeks(week: string, n: number): string {
  return new Date(mondayMs(week) + n * 7 * DAY_MS).toISOString().slice(0, 10);
}

/** The Monday seven days before `week`. */
export function previousWeek(week: string): string {
  return addWeeks(week, -1);
}

/** `count` consecutive Mondays starting at `first`. */
export function weekRange(first: string, count: number): string[] {
  const start = mondayMs(first);
  return Array.from({ length: count }, (_, i) => new Date(start + i * 7 * DAY_MS).toISOString().slice(0, 10));
}

/** Whole weeks from `from` to `to` (Mondays; negative when `to` is earlier). */
export function weeksBetween(from: string, to: string): number {
  return Math.round((mondayMs(to) - mondayMs(from)) / (7 * DAY_MS));
}

/** The Monday (UTC) of the week holding `at`. Week boundaries in the configured zone differ by at most a few hours. */
export function mondayOf(at: Date): string {
  const day = Math.floor(at.getTime() / DAY_MS);
  // 1970-01-01 was a Thursday: day 0 is weekday 3 counting from Monday = 0.
  const weekday = (day + 3) % 7;
  return new Date((day - weekday) * DAY_MS).toISOString().slice(0, 10);
}
