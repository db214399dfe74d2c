import type { ChannelWeek } from '../../core/read-model/weekly.ts';
import { addWeeks } from '../../core/weeks.ts';
import type { z } from 'zod';
import type { spikesListSchema } from '../routes/prefix-and-spikes.ts';
import type { topNumbersSchema } from '../routes/week-lists.ts';
import { verdictBadge, weeklyBarChart, type BarSeries, type VerdictKind } from './charts.ts';
import { COLOURS, fmt, h, pct, weekLabel, type Html } from './html.ts';

// The weekly overview: reports per week overall and per reporting channel (level shifts and spikes
// marked), the week's verdicts, and the week's top numbers linking to their evidence pages. Built from
// the weekly aggregates and from the answers of GET /v1/spikes and GET /v1/top-numbers.

export interface OverviewData {
  week: string;
  weeks: readonly string[];
  channelWeeks: readonly ChannelWeek[];
  /** Verdicts (GET /v1/spikes items) of the weeks shown: the stream's, the channels', the week's numbers'. */
  spikes: z.output<typeof spikesListSchema>['items'];
  top: z.output<typeof topNumbersSchema>;
}

// Channel colours: each at least 3:1 on white; the legend and tooltips name them, so colour is not the only cue.
const CHANNEL_COLOURS = ['#2f5d8a', '#6b4c9a', '#1d6b50', '#8a3b12', '#4a4a4a', '#0b6e99', '#7a2848'];

type Verdict = VerdictKind;

/** Per week, the verdict to mark: a level shift wins over a spike (it is the lasting change). */
function marksOf(items: OverviewData['spikes'], keep: (s: OverviewData['spikes'][number]) => boolean): Map<string, Verdict> {
  const out = new Map<string, Verdict>();
  for (const s of items.filter(keep)) if (out.get(s.week) !== 'LEVEL_SHIFT') out.set(s.week, s.kind);
  return out;
}

export function overviewPageBody(d: OverviewData): { title: string; body: Html } {
  const channels = [...new Set(d.channelWeeks.map((c) => c.channel))].sort();
  const reports = new Map(d.channelWeeks.map((c) => [`${c.week}|${c.channel}`, c.reports]));
  const total = (week: string): number => channels.reduce((n, ch) => n + (reports.get(`${week}|${ch}`) ?? 0), 0);
  const series: BarSeries[] = channels.map((ch, i) => ({ key: ch, label: ch, colour: CHANNEL_COLOURS[i % CHANNEL_COLOURS.length] ?? COLOURS.bar }));
  const overallMarks = marksOf(d.spikes, (s) => s.scope === 'overall');
  const channelMarks = marksOf(d.spikes, (s) => s.scope === 'channel');
  const numberVerdicts = new Map(d.spikes.filter((s) => s.scope === 'number' && s.week === d.week).map((s) => [s.key, s.kind]));
  const title = `Weekly overview: week of ${weekLabel(d.week)}`;
  const first = d.weeks[0];
  const last = d.weeks[d.weeks.length - 1];

  const totalChart = weeklyBarChart({
    id: 'chart-total',
    title: 'All nuisance reports per week',
    description: `Bars per week of the reported calls, ${first ? weekLabel(first) : ''} to ${last ? weekLabel(last) : ''}: all reports from every channel. Weeks that spike detection judged a spike or a level shift of the whole stream are outlined and lettered.`,
    weeks: d.weeks,
    series: [{ key: 'total', label: 'all reports', colour: COLOURS.bar }],
    value: (week) => total(week),
    marks: overallMarks,
  });
  const channelChart = weeklyBarChart({
    id: 'chart-channels',
    title: 'Reports per week by reporting channel',
    description: `Bars per week, one per channel (${channels.join(', ')}). Weeks with a spike or level-shift verdict for any channel are outlined and lettered; the table below names the channel.`,
    weeks: d.weeks,
    series,
    value: (week, ch) => reports.get(`${week}|${ch}`) ?? 0,
    marks: channelMarks,
  });
  const verdictRows = d.spikes.filter((s) => s.scope !== 'number').sort((a, b) => b.week.localeCompare(a.week) || a.scope.localeCompare(b.scope) || a.key.localeCompare(b.key));

  const body = h`<h1>${title}</h1>
<p class="lede">Reports by the week of the reported call, ${first ? weekLabel(first) : ''} to ${last ? weekLabel(last) : ''}. Other weeks: <a href="/pages/overview?week=${addWeeks(d.week, -1)}">previous week</a> · <a href="/pages/overview?week=${addWeeks(d.week, 1)}">next week</a>.</p>
<h2 id="reports">Reports</h2>
${totalChart}
${channelChart}
<table id="channel-table"><caption>Reports per week and channel (the data of the charts above)</caption>
<thead><tr><th scope="col">week starting</th>${channels.map((ch) => h`<th scope="col" class="num">${ch}</th>`)}<th scope="col" class="num">all</th></tr></thead>
<tbody>${d.weeks.map((w) => h`<tr data-week="${w}"><th scope="row">${weekLabel(w)}</th>${channels.map((ch) => h`<td class="num">${fmt(reports.get(`${w}|${ch}`) ?? 0)}</td>`)}<td class="num">${fmt(total(w))}</td></tr>`)}</tbody></table>
<h2 id="verdicts">Level shifts and spikes of the stream and its channels</h2>
${
  verdictRows.length === 0
    ? h`<p>No spike or level shift of the whole stream or of a channel in these weeks.</p>`
    : h`<table id="verdicts-table"><caption>Live verdicts, newest week first</caption><thead><tr><th scope="col">week starting</th><th scope="col">series</th><th scope="col">verdict</th><th scope="col" class="num">observed</th><th scope="col" class="num">expected</th></tr></thead><tbody>${verdictRows.map(
        (s) =>
          h`<tr><th scope="row">${weekLabel(s.week)}</th><td>${s.scope === 'overall' ? 'all reports' : `channel ${s.key}`}</td><td>${verdictBadge(s.kind)}</td><td class="num">${fmt(s.observed)}</td><td class="num">${fmt(Math.round(s.expected * 10) / 10)}</td></tr>`,
      )}</tbody></table>`
}
<h2 id="top-numbers">Top numbers of the week</h2>
${
  d.top.items.length === 0
    ? h`<p>No number was reported for a call in the week of ${weekLabel(d.week)}.</p>`
    : h`<table id="top-table"><caption>Most reported numbers, week of ${weekLabel(d.week)} (${fmt(d.top.page.total)} numbers reported)</caption>
<thead><tr><th scope="col" class="num">rank</th><th scope="col">number (evidence page)</th><th scope="col" class="num">reports</th><th scope="col" class="num">reporters</th><th scope="col" class="num">change on previous week</th><th scope="col" class="num">calls made</th><th scope="col" class="num">answered</th><th scope="col">verdict</th></tr></thead>
<tbody>${d.top.items.map((t) => {
        const v = numberVerdicts.get(t.number);
        return h`<tr><td class="num">${t.rank}</td><th scope="row"><a href="/pages/numbers/${encodeURIComponent(t.number)}?week=${d.week}">${t.number}</a></th><td class="num">${fmt(t.reports)}</td><td class="num">${fmt(t.reporters)}</td><td class="num">${t.growth > 0 ? '+' : ''}${fmt(t.growth)}</td><td class="num">${fmt(t.cdr_calls)}</td><td class="num">${pct(t.answered_share)}</td><td>${v === undefined ? '—' : verdictBadge(v)}</td></tr>`;
      })}</tbody></table>`
}`;
  return { title, body };
}
