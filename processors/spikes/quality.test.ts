import { describe, expect, it } from 'vitest';
import { detectSpikes } from './detect-spikes.ts';
import { numberQuality } from './quality.ts';
import { syntheticDataSet, WEB_LAUNCH_WEEK } from './synthetic.ts';

// Quality of spike detection on the labelled synthetic data set (synthetic.ts), with the default
// parameters. The floors are the figures reached when these defaults were chosen (README.md): a
// change that makes detection worse fails here.
const PRECISION_FLOOR = 0.98;
const RECALL_FLOOR = 0.61;

const data = syntheticDataSet();
const verdicts = detectSpikes(data.input);
const quality = numberQuality(verdicts, data.numberSpikes, data.input.weeks);

describe('spike detection quality on the labelled synthetic data set', () => {
  it(`number spikes: precision ≥ ${PRECISION_FLOOR}, recall ≥ ${RECALL_FLOOR} (recall counts every injected spike, the ones too small to find by design too)`, () => {
    expect(quality.precision).toBeGreaterThanOrEqual(PRECISION_FLOOR);
    expect(quality.recall).toBeGreaterThanOrEqual(RECALL_FLOOR);
  });

  it('finds every spike of a clear size at each baseline, every ramping robocaller week and the big robocaller', () => {
    const mustFind = ['b=0 +5', 'b=0 +8', 'b=0 +15', 'b=0 +30', 'b=0.5 +15', 'b=0.5 +30', 'b=2 +20', 'b=2 +40', 'b=10 +50', 'b=50 +250', 'ramp +6', 'ramp +15', 'ramp +30', 'ramp +50', 'big +900', 'big +1000'];
    for (const cell of mustFind) {
      const c = quality.recallByCell.get(cell);
      expect(c, cell).toBeDefined();
      expect(`${cell}: ${c?.found}/${c?.injected}`).toBe(`${cell}: ${c?.injected}/${c?.injected}`);
    }
  });

  it('never fires on noise at low counts: +3 on a baseline of 0 or 0.5 is below the minimum count', () => {
    expect(quality.recallByCell.get('b=0 +3')?.found).toBe(0);
    expect(quality.recallByCell.get('b=0.5 +3')?.found).toBe(0);
  });

  it('channels and overall: exactly the labelled verdicts — the web launch and the live-chat launch as level shifts, the surge and the robocaller as spikes', () => {
    const got = verdicts.filter((v) => v.scope !== 'number').map((v) => `${v.week} ${v.scope} ${v.key} ${v.kind}`);
    const want = data.aggregateVerdicts.map((a) => `${data.input.weeks[a.week] ?? '?'} ${a.scope} ${a.key} ${a.kind}`);
    expect(got.sort()).toEqual(want.sort());
  });

  it('the web launch is not reported as number spikes: at most one unlabelled number verdict in the launch week and the two after it', () => {
    const launchWeeks = new Set(data.input.weeks.slice(WEB_LAUNCH_WEEK, WEB_LAUNCH_WEEK + 3));
    const labelled = new Set(data.numberSpikes.map((s) => `${s.key}|${data.input.weeks[s.week] ?? ''}`));
    const unlabelled = verdicts.filter((v) => v.scope === 'number' && launchWeeks.has(v.week) && !labelled.has(`${v.key}|${v.week}`));
    expect(unlabelled.length).toBeLessThanOrEqual(1);
  });

  it('the data set is seeded: the same seed gives the same data, another seed other data', () => {
    const again = syntheticDataSet();
    expect(again.input.series.find((s) => s.scope === 'overall')?.counts).toEqual(data.input.series.find((s) => s.scope === 'overall')?.counts);
    expect(again.numberSpikes).toEqual(data.numberSpikes);
    expect(syntheticDataSet(7).numberSpikes).not.toEqual(data.numberSpikes);
  });

  it('is shaped on the regulator report: about 2,350 reports a week before the launch, about 4,300 after', () => {
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
