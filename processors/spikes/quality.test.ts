import { describe, expect, it } from 'vitest';
import { detectSpikes } from './detect-spikes.ts';
import { numberQuality, type NumberQuality } from './quality.ts';
import { syntheticDataSet, WEB_LAUNCH_WEEK, type SyntheticDataSet } from './synthetic.ts';
import type { SpikeVerdict } from './verdict.ts';

// Quality of spike detection on the labelled synthetic data set (synthetic.ts) with the default
// parameters, pooled over five seeds so that one lucky seed cannot carry it. The floors are the
// figures reached when the defaults were chosen (README.md): a change that detects worse fails here.
const SEEDS = [20160517, 1, 2, 3, 4];
const PRECISION_FLOOR = 0.95; // reached: 402 / 423 = 0.9504
const RECALL_FLOOR = 0.61; // reached: 402 / 650 = 0.6185 (every injected spike counts, the ones too small to find by design too)

interface Run {
  seed: number;
  data: SyntheticDataSet;
  verdicts: SpikeVerdict[];
  quality: NumberQuality;
}

const runs: Run[] = SEEDS.map((seed) => {
  const data = syntheticDataSet(seed);
  const verdicts = detectSpikes(data.input);
  return { seed, data, verdicts, quality: numberQuality(verdicts, data.numberSpikes, data.input.weeks) };
});
const sum = (f: (q: NumberQuality) => number): number => runs.reduce((s, r) => s + f(r.quality), 0);
const cell = (name: string): { found: number; injected: number } => {
  const out = { found: 0, injected: 0 };
  for (const r of runs) {
    const c = r.quality.recallByCell.get(name);
    out.found += c?.found ?? 0;
    out.injected += c?.injected ?? 0;
  }
  return out;
};
const aggregateLine = (r: Run, v: { week: number | string; scope: string; key: string; kind: string }): string =>
  `${typeof v.week === 'number' ? (r.data.input.weeks[v.week] ?? '?') : v.week} ${v.scope} ${v.key} ${v.kind}`;

describe('spike detection quality on the labelled synthetic data set', () => {
  it(`number spikes, pooled over ${SEEDS.length} seeds: precision ≥ ${PRECISION_FLOOR}, recall ≥ ${RECALL_FLOOR}`, () => {
    const tp = sum((q) => q.truePositives);
    const precision = tp / (tp + sum((q) => q.falsePositives));
    const recall = tp / (tp + sum((q) => q.falseNegatives));
    expect(precision).toBeGreaterThanOrEqual(PRECISION_FLOOR);
    expect(recall).toBeGreaterThanOrEqual(RECALL_FLOOR);
  });

  it('finds every spike of a clear size at each baseline, every ramping robocaller week and the big robocaller', () => {
    const mustFind = ['b=0 +5', 'b=0 +8', 'b=0 +15', 'b=0 +30', 'b=0.5 +15', 'b=0.5 +30', 'b=2 +20', 'b=2 +40', 'b=50 +250', 'ramp +6', 'ramp +15', 'ramp +30', 'ramp +50', 'big +900', 'big +1000'];
    for (const name of mustFind) {
      const c = cell(name);
      expect(c.injected, name).toBeGreaterThan(0);
      expect(`${name}: ${c.found}/${c.injected}`).toBe(`${name}: ${c.injected}/${c.injected}`);
    }
    const b10 = cell('b=10 +50');
    expect(b10.found / b10.injected).toBeGreaterThanOrEqual(0.95);
  });

  it('never fires on noise at low counts: +3 on a number never reported before is below the minimum count', () => {
    expect(cell('b=0 +3').found).toBe(0);
    expect(cell('b=2 +4').found).toBe(0);
  });

  it('channels and overall: every labelled verdict found on every seed (web and live-chat launches as level shifts, the surge and the robocaller as spikes), no other level shift', () => {
    for (const r of runs) {
      const got = r.verdicts.filter((v) => v.scope !== 'number').map((v) => aggregateLine(r, v));
      const want = r.data.aggregateVerdicts.map((a) => aggregateLine(r, a));
      expect({ seed: r.seed, missing: want.filter((w) => !got.includes(w)) }).toEqual({ seed: r.seed, missing: [] });
      // Unlabelled extras are SPIKEs of weeks where the random injections pile up (hundreds of extra reports).
      expect({ seed: r.seed, extraShifts: got.filter((g) => !want.includes(g) && g.endsWith('LEVEL_SHIFT')) }).toEqual({ seed: r.seed, extraShifts: [] });
    }
    const first = runs[0];
    if (!first) throw new Error('no run');
    expect(first.verdicts.filter((v) => v.scope !== 'number').map((v) => aggregateLine(first, v)).sort()).toEqual(first.data.aggregateVerdicts.map((a) => aggregateLine(first, a)).sort());
  });

  it('the web launch is not reported as number spikes: at most two unlabelled number verdicts in the launch week and the two after it', () => {
    for (const r of runs) {
      const launchWeeks = new Set(r.data.input.weeks.slice(WEB_LAUNCH_WEEK, WEB_LAUNCH_WEEK + 3));
      const labelled = new Set(r.data.numberSpikes.map((s) => `${s.key}|${r.data.input.weeks[s.week] ?? ''}`));
      const unlabelled = r.verdicts.filter((v) => v.scope === 'number' && launchWeeks.has(v.week) && !labelled.has(`${v.key}|${v.week}`));
      expect(unlabelled.length, `seed ${r.seed}`).toBeLessThanOrEqual(2);
    }
  });

  it('the data set is seeded: the same seed gives the same data, another seed other data', () => {
    const data = runs[0]?.data;
    const again = syntheticDataSet(SEEDS[0]);
    expect(again.input.series.find((s) => s.scope === 'overall')?.counts).toEqual(data?.input.series.find((s) => s.scope === 'overall')?.counts);
    expect(again.numberSpikes).toEqual(data?.numberSpikes);
    expect(runs[1]?.data.numberSpikes).not.toEqual(data?.numberSpikes);
  });

  it('is shaped on the regulator report: about 2,350 reports a week before the launch, about 4,300 after', () => {
    const data = runs[0]?.data;
    if (!data) throw new Error('no run');
    const injected = new Array<number>(data.input.weeks.length).fill(0);
    for (const s of data.numberSpikes) injected[s.week] = (injected[s.week] ?? 0) + s.size;
    // The stream without the injected spikes.
    const overall = (data.input.series.find((s) => s.scope === 'overall')?.counts ?? []).map((c, t) => c - (injected[t] ?? 0));
    const avg = (xs: readonly number[]): number => xs.reduce((s, v) => s + v, 0) / xs.length;
    // Weeks 0–5 (before the surge and the robocaller) and the full weeks after the launch.
    expect(Math.abs(avg(overall.slice(0, 6)) - 2350)).toBeLessThan(120);
    expect(Math.abs(avg(overall.slice(WEB_LAUNCH_WEEK + 1)) - 4300)).toBeLessThan(200);
  });
});
