// The long-history model alone on the Noufaily scenarios, with parameter overrides and several nominal
// levels: the quick loop the model's settings were chosen with (on seed 7; seed 2013 is held out). No R,
// no regimes, no report file: one line per scenario, FPR / POD / first-week detection in % per level.
//
//   npx tsx bench/spikes/tune.ts [--seed=7] [--replicates=100] [--alphas=0.005,0.007] [--scenarios=13,14] [--params='{"dispersionZ":1}']
import { detectSeriesSpikes, DEFAULT_SERIES_MODEL, type SeriesModelParams } from '../../processors/spikes/detect-series.ts';
import { FIRST_TEST_WEEK, NOUFAILY_SCENARIOS, noufailySeries, TEST_WEEKS } from '../../processors/spikes/noufaily.ts';
import { addTally, emptyTally, outbreakRates, tallySeries, type OutbreakTally } from '../../processors/spikes/outbreak-quality.ts';

function option(name: string, fallback: string): string {
  return process.argv.slice(2).find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
}
const seed = Number(option('seed', '7'));
const replicates = Number(option('replicates', '100'));
const alphas = option('alphas', '0.005').split(',').map(Number);
const overrides = JSON.parse(option('params', '{}')) as Partial<SeriesModelParams>;
const only = new Set(option('scenarios', '').split(',').filter((s) => s !== '').map(Number));
if (!Number.isInteger(seed) || !Number.isInteger(replicates) || replicates < 1 || alphas.some((a) => !(a > 0 && a < 0.5))) {
  throw new Error("usage: tune.ts [--seed=INT] [--replicates=N ≥ 1] [--alphas=a,b,…] [--scenarios=i,j,…] [--params='{…}']");
}
const unknown = Object.keys(overrides).filter((k) => !(k in DEFAULT_SERIES_MODEL));
if (unknown.length > 0) throw new Error(`--params: unknown keys ${unknown.join(', ')}`);

const tallies = alphas.map(() => new Map<number, OutbreakTally>());
const started = process.cpuUsage();
let series = 0;
for (const s of NOUFAILY_SCENARIOS.filter((x) => only.size === 0 || only.has(x.id))) {
  for (let r = 1; r <= replicates; r++) {
    const x = noufailySeries(s, r, seed);
    series += 1;
    alphas.forEach((alpha, i) => {
      const alarms = new Array<boolean>(TEST_WEEKS).fill(false);
      for (const v of detectSeriesSpikes(x.counts, FIRST_TEST_WEEK, { ...DEFAULT_SERIES_MODEL, ...overrides, alpha })) if (v.direction === 'up') alarms[v.week - FIRST_TEST_WEEK] = true;
      const byScenario = tallies[i] ?? new Map<number, OutbreakTally>();
      addTally(byScenario.get(s.id) ?? byScenario.set(s.id, emptyTally()).get(s.id) ?? emptyTally(), tallySeries(x, alarms));
    });
  }
}
const used = process.cpuUsage(started);
const triple = (t: OutbreakTally): string => {
  const r = outbreakRates(t);
  return `${(100 * r.falsePositiveRate).toFixed(2)} / ${(100 * r.probabilityOfDetection).toFixed(1)} / ${(100 * r.firstWeekDetection).toFixed(1)}`;
};
const lines = [
  `Seed ${seed}, replicates 1–${replicates}, overrides ${JSON.stringify(overrides)}; CPU ${((used.user + used.system) / 1e3 / series / alphas.length).toFixed(1)} s per 1,000 series and level.`,
  '',
  `| scenario | ${alphas.map((a) => `α ${a}`).join(' | ')} |`,
  `| --- | ${alphas.map(() => '---:').join(' | ')} |`,
];
for (const id of (tallies[0] ?? new Map<number, OutbreakTally>()).keys()) lines.push(`| ${id} | ${tallies.map((m) => triple(m.get(id) ?? emptyTally())).join(' | ')} |`);
lines.push(`| **pooled** | ${tallies.map((m) => `**${triple([...m.values()].reduce((acc, t) => addTally(acc, t), emptyTally()))}**`).join(' | ')} |`);
lines.push(`| scenarios with FPR > α | ${tallies.map((m, i) => [...m.values()].filter((t) => outbreakRates(t).falsePositiveRate > (alphas[i] ?? 0)).length).join(' | ')} |`);
lines.push(`| largest FPR (%) | ${tallies.map((m) => Math.max(...[...m.values()].map((t) => 100 * outbreakRates(t).falsePositiveRate)).toFixed(2)).join(' | ')} |`);
process.stdout.write(lines.join('\n') + '\n');
