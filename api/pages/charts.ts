import { COLOURS, fmt, h, weekLabel, type Html } from './html.ts';

// Inline SVG charts for the investigator pages: weekly bars (one or more series side by side, spike
// and level-shift weeks marked) and an hour-of-week heat map. Every bar carries its week, series and
// value as data-* attributes and a <title> (a tooltip, and what a screen reader reads), so the
// browser test can compare the drawing with the JSON answer. Pure functions of their input.

export interface BarSeries {
  key: string;
  label: string;
  colour: string;
}

export interface WeeklyBars {
  id: string;
  title: string;
  /** What the chart shows, for screen readers (the <desc>). */
  description: string;
  weeks: readonly string[];
  series: readonly BarSeries[];
  /** value(week, series key) */
  value: (week: string, series: string) => number;
  /** Weeks to mark, with their verdict. */
  marks?: ReadonlyMap<string, VerdictKind>;
}

const W = 760;
const H = 260;
const PAD = { top: 26, right: 12, bottom: 46, left: 56 };

/** Axis step and top for counts: about four steps of 1, 2 or 5 × 10^n (never below 1), top ≥ max. */
export function axis(max: number): { step: number; top: number } {
  const rough = Math.max(1, max / 4);
  const p = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 5, 10].map((m) => m * p).find((s) => s >= rough) ?? 10 * p);
  return { step, top: Math.max(step, Math.ceil(max / step) * step) };
}

/** What spike detection says of a week (processors/spikes/verdict.ts): DROP only for channels and the whole stream. */
export type VerdictKind = 'SPIKE' | 'LEVEL_SHIFT' | 'DROP';
const MARK_TEXT = { SPIKE: 'S', LEVEL_SHIFT: 'L', DROP: 'D' } as const;
const MARK_NAME = { SPIKE: 'spike', LEVEL_SHIFT: 'level shift', DROP: 'drop' } as const;
const MARK_COLOUR = { SPIKE: COLOURS.spike, LEVEL_SHIFT: COLOURS.shift, DROP: COLOURS.drop } as const;
const MARK_DASH = { SPIKE: '', LEVEL_SHIFT: '5 3', DROP: '2 2' } as const;
const MARK_BADGE = { SPIKE: 'spike', LEVEL_SHIFT: 'shift', DROP: 'drop' } as const;

/** A verdict as a badge: a letter on a colour, and its name (colour is never the only cue). */
export function verdictBadge(kind: VerdictKind): Html {
  return h`<span class="badge ${MARK_BADGE[kind]}">${MARK_TEXT[kind]}</span> ${MARK_NAME[kind]}`;
}

export function weeklyBarChart(c: WeeklyBars): Html {
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const all = c.weeks.flatMap((w) => c.series.map((s) => c.value(w, s.key)));
  const { step, top } = axis(Math.max(0, ...all));
  const slot = c.weeks.length > 0 ? plotW / c.weeks.length : plotW;
  const barW = Math.max(1, (slot * 0.8) / Math.max(1, c.series.length));
  const y = (v: number): number => PAD.top + plotH - (v / top) * plotH;
  const labelEvery = Math.max(1, Math.ceil(c.weeks.length / 12));

  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => {
    const v = i * step;
    return h`<g class="tick"><line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="${COLOURS.grid}" stroke-width="1"/><text x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${fmt(v)}</text></g>`;
  });

  const groups = c.weeks.map((week, i) => {
    const x0 = PAD.left + i * slot + slot * 0.1;
    const mark = c.marks?.get(week);
    const bars = c.series.map((s, j) => {
      const v = c.value(week, s.key);
      const yTop = y(v);
      return h`<rect class="bar" data-week="${week}" data-series="${s.key}" data-value="${v}" x="${(x0 + j * barW).toFixed(1)}" y="${yTop.toFixed(1)}" width="${barW.toFixed(1)}" height="${(PAD.top + plotH - yTop).toFixed(1)}" fill="${s.colour}"><title>${s.label}, week of ${weekLabel(week)}: ${fmt(v)}${mark ? ` (${MARK_NAME[mark]})` : ''}</title></rect>`;
    });
    const markSvg = mark
      ? h`<g class="mark" data-week="${week}" data-kind="${mark}"><rect x="${(x0 - 2).toFixed(1)}" y="${PAD.top - 22}" width="${(slot * 0.8 + 4).toFixed(1)}" height="${plotH + 22}" fill="none" stroke="${MARK_COLOUR[mark]}" stroke-width="2" stroke-dasharray="${MARK_DASH[mark]}"/><text x="${(x0 + slot * 0.4).toFixed(1)}" y="${PAD.top - 8}" text-anchor="middle" font-weight="700" style="fill:${MARK_COLOUR[mark]}">${MARK_TEXT[mark]}</text></g>`
      : null;
    const label = i % labelEvery === 0 ? h`<text x="${(x0 + slot * 0.4).toFixed(1)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${weekLabel(week, false)}</text>` : null;
    return h`<g class="week">${markSvg}${bars}${label}</g>`;
  });

  const legend = [
    ...c.series.map((s) => h`<li><span class="swatch" style="background:${s.colour}"></span>${s.label}</li>`),
    ...(c.marks && c.marks.size > 0
      ? [...new Set(c.marks.values())].sort().map((k) => h`<li>${verdictBadge(k)} week</li>`)
      : []),
  ];

  return h`<figure id="${c.id}" class="chart">
<figcaption id="${c.id}-title">${c.title}</figcaption>
<svg role="img" aria-labelledby="${c.id}-title ${c.id}-desc" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">
<desc id="${c.id}-desc">${c.description}</desc>
${ticks}
<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH}" stroke="${COLOURS.text}" stroke-width="1"/>
${groups}
<text x="${PAD.left + plotW / 2}" y="${H - 6}" text-anchor="middle">week starting (Monday)</text>
</svg>
<ul class="legend">${legend}</ul>
</figure>`;
}

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

export interface HourHeatMap {
  id: string;
  title: string;
  description: string;
  /** 168 counts: 0 = Monday 00:00–00:59 … 167 = Sunday 23:00–23:59. */
  counts: readonly number[];
  /** What one count is, for the tooltips ("weeks"). */
  unit: string;
}

/** Shade of a cell: white for 0, up to the bar colour for the maximum (alpha steps of 1/5). */
function shade(v: number, max: number): string {
  if (v <= 0 || max <= 0) return '#ffffff';
  const step = Math.ceil((v / max) * 5) / 5;
  return `rgba(47, 93, 138, ${step.toFixed(1)})`;
}

export function hourHeatMap(m: HourHeatMap): Html {
  const cell = 26;
  const left = 40;
  const topPad = 22;
  const max = Math.max(0, ...m.counts);
  const hours = Array.from({ length: 24 }, (_, hr) => (hr % 3 === 0 ? h`<text x="${left + hr * cell + cell / 2}" y="14" text-anchor="middle">${String(hr).padStart(2, '0')}</text>` : null));
  const rows = DAYS.map((day, d) => {
    const cells = Array.from({ length: 24 }, (_, hr) => {
      const idx = d * 24 + hr;
      const v = m.counts[idx] ?? 0;
      return h`<rect class="cell" data-hour="${idx}" data-value="${v}" x="${left + hr * cell}" y="${topPad + d * cell}" width="${cell - 2}" height="${cell - 2}" fill="${shade(v, max)}" stroke="${COLOURS.grid}"><title>${day} ${String(hr).padStart(2, '0')}:00–${String(hr).padStart(2, '0')}:59: ${fmt(v)} ${m.unit}</title></rect>`;
    });
    return h`<g><text x="${left - 6}" y="${topPad + d * cell + cell / 2 + 4}" text-anchor="end">${day}</text>${cells}</g>`;
  });
  const width = left + 24 * cell + 4;
  const height = topPad + 7 * cell + 4;
  return h`<figure id="${m.id}" class="chart">
<figcaption id="${m.id}-title">${m.title}</figcaption>
<svg role="img" aria-labelledby="${m.id}-title ${m.id}-desc" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">
<desc id="${m.id}-desc">${m.description}</desc>
${hours}
${rows}
</svg>
</figure>`;
}
