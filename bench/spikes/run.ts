// Spike detection against the field's reference methods on the Noufaily et al. (2013) benchmark and on
// callwatch's own regimes. See bench/spikes/README.md.
//
//   npx tsx bench/spikes/run.ts [--replicates=100] [--seed=2013] [--alpha=0.005] [--out=DIR] [--no-r] [--reuse-r=DIR] [--r-processes=1]
//                               [--alpha-grid=0.003,0.007,0.01,0.015,0.02] [--scenarios=6,13,…]
//
// Generates every series (seeded, processors/spikes/noufaily.ts and bench/spikes/regimes.ts), writes
// them to DIR/series.csv, runs callwatch's detectors here and farringtonFlexible / EARS C1–C3 through
// `Rscript bench/spikes/reference.R` on that same file, and prints the report (Markdown) to stdout and
// DIR/report.md, with the raw tallies in DIR/results.json. R and the `surveillance` package are
// installed from Debian when missing (root only). --reuse-r=DIR takes the reference methods' alarms and
// times from an earlier run's DIR instead of running R again (R is the slow part), after checking that
// DIR/series.csv holds exactly the same series. --r-processes=N splits the series over N Rscript
// processes (CPU times are summed, so the per-1,000 figures do not change). --alpha-grid: the other
// levels the long-history model's tail probabilities are also read at for the "one α for all scenarios"
// table (the comparison at equal false-positive rate needs no grid: bench/spikes/equal-fpr.ts).
// --scenarios=i,j,…: only those Noufaily scenarios (default all 28), and then none of callwatch's regimes
// (they are not numbered scenarios and are what a full run is for); a scenario's series are the same as in
// a full run of the same seed (each is a function of seed, scenario and replicate), so --reuse-r can take
// R's alarms from a full run.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../core/rng.ts';
import { FIRST_TEST_WEEK, negativeBinomial, NOUFAILY_SCENARIOS, noufailySeries, seriesSeed, TEST_WEEKS } from '../../processors/spikes/noufaily.ts';
import { addTally, emptyTally, outbreakRates, tallySeries, type OutbreakTally } from '../../processors/spikes/outbreak-quality.ts';
import { bootstrapDifference, equalFpr, pairedDifference, seriesScores, tallyBelow, type PairedDifference, type SeriesScores } from './equal-fpr.ts';
import { CALLWATCH_METHODS, callwatchScores, runCallwatch, type CallwatchMethod } from './methods.ts';
import { REGIMES, regimeSeries } from './regimes.ts';
import { parseScenarioList } from './scenario-option.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const BLOCKS = 5;
const BOOTSTRAP_DRAWS = 1000;

function option(name: string, fallback: string): string {
  const arg = process.argv.slice(2).find((a) => a.startsWith(`--${name}=`));
  return arg ? arg.slice(name.length + 3) : fallback;
}
const replicates = Number(option('replicates', '100'));
const seed = Number(option('seed', '2013'));
const alpha = Number(option('alpha', '0.005'));
const outDir = option('out', join(tmpdir(), 'callwatch-spikes-bench'));
const withR = !process.argv.includes('--no-r');
const reuseR = option('reuse-r', '');
const rProcesses = Number(option('r-processes', '1'));
const scenarioOption = option('scenarios', '');
const scenarioIds = parseScenarioList(scenarioOption, NOUFAILY_SCENARIOS.map((s) => s.id));
const scenarios = NOUFAILY_SCENARIOS.filter((s) => scenarioIds.includes(s.id));
const regimes = scenarioOption === '' ? REGIMES : [];
const alphaGrid = option('alpha-grid', '0.003,0.007,0.01,0.015,0.02')
  .split(',')
  .filter((a) => a !== '')
  .map(Number);
if (alphaGrid.some((a) => !(a > 0 && a < 0.5))) throw new Error('--alpha-grid: comma-separated levels between 0 and 0.5');
if (!Number.isInteger(replicates) || replicates < 1 || !Number.isInteger(seed) || !(alpha > 0 && alpha < 0.5) || !Number.isInteger(rProcesses) || rProcesses < 1) {
  throw new Error('usage: run.ts [--replicates=N ≥ 1] [--seed=INT] [--alpha=0 < a < 0.5] [--out=DIR] [--no-r] [--reuse-r=DIR] [--r-processes=N ≥ 1] [--alpha-grid=a,b,…] [--scenarios=i,j,… (Noufaily scenarios only, no regimes; default all 28 and the regimes)]');
}

interface Series {
  name: string;
  group: string;
  replicate: number;
  counts: number[];
  stream: number[];
  outbreak: number[];
  pastOutbreaks: number[];
}

/** Noufaily series carry a stream for the number detector: the series plus 2,350 other reports a week. */
function noufailyStream(counts: readonly number[], scenario: number, replicate: number): number[] {
  const rng = new Rng(seriesSeed(seed + 1, scenario, replicate));
  return counts.map((c) => c + negativeBinomial(rng, 2350, 1.5));
}

// Replicate by replicate (every scenario and regime of replicate 1, then of 2, …), so that the first
// lines of series.csv are whole replicates: an interrupted R run still covers replicates 1–K of everything.
const series: Series[] = [];
for (let r = 1; r <= replicates; r++) {
  for (const s of scenarios) {
    const x = noufailySeries(s, r, seed);
    series.push({ name: `s${s.id}r${r}`, group: `scenario ${s.id}`, replicate: r, counts: x.counts, stream: noufailyStream(x.counts, s.id, r), outbreak: x.outbreak, pastOutbreaks: x.pastOutbreaks });
  }
  for (const regime of regimes) {
    const x = regimeSeries(regime, r, seed);
    series.push({ name: `${regime}r${r}`, group: regime, replicate: r, counts: x.counts, stream: x.stream, outbreak: x.outbreak, pastOutbreaks: x.pastOutbreaks });
  }
}

mkdirSync(outDir, { recursive: true });
const seriesFile = join(outDir, 'series.csv');
writeFileSync(seriesFile, series.map((s) => [s.name, ...s.counts].join(',')).join('\n') + '\n');

// alarms[method][series name] = one boolean per test week
const alarms = new Map<string, Map<string, boolean[]>>();
const cpuSeconds = new Map<string, number>();

// The long-history model's score (tail probability) of every test week, Noufaily scenarios only, for
// the comparison at equal false-positive rate: series name → scores.
const callwatchScoresByName = new Map<string, number[]>();
for (const method of Object.keys(CALLWATCH_METHODS) as CallwatchMethod[]) {
  const byName = new Map<string, boolean[]>();
  // The DROP detector only on the regime it is for: the others have no falls to find.
  const todo = method === 'callwatch-drop' ? series.filter((s) => s.group === 'collapse') : series;
  if (todo.length === 0) continue; // --scenarios: no collapse regime for the DROP detector
  const started = process.cpuUsage();
  for (const s of todo) {
    if (method !== 'callwatch') {
      byName.set(s.name, runCallwatch(method, s, alpha));
      continue;
    }
    const scores = callwatchScores(s.counts, alpha);
    if (s.group.startsWith('scenario')) callwatchScoresByName.set(s.name, scores);
    byName.set(s.name, scores.map((x) => x <= alpha));
  }
  const used = process.cpuUsage(started);
  cpuSeconds.set(method, (used.user + used.system) / 1e6);
  alarms.set(method, byName);
  process.stderr.write(`${method}: ${todo.length} series, ${((used.user + used.system) / 1e6).toFixed(1)} CPU s\n`);
}
const seriesCount = new Map<string, number>(Object.keys(CALLWATCH_METHODS).map((m) => [m, m === 'callwatch-drop' ? series.filter((s) => s.group === 'collapse').length : series.length]));

function ensureR(): void {
  const probe = (): boolean => spawnSync('Rscript', ['-e', 'suppressPackageStartupMessages(library(surveillance))'], { stdio: 'ignore' }).status === 0;
  if (probe()) return;
  if (process.getuid?.() !== 0) throw new Error('R with the surveillance package is missing: apt-get install r-base-core r-cran-surveillance (as root), or run with --no-r');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = (): number | null => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'r-base-core', 'r-cran-surveillance'], { stdio: 'inherit', env }).status;
  if (install() !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
    if (install() !== 0) throw new Error('apt-get could not install r-base-core r-cran-surveillance');
  }
  if (!probe()) throw new Error('R installed but library(surveillance) still fails');
}

if (withR) {
  const alarmsFile = join(reuseR || outDir, 'reference-alarms.csv');
  const timingFile = join(reuseR || outDir, 'reference-timing.csv');
  if (reuseR) {
    // The earlier run may have judged more series than this one (more replicates, or an interrupted
    // run of more): every series of this run must be in it, with exactly the same counts.
    const earlier = new Map(readFileSync(join(reuseR, 'series.csv'), 'utf8').split('\n').map((line) => [line.slice(0, line.indexOf(',')), line]));
    const differing = series.filter((x) => earlier.get(x.name) !== [x.name, ...x.counts].join(','));
    if (differing.length > 0) throw new Error(`--reuse-r: ${reuseR}/series.csv lacks or differs on ${differing.length} series (first ${differing[0]?.name ?? ''}): seed or generator differ`);
  } else {
    ensureR();
    process.stderr.write(`Rscript: ${series.length} series, 4 methods, ${rProcesses} process(es)…\n`);
    const parts = Array.from({ length: rProcesses }, (_, i) => series.filter((_, j) => j % rProcesses === i));
    await Promise.all(
      parts.map(
        (part, i) =>
          new Promise<void>((resolve, reject) => {
            writeFileSync(join(outDir, `series-${i}.csv`), part.map((x) => [x.name, ...x.counts].join(',')).join('\n') + '\n');
            const args = [join(HERE, 'reference.R'), join(outDir, `series-${i}.csv`), join(outDir, `alarms-${i}.csv`), join(outDir, `timing-${i}.csv`), String(alpha), String(FIRST_TEST_WEEK + 1)];
            spawn('Rscript', args, { stdio: ['ignore', 'inherit', 'inherit'] }).on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`reference.R part ${i} failed (status ${String(code)})`))));
          }),
      ),
    );
    writeFileSync(alarmsFile, parts.map((_, i) => readFileSync(join(outDir, `alarms-${i}.csv`), 'utf8')).join(''));
    const summed = new Map<string, number>();
    for (let i = 0; i < rProcesses; i++) {
      for (const line of readFileSync(join(outDir, `timing-${i}.csv`), 'utf8').split('\n')) {
        const [method, secs] = line.split(',');
        if (method && secs) summed.set(method.trim(), (summed.get(method.trim()) ?? 0) + Number(secs));
      }
    }
    writeFileSync(timingFile, [...summed].map(([m, v]) => `${m},${v}`).join('\n') + '\n');
  }
  const wanted = new Set(series.map((x) => x.name));
  const judged = new Map<string, number>(); // series name → methods that judged it, over the whole file
  const alarmLines = readFileSync(alarmsFile, 'utf8').split('\n');
  // An interrupted run's file can end in a partly written line: only newline-terminated lines count.
  for (const line of alarmLines.slice(0, -1)) {
    const [name, method, ...values] = line.split(',');
    if (!name || !method || values.length !== TEST_WEEKS) throw new Error(`reference.R: bad line ${line.slice(0, 80)}`);
    judged.set(name, (judged.get(name) ?? 0) + 1);
    if (!wanted.has(name)) continue;
    const byName = alarms.get(method) ?? new Map<string, boolean[]>();
    byName.set(name, values.map((v) => v === '1'));
    alarms.set(method, byName);
  }
  const referenceMethods = [...alarms.keys()].filter((m) => !(m in CALLWATCH_METHODS));
  const missing = series.filter((x) => referenceMethods.some((m) => !alarms.get(m)?.has(x.name)));
  if (referenceMethods.length === 0 || missing.length > 0) {
    throw new Error(`reference alarms missing for ${missing.length || series.length} series (first ${(missing[0] ?? series[0])?.name ?? ''}): the R run did not get that far; use fewer --replicates`);
  }
  // The times cover every series the R run finished (possibly more than this run uses).
  const finished = [...judged.values()].filter((n) => n === referenceMethods.length).length;
  for (const line of readFileSync(timingFile, 'utf8').split('\n')) {
    const [method, secs] = line.split(',');
    if (method && secs) {
      cpuSeconds.set(method.trim(), Number(secs));
      seriesCount.set(method.trim(), finished);
    }
  }
}

const methods = [...alarms.keys()];
const groups = [...new Set(series.map((s) => s.group))];
type Tallies = Map<string, Map<string, OutbreakTally>>; // method → group → tally
const tallies: Tallies = new Map();
const blockTallies = new Map<string, OutbreakTally[]>(); // method → per block of replicates, Noufaily scenarios only
for (const method of methods) {
  const byGroup = new Map<string, OutbreakTally>();
  const blocks = Array.from({ length: BLOCKS }, emptyTally);
  for (const s of series) {
    const a = alarms.get(method)?.get(s.name);
    if (!a) continue;
    const t = tallySeries(s, a);
    addTally(byGroup.get(s.group) ?? byGroup.set(s.group, emptyTally()).get(s.group) ?? emptyTally(), t);
    if (s.group.startsWith('scenario')) addTally(blocks[Math.floor(((s.replicate - 1) * BLOCKS) / replicates)] ?? emptyTally(), t);
  }
  tallies.set(method, byGroup);
  blockTallies.set(method, blocks);
}

const pct = (x: number): string => (100 * x).toFixed(1);
const noufailyGroups = groups.filter((g) => g.startsWith('scenario'));
const pooled = (method: string, gs: readonly string[]): OutbreakTally => {
  const out = emptyTally();
  for (const g of gs) {
    const t = tallies.get(method)?.get(g);
    if (t) addTally(out, t);
  }
  return out;
};
const describe = (g: string): string => {
  const id = Number(g.replace('scenario ', ''));
  const s = NOUFAILY_SCENARIOS.find((x) => x.id === id);
  return s ? `${id} (θ ${s.theta}, φ ${s.phi}${s.trend ? ', trend' : ''}${s.seasonal ? ', season' : ''})` : g;
};
const measures = [
  ['False-positive rate (%)', (t: OutbreakTally) => (100 * outbreakRates(t).falsePositiveRate).toFixed(2)],
  ['Probability of detection (%)', (t: OutbreakTally) => pct(outbreakRates(t).probabilityOfDetection)],
  ['Detection in the first outbreak week (%)', (t: OutbreakTally) => pct(outbreakRates(t).firstWeekDetection)],
] as const;

const lines: string[] = [];
lines.push(`Seed ${seed}, ${replicates} replicates per scenario and regime, nominal α = ${alpha} (one-sided), test weeks ${FIRST_TEST_WEEK + 1}–${FIRST_TEST_WEEK + TEST_WEEKS}.`, '');
lines.push('Methods:', '');
for (const m of methods) lines.push(`- \`${m}\`: ${m in CALLWATCH_METHODS ? CALLWATCH_METHODS[m as CallwatchMethod] : 'R surveillance 1.20.3'}`);
lines.push('');
for (const [title, f] of measures) {
  lines.push(`### ${title}`, '', `| series | ${methods.join(' | ')} |`, `| --- | ${methods.map(() => '---:').join(' | ')} |`);
  for (const g of groups) lines.push(`| ${g.startsWith('scenario') ? describe(g) : g} | ${methods.map((m) => (tallies.get(m)?.get(g) ? f(tallies.get(m)?.get(g) ?? emptyTally()) : '')).join(' | ')} |`);
  const ran = (m: string): boolean => noufailyGroups.some((g) => tallies.get(m)?.has(g));
  lines.push(`| **all ${noufailyGroups.length} scenario${noufailyGroups.length === 1 ? '' : 's'}** | ${methods.map((m) => (ran(m) ? `**${f(pooled(m, noufailyGroups))}**` : '')).join(' | ')} |`);
  const spread = (m: string): string => {
    const v = (blockTallies.get(m) ?? []).map((b) => Number(f(b)));
    return ran(m) ? `${Math.min(...v).toFixed(1)}–${Math.max(...v).toFixed(1)}` : '';
  };
  lines.push(`| spread over ${BLOCKS} blocks of replicates | ${methods.map(spread).join(' | ')} |`, '');
}
lines.push('### CPU time per 1,000 series (s)', '', `| ${methods.join(' | ')} |`, `| ${methods.map(() => '---:').join(' | ')} |`);
lines.push(`| ${methods.map((m) => ((1000 * (cpuSeconds.get(m) ?? 0)) / (seriesCount.get(m) ?? 1)).toFixed(1)).join(' | ')} |`, '');
const scenariosAtOrBelow = (m: string): number => noufailyGroups.filter((g) => outbreakRates(tallies.get(m)?.get(g) ?? emptyTally()).falsePositiveRate <= alpha).length;
lines.push('### Summary', '', `| method | scenarios with FPR ≤ α | scenarios with POD ≥ farringtonFlexible's | … and FPR ≤ farringtonFlexible's or ≤ α |`, '| --- | ---: | ---: | ---: |');
for (const m of methods.filter((x) => x !== 'callwatch-drop')) {
  const ff = tallies.get('farringtonFlexible');
  const better = ff ? noufailyGroups.filter((g) => outbreakRates(tallies.get(m)?.get(g) ?? emptyTally()).probabilityOfDetection >= outbreakRates(ff.get(g) ?? emptyTally()).probabilityOfDetection) : [];
  const fair = ff
    ? better.filter((g) => {
        const own = outbreakRates(tallies.get(m)?.get(g) ?? emptyTally()).falsePositiveRate;
        return own <= outbreakRates(ff.get(g) ?? emptyTally()).falsePositiveRate || own <= alpha;
      })
    : [];
  lines.push(`| ${m} | ${scenariosAtOrBelow(m)} / ${noufailyGroups.length} | ${ff ? better.length : '–'} / ${noufailyGroups.length} | ${ff ? fair.length : '–'} / ${noufailyGroups.length} |`);
}

// At equal false-positive rate (bench/spikes/equal-fpr.ts): the methods' realised FPRs differ, and a
// method that alarms more also detects more, so callwatch's detection is read where it alarms no more
// often than farringtonFlexible on the same outbreak-free weeks (in-sample), and with the threshold
// chosen on the other half of the replicates (cross-fitted). The converse (farringtonFlexible read at
// callwatch's FPR) would need R at many levels: not run.
const ffTallies = tallies.get('farringtonFlexible');
const equalFprSummary = { reference: emptyTally(), inSample: emptyTally(), crossFitted: emptyTally(), inSampleAtLeast: 0, crossFittedAtLeast: 0, crossFittedBoth: 0 };
if (ffTallies && callwatchScoresByName.size > 0) {
  const triple = (t: OutbreakTally): string => {
    const r = outbreakRates(t);
    return `${(100 * r.falsePositiveRate).toFixed(2)} / ${pct(r.probabilityOfDetection)} / ${pct(r.firstWeekDetection)}`;
  };
  const signed = (d: number): string => `${d >= 0 ? '+' : '−'}${Math.abs(100 * d).toFixed(1)}`;
  const scoresOf = new Map<string, SeriesScores[]>();
  for (const s of series) {
    const sc = callwatchScoresByName.get(s.name);
    if (sc) (scoresOf.get(s.group) ?? scoresOf.set(s.group, []).get(s.group) ?? []).push(seriesScores(s, s.replicate, sc));
  }
  lines.push(
    '### callwatch at farringtonFlexible’s false-positive rate',
    '',
    'Per scenario, callwatch alarms where its tail probability is below a cut (bench/spikes/equal-fpr.ts). **In-sample**: a cut with no more false alarms than farringtonFlexible on the same outbreak-free test weeks, midway (geometric mean) between the free-week scores on either side of that count (the cut, as a nominal level, in brackets). **Cross-fitted**: the cut chosen that way on the other half of the replicates (odd ↔ even) and applied to this half. FPR / POD / first week in %; differences in POD points.',
    '',
    '| scenario | farringtonFlexible | callwatch in-sample (cut) | difference | callwatch cross-fitted | difference |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  );
  const paired: { group: string; inSample: PairedDifference; bootstrapSe: number; crossFitted: PairedDifference; ffFpr: number; inSampleFpr: number; crossFittedFpr: number }[] = [];
  for (const g of noufailyGroups) {
    const ff = ffTallies.get(g) ?? emptyTally();
    const byHalf = [emptyTally(), emptyTally()];
    const ffDetected = new Map<number, boolean>(); // replicate → farringtonFlexible detected its outbreak (series with one)
    const ffFalseAlarms = new Map<number, number>(); // replicate → farringtonFlexible's false alarms
    for (const s of series.filter((x) => x.group === g)) {
      const a = alarms.get('farringtonFlexible')?.get(s.name);
      if (!a) continue;
      const t = tallySeries(s, a);
      addTally(byHalf[s.replicate % 2] ?? emptyTally(), t);
      if (t.outbreaks > 0) ffDetected.set(s.replicate, t.detected > 0);
      ffFalseAlarms.set(s.replicate, t.falseAlarms);
    }
    const e = equalFpr(scoresOf.get(g) ?? [], (half) => (half === 'all' ? ff.falseAlarms : (byHalf[half]?.falseAlarms ?? 0)));
    // The same outbreaks, detected or not by each method: callwatch at the in-sample cut and at its half's cross-fitted cut.
    const withOutbreak = (scoresOf.get(g) ?? []).filter((x) => x.outbreak !== null && ffDetected.has(x.replicate));
    const pairsAt = (cutOf: (x: SeriesScores) => number): [boolean, boolean][] => withOutbreak.map((x) => [(x.outbreak ?? Number.POSITIVE_INFINITY) < cutOf(x), ffDetected.get(x.replicate) ?? false]);
    paired.push({
      group: g,
      inSample: pairedDifference(pairsAt(() => e.inSampleCut)),
      bootstrapSe: bootstrapDifference(
        (scoresOf.get(g) ?? []).map((x) => ({ scores: x, referenceFalseAlarms: ffFalseAlarms.get(x.replicate) ?? 0, referenceDetected: ffDetected.get(x.replicate) ?? null })),
        BOOTSTRAP_DRAWS,
        (() => {
          const rng = new Rng(seriesSeed(seed + 2, Number(g.replace('scenario ', '')), 0));
          return () => rng.next();
        })(),
      ),
      crossFitted: pairedDifference(pairsAt((x) => e.crossFittedCuts[x.replicate % 2 === 0 ? 0 : 1])),
      ffFpr: outbreakRates(ff).falsePositiveRate,
      inSampleFpr: outbreakRates(e.inSample).falsePositiveRate,
      crossFittedFpr: outbreakRates(e.crossFitted).falsePositiveRate,
    });
    addTally(equalFprSummary.reference, ff);
    addTally(equalFprSummary.inSample, e.inSample);
    addTally(equalFprSummary.crossFitted, e.crossFitted);
    const ffPod = outbreakRates(ff).probabilityOfDetection;
    const d = outbreakRates(e.inSample).probabilityOfDetection - ffPod;
    const dc = outbreakRates(e.crossFitted).probabilityOfDetection - ffPod;
    if (d >= 0) equalFprSummary.inSampleAtLeast += 1;
    if (dc >= 0) equalFprSummary.crossFittedAtLeast += 1;
    if (dc >= 0 && e.crossFitted.falseAlarms <= ff.falseAlarms) equalFprSummary.crossFittedBoth += 1;
    const cut = Number.isFinite(e.inSampleCut) ? e.inSampleCut.toPrecision(2) : 'all';
    lines.push(`| ${describe(g)} | ${triple(ff)} | ${triple(e.inSample)} (${cut}) | ${signed(d)} | ${triple(e.crossFitted)} | ${signed(dc)} |`);
  }
  const s = equalFprSummary;
  lines.push(`| **the ${noufailyGroups.length} scenario${noufailyGroups.length === 1 ? '' : 's'}** | **${triple(s.reference)}** | **${triple(s.inSample)}** | ${signed(outbreakRates(s.inSample).probabilityOfDetection - outbreakRates(s.reference).probabilityOfDetection)} | **${triple(s.crossFitted)}** | ${signed(outbreakRates(s.crossFitted).probabilityOfDetection - outbreakRates(s.reference).probabilityOfDetection)} |`, '');
  lines.push(
    `callwatch's POD at least farringtonFlexible's at an FPR at or below it (in-sample): ${s.inSampleAtLeast} of ${noufailyGroups.length} scenarios. Cross-fitted: POD at least farringtonFlexible's in ${s.crossFittedAtLeast} of ${noufailyGroups.length}, and with the FPR at or below too in ${s.crossFittedBoth} of ${noufailyGroups.length}.`,
    '',
  );
  // Paired, because both methods judge the same outbreaks: the error of the difference counts only the
  // outbreaks one method detects and the other misses. It treats the cut as fixed (the in-sample cut is
  // read off these same replicates' free weeks; the cross-fitted one off the other half's). The bootstrap
  // over whole replicates counts the cut's randomness too (equal-fpr.ts, bootstrapDifference).
  const pp = (x: number): string => (100 * x).toFixed(1);
  const diff = (p: PairedDifference): string => `${signed(p.difference)} ± ${pp(p.standardError)} (${p.standardError > 0 ? `${p.difference >= 0 ? '+' : '−'}${Math.abs(p.difference / p.standardError).toFixed(1)} SE` : 'no outbreak detected by one only'}; ${p.onlyFirst} / ${p.onlySecond})`;
  lines.push(
    `Paired on the same outbreaks: callwatch’s POD minus farringtonFlexible’s, ± its standard error √(b + c − (b − c)²/n)/n in points, the cut held fixed (b, c: outbreaks only callwatch, only farringtonFlexible detected; in brackets the difference in standard errors and b / c); and the in-sample difference's standard deviation over ${BOOTSTRAP_DRAWS} bootstrap resamples of whole replicates, the cut chosen again in each (its randomness counted too). FPRs in %.`,
    '',
    '| scenario | outbreaks | FPR farringtonFlexible / callwatch in-sample / cross-fitted | in-sample difference | bootstrap SE | cross-fitted difference |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const p of paired) {
    lines.push(`| ${describe(p.group)} | ${p.inSample.outbreaks} | ${(100 * p.ffFpr).toFixed(2)} / ${(100 * p.inSampleFpr).toFixed(2)} / ${(100 * p.crossFittedFpr).toFixed(2)} | ${diff(p.inSample)} | ${pp(p.bootstrapSe)} | ${diff(p.crossFitted)} |`);
  }
  lines.push('');
  const levels = [...new Set([alpha, ...alphaGrid])].sort((a, b) => a - b);
  lines.push(
    'One level for all scenarios: the same tail probabilities read at each level (weeks left out of later baselines stay those of the nominal α; pooled FPR / POD / first week in %):',
    '',
    '| callwatch level | pooled | scenarios with FPR ≤ farringtonFlexible’s | with POD ≥ farringtonFlexible’s | with both |',
    '| ---: | ---: | ---: | ---: | ---: |',
  );
  for (const a of levels) {
    const per = noufailyGroups.map((g) => ({ own: tallyBelow(scoresOf.get(g) ?? [], a * (1 + 1e-12)), ff: ffTallies.get(g) ?? emptyTally() }));
    const fprOk = per.filter((x) => x.own.falseAlarms <= x.ff.falseAlarms);
    const podOk = per.filter((x) => outbreakRates(x.own).probabilityOfDetection >= outbreakRates(x.ff).probabilityOfDetection);
    const both = fprOk.filter((x) => podOk.includes(x));
    lines.push(`| ${a} | ${triple(per.reduce((acc, x) => addTally(acc, x.own), emptyTally()))} | ${fprOk.length} / ${noufailyGroups.length} | ${podOk.length} / ${noufailyGroups.length} | ${both.length} / ${noufailyGroups.length} |`);
  }
  lines.push(`| farringtonFlexible (α ${alpha}) | ${triple(pooled('farringtonFlexible', noufailyGroups))} | | | |`, '');
}
const report = lines.join('\n') + '\n';
writeFileSync(join(outDir, 'report.md'), report);
writeFileSync(
  join(outDir, 'results.json'),
  JSON.stringify({ seed, replicates, alpha, alphaGrid, equalFpr: equalFprSummary, cpuSeconds: Object.fromEntries(cpuSeconds), tallies: Object.fromEntries([...tallies].map(([m, g]) => [m, Object.fromEntries(g)])) }, null, 1),
);
process.stdout.write(report);
