import { describe, expect, it } from 'vitest';
import { axis, weeklyBarChart } from './charts.ts';
import { h } from './html.ts';

describe('axis', () => {
  it('steps by 1, 2 or 5 × 10^n, whole counts, top at or above the maximum', () => {
    expect(axis(0)).toEqual({ step: 1, top: 1 });
    expect(axis(4)).toEqual({ step: 1, top: 4 });
    expect(axis(7)).toEqual({ step: 2, top: 8 });
    expect(axis(4300)).toEqual({ step: 2000, top: 6000 });
    expect(axis(2350)).toEqual({ step: 1000, top: 3000 });
  });
});

describe('weeklyBarChart', () => {
  const chart = (values: Record<string, number>, title = 'Reports') =>
    weeklyBarChart({ id: 'c', title, description: 'd', weeks: Object.keys(values), series: [{ key: 'r', label: 'reports', colour: '#000' }], value: (w) => values[w] ?? 0, marks: new Map([['2016-03-14', 'SPIKE' as const]]) }).html;

  it('draws each bar to one scale with its week and value as data', () => {
    const svg = chart({ '2016-03-07': 2, '2016-03-14': 4, '2016-03-21': 0 });
    const bars = [...svg.matchAll(/data-week="([^"]+)" data-series="r" data-value="(\d+)"[^>]* height="([\d.]+)"/g)].map((m) => [m[1], Number(m[2]), Number(m[3])]);
    expect(bars.map((b) => b.slice(0, 2))).toEqual([
      ['2016-03-07', 2],
      ['2016-03-14', 4],
      ['2016-03-21', 0],
    ]);
    expect(Number(bars[1]?.[2])).toBeCloseTo(2 * Number(bars[0]?.[2]), 1);
    expect(bars[2]?.[2]).toBe(0);
    expect(svg).toContain('class="mark" data-week="2016-03-14" data-kind="SPIKE"');
  });

  it('escapes text, so a label can never become markup', () => {
    expect(chart({ '2016-03-07': 1 }, '<script>alert(1)</script>')).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(h`<p title="${'a"b'}">${"<b>'"}</p>`.html).toBe('<p title="a&quot;b">&lt;b&gt;&#39;</p>');
  });
});
