import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkEventTime, parseIsoWithOffset, zonedToEpochMs } from './time.ts';

describe('event times', () => {
  it('parses ISO-8601 with an offset or Z, with fractions, and refuses local times and impossible dates', () => {
    expect(parseIsoWithOffset('2016-05-17T10:00:00+01:00')).toBe(Date.UTC(2016, 4, 17, 9));
    expect(parseIsoWithOffset('2016-05-17T09:00:00.123456Z')).toBe(Date.UTC(2016, 4, 17, 9, 0, 0, 123));
    expect(parseIsoWithOffset('2016-05-17T09:00-0130')).toBe(Date.UTC(2016, 4, 17, 10, 30));
    expect(parseIsoWithOffset('2016-05-17T09:00:00')).toBeUndefined();
    expect(parseIsoWithOffset('2016-02-30T09:00:00Z')).toBeUndefined();
    expect(parseIsoWithOffset('2016-05-17T24:00:00Z')).toBeUndefined();
  });

  it('refuses future times beyond the skew, epoch seconds, and non-integers', () => {
    const now = Date.UTC(2024, 0, 1);
    expect(checkEventTime(now + 299_000, now, 300_000)).toEqual({ ok: true, ms: now + 299_000 });
    expect(checkEventTime(now + 301_000, now, 300_000)).toMatchObject({ ok: false, reason: 'future_time' });
    expect(checkEventTime(1_700_000_000, now, 0)).toMatchObject({ ok: false, reason: 'time_out_of_range' });
    expect(checkEventTime(1.5e12 + 0.5, now, 0)).toMatchObject({ ok: false, reason: 'invalid_time' });
  });

  it('reads wall-clock times in a zone across DST (earlier instant in the overlap)', () => {
    expect(zonedToEpochMs({ year: 2016, month: 1, day: 10, hour: 12, minute: 0, second: 0 }, 'Europe/London')).toBe(Date.UTC(2016, 0, 10, 12));
    expect(zonedToEpochMs({ year: 2016, month: 7, day: 10, hour: 12, minute: 0, second: 0 }, 'Europe/London')).toBe(Date.UTC(2016, 6, 10, 11));
    expect(zonedToEpochMs({ year: 2016, month: 10, day: 30, hour: 1, minute: 30, second: 0 }, 'Europe/London')).toBe(Date.UTC(2016, 9, 30, 0, 30));
  });

  it('round-trips any instant through its London wall-clock time (property)', () => {
    const f = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2001, 0, 1) / 1000, max: Date.UTC(2035, 0, 1) / 1000 }), (s) => {
        const p = Object.fromEntries(f.formatToParts(new Date(s * 1000)).filter((x) => x.type !== 'literal').map((x) => [x.type, Number(x.value)]));
        const back = zonedToEpochMs({ year: p.year ?? 0, month: p.month ?? 0, day: p.day ?? 0, hour: p.hour ?? 0, minute: p.minute ?? 0, second: p.second ?? 0 }, 'Europe/London');
        // In the autumn overlap the same wall time names two instants; the earlier one is taken.
        expect([s * 1000, s * 1000 - 3_600_000]).toContain(back);
      }),
    );
  });
});
