import { describe, expect, it } from 'vitest';
import { WeekCalendar, isoWeekNumber } from './weeks.ts';

const london = new WeekCalendar('Europe/London');
const at = (iso: string): number => Date.parse(iso);

describe('WeekCalendar (Europe/London)', () => {
  it('puts the last instant of a Sunday and the first of a Monday in different weeks (winter, UTC+0)', () => {
    // 15 May 2016 is BST (UTC+1): 23:59:59Z is already Monday 00:59 local.
    expect(london.locate(at('2016-05-15T23:59:59.999Z'))).toEqual({ weekStart: '2016-05-16', hourOfWeek: 0 });
    expect(london.locate(at('2016-05-15T22:59:59.999Z')).weekStart).toBe('2016-05-09');
    expect(london.locate(at('2016-05-15T23:00:00.000Z'))).toEqual({ weekStart: '2016-05-16', hourOfWeek: 0 });
    expect(london.locate(at('2016-01-10T23:59:59Z'))).toEqual({ weekStart: '2016-01-04', hourOfWeek: 167 });
    expect(london.locate(at('2016-01-11T00:00:00Z'))).toEqual({ weekStart: '2016-01-11', hourOfWeek: 0 });
  });

  it('handles the Monday after the last Sunday of March (clocks went forward that Sunday)', () => {
    // 31 Mar 2024 01:00Z clocks go 01:00 GMT -> 02:00 BST; Monday 1 Apr 00:00 BST = 31 Mar 23:00Z.
    expect(london.locate(at('2024-03-31T00:59:59Z'))).toEqual({ weekStart: '2024-03-25', hourOfWeek: 6 * 24 + 0 });
    expect(london.locate(at('2024-03-31T01:00:00Z'))).toEqual({ weekStart: '2024-03-25', hourOfWeek: 6 * 24 + 2 });
    expect(london.locate(at('2024-03-31T22:59:59Z'))).toEqual({ weekStart: '2024-03-25', hourOfWeek: 167 });
    expect(london.locate(at('2024-03-31T23:00:00Z'))).toEqual({ weekStart: '2024-04-01', hourOfWeek: 0 });
  });

  it('handles the Monday after the last Sunday of October (clocks went back that Sunday)', () => {
    // 27 Oct 2024 01:00Z clocks go 02:00 BST -> 01:00 GMT; Monday 28 Oct 00:00 GMT = 28 Oct 00:00Z.
    expect(london.locate(at('2024-10-27T00:30:00Z'))).toEqual({ weekStart: '2024-10-21', hourOfWeek: 6 * 24 + 1 });
    expect(london.locate(at('2024-10-27T01:30:00Z'))).toEqual({ weekStart: '2024-10-21', hourOfWeek: 6 * 24 + 1 });
    expect(london.locate(at('2024-10-27T23:59:59Z'))).toEqual({ weekStart: '2024-10-21', hourOfWeek: 167 });
    expect(london.locate(at('2024-10-28T00:00:00Z'))).toEqual({ weekStart: '2024-10-28', hourOfWeek: 0 });
    // The week before, still BST: Monday 21 Oct 00:00 BST = 20 Oct 23:00Z.
    expect(london.locate(at('2024-10-20T23:00:00Z')).weekStart).toBe('2024-10-21');
    expect(london.locate(at('2024-10-20T22:59:59Z')).weekStart).toBe('2024-10-14');
  });

  it('crosses year boundaries into ISO week 53 and week 1', () => {
    const w = london.locate(at('2021-01-03T23:59:59Z'));
    expect(w.weekStart).toBe('2020-12-28');
    expect(isoWeekNumber(w.weekStart)).toEqual({ year: 2020, week: 53 });
    expect(london.locate(at('2021-01-04T00:00:00Z')).weekStart).toBe('2021-01-04');
    expect(isoWeekNumber('2021-01-04')).toEqual({ year: 2021, week: 1 });
    expect(isoWeekNumber('2015-12-28')).toEqual({ year: 2015, week: 53 });
    // 1 Jan 2019 is a Tuesday: its week starts in 2018 and is ISO 2019-W01.
    expect(london.locate(at('2019-01-01T12:00:00Z')).weekStart).toBe('2018-12-31');
    expect(isoWeekNumber('2018-12-31')).toEqual({ year: 2019, week: 1 });
    expect(isoWeekNumber('2016-05-16')).toEqual({ year: 2016, week: 20 });
  });

  it('uses the configured zone, not UTC', () => {
    const ny = new WeekCalendar('America/New_York');
    // Monday 4 Mar 2024 04:59Z is Sunday 23:59 EST.
    expect(ny.locate(at('2024-03-04T04:59:00Z'))).toEqual({ weekStart: '2024-02-26', hourOfWeek: 167 });
    expect(ny.locate(at('2024-03-04T05:00:00Z'))).toEqual({ weekStart: '2024-03-04', hourOfWeek: 0 });
    const kolkata = new WeekCalendar('Asia/Kolkata');
    // UTC+5:30: Sunday 18:29:59Z is Sunday 23:59:59 local; 18:30Z is Monday 00:00.
    expect(kolkata.locate(at('2024-03-03T18:29:59Z')).weekStart).toBe('2024-02-26');
    expect(kolkata.locate(at('2024-03-03T18:30:00Z')).weekStart).toBe('2024-03-04');
  });

  it('agrees with a day-by-day walk over a decade of hours', () => {
    // Independent oracle: the local calendar day from toLocaleDateString, stepped back to Monday.
    const cal = new WeekCalendar('Europe/London');
    for (let t = at('2015-01-01T00:30:00Z'); t < at('2025-01-01T00:00:00Z'); t += 3_600_000 * 7 + 60_000) {
      const local = new Date(t).toLocaleString('en-US', { timeZone: 'Europe/London', weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit' });
      const m = /^(\w{3}), (\d{2})\/(\d{2})\/(\d{4})$/.exec(local);
      if (!m) throw new Error(local);
      const back = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(m[1] ?? '');
      const monday = new Date(Date.UTC(Number(m[4]), Number(m[2]) - 1, Number(m[3]) - back)).toISOString().slice(0, 10);
      expect(cal.locate(t).weekStart).toBe(monday);
    }
  });
});

describe('WeekCalendar arithmetic per hour', () => {
  // Oracle: the local date and hour straight from Intl for the minute itself (what locate() did for
  // every record before it cached the zone's offset per UTC hour).
  function oracle(timeZone: string): (t: number) => { weekStart: string; hourOfWeek: number } {
    const f = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' });
    return (t) => {
      const p: Record<string, number> = {};
      for (const x of f.formatToParts(new Date(t))) if (x.type !== 'literal') p[x.type] = Number(x.value);
      const days = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1) / 86_400_000;
      const dow = (new Date(days * 86_400_000).getUTCDay() + 6) % 7;
      return { weekStart: new Date((days - dow) * 86_400_000).toISOString().slice(0, 10), hourOfWeek: dow * 24 + (p.hour ?? 0) };
    };
  }

  // St John's changed its clocks at 00:01 local until 2011, Lord Howe moves them by 30 minutes,
  // Chatham is UTC+12:45/13:45, Kathmandu UTC+5:45 all year.
  it.each([
    ['America/St_Johns', 4],
    ['Australia/Lord_Howe', 4],
    ['Pacific/Chatham', 4],
    ['Europe/London', 4],
    ['Asia/Kathmandu', 0],
    ['UTC', 0],
  ] as const)('agrees with Intl minute by minute around every offset change of 2009-2010 in %s', (zone, changes) => {
    const cal = new WeekCalendar(zone);
    const expected = oracle(zone);
    const f = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const wall = (t: number): string => f.format(new Date(t));
    // Six-hour steps find every change (they are months apart): the wall clock moves by other than 6 h.
    const SIX_HOURS = 21_600_000;
    let found = 0;
    for (let h = at('2009-01-01T00:00:00Z'); h < at('2011-01-01T00:00:00Z'); h += SIX_HOURS) {
      const [a, b] = [wall(h), wall(h + SIX_HOURS)].map((w) => Number(w.slice(0, 2)) * 60 + Number(w.slice(3, 5)));
      if ((((b ?? 0) - (a ?? 0) + 1440) % 1440) === 360) continue;
      found += 1;
      for (let t = h; t <= h + SIX_HOURS; t += 60_000) {
        expect(cal.locate(t)).toEqual(expected(t));
        expect(cal.locate(t + 59_999)).toEqual(expected(t + 59_999));
      }
    }
    expect(found).toBe(changes);
    // And a sweep at odd steps through the years in between.
    for (let t = at('2009-01-01T00:00:00Z'); t < at('2011-01-01T00:00:00Z'); t += 3_600_000 * 5 + 7 * 60_000 + 13_000) {
      expect(cal.locate(t)).toEqual(expected(t));
    }
  });
});
