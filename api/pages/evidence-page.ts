import type { NumberProfile } from '../routes/number-profile.ts';
import { hourHeatMap, weeklyBarChart } from './charts.ts';
import { codeText, COLOURS, fmt, h, pct, weekLabel, when, type Html } from './html.ts';

// The evidence page of one number: the JSON look-up's answer (GET /v1/numbers/:number, the same
// NumberProfile) drawn for a case file. Every figure here comes from that answer; nothing is queried
// for the page alone.

const VERDICT = { SPIKE: h`<span class="badge spike">S</span> spike`, LEVEL_SHIFT: h`<span class="badge shift">L</span> level shift` } as const;

function countTable(id: string, caption: string, head: string, rows: NumberProfile['call_types']): Html {
  if (rows.length === 0) return h`<p id="${id}">${caption}: no reports.</p>`;
  return h`<table id="${id}"><caption>${caption}</caption><thead><tr><th scope="col">${head}</th><th scope="col" class="num">reports</th><th scope="col" class="num">reported calls</th></tr></thead><tbody>${rows.map(
    (r) => h`<tr><th scope="row">${r.value === '' ? '(not given)' : codeText(r.value)}</th><td class="num">${fmt(r.reports)}</td><td class="num">${fmt(r.reported_calls)}</td></tr>`,
  )}</tbody></table>`;
}

export function evidencePageBody(p: NumberProfile, overviewWeek: string | null): { title: string; body: Html } {
  const weeks = p.weeks.map((w) => w.week);
  const byWeek = new Map(p.weeks.map((w) => [w.week, w]));
  const marks = new Map(p.weeks.filter((w) => w.spike !== null).map((w) => [w.week, w.spike as 'SPIKE' | 'LEVEL_SHIFT']));
  const range = p.range.from ?? p.range.to ? `weeks ${p.range.from ? `from ${weekLabel(p.range.from)}` : ''} ${p.range.to ? `to ${weekLabel(p.range.to)}` : ''}`.trim() : 'all weeks on record';
  const title = `Evidence for ${p.number}`;
  const reportsChart = weeklyBarChart({
    id: 'chart-reports',
    title: 'Nuisance reports per week',
    description: `Bars per week of the reported call: reports naming ${p.number} and the distinct reporters who sent them. Weeks judged a spike or a level shift are outlined and lettered.`,
    weeks,
    series: [
      { key: 'reports', label: 'reports', colour: COLOURS.bar },
      { key: 'reporters', label: 'distinct reporters', colour: COLOURS.barAlt },
    ],
    value: (week, key) => {
      const w = byWeek.get(week);
      return w === undefined ? 0 : key === 'reports' ? w.reports : w.reporters;
    },
    marks,
  });
  const cdrChart = weeklyBarChart({
    id: 'chart-cdrs',
    title: 'Calls made per week (CDRs)',
    description: `Bars per week: calls set up by ${p.number} in the telephony platforms' call-detail records.`,
    weeks,
    series: [{ key: 'cdr_calls', label: 'calls made', colour: COLOURS.bar }],
    value: (week) => byWeek.get(week)?.cdr_calls ?? 0,
    marks,
  });
  const heat = hourHeatMap({
    id: 'chart-hours',
    title: 'When it calls: calls per hour of the week',
    description: `A grid of the 168 hours of the week (Monday to Sunday, 00 to 23, the processors' week time zone). Each cell counts the calls ${p.number} made in that hour, over ${p.cdrs.calls} calls in the range.`,
    counts: p.calls_by_hour_of_week,
    unit: 'calls',
  });

  const body = h`<h1>${title}</h1>
<p class="lede">Over ${range}. Built from the same answer as <code>GET /v1/numbers/${encodeURIComponent(p.number)}</code>.${overviewWeek ? h` <a href="/pages/overview?week=${overviewWeek}" class="no-print">Back to the overview of the week of ${weekLabel(overviewWeek)}</a>` : null}</p>
<h2 id="summary">Summary</h2>
<div class="columns">
<dl class="facts" aria-label="First and last seen">
<dt>First seen</dt><dd>${when(p.first_seen)}</dd>
<dt>Last seen</dt><dd>${when(p.last_seen)}</dd>
<dt>Weeks on record</dt><dd>${fmt(p.weeks.length)}</dd>
<dt>Spike weeks</dt><dd>${fmt(p.weeks.filter((w) => w.spike === 'SPIKE').length)}</dd>
<dt>Level-shift weeks</dt><dd>${fmt(p.weeks.filter((w) => w.spike === 'LEVEL_SHIFT').length)}</dd>
</dl>
<dl class="facts" aria-label="Reports">
<dt>Reports</dt><dd>${fmt(p.reports.reports)}</dd>
<dt>Distinct reporters</dt><dd>${fmt(p.reports.reporters)}</dd>
<dt>Reported calls</dt><dd>${fmt(p.reports.reported_calls)}</dd>
<dt>Reporting channels</dt><dd>${fmt(p.reports.channels)}</dd>
</dl>
<dl class="facts" aria-label="Call-detail records">
<dt>Calls made (CDRs)</dt><dd>${fmt(p.cdrs.calls)}</dd>
<dt>Distinct numbers called</dt><dd>${fmt(p.cdrs.callees)}</dd>
<dt>Answered</dt><dd>${fmt(p.cdrs.answered_calls)} (${pct(p.cdrs.answered_share)})</dd>
</dl>
</div>
<h2 id="weekly">Week by week</h2>
${weeks.length === 0 ? h`<p>Nothing on record for this number in the range.</p>` : h`${reportsChart}${cdrChart}`}
${heat}
<table id="weeks-table"><caption>Weekly figures (the data of the charts above)</caption>
<thead><tr><th scope="col">week starting</th><th scope="col" class="num">reports</th><th scope="col" class="num">reporters</th><th scope="col" class="num">reported calls</th><th scope="col" class="num">calls made</th><th scope="col" class="num">numbers called</th><th scope="col" class="num">answered</th><th scope="col" class="num">short calls</th><th scope="col">verdict</th></tr></thead>
<tbody>${p.weeks.map(
    (w) =>
      h`<tr data-week="${w.week}"><th scope="row">${weekLabel(w.week)}</th><td class="num">${fmt(w.reports)}</td><td class="num">${fmt(w.reporters)}</td><td class="num">${fmt(w.reported_calls)}</td><td class="num">${fmt(w.cdr_calls)}</td><td class="num">${fmt(w.callees)}</td><td class="num">${pct(w.answered_share)}</td><td class="num">${pct(w.short_share)}</td><td>${w.spike ? VERDICT[w.spike] : '—'}</td></tr>`,
  )}</tbody></table>
<h2 id="reports-detail">What reporters said</h2>
<div class="columns">
${countTable('call-types', 'Call types', 'call type', p.call_types)}
${countTable('subjects', 'Subjects', 'subject', p.subjects)}
${countTable('channels', 'Reporting channels', 'channel', p.channels)}
</div>
<h2 id="verdicts">Spike verdicts</h2>
${
  p.spikes.length === 0
    ? h`<p>Spike detection has judged no week of this number a spike or a level shift.</p>`
    : h`<table id="spikes-table"><caption>Live verdicts of spike detection for this number</caption><thead><tr><th scope="col">week starting</th><th scope="col">verdict</th><th scope="col" class="num">observed</th><th scope="col" class="num">expected</th><th scope="col" class="num">upper bound</th><th scope="col" class="num">score</th><th scope="col">evaluated</th></tr></thead><tbody>${p.spikes.map(
        (s) =>
          h`<tr><th scope="row">${weekLabel(s.week)}</th><td>${s.kind === 'LEVEL_SHIFT' ? VERDICT.LEVEL_SHIFT : VERDICT.SPIKE}</td><td class="num">${fmt(s.observed)}</td><td class="num">${fmt(Math.round(s.expected * 10) / 10)}</td><td class="num">${fmt(Math.round(s.upper * 10) / 10)}</td><td class="num">${fmt(Math.round(s.score * 100) / 100)}</td><td>${when(s.evaluated_at)}</td></tr>`,
      )}</tbody></table>`
}`;
  return { title, body };
}
