import { describe, expect, it } from 'vitest';
import { expandMacros, expandQuery, GrafanaMacroError, interpolateVariables } from './macros.ts';

// Expected texts follow the plugin's pkg/macros (grafana-clickhouse-datasource) and Grafana's
// templateSrv formats, worked out by hand for this range: 2016-03-07 09:30:15 → 2016-03-20 23:59:59 UTC.
const from = new Date('2016-03-07T09:30:15.900Z');
const to = new Date('2016-03-20T23:59:59.000Z');
const ctx = { from, to };

describe('expandMacros', () => {
  it('expands $__timeFilter(col) to an inclusive epoch-second range', () => {
    expect(expandMacros('WHERE $__timeFilter(setup_time)', ctx)).toBe('WHERE setup_time >= toDateTime(1457343015) AND setup_time <= toDateTime(1458518399)');
  });

  it('trims the argument as sqlds does', () => {
    expect(expandMacros('$__timeFilter( call_time )', ctx)).toBe('call_time >= toDateTime(1457343015) AND call_time <= toDateTime(1458518399)');
  });

  it('expands $__dateFilter with UTC days, and $__fromTime / $__toTime with or without parentheses', () => {
    expect(expandMacros('$__dateFilter(week)', ctx)).toBe("week >= toDate('2016-03-07') AND week <= toDate('2016-03-20')");
    expect(expandMacros('toDate($__fromTime), $__toTime()', ctx)).toBe('toDate(toDateTime(1457343015)), toDateTime(1458518399)');
  });

  it('gives $__interval_s in whole seconds, at least 1', () => {
    expect(expandMacros('$__interval_s', { ...ctx, intervalMs: 604_800_000 })).toBe('604800');
    expect(expandMacros('$__interval_s', { ...ctx, intervalMs: 20 })).toBe('1');
  });

  it('expands every occurrence', () => {
    expect(expandMacros('$__fromTime + $__fromTime', ctx)).toBe('toDateTime(1457343015) + toDateTime(1457343015)');
  });

  it('refuses macros whose expansion ClickHouse 18.16 cannot run, and unknown ones', () => {
    expect(() => expandMacros('$__timeInterval(setup_time)', ctx)).toThrow(/18\.16/);
    expect(() => expandMacros('$__fromTime_ms', ctx)).toThrow(GrafanaMacroError);
    expect(() => expandMacros('$__tableName', ctx)).toThrow(/unknown macro \$__tableName/);
  });

  it('refuses a filter macro without its column', () => {
    expect(() => expandMacros('$__timeFilter', ctx)).toThrow(/exactly one column/);
    expect(() => expandMacros('$__timeFilter(a, b)', ctx)).toThrow(/got 2/);
  });
});

describe('interpolateVariables', () => {
  it('percent-encodes as Grafana does, so quotes and backslashes cannot leave the SQL string', () => {
    const out = interpolateVariables("decodeURLComponent('${number:percentencode}')", { number: "+44 7700 '900\\' OR 1=1 --(*)!" });
    expect(out).toBe("decodeURLComponent('%2B44%207700%20%27900%5C%27%20OR%201%3D1%20--%28%2A%29%21')");
    expect(out.slice("decodeURLComponent('".length, -2)).toMatch(/^[A-Za-z0-9\-_.~%]*$/);
  });

  it('quotes single and multi values with :sqlstring (quotes doubled, double quotes backslashed)', () => {
    expect(interpolateVariables('x IN (${c:sqlstring})', { c: ['WEB', "it's", 'say "hi"'] })).toBe(`x IN ('WEB','it''s','say \\"hi\\"')`);
    expect(interpolateVariables('${c:sqlstring}', { c: 'WEB' })).toBe("'WEB'");
  });

  it('uses the plugin default format without an explicit one: arrays quoted and joined, strings raw', () => {
    expect(interpolateVariables('$c / ${c} / [[c]]', { c: ['A', 'B'] })).toBe("'A','B' / 'A','B' / 'A','B'");
    expect(interpolateVariables('$n', { n: '42' })).toBe('42');
  });

  it('leaves $__ names for the macro stage and fails on a variable without a value', () => {
    expect(interpolateVariables('$__timeFilter(t) AND $__toTime', {})).toBe('$__timeFilter(t) AND $__toTime');
    expect(() => interpolateVariables('number = $number', {})).toThrow(/\$number has no value/);
    expect(() => interpolateVariables('${n:csv}', { n: 'x' })).toThrow(/:csv/);
  });
});

describe('expandQuery', () => {
  it('runs variables first, then macros', () => {
    const sql = "SELECT 1 FROM t WHERE caller = decodeURLComponent('${number:percentencode}') AND $__timeFilter(setup_time)";
    expect(expandQuery(sql, { ...ctx, variables: { number: '+447700900123' } })).toBe(
      "SELECT 1 FROM t WHERE caller = decodeURLComponent('%2B447700900123') AND setup_time >= toDateTime(1457343015) AND setup_time <= toDateTime(1458518399)",
    );
  });
});
