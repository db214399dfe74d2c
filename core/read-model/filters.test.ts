import { describe, expect, it } from 'vitest';
import { raw } from '../clickhouse/escape.ts';
import { isCallwatchError } from '../errors.ts';
import { inList, weekBounds } from './filters.ts';
import { numbersByPrefixSql } from './lists.ts';
import { numberChannelWeeksSql } from './weekly.ts';

describe('read model filters', () => {
  it('writes week bounds as checked literals, or a Grafana expression as it is', () => {
    expect(weekBounds('call_week', { fromWeek: '2016-01-04', toWeek: '2016-05-16' }).text).toBe("call_week >= toDate('2016-01-04') AND call_week <= toDate('2016-05-16')");
    expect(weekBounds('call_week', {}).text).toBe('1');
    expect(weekBounds('week_start', { fromWeek: raw('toMonday(toDate($__fromTime))') }).text).toBe('week_start >= toDate(toMonday(toDate($__fromTime)))');
  });

  it('refuses anything but a Monday before it reaches SQL', () => {
    for (const bad of ["2016-01-04') OR 1=1 --", '2016-01-05', '2016-13-04', '']) {
      try {
        weekBounds('call_week', { toWeek: bad });
        expect.unreachable(bad);
      } catch (err) {
        expect(isCallwatchError(err, 'CW_ERR_WEEK_INVALID')).toBe(true);
      }
    }
    expect(() => numberChannelWeeksSql('callwatch', { fromWeek: "2016-01-04' --", toWeek: '2016-05-16' }, 5, 20)).toThrow(/not a Monday/);
  });

  it('escapes list values and tells no list from an empty one', () => {
    expect(inList('number', ["+44'1"]).text).toBe("number IN ('+44\\'1')");
    expect(inList('number', undefined).text).toBe('1');
    expect(inList('number', []).text).toBe('0');
  });

  it('takes a prefix only as + and digits, so LIKE has no wildcard of the caller', () => {
    expect(numbersByPrefixSql('callwatch', '+447700900', {})).toContain("LIKE '+447700900%'");
    expect(() => numbersByPrefixSql('callwatch', '+44%', {})).toThrow(/prefix/);
  });
});
