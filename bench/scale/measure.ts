import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Clickhouse } from '../../core/clickhouse/client.ts';
import { raw, sql } from '../../core/clickhouse/escape.ts';
import { migrate } from '../../core/clickhouse/migrate.ts';
import { ReadModel } from '../../core/read-model/index.ts';
import { TOP_ORDERS } from '../../core/read-model/lists.ts';
import { Rng } from '../../core/rng.ts';
import { addWeeks } from '../../core/weeks.ts';
import { expandQuery } from '../../dashboards/macros.ts';
import { refreshNumberCdrTotals } from '../../processors/totals/number-cdr-totals.ts';
import { refreshWeekTotals } from '../../processors/totals/week-totals.ts';
import { defaultSettings } from '../../dashboards/settings.ts';
import { clickhouseQueries } from '../../test/dashboards/queries.ts';
import { dataset } from './dataset.ts';
import { identityBatches, lookupStored } from './identity-lookup.ts';
import { partsSummary, waitForMerges } from './parts.ts';
import { scaleNumber, scalePrefix } from './population.ts';
import { argValue, clickhouseConfig, databaseFor, parseCount } from './server-config.ts';
import { quantile, taggedClient } from './timing.ts';

// npx tsx bench/scale/measure.ts --cdrs=10m [--numbers=1000] [--reps=20] [--population=…]
//
// Runs, against a data set loaded by load.ts, every read the issue's targets name, as the read-only
// user the API and Grafana use, one query (or one profile) at a time:
// - number profile: ReadModel.numberEvidence, everything GET /v1/numbers/:number reads
//   (api/routes/number-profile.ts), for `--numbers` numbers: 90% quiet numbers (drawn
//   uniformly from subscribers and reported nuisance numbers) and 10% the busiest robocallers;
// - lists: top numbers of the last week (every order, and the count), new numbers, prefix search
//   (a 1/10,000 and a 1/100 block of the subscriber numbers), spikes;
// - every ClickHouse panel and annotation query of the dashboards and every alert query, taken from
//   the built dashboards (test/dashboards/queries.ts) and expanded for 12 weeks ending with the last
//   week (number variable: the busiest robocaller), alerts over their own look-back ending then;
// - the processors' identity lookup for a 20,000-record batch of fresh and of stored CDRs and reports;
// - disk bytes per million records per table (system.parts).
// Client-side wall time per query is the figure; system.query_log adds server time, rows and bytes
// read and peak memory per query (each query carries a /* bench:… */ tag). Writes
// bench/results/scale/measure-<db>.json.

const cdrs = parseCount(argValue('cdrs') ?? '1m');
const numberCount = Number(argValue('numbers') ?? 1000);
const reps = Number(argValue('reps') ?? 20);
const database = databaseFor(cdrs);
const config = clickhouseConfig(database);
// --population=60m: the database holds a partial load (amplify.ts stopped after 6 copies): draw the
// quiet numbers from the population of that size.
const d = dataset(parseCount(argValue('population') ?? String(cdrs)));
const runId = `${database}-${Date.now().toString(36)}`;

const log = (msg: string): void => console.log(`${new Date().toISOString().slice(11, 19)} [${database}] ${msg}`);

const base = await Clickhouse.connect(config, 'reader');
const admin = await Clickhouse.connect(config, 'writer');

// An installation loaded under earlier migrations upgrades as the services would at start-up
// (migrate), and the week-totals task runs once as the spikes service runs it every interval, so the
// reads below see the steady state. Both are timed (an upgrade at this size, a first totals run).
const upgradeStart = performance.now();
const upgrade = await migrate(admin);
const upgradeSeconds = (performance.now() - upgradeStart) / 1000;
log(`migrations applied: ${JSON.stringify(upgrade.applied)} in ${upgradeSeconds.toFixed(0)} s`);
// Back-fills write rows that background merges combine (states of one key); measure after them, as load.ts does.
const upgradeSettle = upgrade.applied.length > 0 ? await waitForMerges(admin, database, { maxSeconds: 1800, idleSeconds: 60, log }) : null;
const totalsStart = performance.now();
const totals = await refreshWeekTotals(admin, 20);
const totalsSeconds = (performance.now() - totalsStart) / 1000;
const totalsAgainStart = performance.now();
await refreshWeekTotals(admin, 20);
const totalsAgainSeconds = (performance.now() - totalsAgainStart) / 1000;
log(`week totals: ${JSON.stringify(totals)} in ${totalsSeconds.toFixed(1)} s; an unchanged re-run ${totalsAgainSeconds.toFixed(2)} s`);
const numberTotalsStart = performance.now();
const numberTotals = await refreshNumberCdrTotals(admin);
const numberTotalsSeconds = (performance.now() - numberTotalsStart) / 1000;
const numberTotalsAgainStart = performance.now();
await refreshNumberCdrTotals(admin);
const numberTotalsAgainSeconds = (performance.now() - numberTotalsAgainStart) / 1000;
log(`busy callers' week totals: ${JSON.stringify(numberTotals)} in ${numberTotalsSeconds.toFixed(1)} s; an unchanged re-run ${numberTotalsAgainSeconds.toFixed(2)} s`);
const tagged = taggedClient(base, runId);
const read = new ReadModel(tagged.ch);

interface Measured {
  name: string;
  group: string;
  target_ms: number | null;
  n: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
}
const results: Measured[] = [];
const loadSamples: { phase: string; load: number[] }[] = [];

async function measure(group: string, name: string, target: number | null, times: number, run: (i: number) => Promise<unknown>): Promise<void> {
  loadSamples.push({ phase: name, load: loadavg() });
  const ms: number[] = [];
  tagged.setTag(name);
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    await run(i);
    ms.push(performance.now() - t0);
  }
  const m = { name, group, target_ms: target, n: ms.length, p50_ms: quantile(ms, 0.5), p99_ms: quantile(ms, 0.99), max_ms: Math.max(...ms) };
  results.push(m);
  log(`${name}: p50 ${m.p50_ms.toFixed(1)} ms, p99 ${m.p99_ms.toFixed(1)} ms (n ${m.n})`);
}

const lastWeek = d.lastWeek;
const firstShown = addWeeks(lastWeek, -11);
const twelveWeeks = { fromWeek: firstShown, toWeek: lastWeek };
const rangeFrom = new Date(`${firstShown}T00:00:00Z`);
const rangeTo = new Date(Date.parse(`${lastWeek}T00:00:00Z`) + 7 * 86_400_000 - 1000);
// The busiest robocallers: the 20 robocaller numbers with the most CDRs in the last week, from the data.
const busiest = (
  await admin.query<{ caller: string }>(sql`SELECT caller AS caller, sum(c) AS calls FROM (
  SELECT caller, uniqExactMerge(calls) AS c FROM ${raw(`${database}.caller_weeks`)}
  WHERE week_start = toDate(${lastWeek}) AND startsWith(caller, ${scalePrefix('robocaller', '')})
  GROUP BY caller
) GROUP BY caller ORDER BY calls DESC, caller LIMIT 20`)
).map((r) => r.caller);
const busiestRobocaller = busiest[0] ?? '';
log(`run ${runId}; ${d.cdrs.toLocaleString()} CDRs; last week ${lastWeek}; range ${firstShown}..${lastWeek}; busiest robocallers ${busiest.length}; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

// --- number profile ---------------------------------------------------------------------------
const rng = new Rng(4_242);
const quiet: string[] = [];
const loud: string[] = [];
for (let i = 0; i < numberCount; i++) {
  if (i % 10 === 9) loud.push(busiest[(i / 10) % busiest.length | 0] ?? busiestRobocaller);
  else quiet.push(rng.chance(0.7) ? scaleNumber('subscriber', rng.int(d.population.subscribers)) : scaleNumber('nuisance', rng.int(d.population.nuisanceNumbers)));
}

/** What GET /v1/numbers/:number reads (api/routes/number-profile.ts), with no week range (all history). */
const numberProfile = (number: string): Promise<unknown> => read.numberEvidence(number);

await measure('number', 'number profile (quiet numbers)', 50, quiet.length, (i) => numberProfile(quiet[i] ?? ''));
await measure('number', 'number profile (busiest robocallers)', 50, loud.length, (i) => numberProfile(loud[i] ?? ''));

// --- lists ------------------------------------------------------------------------------------
const page = { limit: 50, offset: 0 };
for (const by of TOP_ORDERS) await measure('list', `top numbers by ${by}`, 500, reps, () => read.topNumbers(lastWeek, by, page));
// The week before: closed, so its busy callers' figures come from the number totals (the newest week
// is the open one, whose states are merged).
const closedWeek = addWeeks(lastWeek, -1);
for (const by of TOP_ORDERS) await measure('list', `top numbers by ${by}, week before`, 500, reps, () => read.topNumbers(closedWeek, by, page));
await measure('list', 'top numbers count', 500, reps, () => read.countTopNumbers(lastWeek, 'reports'));
await measure('list', 'new numbers', 500, reps, () => read.newNumbers(lastWeek, page));
await measure('list', 'new numbers count', 500, reps, () => read.countNewNumbers(lastWeek));
// Blocks of the subscriber numbers: 4 more digits = 1/10,000 of them, 2 more = 1/100.
const narrow = scalePrefix('subscriber', '1234');
const wide = scalePrefix('subscriber', '12');
await measure('list', `prefix search ${narrow} (12 weeks)`, 500, reps, () => read.numbersByPrefix(narrow, twelveWeeks, page));
await measure('list', `prefix search ${wide} (12 weeks)`, 500, reps, () => read.numbersByPrefix(wide, twelveWeeks, page));
await measure('list', `prefix search ${wide} count`, 500, reps, () => read.countNumbersByPrefix(wide, twelveWeeks));
await measure('list', 'spikes list (12 weeks)', 500, reps, () => read.spikes(twelveWeeks, page));
await measure('list', 'spikes count', 500, reps, () => read.countSpikes(twelveWeeks));

// --- dashboards and alerts --------------------------------------------------------------------
const settings = { ...defaultSettings(), database };
for (const [key, q] of clickhouseQueries(settings)) {
  if (q.alert) {
    const to = new Date(Date.parse(`${lastWeek}T00:00:00Z`) + 7 * 86_400_000);
    const from = new Date(to.getTime() - q.alert.lookbackSeconds * 1000);
    const text = expandQuery(q.rawSql, { from, to, variables: {} });
    await measure('alert', key, 1000, reps, () => tagged.ch.query(text));
  } else {
    const text = expandQuery(q.rawSql, { from: rangeFrom, to: rangeTo, intervalMs: 3_600_000, variables: { number: busiestRobocaller } });
    await measure('panel', key, 500, reps, () => tagged.ch.query(text));
  }
}

// --- identity lookup ----------------------------------------------------------------------------
const batches = await identityBatches(admin, addWeeks(lastWeek, -10), 20_000);
for (const b of batches) await measure('lookup', `identity lookup: 20,000 ${b.label}`, null, 5, () => lookupStored(tagged.ch, b));

// --- query_log and disk -------------------------------------------------------------------------
await new Promise((r) => setTimeout(r, 4_000));
const logRows = await admin.query<{ tag: string; n: number; p50_ms: number; p99_ms: number; max_read_rows: number; max_read_bytes: number; max_memory: number }>(
  sql`SELECT extract(query, '^/[*] bench:[^:]+:(.*?) [*]/') AS tag, count() AS n,
  quantileExact(0.5)(query_duration_ms) AS p50_ms, quantileExact(0.99)(query_duration_ms) AS p99_ms,
  max(read_rows) AS max_read_rows, max(read_bytes) AS max_read_bytes, max(memory_usage) AS max_memory
FROM system.query_log
WHERE type = 2 AND event_date >= yesterday() AND startsWith(query, ${`/* bench:${runId}:`})
GROUP BY tag`,
);
const serverSide = Object.fromEntries(logRows.map((r) => [tagged.nameOf(r.tag), r]));
// Per query shape (literals blanked) within each measurement: which of a profile's eight queries, or
// of a lookup's queries, costs what.
const shapeRows = await admin.query<{ tag: string; shape: string; n: number; p50_ms: number; p99_ms: number; avg_read_rows: number; avg_read_bytes: number; max_memory: number }>(
  sql`SELECT extract(query, '^/[*] bench:[^:]+:(.*?) [*]/') AS tag,
  substring(replaceRegexpAll(replaceRegexpAll(query, '^/[*].*?[*]/ ', ''), '[\\x27][^\\x27]*[\\x27]', '?'), 1, 160) AS shape, count() AS n,
  quantileExact(0.5)(query_duration_ms) AS p50_ms, quantileExact(0.99)(query_duration_ms) AS p99_ms,
  round(avg(read_rows)) AS avg_read_rows, round(avg(read_bytes)) AS avg_read_bytes, max(memory_usage) AS max_memory
FROM system.query_log
WHERE type = 2 AND event_date >= yesterday() AND startsWith(query, ${`/* bench:${runId}:`})
GROUP BY tag, shape
ORDER BY tag, p50_ms DESC`,
);
const shapes = shapeRows.map((r) => ({ ...r, tag: tagged.nameOf(r.tag) }));
const parts = await partsSummary(admin, database);
const REPORT_TABLES = ['number_report_weeks', 'number_report_history', 'number_first_report', 'channel_weeks', 'channel_week_states', 'channel_week_totals', 'overall_week_totals'];
const perMillion = (table: string, bytes: number): number => bytes / ((table.startsWith('report') || REPORT_TABLES.includes(table) ? d.reportedCalls : d.cdrs) / 1e6);
const disk = parts.map((p) => ({ ...p, bytesPerMillionRecords: Math.round(perMillion(p.table, p.bytes)) }));

mkdirSync('bench/results/scale', { recursive: true });
const out = {
  runId,
  database,
  cdrs: d.cdrs,
  reportedCalls: d.reportedCalls,
  at: new Date().toISOString(),
  loadAverage: { start: loadSamples[0]?.load, end: loadavg() },
  upgrade: { applied: upgrade.applied, seconds: upgradeSeconds, settle: upgradeSettle },
  weekTotals: { written: totals, seconds: totalsSeconds, unchangedRerunSeconds: totalsAgainSeconds },
  numberTotals: { written: numberTotals, seconds: numberTotalsSeconds, unchangedRerunSeconds: numberTotalsAgainSeconds },
  loadSamples,
  results: results.map((r) => ({ ...r, server: serverSide[r.name] ?? null })),
  shapes,
  disk,
};
writeFileSync(`bench/results/scale/measure-${database}.json`, `${JSON.stringify(out, null, 2)}\n`);
log(`wrote bench/results/scale/measure-${database}.json; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
await base.close();
await admin.close();
