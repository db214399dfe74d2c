// The long-history model alone on the Noufaily scenarios, with parameter overrides: the quick loop the
// model's settings are chosen with (on seed 7; seed 2013 is held out). No R, no regimes, no report
// file: one line per scenario, FPR / POD / first-week detection in %:
// - at each nominal level of --alphas (the week's tail probability at most that level);
// - at each false-positive rate of --fprs, scenario by scenario: the cut at which the model's false
//   alarms on that scenario's outbreak-free test weeks are at most that share (bench/spikes/equal-fpr.ts,
//   cutFor), i.e. its ROC curve read at a fixed FPR, which is what a change to how weeks are ranked
//   moves (a change of calibration only moves along it);
// - with --ref=FILE (a reference-alarms.csv of a run.ts run on the same seed and series), also at
//   farringtonFlexible's false alarms scenario by scenario, in-sample and cross-fitted (equal-fpr.ts).
// --oracle scores the weeks with the true model instead (the generator's mean and φ, the same limit54
// rule): the detection no estimate from the series' history can reach on average, to tell a method's
// shortfall from the noise of 100 outbreaks.
//
//   npx tsx bench/spikes/tune.ts [--seed=7] [--replicates=100] [--alphas=0.005,0.007] [--fprs=0.005,0.008]
//                                [--scenarios=13,14] [--params='{"dispersionZ":1}'] [--ref=DIR/reference-alarms.csv] [--oracle]
import { readFileSync } from 'node:fs';
import { DEFAULT_SERIES_MODEL, seriesTailProbabilities, type SeriesModelParams } from '../../processors/spikes/detect-series.ts';
import { countUpperTail } from '../../processors/spikes/count-distributions.ts';
import { FIRST_TEST_WEEK, NOUFAILY_SCENARIOS, noufailyMean, noufailySeries, TEST_WEEKS, type NoufailyScenario } from '../../processors/spikes/noufaily.ts';
import { addTally, emptyTally, outbreakRates, tallySeries, type OutbreakTally } from '../../processors/spikes/outbreak-quality.ts';
import { cutFor, equalFpr, seriesScores, tallyBelow, type SeriesScores } from './equal-fpr.ts';

function option(name: string, fallback: string): string {
  return process.argv.slice(2).find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
}
const list = (name: string, fallback: string): number[] =>
  option(name, fallback)
    .split(',')
    .filter((s) => s !== '')
    .map(Number);
const seed = Number(option('seed', '7'));
const replicates = Number(option('replicates', '100'));
const alphas = list('alphas', '0.005');
const fprs = list('fprs', '0.005,0.008');
const overrides = JSON.parse(option('params', '{}')) as Partial<SeriesModelParams>;
const only = new Set(list('scenarios', ''));
const ref = option('ref', '');
const oracle = process.argv.includes('--oracle');
if (!Number.isInteger(seed) || !Number.isInteger(replicates) || replicates < 1 || [...alphas, ...fprs].some((a) => !(a > 0 && a < 0.5))) {
  throw new Error("usage: tune.ts [--seed=INT] [--replicates=N ≥ 1] [--alphas=a,b,…] [--fprs=f,g,…] [--scenarios=i,j,…] [--params='{…}'] [--ref=FILE]");
}
const unknown = Object.keys(overrides).filter((k) => !(k in DEFAULT_SERIES_MODEL));
if (unknown.length > 0) throw new Error(`--params: unknown keys ${unknown.join(', ')}`);
const params: SeriesModelParams = { ...DEFAULT_SERIES_MODEL, ...overrides };

// farringtonFlexible's alarms by series name, from a run.ts reference file.
const reference = new Map<string, boolean[]>();
if (ref) {
  for (const line of readFileSync(ref, 'utf8').split('\n')) {
    const [name, method, ...values] = line.split(',');
    if (name && method === 'farringtonFlexible' && values.length === TEST_WEEKS) reference.set(name, values.map((v) => v === '1'));
  }
}

/** Each test week's tail probability under the true model, Infinity where limit54 forbids an alarm. */
function oracleScores(s: NoufailyScenario, counts: readonly number[]): number[] {
  return Array.from({ length: TEST_WEEKS }, (_, i) => {
    const t = FIRST_TEST_WEEK + i;
    let recent = 0;
    for (let b = t - params.recentWeeks + 1; b <= t; b++) recent += counts[b] ?? 0;
    const mean = noufailyMean(s, t);
    return recent >= params.minRecentCount ? countUpperTail(mean, Math.max(1, s.phi) * mean, counts[t] ?? 0) : Number.POSITIVE_INFINITY;
  });
}

const triple = (t: OutbreakTally): string => {
  const r = outbreakRates(t);
  return `${(100 * r.falsePositiveRate).toFixed(2)} / ${(100 * r.probabilityOfDetection).toFixed(1)} / ${(100 * r.firstWeekDetection).toFixed(1)}`;
};
const columns = [...alphas.map((a) => `α ${a}`), ...fprs.map((f) => `FPR ≤ ${f}`), ...(ref ? ['farringtonFlexible', 'at its FPR, in-sample', 'cross-fitted'] : [])];
const totals = columns.map(() => emptyTally());
const rows: string[] = [];
const nominalFprs = alphas.map(() => [] as number[]); // per α, each scenario's FPR
let atLeast = 0;
const started = process.cpuUsage();
let judged = 0;
for (const s of NOUFAILY_SCENARIOS.filter((x) => only.size === 0 || only.has(x.id))) {
  const scores: SeriesScores[] = [];
  const ff = { all: emptyTally(), byHalf: [emptyTally(), emptyTally()] };
  for (let r = 1; r <= replicates; r++) {
    const x = noufailySeries(s, r, seed);
    judged += 1;
    const weekScores = new Array<number>(TEST_WEEKS).fill(Number.POSITIVE_INFINITY);
    if (oracle) oracleScores(s, x.counts).forEach((v, i) => (weekScores[i] = v));
    else for (const w of seriesTailProbabilities(x.counts, FIRST_TEST_WEEK, params)) if (w.recentEnough) weekScores[w.week - FIRST_TEST_WEEK] = w.tail;
    scores.push(seriesScores(x, r, weekScores));
    const alarms = reference.get(`s${s.id}r${r}`);
    if (alarms) {
      const t = tallySeries(x, alarms);
      addTally(ff.all, t);
      addTally(ff.byHalf[r % 2] ?? emptyTally(), t);
    }
  }
  const freeWeeks = scores.reduce((n, x) => n + x.free.length, 0);
  const cells = [...alphas.map((a) => tallyBelow(scores, a * (1 + 1e-12))), ...fprs.map((f) => tallyBelow(scores, cutFor(scores, Math.floor(f * freeWeeks))))];
  if (ref) {
    if (ff.all.outbreaks === 0) throw new Error(`--ref: no farringtonFlexible alarms for scenario ${s.id}`);
    const e = equalFpr(scores, (half) => (half === 'all' ? ff.all.falseAlarms : (ff.byHalf[half]?.falseAlarms ?? 0)));
    cells.push(ff.all, e.inSample, e.crossFitted);
    if (outbreakRates(e.inSample).probabilityOfDetection >= outbreakRates(ff.all).probabilityOfDetection) atLeast += 1;
  }
  cells.forEach((t, i) => addTally(totals[i] ?? emptyTally(), t));
  alphas.forEach((_, i) => nominalFprs[i]?.push(outbreakRates(cells[i] ?? emptyTally()).falsePositiveRate));
  rows.push(`| ${s.id} | ${cells.map(triple).join(' | ')} |`);
}
const used = process.cpuUsage(started);
const lines = [
  `Seed ${seed}, replicates 1–${replicates}, ${oracle ? 'the true model (oracle)' : `overrides ${JSON.stringify(overrides)}`}; CPU ${((used.user + used.system) / 1e3 / judged).toFixed(1)} s per 1,000 series.`,
  '',
  `| scenario | ${columns.join(' | ')} |`,
  `| --- | ${columns.map(() => '---:').join(' | ')} |`,
  ...rows,
  `| **pooled** | ${totals.map((t) => `**${triple(t)}**`).join(' | ')} |`,
];
lines.push(
  '',
  ...alphas.map((a, i) => `α ${a}: FPR above α in ${(nominalFprs[i] ?? []).filter((f) => f > a).length} scenarios, largest ${(100 * Math.max(...(nominalFprs[i] ?? []))).toFixed(2)}%.`),
);
if (ref) lines.push('', `POD at least farringtonFlexible's at its FPR (in-sample): ${atLeast} of ${rows.length} scenarios.`);
process.stdout.write(lines.join('\n') + '\n');
