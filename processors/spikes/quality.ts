import type { LabelledSpike } from './synthetic.ts';
import type { SpikeVerdict } from './verdict.ts';

export interface NumberQuality {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
  /** Recall per injected baseline and size, e.g. "b=2 +8" → 0.8; ramps and the big robocaller as their own rows. */
  recallByCell: Map<string, { found: number; injected: number }>;
}

const cellName = (s: LabelledSpike): string => (s.source === 'cell' ? `b=${s.baseline} +${s.size}` : `${s.source} +${s.size}`);

/** Precision and recall of number-scope verdicts against the labelled spikes (one item = one number-week). */
export function numberQuality(verdicts: readonly SpikeVerdict[], labels: readonly LabelledSpike[], weeks: readonly string[]): NumberQuality {
  const id = (key: string, week: string): string => `${key}|${week}`;
  const detected = new Set(verdicts.filter((v) => v.scope === 'number').map((v) => id(v.key, v.week)));
  const labelled = new Set(labels.map((s) => id(s.key, weeks[s.week] ?? '')));
  let truePositives = 0;
  for (const d of detected) if (labelled.has(d)) truePositives += 1;
  const recallByCell = new Map<string, { found: number; injected: number }>();
  for (const s of labels) {
    const cell = recallByCell.get(cellName(s)) ?? { found: 0, injected: 0 };
    cell.injected += 1;
    if (detected.has(id(s.key, weeks[s.week] ?? ''))) cell.found += 1;
    recallByCell.set(cellName(s), cell);
  }
  return {
    truePositives,
    falsePositives: detected.size - truePositives,
    falseNegatives: labelled.size - truePositives,
    precision: detected.size === 0 ? 1 : truePositives / detected.size,
    recall: labelled.size === 0 ? 1 : truePositives / labelled.size,
    recallByCell,
  };
}
